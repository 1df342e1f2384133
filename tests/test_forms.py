"""The form parts every app shares (simportal/forms.py)."""

from django import forms
from django.test import RequestFactory

from simportal.forms import KronorField, posted, show_refusal


class Amounts(forms.Form):
    amount = KronorField(label="Belopp")
    change = KronorField(label="Ändring", negative=True)


def errors(**data):
    form = Amounts(data=data)
    form.is_valid()
    return form.errors


def test_it_accepts_whole_kronor_and_a_negative_change_only_where_allowed():
    assert errors(amount="250000", change="-500000") == {}
    assert errors(amount="-1", change="1")["amount"] == ["Beloppet kan inte vara negativt."]


def test_it_says_what_to_type_when_the_amount_is_not_a_whole_number():
    found = errors(amount="250 000 kr", change="fem")
    assert found["amount"] == ["Skriv beloppet i hela kronor, utan mellanslag, t.ex. 250000."]
    assert found["change"] == ["Skriv beloppet i hela kronor, utan mellanslag, t.ex. 500000."]


def test_it_refuses_an_amount_with_one_zero_too_many():
    assert errors(amount="10000000000", change="1")["amount"] == [
        "Beloppet är orimligt stort; kontrollera antalet nollor."
    ]


def test_a_caller_overrides_one_message_and_keeps_the_others():
    field = KronorField(max_value=100, error_messages={"max_value": "Högst 100 kr kan beviljas."})
    assert field.error_messages["max_value"] == "Högst 100 kr kan beviljas."
    assert field.error_messages["min_value"] == "Beloppet kan inte vara negativt."


def test_the_amount_field_asks_for_digits_on_a_phone():
    html = str(Amounts()["amount"])
    assert 'inputmode="numeric"' in html
    assert 'min="0"' in html


class Refused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def test_a_refusal_lands_on_the_field_it_names_or_on_the_whole_form():
    form = Amounts(data={"amount": "1", "change": "1"})
    assert form.is_valid()
    show_refusal(form, Refused("Beloppet är större än det sökta.", field="amount"))
    show_refusal(form, Refused("Mötet är inställt.", field="no_such_field"))
    show_refusal(form, ValueError("Något gick fel."))
    assert form.errors["amount"] == ["Beloppet är större än det sökta."]
    assert form.non_field_errors() == ["Mötet är inställt.", "Något gick fel."]


def test_an_empty_post_still_binds_the_form_and_a_get_does_not():
    factory = RequestFactory()
    assert posted(factory.get("/")) is None
    empty = posted(factory.post("/", {}))
    assert empty is not None
    assert Amounts(empty).is_bound
