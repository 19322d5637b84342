#!/usr/bin/env python3
"""The Debian package (packaging/package.cmake, docs/deploy.md), built and
installed the way an operator installs it:

  deb_package_test.py REPO_DIR FIXTURE_RESULT_JSON

- `scripts/package.sh` (what docker/Dockerfile's build stage runs) builds
  it with CPack; lintian finds no error in it; it holds the binaries, the
  web client, the unit and the conffile where Debian puts them;
- docker/Dockerfile, checked without a container runtime (none works on
  these machines): two bookworm-slim stages, the runtime one non-root with
  a health check and a data volume; every package it and scripts/setup.sh
  name exists in Debian 12; every COPY source exists after the build;
- mmdebstrap makes a Debian 12 root file system from Debian's packages
  with only what `apt` needs plus the runtime stage's package list (this
  package, curl) and the dependencies they declare: the server starts
  there with the image's ENTRYPOINT as the image's USER, its HEALTHCHECK
  passes, it serves the page and the API, and the CLI runs, so the
  dependency list is complete;
- the maintainer scripts did their part: the user, its 0700 state folder,
  the conffile readable by root and the service's group only, the service
  enabled;
- an upgrade (the same package as a later version) keeps an operator's
  edit of the conffile and the stored results;
- a purge removes the binaries, the settings and the data.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, free_port, http_call, stop_process, summary  # noqa: E402

MIRRORS = ["deb http://deb.debian.org/debian bookworm main",
           "deb http://deb.debian.org/debian-security bookworm-security main"]
EXPECTED = ["./usr/bin/bloatmeter-server", "./usr/bin/bloatmeter", "./usr/share/bloatmeter/web/index.html",
            "./usr/share/bloatmeter/web/bloatmeter.wasm", "./lib/systemd/system/bloatmeter.service",
            "./etc/bloatmeter/bloatmeter.conf", "./usr/share/doc/bloatmeter/copyright",
            "./usr/share/doc/bloatmeter/changelog.Debian.gz"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)



def http(port, path, data=None, content_type="application/json"):
    return http_call(port, path, body=data, headers={"Content-Type": content_type} if data is not None else None)


def start_in_chroot(root, runtime, port, tls_port):
    """The server as the image runs it (its ENTRYPOINT as its USER), in the
    chroot, on free loopback ports instead of 8080 and 8443."""
    args = [a.replace("[::]:8080", f"127.0.0.1:{port}").replace("[::]:8443", f"127.0.0.1:{tls_port}")
            for a in runtime["entrypoint"]]
    proc = subprocess.Popen(["chroot", f"--userspec={runtime['user']}:{runtime['user']}", root, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for _ in range(4):
        lines.append(proc.stdout.readline())
        if "https://" in lines[-1]:
            break
    return proc, "".join(lines)


def build_package(repo):
    made = run(["bash", "scripts/package.sh"], cwd=repo)
    out = os.path.join(repo, "build", "package")
    debs = [f for f in os.listdir(out) if f.endswith(".deb")] if os.path.isdir(out) else []
    check(made.returncode == 0 and len(debs) == 1, f"scripts/package.sh builds one package ({debs})")
    if made.returncode != 0:
        print(made.stdout[-3000:], made.stderr[-3000:])
    return os.path.join(out, debs[0]) if len(debs) == 1 else None


class Dockerfile:
    """The stages of docker/Dockerfile: FROM, RUN, COPY, USER, ... lines
    (continuations joined), by stage."""

    def __init__(self, path):
        text = re.sub(r"\\\n", " ", open(path).read())
        self.stages = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            if word.upper() == "FROM":
                self.stages.append([])
            if self.stages:
                self.stages[-1].append((word.upper(), rest.strip()))

    def lines(self, stage, word):
        return [rest for w, rest in self.stages[stage] if w == word]

    def installed(self, stage):
        """What the stage's `apt-get install` lines name (packages and .deb paths)."""
        names = []
        for run_line in self.lines(stage, "RUN"):
            for part in run_line.split("&&"):
                words = part.split()
                if "apt-get" in words and "install" in words:
                    names += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
        return names


def in_debian(package):
    shown = run(["apt-cache", "show", "--no-all-versions", package])
    return shown.returncode == 0 and "Package: " + package in shown.stdout


def setup_packages(repo):
    text = open(os.path.join(repo, "scripts", "setup.sh")).read()
    block = re.search(r"^packages=\((.*?)^\)", text, re.M | re.S).group(1)
    return [w for line in block.splitlines() for w in line.split("#")[0].split()]


