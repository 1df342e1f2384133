"""The project leader's inbox: every registered application of the partnership,
filtered, sorted, counted per state and paged, with the triage steps the workflow allows."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status
from partnership.models import Body, BodyKind, Call, MembershipRole, Partnership
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    applications_through_services,
    group_leader,
    imported_investments,
    submitted_application,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SUBMITTED_AT = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=STOCKHOLM)


def registered(demo, municipality="Uddevalla", *, requested=(300_000,), state=Status.SUBMITTED, call=None, **fields):
    """An application of a working group submitted by its leader (at ``submitted_at``) and taken
    on to ``state`` through the services, with one budget year per requested amount."""
    from applications import services

    group = demo.working_group(municipality)
    application = submitted_application(
        call=call or demo.call(), working_group=group, at=fields.pop("submitted_at", SUBMITTED_AT), **fields
    )
    project_leader = demo.person("project_leader")
    if state == Status.COMPLETE:
        application = services.application_accept(application=application, by=project_leader)
    elif state == Status.RETURNED:
        application = services.application_request_completion(
            application=application, by=project_leader, message="Komplettera budgeten."
        )
    elif state == Status.WITHDRAWN:
        application = services.application_withdraw(
            application=application, by=group_leader(group), message="Vi söker i nästa omgång."
        )
    else:
        assert state == Status.SUBMITTED, state
    # The amounts the test is about, instead of the complete draft's budget, saved as the budget
    # section's service saves them (which also stores the requested total).
    services._save_budget(
        application,
        {2027 + i: {"cost": amount, "requested": amount, "cofinancing": {}} for i, amount in enumerate(requested)},
    )
    return application


def bulk_registered(demo, count: int, *, first: int = 1) -> list[Application]:
    """Many registered applications through the services: odd numbers submitted by Munkedal's
    group (with triage links), even ones by Uddevalla's and accepted as complete."""
    return applications_through_services(
        demo,
        count,
        first=first,
        states=(Status.COMPLETE, Status.SUBMITTED),
        municipalities=("Uddevalla", "Munkedal"),
        submitted_at=SUBMITTED_AT + datetime.timedelta(minutes=first),
    )


def inbox(client, **query):
    response = client.get(reverse("inbox:list"), query)
    assert response.status_code == 200
    return response


def titles(response) -> list[str]:
    return [application.title for application in response.context["inbox"].page.object_list]


def test_it_shows_the_project_leader_each_registered_application(as_persona, demo):
    application = registered(demo, "Munkedal", title="Läsfrämjande i Munkedal", requested=(1_000_000, 234_567))

    html = inbox(as_persona("project_leader")).content.decode()

    row = re.search(r"<tr role=\"row\">.*?Läsfrämjande i Munkedal.*?</tr>", html, re.S).group(0)
    assert application.reference_number == "SIM 2026/0001"
    for text in ["SIM 2026/0001", "Munkedal", demo.call().name, "Inskickad", "1 234 567 kr", "2026-11-23"]:
        assert text in row
    assert reverse("applications:detail", args=[Application.objects.get().pk]) in row


def test_it_never_shows_drafts(as_persona, demo):
    from applications import services

    registered(demo, title="Inskickad insats")
    ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Hemligt utkast")
    withdrawn_draft = ApplicationFactory(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Återtaget utkast"
    )
    services.application_withdraw(
        application=withdrawn_draft, by=demo.person("leader"), message="Vi skriver en annan ansökan."
    )
    client = as_persona("project_leader")

    assert titles(inbox(client)) == ["Inskickad insats"]
    assert titles(inbox(client, status="withdrawn")) == []
    assert "Hemligt utkast" not in inbox(client, status="draft").content.decode()


def test_it_leaves_out_investments_imported_from_the_published_list(as_persona, demo):
    registered(demo, title="Inskickad i portalen")
    imported_investments({"title": "Importerad investering", "partners": "Uddevalla kommun och Närhälsan"})
    client = as_persona("project_leader")

    assert titles(inbox(client)) == ["Inskickad i portalen"]
    assert titles(inbox(client, status="approved")) == []


def test_it_leaves_out_withdrawn_applications_until_asked_for(as_persona, demo):
    registered(demo, title="Pågående")
    registered(demo, title="Återtagen efter inskickning", state=Status.WITHDRAWN)
    client = as_persona("project_leader")

    assert titles(inbox(client)) == ["Pågående"]
    assert titles(inbox(client, status="withdrawn")) == ["Återtagen efter inskickning"]


