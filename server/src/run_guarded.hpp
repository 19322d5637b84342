#pragma once
#include "http_types.hpp"

namespace bloatmeter::server {

// Runs an I/O context until it stops. An exception a handler let escape is
// logged under `topic` and the thread goes on serving: one bad connection
// or datagram must not end the server (answer_or_500 already catches the
// routes' own).
void run_guarded(net::io_context& ioc, const char* topic);

}  // namespace bloatmeter::server
