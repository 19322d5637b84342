#pragma once
// The telemetry API's side of the database: pages of rows, statistics per
// period, the CSV export and a customer's erasure. Owns its own connection
// and runs on the telemetry thread only, so an operator's query never holds
// up the results thread that stores tests (WAL: readers and the writer do
// not block each other).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bloatmeter/outcome.hpp"
#include "database.hpp"
#include "database_target.hpp"
#include "telemetry_query.hpp"
#include "telemetry_row.hpp"

namespace bloatmeter::server {

struct TelemetryPage {
  std::vector<TelemetryRow> rows;              // newest first
  std::optional<std::int64_t> next_cursor;     // when more rows match
};

enum class StatsPeriod { Day, Week, Month };

// Streams the rows of one export, a batch at a time (each call reads at
// most `rows` rows), so a 100 000-row export needs one batch of memory,
// and whichever thread writes the response may read it: from the SQLite
// file on a connection of its own (local pages), or, for a fleet's
// PostgreSQL, from a temporary file the telemetry thread filled first, so
// no I/O thread ever waits on the network database.
class TelemetryExport {
 public:
  ~TelemetryExport();
  // The next batch as CSV lines; "" once done. An error ends the export.
  Outcome<std::string> next_batch(int rows = 500);
  bool done() const { return done_; }

 private:
  friend class TelemetryReader;
  std::unique_ptr<Database> db_;
  Statement query_;
  std::FILE* spool_ = nullptr;  // the PostgreSQL export's lines, unlinked
  bool done_ = false;
};

class TelemetryReader {
 public:
  // `spool_dir`: where a PostgreSQL export's lines wait (data_dir).
  static Outcome<std::unique_ptr<TelemetryReader>> open(const DatabaseTarget& target,
                                                        std::filesystem::path spool_dir);

  Outcome<TelemetryPage> page(const TelemetryFilter& filter);
  // Per period (UTC) and per client kind ("all" too): count, grade counts,
  // median and p90 of the latency increase and of each direction's throughput.
  Outcome<nlohmann::json> stats(const TelemetryFilter& filter, StatsPeriod period);
  Outcome<std::unique_ptr<TelemetryExport>> open_export(const TelemetryFilter& filter);
  // Erases every telemetry row, stored result and waiting webhook event of
  // the addresses in `customer`; returns how many of each went.
  Outcome<nlohmann::json> erase(const IpPrefix& customer);
  // Rows and the database's size (for /metrics and the operator view).
  Outcome<nlohmann::json> counts();
  Database& db() { return *db_; }
  const std::string& server_id() const { return target_.server_id; }

 private:
  TelemetryReader(std::unique_ptr<Database> db, DatabaseTarget target, std::filesystem::path spool_dir)
      : db_(std::move(db)), target_(std::move(target)), spool_dir_(std::move(spool_dir)) {}
  Outcome<std::unique_ptr<TelemetryExport>> spool_export(const TelemetryFilter& filter);
  std::unique_ptr<Database> db_;
  DatabaseTarget target_;
  std::filesystem::path spool_dir_;
};

// One stored row, from a statement selecting kTelemetryColumns.
TelemetryRow telemetry_row_from(const Statement& statement);
extern const char* const kTelemetryColumns;

}  // namespace bloatmeter::server
