"""The live class on every page: the process's one class store, a student's seat, and what the teacher asks.

One :class:`~perceptron.classroom.ClassStore` serves the whole process (:func:`service`, kept by
``st.cache_resource`` per database address), behind a :class:`Service` that stops asking a database that
could not be reached for ``RETRY`` s: thirty students' pages do not each wait on a database that is down.

A student's session (``keys.SEAT``; the seat token is also in their address bar, ``seat=``, so a reload or
a restart of the server puts them back in their seat):

- :func:`arrive`, at the top of every page run (the frame's :func:`~perceptron.web.frame.page`): reads the
  link once (``seat=``, ``class=`` from a join link, ``class=`` with ``teacher=`` the teacher's own), asks
  the store what to follow (:meth:`~perceptron.classroom.ClassStore.follow`: no query within a second of
  another session's) and follows it: the class's locks added to the lab's ``hide`` (as a teacher's link
  locks; the address bar never carries them, so editing it unlocks nothing), Step and Play at rest while
  the class is paused (``keys.HOLD``, read by :mod:`perceptron.web.playback`), the experiment's value
  applied once, the page the teacher sent everyone to (``st.switch_page``, with a note);
- :func:`ticker`, at the end of every page run and then every ``TICK`` s (an ``st.fragment(run_every=...)``
  in the sidebar; only in a class): reports the run on screen
  (:func:`~perceptron.classroom.state_of`: the store keeps it and writes at most once a second), so that a
  Step or a Play that reruns only its own fragment reaches the class page too, and reruns the page when
  the teacher's directive changed since it was followed; its sidebar status has *Leave the class*;
- :func:`join_panel`: the class code and a nickname.

The store unreachable: the student keeps working alone, the sidebar says so in a line, and the ticker
tries again by itself. Nothing mutable at module level.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from urllib.parse import unquote

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..classroom import (
    EXPERIMENTS,
    ClassroomError,
    ClassStore,
    Directive,
    InvalidReport,
    NotAuthorized,
    SeatGone,
    StoreUnavailable,
    UnknownClass,
    database_url,
    state_of,
)
from ..classroom.codes import normalize_code, parse_token
from ..classroom.validate import NICKNAME_MAX
from ..session.settings import PAGES, NetSettings
from ..text import plain
from . import keys
from .focus import keep_cookie
from .playback import held_too_long
from .site import PAGE_LABELS, PAGE_PATHS

log = logging.getLogger(__name__)

RETRY = 5.0  # s a process leaves a database alone after it could not be reached (every page then works alone)
TICK = 2.0  # s between two reports of a student's page: the class page is at most ~2 s behind, pacing too
PAUSED = ("Your teacher paused the class: Step and Play wait until they release it. Everything else works, "
          "and your run is as you left it.")
UNREACHABLE = "The class store is unreachable right now: you keep working alone, and the class reconnects by itself."
CODE_CHARS = 12  # a class code as typed (6 characters, with spaces or dashes)
TEACHER_KEY_CHARS = 200


class Service:
    """The process's class store, called by method name: ``service()("follow", token)``.

    Once a call raised :class:`~perceptron.classroom.StoreUnavailable`, the next ``RETRY`` s raise it at once
    without touching the database (a database that is down can take seconds to say so, on every call)."""

    def __init__(self, url: str):
        self.store = ClassStore(url)
        self._lock = threading.Lock()
        self._retry_at = -math.inf

    def __call__(self, method: str, *args, **kwargs):
        with self._lock:
            resting = time.monotonic() < self._retry_at
        if resting:
            raise StoreUnavailable()
        try:
            return getattr(self.store, method)(*args, **kwargs)
        except StoreUnavailable:
            with self._lock:
                self._retry_at = time.monotonic() + RETRY
            raise


@st.cache_resource(show_spinner=False)
def _service(url: str) -> Service:
    return Service(url)


def service() -> Service:
    """The process's one class store (the database the environment names: see deploy/README.md)."""
    return _service(database_url())


