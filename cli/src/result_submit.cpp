#include "result_submit.hpp"

#include <exception>
#include <fstream>
#include <sstream>

#include <boost/beast/http.hpp>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "http_exchange.hpp"
#include "tls_client.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {

namespace http = beast::http;
using Response = http::response<http::string_body>;

// The whole exchange after connecting: an 8 MiB result over a slow uplink,
// and the server's recompute and fsync.
constexpr auto kSubmitTimeout = std::chrono::seconds(60);
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

constexpr const char* kSubmitUsage = R"(Usage: bloatmeter submit FILE [options]

Submits a saved result file (from --json, or the browser's download) to a
bloatmeter server, which stores it for its operator and answers with the
result's id and its own grade. The file is checked here first.

  FILE             the result file
  --server URL     the server, http://host[:port] or https://host[:port];
                   without it, the server the file names (a native run's)
  --insecure       accept any TLS certificate (self-signed test servers)
  --help           print this help

Ctrl-C stops waiting for the server's answer.
Exit codes: 0 submitted, 2 bad command line, 3 server unreachable,
5 invalid result file, 6 not submitted (the server refused it, or Ctrl-C).
)";

SubmitAnswer read_answer(const Response& answer) {
  SubmitAnswer a;
  a.reached = true;
  a.status = answer.result_int();
  const auto doc = nlohmann::json::parse(answer.body(), nullptr, false);
  if (a.status == 201) {
    a.stored = true;
    a.id = doc.is_object() && doc.contains("id") && doc["id"].is_string() ? doc["id"].get<std::string>()
                                                                           : "(the server named no id)";
    if (doc.is_object() && doc.contains("overall") && doc["overall"].is_string())
      a.overall = doc["overall"].get<std::string>();
    return a;
  }
  a.error = refusal_text(answer);
  if (a.error.find("(HTTP ") == std::string::npos) a.error += " (HTTP " + std::to_string(a.status) + ")";
  return a;
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream text;
  if (ok) text << in.rdbuf();
  return text.str();
}

}  // namespace

SubmitAnswer post_result(asio::io_context& io, StopSignals& stops, const ServerUrl& url, ssl::context* tls,
                         bool verify, const std::string& document) {
  http::request<http::string_body> request{http::verb::post, "/api/results", 11};
  request.set(http::field::host, url.host_header());
  request.set(http::field::user_agent, std::string(kToolName) + "/" + kVersion + " (native)");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.keep_alive(false);
  request.body() = document;
  request.prepare_payload();

  const auto exchanged = exchange_http(io, stops, url, tls, verify, request, kSubmitTimeout, kMaxAnswerBytes);
  SubmitAnswer unanswered;
  unanswered.stopped = exchanged.stopped;
  if (exchanged.stopped) unanswered.error = "stopped by the user before the server answered";
  else if (!exchanged.answer) unanswered.error = "cannot reach " + url.origin() + ": " + exchanged.failure;
  else return read_answer(*exchanged.answer);
  return unanswered;
}

void say_submitted(const SubmitAnswer& answer, const std::optional<Grade>& local, std::ostream& out) {
  const std::string server_grade = answer.overall.empty() ? "none" : answer.overall;
  out << "submitted: " << answer.id << " (server grade " << server_grade << ")\n";
  const std::string local_grade = local ? std::string(to_string(*local)) : "none";
  if (server_grade != local_grade)
    out << "note: the server's grade (" << server_grade << ") differs from this client's (" << local_grade
        << "): the server recomputes every result with its own version of the method\n";
}

int run_submit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string file, server;
  bool insecure = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out << kSubmitUsage;
      return kExitDone;
    }
    if (a == "--insecure") insecure = true;
    else if (a == "--server") {
      if (i + 1 >= args.size()) {
        err << "bloatmeter submit: --server needs a value (see bloatmeter submit --help)\n";
        return kExitUsage;
      }
      server = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      err << "bloatmeter submit: unknown option '" << a << "' (see bloatmeter submit --help)\n";
      return kExitUsage;
    } else if (file.empty()) file = a;
    else {
      err << "bloatmeter submit: one file at a time, please (got '" << file << "' and '" << a << "')\n";
      return kExitUsage;
    }
  }
  if (file.empty()) {
    err << "bloatmeter submit: name the result file, e.g. bloatmeter submit result.json --server http://localhost:8080\n";
    return kExitUsage;
  }
  bool readable = false;
  const std::string text = read_file(file, readable);
  if (!readable) {
    err << "bloatmeter submit: cannot read " << file << "\n";
    return kExitInvalidFile;
  }
  auto parsed = parse_result(text);
  if (!parsed) {
    err << "bloatmeter submit: " << file << " is not a valid result file: " << parsed.error() << "\n";
    return kExitInvalidFile;
  }
  Result result = std::move(parsed.value());
  result.summary = recompute(result);  // the grade this client gives it, to compare with the server's
  if (server.empty()) server = result.meta.server;
  std::string error;
  const auto url = parse_server_url(server, error);
  if (!url) {
    if (server == result.meta.server)
      err << "bloatmeter submit: " << file << " names no server to submit to (its meta.server is '" << server
          << "'): name one with --server URL\n";
    else err << "bloatmeter submit: " << error << "\n";
    return kExitUsage;
  }
  asio::io_context io{1};
  StopSignals stops(io);
  std::optional<ssl::context> tls;
  if (url->secure) tls.emplace(make_tls_context(!insecure));
  out << "submitting " << file << " to " << url->origin() << "\n";
  const auto answer = post_result(io, stops, *url, tls ? &*tls : nullptr, !insecure, serialize_result(result));
  if (answer.stored) {
    say_submitted(answer, result.summary.overall, out);
    return kExitDone;
  }
  err << "bloatmeter submit: not submitted: " << answer.error << "\n";
  if (url->secure && !insecure && answer.error.find("certificate") != std::string::npos)
    err << "  (a self-signed test server? add --insecure)\n";
  return answer.reached || answer.stopped ? kExitNotSubmitted : kExitUnreachable;
}

}  // namespace bloatmeter::cli
