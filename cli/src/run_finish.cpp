#include "run_finish.hpp"

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "result_file.hpp"

namespace bloatmeter::cli {

void complete_native_result(Result& result, const ServerUrl& server, const std::string& started_at) {
  result.meta.tool_version = kVersion;
  result.meta.client = "native";
  result.meta.started_at = started_at;
  result.meta.server = server.origin();
  result.meta.user_agent = std::string(kToolName) + "/" + kVersion + " (native)";
  result.summary = recompute(result);
}

int report_run(const Result& result, const char* command, const std::string& json_file, const ResultPrinter& print,
               std::ostream& out, std::ostream& err) {
  out << "\n";
  print(result, out);
  if (result.raw.aborted) out << "\nThe test was aborted: " << result.raw.abort_reason << ". The result is partial.\n";
  if (!json_file.empty() && !write_result_file(result, json_file, command, out, err)) return kExitUsage;
  return result.raw.aborted ? kExitAborted : kExitDone;
}

}  // namespace bloatmeter::cli
