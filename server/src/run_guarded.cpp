#include "run_guarded.hpp"

#include <exception>
#include <string>

#include "server_log.hpp"

namespace bloatmeter::server {

void run_guarded(net::io_context& ioc, const char* topic) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      log_event(LogLevel::Error, topic, std::string("a handler failed: ") + e.what());
    } catch (...) {
      log_event(LogLevel::Error, topic, "a handler failed");
    }
  }
}

}  // namespace bloatmeter::server
