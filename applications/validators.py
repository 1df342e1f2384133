"""Validation shared by the application's forms and models."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD-NNNN, YYYYMMDDNNNN, not inside longer numbers.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def find_personal_identity_number(text: str) -> str | None:
    """The first Swedish personal (or coordination) number in the text, if any."""
    for match in _PERSONNUMMER.finditer(text or ""):
        yy, mm, dd, tail = match.groups()
        month, day = int(mm), int(dd)
        if day > 60:  # samordningsnummer: day + 60
            day -= 60
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if _luhn_ok(f"{yy}{mm}{dd}{tail}"):
            return match.group(0)
    return None


def no_personal_identity_number(value: str) -> None:
    if find_personal_identity_number(value):
        raise ValidationError(
            _(
                "Texten innehåller ett personnummer. Ansökningar beskriver grupper och antal, aldrig enskilda "
                "barn: ta bort numret och skriv om så att ingen person kan identifieras."
            ),
            code="personal_identity_number",
        )
