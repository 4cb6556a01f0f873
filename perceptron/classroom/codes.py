r"""The class's secrets: its code, the teacher's key and each student's seat token, and how they are checked.

- A **class code** is 6 characters from ``ALPHABET``, which leaves out the look-alikes 0/O, 1/I/L:
  31⁶ ≈ 8.9·10⁸ codes, typed by students from the projector. It is not a secret on its own: joining
  needs only the code, so wrong codes are rate-limited (:mod:`perceptron.classroom.limits`).
- A **teacher key** is 32 random bytes (43 URL-safe characters), only in the teacher's own link.
- A **seat token** is ``<seat id>.<24 random bytes>``, in the student's link: the seat id finds the row,
  the secret proves it is theirs.

The database keeps only SHA-256 digests of keys and secrets (the values are random and long, so a fast
hash is enough; a leaked database opens no class), and a digest is compared with
:func:`hmac.compare_digest`, in constant time. Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0, O, 1, I, L: nothing a student can misread
CODE_LENGTH = 6
KEY_BYTES = 32
SEAT_BYTES = 24
_TOKEN = re.compile(r"([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{16,64})")
_SEPARATORS = re.compile(r"[\s\-–—_.·]+")  # what a person may type between the characters of a code


def new_code() -> str:
    """A fresh class code: ``CODE_LENGTH`` characters of ``ALPHABET``, from the system's secure random source."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text) -> str | None:
    """The code a person typed, upper-cased and without spaces or dashes; None when it cannot be a code."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_key() -> str:
    """A teacher key: ``KEY_BYTES`` random bytes, URL-safe base64."""
    return secrets.token_urlsafe(KEY_BYTES)


def new_secret() -> str:
    """The secret half of a seat token."""
    return secrets.token_urlsafe(SEAT_BYTES)


def seat_token(seat_id: int, secret: str) -> str:
    """The token a student's link carries: the seat's id and its secret."""
    return f"{int(seat_id)}.{secret}"


def parse_token(token) -> tuple[int, str] | None:
    """``(seat id, secret)`` of a well-formed seat token, else None."""
    if not isinstance(token, str) or len(token) > 100:
        return None
    m = _TOKEN.fullmatch(token)
    return (int(m[1]), m[2]) if m else None


def digest(secret: str) -> str:
    """The SHA-256 of a key or secret, as 64 hex digits: what the database keeps instead of it."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def matches(secret, stored: str) -> bool:
    """Whether ``secret`` (a key or a seat's secret) hashes to ``stored``, compared in constant time."""
    if not isinstance(secret, str) or not isinstance(stored, str) or len(secret) > 200:
        return False
    return hmac.compare_digest(digest(secret), stored)
