#pragma once
// Bulk load connections, kept in JavaScript so the bytes never cross into
// WebAssembly memory: downloads are counted on arrival, uploads are sent
// from one random buffer. C++ polls the counts; the test logic stays in C++.
#include <cstdint>

namespace bloatmeter::web {

enum class BulkKind { Download = 0, Upload = 1 };
enum class BulkState { Connecting = 0, Open = 1, Closed = 2, Failed = 3 };

// Opens a WebSocket to `path` on the page's own server; returns its id.
int bulk_open(BulkKind kind, const char* path);
// Download: bytes received since the last call. Upload: growth of the
// server's reported count since the last call (bytes that arrived).
double bulk_take_bytes(int id);
// Upload: sends until the socket's unsent data reaches `cap` bytes.
void bulk_pump(int id, int cap);
BulkState bulk_state(int id);
void bulk_close(int id);
void bulk_close_all();

}  // namespace bloatmeter::web
