#!/usr/bin/env python3
"""The systemd unit (contrib/systemd/bloatmeter.service) and the server's
side of it (server/src/service_notify.hpp), on this machine without running
systemd as PID 1:

  systemd_unit_test.py SERVER_BINARY WEB_ROOT UNIT_FILE

- `systemd-analyze verify` accepts the unit (its ExecStart pointed at the
  built server);
- `systemd-analyze security --offline=yes` rates its exposure under 2.0;
- the server speaks sd_notify's protocol to a socket the test binds, as
  systemd would: READY=1 only once it answers HTTP, WATCHDOG=1 at half of
  WATCHDOG_USEC, none when WATCHDOG_PID names another process, RELOADING=1
  then READY=1 on SIGHUP (ExecReload), STOPPING=1 on SIGTERM, an abstract socket ("@name") as well as a path.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import OPENER, check, summary  # noqa: E402


def receive(sock, seconds, until=None):
    """The datagrams that arrive within `seconds`, as text; stops early at
    the first one `until` accepts."""
    got = []
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            break
        if until and until(got[-1]):
            break
    return got


def start_server(server, web_root, data, env):
    proc = subprocess.Popen([server, "--listen", "127.0.0.1:0", "--web-root", web_root, "--data-dir", data],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return proc


def port_of(proc):
    for _ in range(20):
        line = proc.stdout.readline()
        m = re.search(r"listening on http://[^:]+:(\d+)/", line)
        if m:
            return int(m.group(1))
    return None


def notify_run(server, web_root, tmp, address, sock, watchdog_pid=None, label=""):
    env = dict(os.environ, NOTIFY_SOCKET=address, WATCHDOG_USEC="400000")
    env.pop("WATCHDOG_PID", None)
    if watchdog_pid is not None:
        env["WATCHDOG_PID"] = str(watchdog_pid)
    data = tempfile.mkdtemp(dir=tmp)
    proc = start_server(server, web_root, data, env)
    try:
        first = receive(sock, 10, until=lambda d: True)
        ready = bool(first) and "READY=1" in first[0].split("\n")
        check(ready, f"{label}READY=1 arrives after start")
        port = port_of(proc)
        answered = False
        if port:
            with OPENER.open(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                answered = r.status == 200
        check(answered, f"{label}the server answers HTTP once it said READY=1")
        pings = [d for d in receive(sock, 1.5) if d == "WATCHDOG=1"]
        return proc, pings
    except BaseException:
        proc.kill()
        raise


def main():
    server, web_root, unit = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        # The unit as shipped, its binary pointed at this build's.
        text = open(unit).read()
        check("/usr/bin/bloatmeter-server " in text, "the unit starts /usr/bin/bloatmeter-server")
        local = os.path.join(tmp, "bloatmeter.service")
        with open(local, "w") as f:
            f.write(text.replace("/usr/bin/bloatmeter-server ", os.path.abspath(server) + " "))
        verify = subprocess.run(["systemd-analyze", "verify", local], capture_output=True, text=True)
        complaints = [l for l in (verify.stdout + verify.stderr).splitlines() if "bloatmeter.service" in l]
        check(verify.returncode == 0 and not complaints, "systemd-analyze verify accepts the unit")
        for l in complaints:
            print("      " + l)
        security = subprocess.run(["systemd-analyze", "security", "--offline=yes", local], capture_output=True, text=True)
        m = re.search(r"Overall exposure level for bloatmeter\.service: ([0-9.]+)", security.stdout + security.stderr)
        exposure = float(m.group(1)) if m else None
        print(f"      exposure level: {exposure}")
        check(exposure is not None and exposure < 2.0, "systemd-analyze security --offline=yes: exposure under 2.0")

        # sd_notify over a socket path.
        path = os.path.join(tmp, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        proc, pings = notify_run(server, web_root, tmp, path, sock)
        check(2 <= len(pings) <= 12, f"WATCHDOG=1 every ~200 ms for WATCHDOG_USEC=400000 ({len(pings)} in 1.5 s)")
        # ExecReload sends SIGHUP: RELOADING=1, then READY=1 once reloaded,
        # and the server serves on.
        check("ExecReload=/bin/kill -HUP $MAINPID" in text, "the unit reloads with SIGHUP")
        proc.send_signal(signal.SIGHUP)
        states = [d for d in receive(sock, 5, until=lambda d: "READY=1" in d) if d != "WATCHDOG=1"]
        check(len(states) >= 2 and "RELOADING=1" in states[0] and "READY=1" in states[-1],
              f"SIGHUP: RELOADING=1, then READY=1 ({states})")
        check(proc.poll() is None, "the server runs on after SIGHUP")
        proc.send_signal(signal.SIGTERM)
        stopping = any("STOPPING=1" in d for d in receive(sock, 10, until=lambda d: "STOPPING=1" in d))
        check(stopping, "STOPPING=1 on SIGTERM")
        check(proc.wait(timeout=10) == 0, "the server exits 0 after SIGTERM")
        sock.close()

        # The watchdog is another process's: READY, no pings. Abstract socket.
        name = f"@bloatmeter-notify-{os.getpid()}"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind("\0" + name[1:])
        proc, pings = notify_run(server, web_root, tmp, name, sock, watchdog_pid=1, label="abstract socket: ")
        check(not pings, "no WATCHDOG=1 when WATCHDOG_PID is another process's")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "abstract socket: the server exits 0 after SIGTERM")
        sock.close()

        # Without NOTIFY_SOCKET the server runs as before.
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
        proc = start_server(server, web_root, tempfile.mkdtemp(dir=tmp), env)
        check(port_of(proc) is not None, "without NOTIFY_SOCKET the server starts as before")
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=10)[0]
        check(proc.returncode == 0 and "warning" not in out, "and stops cleanly, with no warning") or print(
            f"      exit {proc.returncode}: {out!r}")

    return summary()


if __name__ == "__main__":
    sys.exit(main())