def check_dockerfile(repo, deb):
    """The static checks; returns the runtime stage (its package list with the
    .deb's glob resolved, its USER, its ENTRYPOINT, its health check)."""
    docker = Dockerfile(os.path.join(repo, "docker", "Dockerfile"))
    froms = [rest for stage in docker.stages for w, rest in stage if w == "FROM"]
    check(len(froms) == 2 and all(f.startswith("debian:bookworm-slim") for f in froms),
          f"two stages on debian:bookworm-slim ({froms})")
    build_runs = " ".join(docker.lines(0, "RUN"))
    check("scripts/setup.sh" in build_runs and "scripts/package.sh" in build_runs,
          "the build stage runs the project's setup and package scripts")
    missing = [p for p in setup_packages(repo) if not in_debian(p)]
    check(not missing, f"every package scripts/setup.sh installs exists in Debian 12 ({missing or 'all'})")
    wanted = docker.installed(1)
    debs = [w for w in wanted if w.endswith(".deb")]
    others = [w for w in wanted if not w.endswith(".deb")]
    missing = [p for p in others if not in_debian(p)]
    check(len(debs) == 1 and not missing, f"the runtime stage installs the package and Debian packages ({wanted})")
    # COPY sources: the context (the repository) and the build stage's output.
    resolved = None
    for copy in docker.lines(0, "COPY") + docker.lines(1, "COPY"):
        words = copy.split()
        source, dest = words[-2], words[-1]
        if words[0] == "--from=build":
            local = os.path.join(repo, os.path.relpath(source, "/src"))
            check(os.path.isdir(local) or os.path.exists(local), f"COPY --from=build {source} exists after the build")
            pattern = debs[0].replace(dest.rstrip("/"), local.rstrip("/")) if debs else ""
            found = glob.glob(pattern)
            check(len(found) == 1 and os.path.samefile(found[0], deb),
                  f"the runtime stage's {debs[0] if debs else '?'} is the package built ({found})")
            resolved = found[0] if found else None
        else:
            check(os.path.exists(os.path.join(repo, source)), f"COPY {source} exists in the repository")
    user = (docker.lines(1, "USER") or ["root"])[-1]
    check(user not in ("root", "0"), f"the runtime stage runs as {user}, not root")
    volumes = " ".join(docker.lines(1, "VOLUME"))
    check("/var/lib/bloatmeter" in volumes, f"its data is a volume ({volumes})")
    health = " ".join(docker.lines(1, "HEALTHCHECK"))
    check("/api/health" in health, "its HEALTHCHECK asks /api/health")
    entry = json.loads((docker.lines(1, "ENTRYPOINT") or ["[]"])[-1])
    # compose.yaml's mounts from the repository exist (./bloatmeter.conf and
    # ./metrics-token are the operator's own, made beside it).
    with open(os.path.join(repo, "docker", "compose.yaml")) as f:
        mounts = re.findall(r"^\s+- (\.\.?/[^:]+):", f.read(), re.M)
    theirs = {"./bloatmeter.conf", "./metrics-token"}
    absent = [m for m in mounts if m not in theirs and not os.path.exists(os.path.join(repo, "docker", m))]
    check(len(mounts) > len(theirs) and not absent,
          f"every file compose.yaml mounts from the repository exists ({len(mounts)} mounts; missing {absent or 'none'})")
    return {"packages": [resolved if w.endswith(".deb") else w for w in wanted], "user": user,
            "entrypoint": entry, "health": health.split("CMD", 1)[-1].strip()}


def later_version(deb, work):
    """The same package as version +1: how an upgrade reaches an operator."""
    tree = os.path.join(work, "repack")
    run(["dpkg-deb", "-R", deb, tree])
    control = os.path.join(tree, "DEBIAN", "control")
    text = open(control).read()
    version = re.search(r"^Version: (\S+)$", text, re.M).group(1)
    newer = version + "+1"
    with open(control, "w") as f:
        f.write(text.replace(f"Version: {version}", f"Version: {newer}"))
    out = os.path.join(work, "bloatmeter-newer.deb")
    made = run(["dpkg-deb", "--root-owner-group", "-b", tree, out])
    return (out, newer) if made.returncode == 0 else (None, made.stderr)


