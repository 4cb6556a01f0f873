"""The teacher's side of the live class: *Start a live class* (Home → For teachers) and the class page.

The teacher's session holds the class's code and key (``keys.TEACHER``), from *Start a live class* or from
the teacher's own link (``?class=CODE&teacher=KEY``). The address bar then carries only the code: the browser
keeps the key in a cookie (``classroom.keep_teacher``), so the projector never shows it and a reload or a
restart of the server finds the class again. The class page (``pages/7_Class.py``) draws:

- the join address, the code and its QR code, for the projector;
- pacing (everyone to a page, locks, pause), the class experiment, snapshots, the end of the class: buttons
  outside the live part, so a click runs the page once;
- the live part, an ``st.fragment(run_every=REFRESH)`` that reads the class with ONE
  :meth:`~perceptron.classroom.ClassStore.roster` call: the spotlight, every student's small multiple
  (boundary over their points, drawn from their reported weights, and cost curve: one figure,
  :func:`perceptron.views.classviews.grid_figure`), the class's cost curves overlaid, the experiment's results,
  the roster as a table; a student's boundary is recomputed only when their report changed (kept per seat in
  the teacher's session).

Nicknames are text: in Markdown as code spans (:func:`perceptron.text.plain.code`), in figures HTML-escaped,
in tables as cells. Nothing mutable at module level.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..classroom import EXPERIMENTS, ClassroomError, NotAuthorized, StoreUnavailable, UnknownClass
from ..session.settings import PAGES
from ..text import plain
from ..text.worked import text
from ..views import classviews as cv
from ..views.share import local_only
from . import keys, memo
from .classroom import call, service
from .controls import CONTROLS, MODE_LABELS
from .draw import show
from .site import LAB_LINKS, PAGE_KEYS, PAGE_LABELS, PAGE_LINKS, PAGE_PATHS

CLASS_PAGE = "pages/7_Class.py"
REFRESH = 2.0  # s between two reads of the class (the roster)
CURVE_POINTS = 60  # entries of a student's cost curve drawn in their small multiple
ROSTER = "class_roster"  # session: the last roster read (the controls' defaults)
PLANES = "class_planes"  # session: seat -> (what it was drawn from, Plane): a boundary computed once per report
OPEN = "class_open"  # session: a student's run to open in the teacher's lab (query, network?), on the next full run
TROUBLE = "class_trouble"  # session: what the last button could not do, said once
SEEN = "class_seen"  # session: the seats the controls were drawn for (a join or a leave redraws them)
SORTS = MappingProxyType({"joined": "join order", "cost": "highest cost first", "epoch": "most epochs first", "name": "name"})
MEASURES = MappingProxyType({"cost": "final cost", "reach": "first epoch with cost ≤", "accuracy": "accuracy"})
# a range to start from for each setting a class can vary
SPANS = MappingProxyType({"lr": (0.01, 10.0), "hlr": (0.1, 30.0), "seed": (0, 29), "init_seed": (0, 29), "noise": (0.0, 0.5),
         "batch_size": (1, 40), "h": (1, 8), "hseed": (0, 29), "hbatch": (1, 40)})
# what a link drops when the teacher opens a student's run in their own lab: the student's locks and lesson
NOT_OPENED = ("hide", "task", "lesson", "large", "seat", "class", "teacher")


def teacher() -> tuple[str, str] | None:
    """The session's class as its teacher: (code, key), or None."""
    return st.session_state.get(keys.TEACHER)


# --- addresses ---------------------------------------------------------------------------------------------
def _url_names() -> set[str]:
    return {re.sub(r"^\d+_", "", Path(p).stem) for p, *_ in PAGE_LINKS[1:]}


def site_root() -> str:
    """The app's address, ending in "/" (this page's address without its page name and query)."""
    base = (st.context.url or "").split("?")[0].split("#")[0]
    head, _, last = base.rstrip("/").rpartition("/")
    if last in _url_names() and "//" in head + "/":
        return head + "/"
    return base if base.endswith("/") else base + "/"


def join_link(code: str) -> str:
    """The students' join address: Home with the class code filled in."""
    return site_root() + "?" + urlencode({"class": code})


