#include "http_session.hpp"
#include "session_start.hpp"

namespace bloatmeter::server {

void start_tls_session(tcp::socket&& socket, ssl::context& tls, ServerContext& ctx) {
  std::make_shared<TlsHttpSession>(std::move(socket), tls, ctx)->run();
}

}  // namespace bloatmeter::server