def test_it_shows_only_the_partnerships_the_project_leader_leads(as_persona, demo):
    registered(demo, title="Fyrbodals insats")
    fyrbodal = demo.call().partnership
    other = Partnership.objects.create(name="Ett annat partnerskap", short_name="Annat", region=fyrbodal.region)
    other_call = Call.objects.create(
        partnership=other,
        name="Annan utlysning",
        opens_on=datetime.date(2026, 1, 1),
        deadline=datetime.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM),
        steering_group_meeting_on=datetime.date(2026, 3, 15),
        run_meeting_on=datetime.date(2026, 4, 15),
        budget=1_000_000,
    )
    nsv = Body.objects.get(kind=BodyKind.NSV, municipality__name="Åmål")
    group = Body.objects.create(
        kind=BodyKind.LOCAL_WORKING_GROUP,
        name="Lokal arbetsgrupp Åmål (annat partnerskap)",
        partnership=other,
        municipality=nsv.municipality,
        appointed_by=nsv,
    )
    MembershipFactory(body=group, role=MembershipRole.LEADER)
    submitted_application(
        call=other_call,
        working_group=group,
        title="Någon annans insats",
        at=datetime.datetime(2026, 2, 20, 10, tzinfo=STOCKHOLM),
    )

    response = inbox(as_persona("project_leader"))

    assert titles(response) == ["Fyrbodals insats"]
    assert "Annan utlysning" not in response.content.decode()


def test_it_filters_by_call(as_persona, demo):
    registered(demo, title="I årets omgång")
    registered(
        demo, title="Från 2017", call=demo.call_2017(), submitted_at=datetime.datetime(2017, 9, 1, 10, tzinfo=STOCKHOLM)
    )

    assert titles(inbox(as_persona("project_leader"), call=demo.call_2017().pk)) == ["Från 2017"]


def test_it_filters_by_part(as_persona, demo):
    registered(demo, "Uddevalla", title="Del I-insats")
    registered(demo, "Munkedal", title="Del II-insats")
    part_two = demo.call().partnership.parts.get(number=2)

    assert titles(inbox(as_persona("project_leader"), part=part_two.pk)) == ["Del II-insats"]


def test_it_filters_by_municipality(as_persona, demo):
    registered(demo, "Uddevalla", title="Uddevallas insats")
    registered(demo, "Munkedal", title="Munkedals insats")
    munkedal = demo.working_group("Munkedal").municipality

    response = inbox(as_persona("project_leader"), municipality=munkedal.pk)

    assert titles(response) == ["Munkedals insats"]
    assert [str(m) for m in response.context["inbox"].filterset.form.fields["municipality"].queryset] == [
        "Färgelanda",
        "Lysekil",
        "Mellerud",
        "Munkedal",
        "Trollhättan",
        "Uddevalla",
    ]


def test_it_filters_by_state(as_persona, demo):
    registered(demo, title="Ny")
    registered(demo, title="Klar", state=Status.COMPLETE)

    assert titles(inbox(as_persona("project_leader"), status="complete")) == ["Klar"]


def test_it_filters_by_the_requested_total(as_persona, demo):
    registered(demo, title="Liten", requested=(100_000, 100_000))
    registered(demo, title="Mellan", requested=(300_000, 300_000))
    registered(demo, title="Stor", requested=(1_000_000, 1_000_000))
    client = as_persona("project_leader")

    assert titles(inbox(client, min_amount=600_000, max_amount=600_000)) == ["Mellan"]
    assert titles(inbox(client, min_amount=500_000, sort="requested")) == ["Mellan", "Stor"]
    assert titles(inbox(client, max_amount=999_999, sort="requested")) == ["Liten", "Mellan"]


def test_it_counts_an_application_without_budget_as_zero(as_persona, demo):
    registered(demo, title="Utan budget", requested=())

    assert titles(inbox(as_persona("project_leader"), max_amount=0)) == ["Utan budget"]


def test_it_explains_an_amount_that_is_not_a_number(as_persona, demo):
    registered(demo, title="Något")

    html = inbox(as_persona("project_leader"), min_amount="mycket").content.decode()

    assert "Något behöver rättas" in html
    assert 'href="#id_min_amount"' in html


def test_it_finds_text_in_title_reference_and_purpose(as_persona, demo):
    registered(demo, title="Språkombud i förskolan")
    registered(demo, title="Föräldraskapsstöd", purpose="Stärka föräldrar")
    registered(demo, title="PALS i skolan")  # SIM 2026/0003
    client = as_persona("project_leader")

    assert titles(inbox(client, q="språkombud")) == ["Språkombud i förskolan"]
    assert titles(inbox(client, q="2026/0003")) == ["PALS i skolan"]
    assert titles(inbox(client, q="föräldrar")) == ["Föräldraskapsstöd"]


