#pragma once
// The --json result file of `bloatmeter test` and `bloatmeter household`.
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

}  // namespace bloatmeter::cli
