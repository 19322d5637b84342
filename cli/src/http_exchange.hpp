#pragma once
// One HTTP request to the test server and its answer, over TCP or TLS as
// the URL says, bounded in time and stoppable with Ctrl-C: what a result
// submission and a UDP session's opening both need.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http.hpp>

#include "bloatmeter/rrul_marking.hpp"
#include "run_start.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

struct HttpExchange {
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> answer;  // the server answered
  bool stopped = false;  // Ctrl-C before it did
  std::string failure;   // neither: why (cannot connect, no answer in time)
  // The address the request reached (a name may have several, of either
  // family): a UDP lane the server ties to this client must go there too.
  std::optional<boost::asio::ip::address> peer;
};

// Sends `request` to `url` (TLS with `tls` when the URL is https, `verify`
// its peer check) and reads an answer of at most `max_answer_bytes`, all
// within `timeout` once connected. Runs `io` until then. With `family`,
// only the host's addresses of that family are tried.
HttpExchange exchange_http(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                           boost::asio::ssl::context* tls, bool verify,
                           const boost::beast::http::request<boost::beast::http::string_body>& request,
                           std::chrono::seconds timeout, std::size_t max_answer_bytes,
                           std::optional<IpFamily> family = std::nullopt);

}  // namespace bloatmeter::cli
