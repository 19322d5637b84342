#include "bloatmeter/key_values.hpp"

#include <cctype>

#include "bloatmeter/utf8.hpp"

namespace bloatmeter {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

}  // namespace

Outcome<std::vector<KeyValueLine>> parse_key_value_lines(std::string_view text) {
  using Result = Outcome<std::vector<KeyValueLine>>;
  std::vector<KeyValueLine> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    // Settings reach JSON answers (sponsor_city in /api/sponsor), which
    // hold UTF-8 only: a Latin-1 file is refused here, at load.
    if (!is_valid_utf8(line))
      return Result::failure("line " + std::to_string(line_no) + ": not valid UTF-8 text (save the file as UTF-8)");
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos)
      return Result::failure("line " + std::to_string(line_no) + ": expected key=value");
    const auto key = trim(line.substr(0, eq));
    if (!valid_key(key))
      return Result::failure("line " + std::to_string(line_no) + ": invalid key '" + std::string(key) + "'");
    std::string_view value = trim(line.substr(eq + 1));
    std::string parsed;
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      const char q = value.front();
      const auto close = value.find(q, 1);
      if (close == std::string_view::npos)
        return Result::failure("line " + std::to_string(line_no) + ": unterminated quote");
      parsed = std::string(value.substr(1, close - 1));
      const auto rest = trim(value.substr(close + 1));
      if (!rest.empty() && rest.front() != '#')
        return Result::failure("line " + std::to_string(line_no) + ": text after the closing quote");
    } else {
      // An unquoted value ends at a comment that follows whitespace, so a
      // URL fragment like "https://x/#top" survives.
      for (std::size_t i = 0; i < value.size(); ++i)
        if (value[i] == '#' && i > 0 && std::isspace(static_cast<unsigned char>(value[i - 1]))) {
          value = trim(value.substr(0, i));
          break;
        }
      parsed = std::string(value);
    }
    out.push_back({std::string(key), std::move(parsed), line_no});
  }
  return Result::success(std::move(out));
}

Outcome<std::map<std::string, std::string>> parse_key_values(std::string_view text) {
  using Result = Outcome<std::map<std::string, std::string>>;
  auto lines = parse_key_value_lines(text);
  if (!lines) return Result::failure(lines.error());
  std::map<std::string, std::string> out;
  for (auto& kv : lines.value()) out[std::move(kv.key)] = std::move(kv.value);
  return Result::success(std::move(out));
}

}  // namespace bloatmeter
