#include "run_finish.hpp"

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "result_file.hpp"
#include "result_submit.hpp"

namespace bloatmeter::cli {

void complete_native_result(Result& result, const ServerUrl& server, const std::string& started_at) {
  result.meta.tool_version = kVersion;
  result.meta.client = "native";
  result.meta.started_at = started_at;
  result.meta.server = server.origin();
  result.meta.user_agent = std::string(kToolName) + "/" + kVersion + " (native)";
  result.summary = recompute(result);
}

int report_run(const Result& result, const char* command, const RunOptions& options, const ResultPrinter& print,
               RunStart& run, std::ostream& out, std::ostream& err) {
  out << "\n";
  print(result, out);
  if (result.raw.aborted) out << "\nThe test was aborted: " << result.raw.abort_reason << ". The result is partial.\n";
  const bool written = !options.json_file.empty() && write_result_file(result, options.json_file, command, out, err);
  const int exit_code = !options.json_file.empty() && !written ? kExitUsage
                        : result.raw.aborted                   ? kExitAborted
                                                               : kExitDone;
  const std::string insecure = options.insecure ? " --insecure" : "";
  if (!options.submit) {
    out << "\nShare this result with the server's operator: run again with --submit, or `bloatmeter submit "
        << (written ? options.json_file + insecure + "`" : "FILE" + insecure + "` (FILE from --json)") << "\n";
    return exit_code;
  }
  // Aborted runs too: the server stores them, marked aborted.
  const auto answer =
      post_result(run.io, run.stops, run.url, run.tls_context(), !options.insecure, serialize_result(result));
  if (answer.stored) {
    say_submitted(answer, result.summary.overall, out);
    return exit_code;
  }
  err << "bloatmeter " << command << ": the result was not submitted: " << answer.error << "\n";
  const auto kept = written ? std::optional<std::string>(options.json_file) : save_unsubmitted(result);
  if (!kept) {
    err << "bloatmeter " << command << ": and no file could be written to keep it (the current directory and the "
        << "temporary one refused)\n";
    return kExitNotSubmitted;
  }
  err << "The result is kept in " << *kept << "; submit it later with `bloatmeter submit " << *kept << insecure
      << "`\n";
  return kExitNotSubmitted;
}

}  // namespace bloatmeter::cli