def teacher_link(code: str, key: str) -> str:
    """The teacher's own address of the class page: it carries the key."""
    return site_root() + re.sub(r"^\d+_", "", Path(CLASS_PAGE).stem) + "?" + urlencode({"class": code, "teacher": key})


# --- Home → For teachers: start a class --------------------------------------------------------------------
def start_panel() -> None:
    """*Start a live class*; once started, what the projector shows and the teacher's own link."""
    mine = teacher()
    if mine is None:
        st.caption("Students join with a code and a nickname (no account, no e-mail). You see every student's neuron "
                   "learn, live, on the class page; you can move everyone to a page, lock settings, pause the "
                   "class, show one run on the projector and run one experiment with the whole class.")
        title = st.text_input("A title for the class (optional, shown to the students)", max_chars=80,
                              key="class_title", placeholder="e.g. Period 3: the learning rate")
        if st.button("Start a live class", type="primary", key="class_start", icon=":material/groups:"):
            try:
                new = call("create_class", title)
            except ClassroomError as err:
                st.error(plain.markdown(str(err)), icon=":material/cloud_off:")
                return
            st.session_state[keys.TEACHER] = (new.code, new.key)
            st.rerun()
        return
    code, key = mine
    projector(code)
    own_link(code, key)
    st.page_link(CLASS_PAGE, label="Open the class page", icon=":material/groups:")


def projector(code: str) -> None:
    """The join address and the class code, large, with the join link's QR code."""
    link = join_link(code)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        st.markdown("Students open")
        st.markdown(f"### {plain.code(link)}")
        st.markdown("or go to Home and type the class code:")
        # the code is 6 characters of the codes' alphabet (letters and digits only), checked when it was read
        st.html(f'<p data-testid="class-code" style="font-size:3.6rem;font-weight:700;letter-spacing:0.25em;'
                f'font-family:monospace;margin:0.1em 0">{code}</p>')
        if why := local_only(link):
            st.warning(f"Students' devices cannot open this address: {why}. Run the app with "
                       "`--server.address 0.0.0.0` and share this computer's network address, or use a hosted copy.",
                       icon=":material/wifi_off:")
    with right:
        st.image(memo.qr_svg(link), caption="Or scan this to join", width=260)


def own_link(code: str, key: str) -> None:
    st.markdown("**Your own link to the class page** (it carries the teacher key):")
    st.code(teacher_link(code, key), language=None, wrap_lines=True)
    st.warning("Keep this link to yourself: whoever has it can see every student and steer the class. It cannot be "
               "recovered if lost; the class and its data are deleted when you end it, or 12 hours after it began.",
               icon=":material/key:")


# --- the class page -----------------------------------------------------------------------------------------
def class_page() -> None:
    """The class page's body (the frame drawn around it by the page)."""
    code, key = teacher()
    if (pending := st.session_state.pop(OPEN, None)) is not None:
        _open_run(*pending)
    with st.container():  # always drawn: the live fragment below keeps its place, and so its id
        if trouble := st.session_state.pop(TROUBLE, None):
            st.error(plain.markdown(trouble), icon=":material/error:")
    last = st.session_state.get(ROSTER)
    with st.expander("Join address and QR code (for the projector)", icon=":material/qr_code_2:",
                     expanded=last is None or not last.seats):  # folded away once students are in
        projector(code)
    with st.expander("Your own link to this page", icon=":material/key:"):
        own_link(code, key)
    controls = st.container()
    live(code, key)
    roster = st.session_state.get(ROSTER)
    if roster is None or roster.code != code:
        return
    with controls:
        pacing(code, key, roster)
        if roster.seats:
            actions(code, key, roster)
        experiment(code, key, roster)
        snapshots(code, key)
        ending(code, key)


def _do(method: str, *args, **kwargs) -> bool:
    """A teacher's command; a refusal (the store unreachable, a bad range) is said at the top, once."""
    try:
        call(method, *args, **kwargs)
    except ClassroomError as err:
        st.session_state[TROUBLE] = str(err)
        return False
    return True


def _page_label(page: str | None) -> str:
    return PAGE_LABELS[PAGE_PATHS[page]] if page in PAGE_PATHS else "their own choice"


