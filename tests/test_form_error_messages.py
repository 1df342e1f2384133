"""Every error message of the application's forms and the password forms names its field and
says what to do: no form here answers with Django's generic "Detta fält måste fyllas i." or
"Ange ett heltal." The test walks every form class of those modules, so a new form is checked
as soon as it is written."""

import inspect

import pytest
from django import forms as django_forms
from django.utils import translation

from applications import attachments, services, signature_methods
from applications import forms as application_forms
from simportal import accounts
from simportal.forms import django_defaults

pytestmark = pytest.mark.django_db

MODULES = (application_forms, attachments, accounts, signature_methods)


def form_classes():
    for module in MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, django_forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            if issubclass(cls, django_forms.ModelForm) and cls._meta.model is None:
                continue  # a base for the sections' forms, never used alone
            yield cls


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


def build(cls, data, demo, draft):
    """Each form with what its ``__init__`` asks for."""
    from applications.models import Application
    from applications.signatures import organisations_for

    call = demo.call()
    leader = demo.person("leader")
    if issubclass(cls, django_forms.ModelForm) and cls._meta.model is Application:
        return cls(data, instance=draft)
    extra = {
        "CriteriaForm": {"application": draft},
        "PriorityAreasForm": {"application": draft},
        "BudgetForm": {"application": draft},
        "WorkingGroupChoiceForm": {"groups": type(demo.working_group("Uddevalla")).objects.filter(kind="local_wg")},
        "NewApplicationForm": {"calls": type(call).objects.all()},
        "TransitionForm": {"needs_message": True},
        "DeadlineExtensionForm": {"call": call},
        "SignatoryForm": {"organisations": organisations_for(draft, "municipality")},
    }.get(cls.__name__, {})
    if cls.__name__ in {"ChosenPasswordForm", "ChangedPasswordForm"}:
        return cls(leader, data)
    if cls.__name__ == "LoginForm":
        # Without a password it never asks the authentication backends (which need a request).
        return cls(None, {k: v for k, v in data.items() if k != "password"} if data else data)
    if issubclass(cls, django_forms.ModelForm):
        return cls(data, instance=cls._meta.model(application=draft))
    return cls(data, **extra)


def generic_messages(form) -> set[str]:
    found = set()
    for field in form.fields.values():
        for key in ("required", "invalid", "invalid_choice", "invalid_list", "max_length", "min_value", "max_value"):
            found |= django_defaults(field, key)
    return found


def test_it_finds_the_forms_it_walks():
    names = {cls.__name__ for cls in form_classes()}
    assert {"BasicsForm", "PartnerForm", "LogicRowForm", "CriteriaForm", "BudgetForm", "NewApplicationForm"} <= names
    assert "PriorityAreasForm" in names
    assert {"LoginForm", "QueuedPasswordResetForm", "ChosenPasswordForm", "ChangedPasswordForm"} <= names
    assert "AttachmentForm" in names


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("cls", list(form_classes()), ids=lambda cls: cls.__name__)
def test_it_never_answers_with_a_generic_message(cls, language, demo, draft):
    with translation.override(language):
        unbound = build(cls, None, demo, draft)
        names = list(unbound.fields)
        # Empty: every required field complains. Garbage: every typed field complains.
        for data in ({}, dict.fromkeys(names, "x" * 20000), dict.fromkeys(names, "-5")):
            form = build(cls, data, demo, draft)
            form.is_valid()
            generic = generic_messages(form)
            for name, errors in form.errors.items():
                for error in errors:
                    assert error not in generic, f"{cls.__name__}.{name} says {error!r}"
                    assert "Detta fält måste fyllas i" not in error
                    assert "This field is required" not in error


def test_it_names_the_field_in_a_required_message(demo, draft):
    form = application_forms.NewApplicationForm({}, calls=type(demo.call()).objects.all())
    assert not form.is_valid()
    assert form.errors["title"] == ["Fyll i insatsens namn."]


def test_it_names_the_field_and_the_format_of_a_date(demo, draft):
    form = application_forms.PeriodForm({"version": 0, "starts_on": "1 april", "ends_on": "2027-13-01"}, instance=draft)
    assert not form.is_valid()
    assert form.errors["starts_on"] == ["Skriv startdatum som ÅÅÅÅ-MM-DD, t.ex. 2027-04-01."]
    assert form.errors["ends_on"] == ["Slutdatum: månaden måste vara 01–12, inte 13. Skriv datum som ÅÅÅÅ-MM-DD."]


def test_it_accepts_a_date_as_typed(demo, draft):
    form = application_forms.PeriodForm(
        {"version": 0, "starts_on": " 2027-04-01 ", "ends_on": "2029-02-28"}, instance=draft
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_on"].isoformat() == "2027-04-01"
    assert 'type="date"' not in str(form["starts_on"])


def test_it_explains_a_day_the_month_does_not_have(demo, draft):
    form = application_forms.PeriodForm({"version": 0, "starts_on": "2028-02-30", "ends_on": ""}, instance=draft)
    assert not form.is_valid()
    assert form.errors["starts_on"] == [
        "Startdatum: 2028-02-30 finns inte – februari 2028 har 29 dagar. Kontrollera dagen."
    ]


def test_it_tells_how_much_too_long_a_text_is(demo, draft):
    form = application_forms.PurposeForm({"version": 0, "purpose": "x" * 3001, "problem": ""}, instance=draft)
    assert not form.is_valid()
    assert form.errors["purpose"] == ["Syfte får vara högst 3000 tecken, men är 3001. Korta texten."]
    assert 'data-character-limit="3000"' in str(form["purpose"])
    assert "maxlength" not in str(form["purpose"])


def test_the_password_forms_say_what_to_do_when_the_passwords_differ(demo):
    leader = demo.person("leader")
    form = accounts.ChosenPasswordForm(
        leader, {"new_password1": "Ett långt lösenord 2026", "new_password2": "Ett annat lösenord 2026"}
    )
    assert not form.is_valid()
    assert form.errors["new_password2"] == [
        "Det bekräftade lösenordet är inte samma som det nya. Skriv samma nya lösenord i båda fälten."
    ]
    changed = accounts.ChangedPasswordForm(
        leader,
        {"old_password": "fel", "new_password1": "Ett långt lösenord 2026", "new_password2": "Ett långt lösenord 2026"},
    )
    assert not changed.is_valid()
    assert changed.errors["old_password"] == [
        "Det nuvarande lösenordet stämmer inte. Skriv lösenordet du loggar in med i dag."
    ]
