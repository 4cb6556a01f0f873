"""No test compares a measured duration with a limit: CI machines drift in speed by the hour.

How fast something is belongs in ``python -m bench``, which prints numbers beside a same-run
baseline. A test waits for the state it needs (with a generous timeout that only guards against
a hang) and asserts behaviour. This scans every file under ``tests/`` for a clock; the few files
that need one say why below, and each use there must be a deadline that raises, never an assert.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# A clock read in Python or in JavaScript run by a browser test, or a timer that interrupts.
CLOCK = re.compile(
    r"\b(?:time\.(?:time|perf_counter|process_time|monotonic|thread_time)(?:_ns)?\s*\("
    r"|perf_counter|process_time|signal\.alarm|setitimer|performance\.now\s*\(|Date\.now\s*\()"
)

# file -> why it may read a clock (each use is a fuse against a hang, never a speed limit)
ALLOWED = {
    # (starting and stopping servers, with their deadlines, is testing/servers.py's, outside tests/)
    "browser/lab_browser.py": "settle(): the app must have been idle for a quiet period before a test reads it",
    "browser/test_app_browser.py": "a Play recording stops at its goal epoch or after a one-minute fuse",
    "test_hidden_layer_browser.py": "a Play recording stops at its goal epoch or after a one-minute fuse",
}


def _clock_uses() -> dict[str, list[tuple[int, str]]]:
    uses: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        rel = path.relative_to(TESTS).as_posix()
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if CLOCK.search(line):
                uses.setdefault(rel, []).append((n, line.strip()))
    return uses


def test_no_test_reads_a_clock_except_as_a_fuse():
    uses = _clock_uses()
    unexplained = {f: lines for f, lines in uses.items() if f not in ALLOWED}
    assert not unexplained, f"a clock in a test (a speed limit belongs in python -m bench): {unexplained}"


def test_no_assert_mentions_a_duration():
    """In the files that may read a clock, no assertion compares a time: no ``assert`` line
    names a clock, a duration variable or a millisecond limit."""
    duration = re.compile(r"\b(?:elapsed|took|seconds|duration|gap|gaps|_ms|t0)\b|\d\s*ms\b")
    bad = []
    for path in sorted(TESTS.rglob("*.py")):
        rel = path.relative_to(TESTS).as_posix()
        if path == Path(__file__).resolve():
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            s = line.strip()
            if s.startswith("assert ") and (CLOCK.search(s) or duration.search(s.split(",")[0])):
                bad.append(f"{rel}:{n}: {s}")
    assert not bad, "\n".join(bad)


def test_the_scan_finds_a_timed_test():
    """The scan is not vacuous: the lines a timed test would have are caught."""
    assert CLOCK.search("t0 = time.perf_counter()") and CLOCK.search("signal.alarm(5)")
    assert CLOCK.search("const t = performance.now();") and CLOCK.search("time.monotonic()")
    assert not CLOCK.search("page.wait_for_function(js, timeout=60_000)")
    assert set(ALLOWED) <= set(_clock_uses()), "an allowance no file needs any more: remove it"
