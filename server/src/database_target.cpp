#include "database_target.hpp"

#include "postgres_db.hpp"
#include "sqlite_db.hpp"

namespace bloatmeter::server {

std::string masked_postgres_uri(const std::string& uri) {
  // postgresql://user:password@host/... : the password sits between the
  // first ':' after the scheme and the last '@' before the host.
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return uri;
  const auto authority_start = scheme_end + 3;
  const auto authority_end = uri.find_first_of("/?", authority_start);
  const auto at = uri.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  std::string out = uri;
  if (at != std::string::npos && at > authority_start) {
    const auto colon = uri.find(':', authority_start);
    if (colon != std::string::npos && colon < at) out = uri.substr(0, colon + 1) + "******" + uri.substr(at);
  }
  // ?password=... in the query too.
  const auto key = out.find("password=");
  if (key != std::string::npos && out.find('?') != std::string::npos && key > out.find('?')) {
    const auto end = out.find('&', key);
    out = out.substr(0, key + 9) + "******" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::string DatabaseTarget::shown() const { return shared() ? masked_postgres_uri(postgres) : sqlite_file.string(); }

std::string check_postgres_uri(const std::string& uri) {
  if (!uri.starts_with("postgresql://") && !uri.starts_with("postgres://"))
    return "expected a PostgreSQL URI (postgresql://user@host:port/database), got '" + masked_postgres_uri(uri) + "'";
  return postgres_uri_error(uri);
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