def client() -> str:
    """Who is calling, for the store's rate limits: the remote address, else (behind a proxy on this
    machine, or in tests) this session."""
    try:
        ip = st.context.ip_address
        if ip and not ipaddress.ip_address(ip).is_loopback:
            return ip
    except (ValueError, AttributeError, RuntimeError):
        pass
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def call(method: str, *args, **kwargs):
    """A call on the process's store, as this session's client."""
    return service()(method, *args, client=client(), **kwargs)


# --- the link, once a session -------------------------------------------------------------------------
def read_link() -> None:
    """On a session's first run: the teacher's link (``class`` and ``teacher``), a student's seat (``seat``) or
    a join link (``class``) into the session; the address bar is written from the session after that."""
    if st.session_state.get(keys.CLASS_LINK):
        return
    st.session_state[keys.CLASS_LINK] = True
    query = st.query_params
    code = normalize_code(query.get("class", "")[:40])
    if (key := query.get("teacher")) and code:
        st.session_state[keys.TEACHER] = (code, key[:TEACHER_KEY_CHARS])
    elif code and (kept := _kept_teacher(code)):  # a reload of the teacher's page: the key this browser kept
        st.session_state[keys.TEACHER] = (code, kept)
    if token := query.get("seat"):
        if parse_token(token) is None:
            note("This link's seat is damaged: join the class again with its code.")
        else:
            st.session_state[keys.SEAT] = {"token": token}
    elif code and keys.TEACHER not in st.session_state:
        st.session_state[keys.JOINING] = code


def _kept_teacher(code: str) -> str | None:
    """The teacher key this browser kept for the class ``code`` (the cookie :func:`keep_teacher` sets), if any."""
    try:
        kept = st.context.cookies.get(keys.TEACHER_COOKIE) or ""
    except Exception:  # no browser behind this session (a test's): nothing kept
        return None
    if not isinstance(kept, str):
        return None
    kept_code, _, key = unquote(kept).partition(".")
    return key[:TEACHER_KEY_CHARS] if kept_code == code and key else None


TEACHER_KEPT = 12 * 3600  # s the browser keeps the teacher key: a school day


def keep_teacher() -> None:
    """In a teacher's session: the key kept in the browser, so the address bar (on the projector) carries only the
    class code and a reload still opens the class page."""
    if teacher := st.session_state.get(keys.TEACHER):
        keep_cookie(keys.TEACHER_COOKIE, "{}.{}".format(*teacher), TEACHER_KEPT)


def note(text: str) -> None:
    """Say ``text`` (plain text) once, at the top of the next page drawn."""
    st.session_state[keys.CLASS_NOTES] = [*st.session_state.get(keys.CLASS_NOTES, []), text]


def notes(here: str) -> None:
    """The class's notes (what it changed), and the join form when a join link opened the session.

    In one container that every page run draws, empty or not: an element that comes and goes would move what
    follows it, and a fragment below (Step and Play's) would get another id (a fragment's id is its place),
    so that a chart's report in flight (a frame, when the teacher's pause stopped Play) named a fragment gone."""
    with st.container():
        for text in st.session_state.pop(keys.CLASS_NOTES, []):
            st.info(plain.markdown(text), icon=":material/groups:")
        if keys.JOINING in st.session_state and keys.SEAT not in st.session_state:
            with st.container(border=True, key="class_join_box"):
                join_panel()


# --- following the teacher ------------------------------------------------------------------------------
def signature(d: Directive) -> tuple:
    """What of a directive a student's page follows: a change of any of it reruns the page."""
    exp = d.experiment
    return (d.title, d.page, d.paced, d.locks, d.paused, d.spotlit,
            None if exp is None else (exp.round, exp.setting, repr(d.value)))


def arrive(here: str, lab) -> None:
    """At the top of a page run: the link read once, then, in a class, the teacher's directive followed."""
    read_link()
    st.session_state[keys.CLASS_HERE] = here
    seat = st.session_state.get(keys.SEAT)
    if seat is None:
        return
    st.session_state.setdefault(keys.OWN_HIDE, lab.settings.hide)
    try:
        if "nickname" not in seat:
            _rejoin(seat)
        directive = call("follow", seat["token"])
    except StoreUnavailable:
        return  # what was followed last holds; the sidebar says the store is unreachable
    except (SeatGone, NotAuthorized, UnknownClass) as err:
        drop(lab, str(err))
        return
    except ClassroomError as err:  # too many calls: the next run follows
        log.info("class follow refused: %s", err)
        return
    follow(directive, here, lab)


