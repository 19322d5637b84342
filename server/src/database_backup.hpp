#pragma once
// `bloatmeter-server --backup FILE`: a consistent copy of the results and
// telemetry database while the server runs, through SQLite's online backup
// API (a file copy of a live database in WAL mode can miss the log's pages
// or catch a page mid-write). docs/deploy.md, "Backups".
#include <filesystem>
#include <string>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::server {

struct BackupReport {
  int pages = 0;
  long long results = 0;
  long long telemetry_rows = 0;
};

// Copies `database` to `target`: written beside it and renamed into place
// only once complete and checked (PRAGMA quick_check), so `target` is
// either absent or a whole database. Refuses to overwrite an existing file.
Outcome<BackupReport> backup_database(const std::filesystem::path& database, const std::filesystem::path& target);

}  // namespace bloatmeter::server
