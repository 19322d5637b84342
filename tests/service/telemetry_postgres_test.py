#!/usr/bin/env python3
"""A fleet's shared telemetry database (telemetry_database, docs/deploy.md
"A fleet"): two bloatmeter-servers write into one real PostgreSQL at once.

  telemetry_postgres_test.py SERVER_BINARY FIXTURE_RESULT.json

The test starts its own PostgreSQL from Debian's postgresql package
(initdb in a temporary folder, a free loopback port, its socket in that
folder; as the `postgres` user when run as root, since PostgreSQL refuses
root), and stops it. Checked:
- both servers start at once on an empty database (the schema is made
  once, under a lock), and 10 results posted to each at once are all
  stored;
- either server's telemetry API shows all 20 rows, 10 per server_id, in
  one order, pages without repeats, stats and the CSV export included;
  a result stored through one server is read through the other; each
  server's /metrics counts its own rows;
- with PostgreSQL stopped a submission fails with 500 and the server
  lives; with it back on the same port the next one is stored
  (reconnection);
- erasing a customer through one server erases it for the fleet;
- a wrong database stops the start with a message that never shows the
  password.
Bounded: about 20 s; every wait has a limit.
"""
import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, free_port, http_call, stop_process, summary  # noqa: E402

KEY = "fleet-telemetry-key-0123456789"


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(re.search(r"/postgresql/(\d+)/", p).group(1)))
    if not found:
        sys.exit(f"FAIL: no {name}: scripts/setup.sh installs Debian's postgresql package")
    return found[-1]


