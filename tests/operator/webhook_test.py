#!/usr/bin/env python3
"""Webhooks end to end (issue 13, docs/operator.md "Webhooks"): a real
bloatmeter-server posts to receivers this test runs on loopback.

  webhook_test.py SERVER_BINARY FIXTURE_RESULT.json

Cases: (a) both signatures verify with Python's own hmac and the body is the
event of the result that got 201; (b) a receiver that is down for a while gets
every event once it is back, in order; (c) undelivered events survive SIGKILL;
(d) a receiver that accepts and never answers does not slow submissions, and
its events are retried; (e) 400 is final, 503 is retried; (f) https: a
receiver whose CA is trusted gets signed events, one whose CA is unknown
gets none. Standard library
only. The retry knob (webhook_retry_initial_ms) keeps it to about half a
minute; the 10 s request timeout is the product's own.
"""
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SECRET = "test-secret-0123456789abcdef"
# Loopback only: never through a proxy named in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A webhook receiver on a fixed port. mode: an HTTP status to answer,
    "hang" (read the request, never answer) or a callable(result_id, n) -> status."""

    def __init__(self, port, mode=200, tls=None):
        self.port, self.mode = port, mode
        self.requests = []  # {id, status ("hang" while unanswered), headers, body, path}, in arrival order
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                result_id = json.loads(body)["result_id"]
                with receiver.lock:
                    n = sum(1 for r in receiver.requests if r["id"] == result_id)
                    record = {"id": result_id, "status": receiver.answer(result_id, n),
                              "headers": dict(self.headers), "body": body, "path": self.path}
                    receiver.requests.append(record)
                if record["status"] == "hang":
                    receiver.release.wait(30)
                    with receiver.lock:  # released: answer as the receiver now does
                        record["status"] = receiver.answer(result_id, n)
                    if record["status"] == "hang":
                        return
                self.send_response(record["status"])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        if tls:  # (certificate file, key file): an https receiver
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, result_id, n):
        return self.mode(result_id, n) if callable(self.mode) else self.mode

    def delivered(self):
        """Result ids answered 2xx, in arrival order."""
        with self.lock:
            return [r["id"] for r in self.requests if r["status"] != "hang" and 200 <= r["status"] < 300]

    def attempts(self, result_id):
        with self.lock:
            return [r for r in self.requests if r["id"] == result_id]

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class Server:
    def __init__(self, binary, root, webhook_port=None, path="/hook?src=bloatmeter", origin="http://127.0.0.1",
                 env=None):
        self.env = env
        self.binary, self.root = binary, root
        self.data = os.path.join(root, "data")
        self.web = os.path.join(root, "web")
        os.makedirs(self.web, exist_ok=True)
        with open(os.path.join(self.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>t</title>")
        self.config = os.path.join(root, "bloatmeter.conf")
        with open(self.config, "w") as f:
            f.write("submissions_per_minute_per_address=1000\nserver_id=hook-box\n")
            if webhook_port:
                f.write(f"webhook_url={origin}:{webhook_port}{path}\n")
                f.write(f"webhook_secret={SECRET}\nwebhook_retry_initial_ms=100\n")
        self.proc = None
        self.start()

    def start(self):
        self.log = open(os.path.join(self.root, "server.log"), "a")
        self.proc = subprocess.Popen(
            [self.binary, "--listen", "127.0.0.1:0", "--web-root", self.web, "--data-dir", self.data,
             "--config", self.config, "--threads", "2"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env)
        line = self.proc.stdout.readline()
        assert "listening on http://" in line, f"server did not start: {line!r}\n{self.stderr()}"
        self.url = line.split("listening on ")[1].strip().rstrip("/")

    def submit(self, document):
        req = urllib.request.Request(self.url + "/api/results", data=document, method="POST",
                                     headers={"Content-Type": "application/json"})
        with OPENER.open(req, timeout=30) as res:
            assert res.status == 201, res.status
            return json.loads(res.read())["id"]

    def status_table(self):
        with sqlite3.connect(os.path.join(self.data, "bloatmeter.sqlite"), timeout=10) as db:
            status = dict(db.execute("SELECT key, value FROM webhook_status"))
            status["queue"] = db.execute("SELECT COUNT(*) FROM webhook_outbox").fetchone()[0]
            return status

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("the server did not stop within 10 s of SIGTERM")

    def stderr(self):
        with open(os.path.join(self.root, "server.log")) as f:
            return f.read()


def wait_for(what, condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def check_signatures(headers, body, result_id):
    lq = headers["X-LibreQoS-Signature"]
    assert lq == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(), lq
    parts = dict(p.split("=", 1) for p in headers["X-Bloatmeter-Signature"].split(","))
    t = parts["t"]
    assert abs(int(t) - time.time()) < 60, t
    expected = hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected), parts
    # A wrong secret must not verify (the check above is not vacuous).
    assert parts["v1"] != hmac.new(b"another secret 0123456", t.encode() + b"." + body, hashlib.sha256).hexdigest()
    event = json.loads(body)
    assert event["result_id"] == result_id and event["type"] == "test.completed", event
    assert event["telemetry"]["result_id"] == result_id
    assert event["telemetry"]["server_id"] == "hook-box", event["telemetry"]  # which server ran it
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("bloatmeter/")


def case_signatures(binary, doc, tmp):
    port = free_port()
    rx = Receiver(port)
    srv = Server(binary, os.path.join(tmp, "a"), port)
    try:
        ids = [srv.submit(doc) for _ in range(2)]
        wait_for("2 events", lambda: len(rx.delivered()) >= 2, 10)
        assert rx.delivered() == ids, (rx.delivered(), ids)
        for result_id in ids:
            attempt, = rx.attempts(result_id)
            assert attempt["path"] == "/hook?src=bloatmeter", attempt["path"]
            check_signatures(attempt["headers"], attempt["body"], result_id)
        wait_for("the outbox to empty", lambda: srv.status_table()["queue"] == 0, 5)
        status = srv.status_table()
        assert status["delivered"] == "2" and "last_success_unix" in status, status
    finally:
        srv.stop()
        rx.stop()
    print("(a) signatures: both headers verify, body is the 201'd result's event")


def case_receiver_down(binary, doc, tmp):
    port = free_port()  # nothing listens there yet: connections are refused
    srv = Server(binary, os.path.join(tmp, "b"), port)
    try:
        ids = [srv.submit(doc) for _ in range(12)]
        time.sleep(2)  # several failed attempts, backoff growing
        status = srv.status_table()
        assert status["queue"] == 12 and "refused" in status.get("last_failure", "").lower(), status
        rx = Receiver(port)
        # Backoff after ~2 s of failures from 100 ms: the next try within ~3 s.
        wait_for("every event after the receiver's return", lambda: set(rx.delivered()) >= set(ids), 15)
        got = rx.delivered()
        assert list(dict.fromkeys(got)) == ids, (got, ids)  # in order, each at least once
        rx.stop()
    finally:
        srv.stop()
    print(f"(b) receiver down, then up: {len(ids)} events arrived in order ({len(got) - len(ids)} duplicates)")


def case_sigkill(binary, doc, tmp):
    port = free_port()
    srv = Server(binary, os.path.join(tmp, "c"), port)
    try:
        ids = [srv.submit(doc) for _ in range(5)]
        srv.kill()  # undelivered: nothing listened on the port
        rx = Receiver(port)
        srv.start()
        wait_for("the events after a restart", lambda: set(rx.delivered()) >= set(ids), 10)
        assert list(dict.fromkeys(rx.delivered())) == ids, (rx.delivered(), ids)
        rx.stop()
    finally:
        srv.stop()
    print("(c) SIGKILL with 5 undelivered events: all 5 delivered after the restart")


def case_hanging_receiver(binary, doc, tmp):
    port = free_port()
    rx = Receiver(port, "hang")
    hooked = Server(binary, os.path.join(tmp, "d1"), port)
    plain = Server(binary, os.path.join(tmp, "d2"))
    try:
        t_hooked = t_plain = 0.0
        ids = []
        for _ in range(10):  # side by side, so a busy machine slows both alike
            t0 = time.monotonic()
            ids.append(hooked.submit(doc))
            t1 = time.monotonic()
            plain.submit(doc)
            t2 = time.monotonic()
            t_hooked += t1 - t0
            t_plain += t2 - t1
        ratio = t_hooked / t_plain
        assert ratio < 3, f"submissions with a hanging receiver took {ratio:.1f}x as long ({t_hooked:.2f} s vs {t_plain:.2f} s)"
        # The first event hangs until the 10 s timeout, then is tried again;
        # that attempt gets its answer once the receiver recovers.
        wait_for("the hung event's retry", lambda: len(rx.attempts(ids[0])) >= 2, 16)
        assert not rx.attempts(ids[1]), "a later event overtook the one in flight"
        with rx.lock:
            rx.mode = 200
        rx.release.set()
        wait_for("every event once the receiver answers", lambda: set(rx.delivered()) >= set(ids), 15)
        assert list(dict.fromkeys(rx.delivered())) == ids
        assert "timed out" in hooked.stderr(), hooked.stderr()
    finally:
        hooked.stop()
        plain.stop()
        rx.stop()
    print(f"(d) hanging receiver: 10 submissions {t_hooked:.2f} s vs {t_plain:.2f} s without a webhook "
          f"({ratio:.2f}x); the hung event timed out, was retried and delivered")


def case_status_codes(binary, doc, tmp):
    port = free_port()
    order = []  # distinct result ids as they first arrive: the first gets 400, the second 503 twice

    def answer(result_id, n):
        if result_id not in order:
            order.append(result_id)
        return [lambda n: 400, lambda n: 503 if n < 2 else 200][order.index(result_id)](n)

    rx = Receiver(port, answer)
    srv = Server(binary, os.path.join(tmp, "e"), port)
    try:
        first, second = srv.submit(doc), srv.submit(doc)
        wait_for("the 503'd event to be delivered", lambda: second in rx.delivered(), 10)
        time.sleep(1)  # a retry of the 400 would have come by now (100 ms backoff)
        assert [r["status"] for r in rx.attempts(first)] == [400], rx.attempts(first)
        assert [r["status"] for r in rx.attempts(second)] == [503, 503, 200], rx.attempts(second)
        wait_for("the outbox to empty", lambda: srv.status_table()["queue"] == 0, 5)
        status = srv.status_table()
        assert status["failed_permanently"] == "1" and status["delivered"] == "1", status
        assert status["last_failure"].startswith("HTTP 503"), status
    finally:
        srv.stop()
        rx.stop()
    print("(e) 400: one attempt, counted as a permanent failure; 503, 503, 200: delivered on the third")


def make_certificates(tmp):
    """A CA of this test's own and a receiver certificate it signed for
    localhost (openssl, Debian's package). Returns (ca, cert, key) paths."""
    d = os.path.join(tmp, "pki")
    os.makedirs(d)
    ca, ca_key, cert, key, csr = (os.path.join(d, n) for n in ("ca.pem", "ca.key", "rx.pem", "rx.key", "rx.csr"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=bloatmeter webhook test CA", "-keyout", ca_key, "-out", ca)
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
        "-keyout", key, "-out", csr)
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
        "-extfile", ext, "-out", cert)
    return ca, cert, key


def case_https(binary, doc, tmp):
    ca, cert, key = make_certificates(tmp)
    port = free_port()
    rx = Receiver(port, tls=(cert, key))
    # Trusted: the test's CA stands in for the system store (OpenSSL's
    # default verify paths honour SSL_CERT_FILE).
    trusting = Server(binary, os.path.join(tmp, "f1"), port, origin="https://localhost",
                      env={**os.environ, "SSL_CERT_FILE": ca})
    # Not trusted: the system store does not know this CA.
    wary = Server(binary, os.path.join(tmp, "f2"), port, origin="https://localhost")
    try:
        trusted_id = trusting.submit(doc)
        wait_for("the event over https", lambda: trusted_id in rx.delivered(), 10)
        attempt, = rx.attempts(trusted_id)
        check_signatures(attempt["headers"], attempt["body"], trusted_id)
        refused_id = wary.submit(doc)
        wait_for("the certificate to be refused",
                 lambda: "certificate" in wary.status_table().get("last_failure", "").lower(), 10)
        assert not rx.attempts(refused_id), "an event was posted to a receiver whose certificate did not verify"
        assert wary.status_table()["queue"] == 1, wary.status_table()
        reason = wary.status_table()["last_failure"]
    finally:
        trusting.stop()
        wary.stop()
        rx.stop()
    print(f"(f) https: delivered and signed to a receiver whose CA is trusted; an unknown CA is refused ({reason})")


def main():
    binary, fixture = sys.argv[1], sys.argv[2]
    with open(fixture, "rb") as f:
        doc = f.read()
    tmp = tempfile.mkdtemp(prefix="bloatmeter-webhooks-")
    started = time.monotonic()
    try:
        for case in (case_signatures, case_receiver_down, case_sigkill, case_hanging_receiver, case_status_codes,
                     case_https):
            case(binary, doc, tmp)
    except BaseException:
        for root, _, files in os.walk(tmp):
            for name in files:
                if name == "server.log":
                    print(f"--- {os.path.join(root, name)}\n" + open(os.path.join(root, name)).read()[-4000:])
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"webhooks: all cases passed in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
