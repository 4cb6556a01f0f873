r"""The live class's store: :class:`ClassStore`, one per server process, shared by every session in it.

The store is a plain Python object over a SQLAlchemy engine (SQLite or PostgreSQL, one code path); every
method is thread-safe (Streamlit runs each session in a thread of its own). It keeps in memory only what
makes it cheap: the seats it has checked (so a report does not read the database), each seat's last
report until it is written (coalescing), the classes' pacing for ``VIEW_TTL`` s, and the rate limits.
Everything a class needs is in the database, so a restart loses at most the last second of a report,
which the student's next report sends again.

Writes per seat: at most one every ``MIN_WRITE_INTERVAL`` s while its state changes (the first report
after a quiet second is written at once, the ones within the second after it are coalesced into the last
of them, written when the second is over by whichever call comes next: this seat's, another seat's, the
teacher's, or :meth:`ClassStore.flush`), plus a heartbeat every ``HEARTBEAT`` s while the student is there
and nothing changes. One write is one ``UPDATE`` of a few hundred bytes: the report, one trace entry
appended (``trace || piece``), the link and points only when they changed.

See :mod:`perceptron.classroom` for what a page calls when.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qsl

import numpy as np
import sqlalchemy as sa

from ..data import datasets as ds
from ..data.csv_io import spreadsheet_text
from ..session.lab import VIEW_KEYS as LAB_VIEW_KEYS
from ..session.lab import build_dataset
from ..session.netlab import NetLab
from ..session.netlab import preset as net_preset
from ..session.settings import LINK_ONLY, NetSettings, Settings, decode_points
from . import codes, schema, validate
from .errors import (
    ClassFull,
    InvalidCommand,
    NicknameTaken,
    NotAuthorized,
    SeatGone,
    StoreUnavailable,
    UnknownClass,
)
from .experiment import EXPERIMENTS, span_of, values
from .flags import flags
from .limits import Bounded, RateLimiter
from .schema import classes, seats, snapshots
from .trace import MAX_CHARS, Curve, entry_text, thin
from .trace import text as trace_text

log = logging.getLogger(__name__)

ENV_URL = "NEURON_LAB_DATABASE_URL"  # a database URL: postgresql+psycopg://user:password@host/db (replicas)
ENV_FILE = "NEURON_LAB_DB"  # else the SQLite file's path
ENV_HOURS = "NEURON_LAB_CLASS_HOURS"  # how long a class and its data are kept (default 12)
DEFAULT_HOURS = 12.0
MAX_HOURS = 7 * 24.0
MIN_WRITE_INTERVAL = 1.0  # s between two writes of one seat's report
HEARTBEAT = 15.0  # s between two writes of "still here" when nothing changes
VIEW_TTL = 1.0  # s a class's pacing is reused before it is read again (a student follows within ~2 s)
PURGE_EVERY = 600.0  # s between two purges of expired classes by one process
MAX_SEATS = 200  # in one class
MAX_SNAPSHOTS = 20  # kept per class (the oldest goes)
SNAPSHOT_POINTS = 100  # entries of each curve a snapshot keeps
MAX_CACHED_SEATS = 4096
MAX_CACHED_CLASSES = 512
# rate limits, per process (see limits.py): wrong codes, keys and tokens per client; reports per seat;
# classes created per client
FAILURES = (0.5, 30)  # 30 at once, then one every 2 s (a class behind one address mistyping the code)
REPORTS = (50.0, 120)  # 120 at once, then 50 a second: a flood stops, a page rerunning often does not
CREATIONS = (1 / 60, 10)  # 10 at once, then one a minute
# link keys that change the view, not the run: a change of them does not start a new curve
_VIEW_KEYS = frozenset((*LAB_VIEW_KEYS, *NetLab.VIEW_KEYS, *LINK_ONLY))
# what "the database cannot be reached" looks like through SQLAlchemy (refused, dropped, timed out, locked)
UNREACHABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError, sa.exc.TimeoutError)
_KEEP = object()


# --- where the database is ---------------------------------------------------------------------------------
def default_sqlite_path(environ=os.environ) -> Path:
    """The SQLite file when no URL is set: ``NEURON_LAB_DB``, else ``classes.sqlite3`` in the user's data folder
    (``$XDG_DATA_HOME/neuron-lab``, ``~/.local/share/neuron-lab``), else in a per-user temp folder."""
    if environ.get(ENV_FILE):
        return Path(environ[ENV_FILE]).expanduser()
    data = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folder = Path(data) / "neuron-lab"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(folder, os.W_OK):
            return folder / "classes.sqlite3"
    except OSError:
        pass
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"neuron-lab-{uid}" / "classes.sqlite3"


def database_url(environ=os.environ) -> str:
    """``NEURON_LAB_DATABASE_URL`` if set (``postgres://`` and ``postgresql://`` mean psycopg 3), else the
    SQLite file of :func:`default_sqlite_path`."""
    url = (environ.get(ENV_URL) or "").strip()
    if not url:
        return f"sqlite:///{default_sqlite_path(environ)}"
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def class_hours(environ=os.environ) -> float:
    """How long a class is kept: ``NEURON_LAB_CLASS_HOURS`` (0.1 to 168), default 12."""
    try:
        hours = float(environ.get(ENV_HOURS) or DEFAULT_HOURS)
    except ValueError:
        return DEFAULT_HOURS
    return min(max(hours, 0.1), MAX_HOURS) if math.isfinite(hours) else DEFAULT_HOURS


def _enter_wal(cur, wait_s: float = 10.0) -> None:
    """``PRAGMA journal_mode=WAL`` on a new connection. On a new file the switch needs the file to itself, and
    SQLite answers "database is locked" at once, without its busy wait, while another connection (a second
    replica or session starting together) holds a lock: try again for up to ``wait_s`` seconds."""
    deadline = time.monotonic() + wait_s
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``: SQLite (a file, made with its folder, or ``sqlite://`` in memory: one connection,
    for one thread, as in a notebook) or PostgreSQL through psycopg 3. Connections are checked before use (``pool_pre_ping``): one the server dropped is
    thrown away, never reused, so the store reconnects by itself once the database is back."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        if not memory:
            try:
                Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError:  # not creatable: the first call says the store is unreachable
                pass
        pool = {"poolclass": sa.pool.StaticPool} if memory else {"pool_pre_ping": True}
        engine = sa.create_engine(u, connect_args={"check_same_thread": False, "timeout": 10}, **pool)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # the BEGIN below opens every transaction, DDL included
            cur = dbapi_conn.cursor()
            for pragma in ("foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
                cur.execute(f"PRAGMA {pragma}")
            if not memory:
                _enter_wal(cur)
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):  # a writer takes the lock at once: no deadlock between a read and a write upgrading
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("nl_write") else "BEGIN")

        return engine
    if u.get_backend_name() == "postgresql":
        return sa.create_engine(u, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10,
                                pool_recycle=1800,
                                connect_args={"connect_timeout": 5, "application_name": "neuron-lab"})
    raise ValueError(f"The live class stores its data in SQLite or PostgreSQL, not {u.get_backend_name()}.")


# --- what the calls return -----------------------------------------------------------------------------
@dataclass(frozen=True)
class NewClass:
    """A class just made: its ``code`` (for the students) and its ``key`` (for the teacher's link only)."""

    code: str
    key: str
    title: str
    expires_at: float


@dataclass(frozen=True)
class Experiment:
    """The class experiment running: the ``setting`` varied (its link key), ``label``, ``spacing`` (log,
    linear, choice), ``span`` (low, high) or the modes, ``count`` values dealt out, ``round`` (grows with each
    experiment)."""

    setting: str
    label: str
    spacing: str
    span: tuple
    count: int
    round: int

    @classmethod
    def of(cls, row) -> Experiment | None:
        if not row.exp_setting:
            return None
        v = EXPERIMENTS[row.exp_setting]
        return cls(v.key, v.label, v.spacing, tuple(json.loads(row.exp_span)), int(row.exp_count), int(row.exp_round))

    def decode(self, text: str | None):
        return None if text is None else EXPERIMENTS[self.setting].decode(text)


@dataclass(frozen=True)
class Directive:
    r"""What a student's page follows, returned by :meth:`ClassStore.report` and :meth:`ClassStore.follow`.

    ``page``: the page the teacher sent everyone to (None: free); ``paced`` grows with each pacing command
    (say "your teacher moved you" when it changed and the page is not the one on screen); ``locks``: the
    pages and settings locked, as a teacher's link's ``hide`` (the experiment's setting included);
    ``paused``: stop Play and rest the controls; ``spotlit``: this student's run is on the projector;
    ``experiment`` and ``value``: this student's own value of the experiment's setting (apply it with
    :meth:`link_changes`).
    """

    code: str
    title: str
    page: str | None
    paced: int
    locks: tuple[str, ...]
    paused: bool
    spotlit: bool
    experiment: Experiment | None
    value: object
    expires_at: float

    def link_changes(self) -> dict[str, str]:
        """The link values the student's settings take for the experiment (``{}`` when none runs)."""
        if self.experiment is None or self.value is None:
            return {}
        return {self.experiment.setting: EXPERIMENTS[self.experiment.setting].encode(self.value)}


@dataclass(frozen=True)
class Seat:
    """A student's seat: ``token`` goes in their link (it is their only key); ``seat`` is its id, which the
    teacher sees; ``state`` is the last report written (None before the first), ``query`` and ``points`` the
    link that reopens their run (what :meth:`ClassStore.rejoin` gives back after a restart)."""

    token: str
    seat: int
    code: str
    nickname: str
    place: int
    state: MappingProxyType | None
    query: str
    points: str
    directive: Directive


@dataclass(frozen=True)
class SeatView:
    r"""One student as the teacher's class page sees them.

    ``seat`` (id), ``place`` (join order), ``nickname`` (text: show it as text only), ``joined_at``,
    ``seen_at`` (last report or heartbeat), ``changed_at`` (last change); ``state``, the last report (None
    before the first: page, model, mode, loss, lr, epoch, cost, accuracy, chance, hidden, weights, playing,
    saturated); ``query`` and ``points``, the link that reopens the run (``perceptron.session`` parses them);
    ``curve``, the run's reported epochs, costs and weights (:class:`~perceptron.classroom.trace.Curve`);
    ``value``, the experiment value (typed) or None; ``flags``, see :mod:`perceptron.classroom.flags`.
    """

    seat: int
    place: int
    nickname: str
    joined_at: float
    seen_at: float
    changed_at: float
    state: MappingProxyType | None
    query: str
    points: str
    curve: Curve
    value: object
    flags: tuple[str, ...]

    def get(self, name, default=None):
        """A field of the last report (``default`` before the first)."""
        return default if self.state is None else self.state.get(name, default)

    def link_query(self) -> dict[str, str]:
        """The query parameters that reopen this student's run in a lab ("open this run"): their link with
        their points (``pts``) back in it."""
        query = dict(parse_qsl(self.query, keep_blank_values=True))
        return {**query, "pts": self.points} if self.points else query

    def dataset(self) -> ds.Dataset:
        """The points this student's boundary is drawn over, without training anything: their hand-made
        points, the network page's preset, or the preset their settings name (cheap: no run is rebuilt)."""
        query = dict(parse_qsl(self.query, keep_blank_values=True))
        if self.get("model") == "network":
            net, _ = NetSettings.from_query(query)
            if net.hdata != "yours":
                return net_preset(net.hdata)
        if self.points:
            X, y, test = decode_points(self.points)
            return ds.Dataset(X=X, y=y, test=test, source="custom")
        settings, _ = Settings.from_query(query)
        if settings.dataset == "custom":
            return ds.Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool))
        return build_dataset(settings)


