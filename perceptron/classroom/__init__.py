r"""The live class: a teacher's class code, students' seats, their reports, pacing and a class experiment.

A pure Python API over a database (SQLAlchemy Core 2: SQLite by default, PostgreSQL when
``NEURON_LAB_DATABASE_URL`` is set; no Streamlit here), usable from a notebook:

.. code-block:: python

    from perceptron.classroom import ClassStore, state_of
    store = ClassStore()                          # the database named by the environment (see deploy/README.md)
    new = store.create_class("Period 3")          # new.code for the projector, new.key for the teacher's link only
    seat = store.join(new.code, "Ada")            # seat.token goes in the student's link
    directive = store.report(seat.token, state_of(lab, page="descent"))
    roster = store.roster(new.code, new.key)      # every seat, one query

**Who holds what.** The teacher's link carries the class code and the teacher key; a student's link
carries their seat token. Every teacher call takes ``(code, key)``; every student call takes the
``token``. The store keeps only hashes of keys and tokens (:mod:`~perceptron.classroom.codes`) and
checks them on every call, so a token opens one seat and no teacher command, and no call gives a
student anything of another student. Pass ``client=`` (the remote address, else the session id) on
the web so that wrong codes, keys and tokens are rate-limited per client.

**A student's page** (one :class:`ClassStore` per process, e.g. in ``st.cache_resource``):

- on opening with a token in the link: :meth:`ClassStore.rejoin` (the seat, its nickname, the last report
  and link: after a server restart this is where the run comes back from);
- without one, a join form: :meth:`ClassStore.join` (code, nickname) → put ``seat.token`` in the link;
- on every rerun: :meth:`ClassStore.report` with :func:`state_of` of the run on screen (``Lab`` or
  ``NetLab``). It returns a :class:`Directive` at once and writes at most once a second;
- from a timer every 1–2 s while the page is open (an ``st.fragment(run_every=...)``):
  :meth:`ClassStore.follow` → the same :class:`Directive`. Follow it: go to ``directive.page`` when
  ``directive.paced`` changed (say the teacher moved them), lock ``directive.locks`` as a teacher's link's
  ``hide`` does, stop Play while ``directive.paused``, apply ``directive.link_changes()`` (the
  experiment's value) when ``directive.experiment.round`` changed;
- a *Leave the class* button: :meth:`ClassStore.leave` (their data deleted).

**The teacher's class page:** :meth:`ClassStore.create_class` once; every ~2 s :meth:`ClassStore.roster`
(ONE query: every :class:`SeatView` with its last report, :class:`~perceptron.classroom.trace.Curve` and
:mod:`~perceptron.classroom.flags`; draw a seat's boundary from ``seat.get("weights")`` over
``seat.dataset()``, which rebuilds its points without training; "open this run" opens ``seat.link_query()``
in the teacher's own lab); the buttons call :meth:`~ClassStore.pace`, :meth:`~ClassStore.pause`,
:meth:`~ClassStore.spotlight`, :meth:`~ClassStore.start_experiment` / :meth:`~ClassStore.stop_experiment`,
:meth:`~ClassStore.results` / :meth:`~ClassStore.results_csv`, :meth:`~ClassStore.snapshot` /
:meth:`~ClassStore.snapshots`, :meth:`~ClassStore.remove_seat` and :meth:`~ClassStore.end_class`.

**Faults.** Every call may raise :class:`StoreUnavailable` (the one exception for "the database cannot be
reached"): a student's page carries on alone with a note and calls again on its next rerun or tick, a
teacher's page says the class store is unreachable; both reconnect by themselves (connections are checked
before use, a broken one is never reused). The other exceptions (:mod:`~perceptron.classroom.errors`) are
all :class:`ClassroomError`, each with a message for the person at the screen.

**What is stored, for how long.** A class's code, title, the teacher key's hash, pacing, experiment; each
seat's nickname, its token's hash, its last report (page, mode, cost function, learning rate, epoch, cost,
accuracy, weights), the link that reopens its run and its hand-made points, the cost and weights of every
report written (bounded: ``trace.MAX_CHARS`` a seat), its experiment value; snapshots. Everything of a
class is deleted when the teacher ends it, or ``NEURON_LAB_CLASS_HOURS`` (12) after it began; a student who
leaves deletes their seat.

Modules: ``store`` (the store), ``schema`` (tables, migrations), ``validate`` (reports, nicknames,
commands), ``codes`` (codes, keys, tokens), ``experiment`` (what a class can vary), ``trace`` (the
curves), ``flags``, ``limits`` (rate limits), ``reports`` (a report from a run), ``errors``.
"""

from __future__ import annotations

from .errors import (
    ClassFull,
    ClassroomError,
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
)
from .experiment import EXPERIMENTS
from .flags import FLAGS
from .reports import state_of
from .store import (
    ClassStore,
    Directive,
    Experiment,
    NewClass,
    Result,
    Roster,
    Seat,
    SeatView,
    Snapshot,
    database_url,
)
from .trace import Curve

__all__ = [
    "EXPERIMENTS", "FLAGS", "ClassFull", "ClassStore", "ClassroomError", "Curve", "Directive", "Experiment",
    "InvalidCommand", "InvalidNickname", "InvalidReport", "NewClass", "NicknameTaken", "NotAuthorized",
    "RateLimited", "Result", "Roster", "SchemaTooNew", "Seat", "SeatGone", "SeatView", "Snapshot",
    "StoreUnavailable", "UnknownClass", "database_url", "state_of",
]
