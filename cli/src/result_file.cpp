#include "result_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bloatmeter/result_json.hpp"

namespace bloatmeter::cli {

bool result_file_writable(const std::string& path) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  {
    std::ofstream probe(path, std::ios::binary | std::ios::app);
    if (!probe) return false;
  }
  if (!existed) std::remove(path.c_str());
  return true;
}

namespace {

// The result file's text, written to `path`; `must_be_new`: never over an
// existing file. False when it could not be written.
bool write_text(const Result& result, const std::string& path, bool must_be_new) {
  std::FILE* file = std::fopen(path.c_str(), must_be_new ? "wbx" : "wb");
  if (!file) return false;
  // Indented for a person to read, unless that would make it larger than a
  // reader takes (a long RRUL run's samples): then compact.
  std::string text = serialize_result(result, 2) + "\n";
  if (text.size() > kMaxResultBytes) text = serialize_result(result) + "\n";
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  return std::fclose(file) == 0 && written;
}

}  // namespace

std::optional<std::string> save_unsubmitted(const Result& result) {
  // started_at is 2026-12-05T10:00:00.123Z: keep its digits up to seconds.
  std::string stamp;
  for (char c : result.meta.started_at.substr(0, 19))
    if (c >= '0' && c <= '9') stamp += c;
  if (stamp.size() == 14) stamp = stamp.substr(0, 8) + "-" + stamp.substr(8);
  std::string base = "bloatmeter-";
  base += result.meta.mode.empty() ? "result" : result.meta.mode;
  if (!stamp.empty()) base.append("-").append(stamp);
  std::error_code ec;
  const auto temp = std::filesystem::temp_directory_path(ec);
  for (const std::filesystem::path& dir : {std::filesystem::path("."), ec ? std::filesystem::path() : temp}) {
    if (dir.empty()) continue;
    for (int n = 1; n <= 100; ++n) {
      std::string name = base;
      if (n > 1) name.append("-").append(std::to_string(n));
      const auto path = dir / (name + ".json");
      if (std::filesystem::exists(path, ec)) continue;
      if (write_text(result, path.string(), true)) return path.lexically_normal().string();
      break;  // the directory cannot be written: try the next
    }
  }
  return std::nullopt;
}

bool write_result_file(const Result& result, const std::string& path, const char* command, std::ostream& out,
                       std::ostream& err) {
  if (!write_text(result, path, false)) {
    err << "bloatmeter " << command << ": writing " << path << " failed\n";
    return false;
  }
  out << "Result file: " << path << "\n";
  return true;
}

}  // namespace bloatmeter::cli
