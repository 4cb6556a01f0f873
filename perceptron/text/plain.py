r"""Plain-text sentences as Markdown that shows exactly that text.

Streamlit renders Markdown wherever it shows text: a warning, an info box, a radio button's label.
A sentence about a link or a file repeats what the link or the file said, and that must stay text:
no image fetched from another host, no link, no heading, no colour (``:red[…]``), no emoji code, no
LaTeX, no HTML. :func:`markdown` escapes every Markdown character of a sentence and shows each part
quoted by :func:`perceptron.data.quoting.quoted` (between “ and ”) as inline code instead, where nothing is
interpreted, not even a web address. Pure string work: no Streamlit.
"""

from __future__ import annotations

import re
import string

from ..data.quoting import CLOSE, OPEN, flat

_QUOTED = re.compile(f"({OPEN}[^{OPEN}{CLOSE}]*{CLOSE})")
_PUNCTUATION = frozenset(string.punctuation)  # CommonMark lets a backslash escape each of these


def escape(text: str) -> str:
    """``text`` with every ASCII punctuation character escaped: no Markdown, LaTeX, directive or autolink
    (``https\\://``, ``www\\.``, ``a\\@b`` are no longer addresses) is left in it."""
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in flat(text))


def code(text: str) -> str:
    """``text`` as an inline code span: shown as it is, whatever backticks it holds."""
    text = flat(text)
    if not text:
        return ""
    # Streamlit turns every ":material/" of a Markdown source into an icon's name, code spans included: an
    # invisible word joiner keeps the text as it was on screen
    text = text.replace(":material/", ":material\u2060/")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""  # CommonMark strips one space at each end
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown(sentence: str) -> str:
    """A plain-text ``sentence`` as Markdown that Streamlit shows as that text, with each “quoted” part as
    inline code (an empty one as “”)."""
    parts = _QUOTED.split(str(sentence))
    return "".join(code(part[1:-1]) or OPEN + CLOSE if _QUOTED.fullmatch(part) else escape(part) for part in parts)
