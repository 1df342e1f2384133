"""The call's priority areas: the call lists them, an application ticks those it addresses and
says how (its own section, a submission rule, the snapshot), the inbox filters by them and the
public portfolio shows them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import forms as application_forms
from applications import services, submission, summary
from applications.documents import sent_sections
from applications.models import AddressedArea, Application, Status
from partnership.models import Call, PriorityArea
from tests.factories import (
    applications_through_services,
    complete_application,
    decided_through_services,
    recommended_through_services,
    signed_again,
    submitted_application,
)

pytestmark = pytest.mark.django_db

AREAS = ["Psykisk hälsa", "Föräldrar som resurs", "Läsning och språk", "Motivation och skolnärvaro"]


def area(call: Call, name: str) -> PriorityArea:
    return call.priority_areas.get(name=name)


def tick(application: Application, chosen: dict[str, str], *, by) -> Application:
    """Save the section as a person would: ``chosen`` is {area name: how}; every other area unticked."""
    data = {"version": services.section_open(application=application, key="priority_areas").version}
    for name, how in chosen.items():
        pk = area(application.call, name).pk
        data[f"area_{pk}_addressed"] = "on"
        data[f"area_{pk}_how"] = how
    form = application_forms.PriorityAreasForm(data, application=application)
    assert form.is_valid(), form.errors
    services.section_save(application=application, key="priority_areas", version=data["version"], by=by, form=form)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def draft(demo):
    """A complete draft of Uddevalla's group, with none of the call's areas ticked."""
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))
    return signed_again(tick(application, {}, by=demo.person("leader")))


# --- the model ------------------------------------------------------------------------------


def test_the_demo_calls_list_vgrs_priority_areas_in_order(demo):
    assert [a.name for a in demo.call().priority_areas.order_by("position")] == AREAS
    assert all(a.description for a in demo.call().priority_areas.all())


def test_it_refuses_two_areas_of_the_same_name_in_one_call(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityArea.objects.create(call=demo.call(), name="Psykisk hälsa", position=9)
    # Another call may have an area of that name.
    assert demo.call_2017().priority_areas.filter(name="Psykisk hälsa").exists()


def test_it_refuses_the_same_area_twice_in_one_application(demo, draft):
    chosen = area(draft.call, "Psykisk hälsa")
    AddressedArea.objects.create(application=draft, area=chosen, call=draft.call, how="Samtal i skolan.")
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressedArea.objects.create(application=draft, area=chosen, call=draft.call, how="En gång till.")


def test_the_model_explains_an_area_of_another_call(demo, draft):
    foreign = AddressedArea(application=draft, area=area(demo.call_2017(), "Psykisk hälsa"), call=draft.call)
    with pytest.raises(ValidationError) as refused:
        foreign.full_clean()
    assert "utlysning" in str(refused.value)


def _addressed_and_checked(**fields) -> None:
    """Write the row and have the deferred keys checked now, not at the commit a test never makes."""
    AddressedArea.objects.create(**fields)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.postgres
def test_the_database_refuses_an_area_of_another_call(demo, draft):
    foreign = area(demo.call_2017(), "Psykisk hälsa")
    for call in (draft.call, demo.call_2017()):
        # Whichever call the row claims, one of its two keys does not hold.
        with pytest.raises(IntegrityError), transaction.atomic():
            _addressed_and_checked(application=draft, area=foreign, call=call)
    _addressed_and_checked(application=draft, area=area(draft.call, "Psykisk hälsa"), call=draft.call)


def test_the_service_refuses_an_area_of_another_call(demo, draft):
    class Forged:
        """What a forged post would make of the form: an area the form never offered."""

        def chosen(self):
            return {area(demo.call_2017(), "Psykisk hälsa").pk: "Från en annan utlysning."}

    version = services.section_open(application=draft, key="priority_areas").version
    with pytest.raises(ValidationError):
        services.section_save(
            application=draft, key="priority_areas", version=version, by=demo.person("leader"), form=Forged()
        )
    assert not draft.addressed_areas.exists()


# --- the section --------------------------------------------------------------------------


def test_the_section_comes_after_purpose_and_problem():
    from applications.sections import SECTIONS

    keys = [spec.key for spec in SECTIONS]
    assert keys.index("priority_areas") == keys.index("purpose") + 1


def test_saving_ticks_explains_and_unticks_areas(demo, draft):
    leader = demo.person("leader")
    tick(draft, {"Psykisk hälsa": "Samtal i skolan.", "Läsning och språk": "Läsombud."}, by=leader)
    assert {a.area.name: a.how for a in draft.addressed_areas.all()} == {
        "Psykisk hälsa": "Samtal i skolan.",
        "Läsning och språk": "Läsombud.",
    }
    tick(draft, {"Läsning och språk": "Läsombud varje vecka."}, by=leader)
    assert {a.area.name: a.how for a in draft.addressed_areas.all()} == {"Läsning och språk": "Läsombud varje vecka."}


def test_the_form_keeps_an_explanation_of_an_area_not_ticked(draft):
    pk = area(draft.call, "Motivation och skolnärvaro").pk
    form = application_forms.PriorityAreasForm(
        {"version": 0, f"area_{pk}_how": "Närvaroteam på skolan."}, application=draft
    )
    assert not form.is_valid()
    assert form.errors[f"area_{pk}_addressed"] == [
        "Du har skrivit hur insatsen arbetar med ”Motivation och skolnärvaro”. Kryssa i området, eller ta bort texten."
    ]


def test_the_page_shows_each_area_with_its_description(as_persona, draft):
    html = as_persona("member").get(reverse("applications:section", args=[draft.pk, "priority_areas"])).content
    html = html.decode()
    for name in AREAS:
        assert f'<legend class="h6">{name}</legend>' in html
    assert "Barns och ungas psykiska hälsa" in html
    assert "Insatsen tar upp psykisk hälsa" in html


def test_a_call_without_areas_asks_nothing_in_the_section(as_persona, demo, draft):
    PriorityArea.objects.filter(call=draft.call).delete()
    html = as_persona("member").get(reverse("applications:section", args=[draft.pk, "priority_areas"])).content
    assert "Utlysningen anger inga prioriterade områden" in html.decode()
    assert submission.priority_areas_addressed(draft) == []


# --- the submission rule ------------------------------------------------------------------


def test_the_rule_asks_for_at_least_one_area(draft):
    first = area(draft.call, "Psykisk hälsa")
    assert submission.priority_areas_addressed(draft) == [
        submission.Problem(
            "priority_areas",
            f"id_area_{first.pk}_addressed",
            "Kryssa i minst ett av utlysningens prioriterade områden som insatsen tar upp.",
        )
    ]


def test_the_rule_asks_how_each_ticked_area_is_addressed(demo, draft):
    tick(draft, {"Psykisk hälsa": "Samtal i skolan.", "Föräldrar som resurs": "  "}, by=demo.person("leader"))
    parents = area(draft.call, "Föräldrar som resurs")
    assert submission.priority_areas_addressed(draft) == [
        submission.Problem(
            "priority_areas",
            f"id_area_{parents.pk}_how",
            "Beskriv hur insatsen arbetar med det prioriterade området ”Föräldrar som resurs”.",
        )
    ]


def test_submission_is_refused_until_an_area_is_ticked_and_explained(demo, draft):
    leader = demo.person("leader")
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=draft, by=leader)
    assert [p.section for p in refused.value.problems] == ["priority_areas"]
    draft = signed_again(tick(draft, {"Läsning och språk": "Läsombud i förskolan."}, by=leader))
    assert services.application_submit(application=draft, by=leader).status == Status.SUBMITTED


# --- the snapshot, the summary and the PDF -----------------------------------------------


def test_the_snapshot_summary_and_pdf_show_the_areas_and_how(demo, draft):
    leader = demo.person("leader")
    draft = signed_again(
        tick(draft, {"Psykisk hälsa": "Samtal i skolan.", "Läsning och språk": "Läsombud."}, by=leader)
    )
    sent = services.application_submit(application=draft, by=leader)
    data = sent.snapshots.get().data
    assert data["priority_areas"] == {"Psykisk hälsa": "Samtal i skolan.", "Läsning och språk": "Läsombud."}

    sections = {s.title: s.rows for s in sent_sections(data)}
    assert sections["Prioriterade områden"] == [
        ("Läsning och språk", "Läsombud."),
        ("Psykisk hälsa", "Samtal i skolan."),
    ]

    (card,) = [s for s in summary.check_answers(sent, []) if s.spec.key == "priority_areas"]
    assert dict(card.rows) == {"Psykisk hälsa": "Samtal i skolan.", "Läsning och språk": "Läsombud."}
    assert card.change_url.startswith(reverse("applications:section", args=[sent.pk, "priority_areas"]) + "?next=")


def test_the_check_your_answers_page_links_the_missing_area_to_its_field(as_persona, draft):
    html = as_persona("leader").get(reverse("applications:submit", args=[draft.pk])).content.decode()
    first = area(draft.call, "Psykisk hälsa")
    assert "Kryssa i minst ett av utlysningens prioriterade områden som insatsen tar upp." in html
    assert f"#id_area_{first.pk}_addressed" in html


# --- the inbox -----------------------------------------------------------------------------


def inbox_titles(client, **query) -> list[str]:
    response = client.get(reverse("inbox:list"), query)
    assert response.status_code == 200
    return sorted(application.title for application in response.context["inbox"].page.object_list)


def test_the_inbox_filters_by_one_or_more_priority_areas(as_persona, demo):
    call = demo.call()
    group = demo.working_group("Uddevalla")
    # ``complete_application`` ticks "Läsning och språk"; one also explains mental health.
    submitted_application(call=call, working_group=group, title="Läsombud")
    both = complete_application(call, group, title="Läsning och samtal", by=demo.person("leader"))
    both = signed_again(
        tick(both, {"Läsning och språk": "Läsombud.", "Psykisk hälsa": "Samtal."}, by=demo.person("leader"))
    )
    services.application_submit(application=both, by=demo.person("leader"))
    client = as_persona("project_leader")

    mental = area(call, "Psykisk hälsa").pk
    reading = area(call, "Läsning och språk").pk
    parents = area(call, "Föräldrar som resurs").pk
    assert inbox_titles(client, priority_area=[mental]) == ["Läsning och samtal"]
    assert inbox_titles(client, priority_area=[reading]) == ["Läsning och samtal", "Läsombud"]
    assert inbox_titles(client, priority_area=[mental, parents]) == ["Läsning och samtal"]
    assert inbox_titles(client, priority_area=[parents]) == []
    assert inbox_titles(client) == ["Läsning och samtal", "Läsombud"]


def test_the_inbox_offers_only_the_areas_of_the_project_leaders_calls(as_persona, demo, demo_region):
    response = as_persona("project_leader").get(reverse("inbox:list"))
    choices = dict(response.context["inbox"].filterset.form.fields["priority_area"].choices)
    offered = PriorityArea.objects.filter(pk__in=[int(pk) for pk in choices])
    assert set(offered.values_list("call__partnership", flat=True)) == {demo.call().partnership_id}
    # Two calls of the partnership name the same areas: each choice says whose it is.
    assert f"Psykisk hälsa ({demo.call().name})" in choices.values()
    other = area(demo_region.call(), "Psykisk hälsa").pk
    refused = as_persona("project_leader").get(reverse("inbox:list"), {"priority_area": [other]})
    assert refused.context["inbox"].filterset.form.errors["priority_area"]


def test_the_inbox_groups_the_area_boxes_under_a_legend(as_persona, demo):
    html = as_persona("project_leader").get(reverse("inbox:list")).content.decode()
    assert '<legend class="form-label fs-6">Prioriterade områden</legend>' in html
    pk = area(demo.call(), "Psykisk hälsa").pk
    assert f'name="priority_area" value="{pk}"' in html


@pytest.mark.parametrize("areas", [1, 2])
def test_the_area_filter_costs_the_same_queries_for_5_and_60_applications(as_persona, demo, areas):
    from tests.applications.test_inbox import INBOX_QUERIES

    client = as_persona("project_leader")
    call = demo.call()
    chosen = [area(call, "Läsning och språk").pk, area(call, "Psykisk hälsa").pk][:areas]
    query = {"priority_area": chosen, "sort": "requested"}
    applications_through_services(demo, 5, states=(Status.SUBMITTED,), municipalities=("Munkedal",))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("inbox:list"), query)
    applications_through_services(demo, 55, first=6, states=(Status.SUBMITTED,), municipalities=("Munkedal",))
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("inbox:list"), query)
    # Every one of them addresses "Läsning och språk" (``complete_application``).
    assert response.context["inbox"].page.paginator.count == 60
    assert len(small) == len(large) == INBOX_QUERIES, "\n".join(q["sql"][:150] for q in large.captured_queries)


def test_the_export_keeps_the_area_filter(as_persona, demo):
    call = demo.call()
    submitted_application(call=call, working_group=demo.working_group("Uddevalla"), title="Läsombud")
    client = as_persona("project_leader")
    mental = area(call, "Psykisk hälsa").pk
    reading = area(call, "Läsning och språk").pk
    none = b"".join(client.get(reverse("inbox:export"), {"priority_area": [mental]}).streaming_content)
    some = b"".join(client.get(reverse("inbox:export"), {"priority_area": [reading]}).streaming_content)
    assert "Läsombud".encode() not in none
    assert "Läsombud".encode() in some


# --- the portfolio -----------------------------------------------------------------------


def test_the_portfolio_shows_an_investments_priority_areas(client, demo):
    granted, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Läslust"
    )
    decided_through_services(granted, secretariat=demo.person("secretariat"), outcome="approved")

    detail = client.get(reverse("portfolio:detail", args=[granted.pk])).content.decode()
    listing = client.get(reverse("portfolio:list")).content.decode()

    assert "<dt>Prioriterade områden</dt>" in detail
    assert "<li>Läsning och språk</li>" in detail
    assert "Läsning och språk" in listing


# --- the areas in the inbox's rows and its export --------------------------------------------


@pytest.fixture
def two_in_the_inbox(demo):
    """Uddevalla's "Läsombud" (reading, as ``complete_application`` ticks it) and "Läsning och
    samtal", which also ticks mental health (listed in the call's order: mental health first)."""
    call = demo.call()
    group = demo.working_group("Uddevalla")
    submitted_application(call=call, working_group=group, title="Läsombud")
    both = complete_application(call, group, title="Läsning och samtal", by=demo.person("leader"))
    both = signed_again(
        tick(both, {"Läsning och språk": "Läsombud.", "Psykisk hälsa": "Samtal."}, by=demo.person("leader"))
    )
    services.application_submit(application=both, by=demo.person("leader"))


