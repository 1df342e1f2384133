"""What submission needs, shown where people write: the section forms mark every field the
submission rules need (the others say "(frivilligt)"), from one place, and the task list
tells per section what is still missing, with a total."""

import re

import pytest
from django.urls import reverse

from applications import forms as application_forms
from applications import selectors, services, submission
from applications.sections import BY_KEY, SECTIONS
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


def section_forms(draft):
    yield "basics", application_forms.BasicsForm(instance=draft)
    yield "purpose", application_forms.PurposeForm(instance=draft)
    yield "target_group", application_forms.TargetGroupForm(instance=draft)
    yield "content", application_forms.ContentForm(instance=draft)
    yield "period", application_forms.PeriodForm(instance=draft)
    yield "follow_up", application_forms.FollowUpForm(instance=draft)
    yield "partners", application_forms.PartnerFormSet(instance=draft, prefix="partners").forms[0]
    yield "logic_model", application_forms.LogicRowFormSet(instance=draft, prefix="logic_rows").forms[0]
    yield "priority_areas", application_forms.PriorityAreasForm(application=draft)
    yield "criteria", application_forms.CriteriaForm(application=draft)


def field_name(problem: submission.Problem) -> str:
    """``id_partners-0-role`` -> ``role``; ``id_evidence_justification`` -> ``justification``."""
    name = re.sub(r"^id_", "", problem.field).split("-")[-1]
    name = re.sub(r"_\d+$", "", name)  # a radio's first choice: id_municipalities_0
    return application_forms._base_name(name)


def test_it_marks_the_optional_fields_and_leaves_the_needed_ones(draft):
    for key, form in section_forms(draft):
        needed = set(BY_KEY[key].needed)
        for name, field in form.fields.items():
            if field.widget.is_hidden or name == "DELETE":
                continue
            if application_forms._base_name(name) in needed:
                assert "(frivilligt)" not in str(field.label), f"{key}.{name} is needed"
            else:
                assert str(field.label).endswith("(frivilligt)"), f"{key}.{name} is optional"
    target = application_forms.TargetGroupForm(instance=draft)
    assert str(target.fields["expected_families"].label) == "Antal familjer (frivilligt)"
    assert str(target.fields["expected_children"].label) == "Antal barn"


def test_it_marks_exactly_what_the_submission_rules_ask_for(draft):
    """The markers and the rules agree: every field an empty draft is refused for is marked
    as needed in its section, and every section with needed fields has a rule about it."""
    problems = submission.problems(draft)
    for problem in problems:
        if problem.field == "budget-table" or problem.section == "signatures":
            continue  # the budget's table, and the principals' signatures (no section's fields)
        assert field_name(problem) in BY_KEY[problem.section].needed, problem
    refused_sections = {p.section for p in problems}
    assert {s.key for s in SECTIONS if s.needed} <= refused_sections


def test_it_counts_the_sections_that_are_done(draft):
    tasks = selectors.task_list(draft)
    assert (tasks.done, tasks.total) == (1, 12)  # only the attachments, which need nothing
    assert [t.state for t in tasks.tasks][:2] == ["not_started", "not_started"]
    basics = tasks.tasks[0]
    assert [p.message for p in basics.missing] == ["Välj projektägare."]


def test_it_shows_a_section_saved_but_incomplete_as_started(demo, draft):
    services.section_save(
        application=draft,
        key="purpose",
        version=services.section_open(application=draft, key="purpose").version,
        by=demo.person("leader"),
        form=_valid(
            application_forms.PurposeForm({"version": 0, "purpose": "Fler barn läser.", "problem": ""}, instance=draft)
        ),
    )
    purpose = next(t for t in selectors.task_list(draft).tasks if t.spec.key == "purpose")
    assert purpose.state == "in_progress"
    assert [p.message for p in purpose.missing] == ["Beskriv problemet och dess orsaker från er kartläggning."]


def _valid(form):
    assert form.is_valid(), form.errors
    return form


def test_it_counts_every_section_of_a_complete_draft_as_done(demo):
    application = complete_application(demo.call(), demo.working_group("Uddevalla"))
    tasks = selectors.task_list(application)
    assert (tasks.done, tasks.total) == (12, 12)
    assert all(not t.missing for t in tasks.tasks)


def test_the_task_list_says_what_is_missing_and_links_to_the_field(client, demo, draft):
    client.force_login(demo.person("member"))
    html = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "1 av 12 avsnitt klara" in html
    assert "saker saknas för att skicka in" in html
    basics = reverse("applications:section", args=[draft.pk, "basics"])
    assert f'href="{basics}#id_project_owner"' in html
    assert "Välj projektägare." in html
