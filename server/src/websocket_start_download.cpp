#include "websocket_bulk_download.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {

void start_bulk_download(beast::tcp_stream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx, std::size_t chunk) {
  std::make_shared<BulkDownloadSession<beast::tcp_stream>>(std::move(stream), ctx, chunk)->run(std::move(req), std::move(lease));
}

void start_bulk_download(TlsStream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx, std::size_t chunk) {
  std::make_shared<BulkDownloadSession<TlsStream>>(std::move(stream), ctx, chunk)->run(std::move(req), std::move(lease));
}

}  // namespace bloatmeter::server
