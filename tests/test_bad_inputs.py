"""Every bad file of docs/bad-inputs.md, uploaded through the Dataset page's file chooser."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import payload_text
from streamlit.testing.v1 import AppTest

from bad_inputs import CASES, table

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]


def dataset_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/1_Dataset.py")
    at.run()
    assert not at.exception
    return at


def shown(at) -> str:
    """The messages on the page as the reader wrote them: Markdown escapes removed, each code span (a quoted
    name or cell, shown as text only) back between “ and ”."""
    said = " ".join(e.value for e in [*at.error, *at.info, *at.warning])
    said = re.sub(r"(`+) ?(.*?) ?\1", lambda m: "“" + m.group(2) + "”", said)
    return re.sub(r"\\(.)", r"\1", said)


@pytest.mark.parametrize(("what", "name", "data", "outcome", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_upload_through_the_page(what, name, data, outcome, fragment):
    at = dataset_page()
    before = at.session_state["lab"].dataset
    uploader = at.file_uploader[0]
    uploader.set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    after = at.session_state["lab"].dataset
    assert fragment in shown(at), shown(at)
    if outcome == "refused":
        assert after is before  # nothing the user built is lost
        assert "your points are unchanged" in shown(at)
    else:
        assert after is not before and after.source == "csv"
        assert f"Loaded {after.n} points from “{name}”" in shown(at)
        assert np.all(np.isfinite(after.X))


def test_html_column_names_are_shown_as_text():
    at = dataset_page()
    data = next(c[2] for c in CASES if c[0].startswith("HTML"))
    at.file_uploader[0].set_value(("html.csv", data, "text/csv")).run()
    spec = payload_text(at.get("bidi_component")[0].proto)
    assert "&lt;b&gt;bold&lt;/b&gt;" in spec and "<b>bold</b>" not in spec  # plotly would render a tag


def test_extra_columns_can_be_chosen():
    at = dataset_page()
    at.file_uploader[0].set_value(("extra.csv", b"id,a,b,c,label\n1,0,5,7,0\n2,1,6,8,1\n", "text/csv")).run()
    at.selectbox(key="ds_col_x1").set_value("b")
    at.selectbox(key="ds_col_x2").set_value("c")
    at.get("form")[0]  # the column chooser is there
    at.selectbox(key="ds_col_label").set_value("label")
    submit = [b for b in at.button if b.label == "Use these columns"][0]
    submit.click().run()
    assert not at.exception
    lab = at.session_state["lab"]
    assert lab.dataset.feature_names == ("b", "c")
    np.testing.assert_array_equal(lab.dataset.X, [[5, 7], [6, 8]])


def test_the_documented_table_is_current():
    assert (ROOT / "docs" / "bad-inputs.md").read_text() == table()
