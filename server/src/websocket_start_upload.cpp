#include "websocket_bulk_upload.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {

void start_bulk_upload(beast::tcp_stream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx) {
  std::make_shared<BulkUploadSession<beast::tcp_stream>>(std::move(stream), ctx)->run(std::move(req), std::move(lease));
}

void start_bulk_upload(TlsStream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx) {
  std::make_shared<BulkUploadSession<TlsStream>>(std::move(stream), ctx)->run(std::move(req), std::move(lease));
}

}  // namespace bloatmeter::server
