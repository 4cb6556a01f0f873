r"""Training that a class shares: the same epochs of the same experiment trained once, for every session.

A run's training is a pure function of its experiment (the points, the model's settings) and of where it starts
(the parameters, the epoch number, which seeds the shuffling): thirty students who open the teacher's link and
press Play from the same epoch ask for the same chunk, and so does each of their refills (a chunk ends where the
last one did, not at the frame on screen). :class:`Trainings` keeps the newest records by that key, so the first
student's request trains and the others' are found. A record is kept read-only: every session reads the same
arrays, and nothing may write into them (a run that goes on copies what it keeps, ``Record.extend``).

The store is one object per server process, made by the web layer (``perceptron.web.memo.trainings``) and handed
to each run; the session layer itself keeps nothing between sessions. Standard library and numpy only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict

import numpy as np

from ..engine.history import Record

# the fewest epochs worth keeping: a Step's one epoch (or ten) trains in well under a millisecond, and the
# preview every run of a stepping page trains would push the chunks out
SHARED_FROM = 30


class Trainings:
    """A bounded, thread-safe map from a training's key to its record (the newest ``size`` kept).

    Streamlit runs every session's script in its own thread of one process: a lock guards the map.
    Two sessions that ask for the same missing key at once both train it; the second's record replaces the first's
    (they are equal), which costs a training but never a wrong record.
    """

    def __init__(self, size: int = 256):
        self.size = int(size)
        self._kept: OrderedDict[bytes, Record] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> Record | None:
        with self._lock:
            record = self._kept.get(key)
            if record is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return record

    def put(self, key: bytes, record: Record) -> Record:
        """Keep ``record`` under ``key`` (read-only from now on) and return it."""
        for name in record.row_names():
            a = getattr(record, name)
            if isinstance(a, np.ndarray):
                a.setflags(write=False)
        with self._lock:
            self._kept[key] = record
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return record

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)


def training_key(kind: str, settings: dict, arrays, params, epochs: int, start: int) -> bytes:
    """The key of one training: the model's kind, its settings (a dict of the values that shape the training),
    the points and labels it trains and is tested on (``arrays``), the parameters it starts from, how many
    epochs and the number of the first (the shuffling's seed)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{kind}|{sorted(settings.items())!r}|{int(epochs)}|{int(start)}".encode())
    for a in (*arrays, *_flat(params)):
        a = np.ascontiguousarray(a, dtype=float)
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.digest()


def _flat(params) -> list:
    """The arrays of a model's parameters: ``(w, b)`` for the neuron, a ``Params`` dataclass for the network."""
    if dataclasses.is_dataclass(params):
        return [np.asarray(getattr(params, f.name), dtype=float) for f in dataclasses.fields(params)]
    return [np.asarray(p, dtype=float) for p in params]
