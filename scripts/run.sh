#!/usr/bin/env bash
# The product in one command: installs what is missing, builds, and starts
# the server with the web client on http://localhost:8080 and
# https://localhost:8443 (self-signed certificate generated on first run),
# results in ./data (SQLite). Extra arguments go to bloatmeter-server.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
bash scripts/setup.sh
bash scripts/build.sh
config_args=()
[ -f bloatmeter.conf ] && config_args=(--config bloatmeter.conf)
echo
echo "Open http://localhost:8080/ (or https://localhost:8443/) in a browser. Ctrl+C stops the server."
exec build/native/server/bloatmeter-server \
  --listen "${BLOATMETER_LISTEN:-0.0.0.0:8080}" --tls-listen "${BLOATMETER_TLS_LISTEN:-0.0.0.0:8443}" \
  --web-root build/web --data-dir data "${config_args[@]}" "$@"
