#include "server_api.hpp"

#include <cstring>
#include <memory>

#include <emscripten/fetch.h>
#include <nlohmann/json.hpp>

namespace bloatmeter::web {
namespace {

struct Pending {
  ReplyHandler done;
  std::string body;  // kept alive while the request is in flight, as are the headers
  HttpHeaders headers;
  std::vector<const char*> header_list;  // name, value, ..., nullptr
};

void finish(emscripten_fetch_t* fetch) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(fetch->userData));
  HttpReply reply{fetch->status, std::string(fetch->data ? fetch->data : "", fetch->data ? fetch->numBytes : 0)};
  emscripten_fetch_close(fetch);
  pending->done(reply);
}

}  // namespace

void http_request(const char* method, const std::string& url, const std::string& body, ReplyHandler done,
                  HttpHeaders headers) {
  auto* pending = new Pending{std::move(done), body, std::move(headers), {}};
  if (!pending->body.empty()) pending->headers.emplace_back("Content-Type", "application/json");
  for (const auto& [name, value] : pending->headers) {
    pending->header_list.push_back(name.c_str());
    pending->header_list.push_back(value.c_str());
  }
  pending->header_list.push_back(nullptr);
  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, method, sizeof attr.requestMethod - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.timeoutMSecs = 15000;
  attr.userData = pending;
  attr.onsuccess = finish;
  attr.onerror = finish;
  attr.requestHeaders = pending->header_list.data();
  if (!pending->body.empty()) {
    attr.requestData = pending->body.data();
    attr.requestDataSize = pending->body.size();
  }
  emscripten_fetch(&attr, url.c_str());
}

void request_health(ServerHealth& out, const std::string& url) {
  out.status = ServerHealth::Status::Loading;
  out.asked = url;
  http_request("GET", url, {}, [&out, url](const HttpReply& r) {
    if (out.asked != url) return;  // another server was picked meanwhile
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status == 0) {
      out.status = ServerHealth::Status::Unreachable;
      out.error = "the test server could not be reached";
    } else if (r.status != 200 || !doc.is_object() || !doc.contains("version") || !doc["version"].is_string()) {
      out.status = ServerHealth::Status::Unreachable;
      out.error = "the server answered, but not as a bloatmeter server (HTTP " + std::to_string(r.status) + ")";
    } else {
      out.status = doc.value("status", "") == "ok" ? ServerHealth::Status::Ok : ServerHealth::Status::Unreachable;
      out.version = doc["version"].get<std::string>();
      out.uptime_seconds = doc.value("uptime_seconds", 0.0);
      out.active_connections = doc.value("active_connections", 0);
      out.restarting = doc.contains("draining") && doc["draining"].is_boolean() && doc["draining"].get<bool>();
      if (out.status != ServerHealth::Status::Ok) out.error = "the server reports status '" + doc.value("status", "") + "'";
    }
  });
}

void request_sponsor(Sponsor& out, const std::string& url) {
  out.asked = url;
  http_request("GET", url, {}, [&out, url](const HttpReply& r) {
    if (out.asked != url) return;  // another server was picked meanwhile
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !doc.is_object()) return;
    auto str = [&](const char* k) { return doc.contains(k) && doc[k].is_string() ? doc[k].get<std::string>() : std::string(); };
    out = {str("name"), str("url"), str("city"), url};
  });
}

}  // namespace bloatmeter::web