def main():
    repo, fixture = sys.argv[1], sys.argv[2]
    for tool in ("cpack", "lintian", "mmdebstrap", "dpkg-deb", "chroot", "apt-cache"):
        if not shutil.which(tool):
            print(f"{tool} is missing (scripts/setup.sh installs lintian and mmdebstrap)")
            return 1
    work = tempfile.mkdtemp(prefix="bloatmeter-deb-")
    root = os.path.join(work, "root")
    server = None
    try:
        print("the package")
        deb = build_package(repo)
        if not deb:
            return summary()
        contents = run(["dpkg-deb", "-c", deb]).stdout
        for path in EXPECTED:
            check(re.search(r"\s" + re.escape(path) + r"$", contents, re.M) is not None, f"it holds {path}")
        info = run(["dpkg-deb", "-f", deb, "Depends"]).stdout.strip()
        check("libssl3" in info and "libsqlite3-0" in info and "libpq5" in info and "adduser" in info,
              f"its dependencies are read off the binaries ({info})")
        lint = run(["lintian", "--no-tag-display-limit", deb])
        errors = [l for l in lint.stdout.splitlines() if l.startswith("E:")]
        check(not errors, f"lintian finds no error ({len(errors)})")
        for line in lint.stdout.splitlines():
            print("      " + line)

        print("docker/Dockerfile, checked without a container runtime")
        runtime = check_dockerfile(repo, deb)
        if None in runtime["packages"]:
            return summary()

        print("installed in a Debian 12 root with the runtime stage's packages and their dependencies only")
        began = time.monotonic()
        # The automount hook lets the chrooted dpkg reach the .deb outside it.
        made = run(["mmdebstrap", "--variant=apt", "--quiet", "--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount",
                    *["--include=" + p for p in runtime["packages"]], "bookworm", root, *MIRRORS])
        check(made.returncode == 0, f"mmdebstrap installs it with its dependencies ({time.monotonic() - began:.0f} s)")
        if made.returncode != 0:
            print(made.stderr[-3000:])
            return summary()
        passwd = run(["chroot", root, "getent", "passwd", "bloatmeter"]).stdout
        check(passwd.startswith("bloatmeter:") and "/var/lib/bloatmeter" in passwd,
              f"postinst made the system user ({passwd.strip()})")
        st = os.stat(os.path.join(root, "var/lib/bloatmeter"))
        check(oct(st.st_mode & 0o777) == "0o700", f"... its state folder, 0700 ({oct(st.st_mode & 0o777)})")
        conf = os.stat(os.path.join(root, "etc/bloatmeter/bloatmeter.conf"))
        check(oct(conf.st_mode & 0o777) == "0o640" and conf.st_uid == 0,
              f"the conffile is root's, 0640 ({oct(conf.st_mode & 0o777)})")
        check(os.path.islink(os.path.join(root, "etc/systemd/system/multi-user.target.wants/bloatmeter.service")),
              "the service is enabled")
        version = run(["chroot", root, "/usr/bin/bloatmeter", "--version"])
        check(version.returncode == 0, f"the CLI runs there ({(version.stdout or version.stderr).strip()})")

        port, tls_port = free_port(), free_port()
        server, first = start_in_chroot(root, runtime, port, tls_port)
        check("listening on http://" in first and "listening on https://" in first,
              f"the server starts there with the image's ENTRYPOINT as {runtime['user']} ({first.strip()})")
        status, _ = http(port, "/api/health")
        check(status == 200, f"it answers /api/health ({status})")
        health = run(["chroot", root, "sh", "-c", runtime["health"].replace("127.0.0.1:8080", f"127.0.0.1:{port}")])
        check(health.returncode == 0, f"the image's HEALTHCHECK passes there ({runtime['health']})")
        check(os.path.isfile(os.path.join(root, "var/lib/bloatmeter/tls/cert.pem")),
              "its self-signed certificate is made in the data volume")
        status, page = http(port, "/")
        check(status == 200 and b"<canvas" in page, f"it serves the web client from /usr/share/bloatmeter/web ({status})")
        status, body = http(port, "/api/results", data=open(fixture, "rb").read())
        stored = json.loads(body).get("id") if status == 201 else None
        check(stored is not None, f"it stores a result in /var/lib/bloatmeter ({status})")
        check(stop_process(server) == 0, "it stops on SIGTERM")

        print("an upgrade")
        conffile = os.path.join(root, "etc/bloatmeter/bloatmeter.conf")
        with open(conffile) as f:
            text = f.read()
        with open(conffile, "w") as f:
            f.write(text.replace("#sponsor_name =", "sponsor_name = Example ISP"))
        newer, version_text = later_version(deb, work)
        if check(newer is not None, f"a later version of the package ({version_text})"):
            shutil.copy(newer, os.path.join(root, "tmp", "newer.deb"))
            upgraded = run(["chroot", root, "dpkg", "-i", "/tmp/newer.deb"], stdin=subprocess.DEVNULL,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            check(upgraded.returncode == 0, "dpkg -i upgrades it without a question")
            if upgraded.returncode != 0:
                print(upgraded.stdout[-2000:], upgraded.stderr[-2000:])
            shown = run(["chroot", root, "dpkg-query", "-W", "-f", "${Version}", "bloatmeter"]).stdout
            check(shown == version_text, f"the later version is installed ({shown})")
            check("sponsor_name = Example ISP" in open(conffile).read(), "the operator's edit of the conffile is kept")
            server, first = start_in_chroot(root, runtime, port, tls_port)
            status, _ = http(port, f"/api/results/{stored}")
            check(status == 200, f"the result stored before the upgrade is still served ({status})")
            status, sponsor = http(port, "/api/sponsor")
            check(status == 200 and b"Example ISP" in sponsor, "the kept settings are in force")
            stop_process(server)

        print("a purge")
        purged = run(["chroot", root, "dpkg", "--purge", "bloatmeter"])
        check(purged.returncode == 0, "dpkg --purge removes it")
        for path in ("usr/bin/bloatmeter-server", "usr/share/bloatmeter", "etc/bloatmeter", "var/lib/bloatmeter",
                     "lib/systemd/system/bloatmeter.service"):
            check(not os.path.lexists(os.path.join(root, path)), f"... and /{path}")
    finally:
        if server and server.poll() is None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
