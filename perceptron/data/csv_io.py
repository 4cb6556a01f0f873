r"""Read a user's CSV file into a :class:`~perceptron.data.datasets.Dataset`, and write one back.

A file needs a header row, two numeric feature columns :math:`x_1, x_2` and a
label column with exactly two classes, which become :math:`y \in \{0, 1\}`.
Every problem raises :class:`CsvError` with one human sentence or two: what is
wrong, where (row and column; rows are counted as in a spreadsheet, the header
being row 1) and how to fix it. Column names are kept as the file spells them; a sentence
that repeats one, or a cell, quotes it with :func:`~perceptron.data.quoting.quoted` (the web layer
shows quoted text as text only). :func:`to_csv` writes a name a spreadsheet would take for a
formula with a leading apostrophe, which :func:`read_csv` takes off again.

Imports numpy and the standard library only.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .points import Dataset
from .quoting import quoted


class CsvError(ValueError):
    """A file that cannot be used, with a message saying what is wrong, where, and how to fix it."""


MAX_ROWS: int = 5000  # the browser still draws this many points fluidly
MAX_BYTES: int = 1_000_000

LABEL_NAMES = ("label", "class", "target", "species", "y")  # by priority, compared case-insensitively
SPLIT_NAME = "split"
DELIMITERS = MappingProxyType({",": "comma", ";": "semicolon", "\t": "tab"})
_SHOW = 30  # characters of an offending value shown in a message


@dataclass(frozen=True)
class CsvResult:
    """What :func:`read_csv` found.

    Attributes
    ----------
    dataset : Dataset
        ``source="csv"``, feature names = the chosen columns, class names = the label texts.
    notes : tuple of str
        Sentences for the user about what was assumed (label mapping, ignored columns, duplicates).
    columns : tuple of str
        Every column name in the file, exactly as written.
    """

    dataset: Dataset
    notes: tuple[str, ...]
    columns: tuple[str, ...]


def _show(value: str) -> str:
    """A name or a cell in a sentence: quoted, cut to ``_SHOW`` characters."""
    return quoted(value, _SHOW)


def _list(names, limit=10) -> str:
    shown = ", ".join(_show(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _quoted(names) -> str:
    """Names quoted (up to 60 characters each), separated by commas."""
    return ", ".join(quoted(n, 60) for n in names)


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


NOT_TEXT = ("This file does not look like a text CSV file (it contains binary data or is not UTF-8 text). "
            "Save it from your spreadsheet as “CSV UTF-8” and try again.")


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError:
            raise CsvError(NOT_TEXT) from None
        text = data[1:] if data.startswith("\ufeff") else data
    elif isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        size = len(data)
        text = None
    else:
        raise CsvError(f"Expected the file's bytes or text, got {type(data).__name__}.")
    if size > MAX_BYTES:
        raise CsvError(f"The file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (1 MB). "
                       "Keep fewer rows or columns and try again.")
    if text is None:
        if b"\x00" in data:
            raise CsvError(NOT_TEXT)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvError(NOT_TEXT) from None
    if any(ord(ch) < 32 and ch not in "\t\n\r" or ch == "\x7f" for ch in text):
        raise CsvError(NOT_TEXT)
    return text


def _sniff(first_line: str) -> str:
    """The delimiter that splits the header into the most columns (ties: comma, semicolon, tab)."""
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with their row numbers (the header's is 1)."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    out = []
    try:
        start = 1
        for record in reader:
            if any(cell.strip() for cell in record) or len(record) > 1:
                out.append((start, record))
            start = reader.line_num + 1
    except csv.Error as err:
        raise CsvError(f"The file could not be read as CSV near row {reader.line_num}: {err}. "
                       "Check the quotes on that row.") from None
    return out


def _find(columns: tuple[str, ...], name: str, what: str) -> int:
    if name in columns:
        return columns.index(name)
    raise CsvError(f"The {what} column {_show(name)} was not found; the file's columns are {_list(columns)}.")


def _choose_columns(columns, body, features, label) -> tuple[int, int, int, int | None, list[str]]:
    """Indices of (feature 1, feature 2, label, split or None) and notes."""
    lowered = [c.strip().lower() for c in columns]
    if label is not None:
        li = _find(columns, label, "label")
    else:
        named = [lowered.index(n) for n in LABEL_NAMES if n in lowered]
        unsplit = [i for i, c in enumerate(lowered) if c != SPLIT_NAME]
        li = named[0] if named else unsplit[-1] if unsplit else len(columns) - 1
    si = lowered.index(SPLIT_NAME) if SPLIT_NAME in lowered and lowered.index(SPLIT_NAME) != li else None
    notes = []
    if features is not None:
        if len(features) != 2:
            raise CsvError(f"Choose exactly two feature columns, got {len(features)}.")
        f1, f2 = (_find(columns, f, "feature") for f in features)
        if li in (f1, f2):
            raise CsvError(f'The column {_show(columns[li])} cannot be both a feature and the label; '
                           "choose another label or feature column.")
        return f1, f2, li, si, notes
    others = [i for i in range(len(columns)) if i not in (li, si)]
    if len(others) < 2:
        raise CsvError("The file needs two feature columns and a label column, but only "
                       f"{len(others) + 1} usable columns were found: {_list([columns[i] for i in [*others, li]])}.")
    if len(others) > 2:
        numeric = [i for i in others if all(i < len(r) and (not r[i].strip() or _number(r[i]) is not None)
                                            for _, r in body)]
        chosen = (numeric + [i for i in others if i not in numeric])[:2]
        f1, f2 = sorted(chosen)
        ignored = [columns[i] for i in others if i not in (f1, f2)]
        notes.append(f"Used columns {quoted(columns[f1], 60)} and {quoted(columns[f2], 60)} as features; "
                     f"ignored {_quoted(ignored)}.")
    else:
        f1, f2 = others
    return f1, f2, li, si, notes


def read_csv(
    data: bytes | str,
    *,
    features: tuple[str, str] | None = None,
    label: str | None = None,
    max_rows: int = MAX_ROWS,
) -> CsvResult:
    r"""A dataset from a CSV file's bytes (or text).

    Parameters
    ----------
    data : bytes or str
        UTF-8 with or without a byte-order mark; comma, semicolon or tab separated;
        a header row first.
    features : (str, str), optional
        The two feature columns. By default the first two columns other than the
        label (and a ``split`` column); with more than that, the first two numeric ones.
    label : str, optional
        The label column. By default one named label, class, target, y or species
        (any case), otherwise the last column.
    max_rows : int
        The most data rows accepted.

    Returns
    -------
    CsvResult
        ``dataset.X`` of shape (n, 2), ``dataset.y`` of shape (n,) in {0, 1}; a
        ``split`` column of train/test values sets ``dataset.test``.

    Raises
    ------
    CsvError
        For every problem, with a message naming the row and column.
    """
    text = _decode(data)
    if not text.strip():
        raise CsvError("The file is empty. It needs a header row (e.g. x1,x2,label) and one row per point.")
    first_line = next(line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())
    delimiter = _sniff(first_line)
    rows = _rows(text, delimiter)
    if not rows:
        raise CsvError("The file is empty. It needs a header row (e.g. x1,x2,label) and one row per point.")
    (_, header), body = rows[0], rows[1:]
    columns = tuple(_from_spreadsheet_text(c) for c in header)
    if len(columns) < 3:
        raise CsvError(f"The file has {len(columns)} column{'s' if len(columns) != 1 else ''}, but it needs two "
                       "feature columns and a label column (e.g. x1,x2,label), separated by commas, "
                       "semicolons or tabs.")
    if all(_number(c) is not None for c in columns):
        raise CsvError("The first row holds only numbers, but a header row with column names is required. "
                       "Add a first line such as x1,x2,label.")
    if not body:
        raise CsvError("The file has a header row but no data rows. Add one row per point below the header.")
    if len(body) > max_rows:
        raise CsvError(f"The file has {len(body):,} data rows; at most {max_rows:,} are read so that the plots "
                       f"stay fluid. Keep a sample of {max_rows:,} rows or fewer.")
    for number, record in body:
        if len(record) != len(columns) and not (len(record) > len(columns)
                                                and not any(c.strip() for c in record[len(columns):])):
            raise CsvError(f"Row {number} has {len(record)} value{'s' if len(record) != 1 else ''} but the header "
                           f"has {len(columns)} columns. Every row needs one value per column; check for a "
                           f"missing or extra {DELIMITERS[delimiter]} on that row.")
    f1, f2, li, si, notes = _choose_columns(columns, body, features, label)
    if delimiter != ",":
        notes.insert(0, f"Read as {DELIMITERS[delimiter]}-separated values.")

    X = np.empty((len(body), 2))
    labels, test = [], np.zeros(len(body), dtype=bool)
    for k, (number, record) in enumerate(body):
        for j, ci in enumerate((f1, f2)):
            cell = record[ci]
            name = _show(columns[ci])
            if not cell.strip():
                raise CsvError(f'Row {number} has an empty cell in column {name}. Fill it in or delete the row.')
            value = _number(cell)
            if value is None:
                raise CsvError(f'Row {number}, column {name} holds {_show(cell)}, which is not a number. '
                               "Feature columns must hold numbers only (use a dot as decimal separator).")
            if not math.isfinite(value):
                raise CsvError(f'Row {number}, column {name} holds {_show(cell)} (not a finite number: '
                               "NaN or infinity). Replace it with a number or delete the row.")
            X[k, j] = value
        cell = record[li].strip()
        if not cell:
            raise CsvError(f'Row {number} has an empty cell in the label column {_show(columns[li])}. '
                           "Fill it in or delete the row.")
        labels.append(cell)
        if si is not None:
            split = record[si].strip().lower()
            if split not in ("train", "test"):
                raise CsvError(f'Row {number}, column {_show(columns[si])} holds {_show(record[si])}; '
                               'a split column may only hold "train" or "test".')
            test[k] = split == "test"

    y, class_names, note = _map_labels(labels, columns[li])
    if note:
        notes.append(note)
    keys = [(X[k, 0], X[k, 1], y[k]) for k in range(len(y))]
    duplicates = len(keys) - len(set(keys))
    if duplicates:
        notes.append(f"Found {duplicates} duplicate row{'s' if duplicates != 1 else ''} (kept).")
    ds = Dataset(X=X, y=y, test=test, feature_names=(columns[f1] or f"column {f1 + 1}", columns[f2] or f"column {f2 + 1}"),
                 class_names=class_names, source="csv")
    return CsvResult(dataset=ds, notes=tuple(notes), columns=columns)


def _map_labels(labels: list[str], column: str) -> tuple[np.ndarray, tuple[str, str], str | None]:
    """Labels 0/1, the two class names and a note on the mapping (None when the labels were already 0/1)."""
    numbers = [_number(v) for v in labels]
    numeric = all(v is not None and math.isfinite(v) for v in numbers)
    first: dict = {}
    for key, text in zip(numbers if numeric else labels, labels, strict=True):
        first.setdefault(key, text)
    classes = list(first)
    if len(classes) == 1:
        raise CsvError(f'The label column {_show(column)} holds only one class ({_show(labels[0])}). '
                       "A neuron needs examples of two classes to learn a boundary.")
    if len(classes) > 2:
        shown = sorted(first.values())
        more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise CsvError(f'The label column {_show(column)} holds {len(classes)} classes '
                       f"({', '.join(_show(c) for c in shown[:5])}{more}), but one neuron separates "
                       "exactly two. Keep the rows of two classes only.")
    if numeric:
        low, high = sorted(classes)
        names = (first[low], first[high])
        y = np.array([int(v == high) for v in numbers], dtype=int)
        if (low, high) == (0, 1):
            return y, names, None
        return y, names, f"Labels mapped: {quoted(names[0], 60)} → 0, {quoted(names[1], 60)} → 1."
    low, high = sorted(classes, key=lambda c: (c.casefold(), c))
    y = np.array([int(v == high) for v in labels], dtype=int)
    return y, (low, high), f"Labels mapped: {quoted(low, 60)} → 0, {quoted(high, 60)} → 1."


# A text cell a spreadsheet takes for a formula when it begins with one of these (OWASP's CSV injection list,
# with the typographic and full-width signs some spreadsheets read the same way).
FORMULA_START = "=+-@\t\r\u2212\uff1d\uff0b\uff0d\uff20"


def spreadsheet_text(cell: str) -> str:
    """A text cell no spreadsheet evaluates: one that would begin a formula gets a leading apostrophe (which
    a spreadsheet shows as text and :func:`read_csv` takes off again)."""
    return "'" + cell if cell[:1] in FORMULA_START and cell else cell


def _from_spreadsheet_text(cell: str) -> str:
    """The inverse of :func:`spreadsheet_text` (a name written by :func:`to_csv` reads back as it was)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_START else cell


def _column_name(name: str) -> str:
    """A feature's column name that reading back will not take for the label or split column."""
    name = "".join(" " if ord(ch) < 32 or ch == "\x7f" else ch for ch in name)  # no control characters
    return f"{name} (feature)" if name.strip().lower() in (*LABEL_NAMES, SPLIT_NAME) else name


def to_csv(ds: Dataset) -> str:
    r"""The dataset as CSV text: columns ``<feature 1>,<feature 2>,label,split``.

    Labels are 0/1 and split is ``train`` or ``test``; numbers are written in
    full precision, so :func:`read_csv` gives back the same X, y and test mask, and the
    same feature names (a name that would start a spreadsheet formula is written with a
    leading apostrophe, :func:`spreadsheet_text`, and read back without it).
    """
    out = io.StringIO()
    header = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # quoted, so no name can fool the sniffer
    header.writerow([spreadsheet_text(_column_name(name)) for name in ds.feature_names] + ["label", "split"])
    writer = csv.writer(out, lineterminator="\n")
    for (a, b), label, is_test in zip(ds.X.tolist(), ds.y.tolist(), ds.test.tolist(), strict=True):
        writer.writerow([repr(float(a)), repr(float(b)), int(label), "test" if is_test else "train"])
    return out.getvalue()
