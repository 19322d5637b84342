#pragma once
// How `bloatmeter test` and `bloatmeter household` end, the same way in
// both: the result stamped as the native client's and recomputed from its
// raw samples, then printed, said to be partial when the run was aborted,
// and written to the --json file when one was asked for.
#include <functional>
#include <ostream>
#include <string>

#include "bloatmeter/result.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

// Fills the meta every native result carries (this build's version, client
// "native", the server's origin, a user agent naming the tool, when the run
// started) and recomputes the summary, as every reader of the file will.
void complete_native_result(Result& result, const ServerUrl& server, const std::string& started_at);

using ResultPrinter = std::function<void(const Result&, std::ostream&)>;

// Prints the result with `print`, says when it is partial and writes it to
// `json_file` unless that is empty. Returns the exit code: kExitAborted for
// an aborted run, kExitUsage when the file could not be written (the reason
// on `err`), else kExitDone.
int report_run(const Result& result, const char* command, const std::string& json_file, const ResultPrinter& print,
               std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
