#pragma once
// Submitted results in SQLite (data_dir/bloatmeter.sqlite). Synchronous and
// single-threaded by design: the server calls it only from its one results
// thread, so the connection is never shared and no call blocks I/O.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bloatmeter/outcome.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace bloatmeter::server {

struct NewResult {
  std::string id;
  std::string created_at;  // ISO 8601, UTC
  std::string client_ip;   // stored for abuse handling, never served
  std::string user_agent;
  std::string overall;     // the server's grade, "" when none
  std::string summary_json;
  std::string document_json;  // the document with the server's summary
};

struct StoredResult {
  std::string id;
  std::string created_at;
  std::string document_json;
};

class ResultStore {
 public:
  // Opens (creating when needed) the database; keeps the newest `retention`
  // results.
  static Outcome<std::unique_ptr<ResultStore>> open(const std::filesystem::path& file, std::size_t retention);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Stores one result and trims old ones, all in one transaction: a failure
  // leaves nothing half-written. Returns an error message, "" on success.
  std::string insert(const NewResult& result);

  // Nothing (inside the Outcome) when no result has this id.
  Outcome<std::optional<StoredResult>> find(std::string_view id);

 private:
  struct Statement;
  ResultStore(sqlite3* db, std::size_t retention);
  std::string prepare_all();
  std::string error_text(std::string_view what) const;

  sqlite3* db_;
  std::size_t retention_;
  std::unique_ptr<Statement> begin_, commit_, rollback_, insert_, trim_, find_;
};

}  // namespace bloatmeter::server
