#pragma once
// Bulk load streams. They live on a Web Worker (web/load-worker.js) so
// the bytes never touch the page's main thread, where the probes are sent
// and answered: downloads are counted on arrival there, uploads are kept
// filled from one random buffer. C++ polls the download counts and the
// server's upload reports the worker passes on every 25 ms; the test logic,
// and what the reports mean, stay in C++.
#include <cstdint>
#include <optional>
#include <string>

#include "bloatmeter/upload_span_tracker.hpp"

namespace bloatmeter::web {

enum class BulkKind { Download = 0, Upload = 1 };
enum class BulkState { Connecting = 0, Open = 1, Closed = 2, Failed = 3 };

// Opens a load stream on the server at `origin` (http(s)://host[:port]);
// returns its id. A stream with an `http_path` (GET /download, POST
// /upload) runs over HTTP while the worker has HTTP connections to spare,
// else over the WebSocket at `path`. An upload socket keeps its unsent data
// under `upload_cap` bytes.
int bulk_open(BulkKind kind, const std::string& origin, const char* path, const char* http_path, int upload_cap);
// Download: bytes received since the last call. Upload: growth of the
// server's reported count since the last call (bytes that arrived).
double bulk_take_bytes(int id);
// Upload: when, on the server's clock, the bytes last taken arrived there
// (the core's UploadSpanTracker, from the server's reports the worker
// passed on); nothing when the server did not say.
std::optional<ServerSpan> bulk_server_span(int id);
BulkState bulk_state(int id);
void bulk_close(int id);
void bulk_close_all();

}  // namespace bloatmeter::web