def pacing(code: str, key: str, roster) -> None:
    """Everyone to a page, settings and pages locked for everyone, pause."""
    with st.container(border=True, key="class_pacing"):
        st.markdown("**Pacing**")
        row = st.container(horizontal=True, vertical_alignment="bottom")
        target = row.selectbox("Move everyone to", list(PAGES), format_func=_page_label, key="class_page_to",
                               index=list(PAGES).index("descent"))
        if row.button("Move everyone", key="class_move", icon=":material/near_me:"):
            if _do("pace", code, key, page=target):
                st.rerun()
        paused = roster.paused
        if row.button("Release everyone" if paused else "Pause everyone", key="class_pause",
                      type="primary" if not paused else "secondary",
                      icon=":material/play_arrow:" if paused else ":material/pause:"):
            if _do("pause", code, key, not paused):
                st.rerun()
        if roster.page:
            st.caption(plain.escape(f"Everyone was sent to {_page_label(roster.page)}; a student who joins now "
                                    "starts there."))
        names = {PAGE_KEYS[p]: f"page {label}" for p, label, _ in LAB_LINKS} | dict(CONTROLS)
        row = st.container(horizontal=True, vertical_alignment="bottom")
        current = [n for n in roster.locks if n in names]
        locks = row.multiselect("Locked for everyone (as a teacher's link locks)", list(names), default=current,
                                format_func=names.get, key=f"class_locks_{roster.paced}")
        if row.button("Apply the locks", key="class_lock", icon=":material/lock:", disabled=locks == current):
            if _do("pace", code, key, locks=locks, page=None):
                st.rerun()
        if paused:
            st.caption("The class is paused: Play stopped everywhere, and Step and Play wait until you release it.")


def experiment(code: str, key: str, roster) -> None:
    """The class experiment: one setting, a range, each student their own value."""
    with st.expander("Class experiment", icon=":material/science:"):
        st.caption("Each student gets their own value of one setting (log-spaced for a learning rate, evenly "
                   "otherwise, in the order they joined; later arrivals get the next value). It is locked on their "
                   "screen while the experiment runs. The results are plotted against the value, one dot per student.")
        row = st.container(horizontal=True, vertical_alignment="bottom")
        setting = row.selectbox("Setting", list(EXPERIMENTS), format_func=lambda k: EXPERIMENTS[k].label,
                                key="class_exp_setting")
        varied = EXPERIMENTS[setting]
        if varied.choices:
            span = row.multiselect("Values", list(varied.choices), default=list(varied.choices[:2]),
                                   format_func=lambda m: MODE_LABELS.get(m, m), key=f"class_exp_modes_{setting}")
        else:
            lo, hi = SPANS[setting]
            whole = isinstance(lo, int)
            kind = dict(step=1) if whole else dict(format="%.4g")
            span = (row.number_input("From", value=lo, min_value=0 if whole else 0.0, key=f"class_exp_lo_{setting}", **kind),
                    row.number_input("To", value=hi, min_value=0 if whole else 0.0, key=f"class_exp_hi_{setting}", **kind))
        if row.button("Start the experiment", key="class_exp_start", type="primary", icon=":material/play_arrow:"):
            if _do("start_experiment", code, key, setting, list(span)):
                st.rerun()
        if roster.experiment is not None:
            e = roster.experiment
            shown = ", ".join(map(str, e.span)) if e.spacing == "choice" else f"{e.span[0]:g} to {e.span[1]:g}"
            st.caption(plain.escape(f"Running: {e.label}, {shown}, over {e.count} students ({e.spacing} spacing)."))
            if st.button("Stop the experiment", key="class_exp_stop", icon=":material/stop:"):
                if _do("stop_experiment", code, key):
                    st.rerun()
            # here, not in the live part: a 2-second rerun there replaced the button and cancelled a download
            # in flight; the file is made when clicked, from the class as it is then
            st.download_button("Results (CSV)", lambda: _results_csv(code, key), f"class-{code}-results.csv",
                               "text/csv", key="class_results_csv", icon=":material/download:")
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.radio("Plot", list(MEASURES), format_func=MEASURES.get, key="class_exp_measure", horizontal=True)
        row.number_input("cost to reach", min_value=0.0, value=0.05, format="%.4g", key="class_exp_reach",
                         help="For “first epoch with cost ≤”: the cost to reach (at the grain of the reports).")


