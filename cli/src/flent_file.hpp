#pragma once
// `--flent FILE`: an RRUL result written as Flent's gzip-compressed data
// file (the core's flent_document, gzipped here), for Flent to plot.
#include <iosfwd>
#include <string>

#include "bloatmeter/result.hpp"

namespace bloatmeter::cli {

// False, with the reason on `err`, when the file could not be written.
bool write_flent_file(const Result& result, const std::string& path, std::ostream& err);

}  // namespace bloatmeter::cli
