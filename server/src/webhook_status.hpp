#pragma once
// The webhook's health for GET /api/telemetry/webhooks and the operator
// view, read from the database (webhook_outbox, webhook_status) on the
// caller's own connection: any thread with a connection of its own may ask,
// and the sender is never asked or waited for.
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/outcome.hpp"
#include "database.hpp"

namespace bloatmeter::server {

// {queue_depth, outbox_max, oldest_waiting_age_s, next_attempt_in_s,
//  oldest_attempts, oldest_last_error, delivered, dropped,
//  failed_permanently, last_success_unix, last_success, last_failure_unix,
//  last_failure, last_failure_reason} (docs/operator.md lists them); times
// that never happened are null.
Outcome<nlohmann::json> webhook_status(Database& reader, const std::string& server_id);

}  // namespace bloatmeter::server
