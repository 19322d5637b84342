#!/usr/bin/env python3
"""/metrics checked by Prometheus's own tool while a test runs (issue 13,
docs/operator.md "Metrics").

  metrics_promtool_test.py SERVER_BINARY CLI_BINARY

A real bloatmeter-server (behind metrics_token) and a real `bloatmeter test
--plan quick --submit` against it, on loopback. While the run is under load
the test scrapes /metrics, and `promtool check metrics` (Debian's prometheus
package) must accept the scrape; the scrape must show the run (an active
session, load bytes moving, probe echoes). After the run the completed-test
counter has counted it under its grade, and the database gauge has its row.
Without the token, /metrics is 401. Then a real Prometheus scrapes the
server with the shipped configuration and evaluates every query of the
shipped Grafana dashboard (fleet_dashboard.py).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import OPENER, check, free_port, summary  # noqa: E402
from fleet_dashboard import check_fleet_dashboard  # noqa: E402

TOKEN = "metrics-token-0123456789"



def scrape(port, token=TOKEN):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with OPENER.open(req, timeout=5) as r:
        return r.read().decode()


def value(text, name, labels=""):
    """The sum of a family's samples whose label set contains `labels`."""
    total, seen = 0.0, False
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(\{[^}]*\})? (\S+)$", line)
        if m and m.group(1) == name and labels in (m.group(2) or ""):
            total, seen = total + float(m.group(3)), True
    return total if seen else None


def first_bucket_holding(text, family):
    """(le, bound, the bound below) of the first bucket whose count is not zero."""
    below = float("-inf")
    for line in text.splitlines():
        m = re.match(r'^' + family + r'_bucket\{le="([^"]+)"\} (\S+)$', line)
        if not m:
            continue
        bound = float(m.group(1))  # "+Inf" parses as inf
        if float(m.group(2)) > 0:
            return m.group(1), bound, below
        below = bound
    return None


def promtool(text):
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).strip()


def main():
    server_bin, cli_bin = sys.argv[1], sys.argv[2]
    if not shutil.which("promtool"):
        print("promtool is missing: install Debian's prometheus package (scripts/setup.sh does)")
        return 1
    work = tempfile.mkdtemp(prefix="bloatmeter-metrics-")
    conf = os.path.join(work, "server.conf")
    with open(conf, "w") as f:
        f.write(f"metrics_token={TOKEN}\n")
    web = os.path.join(work, "web")
    os.mkdir(web)
    port = free_port()
    server = subprocess.Popen([server_bin, "--listen", f"127.0.0.1:{port}", "--web-root", web, "--data-dir", work,
                               "--config", conf],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    run = None
    try:
        for _ in range(100):
            try:
                scrape(port)
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        else:
            print("the server did not start:", server.stderr.read() if server.poll() is not None else "no answer")
            return 1
        try:
            scrape(port, token=None)
            check(False, "without the token /metrics is refused")
        except urllib.error.HTTPError as e:
            check(e.code == 401, f"without the token /metrics is refused ({e.code})")

        before = scrape(port)
        code, out = promtool(before)
        check(code == 0, f"promtool accepts the idle scrape ({out or 'no remarks'})")

        run = subprocess.Popen([cli_bin, "test", f"http://127.0.0.1:{port}", "--plan", "quick", "--submit"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Scrape until the run is under load: a session open and load bytes
        # moving (the quick plan idles for a few seconds first).
        during, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline and run.poll() is None:
            text = scrape(port)
            sent = value(text, "bloatmeter_load_sent_bytes_total") or 0
            if (value(text, "bloatmeter_active_sessions") or 0) >= 1 and sent > 1_000_000:
                during = text
                break
            time.sleep(0.2)
        check(during is not None, "a scrape was taken while the test ran under load")
        if during:
            code, out = promtool(during)
            check(code == 0, f"promtool check metrics accepts the scrape taken during the test ({out or 'no remarks'})")
            check((value(during, "bloatmeter_probe_echo_delay_seconds_count") or 0) > 0,
                  "the scrape counts the run's probe echoes")
            check((value(during, "bloatmeter_sessions_started_total") or 0) >= 1,
                  "the scrape counts the run's sessions")
            for family in ("bloatmeter_build_info", "bloatmeter_open_connections", "bloatmeter_webhook_queue_depth",
                           "bloatmeter_database_rows", "bloatmeter_database_size_bytes"):
                check(value(during, family) is not None, f"the scrape has {family}")

        output, _ = run.communicate(timeout=60)
        check(run.returncode == 0, f"the CLI run finished and was submitted (exit {run.returncode})")
        grade = re.search(r"\bgrade[^A-F]*([A-F]\+?)", output)
        after = scrape(port)
        completed = value(after, "bloatmeter_tests_completed_total") or 0
        check(completed == 1, f"after the run one completed test is counted ({completed})")
        if grade:
            g = grade.group(1)
            check(value(after, "bloatmeter_tests_completed_total", f'grade="{g}"') == 1,
                  f"... under the grade the CLI printed ({g})")
        check((value(after, "bloatmeter_database_rows", 'table="results"') or 0) == 1,
              "the database gauge has the stored result")
        # The distributions (the Grafana dashboard's panels): one sample each,
        # in the bucket its own sum falls in; the increase's bounds are the
        # grade table's, so its bucket is the grade's.
        grade_bound = {"A+": "0.005", "A": "0.03", "B": "0.06", "C": "0.2", "D": "0.4", "F": "+Inf"}
        for family in ("bloatmeter_result_latency_increase_seconds", "bloatmeter_result_download_bytes_per_second",
                       "bloatmeter_result_upload_bytes_per_second"):
            n = value(after, family + "_count")
            check(n == 1, f"{family} counts the one stored test ({n})")
            total = value(after, family + "_sum")
            first = first_bucket_holding(after, family)
            check(total is not None and first is not None and total <= first[1] and total > first[2],
                  f"... in the bucket its value falls in ({total} in {first})")
            if grade and family.endswith("increase_seconds") and first:
                check(first[0] == grade_bound[grade.group(1)],
                      f"... which is the printed grade's bucket ({grade.group(1)}: le={first[0]})")
        code, out = promtool(after)
        check(code == 0, f"promtool accepts the scrape after the run ({out or 'no remarks'})")
        print("the shipped Prometheus configuration and Grafana dashboard, against a real Prometheus")
        check_fleet_dashboard(port, TOKEN, work, after)
    finally:
        if run and run.poll() is None:
            run.kill()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
