"""Each choice declared once (issue 23): the update modes live in ``perceptron.engine.modes``, and no other module of
the app compares a mode's name or keeps a table keyed by the modes' names; what depends on a mode is read from its
object (its label, its words, its measure, its updates per epoch, its activation)."""

from __future__ import annotations

import ast
from pathlib import Path

from perceptron.engine import modes
from perceptron.session.settings import MODES, NET_MODES, Settings
from perceptron.web.controls import MODE_LABELS

ROOT = Path(__file__).resolve().parents[1]
KEYS = set(modes.MODES)


def sources():
    for path in sorted([*(ROOT / "perceptron").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]):
        if path.name != "modes.py" or path.parent.name != "engine":
            yield path


def test_no_module_compares_a_modes_name_or_keeps_a_table_of_them():
    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                names = {s.value for s in sides if isinstance(s, ast.Constant) and s.value in KEYS}
                tuples = [e.value for s in sides if isinstance(s, ast.Tuple | ast.List | ast.Set) for e in s.elts
                          if isinstance(e, ast.Constant) and e.value in KEYS]
                if names or tuples:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} compares {sorted(names) or tuples}")
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in KEYS}
                if len(keys) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} keys a table by {sorted(keys)}")
    assert not found, found


def test_the_settings_widgets_and_the_network_take_the_declared_modes():
    assert MODES == tuple(modes.MODES) and Settings().mode in modes.MODES
    assert NET_MODES == tuple(k for k, m in modes.MODES.items() if not m.step)
    assert dict(MODE_LABELS) == {k: m.label for k, m in modes.MODES.items()}
    assert {m.measure for m in modes.MODES.values()} == {"cost", "misclassified fraction"}


def test_a_modes_updates_per_epoch():
    assert [modes.mode(k).updates(25, 10) for k in ("batch", "minibatch", "sample", "rosenblatt")] == [1, 3, 25, 25]
    assert modes.MINIBATCH.one_at_a_time(1) and not modes.MINIBATCH.one_at_a_time(2)
    assert modes.MINIBATCH.how_often(25, 10) == "once per mini-batch of 10 samples, so 3 times per epoch"
