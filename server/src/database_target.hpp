#pragma once
// Where results and telemetry live: the box's own SQLite file under
// data_dir (the default), or a fleet's shared PostgreSQL database
// (telemetry_database = postgresql://...), so one operator API and one
// operator view cover every server. Each server names itself in the rows
// it writes (server_id).
#include <filesystem>
#include <memory>
#include <string>

#include "bloatmeter/outcome.hpp"
#include "database.hpp"

namespace bloatmeter::server {

struct DatabaseTarget {
  std::filesystem::path sqlite_file;  // the box's own file, when postgres is empty
  std::string postgres;               // a libpq URI: postgresql://user@host:port/db
  std::string server_id;              // this server's name in the rows it writes
  bool shared() const { return !postgres.empty(); }
  // For messages and logs: the file, or the URI without its password.
  std::string shown() const;
};

// Opens a connection. A PostgreSQL one reconnects by itself after the
// server went away (postgres_db.hpp).
Outcome<std::unique_ptr<Database>> open_database(const DatabaseTarget& target, bool read_only = false);

// "" when `uri` is a PostgreSQL URI libpq accepts, else why not (without
// the password).
std::string check_postgres_uri(const std::string& uri);
// The URI with any password replaced by "******".
std::string masked_postgres_uri(const std::string& uri);

}  // namespace bloatmeter::server
