#pragma once
// Typed, path-tracking access to a JSON document, so a malformed result file
// gets an error naming the exact field. Throws JsonFieldError; the public
// parse functions catch it and return an Outcome.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/result_limits.hpp"

namespace bloatmeter::detail {

struct JsonFieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class JsonReader {
 public:
  JsonReader(const nlohmann::json& node, std::string path) : node_(node), path_(std::move(path)) {}

  const nlohmann::json& node() const { return node_; }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw JsonFieldError(join(key) + ": " + what);
  }

  bool has(const std::string& key) const { return node_.contains(key) && !node_.at(key).is_null(); }

  JsonReader object(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_object()) fail(key, "expected an object");
    return {v, join(key)};
  }

  // Visits each element of an array field with a reader for "key[i]".
  template <typename F>
  void each(const std::string& key, F&& f, std::size_t max_items = 10'000'000) const {
    const auto& v = require(key);
    if (!v.is_array()) fail(key, "expected an array");
    if (v.size() > max_items) fail(key, "too many items");
    for (std::size_t i = 0; i < v.size(); ++i) f(JsonReader(v[i], join(key) + "[" + std::to_string(i) + "]"));
  }

  std::string string(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_string()) fail(key, "expected a string");
    return v.get<std::string>();
  }
  std::string string_or(const std::string& key, std::string fallback) const {
    return has(key) ? string(key) : fallback;
  }

  std::int64_t integer(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_number_integer()) fail(key, "expected an integer");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      fail(key, "integer out of range");
    return v.get<std::int64_t>();
  }
  std::int64_t non_negative(const std::string& key) const {
    const auto n = integer(key);
    if (n < 0) fail(key, "must not be negative");
    return n;
  }
  // A count of things (a size_t); a sequence number or size that fits 32 bits.
  std::size_t count(const std::string& key) const { return static_cast<std::size_t>(non_negative(key)); }
  std::uint32_t uint32(const std::string& key) const {
    const auto n = non_negative(key);
    if (n > UINT32_MAX) fail(key, "out of range");
    return static_cast<std::uint32_t>(n);
  }
  std::optional<std::int64_t> optional_integer(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return integer(key);
  }
  // An integer in [lo, hi]; the error names the range.
  std::int64_t integer_in(const std::string& key, std::int64_t lo, std::int64_t hi) const {
    const auto n = integer(key);
    if (n < lo || n > hi) fail(key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
    return n;
  }
  // A time stamp in microseconds (result_limits.hpp: kMaxTimeUs either side
  // of its clock's epoch), so sums and differences of two never overflow.
  std::int64_t time_us(const std::string& key) const { return integer_in(key, -kMaxTimeUs, kMaxTimeUs); }
  std::optional<std::int64_t> optional_time_us(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return time_us(key);
  }

  double number(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_number()) fail(key, "expected a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(key, "expected a finite number");
    return d;
  }
  std::optional<double> optional_number(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return number(key);
  }

  bool boolean(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_boolean()) fail(key, "expected true or false");
    return v.get<bool>();
  }
  bool boolean_or(const std::string& key, bool fallback) const { return has(key) ? boolean(key) : fallback; }

 private:
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const nlohmann::json& require(const std::string& key) const {
    if (!node_.is_object()) throw JsonFieldError((path_.empty() ? std::string("document") : path_) + ": expected an object");
    auto it = node_.find(key);
    if (it == node_.end() || it->is_null()) fail(key, "missing");
    return *it;
  }

  const nlohmann::json& node_;
  std::string path_;
};

}  // namespace bloatmeter::detail
