#!/usr/bin/env python3
"""The server's log (server/src/server_log.hpp, docs/operator.md "Logs"):

  logs_test.py SERVER_BINARY

- `--log-format json --access-log`: every line on stderr is one JSON
  object with a time, a level and a topic; each HTTP request is one access
  line (client, method, path, status, bytes, time); a query string never
  reaches the log (it may hold a key); a client's invalid UTF-8 and
  control characters cannot break a line or forge one;
- by default: text lines, and no access lines (addresses are personal
  data).
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, stop_process, summary  # noqa: E402

SECRET = "a-telemetry-key-0123456789"


def start(server_bin, work, extra):
    web = os.path.join(work, "web")
    os.makedirs(web, exist_ok=True)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>t</title>")
    conf = os.path.join(work, "server.conf")
    with open(conf, "w") as f:
        f.write(f"telemetry_api_key={SECRET}\ntelemetry_allow_query_key=true\n")
    proc = subprocess.Popen([server_bin, "--listen", "127.0.0.1:0", "--web-root", web, "--data-dir",
                             os.path.join(work, "data"), "--config", conf, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    m = re.search(r"listening on http://[^:]+:(\d+)/", proc.stdout.readline())
    return proc, int(m.group(1)) if m else None


def raw_get(port, target, extra_headers=b""):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers + b"\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None


def requests(port):
    """What each run asks; returns the statuses."""
    return [raw_get(port, b"/api/health"),
            raw_get(port, b"/no/such/page"),
            raw_get(port, b"/api/telemetry/recent?api_key=" + SECRET.encode()),
            raw_get(port, b"/api/telemetry/recent?api_key=wrong-key-0123456789-x"),
            raw_get(port, b"/index.html?\xff\xfe%0aforged")]


def lines_of(proc):
    stop_process(proc)
    return [l for l in proc.stderr.read().splitlines() if l.strip()]


def main():
    server_bin = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="bloatmeter-logs-") as work:
        print("--log-format json --access-log")
        proc, port = start(server_bin, os.path.join(work, "json"), ["--log-format", "json", "--access-log"])
        statuses = requests(port)
        check(statuses == [200, 404, 200, 401, 200], f"the requests were answered ({statuses})")
        time.sleep(0.2)
        lines = lines_of(proc)
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except ValueError:
                parsed.append(None)
        check(lines and all(isinstance(p, dict) for p in parsed), f"every line is one JSON object ({len(lines)} lines)")
        objects = [p for p in parsed if isinstance(p, dict)]
        check(all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", p.get("time", "")) and p.get("level") and
                  p.get("topic") for p in objects), "each has a UTC time, a level and a topic")
        access = [p for p in objects if p.get("topic") == "access"]
        check(len(access) == 5, f"one access line per request ({len(access)})")
        check([a.get("status") for a in access] == statuses, f"... with its status ({[a.get('status') for a in access]})")
        check(all(a.get("client") == "127.0.0.1" and a.get("method") == "GET" and a.get("bytes", 0) > 0 and
                  a.get("ms", -1) >= 0 for a in access), "... its client, method, bytes and time")
        check([a.get("path") for a in access][:4] == ["/api/health", "/no/such/page", "/api/telemetry/recent",
                                                      "/api/telemetry/recent"],
              f"... and its path without the query ({[a.get('path') for a in access]})")
        whole = "\n".join(lines)
        check(SECRET not in whole and "api_key" not in whole, "no key, no query string reaches the log")
        check(any(p.get("topic") == "telemetry" and p.get("level") == "warning" for p in objects),
              "the refused key is logged as a warning event")
        check(not any(l.startswith("forged") for l in lines), "a client's bytes cannot forge a line")

        print("the defaults: text, no access log")
        proc, port = start(server_bin, os.path.join(work, "text"), [])
        requests(port)
        time.sleep(0.2)
        lines = lines_of(proc)
        check(lines and all(l.startswith("bloatmeter-server: ") for l in lines),
              f"text lines ({lines[:2]})")
        check(not any("[access]" in l for l in lines), "no access lines unless asked for")
        check(any("warning [telemetry]" in l for l in lines), "events are logged")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
