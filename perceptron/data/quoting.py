r"""Text that came from outside (a link, a file's name, header or cells), quoted inside a sentence.

Every sentence that repeats such text puts it between “ and ” through :func:`quoted`: cut to a few
characters, with control, format and line-break characters (a new line, a right-to-left override)
made spaces and the two quote marks themselves made straight quotes, so that a later layer can find
the quoted text again and show it as text only (:func:`perceptron.text.plain.markdown`).
Standard library only.
"""

from __future__ import annotations

import unicodedata

OPEN, CLOSE = "“", "”"
INVISIBLE = ("Cc", "Cf", "Zl", "Zp")  # control, format (bidi overrides, zero-width), line and paragraph separators


def flat(value) -> str:
    """``value`` as one line of visible text: invisible characters made spaces, the quote marks straight."""
    text = "".join(" " if unicodedata.category(ch) in INVISIBLE else ch for ch in str(value))
    return text.replace(OPEN, '"').replace(CLOSE, '"')


def quoted(value, limit: int = 30) -> str:
    """``value`` between “ and ”, on one line, at most ``limit`` characters (cut with …)."""
    text = flat(value).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return OPEN + text + CLOSE
