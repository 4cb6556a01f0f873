"""The one way tests, benchmarks and the load test start a Streamlit server (and Chromium).

``StreamlitServer`` runs ``python -m streamlit run app.py`` headless on 127.0.0.1 and a free
port, in a process group of its own, with its output in a log file; it is usable once its
``/_stcore/health`` answers, and :func:`stop` ends it by its PID (then whatever is left of its
group). The health check waits with a deadline that raises: a fuse against a hang, never a
speed limit (how fast things are is ``python -m bench``'s business).

:class:`Replicas` runs ``deploy/replicas.sh`` (nginx in front of N servers) the same way and reads
nginx's access log, where alone it says which replica answered.

Used by ``tests/servers.py`` (which adds pytest's skip-or-fail rule for missing tools),
``bench/`` and ``loadtest/``. Imports the standard library only (Playwright inside
:func:`chromium`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repo: app.py, pages/, perceptron/
CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps dialling out, and this machine refuses it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT = 120.0  # a fuse: the first start on a loaded 2-core machine imports a lot
STOP_TIMEOUT = 10.0  # seconds a process has to exit on SIGTERM before SIGKILL
GROUP_GRACE = 5.0  # seconds a stopped leader's group has to follow it


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# starting and stopping
# ---------------------------------------------------------------------------------------------
def wait_healthy(url: str, proc: subprocess.Popen, log: Path | Callable[[], str],
                 timeout: float = HEALTH_TIMEOUT, what: str = "streamlit") -> None:
    """Wait until ``url``/_stcore/health answers 200.

    Raises RuntimeError if ``proc`` exits first and TimeoutError after ``timeout`` s, both with
    the log (a file, or a function that returns its text) in the message.
    """
    text = (lambda: log.read_text(errors="replace")) if isinstance(log, Path) else log
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}:\n{text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} at {url} was not healthy after {timeout:.0f} s:\n{text()}")
        time.sleep(0.2)


def group_members(pgid: int) -> list[str]:
    """Live (non-zombie) processes of the process group ``pgid``, as "pid command" strings."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _ppid, pgrp = text.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            out.append(f"{stat.parent.name} {text[text.index('(') + 1:text.rindex(')')]}")
    return out


def stop(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT, grace: float = GROUP_GRACE) -> list[str]:
    """Stop a process we started as the leader of its own group (``start_new_session=True``).

    SIGTERM to its PID and a wait (SIGKILL if it does not exit in ``timeout`` s); then ``grace``
    s for the rest of its group to follow, and SIGKILL to whatever of the group is left.
    Returns what did not stop by itself, for a test that checks a clean shutdown.
    """
    pgid = proc.pid  # a process started with start_new_session leads a group of that id
    leftovers: list[str] = []
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            args = proc.args if isinstance(proc.args, str) else " ".join(map(str, proc.args))
            leftovers.append(f"{proc.pid} {args} (did not exit on SIGTERM)")
    deadline = time.monotonic() + grace
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    leftovers += group_members(pgid)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:  # not a group leader after all
        proc.kill()
        proc.wait(timeout=timeout)
    return leftovers


