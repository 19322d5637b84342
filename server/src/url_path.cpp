#include "url_path.hpp"

namespace bloatmeter::server {

std::string_view target_path(std::string_view target) {
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string_view target_query(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  auto rest = target.substr(q + 1);
  const auto hash = rest.find('#');
  return hash == std::string_view::npos ? rest : rest.substr(0, hash);
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;  // needs two hex digits
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return std::nullopt;
    out.push_back(c);
    i += 2;
  }
  return out;
}

std::optional<std::string> safe_relative_path(std::string_view decoded) {
  if (decoded.empty() || decoded.front() != '/') return std::nullopt;
  if (decoded.find('\\') != std::string_view::npos || decoded.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string rel;
  std::string_view rest = decoded.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    const auto seg = rest.substr(0, slash);
    if (seg == "." || seg == "..") return std::nullopt;
    if (seg.empty() && slash != std::string_view::npos) return std::nullopt;  // "//"
    if (!seg.empty()) {
      if (!rel.empty()) rel.push_back('/');
      rel.append(seg);
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (rel.empty() || decoded.back() == '/') rel += rel.empty() ? "index.html" : "/index.html";
  return rel;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      if (eq == std::string_view::npos) return std::string{};
      auto v = percent_decode(pair.substr(eq + 1));
      return v ? v : std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return std::nullopt;
}

}  // namespace bloatmeter::server
