#!/usr/bin/env python3
"""`bloatmeter-server --backup FILE` (server/src/database_backup.hpp,
docs/deploy.md "Backups"):

  backup_test.py SERVER_BINARY FIXTURE_RESULT_JSON

- a backup taken while the server runs and results keep arriving is a whole
  database (quick_check ok) holding every result acknowledged before it
  began;
- a server started on the copy serves those results (the restore path);
- an existing FILE is never overwritten, a missing database is said
  plainly, and neither leaves a partial file behind.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import OPENER, check, stop_process, summary  # noqa: E402


def start(server_bin, data, web):
    proc = subprocess.Popen([server_bin, "--listen", "127.0.0.1:0", "--web-root", web, "--data-dir", data],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"listening on http://[^:]+:(\d+)/", proc.stdout.readline())
    return proc, int(m.group(1)) if m else None


def post(port, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/results", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.status, json.loads(r.read()).get("id")
    except urllib.error.HTTPError as e:
        return e.code, None


def get(port, path):
    try:
        with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    server_bin, fixture = sys.argv[1], sys.argv[2]
    body = open(fixture, "rb").read()
    work = tempfile.mkdtemp(prefix="bloatmeter-backup-")
    web, data = os.path.join(work, "web"), os.path.join(work, "data")
    os.makedirs(web)
    proc, port = start(server_bin, data, web)
    restored = None
    try:
        check(port is not None, "the server starts")
        before = [post(port, body) for _ in range(4)]
        ids = [i for status, i in before if status == 201]
        check(len(ids) == 4, f"four results are stored ({[s for s, _ in before]})")

        # Results keep arriving while the backup runs.
        during, stop_posting = [], threading.Event()

        def keep_posting():
            while not stop_posting.is_set() and len(during) < 12:
                during.append(post(port, body)[0])

        poster = threading.Thread(target=keep_posting)
        poster.start()
        target = os.path.join(work, "backup.sqlite")
        backup = subprocess.run([server_bin, "--data-dir", data, "--backup", target], capture_output=True, text=True)
        stop_posting.set()
        poster.join()
        check(backup.returncode == 0, f"--backup succeeds while the server runs and stores ({backup.stdout.strip()}"
                                      f"{backup.stderr.strip()}; {len(during)} stored meanwhile)")
        check(os.path.isfile(target) and not os.path.exists(target + ".partial"), "the copy is in place, whole")
        if os.path.isfile(target):
            db = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
            check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "the copy passes integrity_check")
            stored = {r[0] for r in db.execute("SELECT id FROM results")}
            check(set(ids) <= stored, f"it holds every result acknowledged before it began ({len(stored)} results)")
            m = re.search(r"backed up (\d+) results", backup.stdout)
            check(m is not None and int(m.group(1)) == len(stored), "the count it printed is the copy's")
            db.close()

        again = subprocess.run([server_bin, "--data-dir", data, "--backup", target], capture_output=True, text=True)
        check(again.returncode == 1 and "exists" in again.stderr, f"an existing file is not overwritten ({again.stderr.strip()})")
        nothing = subprocess.run([server_bin, "--data-dir", os.path.join(work, "none"), "--backup",
                                  os.path.join(work, "other.sqlite")], capture_output=True, text=True)
        check(nothing.returncode == 1 and "no database" in nothing.stderr,
              f"a missing database is said plainly ({nothing.stderr.strip()})")
        check(not [n for n in os.listdir(work) if n.endswith(".partial")], "no partial file is left")

        # Restore: a server on the copy serves what it holds.
        restored_dir = os.path.join(work, "restored")
        os.makedirs(restored_dir)
        shutil.copy(target, os.path.join(restored_dir, "bloatmeter.sqlite"))
        restored, restored_port = start(server_bin, restored_dir, web)
        served = [get(restored_port, f"/api/results/{i}") for i in ids] if restored_port else []
        check(served == [200] * 4, f"a server started on the copy serves the results ({served})")
    finally:
        stop_process(proc)
        if restored:
            stop_process(restored)
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
