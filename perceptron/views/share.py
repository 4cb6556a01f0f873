r"""A link to share, for a room: its QR code, drawn here (no outside service), and whether it can leave this
computer at all. Pure functions of the link's text: no Streamlit.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import segno

INK, PAPER = "#080a0e", "#ffffff"  # dark on white: the contrast a phone's camera reads best


def qr_svg(link: str, scale: int = 6) -> str:
    """The link as a QR code, an SVG document (error correction M: a projector's glare may hide some of it)."""
    code = segno.make(link, error="m", micro=False)
    return code.svg_inline(scale=scale, dark=INK, light=PAPER, border=4, omitsize=False)


def local_only(link: str) -> str | None:
    """Why the link's host is this computer alone (localhost, a loopback or an unspecified address), so that
    students' devices cannot open it; None when it names a host they may reach."""
    host = (urlsplit(link).hostname or "").strip("[]").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return f"its host, {host or 'missing'}, is this computer" if host else "it names no host"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if ip.is_loopback or ip.is_unspecified:
        return f"its host, {host}, is this computer"
    return None
