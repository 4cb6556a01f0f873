"""Nothing mutable at module level in ``perceptron`` (on a shared server a module's table is every session's): every
module's public and private names hold no dict, list, set or bytearray, at any depth of a read-only table, so no
session can change what another one reads."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import FunctionType, MappingProxyType, ModuleType

import perceptron

MUTABLE = (dict, list, set, bytearray)


def mutable_parts(value, where: str, seen: set[int]) -> list[str]:
    """Where ``value`` holds something mutable: itself, or inside a read-only mapping or a tuple."""
    if id(value) in seen or isinstance(value, (str, bytes, int, float, ModuleType, FunctionType, type)):
        return []
    seen.add(id(value))
    if isinstance(value, MUTABLE):
        return [f"{where}: a {type(value).__name__}"]
    if isinstance(value, (MappingProxyType, Mapping)):
        return [p for k, v in value.items() for p in mutable_parts(v, f"{where}[{k!r}]", seen)]
    if isinstance(value, (tuple, frozenset)):
        return [p for i, v in enumerate(value) for p in mutable_parts(v, f"{where}[{i}]", seen)]
    return []


def test_no_module_holds_a_mutable_table():
    found = []
    for info in pkgutil.walk_packages(perceptron.__path__, "perceptron."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("__") or (isinstance(value, ModuleType)):
                continue
            if getattr(value, "__module__", info.name) not in (info.name, None) and not isinstance(value, MUTABLE):
                continue  # imported from elsewhere: judged where it is defined
            found += mutable_parts(value, f"{info.name}.{name}", set())
    assert not found, found


def test_a_figure_changes_only_its_own_layout():
    """traces.figure_layout starts from a new layout each time: changing one figure's margin or legend leaves the
    next figure's alone (the shared BASE_LAYOUT was copied shallowly, its nested dicts shared by every session)."""
    from perceptron.views.traces import figure_layout

    first = figure_layout()
    first["margin"]["l"] = 999
    first["legend"]["x"] = 0.5
    second = figure_layout()
    assert second["margin"]["l"] != 999 and second["legend"]["x"] != 0.5
