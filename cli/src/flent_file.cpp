#include "flent_file.hpp"

#include <ostream>

#include <zlib.h>

#include "bloatmeter/flent_export.hpp"

namespace bloatmeter::cli {

bool write_flent_file(const Result& result, const std::string& path, std::ostream& err) {
  const auto doc = flent_document(result);
  if (!doc) {
    err << "bloatmeter: no Flent file: the result has no RRUL samples or start time\n";
    return false;
  }
  const std::string text = doc->dump();
  gzFile file = gzopen(path.c_str(), "wb");
  if (!file) {
    err << "bloatmeter: cannot write " << path << "\n";
    return false;
  }
  const bool written = gzwrite(file, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size());
  if (gzclose(file) != Z_OK || !written) {
    err << "bloatmeter: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace bloatmeter::cli
