r"""What a student may send, checked before anything is kept: a report's fields, a nickname, a teacher's pacing.

A **report** is a plain dict (JSON-like) of one student's session as it is on screen, a few hundred
bytes. :data:`REPORT_FIELDS` declares every field once (what it is, whether it is required); anything
else is refused: an unknown field, a teacher's command (:data:`TEACHER_ONLY`), a wrong type, a number
that is not finite or out of range, more than ``MAX_PARAMS`` weights, a link query or points string
that is too long or malformed. Ranges come from :mod:`perceptron.session.settings` (the same checks a
link's values pass). :func:`report` returns the cleaned report (plain Python types) or raises
:class:`~perceptron.classroom.errors.InvalidReport` naming the field.

A **nickname** is text: :func:`nickname` strips control and format characters (a new line, a
right-to-left override, a zero-width joiner), collapses white space, normalizes to NFC and refuses
anything empty or longer than ``NICKNAME_MAX`` characters. It is stored and returned as text; the page
shows it as text only.
"""

from __future__ import annotations

import math
import re
import unicodedata
from numbers import Real
from types import MappingProxyType
from urllib.parse import parse_qsl

import numpy as np

from ..session.settings import (
    LOCKABLE,
    LOSSES,
    MAX_LINK_POINTS,
    MODES,
    PAGES,
    NetSettings,
    Settings,
    decode_points,
)
from .errors import InvalidCommand, InvalidNickname, InvalidReport

NICKNAME_MAX = 24  # characters
MAX_PARAMS = 64  # the network 2 → 8 → 1 has 33; the neuron with every feature map 8
MAX_QUERY = 2000  # characters of the link's query (without the points)
MAX_POINTS = -(-MAX_LINK_POINTS * 9 // 3) * 4  # base64 of 400 points of 9 bytes: 4,800 characters
MAX_FIELDS = 24
MODELS = ("neuron", "network")

# field -> (required, what it is): every field a report may carry, declared once
REPORT_FIELDS = MappingProxyType({
    "page": (True, f"the page on screen, one of {', '.join(PAGES)}"),
    "mode": (True, f"the update mode, one of {', '.join(MODES)}"),
    "lr": (True, "the learning rate α, 0 to 1,000"),
    "epoch": (True, "the epoch on screen, a whole number 0 to 5,000"),
    "weights": (True, f"the parameters at that epoch, a list of at most {MAX_PARAMS} finite numbers (the neuron: "
                      "w₁ … w_d then b; the network: W1, b1, w2, b2 flattened)"),
    "cost": (False, "the training cost at that epoch, a finite number ≥ 0, or None"),
    "model": (False, "neuron (default) or network"),
    "loss": (False, f"the cost function, one of {', '.join(LOSSES)}"),
    "hidden": (False, "the network's hidden units, 1 to 8 (None for the neuron)"),
    "accuracy": (False, "the held-out (else training) accuracy at that epoch, 0 to 1, or None"),
    "chance": (False, "the cost of answering the class share for every point, a finite number ≥ 0, or None"),
    "playing": (False, "whether Play is running, true or false"),
    "saturated": (False, "whether most points sit where the sigmoid is flat, true or false"),
    "query": (False, f"the link's query that reopens this run, without its points, at most {MAX_QUERY} "
                     "characters"),
    "points": (False, f"the hand-made points as the link carries them (pts), at most {MAX_LINK_POINTS} points"),
})
# what only a teacher sends (through the teacher's calls, with the key): refused in a report by name
TEACHER_ONLY = ("pace", "locks", "lock", "hide", "paused", "pause", "spotlight", "experiment", "value",
                "key", "teacher", "end", "end_class", "remove", "roster", "code", "seat", "nickname")
_QUERY_CHARS = re.compile(r"[A-Za-z0-9_.,=&%+\-~*^()!']*")
_POINTS_CHARS = re.compile(r"[A-Za-z0-9_-]*")
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # control, format, surrogate, private, unassigned, breaks


def nickname(text) -> str:
    """The nickname as it will be stored and shown: visible characters only, one space between words."""
    if not isinstance(text, str):
        raise InvalidNickname("A nickname is text.")
    if len(text) > 20 * NICKNAME_MAX:
        raise InvalidNickname(f"A nickname has at most {NICKNAME_MAX} characters.")
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in _INVISIBLE else ch for ch in text)
    text = " ".join(text.split())
    if not text:
        raise InvalidNickname("Pick a nickname (a few letters; no account or e-mail needed).")
    if len(text) > NICKNAME_MAX:
        raise InvalidNickname(f"A nickname has at most {NICKNAME_MAX} characters.")
    return text


def nickname_key(name: str) -> str:
    """What two nicknames share when they are the same to a reader (case and width folded)."""
    return unicodedata.normalize("NFKC", name).casefold()


def _number(name, value, lo=-math.inf, hi=math.inf, none=False) -> float | None:
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidReport(f"{name} must be a number{' or None' if none else ''}.")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidReport(f"{name} must be a finite number.")
    if not lo <= value <= hi:
        raise InvalidReport(f"{name} must be between {lo:g} and {hi:g}.")
    return value


