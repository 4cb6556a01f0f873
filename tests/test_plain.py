"""Text from outside shown as text: the quoting of data/quoting.py and the Markdown of text/plain.py.

The Markdown is parsed here by an independent CommonMark + GFM parser's rules as far as they matter: no
link, image, heading, emphasis, HTML, LaTeX, directive or autolink survives, and the text reads back as
it was. The browser test (tests/browser/test_hostile_text.py) checks what Streamlit itself draws.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perceptron.data.quoting import quoted
from perceptron.text.plain import code, escape, markdown

HOSTILE = ["![](http://e.invalid/x.png)", "[Sign in](https://e.invalid/l)", "https://e.invalid/phish",
           "www.e.invalid", ":red[**SESSION EXPIRED**]", "# Heading", "<img src=//e.invalid/h.png>",
           "$\\href{//e.invalid}{x}$", "a@e.invalid", ":material/home:", "`tick` ``two``", "line\n\n# two",
           "x\u202eevil", "**bold** _it_ ~~s~~"]


def unescape(md: str) -> str:
    """What CommonMark shows for backslash escapes and code spans (the only constructs markdown() emits),
    read left to right as CommonMark does: a backslash escapes the next punctuation character; a run of
    backticks opens a code span, closed by a run of the same length, inside which nothing is escaped."""
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md) and md[i + 1] in string.punctuation:
            out.append(md[i + 1])
            i += 2
        elif md[i] == "`":
            fence = re.match("`+", md[i:]).group(0)
            close = re.compile(f"(?<!`){fence}(?!`)").search(md, i + len(fence))
            assert close, f"unclosed code span in {md!r}"
            inner = md[i + len(fence):close.start()]
            if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
                inner = inner[1:-1]
            out.append(inner)
            i = close.end()
        else:
            out.append(md[i])
            i += 1
    return "".join(out).replace("\u2060", "")  # the word joiner that keeps ":material/" text (plain.code)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_sentence_with_hostile_text_escapes_every_markdown_character(text):
    md = escape(text)
    assert unescape(md) == " ".join(text.split("\n")).replace("\u202e", " ")
    # nothing left for a Markdown parser: every punctuation character is escaped
    assert not re.search(r"(?<!\\)[!\[\]()<>*_#$:`~@/.]", md.replace("\\\\", "")), md


@pytest.mark.parametrize("text", HOSTILE)
def test_quoted_text_becomes_a_code_span(text):
    md = markdown(f"Ignored {quoted(text)} in the link.")
    assert md.startswith("Ignored ") and md.endswith(" in the link\\.")
    span = md[len("Ignored "):-len(" in the link\\.")]
    fence = re.match("`+", span).group(0)
    assert span.endswith(fence) and fence not in span[len(fence):-len(fence)], span  # one span, fenced right
    assert unescape(span) == quoted(text)[1:-1]


def test_a_quote_is_cut_and_made_one_line():
    assert quoted("x" * 50) == "“" + "x" * 29 + "…”"
    assert quoted("a\nb\tc\u202ed\u200b") == "“a b c d”"
    assert quoted("“nested”") == '“"nested"”'


@given(st.text(max_size=40))
def test_any_quoted_text_reads_back_from_its_code_span(text):
    q = quoted(text, 100)[1:-1]
    md = markdown(f"x {quoted(text, 100)} y")
    assert unescape(md) == f"x {q} y" if q else md == "x “” y"
    assert code(q).count("\n") == 0
