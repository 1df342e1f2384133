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
        "Barnet 811218\u20139876 (tankstreck)",
        "Barnet 811218\u20149876 (långt tankstreck)",
        "Barnet 811218\u22129876 (minustecken)",
        "Barnet 811218\u20109876 (bindestreck)",
        "Barnet 811218 - 9876",
        "Barnet 811218 9876",
        "Barnet 811218\u00a0\u20139876",
        "Barnet ８１１２１８－９８７６",
        "Barnet ８１１２１８ー９８７６".replace("ー", "\uff0d"),
        "Barnet 8112\u200b18-9876",
        "Barnet 811218\u00ad-9876",
        "Barnet \u202e811218-9876",
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
        "Perioden 2027\u20132029, 1\u00a0234\u00a0567 kr",
        "Telefon 0522\u2013123456",
    ],
)
def test_it_lets_ordinary_numbers_through(text):
    assert find_personal_identity_number(text) is None
    no_personal_identity_number(text)


@pytest.mark.django_db
def test_it_finds_a_number_in_free_text_of_a_form(demo):
    from applications import forms, services

    draft = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Fritext", by=demo.person("leader")
    )
    form = forms.PurposeForm(
        {"purpose": "Gäller barnet ８１１２１８－９８７６.", "problem": "", "version": 0}, instance=draft
    )
    assert not form.is_valid()
    assert "personnummer" in form.errors["purpose"][0]


def test_it_reads_a_long_text_in_pieces_without_missing_a_number_on_the_boundary():
    from applications.identity_numbers import TextScanner

    scanner = TextScanner(chunk=100)
    scanner.write("x" * 95 + " 8112")
    scanner.write("18-9876 och mer text")
    assert scanner.close() == "811218-9876"
    scanner = TextScanner(chunk=100)
    scanner.write("1" * 200)
    scanner.separate()
    scanner.write("9876")
    assert scanner.close() is None
