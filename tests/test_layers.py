"""The layers of ``perceptron/`` import only what their place in the tree allows.

One way down (``ORDER``): engine -> data -> text -> session -> classroom -> views -> web -> pages. A layer
imports only layers before it in that order (and only those its rule names): no import upward, so no two
layers import each other.

- ``engine/`` is the math: numpy and the standard library only, so it works in a notebook.
- ``data/`` builds and reads datasets: numpy, the standard library and the engine.
- ``text/`` is the printing rule, the sentences about numbers and outside text shown as text: numpy, the engine, data.
- ``session/`` is one browser session's experiment without a browser: no streamlit, no plotly, no views.
- ``classroom/`` is the live class's store, below the views and the web.
- ``views/`` are pure figure, table, LaTeX and lesson builders: no streamlit.
- ``web/`` is the only code that imports streamlit.

Each rule is checked on the source (every ``import`` statement, also inside functions) and the
checker is itself tested on lines that break the rules.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "perceptron"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# layer -> (third-party top-level packages it may import, first-party layers it may import)
RULES = {
    "engine": ({"numpy"}, {"engine"}),
    "data": ({"numpy"}, {"engine", "data"}),
    "text": ({"numpy"}, {"engine", "data", "text"}),
    "session": ({"numpy"}, {"engine", "data", "text", "session"}),
    # the live class's store: a database through SQLAlchemy (psycopg under it, never imported by name); no web
    "classroom": ({"numpy", "sqlalchemy", "psycopg"}, {"engine", "data", "text", "session", "classroom"}),
    "views": ({"numpy", "plotly", "pandas", "segno", "latex2mathml"}, {"engine", "data", "text", "session", "views"}),
    "web": ({"numpy", "plotly", "pandas", "segno", "latex2mathml", "streamlit"},
            {"engine", "data", "text", "session", "views", "classroom", "web"}),
}
ORDER = ("engine", "data", "text", "session", "classroom", "views", "web")  # one way down


def imports(path: Path) -> list[tuple[str, str]]:
    """``(kind, name)`` for every import in a module: ``("third", top-level package)`` or
    ``("first", layer)`` for an import of ``perceptron`` code (relative or absolute)."""
    layer = path.relative_to(PACKAGE).parts[0] if path.parent != PACKAGE else ""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's place
                base = [layer] if node.level == 1 else []
                mod = [*base, *(node.module or "").split(".")] if node.module else base
                if not [m for m in mod if m]:  # "from .. import x": x is a layer
                    out += [("first", a.name) for a in node.names]
                    continue
                out.append(("first", [m for m in mod if m][0]))
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top, *rest = name.split(".")
            if top == "perceptron":
                out.append(("first", rest[0] if rest else "perceptron"))
            elif top not in STDLIB:
                out.append(("third", top))
    return out


def violations(path: Path) -> list[str]:
    layer = path.relative_to(PACKAGE).parts[0]
    third_ok, first_ok = RULES[layer]
    bad = []
    for kind, name in imports(path):
        allowed = third_ok if kind == "third" else first_ok
        if name not in allowed:
            bad.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return bad


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(RULES))
def test_each_layer_imports_only_what_it_may(layer):
    found = modules(layer)
    assert found, f"perceptron/{layer}/ has no modules"
    bad = [v for p in found for v in violations(p)]
    assert not bad, "\n".join(bad)


def test_no_layer_imports_one_above_it():
    """The rules themselves go one way (``ORDER``), and so do the imports found: no layer imports a later one,
    so no two layers import each other."""
    assert set(ORDER) == set(RULES) == {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for layer, (_, allowed) in RULES.items():
        assert all(ORDER.index(a) <= ORDER.index(layer) for a in allowed), layer
    found = {(p.relative_to(PACKAGE).parts[0], name) for layer in ORDER for p in modules(layer)
             for kind, name in imports(p) if kind == "first" and name in ORDER}
    upward = sorted((a, b) for a, b in found if ORDER.index(b) > ORDER.index(a))
    assert upward == [], upward
    assert not [(a, b) for a, b in found if a != b and (b, a) in found]


def test_pages_do_no_math_of_their_own():
    """A page wires controls to a view and shows it: the engine's math runs in the session and the views
    (``scenes.backprop``, ``scenes.last_update``), never in a page, where no test without a browser reaches it."""
    pages = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    bad = []
    for path in pages:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad += [f"{path.name} imports {n}" for n in names if n == "perceptron.engine" or n.startswith("perceptron.engine.")
                    or (n == "perceptron" and isinstance(node, ast.ImportFrom)
                        and any(a.name == "engine" for a in node.names))]
    assert bad == [], bad


def test_only_web_imports_streamlit_anywhere_in_the_package():
    outside = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "web"]
    bad = [str(p) for p in outside if ("third", "streamlit") in imports(p)]
    assert not bad, bad


def test_the_package_imports_without_streamlit_or_plotly():
    """``import perceptron`` (the engine's public API) works in a notebook without the web stack."""
    import subprocess

    code = ("import sys; sys.modules['streamlit'] = None; sys.modules['plotly'] = None; "
            "import perceptron, perceptron.engine.network, perceptron.data.datasets, perceptron.data.csv_io; "
            "print(perceptron.train.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert out.returncode == 0 and out.stdout.strip() == "train", out.stderr


def test_the_checker_catches_a_broken_rule(tmp_path, monkeypatch):
    """The rules are not vacuous: streamlit in the engine, plotly in the session, the web layer
    in the views are each reported."""
    fake = tmp_path / "perceptron"
    for layer, line in [("engine", "import streamlit as st"), ("session", "from plotly import graph_objects"),
                        ("views", "from ..web import ui"), ("data", "from perceptron.session import lab")]:
        (fake / layer).mkdir(parents=True)
        (fake / layer / "m.py").write_text(f"import numpy as np\n{line}\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    for layer in ("engine", "session", "views", "data"):
        assert len(violations(fake / layer / "m.py")) == 1, layer


def test_the_readmes_layer_table_names_every_module():
    """Every module of perceptron (and its JavaScript) is named in the README's layer table, in its folder's row."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for folder in sorted(p for p in (ROOT / "perceptron").iterdir() if p.is_dir() and p.name != "__pycache__"):
        row = next((line for line in readme.splitlines() if line.startswith(f"| `perceptron/{folder.name}/` |")), "")
        for f in sorted(folder.glob("*.py")) + sorted(folder.glob("*.js")):
            if f.name != "__init__.py" and f"`{f.name}`" not in row:
                missing.append(f"perceptron/{folder.name}/{f.name}")
    assert not missing, missing