def _rejoin(seat: dict) -> None:
    """The seat of the link's token after a reload or a restart: its class, nickname and title."""
    got = call("rejoin", seat["token"])
    seat.update(code=got.code, nickname=got.nickname, seat=got.seat, title=got.directive.title)


def follow(d: Directive, here: str, lab) -> None:
    """Do what the teacher's directive says: locks, pause, the experiment's value, the page."""
    applied = st.session_state.setdefault(keys.CLASS_APPLIED, {})
    seat = st.session_state[keys.SEAT]
    seat.update(title=d.title, spotlit=d.spotlit)
    want = tuple(dict.fromkeys((*st.session_state.get(keys.OWN_HIDE, ()), *d.locks)))
    if lab.settings.hide != want:
        lab.update(hide=want)
    st.session_state[keys.HOLD] = PAUSED if d.paused else None
    if d.experiment is not None and d.value is not None:
        mark = (d.experiment.round, d.experiment.setting, repr(d.value))
        if applied.get("experiment") != mark:
            applied["experiment"] = mark
            _apply_value(d, lab)
    applied["signature"] = signature(d)
    if applied.get("paced") != d.paced:
        applied["paced"] = d.paced
        if d.page is not None and d.page != here and d.page in PAGE_PATHS:
            path = PAGE_PATHS[d.page]
            note(f"Your teacher moved everyone to {PAGE_LABELS[path]}. Your points and your run are as you left them.")
            st.switch_page(path)


def _apply_value(d: Directive, lab) -> None:
    """The class experiment's value for this student, set once through their run's settings."""
    setting = d.experiment.setting
    varied = EXPERIMENTS[setting]
    run = st.session_state.get(keys.NETLAB) if varied.of is NetSettings else lab
    if run is None:
        return
    try:
        run.update(**{setting: d.value})
    except ValueError as err:
        log.warning("class experiment value %r for %s refused: %s", d.value, setting, err)
        return
    shown = f"{d.value:g}" if isinstance(d.value, float) else str(d.value)
    where = " (Hidden layer page)" if varied.of is NetSettings else ""
    note(f"Class experiment: your teacher gave you {varied.label} = {shown}{where}. It stays fixed while the "
         "experiment runs: train and watch what it does to the cost.")


def drop(lab, message: str) -> None:
    """Out of the class (left, removed, ended): the class's locks and pause lifted, and ``message`` said."""
    st.session_state.pop(keys.SEAT, None)
    st.session_state.pop(keys.CLASS_APPLIED, None)
    st.session_state[keys.HOLD] = None
    own = st.session_state.pop(keys.OWN_HIDE, None)
    if lab is not None and own is not None and lab.settings.hide != own:
        lab.update(hide=own)
    note(message)


# --- reporting, and the page following within ~2 s ----------------------------------------------------------
def _state(here: str) -> dict | None:
    """The report of the run on screen on page ``here`` (the network's on the Hidden layer page)."""
    run = st.session_state.get(keys.NETLAB if here == "hidden" else keys.LAB)
    if run is None or here not in PAGES:
        return None
    playing = bool(st.session_state.get((keys.HIDDEN if here == "hidden" else keys.DESCENT).playback))
    try:
        return state_of(run, page=here, playing=playing)
    except (ValueError, IndexError) as err:  # nothing a report can say of this run
        log.info("no class report for this run: %s", err)
        return None


def report(token: str, here: str) -> Directive:
    """The run on screen reported (a follow where nothing can be reported); the directive to follow."""
    state = _state(here)
    if state is None:
        return call("follow", token)
    try:
        return call("report", token, state)
    except InvalidReport as err:  # e.g. more weights than a report carries: the rest of the report still counts
        log.info("class report refused (%s); sent without its weights", err)
        try:
            return call("report", token, {**state, "weights": []})
        except InvalidReport:
            return call("follow", token)


def ticker() -> None:
    """End of a page run, in a class: the status in the sidebar, reported and followed every ``TICK`` s."""
    if keys.SEAT not in st.session_state:
        return
    slot = st.session_state.pop(keys.CLASS_SLOT, None)
    with slot if slot is not None else st.sidebar:
        _ticker()


