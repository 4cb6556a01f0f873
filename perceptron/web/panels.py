"""The panels some pages add to the frame: the teacher's locked-down link, the guided lesson, CSV upload.

Nothing mutable at module level: what a panel remembers between reruns is in ``st.session_state``
under the names of :mod:`perceptron.web.keys`.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import streamlit as st

from ..data import csv_io
from ..data import datasets as ds
from ..data.quoting import quoted
from ..session.lab import Lab
from ..text import plain, worked
from ..views.lesson import STEPS, reachable
from ..views.share import local_only
from . import keys, memo
from .controls import CONTROLS
from .draw import show
from .focus import keep_in_sight
from .site import LAB_LINKS, PAGE_KEYS, PAGE_LABELS, PAGE_PATHS, address, link_query


def class_label(lab: Lab):
    """A radio button's label for class 0 or 1: "class 1", with the file's or Iris' name for it as text."""
    names = lab.dataset.class_names
    return lambda c: f"class {c}" + ("" if names[c] == str(c) else " " + plain.markdown(quoted(names[c], 40)))


# The teacher panel's starting points: (label, the settings students may change); every page stays open.
TEACHER_PRESETS = MappingProxyType({
    "lr": ("Only the learning rate", ("lr", "hlr")),
    "demo": ("Read-only demonstration", ()),
    "all": ("Everything", tuple(CONTROLS)),
})
TASK_CHARS = 200  # the most a task line may say


def _apply_preset() -> None:
    """The preset chosen: the pages and settings below start from it (the teacher may still change them)."""
    _, free = TEACHER_PRESETS[st.session_state["teacher_preset"]]
    st.session_state["teacher_pages"] = [PAGE_KEYS[p] for p, *_ in LAB_LINKS]
    st.session_state["teacher_controls"] = list(free)


def teacher_panel(lab: Lab) -> None:
    """Build a locked-down exercise: the link reopens this experiment (the neuron's and the network's) with chosen
    pages hidden and settings locked, a task for the students and, if chosen, the guided lesson at a step; its QR
    code for the projector."""
    pages = {PAGE_KEYS[p]: label for p, label, _ in LAB_LINKS}
    if "teacher_preset" not in st.session_state:
        st.session_state["teacher_preset"] = "lr"
        _apply_preset()
    st.radio("Students may change", list(TEACHER_PRESETS), format_func=lambda k: TEACHER_PRESETS[k][0],
             key="teacher_preset", horizontal=True, on_change=_apply_preset)
    with st.expander("Choose pages and settings one by one"):
        shown_pages = st.multiselect("Pages students may open", list(pages), format_func=pages.get,
                                     key="teacher_pages")
        free = st.multiselect("Settings students may change", list(CONTROLS), format_func=CONTROLS.get,
                              key="teacher_controls")
    task = st.text_input("A task for your students (optional; shown at the top of every page)", key="teacher_task",
                         max_chars=TASK_CHARS, placeholder="e.g. Find a learning rate that reaches cost 0.05 in 20 epochs")
    open_steps = [k for k in reachable(tuple(p for p in pages if p not in shown_pages))]
    lesson = st.selectbox("Open the guided lesson", [None, *open_steps], key="teacher_lesson",
                          format_func=lambda k: "no" if k is None else f"at step {open_steps.index(k) + 1}: "
                                                                        f"{STEPS[k].title}")
    hide = tuple([p for p in pages if p not in shown_pages] + [c for c in CONTROLS if c not in free])
    query, problem = link_query(lab, hide=hide, personal=False)  # never the teacher's own key or seat
    if task.strip():
        query["task"] = task.strip()
    if lesson is not None:
        query["lesson"] = str(open_steps.index(lesson) + 1)
    if problem:
        st.warning(plain.markdown(problem))
    link = address(query)
    st.caption("Send this link to your students: it opens this dataset and these weights, with the rest locked. "
               "A lock is a convenience, not security: it is written in the link, and a student who edits the "
               "address can remove it.")
    st.code(link, language=None, wrap_lines=True)
    if why := local_only(link):
        st.warning(f"Students' devices cannot open this link: {why}. Run the app with "
                   "`--server.address 0.0.0.0` and share this computer's network address, or use a hosted copy.",
                   icon=":material/wifi_off:")
    st.image(memo.qr_svg(link), caption="The same link as a QR code, for the projector", width=240)


