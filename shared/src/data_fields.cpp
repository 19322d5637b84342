#include "data_fields.hpp"

namespace bloatmeter::detail {

using nlohmann::json;

namespace {

constexpr const char* kComment = "comment";

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

}  // namespace

std::optional<std::string> first_field_mismatch(const json& given, const json& known, const std::string& path,
                                                const std::set<std::string>& written_only) {
  if (given.is_array() && known.is_array()) {
    for (std::size_t i = 0; i < given.size() && i < known.size(); ++i)
      if (auto e = first_field_mismatch(given[i], known[i], path + "[" + std::to_string(i) + "]", written_only))
        return e;
    return std::nullopt;
  }
  if (!given.is_object() || !known.is_object()) return std::nullopt;
  for (const auto& [key, value] : given.items()) {
    if (key == kComment) continue;
    if (!known.contains(key) || written_only.count(key))
      return join(path, key) + ": not a field here (its reader would ignore it; a typo?)";
    if (auto e = first_field_mismatch(value, known.at(key), join(path, key), written_only)) return e;
  }
  for (const auto& [key, value] : known.items())
    if (!given.contains(key) && !written_only.count(key))
      return join(path, key) + ": missing (the data gives every field, so none takes a default unseen)";
  return std::nullopt;
}

}  // namespace bloatmeter::detail
