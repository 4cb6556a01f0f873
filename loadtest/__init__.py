"""Classroom load test: protocol-level Streamlit clients (no browser) against one Neuron Lab server.

``python -m loadtest --sessions 30 --seconds 60`` (see README.md); the building blocks are in
:mod:`loadtest.client`.
"""

from .client import ClassroomConfig, Server, run_classroom, run_sweep

__all__ = ["ClassroomConfig", "Server", "run_classroom", "run_sweep"]
