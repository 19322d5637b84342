#pragma once
#include <optional>
#include <string>
#include <utility>

namespace bloatmeter {

// A value or the reason there is none: errors as values at the boundaries
// (parsing files, validating input), so no caller needs exceptions.
template <typename T>
class Outcome {
 public:
  static Outcome success(T value) { return Outcome(std::move(value), {}); }
  static Outcome failure(std::string error) { return Outcome(std::nullopt, std::move(error)); }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const std::string& error() const { return error_; }

 private:
  Outcome(std::optional<T> v, std::string e) : value_(std::move(v)), error_(std::move(e)) {}
  std::optional<T> value_;
  std::string error_;
};

}  // namespace bloatmeter
