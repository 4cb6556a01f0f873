"""Helpers shared by the tests, the benchmarks (``python -m bench``) and the load test (``python -m loadtest``).

Not part of the app: nothing under ``perceptron/``, ``pages/`` or ``app.py`` imports it.
"""
