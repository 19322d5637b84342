#!/usr/bin/env python3
"""OCSP stapling (docs/operator.md "Certificates"; server/src/ocsp_stapler.hpp):

  ocsp_stapling_test.py SERVER_BINARY

A test CA made here with the openssl tool issues the server's certificate
naming an OCSP responder on loopback; the responder is `openssl ocsp`
serving the CA's index, started and stopped by the test. Checked:
- a client that asks for the certificate's status (openssl s_client
  -status) gets the responder's answer stapled: successful, "good", for
  this certificate, verified against the CA;
- a client that does not ask is served as before;
- once the CA revokes the certificate, a reload (SIGHUP) asks again and
  the server staples nothing (it never staples a revoked or unchecked
  answer) and logs why;
- a certificate that names no responder (the server's own self-signed
  one) is served without a staple and nothing is asked.
Bounded: every wait has a limit; about 10 s.
"""
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, free_port, stop_process, summary  # noqa: E402


def openssl(*args, cwd):
    return subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_ca_and_leaf(work, ocsp_port):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "30", "-subj", "/CN=bloatmeter test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=work)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
            "-out", "leaf.csr", "-subj", "/CN=localhost", cwd=work)
    with open(os.path.join(work, "leaf.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                f"authorityInfoAccess=OCSP;URI:http://127.0.0.1:{ocsp_port}/\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "leaf.pem", "-days", "10", "-extfile", "leaf.ext", cwd=work)
    with open(os.path.join(work, "chain.pem"), "w") as out:
        for name in ("leaf.pem", "ca.pem"):
            with open(os.path.join(work, name)) as f:
                out.write(f.read())
    serial = openssl("x509", "-in", "leaf.pem", "-noout", "-serial", cwd=work).strip().split("=")[1]
    end = openssl("x509", "-in", "leaf.pem", "-noout", "-enddate", cwd=work).strip().split("=")[1]
    expiry = datetime.datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").strftime("%y%m%d%H%M%SZ")
    return serial, expiry


def write_index(work, serial, expiry, revoked=False):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%y%m%d%H%M%SZ")
    status, when = ("R", now) if revoked else ("V", "")
    with open(os.path.join(work, "index.txt"), "w") as f:
        f.write(f"{status}\t{expiry}\t{when}\t{serial}\tunknown\t/CN=localhost\n")


def start_responder(work, port):
    # It reads the index once: started again after a revocation.
    return subprocess.Popen(["openssl", "ocsp", "-index", "index.txt", "-port", str(port), "-rsigner", "ca.pem",
                             "-rkey", "ca.key", "-CA", "ca.pem", "-nmin", "60"],
                            cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def s_client(port, work, status=True):
    args = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
            "-CAfile", os.path.join(work, "ca.pem")]
    if status:
        args.append("-status")
    out = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    return out.stdout + out.stderr


def stapled(text):
    return "OCSP Response Status: successful" in text and "Cert Status: good" in text


def start_server(binary, work, extra):
    web = os.path.join(work, "web")
    os.makedirs(web, exist_ok=True)
    log = open(os.path.join(work, "server.log"), "w")
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0", "--web-root", web,
                             "--data-dir", os.path.join(work, "data"), *extra],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    port = None
    deadline = time.time() + 10
    while time.time() < deadline and port is None:
        line = proc.stdout.readline()
        m = re.search(r"listening on https://[^:]+:(\d+)/", line)
        port = int(m.group(1)) if m else None
    return proc, port


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def log_of(work):
    with open(os.path.join(work, "server.log")) as f:
        return f.read()


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="bloatmeter-ocsp-")
    responder = server = None
    try:
        ocsp_port = free_port()
        serial, expiry = make_ca_and_leaf(work, ocsp_port)
        write_index(work, serial, expiry)
        responder = start_responder(work, ocsp_port)
        server, port = start_server(binary, work, ["--cert", os.path.join(work, "chain.pem"),
                                                   "--key", os.path.join(work, "leaf.key")])
        check(port is not None, "the server starts with a certificate that names an OCSP responder")
        got = wait_for(lambda: (lambda t: t if stapled(t) else None)(s_client(port, work)), 10) or s_client(port, work)
        check(stapled(got), "a client asking for the status gets a good answer stapled")
        check("Verify return code: 0 (ok)" in got, "and the handshake verifies against the CA")
        m = re.search(r"Serial Number: ([0-9A-F]+)", got)
        check(m is not None and m.group(1) == serial.upper(), f"the answer is about this certificate ({m.group(1) if m else None})")
        plain = s_client(port, work, status=False)
        check("Verify return code: 0 (ok)" in plain and "OCSP response" not in plain,
              "a client that does not ask is served as before")
        check("OCSP stapling: a good answer from http://127.0.0.1" in log_of(work), "the log says what is stapled")

        # The CA revokes it: after a reload the server asks again and
        # staples nothing.
        stop_process(responder)
        write_index(work, serial, expiry, revoked=True)
        responder = start_responder(work, ocsp_port)
        time.sleep(0.5)
        server.send_signal(signal.SIGHUP)
        said = wait_for(lambda: "certificate is revoked" in log_of(work), 10)
        check(said, "after a reload the revocation is asked, logged and not stapled")
        after = s_client(port, work)
        check("OCSP response: no response sent" in after and "Verify return code: 0 (ok)" in after,
              "the handshake goes on without a staple")
        stop_process(server)
        server = None

        # The server's own certificate names no responder.
        own = os.path.join(work, "own")
        os.makedirs(own)
        server, port = start_server(binary, own, [])
        text = s_client(port, work)
        check(port is not None and "OCSP response: no response sent" in text,
              "a certificate without a responder is served without a staple")
        check("OCSP" not in log_of(own), "and nothing is asked")
    finally:
        for p in (server, responder):
            if p:
                stop_process(p)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(summary())
