#pragma once
// How `bloatmeter test` and `bloatmeter household` end, the same way in
// both: the result stamped as the native client's and recomputed from its
// raw samples, then printed, said to be partial when the run was aborted,
// written to the --json file when one was asked for, and submitted to the
// server with --submit.
#include <functional>
#include <ostream>
#include <string>

#include "bloatmeter/result.hpp"
#include "run_options.hpp"
#include "run_start.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

// Fills the meta every native result carries (this build's version, client
// "native", the server's origin, a user agent naming the tool, when the run
// started) and recomputes the summary, as every reader of the file will.
void complete_native_result(Result& result, const ServerUrl& server, const std::string& started_at);

using ResultPrinter = std::function<void(const Result&, std::ostream&)>;

// Prints the result with `print`, says when it is partial, writes it to
// --json when asked, then with --submit hands it to the server the test ran
// against (`run`: its URL, TLS and I/O) and says what the server made of
// it; without --submit, says how to. Returns the exit code: kExitUsage when
// the --json file could not be written (the reason on `err`), else
// kExitNotSubmitted when the server did not take it (the result is then
// always in a file, which `err` names), else kExitAborted for an aborted
// run, else kExitDone.
int report_run(const Result& result, const char* command, const RunOptions& options, const ResultPrinter& print,
               RunStart& run, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
