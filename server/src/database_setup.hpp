#pragma once
// Creates the tables (database_schema.hpp) and brings an older SQLite file
// to the current layout, once, at start.
#include <string>

#include "database.hpp"

namespace bloatmeter::server {

// "" or the error. On PostgreSQL the tables are made under an advisory
// lock: servers of a fleet starting at once would otherwise race on
// CREATE TABLE IF NOT EXISTS. On SQLite, a file from before server_id
// gains the column, its rows this server's id (the file is this box's).
std::string ensure_schema(Database& db, const std::string& server_id);

}  // namespace bloatmeter::server