def _setting(cls, name, key, value):
    """``value`` checked by the declared setting ``key`` of ``cls`` (the link's checks), as ``name``."""
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    try:
        cls().with_(**{key: value})
    except (ValueError, TypeError) as err:
        raise InvalidReport(f"{str(err).replace(key, name, 1)}.") from None
    return value


def _choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise InvalidReport(f"{name} must be one of {', '.join(choices)}.")
    return value


def _flag(name, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidReport(f"{name} must be true or false.")
    return bool(value)


def _weights(value) -> list[float]:
    if isinstance(value, np.ndarray):
        if value.ndim != 1 or value.size > MAX_PARAMS or value.dtype.kind not in "iuf":
            raise InvalidReport(f"weights must be a flat list of at most {MAX_PARAMS} numbers.")
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or len(value) > MAX_PARAMS:
        raise InvalidReport(f"weights must be a list of at most {MAX_PARAMS} numbers.")
    return [_number("weights", v) for v in value]


def _query(value) -> str:
    if not isinstance(value, str) or len(value) > MAX_QUERY or not _QUERY_CHARS.fullmatch(value):
        raise InvalidReport(f"query must be a link's query string (URL-encoded, at most {MAX_QUERY} characters).")
    keys = [k for k, _ in parse_qsl(value, keep_blank_values=True)]
    if "pts" in keys:
        raise InvalidReport("query must not carry the points: send them as points.")
    if len(keys) != len(set(keys)) or len(keys) > 60:
        raise InvalidReport("query names a setting twice, or too many.")
    return value


def points(value, known: str | None = None) -> str:
    """A points string as a link carries it (``encode_points``), checked by decoding it (skipped when it is
    ``known``, already checked)."""
    if not isinstance(value, str) or len(value) > MAX_POINTS or not _POINTS_CHARS.fullmatch(value):
        raise InvalidReport(f"points must be a link's points (base64url, at most {MAX_LINK_POINTS} points).")
    if value and value != known:
        try:
            decode_points(value)
        except ValueError as err:
            raise InvalidReport(f"points: {err}") from None
    return value


def report(state, known_points: str | None = None) -> dict:
    """The report ``state`` cleaned (plain Python values, every optional field present), or InvalidReport.

    ``known_points`` is the points string this seat sent last (already checked: not decoded again).
    """
    if not isinstance(state, dict):
        raise InvalidReport("A report is a dict of fields.")
    if len(state) > MAX_FIELDS:
        raise InvalidReport("A report has too many fields.")
    for key in state:
        if not isinstance(key, str):
            raise InvalidReport("A report's field names are text.")
        if key in TEACHER_ONLY:
            raise InvalidReport(f"{key[:30]!r} is a teacher's command, not part of a student's report.")
        if key not in REPORT_FIELDS:
            raise InvalidReport(f"{key[:30]!r} is not a field of a report.")
    missing = [k for k, (required, _) in REPORT_FIELDS.items() if required and k not in state]
    if missing:
        raise InvalidReport(f"A report needs {', '.join(missing)}.")
    get = state.get
    model = _choice("model", get("model", "neuron"), MODELS)
    clean = {
        "page": _choice("page", state["page"], PAGES),
        "model": model,
        "mode": _choice("mode", state["mode"], MODES),
        "loss": _choice("loss", get("loss", "mse"), LOSSES),
        "lr": float(_setting(Settings, "lr", "lr", state["lr"])),
        "epoch": int(_setting(Settings, "epoch", "epoch", state["epoch"])),
        "cost": _number("cost", get("cost"), 0.0, none=True),
        "accuracy": _number("accuracy", get("accuracy"), 0.0, 1.0, none=True),
        "chance": _number("chance", get("chance"), 0.0, none=True),
        "hidden": None if get("hidden") is None else int(_setting(NetSettings, "hidden", "h", get("hidden"))),
        "weights": _weights(state["weights"]),
        "playing": _flag("playing", get("playing", False)),
        "saturated": _flag("saturated", get("saturated", False)),
        "query": _query(get("query", "")),
        "points": points(get("points", ""), known_points),
    }
    if model == "network" and clean["hidden"] is None:
        raise InvalidReport("hidden must give the network's hidden units.")
    return clean


def page(value) -> str | None:
    """A page a teacher sends the class to (None: each student where they are)."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in PAGES:
        raise InvalidCommand(f"The page must be one of {', '.join(PAGES)}.")
    return value


def locks(value) -> tuple[str, ...]:
    """The pages and settings a teacher locks (as a teacher's link's ``hide`` does), checked and in order."""
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise InvalidCommand("Locks are a list of page and setting names.")
    names = tuple(dict.fromkeys(value))
    bad = [str(n)[:30] for n in names if not isinstance(n, str) or n not in (*PAGES, *LOCKABLE)]
    if bad:
        raise InvalidCommand(f"Not a page or a setting a teacher can lock: {', '.join(bad[:3])}.")
    return names


def title(value) -> str:
    """A class's title (shown to the teacher and students as text): cleaned like a nickname, up to 80 characters."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise InvalidCommand("A title is text.")
    text = " ".join("".join(" " if unicodedata.category(ch) in _INVISIBLE else ch
                            for ch in unicodedata.normalize("NFC", value[:400])).split())
    if len(text) > 80:
        raise InvalidCommand("A title has at most 80 characters.")
    return text
