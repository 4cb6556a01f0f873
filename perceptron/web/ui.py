"""The names scripts outside the app (``bench/``, ``loadtest/``) import from the web layer.

The app's web code is split by job, and pages import from those modules: :mod:`~perceptron.web.frame`
(the session's state, a page's top, the sidebar, the link in the address bar),
:mod:`~perceptron.web.controls` (widgets bound to settings), :mod:`~perceptron.web.draw` (figures and
their events), :mod:`~perceptron.web.playback` (Step, Play, Pause, Reset, Rewind),
:mod:`~perceptron.web.panels` (teacher, lesson, CSV upload), :mod:`~perceptron.web.site` (the pages,
links, what a teacher hides) and :mod:`~perceptron.web.keys` (the session-state keys).
"""

from .frame import data_summary
from .playback import PLAY_CHUNK, PLAY_FPS

__all__ = ["PLAY_CHUNK", "PLAY_FPS", "data_summary"]
