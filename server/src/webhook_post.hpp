#pragma once
// One webhook delivery attempt: a POST over a fresh connection (http, or
// https verified against the system's CA store with the URL's host name),
// bounded as a whole by one deadline (resolve + connect + TLS + write +
// the answer's header), on the sender's io_context. The receiver's answer
// is its status line: the body is never read.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http_types.hpp"
#include "webhook_url.hpp"

namespace bloatmeter::server {

struct WebhookReply {
  int status = 0;     // the receiver's HTTP status; 0 when none came
  std::string error;  // why none came (refused, timed out, TLS, ...)
};

class WebhookPost : public std::enable_shared_from_this<WebhookPost> {
 public:
  using Done = std::function<void(WebhookReply)>;
  // tls is used only for https targets and must outlive the attempt.
  WebhookPost(net::io_context& ioc, ssl::context& tls, WebhookTarget target);
  // Starts the attempt; done runs exactly once, on the io_context's thread.
  void run(http::request<http::string_body> request, std::chrono::steady_clock::duration timeout, Done done);

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type endpoints);
  void on_connect(beast::error_code ec);
  void write();
  void on_write(beast::error_code ec, std::size_t);
  void on_read(beast::error_code ec, std::size_t);
  void fail(const std::string& what, beast::error_code ec);
  void finish(WebhookReply reply);
  tcp::socket& socket();

  WebhookTarget target_;
  tcp::resolver resolver_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  net::steady_timer deadline_;
  bool timed_out_ = false;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::empty_body> parser_;
  Done done_;
};

}  // namespace bloatmeter::server
