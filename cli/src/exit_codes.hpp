#pragma once
// The native client's exit codes, documented in --help.
namespace bloatmeter::cli {
inline constexpr int kExitDone = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;
inline constexpr int kExitAborted = 4;
inline constexpr int kExitInvalidFile = 5;
// --submit or `bloatmeter submit`: the server did not take the result (it
// refused it, or could not be reached after the test); the result is kept
// in a file.
inline constexpr int kExitNotSubmitted = 6;
}  // namespace bloatmeter::cli
