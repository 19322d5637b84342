#include "http_session.hpp"
#include "session_start.hpp"

namespace bloatmeter::server {

void start_plain_session(tcp::socket&& socket, ServerContext& ctx) {
  std::make_shared<PlainHttpSession>(std::move(socket), ctx)->run();
}

}  // namespace bloatmeter::server
