"""What the Python tests share (the shell tests' tests/cli/expect.sh):
check() prints and counts each check, summary() prints the count and gives
the exit code, OPENER reaches loopback servers without any proxy.

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from checks import OPENER, check, summary
"""
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
