"""The shipped Prometheus scrape configuration and Grafana dashboard
(contrib/prometheus/prometheus.yml, contrib/grafana/bloatmeter-fleet.json),
checked against a real Prometheus (Debian's prometheus package) scraping a
real bloatmeter-server. Used by metrics_promtool_test.py, which has the
server running with a stored result.

The scrape configuration is the shipped file with only what a machine must
change: its two targets point at the test's server (one process scraped as
two "servers", so the per-server panels see two), the token file is the
test's, plain HTTP instead of HTTPS, and a 1 s interval instead of 15 s so
counters have several samples within seconds. Every query of every panel,
with the dashboard's variables filled in as Grafana would, goes to
Prometheus's query API: it must parse, name only families the server
exports, and return a series.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

from checks import OPENER, check, free_port, stop_process

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRAPE_CONFIG = os.path.join(ROOT, "contrib", "prometheus", "prometheus.yml")
DASHBOARD = os.path.join(ROOT, "contrib", "grafana", "bloatmeter-fleet.json")



def _families(scrape_text):
    return {m.group(1) for m in re.finditer(r"^# TYPE (\S+) ", scrape_text, re.M)}


def _metric_names(expr):
    return set(re.findall(r"\b(bloatmeter_[a-z_]+)", expr))


def _exported(name, families):
    """A family, or a histogram's _bucket/_sum/_count of one."""
    return name in families or any(name == f + s for f in families for s in ("_bucket", "_sum", "_count"))


def _query(prom_port, expr):
    url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with OPENER.open(url, timeout=5) as r:
            return json.load(r)
    except Exception as e:  # a 400 for a query that does not parse carries its error as JSON
        body = getattr(e, "read", lambda: b"")()
        try:
            return json.loads(body)
        except ValueError:
            return {"status": "error", "error": str(e)}


def _grafana_expr(expr):
    """The query as Grafana sends it with every server selected over a day."""
    return expr.replace("$server", ".*").replace("$__range", "1d").replace("$__rate_interval", "1m")


def _panel_exprs(dashboard):
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            yield panel.get("title", "?"), target.get("expr", "")


def check_fleet_dashboard(server_port, token, work, scrape_text):
    """Runs the checks; `scrape_text`: a /metrics scrape with a stored result."""
    prometheus = shutil.which("prometheus")
    if not check(prometheus is not None, "Prometheus is installed (Debian's prometheus package; scripts/setup.sh)"):
        return
    with open(DASHBOARD) as f:
        text = f.read()
    try:
        dashboard = json.loads(text)
    except ValueError as e:
        check(False, f"the Grafana dashboard is valid JSON ({e})")
        return
    check(True, "the Grafana dashboard is valid JSON")
    exprs = list(_panel_exprs(dashboard))
    check(len(exprs) >= 8 and all(e for _, e in exprs), f"every panel has a query ({len(exprs)} queries)")
    titles = " ".join(p.get("title", "") for p in dashboard.get("panels", [])).lower()
    for topic in ("grade", "server", "latency", "download", "upload"):
        check(topic in titles, f"a panel shows {topic}")
    made = subprocess.run([sys.executable, os.path.join(ROOT, "contrib", "grafana", "make_dashboard.py")],
                          capture_output=True, text=True)
    check(made.returncode == 0 and json.loads(made.stdout or "null") == dashboard,
          "the dashboard JSON is what make_dashboard.py writes")
    families = _families(scrape_text)
    # Each bucket a panel names must be a bucket the server exports.
    for panel in dashboard.get("panels", []):
        expr = panel["targets"][0]["expr"]
        family = re.search(r"(bloatmeter_[a-z_]+)_bucket", expr)
        named = [o["matcher"]["options"] for o in panel["fieldConfig"].get("overrides", [])]
        if family and named:
            les = set(re.findall(family.group(1) + r'_bucket\{le="([^"]+)"\}', scrape_text))
            check(set(named) == les, f"'{panel['title']}' names every bucket the server has ({sorted(les - set(named))} unnamed, "
                                     f"{sorted(set(named) - les)} unknown)")
    for title, expr in exprs:
        missing = [n for n in _metric_names(expr) if not _exported(n, families)]
        check(_metric_names(expr) and not missing, f"'{title}' names only exported metrics ({missing or 'all exported'})")

    token_file = os.path.join(work, "metrics-token")
    with open(token_file, "w") as f:
        f.write(token)
    with open(SCRAPE_CONFIG) as f:
        shipped = f.read()
    config = shipped.replace("/etc/prometheus/bloatmeter-metrics-token", token_file)
    config = config.replace("scheme: https", "scheme: http").replace("scrape_interval: 15s", "scrape_interval: 1s")
    config, targets = re.subn(r'targets: \["[^"]+"\]', f'targets: ["127.0.0.1:{server_port}"]', config)
    check(targets == 2, f"the shipped scrape configuration lists the example servers ({targets})")
    config_file = os.path.join(work, "prometheus.yml")
    with open(config_file, "w") as f:
        f.write(config)
    p = subprocess.run(["promtool", "check", "config", config_file], capture_output=True, text=True)
    check(p.returncode == 0, f"promtool check config accepts it ({(p.stdout + p.stderr).strip().splitlines()[-1:]})")

    prom_port = free_port()
    log = open(os.path.join(work, "prometheus.log"), "w")
    prom = subprocess.Popen([prometheus, f"--config.file={config_file}", f"--storage.tsdb.path={work}/tsdb",
                             f"--web.listen-address=127.0.0.1:{prom_port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        # Both targets up, and enough samples for increase() and rate().
        up, deadline = [], time.monotonic() + 30
        while time.monotonic() < deadline:
            r = _query(prom_port, 'count_over_time(up{job="bloatmeter"}[1m]) >= 4')
            up = r.get("data", {}).get("result", []) if r.get("status") == "success" else []
            if len(up) == 2:
                break
            time.sleep(0.5)
        check(len(up) == 2, f"Prometheus scraped both targets several times ({len(up)})")
        r = _query(prom_port, 'up{job="bloatmeter"} == 1')
        healthy = r.get("data", {}).get("result", []) if r.get("status") == "success" else []
        check(len(healthy) == 2, f"both targets are up, the token accepted ({len(healthy)})")
        servers = sorted(s["metric"].get("server", "") for s in healthy)
        check(servers == ["amsterdam", "frankfurt"], f"each target carries its server label ({servers})")
        for title, expr in exprs:
            r = _query(prom_port, _grafana_expr(expr))
            ok = r.get("status") == "success"
            series = len(r.get("data", {}).get("result", [])) if ok else 0
            check(ok and series > 0, f"'{title}': Prometheus evaluates {expr[:60]}… ({r.get('error') or series} series)")
        variable = next(v for v in dashboard["templating"]["list"] if v["name"] == "server")
        check("server" in variable["definition"] and "bloatmeter_build_info" in variable["definition"],
              "the server variable lists the servers from bloatmeter_build_info")
    finally:
        stop_process(prom)
        log.close()
