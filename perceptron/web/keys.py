"""Every key the app keeps in ``st.session_state``, named once.

The session's experiments (``LAB``, ``NETLAB``) are written in one place,
:func:`perceptron.web.frame.ensure_state`; the rest is what the frame, the panels and the
playback controller remember between reruns. A stepping page's widget keys (its Step, Play
and Reset buttons, its rewind slider, its figure) and the key of its playback are a
:class:`StepperKeys`: the Gradient descent page's are ``DESCENT``, the Hidden layer page's
``HIDDEN``. Only constants here: nothing mutable at module level.
"""

from __future__ import annotations

from dataclasses import dataclass

LAB = "lab"  # the single neuron's experiment (perceptron.session.lab.Lab)
NETLAB = "netlab"  # the hidden-layer network's (perceptron.session.netlab.NetLab)
LINK_PROBLEMS = "link_problems"  # what the link that opened the session got wrong, shown on every page
LESSON = "lesson"  # the guided lesson's step, or None
TASK = "task"  # the teacher's task for the students, from the link (text, shown as text), or ""
LESSON_SLOT = "_lesson_slot"  # the lesson panel's place at the top of the page, filled at its end
LARGE_TYPE = "large_type"  # the projector toggle
FIGURE_FORMAT = "figure_format"  # png or svg, for the figures' camera button
SHORTCUTS = "shortcuts"  # the keyboard shortcuts of Step, Play and Reset are on (a sidebar toggle)
SUMMARY_SLOT = "_summary_slot"  # the sidebar's dataset line, filled at the end of the page
CSV = "ds_csv"  # the last CSV upload: (points version, name, bytes, columns, notes)
SELECTED = "ds_selected"  # the points a box or lasso caught on the Dataset page: (points version, rows)
SETTING = "setting_"  # + a setting's name: the widget bound to it (see perceptron.web.controls.setting)
# the live class (perceptron/web/classroom.py, classpage.py)
SEAT = "class_seat"  # a student's seat: {"token", "code", "nickname", "title"}; the token is also in their link
TEACHER = "class_teacher"  # a teacher's class: (code, key), from "Start a live class" or the teacher's link
JOINING = "class_joining"  # the class code of a join link (?class=CODE), until the student has joined
CLASS_LINK = "class_link_read"  # the link's class, teacher and seat were read (the session's first run)
CLASS_APPLIED = "class_applied"  # what of the teacher's directive this session has followed
CLASS_NOTES = "class_notes"  # what the class changed (moved here, a value given), said once at the page's top
TEACHER_COOKIE = "nl_teacher"  # the browser's cookie with the teacher's "CODE.KEY" (the address bar never shows the key)
OWN_HIDE = "class_own_hide"  # the session's own link's hide, to which the class's locks are added
HOLD = "class_hold"  # the teacher paused the class: the note the stepping pages show while Step and Play rest
CLASS_HERE = "class_here"  # the page this run draws (a page key), for the reports
CLASS_SLOT = "_class_slot"  # the sidebar's place for the class's status, filled at the end of the page


@dataclass(frozen=True)
class StepperKeys:
    """The keys of one stepping page (see :mod:`perceptron.web.playback`)."""

    playback: str  # session state: the playback in progress, or None
    chart: str  # the figure
    step: str  # "Step one epoch" (the figure draws its result ahead)
    step10: str  # "Step ×10"
    play: str  # Play/Pause (a click on Pause stops the figure at once)
    reset: str
    rewind: str  # the rewind slider's, followed by the number of epochs it spans


DESCENT = StepperKeys(playback="playback", chart="descent", step="step", step10="step10", play="play",
                      reset="reset", rewind="rewind_")
HIDDEN = StepperKeys(playback="net_playback", chart="hidden", step="net_step1", step10="net_step10", play="net_play",
                     reset="net_reset", rewind="net_rewind_")
