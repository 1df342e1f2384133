import pytest
from django.core.exceptions import ValidationError

from applications.validators import find_personal_identity_number, no_personal_identity_number


@pytest.mark.parametrize(
    "text",
    [
        "Barnet 811218-9876 har behov",
        "pnr 198112189876",
        "8112189876",
        "19811218-9876",
        "samordningsnummer 701063-2391",
    ],
)
def test_it_finds_a_personal_identity_number(text):
    assert find_personal_identity_number(text)
    with pytest.raises(ValidationError) as excinfo:
        no_personal_identity_number(text)
    assert "personnummer" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "Budget 1 234 567 kr för 2027",
        "Telefon 0522-123456",
        "811218-9875",  # fails the Luhn check
        "Diarienummer SIM 2026/0007",
        "Organisationsnummer 232100-0131 är inget personnummer? det är månad 21",
        "1234567890123",
    ],
)
def test_it_lets_ordinary_numbers_through(text):
    assert find_personal_identity_number(text) is None
    no_personal_identity_number(text)