class Postgres:
    """A throwaway PostgreSQL on 127.0.0.1:port, data and socket under work."""

    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb and postgres refuse root: run them as postgres
            pw = pwd.getpwnam("postgres")
            os.chown(work, pw.pw_uid, pw.pw_gid)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.run([pg_bin("initdb"), "-D", os.path.join(self.dir, "data"), "-U", "bloatmeter", "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
        self.proc = None

    def popen(self, argv, **kw):
        if self.as_root:
            kw.update(user="postgres", group="postgres")
        return subprocess.Popen(argv, **kw)

    def run(self, argv):
        p = self.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out = p.communicate(timeout=60)[0]
        if p.returncode != 0:
            sys.exit(f"FAIL: {' '.join(argv)}: {out}")

    def start(self):
        self.proc = self.popen([pg_bin("postgres"), "-D", os.path.join(self.dir, "data"), "-p", str(self.port),
                                "-h", "127.0.0.1", "-k", self.dir, "-c", "fsync=off"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              stdout=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.2)
        sys.exit("FAIL: PostgreSQL did not start within 30 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: fast shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def sql(self, statement, db="fleet"):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "bloatmeter", "-d", db,
                              "-At", "-c", statement], capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return out.stdout.strip()

    def uri(self, password=""):
        auth = "bloatmeter" + (":" + password if password else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/fleet"


def start_server(binary, work, name, config):
    data = os.path.join(work, name)
    web = os.path.join(work, "web")
    os.makedirs(web, exist_ok=True)
    conf = os.path.join(work, name + ".conf")
    with open(conf, "w") as f:
        f.write(config)
    return subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--web-root", web, "--data-dir", data,
                             "--config", conf, "--threads", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def port_of(proc):
    line = proc.stdout.readline()
    m = re.search(r"listening on http://[^:]+:(\d+)/", line)
    return int(m.group(1)) if m else None


def call(port, path, method="GET", body=None, key=KEY):
    headers = {"Authorization": "Bearer " + key} if key else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return http_call(port, path, method, body, headers, timeout=20)


def rows_of(port, query=""):
    status, body = call(port, "/api/telemetry/recent?limit=1000" + query)
    return json.loads(body)["rows"] if status == 200 else None


def main():
    server_bin, fixture = sys.argv[1], sys.argv[2]
    with open(fixture, "rb") as f:
        document = f.read()
    work = tempfile.mkdtemp(prefix="bloatmeter-pg-")
    os.chmod(work, 0o755)
    pg = None
    servers = []
    try:
        pg = Postgres(work)
        pg.start()
        pg.sql("CREATE DATABASE fleet", db="postgres")
        common = f"telemetry_database = {pg.uri()}\ntelemetry_api_key = {KEY}\n" \
                 "submissions_per_minute_per_address = 10000\nmax_concurrent_submissions = 20\n"
        # Both at once: each makes the schema if it is missing.
        servers = [start_server(server_bin, work, name, common + f"server_id = {name}\n") for name in ("alpha", "beta")]
        ports = [port_of(p) for p in servers]
        check(all(ports), f"both servers start on one empty database at once (ports {ports})")
        if not all(ports):
            return
        a, b = ports

        ids = {a: [], b: []}
        failures = []
        lock = threading.Lock()

        def submit(port):
            status, body = call(port, "/api/results", "POST", document, key=None)
            with lock:
                ids[port].append(json.loads(body)["id"] if status == 201 else None)
                if status != 201:
                    failures.append(f"{status} {body[:200]!r}")

        threads = [threading.Thread(target=submit, args=(p,)) for p in (a, b) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        stored = [i for p in (a, b) for i in ids[p] if i]
        check(len(stored) == 20, f"20 results posted to the two at once are stored ({len(stored)}; {failures[:2]})")

        rows_a, rows_b = rows_of(a), rows_of(b)
        check(rows_a is not None and rows_a == rows_b, "both servers show the same rows")
        by_server = {}
        for r in rows_a or []:
            by_server[r["server_id"]] = by_server.get(r["server_id"], 0) + 1
        check(by_server == {"alpha": 10, "beta": 10}, f"each row names its server ({by_server})")
        seqs = [r["seq"] for r in rows_a or []]
        check(seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs), "one order, newest first, no repeats")

        paged, cursor = [], None
        for _ in range(20):
            status, body = call(b, "/api/telemetry/recent?limit=3" + (f"&cursor={cursor}" if cursor else ""))
            page = json.loads(body)
            paged += [r["seq"] for r in page["rows"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        check(paged == seqs, f"pages of 3 walk the same rows ({len(paged)})")

        status, body = call(b, f"/api/results/{ids[a][0]}", key=None)
        check(status == 200 and json.loads(body)["id"] == ids[a][0], "a result stored through one server is read through the other")
        status, body = call(a, "/api/telemetry/stats")
        count = sum(p["by_client_kind"]["all"]["count"] for p in json.loads(body)["periods"]) if status == 200 else -1
        check(count == 20, f"stats count the fleet ({count})")
        status, body = call(b, "/api/telemetry/export.csv")
        lines = body.decode().strip().split("\r\n") if status == 200 else []
        check(len(lines) == 21 and lines[0].endswith(",server_id")
              and sum(1 for l in lines[1:] if l.endswith(",alpha")) == 10,
              f"the CSV export has every row and its server ({len(lines) - 1} rows)")
        check(pg.sql("SELECT server_id || '=' || count(*) FROM telemetry GROUP BY server_id ORDER BY server_id").split() ==
              ["alpha=10", "beta=10"], "PostgreSQL holds the rows, 10 per server")

        # /metrics counts each server's own rows: a dashboard summing the
        # fleet counts each row once. (The gauges refresh in the background.)
        telemetry_gauge = None
        for _ in range(50):
            status, body = call(a, "/metrics", key=None)
            m = re.search(r'^bloatmeter_database_rows\{table="telemetry"\} (\d+)', body.decode(), re.M)
            telemetry_gauge = int(m.group(1)) if m else None
            if telemetry_gauge == 10:
                break
            time.sleep(0.1)
        check(telemetry_gauge == 10, f"/metrics counts this server's rows only ({telemetry_gauge})")

        pg.stop()
        status, _ = call(a, "/api/results", "POST", document, key=None)
        check(status == 500, f"with PostgreSQL away a submission fails plainly ({status})")
        check(servers[0].poll() is None, "and the server lives on")
        pg.start()
        status, _ = call(a, "/api/results", "POST", document, key=None)
        check(status == 201, f"with PostgreSQL back the next submission is stored ({status})")

        status, body = call(a, "/api/telemetry/customer/127.0.0.1", "DELETE")
        erased = json.loads(body)["erased"] if status == 200 else {"status": status, "body": body[:300]}
        check(erased.get("telemetry_rows") == 21 and erased.get("results") == 21,
              f"erasing a customer through one server erases the fleet's rows ({erased})")
        check(rows_of(b) == [], "the other server shows none left")

        wrong = start_server(server_bin, work, "gamma",
                             f"telemetry_database = postgresql://bloatmeter:s3cret-pw@127.0.0.1:{free_port()}/fleet\n")
        out = wrong.communicate(timeout=30)[0]
        check(wrong.returncode != 0 and "PostgreSQL" in out and "s3cret-pw" not in out,
              f"an unreachable database stops the start, without its password ({out.strip()[:160]})")
    finally:
        for p in servers:
            stop_process(p)
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(summary())
