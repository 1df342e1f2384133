"""Cleaning text people typed before it goes where it could do harm: e-mail headers and
documents (PDF, e-mail bodies).

* Bidirectional control characters (embeddings, overrides and isolates, the direction
  marks and the Arabic letter mark) can make a text *display* differently from what it
  says — a reference number or an amount read backwards. They are removed.
* A line break in a header ends the header; in an e-mail subject it either injects headers
  or, in Django, stops the mail altogether (``BadHeaderError``). Subjects are one line.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = str.maketrans("", "", BIDI_CONTROLS)
# Line and paragraph separators, every C0/C1 control character (CR, LF, tab, NUL, NEL, …).
_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI)


def header_value(text: str, *, max_length: int | None = None) -> str:
    """One line without control characters, fit for an e-mail subject."""
    line = _LINE_BREAKS_AND_CONTROLS.sub(" ", without_bidi_controls(text))
    line = " ".join(line.split())
    return line[:max_length].rstrip() if max_length else line
