"""What the Python tests share (the shell tests' tests/cli/expect.sh):
check() prints and counts each check, summary() prints the count and gives
the exit code, OPENER reaches loopback servers without any proxy,
stop_process() ends a process the test started, free_port() finds a
loopback port nothing listens on, http_call() asks a loopback server.

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from checks import OPENER, check, summary
"""
import socket
import subprocess
import urllib.error
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
_failures = 0


def check(ok, what):
    """Prints `what` as ok or FAIL, counts a failure; returns `ok`."""
    global _failures
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    _failures += 0 if ok else 1
    return ok


def summary():
    """Prints the outcome; the process's exit code (1 when any check failed)."""
    print("all passed" if _failures == 0 else f"{_failures} failed")
    return 1 if _failures else 0


def stop_process(proc, timeout=10):
    """SIGTERM, then SIGKILL after `timeout` s; the exit code (None when killed)."""
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def http_call(port, path, method=None, body=None, headers=None, timeout=10):
    """(status, body bytes) of one request to 127.0.0.1:port; an error
    status is an answer too; (None, why) when nothing answered."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        return None, str(e).encode()


def free_port():
    """A loopback TCP port free now (taken and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
