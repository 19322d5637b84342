// bloatmeter: the native client. Thin front end over the shared core.
#include <iostream>
#include <string>
#include <vector>

#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "household_command.hpp"
#include "report.hpp"
#include "result_submit.hpp"
#include "rrul_command.hpp"
#include "single_user_command.hpp"
#include "udp_probe_command.hpp"

namespace {

constexpr const char* kUsage = R"(Usage: bloatmeter <command> [options]

The bloatmeter native client: bufferbloat and latency-under-load tests from
a terminal.

Commands:
  test URL [--plan quick|standard] [--json FILE] [--submit] [--no-udp]
           [--insecure]
                   run the single-user test against a bloatmeter server
                   (http:// or https://); live progress, then the summary;
                   --json writes the result file (the browser's format);
                   --submit hands the result to the server's operator;
                   beside it, loss and one-way delay over UDP (not graded)
                   when the server has a UDP lane, unless --no-udp
  household URL [--plan quick|standard] [--greedy] [--json FILE] [--submit]
                [--no-udp] [--insecure]
                   run the virtual household: four simulated users at once
                   (gaming, video call, streaming, a computer's updates),
                   each graded, then the household grade and fairness
  rrul URL [--plan quick|standard] [-4|-6] [--json FILE] [--flent FILE]
       [--submit] [--insecure]
                   the Realtime Response Under Load test (RRUL): marked TCP
                   flows each way over IPv4 and IPv6, and meanwhile marked
                   request/response flows, voice-like UDP streams and a web
                   page; the RRUL score, latency, jitter and loss per class
                   each way, bandwidth shares, marking verdicts, penalties
  submit FILE [--server URL] [--insecure]
                   submit a saved result file to a bloatmeter server (by
                   default the one the file names), checked here first
  report FILE...   recompute and print the summary of result files (from
                   the browser or this client); several files are compared
                   side by side
  udp-probe URL [--seconds N] [--interval-ms M] [--size BYTES] [--insecure]
                   a diagnostic of the server's UDP probe lane: loss,
                   reordering, duplicates and one-way delay per direction
  --version        print the version and exit
  --help           print this help and exit

Exit codes:
  0  done
  2  bad command line
  3  server unreachable
  4  test aborted
  5  invalid result file
  6  result not submitted (--submit, submit): the server refused it or
     could not be reached after the test; the result is kept in a file
     (a run's --json file, else a new one; the message names it).
     A run both aborted and not submitted exits 6.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace bloatmeter::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kExitUsage : kExitDone;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << bloatmeter::kToolName << " " << bloatmeter::kVersion << "\n";
    return kExitDone;
  }
  if (args[0] == "test") return run_single_user({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "household") return run_household({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "rrul") return run_rrul({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "submit") return run_submit({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "report") return run_report({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "udp-probe") return run_udp_probe({args.begin() + 1, args.end()}, std::cout, std::cerr);
  std::cerr << "bloatmeter: unknown command '" << args[0] << "' (see --help)\n";
  return kExitUsage;
}
