// bloatmeter: the native client. For now it names itself; the tests arrive
// with the issues that bring them (test, report, household, rrul).
#include <iostream>
#include <string>
#include <vector>

#include "bloatmeter/version.hpp"

namespace {

constexpr const char* kUsage = R"(Usage: bloatmeter <command> [options]

The bloatmeter native client: bufferbloat and latency-under-load tests from
a terminal.

Commands and options:
  --version     print the version and exit
  --help        print this help and exit

Exit codes:
  0  done
  2  bad command line
)";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << bloatmeter::kToolName << " " << bloatmeter::kVersion << "\n";
    return 0;
  }
  std::cerr << "bloatmeter: unknown command '" << args[0] << "' (see --help)\n";
  return 2;
}
