#include "database_target.hpp"

#include "postgres_db.hpp"
#include "sqlite_db.hpp"

namespace bloatmeter::server {

std::string masked_postgres_uri(const std::string& uri) {
  // postgresql://user:password@host/... : the password sits between the
  // first ':' after the scheme and the last '@' (a host has none).
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return "(not a URI; not shown)";
  const auto authority_start = scheme_end + 3;
  std::string out = uri;
  if (const auto at = uri.rfind('@'); at != std::string::npos && at > authority_start) {
    const auto colon = uri.find(':', authority_start);
    if (colon != std::string::npos && colon < at) out = uri.substr(0, colon + 1) + "******" + uri.substr(at);
  }
  // ?password=... in the query too.
  const auto query = out.find('?');
  if (const auto key = out.find("password=", query == std::string::npos ? out.size() : query); key != std::string::npos) {
    const auto end = out.find('&', key);
    out = out.substr(0, key + 9) + "******" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::string DatabaseTarget::shown() const { return shared() ? masked_postgres_uri(postgres) : sqlite_file.string(); }

// Never echoes the text: it may hold a password in any form.
std::string check_postgres_uri(const std::string& uri) {
  if (!uri.starts_with("postgresql://") && !uri.starts_with("postgres://"))
    return "expected a PostgreSQL URI (postgresql://user@host:port/database)";
  if (!postgres_uri_error(uri).empty())
    return "libpq cannot read the URI (check its %-encoding and its options; it is not shown: it may hold a password)";
  return {};
}

Outcome<std::unique_ptr<Database>> open_database(const DatabaseTarget& target, bool read_only) {
  using R = Outcome<std::unique_ptr<Database>>;
  if (target.shared()) {
    auto db = PostgresDb::open(target.postgres);
    if (!db) return R::failure(db.error());
    return R::success(std::move(db).value());
  }
  auto db = SqliteDb::open(target.sqlite_file, read_only);
  if (!db) return R::failure(db.error());
  return R::success(std::move(db).value());
}

}  // namespace bloatmeter::server
