"""Swedish personal identity numbers (personnummer, samordningsnummer) in text.

One module for every check: the free-text fields of applications, meetings and RUN, and
the text, metadata and embedded strings of attachments. Text is normalised first, so
that look-alike characters do not hide a number: Unicode compatibility forms (NFKC turns
full-width digits and separators into plain ones), every dash and minus sign, every kind
of space, and invisible formatting characters (zero-width spaces, soft hyphens,
direction marks).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD-NNNN, YYYYMMDDNNNN, not inside longer numbers;
# spaces around the separator ("811218 - 9876", "811218 9876") and one line break (a PDF line
# wrapped at the dash) are allowed.
# The spaces are matched possessively, so a long run of them costs no backtracking.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?(\d{2})(\d{2})(\d{2})[ \t]*+[-+]?[ \t]*+\n?[ \t]*+(\d{4})(?!\d)")
# The minus sign and other "dashes" that are not in Unicode's dash punctuation (Pd).
_EXTRA_DASHES = "\u2212\u2043\u02d7\ufe63\uff0d"
# How much of a long text is kept between two scans, so that a number on the boundary is found.
OVERLAP = 64


# Dashes, spaces and format characters are assigned only in these planes (basic and
# supplementary multilingual, and plane 14's tags); scanning them is all of Unicode's.
_PLANES = (range(0x20000), range(0xE0000, 0xE1000))


def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (code for plane in _PLANES for code in plane):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Pd" or char in _EXTRA_DASHES:
            table[code] = "-"
        elif category == "Zs" or char in "\u00a0\u2007\u202f":
            table[code] = " "
        elif category == "Cf" or char == "\u00ad":
            table[code] = None  # zero-width and direction marks, soft hyphen: invisible, dropped
    table.pop(ord("-"), None)
    table.pop(ord(" "), None)
    return table


_TABLE = _translation_table()


_SPECIAL = frozenset(chr(code) for code in _TABLE)


def normalise(text: str) -> str:
    """The text as a reader sees it: plain digits, one kind of dash, one kind of space."""
    text = unicodedata.normalize("NFKC", text)
    # Replacing only the few special characters present is much faster than translating all.
    for char in _SPECIAL.intersection(text):
        text = text.replace(char, _TABLE[ord(char)] or "")
    return text


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def find_personal_identity_number(text: str) -> str | None:
    """The first Swedish personal (or coordination) number in the text, if any (as normalised)."""
    for match in _PERSONNUMMER.finditer(normalise(text or "")):
        yy, mm, dd, tail = match.groups()
        month, day = int(mm), int(dd)
        if day > 60:  # samordningsnummer: day + 60
            day -= 60
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if _luhn_ok(f"{yy}{mm}{dd}{tail}"):
            return match.group(0)
    return None


class TextScanner:
    """Looks for a number in text that arrives in pieces (a document read part by part),
    keeping only a short overlap in memory. ``found`` is the first number seen."""

    def __init__(self, chunk: int = 256 * 1024) -> None:
        self.found: str | None = None
        self.characters = 0
        self._pending: list[str] = []
        self._pending_length = 0
        self._chunk = chunk

    def write(self, text: str) -> None:
        if self.found or not text:
            return
        self._pending.append(text)
        self._pending_length += len(text)
        self.characters += len(text)
        if self._pending_length >= self._chunk:
            self._scan(keep_tail=True)

    def separate(self) -> None:
        """A boundary between two pieces of text that do not belong together (two cells, two fields);
        a number is never read across it."""
        self.write("\n\n")

    def close(self) -> str | None:
        if not self.found:
            self._scan(keep_tail=False)
        return self.found

    def _scan(self, *, keep_tail: bool) -> None:
        text = "".join(self._pending)
        self.found = find_personal_identity_number(text)
        tail = text[-OVERLAP:] if keep_tail else ""
        if tail and len(text) > OVERLAP and text[-OVERLAP - 1].isdigit():
            tail = tail.lstrip("0123456789")  # the rest of a longer number is no number of its own
        self._pending = [tail] if tail else []
        self._pending_length = len(tail)


def no_personal_identity_number(value: str) -> None:
    if find_personal_identity_number(value):
        raise ValidationError(
            _(
                "Texten innehåller ett personnummer. Ansökningar beskriver grupper och antal, aldrig enskilda "
                "barn: ta bort numret och skriv om så att ingen person kan identifieras."
            ),
            code="personal_identity_number",
        )