def inbox_row(html: str, title: str) -> str:
    import re

    return re.search(
        rf'<tr role="row">\s*<td[^>]*>[^<]*</td>\s*<th[^>]*><a [^>]*>{title}</a>.*?</tr>', html, re.S
    ).group(0)


def test_the_inbox_row_shows_the_areas_the_application_ticked(as_persona, demo, two_in_the_inbox):
    html = as_persona("project_leader").get(reverse("inbox:list")).content.decode()
    assert '<th scope="col" role="columnheader">Prioriterade områden</th>' in html
    both = inbox_row(html, "Läsning och samtal")
    assert 'data-label="Prioriterade områden"' in both
    assert "<li>Psykisk hälsa</li><li>Läsning och språk</li>" in both
    one = inbox_row(html, "Läsombud")
    assert "<li>Läsning och språk</li>" in one
    assert "Psykisk hälsa" not in one


def _export(client, export_format: str) -> dict[str, str]:
    """{title: the export's priority-area cell}, read through the real export."""
    import csv
    import io

    from openpyxl import load_workbook

    response = client.get(reverse("inbox:export"), {"format": export_format})
    assert response.streaming
    body = b"".join(response.streaming_content)
    if export_format == "csv":
        header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    else:
        header, *rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert header[-1] == "Prioriterade områden"
    return {row[1]: row[-1] for row in rows}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_has_a_column_with_the_areas_each_application_ticked(
    as_persona, demo, two_in_the_inbox, export_format
):
    assert _export(as_persona("project_leader"), export_format) == {
        "Läsning och samtal": "Psykisk hälsa, Läsning och språk",
        "Läsombud": "Läsning och språk",
    }


