"""Classroom load test: protocol-level Streamlit clients (no browser) against one Neuron Lab server.

``python -m loadtest --sessions 30 --seconds 60`` (see README.md). The pieces, by job:
:mod:`loadtest.protocol` (one tab's websocket protocol), :mod:`loadtest.student` (what a student
clicks and checks), :mod:`loadtest.classroom` (many students, the server's memory and CPU) and
:mod:`loadtest.report` (the Markdown). The server is :class:`testing.servers.StreamlitServer`.
"""

from .classroom import run_classroom, run_sweep
from .student import ClassroomConfig

__all__ = ["ClassroomConfig", "run_classroom", "run_sweep"]
