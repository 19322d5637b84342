#include "operator_api.hpp"

#include <cctype>
#include <ctime>

#include <emscripten/emscripten.h>

#include "browser.hpp"
#include "server_api.hpp"

namespace bloatmeter::web {
namespace {

EM_JS(void, js_keep_key, (const char* key), {
  try { sessionStorage.setItem('bloatmeter.operator_key', UTF8ToString(key)); } catch (e) {}
});
EM_JS(void, js_forget_key, (), {
  try { sessionStorage.removeItem('bloatmeter.operator_key'); } catch (e) {}
});
EM_JS(char*, js_kept_key, (), {
  var v = "";
  try { v = sessionStorage.getItem('bloatmeter.operator_key') || ""; } catch (e) {}
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

std::string trimmed(std::string text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  return text.substr(start);
}

// A server's reason as a sentence: capitalised, with a full stop.
std::string sentence(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

// Why a key was not accepted, in words for the operator.
std::string refusal(const HttpReply& r) {
  switch (r.status) {
    case 401: return "That key was not accepted. Check telemetry_api_key in the server's config file.";
    case 403: return sentence(api_error_text(r.status, r.body));
    case 429: return "Too many wrong keys from this address. Wait a minute, then try again.";
    case 0: return "The server could not be reached. Check the connection and try again.";
    default: return "The server could not check the key: " + sentence(api_error_text(r.status, r.body));
  }
}

HttpHeaders bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

// GET /api/telemetry/<route> with the state's key. An answer for a key no
// longer in use is dropped; a refused key signs out.
void telemetry_get(OperatorState& s, const std::string& route, ReplyHandler done) {
  const std::string key = s.key;
  http_request(
      "GET", s.api_base + "api/telemetry/" + route, {},
      [&s, key, done = std::move(done)](const HttpReply& r) {
        if (s.key != key || s.stage != OperatorState::Stage::Ready) return;
        if (r.status == 401 || r.status == 403 || r.status == 429) {
          operator_sign_out(s, "The server no longer accepts the key. " + refusal(r));
          return;
        }
        done(r);
      },
      bearer(key));
}

template <typename T>
Outcome<T> parsed(const HttpReply& r, Outcome<T> (*parse)(std::string_view)) {
  if (r.status != 200) return Outcome<T>::failure(api_error_text(r.status, r.body));
  return parse(r.body);
}

}  // namespace

void operator_sign_in(OperatorState& s, std::string key) {
  key = trimmed(std::move(key));
  if (key.empty()) {
    s.key_message = "Enter the API key first.";
    return;
  }
  s.stage = OperatorState::Stage::Checking;
  s.key = key;
  s.key_message.clear();
  // The webhooks' health is small: the key's check and a first figure at once.
  http_request(
      "GET", s.api_base + "api/telemetry/webhooks", {},
      [&s, key](const HttpReply& r) {
        if (s.key != key || s.stage != OperatorState::Stage::Checking) return;
        if (r.status != 200) return operator_sign_out(s, refusal(r));
        s.stage = OperatorState::Stage::Ready;
        js_keep_key(key.c_str());
        operator_load(s);
      },
      bearer(key));
}

bool operator_resume(OperatorState& s) {
  char* kept = js_kept_key();
  std::string key(kept ? kept : "");
  free(kept);
  if (key.empty()) return false;
  operator_sign_in(s, std::move(key));
  return true;
}

void operator_sign_out(OperatorState& s, std::string why) {
  js_forget_key();
  const int generation = s.generation + 1;
  s = OperatorState{};
  s.generation = generation;  // answers still on their way count for nothing
  s.key_message = std::move(why);
}

void operator_load(OperatorState& s) {
  const int generation = ++s.generation;
  s.loads_pending = 3;
  s.load_error.clear();
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  s.today = utc_day(now);
  const auto with = [](std::string route, const std::string& query) {
    return query.empty() ? route : route + "&" + query;
  };
  // The chart keeps its days when one of them is chosen: it shows which.
  OperatorFilter chart_filter = s.filter;
  if (chart_filter.period == PeriodFilter::OneDay) chart_filter.period = PeriodFilter::All;
  const auto current = [&s, generation] { return s.generation == generation; };
  const auto finished = [&s, now] {
    if (--s.loads_pending > 0) return;
    s.loaded = true;
    s.loaded_at_ms = now_ms();
    s.loaded_unix = now;
  };
  telemetry_get(s, with("recent?limit=" + std::to_string(kOperatorRows), filter_query(s.filter, now)),
                [&s, current, finished](const HttpReply& r) {
                  if (!current()) return;
                  auto page = parsed(r, parse_rows_page);
                  if (page) {
                    s.rows = std::move(page.value().rows);
                    s.more_rows = page.value().more;
                    sort_rows(s.rows, s.sort);
                  } else {
                    s.load_error = "The tests could not be loaded: " + sentence(page.error());
                  }
                  finished();
                });
  telemetry_get(s, with("stats?period=day", filter_query(chart_filter, now)), [&s, current, finished](const HttpReply& r) {
    if (!current()) return;
    auto days = parsed(r, parse_day_stats);
    if (days) s.days = std::move(days.value());
    else s.load_error = "The tests per day could not be loaded: " + sentence(days.error());
    finished();
  });
  telemetry_get(s, "webhooks", [&s, current, finished](const HttpReply& r) {
    if (!current()) return;
    auto health = parsed(r, parse_webhook_health);
    if (health) {
      s.webhooks = std::move(health.value());
      s.webhook_error.clear();
    } else {
      s.webhook_error = "The webhooks' health could not be read: " + sentence(health.error());
    }
    finished();
  });
}

void operator_search(OperatorState& s, std::string query) {
  query = trimmed(std::move(query));
  s.search.reset();
  if (query.empty()) {
    s.search_error = "Enter an address or a prefix first, e.g. 192.0.2.7 or 198.51.100.0/24.";
    return;
  }
  s.search_query = query;
  s.search_error.clear();
  s.searching = true;
  telemetry_get(s, "customer/" + percent_encode(query) + "?limit=" + std::to_string(kOperatorRows),
                [&s, query](const HttpReply& r) {
                  if (s.search_query != query) return;
                  s.searching = false;
                  auto page = parsed(r, parse_rows_page);
                  if (page) s.search = std::move(page.value());
                  else s.search_error = sentence(page.error());
                });
}

}  // namespace bloatmeter::web