def _results_csv(code: str, key: str) -> str:
    """The experiment's results as CSV, with the measure the teacher chose (the cost to reach, if that)."""
    reach = float(st.session_state.get("class_exp_reach", 0.05))
    try:
        return call("results_csv", code, key,
                    reach=reach if st.session_state.get("class_exp_measure", "cost") == "reach" else None)
    except ClassroomError as err:
        return f"{err}\n"


def snapshots(code: str, key: str) -> None:
    with st.expander("Snapshots", icon=":material/photo_camera:"):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        label = row.text_input("Label (optional)", max_chars=80, key="class_snap_label")
        if row.button("Take a snapshot", key="class_snap", icon=":material/photo_camera:"):
            if _do("snapshot", code, key, label):
                st.toast("Snapshot kept.")
        if not st.toggle("Show the snapshots", key="class_snap_show"):
            return
        try:
            taken = call("snapshots", code, key)
        except ClassroomError as err:
            st.error(plain.markdown(str(err)))
            return
        if not taken:
            st.caption("No snapshot yet.")
        for snap in reversed(taken):
            when = cv.ago(_now() - snap.taken_at)
            st.download_button(plain.escape(f"{snap.label or 'Snapshot'} · {len(snap.seats)} students · {when}"),
                               json.dumps({"taken_at": snap.taken_at, "label": snap.label,
                                           "experiment": snap.experiment, "seats": list(snap.seats)}, indent=1),
                               f"class-{code}-snapshot-{snap.id}.json", "application/json",
                               key=f"class_snap_{snap.id}", icon=":material/download:")


def _now() -> float:
    return service().store.clock()


def ending(code: str, key: str) -> None:
    with st.expander("End the class", icon=":material/logout:"):
        st.caption("Ending the class deletes it now: every student's seat, report, curve and the snapshots. "
                   "Students keep their own work on their own screens.")
        sure = st.checkbox("Yes, end the class and delete its data", key="class_end_sure")
        if st.button("End the class", key="class_end", disabled=not sure, icon=":material/delete:"):
            try:
                call("end_class", code, key)
            except ClassroomError as err:
                st.error(plain.markdown(str(err)))
                return
            st.session_state.pop(keys.TEACHER, None)
            st.session_state.pop(ROSTER, None)
            st.session_state.pop(PLANES, None)
            st.switch_page("app.py")


# --- the live part ------------------------------------------------------------------------------------------
@st.fragment(run_every=REFRESH)
def live(code: str, key: str) -> None:
    """Everything that follows the students: read once per refresh (one roster query)."""
    try:
        roster = call("roster", code, key)
    except StoreUnavailable:
        st.error("The class store is unreachable right now: this page tries again every 2 s. Students keep working "
                 "alone meanwhile, and nothing they did is lost.", icon=":material/cloud_off:")
        return
    except (UnknownClass, NotAuthorized) as err:
        st.error(plain.markdown(f"{err} Start a new class on Home → For teachers."), icon=":material/error:")
        return
    except ClassroomError as err:
        st.warning(plain.markdown(str(err)))
        return
    st.session_state[ROSTER] = roster
    seats = roster.seats
    ctx = get_script_run_ctx()
    ids = tuple(s.seat for s in seats)
    if ctx is not None and not ctx.fragment_ids_this_run:  # a full run: the controls are drawn for these seats
        st.session_state[SEEN] = ids
    elif ids != st.session_state.get(SEEN):
        st.rerun()  # a student joined or left: the whole page, so that the controls list them
    title = f" · {plain.escape(roster.title)}" if roster.title else ""
    said = [f"**{len(seats)} student{'' if len(seats) == 1 else 's'}**{title}"]
    if roster.paused:
        said.append("paused")
    if roster.locks:
        said.append(plain.escape("locked: " + ", ".join(roster.locks)))
    st.markdown(" · ".join(said))
    row = st.container(horizontal=True, vertical_alignment="center")
    order = row.radio("Order", list(SORTS), format_func=SORTS.get, key="class_sort", horizontal=True)
    anonymous = row.toggle("Hide nicknames (projector)", key="class_anonymous")
    shown = _sorted(seats, order)
    cells = [_cell(s, roster.now, anonymous) for s in shown]
    _spotlight(roster, {c.seat: c for c in cells})
    if not seats:
        st.info(plain.markdown(f"No student yet: they open the join address and type the code {code}."),
                icon=":material/groups:")
        return
    show(cv.grid_figure(cells), key="class_grid", alt=cv.grid_alt(cells))
    show(cv.curves_figure([(c.name, c.epochs, c.costs) for c in cells]), key="class_curves",
         alt=f"The cost curves of {len(cells)} students on one plot, cost against epoch.")
    if roster.experiment is not None:
        _results(code, key, roster, {c.seat: c.name for c in cells})
    st.dataframe(cv.roster_table([_row(s, c, roster.now) for s, c in zip(shown, cells, strict=True)]),
                 hide_index=True, width="stretch", key="class_table")
    planes = st.session_state.get(PLANES, {})
    for gone in set(planes) - {s.seat for s in seats}:
        planes.pop(gone, None)