def lesson_panel(lab: Lab, key: str) -> None:
    """The guided lesson's current step, on top of the page it belongs to. A teacher's link that hides a page
    leaves out that page's steps: the lesson goes on past them and never points at a hidden page."""
    k = st.session_state.get(keys.LESSON)
    steps = reachable(lab.settings.hide)
    if k is None or not steps or not 0 <= k < len(STEPS):
        return
    if k not in steps:  # a step on a page this link hides: the next one the learner can reach
        k = st.session_state[keys.LESSON] = next((j for j in steps if j > k), steps[-1])
    step, at = STEPS[k], steps.index(k)
    net = st.session_state.get(keys.NETLAB)
    with st.container(border=True, key="lesson_panel"):
        st.markdown(f"**Lesson · step {at + 1} of {len(steps)}: {step.title}**")
        if step.page == key:  # a wide screen keeps what the step speaks of in sight beside the card
            keep_in_sight(k, [sight_selector(name) for name in step.shows])
        answered, choice = True, None
        if step.page != key:
            path = PAGE_PATHS[step.page]
            st.page_link(path, label=f"Continue the lesson on {PAGE_LABELS[path]}", icon=":material/school:")
        else:
            st.markdown(step.say(lab, net))
            if step.question:
                prompt, choices = step.question.asked(lab)
                choice = st.radio(prompt, choices, index=None, key=f"lesson_choice_{k}", horizontal=True)
                # the verdict as it was at the reveal, for the state the learner predicted (a Step since then
                # does not change which answer was right)
                shown = st.session_state.get(f"lesson_shown_{k}")
                answered = shown is not None
                if answered:
                    guess, right, why = shown
                    (st.success if guess == right else st.warning)(("Right. " if guess == right else "Not this time. ")
                                                                   + why)
        # each button as wide as its label, none cut; in the presenter layout the row stays at the card's foot
        row = st.container(horizontal=True, key="lesson_row")
        if row.button("Back", key="lesson_back", disabled=at == 0):
            _lesson_go(steps[at - 1], key)
        if step.question and step.page == key:
            row.button("Reveal", key=f"lesson_reveal_{k}", disabled=choice is None, on_click=_reveal, args=(k,))
        last = at == len(steps) - 1
        if row.button("Next" if answered else "Skip", key="lesson_next", type="primary" if answered else "secondary",
                          disabled=last, help=None if answered else "Answer and press Reveal first, or skip the "
                                                                     "question: the lesson goes on either way."):
            _lesson_go(steps[at + 1], key)
        if row.button("End lesson", key="lesson_end"):
            st.session_state[keys.LESSON] = None
            st.rerun()
        if not answered:
            st.caption("Predict first: choose an answer, then Reveal. Skip moves on without one.")


def sight_selector(name: str) -> str:
    """The CSS selector of an element a lesson step speaks of: ``"play"`` the element of key ``play``,
    ``"descent#xy"`` the first panel of the chart of key ``descent``."""
    key, _, panel = name.partition("#")
    return f".st-key-{key}" + (f" .subplot.{panel}" if panel else "")


def _reveal(k: int) -> None:
    """Judge the learner's choice now, against the state it was made for."""
    lab, net = st.session_state[keys.LAB], st.session_state.get(keys.NETLAB)
    step = STEPS[k]
    _, choices = step.question.asked(lab)
    right, why = step.answer(lab, net)
    picked = st.session_state.get(f"lesson_choice_{k}")
    st.session_state[f"lesson_shown_{k}"] = (choices.index(picked) if picked in choices else -1, right, why)


def lesson_asks(key: str):
    """The lesson's question on page ``key`` while it waits for the learner's answer, else None: the page
    then holds back what would give the answer away (on Forward propagation: ŷ and the verdict)."""
    k = st.session_state.get(keys.LESSON)
    if k is None or not 0 <= k < len(STEPS):
        return None
    step = STEPS[k]
    if step.page != key or step.question is None or st.session_state.get(f"lesson_shown_{k}"):
        return None
    return step.question


def _lesson_go(k: int, here: str) -> None:
    st.session_state[keys.LESSON] = k
    if STEPS[k].page != here:
        st.switch_page(PAGE_PATHS[STEPS[k].page])
    st.rerun()


def start_lesson() -> None:
    st.session_state[keys.LESSON] = 0


def upload_panel(lab: Lab) -> None:
    """CSV upload: a good file replaces the points (with notes on what was assumed); a bad one is
    refused with the reader's message and the points stay as they were. A file with more than three
    columns can be read again with other columns chosen."""

    upload = st.file_uploader("Load points from a CSV file", type=["csv", "txt"], key=f"ds_upload_{lab.version}",
                              help="Two numeric feature columns and a label column with two classes.")
    if upload is not None:
        _load_csv(lab, upload.name, upload.getvalue())
    version, name, data, columns, notes = st.session_state.get(keys.CSV, (None, "", b"", (), []))
    if version != lab.version:
        return
    for note in notes:
        st.info(plain.markdown(note))
    if len(columns) > 3:
        with st.form("ds_columns"):
            st.caption(plain.markdown(f"{quoted(name, 60)} has {len(columns)} columns: choose which to use."))
            a, b, c = st.columns(3)
            x1 = a.selectbox("x₁", columns, index=0, key="ds_col_x1")
            x2 = b.selectbox("x₂", columns, index=1, key="ds_col_x2")
            label = c.selectbox("label", columns, index=len(columns) - 1, key="ds_col_label")
            if st.form_submit_button("Use these columns"):
                _load_csv(lab, name, data, features=(x1, x2), label=label)


