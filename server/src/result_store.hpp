#pragma once
// Submitted results in the database (database_target.hpp, database_schema.hpp),
// with each one's telemetry row and webhook event. Synchronous and
// single-threaded by design: the server calls it only from its one results
// thread, so the connection is never shared and no call blocks I/O.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bloatmeter/outcome.hpp"
#include "database.hpp"
#include "database_target.hpp"
#include "telemetry_row.hpp"

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

struct Retention {
  std::size_t results = 1000;             // newest results kept
  std::size_t telemetry_rows = 100'000;   // newest telemetry rows kept
  std::int64_t telemetry_max_age_s = 365LL * 86400;
};

class ResultStore {
 public:
  // Opens (creating when needed) the database.
  static Outcome<std::unique_ptr<ResultStore>> open(const DatabaseTarget& target, Retention retention);

  // Stores one result, its telemetry row and (when webhook_event is not
  // empty) its webhook event, and trims what retention no longer keeps, all
  // in one transaction: a failure leaves nothing half-written. Returns an
  // error message, "" on success; on success row.seq is set.
  std::string insert(const NewResult& result, TelemetryRow& row, const std::string& webhook_event);

  // Nothing (inside the Outcome) when no result has this id.
  Outcome<std::optional<StoredResult>> find(std::string_view id);

 private:
  ResultStore(std::unique_ptr<Database> db, Retention retention, std::string server_id)
      : db_(std::move(db)), retention_(retention), server_id_(std::move(server_id)) {}
  std::string prepare_all();
  std::string insert_rows(const NewResult& result, TelemetryRow& row, const std::string& webhook_event);

  std::unique_ptr<Database> db_;
  Retention retention_;
  std::string server_id_;
  Statement insert_result_, trim_results_, insert_telemetry_, trim_telemetry_count_, trim_telemetry_age_,
      insert_event_, count_events_, drop_oldest_event_, count_drop_, find_;
};

// The bytes of a kept address (telemetry.ip_key) and whether it is IPv6;
// nothing for "" or text that is no address.
struct IpKey {
  bool v6 = false;
  std::string bytes;
};
std::optional<IpKey> ip_key_of(const std::string& kept_address);

}  // namespace bloatmeter::server