def _sorted(seats, order: str) -> list:
    if order == "name":
        return sorted(seats, key=lambda s: s.nickname.casefold())
    if order == "cost":
        return sorted(seats, key=lambda s: (s.get("cost") is None, -(s.get("cost") or 0.0), s.place))
    if order == "epoch":
        return sorted(seats, key=lambda s: (-(s.get("epoch") or 0), s.place))
    return sorted(seats, key=lambda s: s.place)


def _name(seat, anonymous: bool) -> str:
    return f"Student {seat.place + 1}" if anonymous else seat.nickname


def _cell(seat, now: float, anonymous: bool) -> cv.Cell:
    """A student's small multiple: their plane (recomputed only when their report changed) and curve."""
    curve = seat.curve.thinned(CURVE_POINTS)
    epoch, cost = seat.get("epoch"), seat.get("cost")
    line = "no report yet" if seat.state is None else (
        f"epoch {epoch} · cost {text(cost, 3) if cost is not None else 'n/a'}")
    detail = () if seat.state is None else (
        f"{_page_label(seat.get('page')).split(' · ')[-1]} · {cv.ago(now - seat.seen_at)}",
        f"{seat.get('mode')} · α {seat.get('lr'):g}" + (f" · h = {seat.get('hidden')}" if seat.get("hidden") else ""))
    return cv.Cell(seat=seat.seat, name=_name(seat, anonymous), line=line, plane=_plane(seat),
                   epochs=tuple(curve.epochs.tolist()), costs=tuple(curve.costs.tolist()), flags=seat.flags,
                   detail=detail)


def _plane(seat) -> cv.Plane | None:
    """The student's points and boundary, from their link and weights (kept until their report changes)."""
    if seat.state is None:
        return None
    mark = (seat.query, seat.points, seat.get("model"), seat.get("hidden"), tuple(seat.get("weights", ())))
    planes = st.session_state.setdefault(PLANES, {})
    kept = planes.get(seat.seat)
    if kept is not None and kept[0] == mark:
        return kept[1]
    try:
        data = seat.dataset()
        features = cv.pipeline(_query(seat), seat.get("model"), data)
        drawn = cv.plane(data, features, seat.get("model"), seat.get("weights", ()), seat.get("hidden"))
    except ValueError:
        drawn = None
    planes[seat.seat] = (mark, drawn)
    return drawn


def _query(seat) -> dict:
    return dict(parse_qsl(seat.query, keep_blank_values=True))


def _row(seat, cell: cv.Cell, now: float) -> dict:
    cost, acc = seat.get("cost"), seat.get("accuracy")
    return {"student": cell.name, "epoch": seat.get("epoch"), "cost": cost,
            "accuracy": None if acc is None else round(100 * acc, 1),
            "page": _page_label(seat.get("page")) if seat.state else None, "mode": seat.get("mode"),
            "α": seat.get("lr"), "value": None if seat.value is None else str(seat.value),
            "flags": ", ".join(seat.flags), "last seen": cv.ago(now - seat.seen_at)}


