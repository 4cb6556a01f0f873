r"""A class experiment: the teacher picks one setting and a range, each student gets their own value.

:data:`EXPERIMENTS` declares each setting a class can vary, once: its link key (the same name a
teacher's link locks), what it is called, how the values are spread over the range and which declared
settings check them. The learning rates are log-spaced, $\alpha_k = \alpha_{lo}\,(\alpha_{hi}/\alpha_{lo})^{k/(N-1)}$,
so that a class of 30 covers 0.01 to 100 with as many students per decade; whole-number settings
(seeds, hidden units, batch sizes) are spaced evenly and rounded; a mode is dealt out in turn from the
modes the teacher picked. Values travel as a link's values do (``"0.0316"``, ``"3"``, ``"sample"``), so
a student's page applies one with the settings' own parsing. Numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ..session.settings import MODES, NET_MODES, NetSettings, Settings
from .errors import InvalidCommand


@dataclass(frozen=True)
class Varied:
    """A setting a class experiment can vary: ``key`` in the link, ``label`` for people, ``spacing`` of the
    values (``"log"``, ``"linear"``, ``"choice"``), ``of`` the settings class that declares and checks it."""

    key: str
    label: str
    spacing: str
    of: type = Settings
    choices: tuple[str, ...] = ()

    def check(self, value):
        """``value`` if the declared setting accepts it, else InvalidCommand with its reason."""
        try:
            self.of().with_(**{self.key: value})
        except (ValueError, TypeError) as err:
            raise InvalidCommand(f"{err}.") from None
        return value

    @property
    def whole(self) -> bool:
        return isinstance(getattr(self.of(), self.key), int) and not self.choices

    def encode(self, value) -> str:
        """A value as the link writes it."""
        return repr(float(value)) if isinstance(value, float) else str(value)

    def decode(self, text: str):
        """A value as the link reads it (the declared parsing and checks); None when it is not one."""
        settings, problems = self.of.from_query({self.key: text})
        return None if problems else getattr(settings, self.key)


EXPERIMENTS = MappingProxyType({v.key: v for v in (
    Varied("lr", "learning rate α", "log"),
    Varied("hlr", "the network's learning rate α", "log", NetSettings),
    Varied("seed", "the data's seed", "linear"),
    Varied("init_seed", "the starting weights' seed", "linear"),
    Varied("noise", "the data's noise", "linear"),
    Varied("batch_size", "mini-batch size", "linear"),
    Varied("mode", "update mode", "choice", Settings, MODES),
    Varied("h", "hidden units", "linear", NetSettings),
    Varied("hseed", "the network's seed", "linear", NetSettings),
    Varied("hbatch", "the network's mini-batch size", "linear", NetSettings),
    Varied("hmode", "the network's update mode", "choice", NetSettings, NET_MODES),
)})


def varied(setting) -> Varied:
    if not isinstance(setting, str) or setting not in EXPERIMENTS:
        raise InvalidCommand(f"A class experiment varies one of {', '.join(EXPERIMENTS)}.")
    return EXPERIMENTS[setting]


def span_of(setting: str, span) -> tuple:
    """The range checked: ``(low, high)`` for a number (low > 0 for a log-spaced one), the modes for a choice."""
    v = varied(setting)
    if v.choices:
        picked = tuple(dict.fromkeys(span)) if isinstance(span, (list, tuple)) else ()
        if not picked or any(p not in v.choices for p in picked):
            raise InvalidCommand(f"Pick {v.label}s among {', '.join(v.choices)}.")
        return picked
    if not isinstance(span, (list, tuple)) or len(span) != 2:
        raise InvalidCommand(f"Give {v.label} as a range (low, high).")
    low, high = (v.check(int(s) if v.whole and isinstance(s, float) and s.is_integer() else s) for s in span)
    if v.whole and not all(isinstance(s, int) for s in (low, high)):
        raise InvalidCommand(f"{v.label} is a whole number.")
    if low > high:
        low, high = high, low
    if v.spacing == "log" and low <= 0:
        raise InvalidCommand(f"A log-spaced {v.label} starts above 0.")
    return (low, high)


def _round(x: float, digits: int = 3) -> float:
    """``x`` to ``digits`` significant digits: values a student reads and types back."""
    return float(f"{x:.{digits}g}") if x and math.isfinite(x) else float(x)


def values(setting: str, span, count: int) -> tuple:
    r"""The ``count`` values handed out in join order (``span`` checked by :func:`span_of`).

    Log-spaced (learning rates): $v_k = lo\,(hi/lo)^{k/(count-1)}$, 3 significant digits; linear: evenly
    spaced from low to high (whole numbers rounded); choice: the picked modes in turn.
    """
    v, span = varied(setting), span_of(setting, span)
    count = max(int(count), 1)
    if v.choices:
        return tuple(span[k % len(span)] for k in range(count))
    low, high = span
    if v.spacing == "log":
        raw = np.geomspace(low, high, count) if count > 1 else np.array([low], dtype=float)
        return tuple(_round(float(x)) for x in raw)
    raw = np.linspace(low, high, count)
    if v.whole:
        return tuple(int(round(float(x))) for x in raw)
    return tuple(_round(float(x), 6) for x in raw)