@st.fragment(run_every=TICK)
def _ticker() -> None:
    seat = st.session_state.get(keys.SEAT)
    if seat is None:
        return
    here = st.session_state.get(keys.CLASS_HERE, "home")
    directive, trouble = None, ""
    try:
        if "nickname" not in seat:
            _rejoin(seat)
        directive = report(seat["token"], here)
    except StoreUnavailable:
        trouble = UNREACHABLE
    except (SeatGone, NotAuthorized, UnknownClass) as err:
        drop(st.session_state.get(keys.LAB), str(err))
        st.rerun()
    except ClassroomError as err:
        log.info("class report refused: %s", err)
    _status(seat, trouble)
    applied = st.session_state.get(keys.CLASS_APPLIED, {})
    if (directive is not None and signature(directive) != applied.get("signature")) or held_too_long():
        st.rerun()  # the teacher changed something: the whole page follows it


def _status(seat: dict, trouble: str) -> None:
    with st.container(border=True, key="class_status"):
        title = f" · {plain.escape(seat['title'])}" if seat.get("title") else ""
        st.markdown(f"**Live class** {plain.code(seat.get('code', ''))}{title}")
        if seat.get("nickname"):
            st.caption(f"You are {plain.code(seat['nickname'])}. Your teacher sees your run as you work.")
        if seat.get("spotlit"):
            st.caption("Your run is on the projector now.")
        if st.session_state.get(keys.HOLD):
            st.caption("Paused by your teacher.")
        if trouble:
            st.warning(trouble, icon=":material/cloud_off:")
        if st.button("Leave the class", key="class_leave", icon=":material/logout:"):
            leave(seat)


def leave(seat: dict) -> None:
    """*Leave the class*: the seat and everything reported deleted, the class's locks lifted."""
    try:
        call("leave", seat["token"])
    except StoreUnavailable:
        st.warning("The class store is unreachable right now, so you are still in the class: try again in a "
                   "moment.", icon=":material/cloud_off:")
        return
    except ClassroomError:
        pass  # already gone
    drop(st.session_state.get(keys.LAB), "You left the class: what you reported to it is deleted.")
    st.rerun()


# --- joining ----------------------------------------------------------------------------------------------
def join_panel() -> None:
    """The class code (filled in from a join link) and a nickname; Join takes a seat."""
    with st.form("class_join", border=False, enter_to_submit=True):
        st.markdown("**Join a live class**")
        left, right = st.columns(2)
        code = left.text_input("Class code (on your teacher's screen)", value=st.session_state.get(keys.JOINING, ""),
                               max_chars=CODE_CHARS, key="class_join_code", placeholder="e.g. K7QX3M")
        name = right.text_input("Your nickname", max_chars=NICKNAME_MAX, key="class_join_name",
                                placeholder="e.g. Ada",
                                help="Shown to your teacher (and, if they choose, the class): a first name or a "
                                     "made-up one. No account, no e-mail.")
        joined = st.form_submit_button("Join", type="primary", icon=":material/login:")
    if joined:
        _join(code, name)


def _join(code: str, name: str) -> None:
    try:
        seat = call("join", code, name)
    except ClassroomError as err:
        st.error(plain.markdown(str(err)), icon=":material/error:")
        return
    st.session_state[keys.SEAT] = {"token": seat.token, "code": seat.code, "nickname": seat.nickname,
                                   "seat": seat.seat, "title": seat.directive.title}
    st.session_state.pop(keys.JOINING, None)
    st.session_state.pop(keys.CLASS_APPLIED, None)
    lab = st.session_state.get(keys.LAB)
    if lab is not None:
        st.session_state[keys.OWN_HIDE] = lab.settings.hide
    note(f"You joined the class as “{seat.nickname}”. Your teacher sees your run as you work; Leave the class "
         "(in the sidebar) deletes what you reported.")
    st.rerun()


def home_panel() -> None:
    """Home: the join form in an expander (a join link shows it at the top instead), or nothing in a class."""
    if keys.SEAT in st.session_state or keys.JOINING in st.session_state:
        return
    with st.expander("Join a live class", icon=":material/groups:"):
        join_panel()
