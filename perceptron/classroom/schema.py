r"""The live class's tables, its schema version and the migrations that build them from an empty database.

Three tables (SQLAlchemy Core, the same on SQLite and PostgreSQL):

``classes``  one row a class: its ``code`` (unique), the SHA-256 of its teacher key (``key_hash``), a
             ``title``, when it was made and when it expires (``expires_at``, indexed for the purge), and
             everything the teacher set: the page everyone is sent to (``page``), the ``locks`` (comma
             list), ``paused``, ``paced`` (grows with each pacing command, so a student's page says once
             that the teacher moved it), the ``spotlight`` seat and whether its nickname is shown, the
             experiment (``exp_setting``, ``exp_span`` as JSON, ``exp_count`` values, ``exp_round`` grows
             with each experiment, ``exp_next`` the next value's index for a student who joins late) and
             ``joined`` (seats ever taken: the next seat's ``place``).
``seats``    one row a student: ``class_id`` (cascade), the SHA-256 of the seat's secret (``token_hash``),
             ``nickname`` (text) and ``nick_key`` (folded; unique in a class), ``place`` (join order),
             ``joined_at`` / ``seen_at`` / ``changed_at``, the last report (``state``, JSON of a few hundred
             bytes), the link's ``query`` and ``points`` (written only when they change), the run's
             ``trace`` (:mod:`perceptron.classroom.trace`, bounded) and the experiment value
             (``exp_value``, as the link writes it).
``snapshots`` the class at a moment, as the teacher took it: ``class_id`` (cascade), ``taken_at``,
             ``label``, ``roster`` (JSON, each curve thinned).

Times are seconds since the epoch (floats), from the store's clock, so that every replica reads them alike.

**Migrations.** ``neuron_lab_migrations`` records each applied migration (version, name, when).
:data:`MIGRATIONS` lists them in order; each is a function of a connection that builds its own tables
(never the current ``Table`` objects below, which may change later), so a database of any age goes up
step by step. :func:`migrate` applies the missing ones in one transaction, serialized between
processes (PostgreSQL: a transaction-level advisory lock; SQLite: ``BEGIN IMMEDIATE``), so replicas
that start together migrate once. ``tests/test_class_store.py`` checks that the migrated tables are
exactly the ones declared here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from .errors import SchemaTooNew

ADVISORY_LOCK = 0x4E4C_4C41  # "NLLA": PostgreSQL's lock id for migrations of the live class


def _classes(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "classes", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(6), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.String(80), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("expires_at", sa.Double, nullable=False, index=True),
        sa.Column("page", sa.String(16)),
        sa.Column("locks", sa.String(600), nullable=False, server_default=""),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("paced", sa.Integer, nullable=False, server_default="0"),
        sa.Column("spotlight", sa.Integer),
        sa.Column("spotlight_named", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("exp_setting", sa.String(16)),
        sa.Column("exp_span", sa.String(400)),
        sa.Column("exp_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("exp_round", sa.Integer, nullable=False, server_default="0"),
        sa.Column("exp_next", sa.Integer, nullable=False, server_default="0"),
        sa.Column("joined", sa.Integer, nullable=False, server_default="0"),
    )


def _class_ref() -> sa.Column:
    """A row's class (a new column each time: a column belongs to one table), deleted with it."""
    return sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False,
                     index=True)


def _seats(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "seats", md,
        sa.Column("id", sa.Integer, primary_key=True),
        _class_ref(),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("nickname", sa.String(24), nullable=False),
        sa.Column("nick_key", sa.String(100), nullable=False),
        sa.Column("place", sa.Integer, nullable=False),
        sa.Column("joined_at", sa.Double, nullable=False),
        sa.Column("seen_at", sa.Double, nullable=False),
        sa.Column("changed_at", sa.Double, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default=""),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("points", sa.Text, nullable=False, server_default=""),
        sa.Column("trace", sa.Text, nullable=False, server_default=""),
        sa.Column("exp_value", sa.String(40)),
        sa.UniqueConstraint("class_id", "nick_key", name="seats_one_nickname"),
    )


def _snapshots(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "snapshots", md,
        sa.Column("id", sa.Integer, primary_key=True),
        _class_ref(),
        sa.Column("taken_at", sa.Double, nullable=False),
        sa.Column("label", sa.String(80), nullable=False, server_default=""),
        sa.Column("roster", sa.Text, nullable=False),
    )


def _migrations(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "neuron_lab_migrations", md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.Double, nullable=False),
    )


# --- the migrations, in order ------------------------------------------------------------------------------
def _v1(conn: sa.Connection) -> None:
    """Version 1: classes, seats and snapshots, as declared above on 2026-12 (frozen here from now on)."""
    md = sa.MetaData()
    for table in (_classes(md), _seats(md), _snapshots(md)):
        table.create(conn)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sa.Connection], None]


MIGRATIONS = (Migration(1, "classes, seats and snapshots", _v1),)
SCHEMA_VERSION = MIGRATIONS[-1].version

# the current tables, for the store's statements (declarations, not state: nothing here changes at run time)
metadata = sa.MetaData()
classes = _classes(metadata)
seats = _seats(metadata)
snapshots = _snapshots(metadata)
migrations = _migrations(metadata)


def version(conn: sa.Connection) -> int:
    """The schema version of the database on ``conn`` (0 when empty)."""
    if not sa.inspect(conn).has_table(migrations.name):
        return 0
    return int(conn.execute(sa.select(sa.func.max(migrations.c.version))).scalar() or 0)


def migrate(engine: sa.Engine, steps=MIGRATIONS, clock: Callable[[], float] = time.time) -> list[int]:
    """Bring the database up to the last of ``steps``; returns the versions applied (empty when up to date).

    Raises :class:`~perceptron.classroom.errors.SchemaTooNew` when the database has a version this code
    does not know (a newer Neuron Lab migrated it); database errors are the caller's to map.
    """
    steps = sorted(steps, key=lambda m: m.version)
    with engine.execution_options(nl_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        migrations.create(conn, checkfirst=True)
        done = set(conn.execute(sa.select(migrations.c.version)).scalars())
        unknown = done - {m.version for m in steps}
        if unknown:
            raise SchemaTooNew(f"The class database has schema version {max(unknown)}, newer than this app's "
                               f"{steps[-1].version}: update Neuron Lab, or point it at another database.")
        ran = []
        for m in steps:
            if m.version in done:
                continue
            m.apply(conn)
            conn.execute(sa.insert(migrations).values(version=m.version, name=m.name, applied_at=clock()))
            ran.append(m.version)
    return ran