def test_it_sorts_by_a_column_header_both_ways(as_persona, demo):
    registered(demo, title="Charlie")  # SIM 2026/0001
    registered(demo, title="Bravo")  # SIM 2026/0002
    registered(demo, title="Alfa")  # SIM 2026/0003
    client = as_persona("project_leader")

    ascending = inbox(client, sort="title")
    assert titles(ascending) == ["Alfa", "Bravo", "Charlie"]
    assert titles(inbox(client, sort="-title")) == ["Charlie", "Bravo", "Alfa"]
    assert titles(inbox(client, sort="reference")) == ["Charlie", "Bravo", "Alfa"]

    html = ascending.content.decode()
    header = re.search(r'<th scope="col" role="columnheader" aria-sort="ascending">.*?</th>', html, re.S).group(0)
    assert "Insats" in header
    assert "?sort=-title" in header
    assert html.count("aria-sort=") == 1


def test_it_sorts_states_in_the_order_of_the_workflow(as_persona, demo):
    registered(demo, title="Komplett", state=Status.COMPLETE)
    registered(demo, title="Inskickad", state=Status.SUBMITTED)
    registered(demo, title="Åter", state=Status.RETURNED)

    assert titles(inbox(as_persona("project_leader"), sort="status")) == ["Inskickad", "Åter", "Komplett"]


def test_it_shows_the_newest_first_by_default_and_for_an_unknown_sort(as_persona, demo):
    registered(demo, title="Äldst", submitted_at=SUBMITTED_AT - datetime.timedelta(days=2))
    registered(demo, title="Nyast", submitted_at=SUBMITTED_AT)
    client = as_persona("project_leader")

    assert titles(inbox(client)) == ["Nyast", "Äldst"]
    assert titles(inbox(client, sort="password")) == ["Nyast", "Äldst"]
    assert 'aria-sort="descending"' in inbox(client).content.decode()


def test_it_counts_each_state_within_the_other_filters(as_persona, demo, django_assert_num_queries):
    registered(demo, "Uddevalla", title="U1")
    registered(demo, "Uddevalla", title="U2", state=Status.COMPLETE)
    registered(demo, "Uddevalla", title="U3", state=Status.WITHDRAWN)
    registered(demo, "Munkedal", title="M1")
    uddevalla = demo.working_group("Uddevalla").municipality

    response = inbox(as_persona("project_leader"), municipality=uddevalla.pk, status="submitted")

    counts = {state.status: state.count for state in response.context["inbox"].counts}
    assert counts["submitted"] == 1
    assert counts["complete"] == 1
    assert counts["withdrawn"] == 1
    assert sum(counts.values()) == 3
    html = response.content.decode()
    assert re.search(r"Komplett: <strong>1</strong>", html)
    assert "1 ansökan visas" in html


def test_it_counts_all_states_in_one_query(demo):
    from applications.inbox import inbox_applications, state_counts
    from partnership.rules import roles_of

    registered(demo, title="En")
    registered(demo, title="Två", state=Status.RETURNED)
    queryset = inbox_applications(roles_of(demo.person("project_leader")))
    with CaptureQueriesContext(connection) as queries:
        counts = state_counts(queryset)
    assert len(queries) == 1
    assert {c.status: c.count for c in counts if c.count} == {"submitted": 1, "returned": 1}


def test_it_pages_25_at_a_time(as_persona, demo):
    bulk_registered(demo, 30)
    client = as_persona("project_leader")

    first = inbox(client, sort="reference")
    second = inbox(client, sort="reference", page=2)

    assert len(titles(first)) == 25
    assert titles(second) == [f"Insats nummer {n}" for n in range(26, 31)]
    html = first.content.decode()
    assert '<nav aria-label="Sidor i inkorgen">' in html
    assert 'aria-current="page"' in html
    assert "?sort=reference&amp;page=2" in html
    assert "30 ansökningar visas" in html


def test_it_links_to_the_triage_steps_the_workflow_allows(as_persona, demo):
    waiting = registered(demo, title="Väntar")
    done = registered(demo, title="Redan komplett", state=Status.COMPLETE)

    html = inbox(as_persona("project_leader")).content.decode()

    for name in ["request_completion", "accept"]:
        assert reverse("applications:transition", args=[waiting.pk, name]) in html
        assert reverse("applications:transition", args=[done.pk, name]) not in html
    assert "Återförvisa för komplettering" in html
    assert "Godkänn som komplett" in html