class StreamlitServer:
    """``python -m streamlit run <script>`` on 127.0.0.1 and a free port; healthy once started.

    Use as a context manager (or :meth:`start` and :meth:`stop`). ``url`` is
    ``http://127.0.0.1:<port>``; the server's output goes to ``log_path`` (a fresh temp file
    unless given). ``env``: variables set for the server on top of this process's (e.g. the live
    class's database, ``NEURON_LAB_DB``).
    """

    def __init__(self, script: str = "app.py", *, cwd: Path = ROOT, port: int | None = None,
                 extra_args=(), log_path: Path | None = None, health_timeout: float = HEALTH_TIMEOUT,
                 tag: str = "server", env: dict[str, str] | None = None):
        self.script, self.cwd = script, Path(cwd)
        self.env = dict(env or {})
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.health_timeout = health_timeout
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix=f"neuron-lab-{tag}-", suffix=".log")
            os.close(fd)
            log_path = Path(name)
        self.log_path = Path(log_path)
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless", "true",
                "--server.address", "127.0.0.1", "--server.port", str(self.port),
                "--browser.gatherUsageStats", "false", *self.extra_args]

    def start(self) -> StreamlitServer:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         env={**os.environ, **self.env} if self.env else None)
        try:
            wait_healthy(self.url, self.proc, self.log_path, self.health_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what it wrote, what it uses ---------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def rss_mb(self) -> float | None:
        """Resident memory of the server process (MiB)."""
        v = rss_kib(self.pid) if self.pid else None
        return v[0] / 1024 if v else None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server process used so far (s)."""
        return cpu_seconds(self.pid) if self.pid else None


@contextmanager
def streamlit_server(log_path: Path, cwd: Path = ROOT, script: str = "app.py"):
    """A :class:`StreamlitServer` logging to ``log_path``; yields ``http://127.0.0.1:<port>``."""
    with StreamlitServer(script, cwd=cwd, log_path=log_path) as server:
        yield server.url


@contextmanager
def chromium(executable: str = CHROMIUM):
    """Playwright's Chromium (Debian's build, with :data:`CHROMIUM_ARGS`); yields the browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# deploy/replicas.sh: nginx in front of N servers
# ---------------------------------------------------------------------------------------------
REPLICAS_SCRIPT = ROOT / "deploy" / "replicas.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # /usr/sbin is often not on a normal user's PATH
REPLICAS_STOP_TIMEOUT = 20.0  # the script itself gives its children 10 s before SIGKILL
ACCESS_LOG_TIMEOUT = 15.0  # a fuse: nginx writes a request's line once the request is over
# One line of deploy/nginx.conf.template's "neuron_lab" log format. $upstream_addr lists every
# replica tried ("a, b") when the first one failed.
_ACCESS_LINE = re.compile(r'^(?P<client>\S+) \[(?P<time>[^\]]*)\] "(?P<request>[^"]*)" (?P<status>\d{3}) '
                          r'(?P<bytes>\d+) replica=(?P<replica>.*) route=(?P<route>\S*) rt=(?P<rt>\S+)$')


class Replicas:
    """``deploy/replicas.sh N <free port>`` in a process group of its own, with its prefix in ``prefix``.

    ``url`` is nginx's ``http://127.0.0.1:<port>``; ``replicas`` the replicas' ``127.0.0.1:<port>``, as
    nginx's access log names them (``replica=...``). :meth:`stop` ends the script by its PID, the way an
    operator does (SIGTERM: the script stops nginx and every replica by PID), and returns what of its
    group did not stop by itself. Responses do not say which replica answered (no internal address
    goes to visitors): :meth:`access` reads it from ``<prefix>/logs/access.log``.
    """

    def __init__(self, n: int, prefix: Path, *, port: int | None = None, nginx: str = NGINX,
                 health_timeout: float = HEALTH_TIMEOUT, env: dict[str, str] | None = None):
        self.n, self.prefix, self.nginx = n, Path(prefix), nginx
        self.env = dict(env or {})  # e.g. the live class's shared database, NEURON_LAB_DATABASE_URL
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.health_timeout = health_timeout
        self.replicas: list[str] = []
        self.proc: subprocess.Popen | None = None

    def start(self) -> Replicas:
        env = dict(os.environ, PYTHON=sys.executable, NGINX=self.nginx, NL_PREFIX=str(self.prefix), **self.env)
        env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)  # the script makes one, shared by its replicas
        with open(self.prefix / "script.log", "wb") as log:
            # start_new_session: the script leads a new process group; nginx and the replicas join it
            self.proc = subprocess.Popen(["bash", str(REPLICAS_SCRIPT), str(self.n), str(self.port)], cwd=ROOT,
                                         env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        try:
            wait_healthy(self.url, self.proc, self.log_text, self.health_timeout, what="replicas.sh (nginx)")
            lines = (self.prefix / "replicas").read_text().splitlines()
            self.replicas = [line.split()[1] for line in lines if line and " nginx " not in line]
            if len(self.replicas) != self.n:
                raise RuntimeError(f"replicas.sh listed {self.replicas}, not {self.n} replicas:\n{self.log_text()}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> list[str]:
        return stop(self.proc, timeout=REPLICAS_STOP_TIMEOUT) if self.proc is not None else []

    def log_text(self, lines: int = 25) -> str:
        """The last lines of the script's output, nginx's error log and each replica's log."""
        parts = []
        for f in [self.prefix / "script.log", *sorted((self.prefix / "logs").glob("*.log"))]:
            if f.exists():
                tail = f.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {f.name} ---\n" + "\n".join(tail))
        return "\n".join(parts)

    def replica_log(self, i: int = 0) -> str:
        """Everything replica ``i`` (0-based) has written."""
        return (self.prefix / "logs" / f"replica-{i + 1}.log").read_text(errors="replace")

    # --- nginx's access log: which replica answered ------------------------------------------
    def access(self) -> list[dict[str, str]]:
        """Every request nginx has logged so far: client, time, request, status, bytes, replica, route, rt."""
        path = self.prefix / "logs" / "access.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return [m.groupdict() for m in map(_ACCESS_LINE.match, text.splitlines()) if m]

    def wait_access(self, match: Callable[[dict[str, str]], bool], count: int = 1,
                    timeout: float = ACCESS_LOG_TIMEOUT) -> list[dict[str, str]]:
        """The logged requests that ``match``, once there are ``count`` of them (TimeoutError after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.access() if match(e)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                tail = "\n".join(f"{e['request']} {e['status']} replica={e['replica']} route={e['route']}"
                                 for e in self.access()[-20:])
                raise TimeoutError(f"{count} matching request(s) not in nginx's access log after {timeout:.0f} s; "
                                   f"found {len(found)}. Its last lines:\n{tail}")
            time.sleep(0.05)

    def replica_for(self, cookie: str | None) -> str:
        """The replica nginx picks for a request carrying ``nl_replica=cookie`` (from its access log)."""
        probe = uuid.uuid4().hex
        req = urllib.request.Request(f"{self.url}/_stcore/health?probe={probe}",
                                     headers={"Cookie": f"nl_replica={cookie}"} if cookie else {})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
        (entry,) = self.wait_access(lambda e: f"probe={probe} " in e["request"])
        return entry["replica"]


# ---------------------------------------------------------------------------------------------
# a process's resources, from /proc
# ---------------------------------------------------------------------------------------------
def rss_kib(pid: int) -> tuple[int, int] | None:
    """``(VmRSS, VmHWM)`` of ``pid`` in KiB from /proc/<pid>/status, or None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    vals = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M))
    if "VmRSS" not in vals:
        return None
    return int(vals["VmRSS"]), int(vals.get("VmHWM", vals["VmRSS"]))


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of ``pid`` (and its reaped children) in seconds, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def threads(pid: int) -> int | None:
    """Number of threads of ``pid``, or None."""
    try:
        m = re.search(r"^Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return None
    return int(m.group(1)) if m else None