@dataclass(frozen=True)
class Roster:
    """The whole class at one moment, read in one query: the teacher's class page draws from this alone."""

    code: str
    title: str
    created_at: float
    expires_at: float
    now: float
    page: str | None
    locks: tuple[str, ...]
    paused: bool
    paced: int
    spotlight: int | None
    spotlight_named: bool
    experiment: Experiment | None
    seats: tuple[SeatView, ...]

    def seat(self, seat: int) -> SeatView | None:
        return next((s for s in self.seats if s.seat == seat), None)

    @property
    def spotlit(self) -> SeatView | None:
        return None if self.spotlight is None else self.seat(self.spotlight)


@dataclass(frozen=True)
class Result:
    """One student's result in the class experiment: their ``value``, the ``epoch`` on screen, its ``cost`` and
    ``accuracy``, and ``reached``, the first reported epoch at which the cost was at most the asked one."""

    seat: int
    nickname: str
    value: object
    epoch: int | None
    cost: float | None
    accuracy: float | None
    reached: int | None


@dataclass(frozen=True)
class Snapshot:
    """The class as it was when the teacher took it: ``seats`` as plain dicts (curves thinned)."""

    id: int
    taken_at: float
    label: str
    experiment: dict | None
    seats: tuple[dict, ...]


# --- what the store remembers of a seat it serves ------------------------------------------------------
@dataclass(eq=False)
class _Memo:
    seat_id: int
    class_id: int
    code: str
    nickname: str
    place: int
    latest: dict | None  # the last report received
    written: dict | None  # the last report written
    changed_at: float
    seen: float
    seen_written: float
    written_at: float = -math.inf
    trace: list = field(default_factory=list)
    trace_chars: int = 0
    run: tuple | None = None
    query: str = ""
    points: str = ""
    points_checked: str | None = None
    writing: bool = False
    gone: bool = False


