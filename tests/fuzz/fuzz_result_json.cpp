// Result documents are untrusted: a file given to `bloatmeter report`, one
// replayed in the browser, a submission to POST /api/results. Every reader
// parses it, then recomputes the summary from the raw samples (the CLI and
// the browser without catching anything), then may write it again.
//
// Invariants: parse_result never throws; recompute() on anything it accepted
// never throws; the document written again (with the recomputed summary)
// parses again, and writing that gives the same text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_result_json: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = bloatmeter::parse_result(text);
  if (!parsed) {
    if (parsed.error().empty()) fail("refused without a reason", "");
    return 0;
  }
  bloatmeter::Result result = std::move(parsed).value();
  result.summary = bloatmeter::recompute(result);

  const std::string written = bloatmeter::serialize_result(result);
  auto again = bloatmeter::parse_result(written);
  if (!again) fail("its own output does not parse", again.error());
  bloatmeter::Result reread = std::move(again).value();
  reread.summary = bloatmeter::recompute(reread);
  const std::string rewritten = bloatmeter::serialize_result(reread);
  if (rewritten != written) fail("writing, reading and writing again changed the document", written + "\n---\n" + rewritten);
  return 0;
}
