#!/usr/bin/env python3
"""Writes bloatmeter-fleet.json, the Grafana dashboard of a bloatmeter
fleet (docs/operator.md "Prometheus and Grafana for a fleet"):

    python3 contrib/grafana/make_dashboard.py > contrib/grafana/bloatmeter-fleet.json

The panels are data below; the JSON is what Grafana imports. ctest
operator_metrics_promtool checks that the two agree and evaluates every
query against a real Prometheus.
"""
import json
DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'job="bloatmeter",server=~"$server"'
panels = []
y = 0
def panel(title, kind, targets, w=12, h=8, x=0, unit=None, extra=None, description=""):
    global y
    p = {"id": len(panels) + 1, "title": title, "type": kind, "datasource": DS,
         "description": description,
         "gridPos": {"x": x, "y": y, "w": w, "h": h},
         "targets": [dict(refId=chr(ord("A") + i), datasource=DS, **t) for i, t in enumerate(targets)],
         "fieldConfig": {"defaults": {}, "overrides": []}, "options": {}}
    if unit: p["fieldConfig"]["defaults"]["unit"] = unit
    if extra: p.update(extra)
    panels.append(p)
    return p
def names(mapping):
    """Overrides naming each bucket (a field per `le` in Grafana's heatmap format)."""
    return [{"matcher": {"id": "byName", "options": le}, "properties": [{"id": "displayName", "value": text}]}
            for le, text in mapping]
GRADE_BUCKETS = [("0.005", "A+ (under 5 ms)"), ("0.03", "A (5-30 ms)"), ("0.06", "B (30-60 ms)"),
                 ("0.2", "C (60-200 ms)"), ("0.4", "D (200-400 ms)"), ("+Inf", "F (400 ms and more)")]
SPEED_BUCKETS = [("125000", "up to 1 Mbit/s"), ("625000", "1-5 Mbit/s"), ("1250000", "5-10 Mbit/s"),
                 ("3125000", "10-25 Mbit/s"), ("6250000", "25-50 Mbit/s"), ("12500000", "50-100 Mbit/s"),
                 ("31250000", "100-250 Mbit/s"), ("62500000", "250-500 Mbit/s"), ("125000000", "500 Mbit/s-1 Gbit/s"),
                 ("1250000000", "1-10 Gbit/s"), ("+Inf", "over 10 Gbit/s")]
def row():
    global y
    y += 8
panel("Tests per hour, by grade", "timeseries",
      [{"expr": f'sum by (grade) (increase(bloatmeter_tests_completed_total{{{SEL}}}[1h]))', "legendFormat": "{{grade}}"}],
      description="Completed tests stored by the servers, by the server's own grade (aborted tests not included).",
      extra={"fieldConfig": {"defaults": {"custom": {"stacking": {"mode": "normal"}, "drawStyle": "bars"}}, "overrides": []}})
panel("Tests per hour, by server", "timeseries",
      [{"expr": f'sum by (server) (increase(bloatmeter_tests_completed_total{{{SEL}}}[1h]))', "legendFormat": "{{server}}"},
       {"expr": f'sum by (server) (increase(bloatmeter_tests_aborted_total{{{SEL}}}[1h]))', "legendFormat": "{{server}} aborted"}],
      x=12, description="Tests each server ran to the end, and those that were aborted (a customer closed the page, a connection was lost).")
row()
panel("Latency under load: tests by increase (the grade bands)", "bargauge",
      [{"expr": f'sum by (le) (increase(bloatmeter_result_latency_increase_seconds_bucket{{{SEL}}}[$__range]))',
        "legendFormat": "{{le}}", "format": "heatmap", "instant": True}],
      unit="short", description="The median latency increase of the phase that set each test's grade. The buckets' upper bounds are the grade table's: 5 ms (A+), 30 ms (A), 60 ms (B), 200 ms (C), 400 ms (D), above (F).",
      extra={"options": {"orientation": "horizontal", "displayMode": "basic"}})
panel("Latency increase, median and 90th percentile of tests", "timeseries",
      [{"expr": f'histogram_quantile(0.5, sum by (le) (rate(bloatmeter_result_latency_increase_seconds_bucket{{{SEL}}}[6h])))', "legendFormat": "median test"},
       {"expr": f'histogram_quantile(0.9, sum by (le) (rate(bloatmeter_result_latency_increase_seconds_bucket{{{SEL}}}[6h])))', "legendFormat": "90th percentile test"}],
      x=12, unit="s", description="Estimated from the histogram over the last 6 hours; coarse (the grade bands), so read it as a trend.")
