r"""A seat's run as the class page draws it: one entry per report written, kept as compact text.

Each written report adds one entry, ``"<epoch> <cost> <p₁> … <p_m>;"`` (floats in their shortest exact
form), to the seat's ``trace`` column: the cost curve and the weights of every epoch sent. The entries
hold one run: a new run (other settings or points) or a rewind starts the text again from the entries
before the epoch now on screen, so the epochs always rise. The text stays under ``MAX_CHARS``: past it,
every other entry is dropped (the first and the last kept), so a long Play keeps its shape at a
coarser grain. Numpy and the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_CHARS = 24_000  # per seat: ~300 entries of the neuron with 2 inputs, ~40 of the network at h = 8
Entry = tuple[int, float, tuple[float, ...]]  # (epoch, cost, parameters)


def entry_text(entry: Entry) -> str:
    epoch, cost, params = entry
    return " ".join((str(int(epoch)), repr(float(cost)), *map(repr, map(float, params)))) + ";"


def text(entries) -> str:
    return "".join(map(entry_text, entries))


def thin(entries: list[Entry], limit: int = MAX_CHARS) -> list[Entry]:
    """Every other entry dropped (the first and last kept) until the text fits in half of ``limit``."""
    while len(entries) > 2 and len(text(entries)) > limit // 2:
        entries = [*entries[:-1:2], entries[-1]] if len(entries) % 2 == 0 else entries[::2]
    return entries


def parse(raw: str) -> list[Entry]:
    """The entries of a trace's text (malformed or out-of-order entries are skipped: a seat written from two
    tabs at once may interleave)."""
    out: list[Entry] = []
    for part in raw.split(";"):
        fields = part.split()
        if len(fields) < 2:
            continue
        try:
            epoch, cost, params = int(fields[0]), float(fields[1]), tuple(map(float, fields[2:]))
        except ValueError:
            continue
        if out and (epoch <= out[-1][0] or len(params) != len(out[-1][2])):
            continue
        out.append((epoch, cost, params))
    return out


@dataclass(frozen=True)
class Curve:
    r"""A seat's run as reported.

    Attributes
    ----------
    epochs : ndarray of int, shape (k,)
        The epochs reported, rising.
    costs : ndarray of shape (k,)
        The training cost at each.
    params : ndarray of shape (k, m)
        The parameters at each (as the report's ``weights``).
    """

    epochs: np.ndarray
    costs: np.ndarray
    params: np.ndarray

    @classmethod
    def of(cls, raw: str) -> Curve:
        """The curve of a trace's text: a single numpy parse when the text is well formed (the usual case)."""
        rows = raw.count(";")
        tokens = raw.replace(";", " ").split()
        width = len(raw[: raw.find(";")].split()) if rows else 0
        if rows and width >= 2 and len(tokens) == rows * width:
            try:
                table = np.array(tokens, dtype=float).reshape(rows, width)
            except ValueError:
                table = None
            if table is not None and np.all(np.diff(table[:, 0]) > 0):
                return cls._frozen(table[:, 0].astype(int), table[:, 1], table[:, 2:])
        entries = parse(raw)
        m = len(entries[-1][2]) if entries else 0
        return cls._frozen(np.array([e[0] for e in entries], dtype=int), np.array([e[1] for e in entries], dtype=float),
                           np.array([e[2] for e in entries], dtype=float).reshape(len(entries), m))

    @classmethod
    def _frozen(cls, epochs, costs, params) -> Curve:
        for a in (epochs, costs, params):
            a.flags.writeable = False
        return cls(epochs, costs, params)

    def __len__(self) -> int:
        return int(self.epochs.size)

    def first_reaching(self, cost: float) -> int | None:
        """The first reported epoch whose cost is at most ``cost`` (None if none is): a report's grain, not an
        epoch's (the class page says so)."""
        hit = np.flatnonzero(self.costs <= cost)
        return int(self.epochs[hit[0]]) if hit.size else None

    def thinned(self, most: int) -> Curve:
        """At most ``most`` entries, evenly chosen, the first and the last kept (for snapshots)."""
        if len(self) <= most:
            return self
        pick = np.unique(np.linspace(0, len(self) - 1, most).round().astype(int))
        return Curve._frozen(self.epochs[pick], self.costs[pick], self.params[pick])
