#include "report.hpp"

#include "rrul_report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "exit_codes.hpp"

namespace bloatmeter::cli {
namespace {

std::string num(const std::optional<double>& v, const char* f = "%.1f") {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

std::string grade(const std::optional<Grade>& g) { return g ? std::string(to_string(*g)) : "-"; }

}  // namespace

// One row per figure, one column per result.
void print_table(const std::vector<NamedResult>& runs, std::ostream& out) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto row = [&](const std::string& name, auto&& cell) {
    std::vector<std::string> cells;
    for (const auto& r : runs) cells.push_back(cell(r.result.summary, r.result));
    rows.emplace_back(name, std::move(cells));
  };
  row("client", [](const Summary&, const Result& r) { return r.meta.client.empty() ? "-" : r.meta.client; });
  row("started", [](const Summary&, const Result& r) { return r.meta.started_at.empty() ? "-" : r.meta.started_at; });
  row("plan", [](const Summary&, const Result& r) { return r.plan.name; });
  bool household = false;
  for (const auto& r : runs) household = household || r.result.summary.household.has_value();
  if (household) row("mode", [](const Summary&, const Result& r) { return r.meta.mode; });
  row("overall grade", [](const Summary& s, const Result&) { return grade(s.overall); });
  row("idle latency (ms)", [](const Summary& s, const Result&) { return num(s.baseline_ms); });
  for (const char* phase : {"download", "upload", "bidirectional"}) {
    row(std::string(phase) + " increase (ms)", [&](const Summary& s, const Result&) {
      const auto* p = s.phase(phase);
      return p ? num(p->increase_ms) + " (" + grade(p->grade) + ")" : std::string("-");
    });
    row(std::string(phase) + " p95 increase (ms)", [&](const Summary& s, const Result&) {
      const auto* p = s.phase(phase);
      return p ? num(p->increase_p95_ms) : std::string("-");
    });
  }
  if (household) {
    row("fairness", [](const Summary& s, const Result&) {
      return s.household ? num(s.household->fairness, "%.3f") + " (" + grade(s.household->fairness_grade) + ")"
                         : std::string("-");
    });
    std::vector<std::string> ids;
    for (const auto& r : runs)
      if (r.result.summary.household)
        for (const auto& u : r.result.summary.household->users)
          if (std::find(ids.begin(), ids.end(), u.id) == ids.end()) ids.push_back(u.id);
    for (const auto& id : ids) {
      row("user " + id + " grade", [&](const Summary& s, const Result&) {
        const auto* u = s.household ? s.household->user(id) : nullptr;
        return u ? grade(u->grade) : std::string("-");
      });
      row("user " + id + " down/up (Mbit/s)", [&](const Summary& s, const Result&) {
        const auto* u = s.household ? s.household->user(id) : nullptr;
        return u ? num(u->download.achieved_mbps, "%.2f") + "/" + num(u->upload.achieved_mbps, "%.2f") : std::string("-");
      });
    }
  }
  // The client's own delay (docs/method.md §10): shown when some result
  // says it was over its limit, with the grade the phase would have had
  // without it; under the limit it is noise and the rows stay out.
  bool own_delay = false;
  for (const auto& r : runs) {
    const auto& f = r.result.summary.flags;
    own_delay = own_delay || std::find(f.begin(), f.end(), Flag::ClientDelay) != f.end();
  }
  if (own_delay)
    for (const char* phase : {"download", "upload"})
      row(std::string(phase) + " client's own delay (ms)", [&](const Summary& s, const Result&) {
        const auto* p = s.phase(phase);
        return p && p->own_delay_ms ? num(p->own_delay_ms) + " (" + grade(p->grade_without_own_delay) + " without it)"
                                    : std::string("-");
      });
  row("download (Mbit/s)", [](const Summary& s, const Result&) { return num(s.download_mbps); });
  row("upload (Mbit/s)", [](const Summary& s, const Result&) { return num(s.upload_mbps); });
  row("RPM", [](const Summary& s, const Result&) { return num(s.rpm, "%.0f"); });
  // Probes the lane's loss recovery held up (docs/method-notes.md): left out
  // of the figures above, so a reader sees how many.
  row("probes held, left out", [](const Summary& s, const Result&) {
    const auto probes = s.held_probes();
    return std::to_string(probes.held) + " of " + std::to_string(probes.answered);
  });
  // The UDP series (native clients): loss and one-way delay each way,
  // never latency, never graded; so its rows say UDP and sit apart.
  bool udp = false;
  for (const auto& r : runs) udp = udp || r.result.summary.udp.has_value();
  if (udp) {
    row("UDP series", [](const Summary& s, const Result&) {
      return s.udp ? std::string(to_string(s.udp->status)) : std::string("-");
    });
    std::vector<std::string> phases;
    for (const auto& r : runs)
      if (r.result.summary.udp && r.result.summary.udp->status == UdpSeriesStatus::Measured)
        for (const auto& p : r.result.summary.udp->phases) {
          const auto* spec = r.result.plan.find(p.name);
          if (spec && spec->warmup) continue;  // the graded phases' rows only, as above
          if (std::find(phases.begin(), phases.end(), p.name) == phases.end()) phases.push_back(p.name);
        }
    for (const auto& name : phases) {
      row("UDP " + name + " lost up/down (%)", [&](const Summary& s, const Result&) {
        const auto* p = s.udp ? s.udp->phase(name) : nullptr;
        return p ? num(p->up.loss_percent, "%.2f") + "/" + num(p->down.loss_percent, "%.2f") : std::string("-");
      });
      row("UDP " + name + " one-way up/down (ms)", [&](const Summary& s, const Result&) {
        const auto* p = s.udp ? s.udp->phase(name) : nullptr;
        const auto median = [](const UdpDirectionSummary& d) {
          return d.one_way_ms ? std::optional<double>(d.one_way_ms->median) : std::nullopt;
        };
        return p ? num(median(p->up), "%.2f") + "/" + num(median(p->down), "%.2f") : std::string("-");
      });
    }
  }
  row("streams down/up", [](const Summary& s, const Result&) {
    return std::to_string(s.streams.download) + "/" + std::to_string(s.streams.upload);
  });
  row("flags", [](const Summary& s, const Result&) {
    std::string f;
    for (Flag flag : s.flags) {
      if (!f.empty()) f += ',';
      f += to_string(flag);
    }
    return f.empty() ? std::string("none") : f;
  });
  std::size_t name_w = 0;
  for (const auto& [n, _] : rows) name_w = std::max(name_w, n.size());
  std::vector<std::size_t> col_w(runs.size(), 0);
  for (std::size_t c = 0; c < runs.size(); ++c) {
    col_w[c] = runs[c].title.size();
    for (const auto& [_, cells] : rows) col_w[c] = std::max(col_w[c], cells[c].size());
  }
  out << std::left << std::setw(static_cast<int>(name_w)) << "";
  for (std::size_t c = 0; c < runs.size(); ++c) out << "  " << std::setw(static_cast<int>(col_w[c])) << runs[c].title;
  out << "\n";
  for (const auto& [name, cells] : rows) {
    out << std::setw(static_cast<int>(name_w)) << name;
    for (std::size_t c = 0; c < cells.size(); ++c) out << "  " << std::setw(static_cast<int>(col_w[c])) << cells[c];
    out << "\n";
  }
  if (udp) {
    out << "UDP rows: the path's own loss and one-way delay each way (UDP never resends); not latency, never graded.\n";
    for (const auto& r : runs)
      if (r.result.summary.udp && r.result.summary.udp->status != UdpSeriesStatus::Measured)
        out << (runs.size() > 1 ? r.title + ": " : std::string()) << "UDP series "
            << to_string(r.result.summary.udp->status) << ": " << r.result.summary.udp->reason << "\n";
  }
}

void print_udp_series(const Result& result, std::ostream& out) {
  if (!result.summary.udp) return;
  const auto& udp = *result.summary.udp;
  if (udp.status != UdpSeriesStatus::Measured) {
    out << "UDP series " << to_string(udp.status) << ": " << udp.reason << "\n";
    return;
  }
  out << "UDP series: the path's own loss and one-way delay each way (UDP never resends); not latency, never graded\n";
  const auto median = [](const UdpDirectionSummary& d) {
    return d.one_way_ms ? std::optional<double>(d.one_way_ms->median) : std::nullopt;
  };
  for (const auto& p : udp.phases)
    out << "  " << std::left << std::setw(14) << p.name << "lost up " << num(p.up.loss_percent, "%.2f") << " % down "
        << num(p.down.loss_percent, "%.2f") << " %   one-way up " << num(median(p.up), "%.2f") << " ms down "
        << num(median(p.down), "%.2f") << " ms\n";
}

int run_report(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "bloatmeter report: name at least one result file\n";
    return kExitUsage;
  }
  std::vector<NamedResult> runs;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << "bloatmeter report: cannot read " << file << "\n";
      return kExitInvalidFile;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_result(text.str());
    if (!parsed) {
      err << "bloatmeter report: " << file << ": " << parsed.error() << "\n";
      return kExitInvalidFile;
    }
    Result r = std::move(parsed.value());
    r.summary = recompute(r);  // never the summary a file claims
    runs.push_back({file, std::move(r)});
  }
  // An RRUL result has no grade table: each is printed whole.
  std::vector<NamedResult> graded;
  for (auto& r : runs) {
    if (r.result.summary.rrul) {
      out << r.title << ":\n";
      print_rrul(r.result, out);
      out << "\n";
    } else {
      graded.push_back(std::move(r));
    }
  }
  if (!graded.empty()) print_table(graded, out);
  return kExitDone;
}

}  // namespace bloatmeter::cli
