#!/usr/bin/env python3
"""Durability under crashes (issue 13, docs/operator.md "Durability"):
every result the server acknowledged with 201 is on disk, whatever moment
the server dies at.

  durability_test.py SERVER_BINARY FIXTURE_RESULT.json [--submissions N]

Four submitters POST the fixture to a real bloatmeter-server on loopback
until N results are acknowledged, while a killer sends SIGKILL at random
moments (every 50 to 400 ms) and starts the server again on the same port
and data directory. A submission that gets no answer (the server died under
it) is not counted: the client was never told it was stored. Afterwards the
database is opened directly: each acknowledged id must be in `results`, in
`telemetry`, and have its event in the webhook outbox (a webhook receiver
that does not exist keeps them there). Prints "acknowledged N, found N".
Standard library only; bounded: at most 1000 submissions and 5 minutes.
"""
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import urllib.error
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
TIME_LIMIT_S = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, port, work):
        self.binary, self.port, self.work = binary, port, work
        self.web = os.path.join(work, "web")
        os.makedirs(self.web, exist_ok=True)
        self.conf = os.path.join(work, "server.conf")
        with open(self.conf, "w") as f:
            # A receiver nobody runs: every event stays in the outbox, so the
            # outbox can be checked against the acknowledged ids too.
            f.write(f"webhook_url=http://127.0.0.1:{free_port()}/hook\nwebhook_secret=durability-0123456789\n"
                    # One address sends everything here; a real crowd comes from many.
                    "submissions_per_minute_per_address=100000\n"
                    # Retention deletes on purpose (1000 results by default): keep them all here.
                    "result_retention=100000\n")
        self.proc = None
        self.starts = 0

    def start(self):
        self.proc = subprocess.Popen([self.binary, "--listen", f"127.0.0.1:{self.port}", "--web-root", self.web,
                                      "--data-dir", self.work, "--config", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.starts += 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the server exited with {self.proc.returncode} on start {self.starts}")
                time.sleep(0.02)
        raise RuntimeError("the server did not listen within 10 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def main():
    binary, fixture = sys.argv[1], sys.argv[2]
    target = 1000
    if "--submissions" in sys.argv:
        target = min(1000, int(sys.argv[sys.argv.index("--submissions") + 1]))
    with open(fixture, "rb") as f:
        doc = f.read()
    work = tempfile.mkdtemp(prefix="bloatmeter-durability-")
    server = Server(binary, free_port(), work)
    server.start()
    acknowledged, lock = [], threading.Lock()
    unanswered = [0]
    stop = threading.Event()
    deadline = time.monotonic() + TIME_LIMIT_S

    def submitter():
        while not stop.is_set() and time.monotonic() < deadline:
            req = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/results", data=doc,
                                         headers={"Content-Type": "application/json"}, method="POST")
            try:
                with OPENER.open(req, timeout=10) as r:
                    body = r.read()
                    if r.status == 201:
                        with lock:
                            acknowledged.append(json.loads(body)["id"])
                            if len(acknowledged) >= target:
                                stop.set()
            except urllib.error.HTTPError as e:
                if e.code != 503:  # 503: the server was full; anything else is a failure
                    print(f"unexpected answer {e.code}: {e.read()[:200]!r}")
                    stop.set()
            except (OSError, urllib.error.URLError, http.client.HTTPException):
                with lock:
                    unanswered[0] += 1  # the server died under this one: never acknowledged
                time.sleep(0.01)

    threads = [threading.Thread(target=submitter) for _ in range(4)]
    for t in threads:
        t.start()
    kills = 0
    rng = random.Random(int(os.environ.get("DURABILITY_SEED", time.time_ns())))
    try:
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.05, 0.4))
            if stop.is_set():
                break
            server.kill()
            kills += 1
            server.start()
    finally:
        stop.set()
        for t in threads:
            t.join()
        server.kill()

    db = sqlite3.connect(os.path.join(work, "bloatmeter.sqlite"))
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    stored = {row[0] for row in db.execute("SELECT id FROM results")}
    telemetry = {row[0] for row in db.execute("SELECT result_id FROM telemetry")}
    outbox = {row[0] for row in db.execute("SELECT result_id FROM webhook_outbox")}
    db.close()
    acked = set(acknowledged)
    found = acked & stored
    print(f"{kills} kills (SIGKILL), {server.starts} starts, {unanswered[0]} submissions cut off unanswered")
    print(f"acknowledged {len(acked)}, found {len(found)}")
    print(f"of those, with a telemetry row {len(acked & telemetry)}, with a webhook event {len(acked & outbox)}")
    print(f"database integrity_check: {ok}; rows stored but never acknowledged (cut off after the commit): "
          f"{len(stored - acked)}")
    failed = (len(acked) < target or found != acked or not acked <= telemetry or not acked <= outbox or ok != "ok"
              or kills < 10 or len(acknowledged) != len(acked))
    if len(acked) < target:
        print(f"FAIL: only {len(acked)} of {target} acknowledged within {TIME_LIMIT_S} s")
    if kills < 10:
        print(f"FAIL: only {kills} kills: the run did not test crashes")
    shutil.rmtree(work, ignore_errors=True)
    print("FAIL" if failed else "ok: every acknowledged result survived")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