def test_it_tells_an_empty_inbox_what_will_appear(as_persona):
    html = inbox(as_persona("project_leader")).content.decode()
    assert "Ingen ansökan är inskickad ännu" in html


def test_it_tells_when_no_application_matches_the_filters(as_persona, demo):
    registered(demo, title="Något")
    html = inbox(as_persona("project_leader"), q="finns inte").content.decode()
    assert "Inga ansökningar matchar filtren" in html


def test_it_labels_every_filter_field(as_persona):
    html = inbox(as_persona("project_leader")).content.decode()
    for name in ["call", "part", "municipality", "status", "min_amount", "max_amount", "q"]:
        assert f'<label class="form-label" for="id_{name}">' in html
        assert f'id="id_{name}"' in html


@pytest.mark.parametrize(
    "persona", ["leader", "member", "outsider", "steering_member", "steering_chair", "koncernkontoret", "secretariat"]
)
def test_it_refuses_everyone_but_the_project_leader(as_persona, demo, persona):
    registered(demo)
    client = as_persona(persona)
    assert client.get(reverse("inbox:list")).status_code == 403
    assert client.get(reverse("inbox:export")).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client, demo):
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_a_post(as_persona):
    assert as_persona("project_leader").post(reverse("inbox:list")).status_code == 405


# The page costs this many queries, whatever the number of applications: session, the person
# with their unread count, the person's roles (with the partnerships the footer names), the four
# filter choices (call, part, municipality, priority area), the counts per state (which also give
# the page count), the page and the priority areas the page's rows ticked.
INBOX_QUERIES = 10


@pytest.mark.parametrize("query", [{}, {"sort": "requested", "min_amount": 1, "q": "Insats", "status": "submitted"}])
def test_it_uses_the_same_number_of_queries_for_5_and_200_applications(as_persona, demo, query):
    # 200 made through the services: eight pages of PAGE_SIZE, and fast enough on a busy machine.
    from applications.inbox import PAGE_SIZE

    client = as_persona("project_leader")
    bulk_registered(demo, 5)
    with CaptureQueriesContext(connection) as small:
        response = inbox(client, **query)
    assert len(titles(response)) in {3, 5}
    bulk_registered(demo, 195, first=6)
    with CaptureQueriesContext(connection) as large:
        response = inbox(client, **query)
    assert len(titles(response)) == PAGE_SIZE == 25
    assert response.context["inbox"].page.paginator.count in {100, 200}
    assert len(small) == len(large) == INBOX_QUERIES, [q["sql"] for q in large.captured_queries]


def test_it_offers_the_deadline_page_and_the_export(as_persona, demo):
    registered(demo)
    html = inbox(as_persona("project_leader"), municipality=demo.working_group("Uddevalla").municipality_id).content
    html = html.decode()
    assert reverse("inbox:extend_deadline") in html
    municipality = demo.working_group("Uddevalla").municipality_id
    assert f"{reverse('inbox:export')}?municipality={municipality}&amp;format=csv" in html
    assert f"{reverse('inbox:export')}?municipality={municipality}&amp;format=xlsx" in html


def test_it_shows_the_date_in_swedish_time(as_persona, demo):
    # 23:30 UTC on the 22nd is already the 23rd in Stockholm.
    registered(demo, title="Sent på kvällen", submitted_at=datetime.datetime(2026, 11, 22, 23, 30, tzinfo=datetime.UTC))
    html = inbox(as_persona("project_leader")).content.decode()
    assert "2026-11-23" in html
    assert timezone.get_current_timezone_name() == "Europe/Stockholm"


def test_it_takes_the_page_count_from_the_counts_per_state(as_persona, demo):
    bulk_registered(demo, 30)  # 15 complete, 15 submitted
    registered(demo, title="Återtagen", state=Status.WITHDRAWN)
    client = as_persona("project_leader")

    last = inbox(client, sort="reference", page=99)
    assert last.context["inbox"].page.number == 2
    assert titles(last) == [f"Insats nummer {n}" for n in range(26, 31)]
    assert titles(inbox(client, sort="reference", page="inte-en-sida")) == titles(inbox(client, sort="reference"))
    assert inbox(client).context["inbox"].page.paginator.count == 30
    assert inbox(client, status="submitted").context["inbox"].page.paginator.count == 15
    assert inbox(client, status="withdrawn").context["inbox"].page.paginator.count == 1
    # A state that does not exist is no filter: every state but withdrawn, as listed.
    assert "30 ansökningar visas" in inbox(client, status="finns-inte").content.decode()
