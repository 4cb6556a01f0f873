"""A throwaway PostgreSQL cluster for the class store's tests and bench: Debian's ``initdb`` and ``pg_ctl``.

:class:`PostgresCluster` makes a cluster in a temporary folder of its own, listening on 127.0.0.1 on a
free port and on a Unix socket in that folder (no other socket, no password: ``trust`` for local
connections only), with durability off (``fsync=off``: a test's data is thrown away anyway). As root
it runs the server as the ``postgres`` user (``nobody`` without one) through ``runuser``, since
``initdb`` and ``postgres`` refuse to run as root. :meth:`stop` and :meth:`start` stop and start the same
cluster (the class store's fault test does that mid-class); :meth:`close` stops it and deletes the folder.

:func:`find_bindir` finds the binaries (``/usr/lib/postgresql/<version>/bin``, the newest, else ``initdb``
on the PATH); None when PostgreSQL is not installed (``apt-get install postgresql``). The pg_ctl waits
have deadlines that raise: fuses against a hang, never speed limits. Standard library and psycopg.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from testing.servers import free_port

MISSING_POSTGRES = ("PostgreSQL not found: apt-get install postgresql (Debian) to run the class store's tests "
                    "on PostgreSQL")
START_TIMEOUT = 60  # s pg_ctl waits for the server to accept connections (a fuse)
STOP_TIMEOUT = 30
SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=16MB",
            "max_connections=60", "listen_addresses=127.0.0.1")


def required() -> bool:
    """Whether a missing PostgreSQL fails the tests instead of skipping them (CI, or asked for)."""
    env = os.environ
    return (env.get("CI", "").lower() in ("true", "1") or env.get("NEURON_LAB_REQUIRE_POSTGRES") == "1"
            or env.get("NEURON_LAB_REQUIRE_BROWSER") == "1")


def find_bindir() -> Path | None:
    """The folder of Debian's ``initdb``/``pg_ctl`` (the newest version), else of ``initdb`` on the PATH."""
    def version(path: str) -> tuple[int, ...]:
        m = re.search(r"/postgresql/([0-9.]+)/bin/", path)
        return tuple(int(p) for p in m[1].split(".") if p) if m else ()

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _server_user() -> str | None:
    """Whom the server runs as: None (ourselves) unless we are root, then ``postgres`` or ``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a postgres nor a nobody user to run PostgreSQL as")


class PostgresCluster:
    """One throwaway cluster: ``start()``, ``url(db)``, ``create_database()``, ``stop()``, ``close()``."""

    def __init__(self, bindir: Path | None = None):
        self.bindir = Path(bindir) if bindir else find_bindir()
        if self.bindir is None:
            raise FileNotFoundError(MISSING_POSTGRES)
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="neuron-lab-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)
        self.running = False
        self._initialized = False

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root,
                             stdin=subprocess.DEVNULL)
        if out.returncode:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}\n{log}")
        return out

    def start(self) -> PostgresCluster:
        """Make the cluster (the first time) and start its server; returns once it accepts connections."""
        if not self._initialized:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-locale", "--no-sync", timeout=START_TIMEOUT)
            self._initialized = True
        options = " ".join([f"-p {self.port}", f"-k {self.root}", *(f"-c {s}" for s in SETTINGS)])
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t",
                  str(START_TIMEOUT), "start", timeout=START_TIMEOUT + 10)
        self.running = True
        atexit.register(self.close)  # a run that ends without its fixture's teardown leaves no server behind
        return self

    def stop(self) -> None:
        """Stop the server now (fast shutdown: open connections are closed), keeping its data."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(STOP_TIMEOUT), "stop",
                      timeout=STOP_TIMEOUT + 10)
            self.running = False

    def close(self) -> None:
        """Stop the server and delete the cluster's folder (again: nothing)."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            atexit.unregister(self.close)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` in this cluster (psycopg 3, over 127.0.0.1)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its name."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"not a plain database name: {name!r}")
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing whatever is still connected to it."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"not a plain database name: {name!r}")
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