def _run_key(state: dict | None, query: str, points: str) -> tuple | None:
    """What makes one run: a change of any of it starts a new curve (the epoch and the view are not in it)."""
    if state is None:
        return None
    run = tuple(sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _VIEW_KEYS))
    return (state["model"], state["mode"], state["loss"], state["lr"], state["hidden"], len(state["weights"]),
            run, points)


def _frozen(state: dict | None) -> MappingProxyType | None:
    if state is None:
        return None
    return MappingProxyType({**state, "weights": tuple(state.get("weights", ()))})


@dataclass
class _View:
    """A class's pacing as students follow it, cached ``VIEW_TTL`` s."""

    code: str
    title: str
    expires_at: float
    page: str | None
    locks: tuple[str, ...]
    paused: bool
    paced: int
    spotlight: int | None
    experiment: Experiment | None
    values: dict  # seat id -> experiment value text (None), every seat of the class
    fetched: float


class ClassStore:
    r"""The live class's data: classes, seats, reports, pacing, experiments, snapshots.

    ``ClassStore()`` reads the place of its database from the environment (:func:`database_url`);
    ``ClassStore("sqlite:///path")`` or ``ClassStore("postgresql+psycopg://...")`` names it. Nothing touches
    the database until the first call, which creates or migrates the tables. ``clock`` gives the time in
    seconds since the epoch (tests pass their own); ``hours`` is how long a class lives.

    Every method may raise :class:`~perceptron.classroom.errors.StoreUnavailable` when the database cannot
    be reached; see :mod:`perceptron.classroom.errors` for the rest.
    """

    def __init__(self, url: str | None = None, *, clock: Callable[[], float] = time.time,
                 hours: float | None = None, engine: sa.Engine | None = None):
        self.url = url or database_url()
        self.engine = engine or make_engine(self.url)
        self.clock = clock
        self.hours = class_hours() if hours is None else min(max(float(hours), 0.0), MAX_HOURS)
        self.writes = 0  # seats written (one UPDATE each): what the coalescing keeps low
        self._writer = self.engine.execution_options(nl_write=True)
        self._lock = threading.RLock()
        self._migrated = False
        self._purged_at = -math.inf
        self._memos: Bounded = Bounded(MAX_CACHED_SEATS)  # digest of a token -> _Memo
        self._unsaved: dict[int, _Memo] = {}  # seat id -> _Memo with a report or a heartbeat not yet written
        self._views: Bounded = Bounded(MAX_CACHED_CLASSES)  # class id -> _View | None (gone)
        self._failures = RateLimiter("wrong codes or keys", *FAILURES, clock=clock)
        self._reports = RateLimiter("reports", *REPORTS, clock=clock)
        self._creations = RateLimiter("new classes", *CREATIONS, clock=clock)

    # --- the database ----------------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> list[int]:
        """Create or upgrade the tables now (the first call does it anyway); returns the versions applied."""
        with self._lock:
            try:
                ran = schema.migrate(self.engine, clock=self.clock)
            except UNREACHABLE as err:
                log.warning("class store unreachable while migrating: %s", err)
                raise StoreUnavailable() from err
            self._migrated = True
            return ran

    @contextmanager
    def _db(self, write: bool = False):
        """One transaction (committed at the end of the block); an unreachable database raises the one
        StoreUnavailable, whatever the driver said."""
        if not self._migrated:
            self.migrate()
        try:
            with (self._writer if write else self.engine).begin() as conn:
                yield conn
        except UNREACHABLE as err:
            log.warning("class store unreachable: %s", err)
            raise StoreUnavailable() from err
        except sa.exc.DBAPIError as err:
            if err.connection_invalidated:
                raise StoreUnavailable() from err
            raise

    def close(self) -> None:
        """Write what is pending, then close the database's connections."""
        try:
            self.flush()
        finally:
            self.engine.dispose()

    # --- a teacher's class ---------------------------------------------------------------------------
    def create_class(self, title: str = "", *, client=None) -> NewClass:
        """A new class, live for ``hours``: its code for the students and its key for the teacher's link only
        (the store keeps the key's hash, never the key: lost, it cannot be recovered)."""
        title = validate.title(title)
        self._creations.take(client)
        now = self.clock()
        self._housekeeping(now)
        key = codes.new_key()
        for _ in range(8):
            code = codes.new_code()
            try:
                with self._db(write=True) as conn:
                    conn.execute(sa.insert(classes).values(code=code, key_hash=codes.digest(key), title=title,
                                                           created_at=now, expires_at=now + self.hours * 3600))
                return NewClass(code, key, title, now + self.hours * 3600)
            except sa.exc.IntegrityError:  # the code is taken: draw another
                continue
        raise StoreUnavailable("Could not find a free class code; try again.")

    def _teacher(self, conn, code, key, client, now) -> sa.Row:
        """The class's row, once ``key`` is its teacher's (else UnknownClass / NotAuthorized, counted)."""
        norm = codes.normalize_code(code)
        row = None if norm is None else conn.execute(sa.select(classes).where(classes.c.code == norm)).first()
        return self._check_teacher(row, key, client, now)

    def _check_teacher(self, row, key, client, now):
        if row is None or row.expires_at <= now:
            self._failures.spend(client)
            raise UnknownClass()
        if not codes.matches(key, row.key_hash):
            self._failures.spend(client)
            raise NotAuthorized()
        return row

    def _command(self, code, key, client, change: Callable) -> sa.Row:
        """Run ``change(conn, row, now)`` on the teacher's class in one write transaction."""
        self._failures.check(client)
        now = self.clock()
        with self._db(write=True) as conn:
            row = self._teacher(conn, code, key, client, now)
            change(conn, row, now)
        with self._lock:
            self._views.pop(row.id, None)  # this process's students see it at once
        return row

    def pace(self, code: str, key: str, *, page=_KEEP, locks=_KEEP, client=None) -> None:
        """Send everyone to ``page`` (None: each where they like) and/or lock ``locks`` (pages and settings,
        as a teacher's link's hide; () unlocks). Students' pages follow within about 2 s."""
        changes = {}
        if page is not _KEEP:
            changes["page"] = validate.page(page)
        if locks is not _KEEP:
            changes["locks"] = ",".join(validate.locks(locks))
        if not changes:
            return
        self._command(code, key, client, lambda conn, row, now: conn.execute(
            sa.update(classes).where(classes.c.id == row.id).values(paced=classes.c.paced + 1, **changes)))

    def pause(self, code: str, key: str, paused: bool = True, *, client=None) -> None:
        """Pause everyone (Play stops, the controls rest) or release them."""
        paused = bool(paused)
        self._command(code, key, client, lambda conn, row, now: conn.execute(
            sa.update(classes).where(classes.c.id == row.id).values(paused=paused)))

    def spotlight(self, code: str, key: str, seat: int | None, *, named: bool = False, client=None) -> None:
        """Show ``seat``'s run on the projector (None: nobody), its nickname only when ``named``."""
        def change(conn, row, now):
            if seat is not None and conn.execute(sa.select(seats.c.id).where(
                    seats.c.id == seat, seats.c.class_id == row.id)).first() is None:
                raise InvalidCommand("That seat is not in this class.")
            conn.execute(sa.update(classes).where(classes.c.id == row.id).values(
                spotlight=seat, spotlight_named=bool(named) and seat is not None))
        if seat is not None and (isinstance(seat, bool) or not isinstance(seat, int)):
            raise InvalidCommand("A seat is given by its number.")
        self._command(code, key, client, change)

    def start_experiment(self, code: str, key: str, setting: str, span, *, count: int | None = None,
                         client=None) -> Experiment:
        r"""Give each student their own value of ``setting`` (one of :data:`~perceptron.classroom.experiment.
        EXPERIMENTS`): ``span`` is ``(low, high)`` (log-spaced for a learning rate, evenly otherwise), or the
        modes to deal out. The students present get the values in join order, one each; a student who joins
        later gets the next value round again. ``count`` spreads the values over that many students (default:
        those present, at least 2). Replaces a running experiment."""
        span = span_of(setting, span)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEATS):
            raise InvalidCommand(f"Spread the values over 1 to {MAX_SEATS} students.")
        out = {}

        def change(conn, row, now):
            ids = conn.execute(sa.select(seats.c.id).where(seats.c.class_id == row.id)
                               .order_by(seats.c.place)).scalars().all()
            count_ = count or max(len(ids), 1 if EXPERIMENTS[setting].choices else 2)
            dealt = values(setting, span, count_)
            text = {sid: EXPERIMENTS[setting].encode(dealt[k % count_]) for k, sid in enumerate(ids)}
            rnd = int(row.exp_round) + 1
            conn.execute(sa.update(classes).where(classes.c.id == row.id).values(
                exp_setting=setting, exp_span=json.dumps(list(span)), exp_count=count_, exp_round=rnd,
                exp_next=len(ids)))
            if ids:
                conn.execute(sa.update(seats).where(seats.c.class_id == row.id).values(
                    exp_value=sa.case(text, value=seats.c.id, else_=None)))
            v = EXPERIMENTS[setting]
            out["experiment"] = Experiment(setting, v.label, v.spacing, tuple(span), count_, rnd)

        self._command(code, key, client, change)
        return out["experiment"]

    def stop_experiment(self, code: str, key: str, *, client=None) -> None:
        """End the class experiment (each student keeps the value they have until they change it)."""
        def change(conn, row, now):
            conn.execute(sa.update(classes).where(classes.c.id == row.id).values(
                exp_setting=None, exp_span=None, exp_count=0, exp_next=0))
            conn.execute(sa.update(seats).where(seats.c.class_id == row.id).values(exp_value=None))
        self._command(code, key, client, change)

    def remove_seat(self, code: str, key: str, seat: int, *, client=None) -> None:
        """Take a student out of the class (their data deleted; their page says the seat is gone)."""
        if isinstance(seat, bool) or not isinstance(seat, int):
            raise InvalidCommand("A seat is given by its number.")
        def change(conn, row, now):
            if conn.execute(sa.delete(seats).where(seats.c.id == seat, seats.c.class_id == row.id)).rowcount == 0:
                raise InvalidCommand("That seat is not in this class.")
            conn.execute(sa.update(classes).where(classes.c.id == row.id, classes.c.spotlight == seat)
                         .values(spotlight=None, spotlight_named=False))
        self._command(code, key, client, change)
        self._forget(lambda m: m.seat_id == seat)

    def end_class(self, code: str, key: str, *, client=None) -> None:
        """End the class now: the class, every seat, report, trace and snapshot of it deleted."""
        row = self._command(code, key, client, lambda conn, row, now: self._delete_classes(conn, [row.id]))
        self._forget(lambda m: m.class_id == row.id)

    def purge_expired(self) -> int:
        """Delete every class past its ``expires_at`` with all its data; returns how many. Runs by itself every
        ``PURGE_EVERY`` s in a process that creates classes or reads rosters."""
        now = self.clock()
        with self._db(write=True) as conn:
            ids = conn.execute(sa.select(classes.c.id).where(classes.c.expires_at <= now)).scalars().all()
            self._delete_classes(conn, ids)
        self._purged_at = now
        if ids:
            gone = set(ids)
            self._forget(lambda m: m.class_id in gone)
        return len(ids)

    @staticmethod
    def _delete_classes(conn, ids) -> None:
        """The classes ``ids`` and everything of them (explicitly, children first: SQLite's cascade needs a
        pragma, and this does not rely on it)."""
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            conn.execute(sa.delete(snapshots).where(snapshots.c.class_id.in_(chunk)))
            conn.execute(sa.delete(seats).where(seats.c.class_id.in_(chunk)))
            conn.execute(sa.delete(classes).where(classes.c.id.in_(chunk)))

    def _housekeeping(self, now: float) -> None:
        if now - self._purged_at >= PURGE_EVERY:
            self.purge_expired()

    def _forget(self, which: Callable[[_Memo], bool]) -> None:
        """Mark this process's seats that ``which`` picks as gone (their next call raises SeatGone)."""
        with self._lock:
            for memo in list(self._memos.values()) + list(self._unsaved.values()):
                if which(memo):
                    memo.gone = True
                    self._unsaved.pop(memo.seat_id, None)
            self._views.clear()

    # --- the teacher's class page --------------------------------------------------------------------
    def roster(self, code: str, key: str, *, client=None) -> Roster:
        """Every seat of the class with its last report, curve and flags, read in ONE query (the class row and
        its seats joined); call it on each refresh of the class page (every ~2 s)."""
        self._failures.check(client)
        now = self.clock()
        self._flush(now)
        self._housekeeping(now)
        norm = codes.normalize_code(code)
        cols = [*classes.c, *(c.label(f"seat_{c.name}") for c in seats.c)]
        with self._db() as conn:
            rows = [] if norm is None else conn.execute(
                sa.select(*cols).select_from(classes.outerjoin(seats, seats.c.class_id == classes.c.id))
                .where(classes.c.code == norm).order_by(seats.c.place)).all()
        head = self._check_teacher(rows[0] if rows else None, key, client, now)
        experiment = Experiment.of(head)
        views = tuple(self._seat_view(r, now, experiment) for r in rows if r.seat_id is not None)
        return Roster(
            code=head.code, title=head.title, created_at=head.created_at, expires_at=head.expires_at, now=now,
            page=head.page, locks=tuple(filter(None, head.locks.split(","))), paused=bool(head.paused),
            paced=int(head.paced), spotlight=head.spotlight, spotlight_named=bool(head.spotlight_named),
            experiment=experiment, seats=views)

    @staticmethod
    def _seat_view(r, now, experiment) -> SeatView:
        state = json.loads(r.seat_state) if r.seat_state else None
        curve = Curve.of(r.seat_trace)
        return SeatView(
            seat=r.seat_id, place=r.seat_place, nickname=r.seat_nickname, joined_at=r.seat_joined_at,
            seen_at=r.seat_seen_at, changed_at=r.seat_changed_at, state=_frozen(state), query=r.seat_query,
            points=r.seat_points, curve=curve,
            value=experiment.decode(r.seat_exp_value) if experiment else None,
            flags=flags(state, curve, r.seat_seen_at, r.seat_changed_at, now))

    def results(self, code: str, key: str, *, reach: float | None = None, client=None) -> tuple[Result, ...]:
        """The class experiment's results, one per student with a value, by value: the epoch on screen, its
        cost and accuracy, and (with ``reach``) the first reported epoch whose cost was at most ``reach``."""
        return _results(self.roster(code, key, client=client), reach)

    def results_csv(self, code: str, key: str, *, reach: float | None = None, client=None) -> str:
        """:meth:`results` as CSV text (nicknames that a spreadsheet would take for a formula are written with a
        leading apostrophe)."""
        roster = self.roster(code, key, client=client)
        setting = roster.experiment.setting if roster.experiment else ""
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["seat", "nickname", "setting", "value", "epoch", "cost", "accuracy",
                      f"first epoch with cost <= {reach:g}" if reach is not None else "first epoch reaching"])
        for r in _results(roster, reach):
            out.writerow([r.seat, spreadsheet_text(r.nickname), setting, _cell(r.value), _cell(r.epoch),
                          _cell(r.cost), _cell(r.accuracy), _cell(r.reached)])
        return buf.getvalue()

    def snapshot(self, code: str, key: str, label: str = "", *, client=None) -> Snapshot:
        """Keep the class as it is now (every seat's report, link, value and curve thinned to
        ``SNAPSHOT_POINTS``); at most ``MAX_SNAPSHOTS`` a class, the oldest dropped."""
        label = validate.title(label)
        roster = self.roster(code, key, client=client)
        taken = [{"seat": s.seat, "place": s.place, "nickname": s.nickname,
                  "value": s.value, "state": None if s.state is None else {**s.state, "weights": list(s.get("weights"))},
                  "query": s.query, "points": s.points,
                  "curve": {"epochs": s.curve.thinned(SNAPSHOT_POINTS).epochs.tolist(),
                            "costs": s.curve.thinned(SNAPSHOT_POINTS).costs.tolist()}} for s in roster.seats]
        exp = roster.experiment and {"setting": roster.experiment.setting, "span": list(roster.experiment.span)}
        body = json.dumps({"experiment": exp, "seats": taken}, separators=(",", ":"), allow_nan=False)
        out = {}

        def change(conn, row, now):
            out["id"] = conn.execute(sa.insert(snapshots).values(class_id=row.id, taken_at=now, label=label,
                                                                 roster=body)).inserted_primary_key[0]
            old = conn.execute(sa.select(snapshots.c.id).where(snapshots.c.class_id == row.id)
                               .order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc())
                               .offset(MAX_SNAPSHOTS)).scalars().all()
            if old:
                conn.execute(sa.delete(snapshots).where(snapshots.c.id.in_(old)))
            out["now"] = now

        self._command(code, key, client, change)
        return Snapshot(out["id"], out["now"], label, exp, tuple(taken))

    def snapshots(self, code: str, key: str, *, client=None) -> tuple[Snapshot, ...]:
        """The class's snapshots, oldest first."""
        self._failures.check(client)
        now = self.clock()
        with self._db() as conn:
            row = self._teacher(conn, code, key, client, now)
            rows = conn.execute(sa.select(snapshots).where(snapshots.c.class_id == row.id)
                                .order_by(snapshots.c.taken_at, snapshots.c.id)).all()
        out = []
        for r in rows:
            body = json.loads(r.roster)
            out.append(Snapshot(r.id, r.taken_at, r.label, body["experiment"], tuple(body["seats"])))
        return tuple(out)

    # --- a student's seat ----------------------------------------------------------------------------
    def join(self, code: str, nickname: str, *, client=None) -> Seat:
        """Take a seat in the class ``code`` under ``nickname``; returns the :class:`Seat` whose ``token`` the
        student's link carries from now on (a reload or a restart calls :meth:`rejoin` with it)."""
        self._failures.check(client)
        name = validate.nickname(nickname)
        norm = codes.normalize_code(code)
        if norm is None:
            self._failures.spend(client)
            raise UnknownClass()
        now = self.clock()
        secret = codes.new_secret()
        try:
            with self._db(write=True) as conn:
                # the class row is locked by this update first, so two students joining at once get two places
                bumped = conn.execute(sa.update(classes).where(classes.c.code == norm, classes.c.expires_at > now)
                                      .values(joined=classes.c.joined + 1)).rowcount
                if not bumped:
                    self._failures.spend(client)
                    raise UnknownClass()
                row = conn.execute(sa.select(classes).where(classes.c.code == norm)).one()
                if conn.execute(sa.select(sa.func.count()).select_from(seats)
                                .where(seats.c.class_id == row.id)).scalar() >= MAX_SEATS:
                    raise ClassFull(f"This class has its {MAX_SEATS} seats taken.")
                value = None
                if row.exp_setting:
                    dealt = values(row.exp_setting, json.loads(row.exp_span), row.exp_count)
                    value = EXPERIMENTS[row.exp_setting].encode(dealt[row.exp_next % len(dealt)])
                    conn.execute(sa.update(classes).where(classes.c.id == row.id)
                                 .values(exp_next=classes.c.exp_next + 1))
                seat_id = conn.execute(sa.insert(seats).values(
                    class_id=row.id, token_hash=codes.digest(secret), nickname=name,
                    nick_key=validate.nickname_key(name), place=row.joined - 1, joined_at=now, seen_at=now,
                    changed_at=now, exp_value=value)).inserted_primary_key[0]
        except sa.exc.IntegrityError:
            raise NicknameTaken() from None
        token = codes.seat_token(seat_id, secret)
        memo = _Memo(seat_id=seat_id, class_id=row.id, code=row.code, nickname=name, place=row.joined - 1,
                     latest=None, written=None, changed_at=now, seen=now, seen_written=now)
        with self._lock:
            self._memos[codes.digest(token)] = memo
            self._views.pop(row.id, None)
        return Seat(token, seat_id, row.code, name, memo.place, None, "", "", self._directive(memo, now))

    def rejoin(self, token: str, *, client=None) -> Seat:
        """The seat of ``token`` (from the student's link) after a reload or a server restart: their nickname,
        last report and link, and what to follow. SeatGone when the class ended or they left."""
        memo = self._memo(token, client)
        now = self.clock()
        directive = self._directive(memo, now)
        with self._lock:
            state = memo.latest if memo.latest is not None else memo.written
        return Seat(token, memo.seat_id, memo.code, memo.nickname, memo.place, _frozen(state),
                    (state or {}).get("query", memo.query), (state or {}).get("points", memo.points), directive)

    def report(self, token: str, state: dict, *, client=None) -> Directive:
        """Record the student's session as it is on screen (a dict: see
        :data:`~perceptron.classroom.validate.REPORT_FIELDS`; :func:`~perceptron.classroom.reports.state_of`
        builds it from a run). Call it on every rerun of a student's page: it validates the report, keeps it,
        writes it at most once a second, and returns what the page follows."""
        memo = self._memo(token, client)
        self._reports.take(memo.seat_id)
        clean = validate.report(state, known_points=memo.points_checked)
        now = self.clock()
        with self._lock:
            memo.points_checked = clean["points"]
            memo.seen = max(memo.seen, now)
            if clean != memo.latest:
                memo.latest, memo.changed_at = clean, now
            self._unsaved[memo.seat_id] = memo
        self._flush(now)
        return self._directive(memo, now)

    def follow(self, token: str, *, client=None) -> Directive:
        """What the student's page follows now (pacing, pause, experiment value); also says they are there.
        Call it from a timer every second or two while the page is open, between reruns."""
        memo = self._memo(token, client)
        now = self.clock()
        with self._lock:
            memo.seen = max(memo.seen, now)
            self._unsaved[memo.seat_id] = memo
        self._flush(now)
        return self._directive(memo, now)

    def leave(self, token: str, *, client=None) -> None:
        """The student leaves: their seat and everything they reported deleted."""
        memo = self._memo(token, client)
        with self._db(write=True) as conn:
            conn.execute(sa.delete(seats).where(seats.c.id == memo.seat_id))
            conn.execute(sa.update(classes).where(classes.c.id == memo.class_id, classes.c.spotlight == memo.seat_id)
                         .values(spotlight=None, spotlight_named=False))
        self._forget(lambda m: m.seat_id == memo.seat_id)

    def _memo(self, token, client) -> _Memo:
        """The seat of ``token``, checked once against the database and then remembered."""
        parsed = codes.parse_token(token)
        if parsed is None:
            self._failures.take(client)
            raise NotAuthorized("This seat link is damaged; join again with the class code.")
        key = codes.digest(token)
        with self._lock:
            memo = self._memos.touch(key)
        if memo is not None:
            if memo.gone:
                raise SeatGone()
            return memo
        self._failures.check(client)
        seat_id, secret = parsed
        now = self.clock()
        with self._db() as conn:
            row = conn.execute(sa.select(seats, classes.c.code, classes.c.expires_at)
                               .join(classes, classes.c.id == seats.c.class_id).where(seats.c.id == seat_id)).first()
        if row is None or row.expires_at <= now:
            self._failures.spend(client)
            raise SeatGone()
        if not codes.matches(secret, row.token_hash):
            self._failures.spend(client)
            raise NotAuthorized("This seat link's token does not match its seat.")
        state = json.loads(row.state) if row.state else None
        if state is not None:
            state = {**state, "query": row.query, "points": row.points}
        entries = Curve.of(row.trace)
        memo = _Memo(seat_id=row.id, class_id=row.class_id, code=row.code, nickname=row.nickname, place=row.place,
                     latest=state, written=state, changed_at=row.changed_at, seen=row.seen_at,
                     seen_written=row.seen_at, query=row.query, points=row.points, points_checked=row.points,
                     trace=[(int(e), float(c), tuple(p)) for e, c, p in
                            zip(entries.epochs, entries.costs, entries.params.tolist(), strict=True)],
                     trace_chars=len(row.trace))
        memo.run = _run_key(state, row.query, row.points)
        with self._lock:
            return self._memos.setdefault(key, memo)

    def _directive(self, memo: _Memo, now: float) -> Directive:
        view = self._view(memo.class_id, now)
        if view is None or memo.seat_id not in view.values:  # a cached view may predate the seat: read again
            view = self._view(memo.class_id, now, fresh=True)
        if view is None or now >= view.expires_at or memo.seat_id not in view.values:
            with self._lock:
                memo.gone = True
                self._unsaved.pop(memo.seat_id, None)
            raise SeatGone()
        exp = view.experiment
        locks = view.locks + ((exp.setting,) if exp and exp.setting not in view.locks else ())
        return Directive(code=view.code, title=view.title, page=view.page, paced=view.paced, locks=locks,
                         paused=view.paused, spotlit=view.spotlight == memo.seat_id, experiment=exp,
                         value=exp.decode(view.values[memo.seat_id]) if exp else None, expires_at=view.expires_at)

    def _view(self, class_id: int, now: float, fresh: bool = False) -> _View | None:
        """The class's pacing and its seats' values, read in one query at most every ``VIEW_TTL`` s (``fresh``:
        now)."""
        with self._lock:
            cached = self._views.touch(class_id)
            if not fresh and class_id in self._views and (cached is None or now - cached.fetched < VIEW_TTL):
                return cached
        with self._db() as conn:
            rows = conn.execute(
                sa.select(classes, seats.c.id.label("seat_id"), seats.c.exp_value.label("seat_value"))
                .select_from(classes.outerjoin(seats, seats.c.class_id == classes.c.id))
                .where(classes.c.id == class_id)).all()
        view = None
        if rows:
            head = rows[0]
            view = _View(code=head.code, title=head.title, expires_at=head.expires_at, page=head.page,
                         locks=tuple(filter(None, head.locks.split(","))), paused=bool(head.paused),
                         paced=int(head.paced), spotlight=head.spotlight, experiment=Experiment.of(head),
                         values={r.seat_id: r.seat_value for r in rows if r.seat_id is not None}, fetched=now)
        with self._lock:
            self._views[class_id] = view
        return view

    # --- writing reports -----------------------------------------------------------------------------
    def flush(self) -> int:
        """Write every report and heartbeat still pending, now (tests, shutdown); returns the seats written."""
        return self._flush(self.clock(), force=True)

    def pending(self) -> int:
        """How many seats have something not yet written."""
        with self._lock:
            return len(self._unsaved)

    def _flush(self, now: float, force: bool = False) -> int:
        """Write, in one transaction, every seat whose report is due (one UPDATE a seat)."""
        with self._lock:
            batch = [(m, *self._plan(m)) for m in list(self._unsaved.values())
                     if not m.writing and not m.gone and (force or self._due(m, now))]
            for m, *_ in batch:
                m.writing = True
        if not batch:
            return 0
        done = []
        try:
            with self._db(write=True) as conn:
                for memo, values_, plan in batch:
                    n = conn.execute(sa.update(seats).where(seats.c.id == memo.seat_id).values(**values_)).rowcount
                    done.append((memo, plan, n))
        except BaseException:
            with self._lock:
                for m, *_ in batch:
                    m.writing = False
            raise
        with self._lock:
            for memo, plan, n in done:
                memo.writing = False
                if not n:  # the seat was deleted meanwhile (left, removed, class ended)
                    memo.gone = True
                    self._unsaved.pop(memo.seat_id, None)
                    continue
                self.writes += 1
                memo.seen_written = plan["seen"]
                if "state" in plan:
                    memo.written, memo.written_at = plan["state"], now
                    memo.trace, memo.trace_chars, memo.run = plan["trace"], plan["chars"], plan["run"]
                    memo.query, memo.points = plan["state"]["query"], plan["state"]["points"]
                if memo.latest is memo.written and memo.seen <= memo.seen_written:
                    self._unsaved.pop(memo.seat_id, None)
        return len(done)

    @staticmethod
    def _due(memo: _Memo, now: float) -> bool:
        if memo.latest is not None and memo.latest is not memo.written:
            return now - memo.written_at >= MIN_WRITE_INTERVAL
        return memo.seen - memo.seen_written >= HEARTBEAT

    @staticmethod
    def _plan(memo: _Memo) -> tuple[dict, dict]:
        """The UPDATE's values for ``memo``'s pending report, and what the memo becomes once it is written."""
        values_ = {"seen_at": memo.seen}
        plan = {"seen": memo.seen}
        state = memo.latest
        if state is None or state is memo.written:
            return values_, plan
        body = {k: v for k, v in state.items() if k not in ("query", "points")}
        values_["state"] = json.dumps(body, separators=(",", ":"), allow_nan=False)
        values_["changed_at"] = memo.changed_at
        if state["query"] != memo.query:
            values_["query"] = state["query"]
        if state["points"] != memo.points:
            values_["points"] = state["points"]
        run = _run_key(state, state["query"], state["points"])
        old = memo.trace if run == memo.run else []
        entries, piece = old, None
        if state["cost"] is not None:
            entry = (state["epoch"], state["cost"], tuple(state["weights"]))
            if old and entry[0] > old[-1][0]:
                piece = entry_text(entry)
                entries = [*old, entry]
                if memo.trace_chars + len(piece) > MAX_CHARS:
                    entries, piece = thin(entries, MAX_CHARS), None
            elif not old or entry != old[-1]:  # a new run, a rewind, or the same epoch with other numbers
                entries = [*(e for e in old if e[0] < entry[0]), entry]
        if piece is not None:
            values_["trace"] = seats.c.trace.concat(piece)
            chars = memo.trace_chars + len(piece)
        elif entries is not memo.trace:
            values_["trace"] = trace_text(entries)
            chars = len(values_["trace"])
        else:
            chars = memo.trace_chars
        plan.update(state=state, trace=entries, chars=chars, run=run)
        return values_, plan


def _results(roster: Roster, reach: float | None) -> tuple[Result, ...]:
    out = [Result(s.seat, s.nickname, s.value, s.get("epoch"), s.get("cost"), s.get("accuracy"),
                  s.curve.first_reaching(reach) if reach is not None else None)
           for s in roster.seats if s.value is not None]
    return tuple(sorted(out, key=lambda r: (str(type(r.value)), r.value, r.seat)))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return spreadsheet_text(str(value))
