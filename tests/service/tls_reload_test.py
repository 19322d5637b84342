#!/usr/bin/env python3
"""HTTPS certificates while the server runs (docs/operator.md
"Certificates"; server/src/tls_certificate.hpp):

  tls_reload_test.py SERVER_BINARY CLI_BINARY WEB_ROOT

The certificates are made here with the openssl tool, laid out as certbot
lays them out (live/ symlinks into archive/), and the server is given the
live/ paths:

- the policy is Mozilla's "intermediate": TLS 1.1 and a CBC cipher are
  refused by the server (its alert, not the client's own refusal), TLS 1.2
  with ECDHE-GCM and TLS 1.3 are served;
- a renewal while a CLI test runs over HTTPS: after SIGHUP new connections
  get the new certificate, a connection opened before keeps working, and
  the CLI test completes;
- a pair whose key does not match is refused with a log line, and the
  certificate in force stays;
- a renewal with no signal is picked up by the look for changed files
  (tls_reload_check_seconds=1);
- without --cert, the server's own self-signed certificate that expires
  within 30 days is renewed, at start and while it runs;
- --acme-webroot serves certbot's challenges on HTTP, --redirect-https
  sends pages (only pages) to HTTPS.
"""
import datetime
import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, free_port, stop_process, summary  # noqa: E402


