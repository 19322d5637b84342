#include "server_api.hpp"

#include <cstring>
#include <string>

#include <emscripten/fetch.h>
#include <nlohmann/json.hpp>

namespace bloatmeter::web {
namespace {

void on_health_success(emscripten_fetch_t* fetch) {
  auto& out = *static_cast<ServerHealth*>(fetch->userData);
  const auto doc = nlohmann::json::parse(fetch->data, fetch->data + fetch->numBytes, nullptr, false);
  if (fetch->status != 200 || !doc.is_object() || !doc.contains("version") || !doc["version"].is_string()) {
    out.status = ServerHealth::Status::Unreachable;
    out.error = "the server answered, but not as a bloatmeter server (HTTP " + std::to_string(fetch->status) + ")";
  } else {
    out.status = doc.value("status", "") == "ok" ? ServerHealth::Status::Ok : ServerHealth::Status::Unreachable;
    out.version = doc["version"].get<std::string>();
    out.uptime_seconds = doc.value("uptime_seconds", 0.0);
    out.active_connections = doc.value("active_connections", 0);
    if (out.status != ServerHealth::Status::Ok) out.error = "the server reports status '" + doc.value("status", "") + "'";
  }
  emscripten_fetch_close(fetch);
}

void on_health_error(emscripten_fetch_t* fetch) {
  auto& out = *static_cast<ServerHealth*>(fetch->userData);
  out.status = ServerHealth::Status::Unreachable;
  out.error = fetch->status == 0 ? "the test server could not be reached"
                                 : "the test server answered HTTP " + std::to_string(fetch->status);
  emscripten_fetch_close(fetch);
}

}  // namespace

void request_health(ServerHealth& out) {
  out.status = ServerHealth::Status::Loading;
  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strcpy(attr.requestMethod, "GET");
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.timeoutMSecs = 10000;
  attr.userData = &out;
  attr.onsuccess = on_health_success;
  attr.onerror = on_health_error;
  emscripten_fetch(&attr, "api/health");
}

}  // namespace bloatmeter::web