row()
panel("Download throughput: tests by speed", "bargauge",
      [{"expr": f'sum by (le) (increase(bloatmeter_result_download_bytes_per_second_bucket{{{SEL}}}[$__range]))',
        "legendFormat": "{{le}}", "format": "heatmap", "instant": True}],
      unit="short", description="Measured download throughput of each completed test, by bucket (1 Mbit/s to 10 Gbit/s).",
      extra={"options": {"orientation": "horizontal", "displayMode": "basic"}})
panel("Upload throughput: tests by speed", "bargauge",
      [{"expr": f'sum by (le) (increase(bloatmeter_result_upload_bytes_per_second_bucket{{{SEL}}}[$__range]))',
        "legendFormat": "{{le}}", "format": "heatmap", "instant": True}],
      x=12, unit="short", description="Measured upload throughput of each completed test, by bucket.",
      extra={"options": {"orientation": "horizontal", "displayMode": "basic"}})
row()
panel("Load traffic, by server", "timeseries",
      [{"expr": f'sum by (server) (rate(bloatmeter_load_sent_bytes_total{{{SEL}}}[5m])) * 8', "legendFormat": "{{server}} sent"},
       {"expr": f'sum by (server) (rate(bloatmeter_load_received_bytes_total{{{SEL}}}[5m])) * 8', "legendFormat": "{{server}} received"}],
      unit="bps", description="Bits per second the servers moved on test load streams.")
panel("Server's own probe echo delay, 99th percentile", "timeseries",
      [{"expr": f'histogram_quantile(0.99, sum by (le, server) (rate(bloatmeter_probe_echo_delay_seconds_bucket{{{SEL}}}[5m])))', "legendFormat": "{{server}}"}],
      x=12, unit="s", description="How long a server took from reading a probe to echoing it. Above a millisecond, the server itself adds latency that tests would read as bufferbloat.")
row()
panel("Sessions open, by kind", "timeseries",
      [{"expr": f'sum by (kind) (bloatmeter_active_sessions{{{SEL}}})', "legendFormat": "{{kind}}"}],
      w=8, description="WebSocket sessions open now across the selected servers.")
panel("Open connections, by server", "timeseries",
      [{"expr": f'sum by (server) (bloatmeter_open_connections{{{SEL}}})', "legendFormat": "{{server}}"}],
      w=8, x=8)
panel("Webhook queue and database", "timeseries",
      [{"expr": f'sum by (server) (bloatmeter_webhook_queue_depth{{{SEL}}})', "legendFormat": "{{server}} webhook queue"},
       {"expr": f'sum by (server) (bloatmeter_database_rows{{{SEL},table="results"}})', "legendFormat": "{{server}} results stored"}],
      w=8, x=16)
for p in panels:
    expr = p["targets"][0]["expr"]
    if "latency_increase_seconds_bucket" in expr and p["type"] == "bargauge":
        p["fieldConfig"]["overrides"] = names(GRADE_BUCKETS)
    if "bytes_per_second_bucket" in expr:
        p["fieldConfig"]["overrides"] = names(SPEED_BUCKETS)
dash = {
  "title": "bloatmeter fleet",
  "uid": "bloatmeter-fleet",
  "description": "Tests, grades, latency-under-load and throughput distributions of a fleet of bloatmeter servers (contrib/grafana/README.md).",
  "tags": ["bloatmeter"],
  "timezone": "utc",
  "schemaVersion": 39,
  "version": 1,
  "editable": True,
  "refresh": "1m",
  "time": {"from": "now-7d", "to": "now"},
  "templating": {"list": [
    {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus", "current": {}, "hide": 0},
    {"name": "server", "label": "Server", "type": "query", "datasource": DS,
     "query": {"query": 'label_values(bloatmeter_build_info{job="bloatmeter"}, server)', "refId": "server"},
     "definition": 'label_values(bloatmeter_build_info{job="bloatmeter"}, server)',
     "includeAll": True, "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "refresh": 2}
  ]},
  "panels": panels,
}
print(json.dumps(dash, indent=2))