def make_pair(folder, name, key_type="ec", days=90, cn="localhost"):
    key, cert = os.path.join(folder, f"{name}-key.pem"), os.path.join(folder, f"{name}-cert.pem")
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if key_type == "ec" else ["-newkey", "rsa:2048"]
    subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", key, "-out", cert, "-days", str(days),
                    "-subj", f"/CN={cn}", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def fingerprint_of_file(cert):
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def client_context(min_version=None, max_version=None, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if min_version:
        with warnings.catch_warnings():  # TLS 1.1 is asked for on purpose: the server must refuse it
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = min_version
    if max_version:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    return ctx


def handshake(port, ctx=None):
    """(the server's certificate's sha256, TLS version, cipher) or the error's text."""
    ctx = ctx or client_context()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with ctx.wrap_socket(raw) as tls:
                return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest(), tls.version(), tls.cipher()[0]
    except (ssl.SSLError, OSError) as e:
        return str(e)


def presented(port):
    got = handshake(port)
    return got[0] if isinstance(got, tuple) else None


def wait_for(predicate, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def not_after_days(der_sha_port):
    """Days until the presented certificate expires."""
    with socket.create_connection(("127.0.0.1", der_sha_port), timeout=5) as raw:
        with client_context().wrap_socket(raw) as tls:
            der = tls.getpeercert(binary_form=True)
    out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-enddate"], input=der, check=True,
                         capture_output=True).stdout.decode()
    end = datetime.datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    return (end - datetime.datetime.utcnow()).days


def relink(link, target):
    """Points the symlink `link` at `target` atomically, as certbot renews."""
    tmp = link + ".tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, link)


class Server:
    def __init__(self, binary, web_root, data, extra):
        self.log = []
        self.proc = subprocess.Popen([binary, "--tls-listen", "127.0.0.1:0", "--web-root", web_root, "--data-dir", data,
                                      *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = None
        for _ in range(20):
            line = self.proc.stdout.readline()
            self.log.append(line)
            m = re.search(r"listening on https://[^:]+:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def logged(self, pattern):
        return any(re.search(pattern, line) for line in self.log)

    def stop(self):
        return stop_process(self.proc, timeout=15)


def renewals(server_bin, cli_bin, web_root, work):
    archive, live = os.path.join(work, "archive"), os.path.join(work, "live")
    os.makedirs(archive)
    os.makedirs(live)
    first = make_pair(archive, "first")
    second = make_pair(archive, "second")
    third = make_pair(archive, "third", key_type="rsa")
    cert, key = os.path.join(live, "fullchain.pem"), os.path.join(live, "privkey.pem")
    relink(cert, first[0])
    relink(key, first[1])
    conf = os.path.join(work, "server.conf")
    with open(conf, "w") as f:
        f.write("tls_reload_check_seconds=1\n")
    data = os.path.join(work, "data")
    os.makedirs(data)
    server = Server(server_bin, web_root, data, ["--cert", cert, "--key", key, "--config", conf])
    run = None
    try:
        if not check(server.port is not None, "the server listens on HTTPS with the live/ paths"):
            print("".join(server.log))
            return
        port = server.port
        check(presented(port) == fingerprint_of_file(first[0]), "it presents the first certificate")

        print("the TLS policy (Mozilla intermediate)")
        old = handshake(port, client_context(ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_1, "DEFAULT:@SECLEVEL=0"))
        check(isinstance(old, str) and "PROTOCOL_VERSION" in old.upper(),
              f"TLS 1.1 is refused by the server's alert ({old})")
        cbc = handshake(port, client_context(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA"))
        check(isinstance(cbc, str) and "HANDSHAKE_FAILURE" in cbc.upper(),
              f"TLS 1.2 with a CBC cipher is refused by the server's alert ({cbc})")
        gcm = handshake(port, client_context(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2,
                                             "ECDHE-ECDSA-AES128-GCM-SHA256"))
        check(isinstance(gcm, tuple) and gcm[1] == "TLSv1.2", f"TLS 1.2 with ECDHE-ECDSA-AES128-GCM is served ({gcm})")
        tls13 = handshake(port, client_context(ssl.TLSVersion.TLSv1_3))
        check(isinstance(tls13, tuple) and tls13[1] == "TLSv1.3", f"TLS 1.3 is served ({tls13})")

        print("a renewal while a test runs over HTTPS")
        run = subprocess.Popen([cli_bin, "test", f"https://127.0.0.1:{port}", "--plan", "quick", "--insecure"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        kept = client_context().wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
        kept_cert = hashlib.sha256(kept.getpeercert(binary_form=True)).hexdigest()
        time.sleep(4)  # into the test's loaded phases
        relink(cert, second[0])
        relink(key, second[1])
        server.proc.send_signal(signal.SIGHUP)
        check(wait_for(lambda: presented(port) == fingerprint_of_file(second[0]), 5),
              "after SIGHUP new connections get the renewed certificate")
        check(wait_for(lambda: server.logged(r"\[tls\] reload: now serving CN=localhost"), 3),
              "the reload is logged with what is served now")
        kept.sendall(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answer = kept.recv(4096).decode(errors="replace")
        check(answer.startswith("HTTP/1.1 200") and kept_cert == fingerprint_of_file(first[0]),
              f"a connection opened before the reload keeps working ({answer[:20]!r})")
        kept.close()
        output, _ = run.communicate(timeout=90)
        check(run.returncode == 0 and "grade" in output.lower(),
              f"the CLI test that ran through the reload completed (exit {run.returncode})")
        if run.returncode != 0:
            print(output[-2000:])

        print("a pair that does not match")
        relink(cert, first[0])  # the first certificate with the second's key
        server.proc.send_signal(signal.SIGHUP)
        if not check(wait_for(lambda: server.logged(r"\[tls\] reload: refused the new certificate.*does not match"), 5),
                     "a key that does not match is refused, with the reason logged"):
            print("".join(server.log[-5:]))
        check(presented(port) == fingerprint_of_file(second[0]), "... and the certificate in force stays")
        check(server.proc.poll() is None, "... and the server runs on")

        print("a renewal with no signal (the look for changed files)")
        relink(cert, third[0])
        relink(key, third[1])
        check(wait_for(lambda: presented(port) == fingerprint_of_file(third[0]), 6),
              "the changed files are picked up without a signal (tls_reload_check_seconds=1)")
        check(server.logged(r"\[tls\] the certificate files changed: now serving"), "... and it is logged")
        rsa = handshake(port, client_context(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2,
                                             "ECDHE-RSA-AES256-GCM-SHA384"))
        check(isinstance(rsa, tuple) and rsa[2] == "ECDHE-RSA-AES256-GCM-SHA384",
              f"an RSA certificate is served with ECDHE-RSA-GCM ({rsa})")
        plain_rsa = handshake(port, client_context(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2, "AES256-GCM-SHA384"))
        check(isinstance(plain_rsa, str), f"... but not with RSA key exchange, which is not forward-secret ({plain_rsa})")
        code = server.stop()
        check(code == 0, f"SIGTERM stops the server cleanly (exit {code})")
    finally:
        if run and run.poll() is None:
            run.kill()
        server.stop()


def self_signed(server_bin, web_root, work):
    print("the server's own self-signed certificate")
    data = os.path.join(work, "own")
    tls = os.path.join(data, "tls")
    os.makedirs(tls)
    expiring = make_pair(work, "expiring", days=5)
    shutil.copy(expiring[0], os.path.join(tls, "cert.pem"))
    shutil.copy(expiring[1], os.path.join(tls, "key.pem"))
    conf = os.path.join(work, "own.conf")
    with open(conf, "w") as f:
        f.write("tls_reload_check_seconds=1\n")
    server = Server(server_bin, web_root, data, ["--config", conf])
    try:
        if not check(server.port is not None, "the server starts with its own certificate"):
            print("".join(server.log))
            return
        days = not_after_days(server.port)
        check(days > 800, f"one that expired within 30 days was renewed at start (now {days} days left)")
        check(fingerprint_of_file(os.path.join(tls, "cert.pem")) != fingerprint_of_file(expiring[0]),
              "... in its files")
        mode = os.stat(os.path.join(tls, "key.pem")).st_mode & 0o777
        check(mode == 0o600, f"... the key readable by its owner only ({oct(mode)})")
        check(not [n for n in os.listdir(tls) if n.endswith(".new")], "... and no half-written file is left")
        # An expiring pair put in place while it runs: loaded, then renewed.
        again = make_pair(work, "again", days=3)
        shutil.copy(again[1], os.path.join(tls, "key.pem.tmp"))
        shutil.copy(again[0], os.path.join(tls, "cert.pem.tmp"))
        os.replace(os.path.join(tls, "key.pem.tmp"), os.path.join(tls, "key.pem"))
        os.replace(os.path.join(tls, "cert.pem.tmp"), os.path.join(tls, "cert.pem"))
        check(wait_for(lambda: server.logged(r"renewed the self-signed certificate"), 8),
              "one near expiry is renewed while the server runs")
        check(not_after_days(server.port) > 800, "... and served")
    finally:
        server.stop()


def plain_get(port, path, host="localhost"):
    """(status, headers, body) of one HTTP/1.1 GET with the given Host."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else None
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return status, headers, body


def acme_and_redirect(server_bin, web_root, work):
    print("certbot's webroot and --redirect-https")
    webroot = os.path.join(work, "acme")
    challenges = os.path.join(webroot, ".well-known", "acme-challenge")
    os.makedirs(challenges)
    token, authorization = "Xy7_-token0123", "Xy7_-token0123.thumbprint-abc"
    with open(os.path.join(challenges, token), "w") as f:
        f.write(authorization)
    tls_port = free_port()
    data = os.path.join(work, "redirect-data")
    proc = subprocess.Popen([server_bin, "--listen", "127.0.0.1:0", "--tls-listen", f"127.0.0.1:{tls_port}",
                             "--web-root", web_root, "--data-dir", data, "--acme-webroot", webroot,
                             "--redirect-https"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for _ in range(6):
            m = re.search(r"listening on http://[^:]+:(\d+)/", proc.stdout.readline())
            if m:
                port = int(m.group(1))
                break
        if not check(port is not None, "the server listens on HTTP and HTTPS"):
            return
        status, _, body = plain_get(port, f"/.well-known/acme-challenge/{token}")
        check(status == 200 and body.decode() == authorization, f"the challenge is served on HTTP ({status} {body[:40]!r})")
        status, _, _ = plain_get(port, "/.well-known/acme-challenge/..%2fsecret")
        check(status == 404, f"a token that is not base64url is 404 ({status})")
        status, _, _ = plain_get(port, "/.well-known/acme-challenge/unknownToken")
        check(status == 404, f"an unknown token is 404 ({status})")
        status, headers, _ = plain_get(port, "/index.html?x=1", host=f"speedtest.example.net:{port}")
        check(status == 301 and headers.get("location") == f"https://speedtest.example.net:{tls_port}/index.html?x=1",
              f"a page on HTTP goes to HTTPS ({status} {headers.get('location')})")
        status, _, _ = plain_get(port, "/", host="evil.example\tx")
        check(status == 400, f"a Host header that is not a host name gets 400, not a Location of it ({status})")
        for path in ("/api/health", "/ping"):
            status, _, _ = plain_get(port, path)
            check(status == 200, f"{path} answers on HTTP, not redirected ({status})")
        with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as raw:
            with client_context().wrap_socket(raw) as tls:
                tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                first = tls.recv(64).decode(errors="replace")
        check(first.startswith("HTTP/1.1 200"), f"the page itself is served on HTTPS ({first[:16]!r})")
        bad = subprocess.run([server_bin, "--redirect-https", "--data-dir", data], capture_output=True, text=True)
        check(bad.returncode == 2 and "--tls-listen" in bad.stderr,
              f"--redirect-https without an HTTPS port is refused ({bad.stderr.strip()})")
    finally:
        stop_process(proc)


def main():
    server_bin, cli_bin, web_root = sys.argv[1:4]
    if not shutil.which("openssl"):
        print("the openssl tool is missing (Debian's openssl package)")
        return 1
    work = tempfile.mkdtemp(prefix="bloatmeter-tls-")
    try:
        renewals(server_bin, cli_bin, web_root, work)
        self_signed(server_bin, web_root, work)
        acme_and_redirect(server_bin, web_root, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