def _spotlight(roster, cells: dict) -> None:
    """One student's run large, the nickname hidden unless the teacher chose to show it."""
    seat = roster.spotlit
    if seat is None:
        return
    cell = cells[seat.seat]
    if not roster.spotlight_named:
        cell = cv.Cell(cell.seat, "A student (name hidden)", cell.line, cell.plane, cell.epochs, cell.costs, cell.flags,
                       cell.detail)
    with st.container(border=True, key="class_spotlight"):
        st.markdown("**Spotlight**")
        show(cv.spotlight_figure(cell), key="class_spot", alt=cv.grid_alt([cell]))


def actions(code: str, key: str, roster) -> None:
    """One student: spotlight (with or without their nickname), open their run here, take them out. Outside the
    live part: a select box redrawn every 2 s would close under the teacher's pointer."""
    anonymous = bool(st.session_state.get("class_anonymous"))
    seats = _sorted(roster.seats, st.session_state.get("class_sort", "joined"))
    names = {s.seat: _name(s, anonymous) for s in seats}
    with st.container(border=True, key="class_actions"):
        st.markdown("**One student**")
        ids = [s.seat for s in seats]
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.selectbox("Student", ids, format_func=lambda i: names.get(i, f"seat {i}"), key="class_student")
        row.checkbox("with their nickname", key="class_spot_named")
        # the callbacks read the student chosen when the button is pressed (their args were bound a refresh ago)
        row.button("Spotlight", key="class_spot_on", icon=":material/highlight:", on_click=_spot, args=(code, key))
        if roster.spotlight is not None:
            row.button("End the spotlight", key="class_spot_off", on_click=_spot, args=(code, key, False))
        row.button("Open this run", key="class_open_run", icon=":material/open_in_new:", on_click=_open,
                   help="Loads this student's points, settings and epoch into your own lab, on Gradient descent "
                        "(or Hidden layer).")
        row.button("Remove from the class", key="class_remove", icon=":material/person_remove:", on_click=_remove,
                   args=(code, key))


def _spot(code, key, on: bool = True) -> None:
    seat = st.session_state.get("class_student") if on else None
    _do("spotlight", code, key, seat, named=on and bool(st.session_state.get("class_spot_named")))


def _remove(code, key) -> None:
    if (seat := st.session_state.get("class_student")) is not None:
        _do("remove_seat", code, key, seat)


def _open() -> None:
    """Open this run: remembered here, done by the next full run (a fragment cannot switch pages)."""
    roster, seat_id = st.session_state.get(ROSTER), st.session_state.get("class_student")
    seat = roster.seat(seat_id) if roster is not None and seat_id is not None else None
    if seat is None:
        return
    query = {k: v for k, v in seat.link_query().items() if k not in NOT_OPENED}
    st.session_state[OPEN] = (query, seat.get("model") == "network")


def _open_run(query: dict, network: bool) -> None:
    """The student's run in the teacher's own lab: a fresh lab from their link, on the page that steps it."""
    for name in (keys.LAB, keys.NETLAB, keys.LESSON, keys.DESCENT.playback, keys.HIDDEN.playback):
        st.session_state.pop(name, None)
    st.switch_page("pages/6_Hidden_layer.py" if network else "pages/4_Gradient_descent.py", query_params=query)


def _results(code: str, key: str, roster, names: dict) -> None:
    """The experiment's results against each student's value, one dot per student, and the CSV."""
    e = roster.experiment
    measure = st.session_state.get("class_exp_measure", "cost")
    reach = float(st.session_state.get("class_exp_reach", 0.05))
    points = []
    for s in roster.seats:
        if measure == "reach":
            result = s.curve.first_reaching(reach) if len(s.curve) else None
        else:
            result = s.get("accuracy" if measure == "accuracy" else "cost")
        points.append((names.get(s.seat, s.nickname), s.value, result))
    what = f"first epoch with cost ≤ {reach:g}" if measure == "reach" else MEASURES[measure]
    show(cv.results_figure(e.label, e.spacing, points, what), key="class_results",
         alt=f"{what} against {e.label}, one dot per student: "
             + "; ".join(f"{n}: {v} → {r}" for n, v, r in points if r is not None and v is not None) + ".")

