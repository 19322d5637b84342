#pragma once
// What a failed connection or exchange says to a person. Boost's
// system_error::what() carries the source line it was thrown from
// ("Connection refused [system:111 at /usr/include/boost/asio/...]"); its
// code's message does not, and a timeout says how long was waited.
#include <chrono>
#include <exception>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>

namespace bloatmeter::cli {

// `failure` must hold an exception.
inline std::string failure_text(std::exception_ptr failure, std::chrono::seconds timeout) {
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& x) {
    return x.code() == boost::beast::error::timeout ? "no answer within " + std::to_string(timeout.count()) + " s"
                                                    : x.code().message();
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown failure";
  }
}

}  // namespace bloatmeter::cli
