#pragma once
// Starts the WebSocket session an upgraded connection asked for, over plain
// TCP or TLS. Each session kind is compiled in a file of its own
// (websocket_start_*.cpp): Beast's WebSocket stream instantiated for every
// kind and both transports in one translation unit was the build's longest
// step by minutes, and separate files build side by side.
#include <cstddef>

#include "client_limits.hpp"
#include "household_request.hpp"
#include "http_types.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// /ws/probe. Plain TCP lanes move to the probe I/O thread (ctx.probe_io).
void start_probe_lane(beast::tcp_stream&& stream, Request&& req, ClientLimits::ProbePlace&& lease, ServerContext& ctx);
void start_probe_lane(TlsStream&& stream, Request&& req, ClientLimits::ProbePlace&& lease, ServerContext& ctx);

// /ws/bulk-download, in messages of chunk bytes (?chunk=N). Load lanes hold a
// StreamLease (max_streams_per_test).
inline constexpr std::size_t kMinDownloadChunk = 4096;
inline constexpr std::size_t kMaxDownloadChunk = 1024 * 1024;
inline constexpr std::size_t kDefaultDownloadChunk = 65536;

void start_bulk_download(beast::tcp_stream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx, std::size_t chunk);
void start_bulk_download(TlsStream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx, std::size_t chunk);

// /ws/bulk-upload.
void start_bulk_upload(beast::tcp_stream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx);
void start_bulk_upload(TlsStream&& stream, Request&& req, ClientLimits::StreamLease&& lease, ServerContext& ctx);

// /ws/virtual-household/{user}: the user and plan the router checked.
void start_household(beast::tcp_stream&& stream, Request&& req, ServerContext& ctx, HouseholdRequest&& user);
void start_household(TlsStream&& stream, Request&& req, ServerContext& ctx, HouseholdRequest&& user);

}  // namespace bloatmeter::server