def _load_csv(lab: Lab, name: str, data: bytes, **choice) -> None:
    try:
        result = csv_io.read_csv(data, **choice)
    except csv_io.CsvError as err:
        st.error(plain.markdown(f"{quoted(name, 60)} was not loaded, and your points are unchanged. {err}"),
                 icon=":material/error:")
        return
    lab.set_dataset(result.dataset)
    notes = [f"Loaded {result.dataset.n} points from {quoted(name, 60)}.", *result.notes]
    st.session_state[keys.CSV] = (lab.version, name, data, result.columns, notes)
    st.rerun()


def numbers(table, what: str = "this chart", **kwargs) -> None:
    """Every number a figure draws, as a table in an expander ("Numbers of this chart"): the chart's
    text alternative says what it shows, the table gives the numbers (WCAG 2.1 1.1.1).

    The table is built and sent only while its expander is open (opening it reruns the page, or the fragment
    it is in): formatting every cell by the printing rule was half a Loss landscape visit's server time, for
    tables most visits never open. ``table``: a DataFrame, or a function that returns one (then it is not even
    computed while closed)."""
    with st.expander(f"Numbers of {what}", icon=":material/table:", key=numbers_key(what), on_change="rerun") as box:
        if not box.open:
            return
        table = table() if callable(table) else table
        numeric = list(table.select_dtypes("number").columns)
        printed = table.style.format(_printed, subset=numeric) if numeric else table  # values stay numbers (sorting)
        st.dataframe(printed, width="stretch", **kwargs)


def numbers_key(what: str) -> str:
    """The session-state key of the "Numbers of ``what``" expander: True while it is open."""
    return "numbers_" + "".join(c if c.isalnum() else "_" for c in what)


def shown(piece, key: str) -> None:
    """A :class:`perceptron.views.comparisons.Shown`: its figure with its text alternative, then its numbers."""
    show(piece.figure, key=key, alt=piece.alt)
    numbers(piece.table, piece.what, hide_index=True)


def _printed(v) -> str:
    """A table cell by the printing rule (``1.896×10⁻²⁶``, not ``-0.0000000000000000000000000190``); blank for none."""
    return "" if v is None or v != v else worked.text(v)


def text_table(table, **kwargs) -> None:
    """A table of printed numbers (text) with every column wide enough for its longest cell: the dataframe sizes
    its columns from the first rows only, and cut ``3.002×10⁻⁴⁸`` to ``3.002×`` where a later row was longer."""
    widths = {str(c): len(str(c)) for c in table.columns}
    for c in table.columns:
        widths[str(c)] = max([widths[str(c)], *(len(str(v)) for v in table[c])])
    index = max([len(str(v)) for v in table.index] or [0])
    config = {c: st.column_config.Column(width=min(8 * n + 28, 420)) for c, n in widths.items()}
    config["_index"] = st.column_config.Column(width=min(8 * index + 28, 240))
    st.dataframe(table, width="stretch", column_config=config, **kwargs)


ADDED = "ds_added"  # session state: what the add-point form last did, said once under the form


def _coordinate(text: str, name: str) -> float:
    """A coordinate typed by hand: a finite number ("1.5", "-2", "0,5" with a decimal comma)."""
    value = (text or "").strip().replace("−", "-").replace(",", ".")
    if not value:
        raise ValueError(f"{name} is empty: type a number, e.g. 0.5 or -1.2.")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} = {quoted(text)} is not a number: type e.g. 0.5 or -1.2.") from None
    if not math.isfinite(number) or abs(number) > 1e6:
        raise ValueError(f"{name} must be a number between -1000000 and 1000000.")
    return number


def add_point_form(lab: Lab, label_names) -> None:
    """Add a point without a mouse: x₁, x₂, its class, test or not; Enter in a field submits.

    Bad input is refused with a message that names the field, and what was typed stays in the
    fields (nothing is lost). The points change through ``lab.set_dataset``, as a click does.
    """
    with st.form("ds_add_point", enter_to_submit=True):
        st.markdown("**Add a point by its coordinates** (Enter adds it)")
        a, b = st.columns(2)
        x1 = a.text_input("x₁", key="ds_add_x1", placeholder="e.g. 0.5")
        x2 = b.text_input("x₂", key="ds_add_x2", placeholder="e.g. -1.2")
        c, d = st.columns(2)
        label = c.radio("Class", [0, 1], horizontal=True, key="ds_add_class", format_func=label_names)
        test = d.checkbox("held-out test point", key="ds_add_test")
        submitted = st.form_submit_button("Add point", type="primary")
    if submitted:
        try:
            point = (_coordinate(x1, "x₁"), _coordinate(x2, "x₂"))
            lab.set_dataset(ds.add_point(lab.dataset, *point, int(label), test=bool(test)))
        except ValueError as err:
            st.error(plain.markdown(f"The point was not added, and your points are unchanged. {err}"),
                     icon=":material/error:")
            return
        kind = " test" if test else ""
        n = lab.dataset.n
        st.session_state[ADDED] = (f"Added a class {label}{kind} point at ({point[0]:g}, {point[1]:g}); "
                                   f"{n} point{'' if n == 1 else 's'} in all.")
        st.rerun()
    if message := st.session_state.pop(ADDED, None):
        st.success(message, icon=":material/check:")
