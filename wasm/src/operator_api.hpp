#pragma once
// The operator view's requests: the telemetry API (docs/operator.md), the
// key sent as a Bearer token, and the key kept for the tab's session in
// sessionStorage (never localStorage, cookies or the URL).
#include <string>

#include "operator_state.hpp"

namespace bloatmeter::web {

// Checks `key` with the server; accepted, it is kept for the tab's session
// and the dashboard loads; refused, key_message says why.
void operator_sign_in(OperatorState& state, std::string key);
// Signs in again with the key this tab kept, if any; false when none.
bool operator_resume(OperatorState& state);
// Forgets the key (memory and sessionStorage) and every figure; `why`, if
// any, is shown at the key prompt.
void operator_sign_out(OperatorState& state, std::string why = {});
// (Re)loads the dashboard for state.filter: the recent rows, the tests per
// day and the webhooks' health.
void operator_load(OperatorState& state);
// Lists a customer's tests by address or CIDR prefix.
void operator_search(OperatorState& state, std::string query);

}  // namespace bloatmeter::web