def test_the_export_reads_the_areas_once_per_chunk_of_rows(as_persona, demo, monkeypatch):
    from applications import inbox

    client = as_persona("project_leader")
    applications_through_services(demo, 5, states=(Status.SUBMITTED,), municipalities=("Munkedal",))
    monkeypatch.setattr(inbox, "EXPORT_CHUNK", 2)  # 5 rows: chunks of 2, 2 and 1
    with CaptureQueriesContext(connection) as captured:
        cells = _export(client, "csv")
    area_queries = [q["sql"] for q in captured.captured_queries if "applications_addressedarea" in q["sql"]]
    assert len(area_queries) == 3
    assert len(cells) == 5
    assert set(cells.values()) == {"Läsning och språk"}


# --- the portfolio's filter by area -------------------------------------------------------------


@pytest.fixture
def granted_reading(demo):
    """A granted investment of the portal that addresses "Läsning och språk", beside an imported one
    (which addresses no area of a call)."""
    from tests.factories import imported_investments

    granted, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Läslust"
    )
    decided_through_services(granted, secretariat=demo.person("secretariat"), outcome="approved")
    imported_investments({"title": "Närvaroteamet"})
    return granted


def portfolio_titles(client, **query) -> list[str]:
    response = client.get(reverse("portfolio:list"), query)
    assert response.status_code == 200
    return sorted(investment.title for investment in response.context["portfolio"].page.object_list)


