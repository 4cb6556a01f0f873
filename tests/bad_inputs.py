"""Every bad file we try through the real upload path, and what the user is told.

`python tests/bad_inputs.py > docs/bad-inputs.md` writes the table the README links to;
tests/test_bad_inputs.py uploads each file through the Dataset page and checks the
message and that the points the user had are unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perceptron.data import csv_io  # noqa: E402

GOOD = "a,b,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n"

# (what, file name, bytes, "refused" or "loaded", a fragment of the message the user sees)
CASES = [
    ("empty file", "empty.csv", b"", "refused", "empty"),
    ("header only", "header.csv", b"a,b,label\n", "refused", "no data rows"),
    ("one column", "one.csv", b"a\n1\n2\n", "refused", "two feature columns and a label column"),
    ("two columns", "two.csv", b"a,label\n1,0\n2,1\n", "refused", "two feature columns and a label column"),
    ("non-numeric cell", "text.csv", b"a,b,label\n0,0,0\n1,abc,1\n", "refused", "abc"),
    ("empty cell", "hole.csv", b"a,b,label\n0,,0\n1,1,1\n", "refused", "empty"),
    ("NaN in a feature", "nan.csv", b"a,b,label\n0,nan,0\n1,1,1\n", "refused", "not a finite number"),
    ("inf in a feature", "inf.csv", b"a,b,label\n0,inf,0\n1,1,1\n", "refused", "not a finite number"),
    ("a single class", "one_class.csv", b"a,b,label\n0,0,1\n1,1,1\n", "refused", "one class"),
    ("three classes", "three.csv", b"a,b,label\n0,0,0\n1,1,1\n2,2,2\n", "refused", "3 classes"),
    ("ragged rows", "ragged.csv", b"a,b,label\n0,0,0\n1,1\n", "refused", "Row 3"),
    ("more rows than the app draws", "big.csv",
     ("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(csv_io.MAX_ROWS + 1))).encode(),
     "refused", f"{csv_io.MAX_ROWS:,}"),
    ("larger than the upload limit", "huge.csv", b"a,b,label\n" + b"0,0,0\n" * (csv_io.MAX_BYTES // 6 + 10),
     "refused", "the limit is"),
    ("binary garbage renamed .csv", "garbage.csv", bytes(range(256)) * 8, "refused", "does not look like a text CSV"),
    ("labels as words yes/no", "words.csv", b"a,b,label\n0,0,no\n1,1,yes\n", "loaded", '“no” → 0'),
    ("labels as species names", "species.csv", b"x,y,species\n1,2,setosa\n3,4,versicolor\n", "loaded",
     '“setosa” → 0'),
    ("labels −1/1", "pm1.csv", b"a,b,label\n0,0,-1\n1,1,1\n", "loaded", "-1"),
    ("semicolon delimiter", "semi.csv", b"a;b;label\n0;0;0\n1;1;1\n", "loaded", "semicolon"),
    ("tab delimiter", "tab.csv", b"a\tb\tlabel\n0\t0\t0\n1\t1\t1\n", "loaded", "tab"),
    ("UTF-8 byte-order mark", "bom.csv", b"\xef\xbb\xbf" + GOOD.encode(), "loaded", "Loaded 4 points"),
    ("extra columns", "extra.csv", b"id,a,b,c,label\n1,0,0,5,0\n2,1,1,6,1\n", "loaded", "ignored"),
    ("duplicate rows", "dups.csv", b"a,b,label\n0,0,0\n0,0,0\n1,1,1\n", "loaded", "duplicate"),
    ("HTML and Markdown in column names", "html.csv",
     b'"<b>bold</b>","**x**",label\n0,0,0\n1,1,1\n', "loaded", "Loaded 2 points"),
]


def message(data: bytes) -> str:
    """What the reader says of a file: its error, or its notes."""
    try:
        result = csv_io.read_csv(data)
    except csv_io.CsvError as err:
        return str(err)
    return " ".join(result.notes) or "Loaded as it is."


def table() -> str:
    rows = ["| bad input | outcome | what the user sees |", "|---|---|---|"]
    for what, _, data, outcome, _ in CASES:
        text = message(data).replace("|", "\\|").replace("\n", " ")
        result = "refused: the points the user had are kept" if outcome == "refused" else "loaded: replaces the points"
        rows.append(f"| {what} | {result} | {text} |")
    head = ("# Bad input: what the user sees\n\nEvery row is uploaded through the Dataset page's file chooser "
            "by `tests/test_bad_inputs.py`, which checks the message and that nothing the user built is lost. "
            "Regenerate with `python tests/bad_inputs.py > docs/bad-inputs.md`.\n\n")
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
