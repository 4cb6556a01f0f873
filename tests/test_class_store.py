"""The live class's store (perceptron/classroom/), on SQLite (a temporary file) and on a real PostgreSQL.

PostgreSQL is a throwaway cluster that ``testing/postgres.py`` makes with Debian's ``initdb``/``pg_ctl``
(one per test worker; one fresh database per test). Without PostgreSQL these tests skip, except in CI
(``CI=true``, or ``NEURON_LAB_REQUIRE_POSTGRES=1``, or ``NEURON_LAB_REQUIRE_BROWSER=1`` which ``.ci/run``
exports), where a missing PostgreSQL is a failure.

Time is the store's injected clock (:class:`Clock`), moved by hand: coalescing, heartbeats, expiry and
rate limits are checked by counting statements and rows, never by measuring a duration.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager

import numpy as np
import pytest
import sqlalchemy as sa

from perceptron.classroom import (
    ClassStore,
    InvalidCommand,
    InvalidNickname,
    InvalidReport,
    NicknameTaken,
    NotAuthorized,
    RateLimited,
    SchemaTooNew,
    SeatGone,
    StoreUnavailable,
    UnknownClass,
    codes,
    flags,
    reports,
    schema,
    state_of,
    trace,
    validate,
)
from perceptron.classroom import store as store_module
from perceptron.classroom.experiment import EXPERIMENTS, values
from perceptron.classroom.store import (
    ENV_FILE,
    ENV_URL,
    HEARTBEAT,
    MIN_WRITE_INTERVAL,
    VIEW_TTL,
    database_url,
)
from perceptron.session.lab import Lab
from perceptron.session.netlab import NetLab
from perceptron.session.settings import LOCKABLE, Settings, encode_points
from testing.postgres import MISSING_POSTGRES, PostgresCluster, find_bindir, required

START = 1_800_000_000.0  # the clock's start: any fixed moment


class Clock:
    """The store's clock, moved by the test."""

    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, by: float) -> None:
        self.now += by


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL cluster for this test process; skipped without PostgreSQL, failed in CI."""
    if find_bindir() is None:
        if required():
            pytest.fail(f"{MISSING_POSTGRES} (CI requires it)", pytrace=False)
        pytest.skip(MISSING_POSTGRES)
    cluster = PostgresCluster().start()
    yield cluster
    cluster.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'classes.sqlite3'}"
        return
    pg = request.getfixturevalue("postgres")
    name = pg.create_database()
    yield pg.url(name)
    if pg.running:
        pg.drop_database(name)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(url, clock):
    s = ClassStore(url, clock=clock, hours=12)
    yield s
    s.engine.dispose()


@contextmanager
def statements(engine):
    """``(statement, parameters)`` of every SELECT/INSERT/UPDATE/DELETE the engine sends while the block runs
    (BEGIN and COMMIT left out)."""
    seen: list[str] = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", hook)


def report(epoch=0, cost=0.5, lr=0.5, weights=(0.1, -0.2, 0.3), **more) -> dict:
    return {"page": "descent", "mode": "batch", "lr": lr, "epoch": epoch, "cost": cost, "weights": list(weights),
            **more}


def rows(store, table) -> list:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(table)).all()


# --- migrations --------------------------------------------------------------------------------------------
def _columns(conn, name):
    return {c["name"]: c["nullable"] for c in sa.inspect(conn).get_columns(name)}


def test_migrations_build_the_declared_tables_from_an_empty_database(store):
    with store.engine.connect() as conn:
        assert schema.version(conn) == 0
    assert store.migrate() == [m.version for m in schema.MIGRATIONS]
    assert store.migrate() == []  # up to date: nothing runs twice
    with store.engine.connect() as conn:
        assert schema.version(conn) == schema.SCHEMA_VERSION
        for table in schema.metadata.sorted_tables:
            assert _columns(conn, table.name) == {c.name: c.nullable for c in table.columns}, table.name
        inspector = sa.inspect(conn)
        unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("seats")}
        unique |= {tuple(i["column_names"]) for i in inspector.get_indexes("seats") if i["unique"]}
        assert ("class_id", "nick_key") in unique
        assert any(i["column_names"] == ["expires_at"] for i in inspector.get_indexes("classes"))
        applied = conn.execute(sa.select(schema.migrations)).all()
    assert [r.version for r in applied] == [1] and applied[0].applied_at == START


def test_a_later_migration_runs_once_after_the_earlier_ones(store):
    def add_notes(conn):
        md = sa.MetaData()
        sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.Text)).create(conn)

    later = (*schema.MIGRATIONS, schema.Migration(2, "notes", add_notes))
    assert schema.migrate(store.engine, later[:1]) == [1]
    assert schema.migrate(store.engine, later) == [2]
    assert schema.migrate(store.engine, later) == []
    with store.engine.connect() as conn:
        assert sa.inspect(conn).has_table("notes") and schema.version(conn) == 2
    with pytest.raises(SchemaTooNew, match="newer"):  # a database a newer app migrated is not touched
        schema.migrate(store.engine, schema.MIGRATIONS)


# --- joining ---------------------------------------------------------------------------------------------
def test_codes_keys_and_tokens():
    assert not set("01ILO") & set(codes.ALPHABET) and len(codes.ALPHABET) == 31
    code = codes.new_code()
    assert len(code) == 6 and set(code) <= set(codes.ALPHABET)
    assert codes.normalize_code(f" {code[:3].lower()}-{code[3:]} ") == code
    for bad in ("ABC", "ABCDE0", "ABCDEFG", 123456, None, "A" * 100):
        assert codes.normalize_code(bad) is None
    key = codes.new_key()
    assert len(key) >= 43 and codes.matches(key, codes.digest(key)) and not codes.matches(key[:-1] + "x",
                                                                                          codes.digest(key))
    assert not codes.matches(None, codes.digest(key)) and not codes.matches(key, None)
    token = codes.seat_token(7, codes.new_secret())
    assert codes.parse_token(token)[0] == 7
    for bad in (key, "7." + "a" * 8, "0.abcdefghijklmnopqrstuvwx", None, 7, "7.abc/defghijklmnopqrstuv"):
        assert codes.parse_token(bad) is None


def test_join_rejoin_and_a_restart(store, url, clock):
    new = store.create_class("Period 3")
    seat = store.join(new.code.lower()[:3] + " " + new.code.lower()[3:], "  Ada\u202e\u200d  Lovelace\n")
    assert seat.nickname == "Ada Lovelace" and seat.code == new.code and seat.place == 0
    assert seat.directive.title == "Period 3" and seat.directive.page is None
    with pytest.raises(NicknameTaken):
        store.join(new.code, "ADA  lovelace")
    for bad in ("", " \u200b\n ", "x" * 25, 42, None):
        with pytest.raises(InvalidNickname):
            store.join(new.code, bad)
    with pytest.raises(UnknownClass):
        store.join("ZZZZZZ" if new.code != "ZZZZZZ" else "YYYYYY", "Bo")
    other = store.join(new.code, "Bo")
    assert other.place == 1

    store.report(seat.token, report(epoch=3, cost=0.4, query="n=50&lr=0.5&epoch=3"))
    store.pace(new.code, new.key, page="forward", locks=("lr",))
    store.start_experiment(new.code, new.key, "lr", (0.1, 1.0))
    store.flush()

    again = store.rejoin(seat.token)  # a reload: the same seat, from memory
    assert (again.seat, again.nickname, again.state["epoch"]) == (seat.seat, "Ada Lovelace", 3)

    restarted = ClassStore(url, clock=clock)  # a server restart: a new process, the same database
    try:
        back = restarted.rejoin(seat.token)
        assert (back.seat, back.nickname, back.place, back.code) == (seat.seat, "Ada Lovelace", 0, new.code)
        assert back.state["epoch"] == 3 and back.state["cost"] == 0.4 and back.query == "n=50&lr=0.5&epoch=3"
        assert back.directive.page == "forward" and "lr" in back.directive.locks and back.directive.value == 0.1
        roster = restarted.roster(new.code, new.key)
        assert [s.nickname for s in roster.seats] == ["Ada Lovelace", "Bo"]
        assert roster.page == "forward" and roster.locks == ("lr",) and roster.experiment.setting == "lr"
        assert [s.value for s in roster.seats] == [0.1, 1.0]
    finally:
        restarted.engine.dispose()


def test_the_database_keeps_hashes_never_keys_or_tokens(store):
    new = store.create_class()
    seat = store.join(new.code, "Ada")
    secret = codes.parse_token(seat.token)[1]
    stored = json.dumps([list(map(str, r)) for t in (schema.classes, schema.seats) for r in rows(store, t)])
    assert new.key not in stored and secret not in stored
    assert codes.digest(new.key) in stored and codes.digest(secret) in stored


def test_sessions_in_threads_share_one_store(url, clock):
    """Streamlit runs each session in a thread of its own: replicas migrating at once, students joining at
    once (each gets a place of their own) and reporting at once, one store for all."""
    import threading

    stores = [ClassStore(url, clock=clock) for _ in range(3)]
    try:
        errors = []

        def each(work, args):
            def run(*a):
                try:
                    work(*a)
                except Exception as err:  # noqa: BLE001 - reported below with the thread's work
                    errors.append(err)
            threads = [threading.Thread(target=run, args=a) for a in args]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert not errors, errors

        each(lambda st: st.migrate(), [(st,) for st in stores])  # three replicas start together
        with stores[0].engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.migrations)).scalar() == 1
        store = stores[0]
        new = store.create_class()
        seats = {}
        each(lambda i: seats.setdefault(i, stores[i % 3].join(new.code, f"S{i}")), [(i,) for i in range(12)])
        assert sorted(s.place for s in seats.values()) == list(range(12))

        def play(i):
            for k in range(40):
                store.report(seats[i].token, report(epoch=k, cost=1 / (k + 1), weights=(k, i)))

        each(play, [(i,) for i in range(12)])
        clock.advance(MIN_WRITE_INTERVAL)
        store.flush()
        roster = stores[1].roster(new.code, new.key)
        assert sorted(s.get("epoch") for s in roster.seats) == [39] * 12
        assert all(s.curve.params[-1].tolist() == [39, int(s.nickname[1:])] for s in roster.seats)
    finally:
        for st in stores:
            st.engine.dispose()


def test_a_new_sqlite_file_locked_by_another_replica_is_waited_for(tmp_path, clock):
    """Switching a new SQLite file to WAL needs it to itself, and SQLite says "database is locked" at once
    (without its busy wait) while another connection writes: a replica starting then waits, not fails. The
    other connection here is plain ``sqlite3``, holding a write lock for 300 ms."""
    import sqlite3
    import threading

    path = tmp_path / "classes.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE other_replica (x)")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    st = ClassStore(f"sqlite:///{path}", clock=clock)
    try:
        assert st.migrate()  # waited for the lock, then created the tables
        with st.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        release.join()
        other.close()
        st.engine.dispose()


# --- what a student can and cannot do ---------------------------------------------------------------------
def test_a_student_can_neither_read_another_seat_nor_command_the_class(store):
    new = store.create_class()
    ada, bo = store.join(new.code, "Ada"), store.join(new.code, "Bo")
    store.report(bo.token, report(epoch=9, cost=0.1))
    bo_id, ada_secret = codes.parse_token(bo.token)[0], codes.parse_token(ada.token)[1]
    forged = codes.seat_token(bo_id, ada_secret)  # Ada's secret on Bo's seat
    for call in (store.rejoin, store.follow, store.leave, lambda t: store.report(t, report())):
        with pytest.raises(NotAuthorized):
            call(forged)
    for teacher_call in (lambda k: store.roster(new.code, k), lambda k: store.pace(new.code, k, page="home"),
                         lambda k: store.pause(new.code, k), lambda k: store.spotlight(new.code, k, bo.seat),
                         lambda k: store.start_experiment(new.code, k, "lr", (0.1, 1)),
                         lambda k: store.results(new.code, k), lambda k: store.snapshot(new.code, k),
                         lambda k: store.remove_seat(new.code, k, bo.seat), lambda k: store.end_class(new.code, k),
                         lambda k: store.stop_experiment(new.code, k), lambda k: store.snapshots(new.code, k)):
        for not_the_key in (ada.token, ada_secret, new.key[:-1], "", None):
            with pytest.raises(NotAuthorized):
                teacher_call(not_the_key)
    with pytest.raises(NotAuthorized):  # the teacher's key is not a seat token either
        store.report(new.key, report())
    # what a student gets back names nobody else: only the class's pacing and their own value
    directive = store.follow(ada.token)
    assert "Bo" not in repr(directive) and "9" not in repr(directive.value)
    assert store.roster(new.code, new.key).seat(bo.seat).get("epoch") == 9  # Bo's data intact


HOSTILE = [
    ("not a dict", ["descent"], "dict"),
    ("too many weights", report(weights=[0.0] * (validate.MAX_PARAMS + 1)), "weights"),
    ("a NaN cost", report(cost=math.nan), "cost"),
    ("an infinite weight", report(weights=[0.0, math.inf]), "weights"),
    ("an infinite learning rate", report(lr=math.inf), "lr"),
    ("a learning rate out of range", report(lr=1e9), "lr"),
    ("a learning rate as text", report(lr="0.5"), "lr"),
    ("an epoch as a float", report(epoch=2.5), "epoch"),
    ("an epoch as a bool", report(epoch=True), "epoch"),
    ("a negative epoch", report(epoch=-1), "epoch"),
    ("a weight as text", report(weights=["1"]), "weights"),
    ("weights as a dict", report(weights={"w": 1}), "weights"),
    ("an unknown page", report(page="admin"), "page"),
    ("an unknown mode", report(mode="adam"), "mode"),
    ("an accuracy above 1", report(accuracy=1.5), "accuracy"),
    ("playing as text", report(playing="yes"), "playing"),
    ("a missing field", {k: v for k, v in report().items() if k != "epoch"}, "epoch"),
    ("an unknown field", report(script="<b>x</b>"), "script"),
    ("a teacher's pause", report(paused=False), "teacher"),
    ("a teacher's pacing", report(pace="home"), "teacher"),
    ("a teacher's locks", report(locks=[]), "teacher"),
    ("a spotlight", report(spotlight=1), "teacher"),
    ("an experiment value", report(value=100.0), "teacher"),
    ("a nickname change", report(nickname="Teacher"), "teacher"),
    ("an oversized query", report(query="n=1&" * 600), "query"),
    ("a query with markup", report(query="task=<script>"), "query"),
    ("points in the query", report(query="pts=AAAA"), "points"),
    ("oversized points", report(points="A" * (validate.MAX_POINTS + 9)), "points"),
    ("damaged points", report(points="AAAAAAAA"), "points"),
    ("a network without hidden units", report(model="network"), "hidden"),
    ("too many fields", {**report(), **{f"x{i}": 1 for i in range(40)}}, "fields"),
]


@pytest.mark.parametrize("what, bad, named", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_reports_are_refused_by_name(what, bad, named):
    with pytest.raises(InvalidReport, match=named):
        validate.report(bad)


def test_a_hostile_student_changes_nothing(store):
    new = store.create_class()
    seat = store.join(new.code, "Mallory")
    store.report(seat.token, report(epoch=1, cost=0.3))
    store.flush()
    for _, bad, _named in HOSTILE:
        with pytest.raises(InvalidReport):
            store.report(seat.token, bad)
    store.flush()
    roster = store.roster(new.code, new.key)
    (only,) = roster.seats
    assert only.get("epoch") == 1 and only.get("cost") == 0.3 and only.nickname == "Mallory"
    assert roster.page is None and not roster.paused and roster.locks == () and roster.experiment is None


def test_reports_and_wrong_codes_are_rate_limited_per_client_and_seat(store, clock):
    new = store.create_class()
    for _ in range(30):
        with pytest.raises(UnknownClass):
            store.join("ABCDE", "Eve", client="10.0.0.9")
    with pytest.raises(RateLimited) as limited:
        store.join(new.code, "Eve", client="10.0.0.9")  # even the right code, until the bucket refills
    assert limited.value.retry_after > 0
    store.join(new.code, "Eve", client="10.0.0.10")  # another client is not held up
    for _ in range(30):
        with pytest.raises(NotAuthorized):
            store.roster(new.code, "wrong", client="10.0.0.9x")
    with pytest.raises(RateLimited):
        store.roster(new.code, new.key, client="10.0.0.9x")
    clock.advance(10)
    store.join(new.code, "Eve2", client="10.0.0.9")  # refilled

    seat = store.join(new.code, "Flood")
    with pytest.raises(RateLimited):
        for k in range(1000):
            store.report(seat.token, report(epoch=k))
    clock.advance(1)
    store.report(seat.token, report(epoch=200))


# --- writes and reads --------------------------------------------------------------------------------------
def _seat_updates(seen):
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith("UPDATE SEATS")]


def test_a_hundred_reports_in_a_second_make_one_write(store, clock):
    """The first report after a quiet second is written at once; the 99 after it within the second are
    coalesced into the last, written by the first call after the second: one write a second, each a few
    hundred bytes."""
    new = store.create_class()
    seat = store.join(new.code, "Ada")
    store.follow(seat.token)
    with statements(store.engine) as seen:
        for k in range(100):
            store.report(seat.token, report(epoch=k, cost=1.0 / (k + 1)))
            clock.advance(0.0099)  # 100 reports within 0.99 s
    assert len(_seat_updates(seen)) == 1 and store.pending() == 1  # the first, at once; the rest wait
    clock.advance(MIN_WRITE_INTERVAL)
    with statements(store.engine) as later:
        store.follow(seat.token)  # any call once the second is over writes the last report
    assert len(_seat_updates(later)) == 1 and store.pending() == 0
    (only,) = store.roster(new.code, new.key).seats
    assert only.get("epoch") == 99 and list(only.curve.epochs) == [0, 99]

    with statements(store.engine) as steady:  # ten reports a second for five seconds: one write a second
        for k in range(50):
            clock.advance(0.1)
            store.report(seat.token, report(epoch=100 + k, cost=0.01, query="n=50&lr=0.5"))
    written = _seat_updates(steady)
    assert 4 <= len(written) <= 5 + 1
    assert all(len(json.dumps(params, default=str)) < 600 for _, params in written)  # a few hundred bytes


def test_an_idle_student_writes_a_heartbeat_and_is_flagged(store, clock):
    new = store.create_class()
    seat = store.join(new.code, "Ada")
    store.report(seat.token, report())
    with statements(store.engine) as seen:
        for _ in range(8):
            clock.advance(HEARTBEAT / 7)
            store.follow(seat.token)
    assert len(_seat_updates(seen)) == 1  # "still here", once in HEARTBEAT
    clock.advance(flags.IDLE_SECONDS)
    store.follow(seat.token)
    store.flush()
    assert store.roster(new.code, new.key).seats[0].flags == ("idle",)
    clock.advance(flags.AWAY_SECONDS)
    assert store.roster(new.code, new.key).seats[0].flags == ("away",)


def _class_of_30(store, clock, epochs=200):
    """30 students who each reported ``epochs`` epochs, about one a second (each round kept, the seats' last
    write being less than a second old, then written by one flush: one transaction a round)."""
    new = store.create_class()
    tokens = [store.join(new.code, f"Student {i}").token for i in range(30)]
    for k in range(epochs):
        for i, token in enumerate(tokens):
            store.report(token, report(epoch=k, cost=1.0 / (k + 1 + i), weights=(k, i, 0.5)))
        store.flush()
        clock.advance(MIN_WRITE_INTERVAL * 0.99)
    return new, tokens


def test_the_roster_is_one_query(store, clock):
    new, tokens = _class_of_30(store, clock, epochs=60)
    with statements(store.engine) as seen:
        roster = store.roster(new.code, new.key)
    assert len(seen) == 1 and seen[0][0].lstrip().upper().startswith("SELECT"), seen
    assert len(roster.seats) == 30 and [s.place for s in roster.seats] == list(range(30))
    for i, s in enumerate(roster.seats):
        assert list(s.curve.epochs) == list(range(60)) and s.curve.costs[-1] == 1.0 / (60 + i)
        assert s.curve.params.shape == (60, 3) and s.curve.params[-1].tolist() == [59, i, 0.5]


def test_the_curve_follows_rewinds_and_new_runs_and_stays_bounded(store, clock, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_CHARS", 4000)  # the bound, smaller: fewer reports reach it
    new = store.create_class()
    seat = store.join(new.code, "Ada")

    def send(**kw):
        store.report(seat.token, report(**kw))
        clock.advance(MIN_WRITE_INTERVAL)

    for k in range(0, 50, 5):
        send(epoch=k, cost=1 / (k + 1), query="lr=0.5")
    send(epoch=20, cost=1 / 21, query="lr=0.5&epoch=20")  # a rewind: the curve ends there
    curve = store.roster(new.code, new.key).seats[0].curve
    assert list(curve.epochs) == [0, 5, 10, 15, 20]
    send(epoch=30, cost=0.9, lr=2.0, query="lr=2.0&epoch=30")  # another learning rate: a new run
    assert list(store.roster(new.code, new.key).seats[0].curve.epochs) == [30]
    played = range(31, 5000, 41)
    for k in played:  # a long Play: the trace keeps its bound
        send(epoch=k, cost=0.5, lr=2.0, weights=(k * 1.000001, -k / 3, math.pi), query="lr=2.0")
    raw = rows(store, schema.seats)[0].trace
    curve = store.roster(new.code, new.key).seats[0].curve
    last = played[-1]
    assert len(raw) <= 4000 < len(trace.text((k, 0.5, (k * 1.000001, -k / 3, math.pi)) for k in played))
    assert curve.epochs[0] == 30 and curve.epochs[-1] == last and np.all(np.diff(curve.epochs) > 0)
    assert curve.params[-1].tolist() == [last * 1.000001, -last / 3, math.pi]


def test_a_report_from_a_real_run_is_accepted_and_drawn_back(store, clock):
    lab = Lab.from_settings(Settings(dataset="custom"), points=encode_points(
        np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]), [0, 1, 1, 0], [False] * 4))
    lab.step(5)
    net = NetLab()
    net.step(3)
    new = store.create_class()
    a, b = store.join(new.code, "Neuron"), store.join(new.code, "Network")
    store.report(a.token, state_of(lab, "descent", playing=True))
    store.report(b.token, state_of(net, "hidden"))
    store.flush()
    roster = store.roster(new.code, new.key)
    s, t = roster.seats
    w, bias = lab.params()
    assert list(s.get("weights")) == [*w.tolist(), bias] and s.get("epoch") == 5 and s.get("playing")
    assert s.points == lab.points_query()["pts"] and "dataset=custom" in s.query and "pts" not in s.query
    assert s.get("chance") == 0.25 and s.get("cost") == lab.history.cost[5]
    assert t.get("model") == "network" and t.get("hidden") == net.settings.h and t.get("epoch") == 3
    p = net.params()
    assert list(t.get("weights")) == [*p.W1.ravel(), *p.b1, *p.w2, p.b2]
    # what the class page draws them over, and "open this run" in the teacher's own lab
    assert np.array_equal(s.dataset().X, lab.points.X.astype(np.float32)) and np.array_equal(t.dataset().X, net.data.X)
    reopened = Lab.from_settings(*_settings_and_points(s.link_query()))
    assert reopened.epoch == 5 and np.array_equal(reopened.params()[0], lab.params()[0])
    other = store.join(new.code, "Preset")
    blobs = Lab.from_settings(Settings(n=40, seed=3, noise=0.3))
    store.report(other.token, state_of(blobs, "dataset"))
    store.flush()
    assert np.array_equal(store.roster(new.code, new.key).seats[2].dataset().X, blobs.points.X)


def test_a_report_says_what_chance_costs_and_when_the_sigmoid_is_saturated():
    assert reports.chance([0, 0, 0, 1], "mse", "batch") == 0.1875
    assert math.isclose(reports.chance([0, 0, 0, 1], "bce", "batch"), -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    assert reports.chance([0, 0, 0, 1], "mse", "rosenblatt") == 0.25 and reports.chance([], "mse", "batch") is None
    flat = state_of(Lab.from_settings(Settings(n=40, init="manual", w1=500.0, w2=-500.0)), "descent")
    assert flat["saturated"] and validate.report(flat)["saturated"]
    assert not state_of(Lab.from_settings(Settings(n=40)), "descent")["saturated"]


def _settings_and_points(query):
    settings, problems = Settings.from_query(query)
    assert not problems, problems
    return settings, query.get("pts")


# --- the teacher's commands ------------------------------------------------------------------------------
def test_pacing_pause_and_spotlight_reach_students_on_another_process(store, url, clock):
    new = store.create_class()
    other = ClassStore(url, clock=clock)  # the students sit on another replica
    try:
        ada, bo = other.join(new.code, "Ada"), other.join(new.code, "Bo")
        before = other.follow(ada.token)
        store.pace(new.code, new.key, page="backprop", locks=("lr", "mode", "landscape"))
        store.pause(new.code, new.key)
        store.spotlight(new.code, new.key, bo.seat)
        clock.advance(VIEW_TTL)
        now = other.follow(ada.token)
        assert now.page == "backprop" and now.paced == before.paced + 1 and now.paused
        assert now.locks == ("lr", "mode", "landscape") and not now.spotlit and other.follow(bo.token).spotlit
        store.pace(new.code, new.key, page=None, locks=())
        store.pause(new.code, new.key, False)
        clock.advance(VIEW_TTL)
        free = other.report(ada.token, report())
        assert free.page is None and free.locks == () and not free.paused and free.paced == before.paced + 2
        for bad in (lambda: store.pace(new.code, new.key, page="admin"),
                    lambda: store.pace(new.code, new.key, locks=("everything",)),
                    lambda: store.pace(new.code, new.key, locks="lr"),
                    lambda: store.spotlight(new.code, new.key, 10**9),
                    lambda: store.spotlight(new.code, new.key, "1")):
            with pytest.raises(InvalidCommand):
                bad()
    finally:
        other.engine.dispose()


def test_the_learning_rate_experiment_is_log_spaced(store, clock):
    new = store.create_class()
    seats = [store.join(new.code, name) for name in ("A", "B", "C", "D", "E")]
    exp = store.start_experiment(new.code, new.key, "lr", (0.01, 100))
    assert (exp.setting, exp.spacing, exp.count) == ("lr", "log", 5)
    clock.advance(VIEW_TTL)
    dealt = [store.follow(s.token).value for s in seats]
    assert dealt == [0.01, 0.1, 1.0, 10.0, 100.0]
    assert np.allclose(np.diff(np.log10(dealt)), 1.0)
    assert store.follow(seats[2].token).link_changes() == {"lr": "1.0"} and "lr" in store.follow(seats[2].token).locks
    late = store.join(new.code, "Late")
    assert late.directive.value == 0.01  # the next student starts the values round again
    for s, value in zip(seats, dealt, strict=True):
        store.report(s.token, report(epoch=100, cost=1 / (1 + value), lr=value, accuracy=0.9))
    store.flush()
    results = store.results(new.code, new.key, reach=0.5)
    assert [r.value for r in results] == [0.01, 0.01, 0.1, 1.0, 10.0, 100.0]
    assert [r.nickname for r in results if r.cost is not None][-1] == "E"
    csv = store.results_csv(new.code, new.key, reach=0.5).splitlines()
    assert csv[0].startswith("seat,nickname,setting,value,epoch,cost,accuracy") and len(csv) == 7
    assert any(line.split(",")[1:4] == ["E", "lr", "100.0"] for line in csv)

    assert values("lr", (0.001, 10), 30)[0] == 0.001 and values("lr", (0.001, 10), 30)[-1] == 10.0
    ratios = np.diff(np.log(values("lr", (0.001, 10), 30)))
    assert np.allclose(ratios, ratios.mean(), rtol=0.02)  # log-spaced, to three significant digits
    assert values("seed", (0, 9), 4) == (0, 3, 6, 9) and values("h", (1, 8), 3) == (1, 4, 8)
    assert values("mode", ("batch", "sample"), 3) == ("batch", "sample", "batch")
    assert set(EXPERIMENTS) <= set(LOCKABLE)  # an experiment's setting can be locked like a link's
    for setting, span in (("lr", (0, 1)), ("lr", (1, 1e6)), ("weights", (0, 1)), ("mode", ("adam",)),
                          ("h", (1, 99)), ("seed", (0.5, 2)), ("lr", 0.5)):
        with pytest.raises(InvalidCommand):
            store.start_experiment(new.code, new.key, setting, span)
    store.stop_experiment(new.code, new.key)
    clock.advance(VIEW_TTL)
    assert store.follow(seats[0].token).value is None and store.results(new.code, new.key) == ()


def test_a_nickname_that_looks_like_a_formula_stays_text_in_the_csv(store):
    new = store.create_class()
    seat = store.join(new.code, "=HYPERLINK(1)")
    store.start_experiment(new.code, new.key, "seed", (1, 2))
    store.report(seat.token, report())
    store.flush()
    assert "'=HYPERLINK(1)" in store.results_csv(new.code, new.key)
    assert store.roster(new.code, new.key).seats[0].nickname == "=HYPERLINK(1)"  # stored as typed


def test_snapshots_keep_the_class_as_it_was(store, clock):
    new = store.create_class()
    seat = store.join(new.code, "Ada")
    for k in range(3):
        store.report(seat.token, report(epoch=k, cost=0.5 - k / 10))
        clock.advance(MIN_WRITE_INTERVAL)
    store.flush()
    first = store.snapshot(new.code, new.key, "before the break")
    store.report(seat.token, report(epoch=50, cost=0.01))
    store.flush()
    (kept,) = store.snapshots(new.code, new.key)
    assert kept.id == first.id and kept.label == "before the break"
    assert kept.seats[0]["state"]["epoch"] == 2 and kept.seats[0]["curve"]["epochs"] == [0, 1, 2]
    for k in range(25):
        store.snapshot(new.code, new.key, f"#{k}")
        clock.advance(1)
    assert len(store.snapshots(new.code, new.key)) == 20


# --- ending, leaving, expiring --------------------------------------------------------------------------
def _count(store, table, class_id) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.class_id == class_id)).scalar()


def _class_id(store, code) -> int | None:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(schema.classes.c.id).where(schema.classes.c.code == code)).scalar()


def test_ending_a_class_deletes_everything_of_it(store):
    a, b = store.create_class("A"), store.create_class("B")
    in_a, in_b = store.join(a.code, "Ada"), store.join(b.code, "Bo")
    for token in (in_a.token, in_b.token):
        store.report(token, report(points=encode_points(np.eye(2), [0, 1], [False, True])))
    store.flush()
    store.snapshot(a.code, a.key)
    store.snapshot(b.code, b.key)
    a_id = _class_id(store, a.code)
    store.end_class(a.code, a.key)
    assert _class_id(store, a.code) is None and _count(store, schema.seats, a_id) == 0
    assert _count(store, schema.snapshots, a_id) == 0
    with pytest.raises(SeatGone):
        store.report(in_a.token, report())
    with pytest.raises(UnknownClass):
        store.roster(a.code, a.key)
    b_id = _class_id(store, b.code)
    assert _count(store, schema.seats, b_id) == 1 and _count(store, schema.snapshots, b_id) == 1
    assert store.roster(b.code, b.key).seats[0].points


def test_a_student_who_leaves_takes_their_data_with_them(store, url, clock):
    new = store.create_class()
    ada, bo = store.join(new.code, "Ada"), store.join(new.code, "Bo")
    store.report(ada.token, report(epoch=4))
    store.spotlight(new.code, new.key, ada.seat, named=True)
    store.leave(ada.token)
    roster = store.roster(new.code, new.key)
    assert [s.nickname for s in roster.seats] == ["Bo"] and roster.spotlight is None
    assert [r.nickname for r in rows(store, schema.seats)] == ["Bo"]
    with pytest.raises(SeatGone):
        store.follow(ada.token)
    restarted = ClassStore(url, clock=clock)
    try:
        with pytest.raises(SeatGone):
            restarted.rejoin(ada.token)
        store.remove_seat(new.code, new.key, bo.seat)  # the teacher takes Bo out: Bo's page learns it
        clock.advance(VIEW_TTL)
        with pytest.raises(SeatGone):
            restarted.follow(bo.token)
    finally:
        restarted.engine.dispose()


def test_expired_classes_are_closed_and_purged(url, clock):
    store = ClassStore(url, clock=clock, hours=1)
    try:
        old = store.create_class("old")
        seat = store.join(old.code, "Ada")
        store.report(seat.token, report())
        store.flush()
        clock.advance(1800)
        young = store.create_class("young")
        clock.advance(1801)  # the first is past its hour, the second is not
        with pytest.raises(UnknownClass):
            store.join(old.code, "Bo")
        with pytest.raises(SeatGone):
            store.follow(seat.token)
        old_id = _class_id(store, old.code)
        assert store.purge_expired() == 1
        assert _class_id(store, old.code) is None and _count(store, schema.seats, old_id) == 0
        with pytest.raises(UnknownClass):
            store.roster(old.code, old.key)
        assert store.roster(young.code, young.key).title == "young"
        assert store.purge_expired() == 0
    finally:
        store.engine.dispose()


# --- faults ------------------------------------------------------------------------------------------------
def test_the_database_stopped_and_started_mid_class(postgres, clock):
    name = postgres.create_database()
    store = ClassStore(postgres.url(name), clock=clock)
    try:
        new = store.create_class()
        seat = store.join(new.code, "Ada")
        store.report(seat.token, report(epoch=1))
        clock.advance(MIN_WRITE_INTERVAL)
        postgres.stop()
        calls = (lambda: store.report(seat.token, report(epoch=7, cost=0.2)), lambda: store.follow(seat.token),
                 lambda: store.roster(new.code, new.key), lambda: store.pause(new.code, new.key),
                 lambda: store.join(new.code, "Bo"), store.create_class, store.flush)
        for call in calls:
            clock.advance(VIEW_TTL)
            with pytest.raises(StoreUnavailable):
                call()
        assert store.pending() == 1  # Ada's last report is kept until it can be written
        postgres.start()
        roster = store.roster(new.code, new.key)  # reconnected by itself; the pending report written first
        assert roster.seats[0].get("epoch") == 7 and store.pending() == 0
        assert store.join(new.code, "Bo").place == 1
        clock.advance(VIEW_TTL)
        assert store.follow(seat.token).code == new.code
    finally:
        store.engine.dispose()
        if not postgres.running:
            postgres.start()
        postgres.drop_database(name)


def test_an_unreachable_database_is_the_one_exception_from_the_first_call(tmp_path, clock):
    (tmp_path / "file").write_text("")  # a file where the database's folder should be
    store = ClassStore(f"sqlite:///{tmp_path / 'file' / 'classes.db'}", clock=clock)
    with pytest.raises(StoreUnavailable):
        store.create_class()
    with pytest.raises(StoreUnavailable):
        store.roster("ABCDEF", "key")


# --- flags and configuration --------------------------------------------------------------------------------
def _curve(epochs, costs, params=None):
    epochs = np.asarray(epochs)
    params = np.zeros((epochs.size, 3)) if params is None else np.asarray(params, dtype=float)
    return trace.Curve._frozen(epochs, np.asarray(costs, dtype=float), params)


def test_flags_say_what_the_class_page_points_out():
    state = {"mode": "batch", "loss": "mse", "lr": 0.5, "chance": None}
    now = START
    rising = _curve([0, 1, 2, 3], [0.3, 0.31, 0.35, 0.5], np.arange(12).reshape(4, 3))
    assert flags.flags(state, rising, now, now, now) == ("diverging",)
    flat = _curve([0, 30, 60], [0.25, 0.2500001, 0.25], np.arange(9).reshape(3, 3))
    assert flags.flags(state, flat, now, now, now) == ("at chance",)
    assert flags.flags({**state, "chance": 0.5}, flat, now, now, now) == ()  # below this class share's chance cost
    assert not flags.at_chance(state, _curve([0, 30], [0.25, 0.25]))  # not for long enough yet
    stuck = _curve([10, 20, 30], [0.4, 0.4, 0.4], np.ones((3, 3)))
    assert flags.flags(state, stuck, now, now, now) == ("saturated",)
    assert flags.flags({**state, "saturated": True}, _curve([], []), now, now, now) == ("saturated",)
    learning = _curve([0, 10, 20], [0.3, 0.1, 0.05], np.arange(9).reshape(3, 3))
    assert flags.flags(state, learning, now, now, now) == ()
    assert flags.flags(None, _curve([], []), now, now - flags.IDLE_SECONDS, now) == ("idle",)
    assert flags.flags(state, learning, now - flags.AWAY_SECONDS, now - 999, now) == ("away",)
    assert flags.chance_cost({"loss": "bce"}) == math.log(2) and flags.chance_cost({"mode": "rosenblatt"}) == 0.5


def test_the_database_is_named_by_the_environment(tmp_path, monkeypatch):
    assert database_url({ENV_URL: "postgres://u:p@db/lab"}) == "postgresql+psycopg://u:p@db/lab"
    assert database_url({ENV_URL: "postgresql://u@db/lab"}) == "postgresql+psycopg://u@db/lab"
    assert database_url({ENV_URL: "postgresql+psycopg://u@db/lab"}) == "postgresql+psycopg://u@db/lab"
    assert database_url({ENV_FILE: str(tmp_path / "x.db")}) == f"sqlite:///{tmp_path / 'x.db'}"
    default = database_url({"XDG_DATA_HOME": str(tmp_path)})
    assert default == f"sqlite:///{tmp_path / 'neuron-lab' / 'classes.sqlite3'}"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the user's data folder, never the repository
    assert database_url({}) == f"sqlite:///{tmp_path / 'home' / '.local' / 'share' / 'neuron-lab' / 'classes.sqlite3'}"
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        ClassStore("mysql://u@db/lab")