def test_the_portfolio_filters_by_a_priority_area(client, granted_reading):
    assert portfolio_titles(client) == ["Läslust", "Närvaroteamet"]
    assert portfolio_titles(client, priority_area="Läsning och språk") == ["Läslust"]


def test_the_portfolio_offers_only_the_areas_granted_investments_address(client, demo, granted_reading):
    response = client.get(reverse("portfolio:list"))
    choices = dict(response.context["portfolio"].filterset.form.fields["priority_area"].choices)
    assert choices == {"": "Alla områden", "Läsning och språk": "Läsning och språk"}
    html = response.content.decode()
    assert '<label class="form-label" for="id_priority_area">Prioriterat område</label>' in html
    refused = client.get(reverse("portfolio:list"), {"priority_area": "Psykisk hälsa"})
    assert refused.context["portfolio"].filterset.form.errors["priority_area"]


def test_the_portfolio_area_filter_costs_the_same_queries_for_5_and_50_investments(client, granted_reading):
    from tests.factories import imported_investments

    def make(count: int, first: int) -> None:
        imported_investments(*[{"title": f"Investering {number}"} for number in range(first, first + count)])

    query = {"priority_area": "Läsning och språk", "phase": "ongoing"}
    make(3, 1)  # 5 investments in all
    with CaptureQueriesContext(connection) as small:
        assert portfolio_titles(client, **query) == ["Läslust"]
    make(45, 4)  # 50
    with CaptureQueriesContext(connection) as large:
        assert portfolio_titles(client, **query) == ["Läslust"]
    assert len(portfolio_titles(client)) == 25  # a full page unfiltered
    assert len(small) == len(large), "\n".join(q["sql"][:150] for q in large.captured_queries)
