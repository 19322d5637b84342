#include "websocket_household.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {

void start_household(beast::tcp_stream&& stream, Request&& req, ServerContext& ctx, HouseholdRequest&& user) {
  std::make_shared<HouseholdSession<beast::tcp_stream>>(std::move(stream), ctx, std::move(user))->run(std::move(req));
}

void start_household(TlsStream&& stream, Request&& req, ServerContext& ctx, HouseholdRequest&& user) {
  std::make_shared<HouseholdSession<TlsStream>>(std::move(stream), ctx, std::move(user))->run(std::move(req));
}

}  // namespace bloatmeter::server
