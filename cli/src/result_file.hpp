#pragma once
// The --json result file of `bloatmeter test` and `bloatmeter household`.
#include <optional>
#include <ostream>
#include <string>

#include "bloatmeter/result.hpp"

namespace bloatmeter::cli {

// Whether `path` can be written, checked before a test so that a bad path
// fails at once, not after it. An existing file is left as it is (a test
// stopped before it started must not leave it empty); a missing one is
// created and removed again.
bool result_file_writable(const std::string& path);

// Writes the result (the format every client shares) and says where.
// Returns false, with the reason on `err`, when writing fails.
bool write_result_file(const Result& result, const std::string& path, const char* command, std::ostream& out,
                       std::ostream& err);

// Keeps a result the server did not take when no --json file holds it: a
// new file named after the run (bloatmeter-MODE-YYYYMMDD-HHMMSS.json) in the
// current directory or, when that cannot be written, the temporary one.
// Returns its path, or nothing when no file could be written.
std::optional<std::string> save_unsubmitted(const Result& result);

}  // namespace bloatmeter::cli
