#pragma once
// Handing a result to the server's operator: POST /api/results on the
// server a test ran against (the server stores it, recomputed from its raw
// samples, and answers with its id and grade). Used by --submit after a
// run and by `bloatmeter submit FILE`.
#include <optional>
#include <ostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "bloatmeter/result.hpp"
#include "run_start.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

struct SubmitAnswer {
  bool stored = false;   // the server answered 201
  bool reached = false;  // the server answered at all (any HTTP status)
  bool stopped = false;  // Ctrl-C before it answered
  int status = 0;        // its HTTP status
  std::string id;        // stored: the result's id
  std::string overall;   // stored: the server's grade ("" when it has none)
  std::string error;     // not stored: why (the server's "error", its status, when to try again)
};

// POSTs `document` (a result file's JSON) to `url`'s /api/results over TLS
// when the URL is https (`tls` then the context, `verify` its peer check).
// Runs `io` until answered, failed, timed out (kSubmitTimeout) or stopped
// by Ctrl-C (`stops`).
SubmitAnswer post_result(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                         boost::asio::ssl::context* tls, bool verify, const std::string& document);

// Says what became of a submission on `out`: "submitted: ID (server grade
// G)", and when the server's grade differs from `local` (the client's own
// recompute), that it does. Nothing for a failed one (the caller says why).
void say_submitted(const SubmitAnswer& answer, const std::optional<Grade>& local, std::ostream& out);

// `bloatmeter submit FILE [--server URL] [--insecure]`: checks the file
// with the shared parser, then submits it to --server or, without one, to
// the server the file names (meta.server). Returns the exit code.
int run_submit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
