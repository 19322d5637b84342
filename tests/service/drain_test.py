#!/usr/bin/env python3
"""A graceful stop (`--drain-seconds`, server/src/server.hpp Server::drain):

  drain_test.py SERVER_BINARY CLI_BINARY

- SIGTERM while a CLI test runs: the server starts no new test (GET
  /api/test-slot and a probe-lane upgrade answer 503 with "restarting" and
  Retry-After), the running test completes and its result is stored, and
  the server then stops on its own, long before the grace period ends;
- a grace period that ends first: the probe lane is closed with 1012, the
  CLI says the server restarted (not "the connection was lost"), exit 4,
  and the server stops; the same for a household test, whose user lanes
  are closed with 1012 too;
- a second signal stops at once; an idle server stops at once.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import OPENER, check, stop_process, summary  # noqa: E402


def start(server_bin, work, name, drain):
    data = os.path.join(work, name)
    web = os.path.join(work, "web")
    os.makedirs(web, exist_ok=True)
    proc = subprocess.Popen([server_bin, "--listen", "127.0.0.1:0", "--web-root", web, "--data-dir", data,
                             "--drain-seconds", str(drain)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"listening on http://[^:]+:(\d+)/", proc.stdout.readline())
    return proc, int(m.group(1)) if m else None


def test_slot(port):
    try:
        with OPENER.open(f"http://127.0.0.1:{port}/api/test-slot", timeout=5) as r:
            return r.status, {}, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)


def probe_upgrade_status(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /ws/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        head = s.recv(4096).decode(errors="replace")
    return head.split("\r\n", 1)[0], head


def exits_within(proc, seconds):
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def cli_test(cli_bin, port, submit, command="test"):
    return subprocess.Popen([cli_bin, command, f"http://127.0.0.1:{port}", "--plan", "quick",
                             *(["--submit"] if submit else [])],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def under_way(port, seconds=20):
    """Until the server runs a test (its test slot shows the address busy is
    not visible to us; /api/health's active connections are)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with OPENER.open(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
            if json.load(r).get("active_connections", 0) >= 3:  # a probe lane and load streams
                return True
        time.sleep(0.2)
    return False


def main():
    server_bin, cli_bin = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="bloatmeter-drain-")
    procs = []

    def test_then_sigterm(name, drain, submit, command="test"):
        """A server with `drain` s of grace, a CLI test under way on it, then SIGTERM."""
        server, port = start(server_bin, work, name, drain=drain)
        procs.append(server)
        run = cli_test(cli_bin, port, submit=submit, command=command)
        procs.append(run)
        check(under_way(port), "the CLI test is under way")
        server.send_signal(signal.SIGTERM)
        return server, port, run, time.monotonic()

    try:
        print("SIGTERM while a test runs: the test ends, then the server")
        server, port, run, signalled = test_then_sigterm("a", drain=25, submit=True)
        time.sleep(0.5)
        status, body, headers = test_slot(port)
        check(status == 503 and body.get("restarting") is True and headers.get("Retry-After") == "30",
              f"a new test is refused: the server is restarting ({status} {body})")
        line, _ = probe_upgrade_status(port)
        check(" 503 " in line, f"a new probe lane is refused too ({line})")
        out, _ = run.communicate(timeout=60)
        check(run.returncode == 0 and "submitted:" in out,
              f"the running test completed and its result was stored (exit {run.returncode})")
        if run.returncode != 0:
            print(out[-1500:])
        code = exits_within(server, 10)
        waited = time.monotonic() - signalled
        check(code == 0 and waited < 25, f"the server then stopped by itself, before its grace ended (exit {code}, "
                                         f"{waited:.0f} s after SIGTERM)")

        print("the grace period ends first: the probe lane is told the server restarts")
        server, port, run, _ = test_then_sigterm("b", drain=2, submit=False)
        out, _ = run.communicate(timeout=60)
        check(run.returncode == 4 and "restarted during the test" in out,
              f"the CLI says the server restarted, not that the connection was lost (exit {run.returncode}: "
              f"{(re.search(r'The test was aborted: [^.]*', out) or [out[-200:]])[0]})")
        check(exits_within(server, 10) == 0, "the server stopped after its grace period")

        print("the same for a household test: its user lanes are told too")
        server, port, run, _ = test_then_sigterm("h", drain=2, submit=False, command="household")
        out, _ = run.communicate(timeout=60)
        check(run.returncode == 4 and "restarted during the test" in out and "was lost" not in out,
              f"the household CLI says the server restarted, not that a connection was lost (exit {run.returncode}: "
              f"{(re.search(r'aborted: [^.]*', out) or [out[-300:]])[0]})")
        check(exits_within(server, 10) == 0, "the server stopped after its grace period")

        print("a second signal, an idle server")
        server, port, run, _ = test_then_sigterm("c", drain=60, submit=False)
        time.sleep(1)
        check(server.poll() is None, "the first SIGTERM drains")
        began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = exits_within(server, 5)
        check(code == 0, f"a second SIGTERM stops at once (exit {code}, {time.monotonic() - began:.1f} s)")
        run.communicate(timeout=60)
        server, port = start(server_bin, work, "d", drain=60)
        procs.append(server)
        began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = exits_within(server, 5)
        check(code == 0 and time.monotonic() - began < 2,
              f"an idle server stops at once ({time.monotonic() - began:.1f} s)")
    finally:
        for p in procs:
            stop_process(p)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
