#include "result_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

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

bool write_result_file(const Result& result, const std::string& path, const char* command, std::ostream& out,
                       std::ostream& err) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file << serialize_result(result, 2) << "\n";
  file.close();
  if (!file) {
    err << "bloatmeter " << command << ": writing " << path << " failed\n";
    return false;
  }
  out << "Result file: " << path << "\n";
  return true;
}

}  // namespace bloatmeter::cli
