"""The admin of the structure shows an administrator only what is within their reach.

Fyrbodal's project leader staffs Fyrbodal's bodies: the bodies, memberships, people and calls of
another partnership (SIM Skaraborg) are neither listed nor opened (404 for GET and POST) nor
offered in a choice, and another partnership's page cannot be changed. RUN's secretariat keeps
RUN, not the steering groups.
"""

import pytest
import rules
from django.urls import reverse

from notifications.models import Email
from outbox.models import OutboxKind, OutboxMessage
from partnership.models import Body, Call, Membership, Partnership, User
from partnership.rules import administered_bodies, bodies_in_view, people_in_view
from tests.factories import other_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def skaraborg(demo):
    return other_partnership()


def skaraborgs_objects(skaraborg) -> dict[str, list]:
    """Every object of the other partnership the structure's admin has a page for."""
    bodies = [skaraborg.steering_group, *skaraborg.groups.values()]
    return {
        "body": bodies,
        "membership": list(Membership.objects.filter(body__in=bodies)),
        "user": list(skaraborg.people.values()),
        "call": [skaraborg.call],
    }


def test_the_listed_bodies_are_exactly_those_the_rules_let_each_administrator_staff(demo, skaraborg):
    people = [
        demo.person("project_leader"),
        demo.person("secretariat"),
        skaraborg.person("project_leader"),
        demo.person("leader"),
    ]
    for person in people:
        administered = set(administered_bodies(person))
        for body in Body.objects.all():
            assert (body in administered) == rules.test_rule("partnership.administer_body", person, body), (
                person,
                body,
            )


def test_the_project_leader_sees_their_own_bodies_and_people_but_not_another_partnerships(demo, skaraborg):
    leader = demo.person("project_leader")
    bodies = set(bodies_in_view(leader))
    people = set(people_in_view(leader))

    assert demo.steering_group() in bodies
    assert demo.working_group("Uddevalla") in bodies
    assert not bodies & {skaraborg.steering_group, *skaraborg.groups.values()}
    assert demo.person("steering_member") in people
    assert not people & set(skaraborg.people.values())


@pytest.mark.parametrize("model", ["body", "membership", "user", "call"])
def test_the_lists_leave_out_another_partnerships_objects(as_persona, skaraborg, model):
    page = as_persona("project_leader").get(reverse(f"admin:partnership_{model}_changelist"), {"all": ""})

    assert page.status_code == 200
    listed = {obj.pk for obj in page.context["cl"].result_list}
    assert listed, f"Fyrbodal's own {model} objects are listed"
    assert not listed & {obj.pk for obj in skaraborgs_objects(skaraborg)[model]}


@pytest.mark.parametrize("view", ["change", "history"])
@pytest.mark.parametrize("model", ["body", "membership", "user", "call"])
def test_another_partnerships_objects_answer_404_and_stay_as_they_were(as_persona, skaraborg, model, view):
    client = as_persona("project_leader")
    for obj in skaraborgs_objects(skaraborg)[model]:
        before = type(obj).objects.filter(pk=obj.pk).values().get()
        url = reverse(f"admin:partnership_{model}_{view}", args=[obj.pk])

        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Ändrad", "email": "x@example.se", "ends_on": "2026-12-02"}).status_code == 404
        assert type(obj).objects.filter(pk=obj.pk).values().get() == before


def test_the_invitation_of_another_partnerships_person_answers_404(as_persona, skaraborg, mailoutbox):
    newcomer = User.objects.create_user("ny-i-skovde", email="ny@skovde.example.se")
    Membership.objects.create(person=newcomer, body=skaraborg.groups["Skövde"], role="member", starts_on="2026-11-01")

    response = as_persona("project_leader").post(reverse("admin:partnership_user_invite", args=[newcomer.pk]))

    assert response.status_code == 404
    assert not mailoutbox


def test_the_person_search_offers_nobody_from_another_partnership(as_persona, demo, skaraborg):
    query = {"app_label": "partnership", "model_name": "membership", "field_name": "person", "term": "Skaraborg"}

    found = as_persona("project_leader").get(reverse("admin:autocomplete"), query).json()["results"]

    assert found == []
    mine = as_persona("project_leader").get(reverse("admin:autocomplete"), {**query, "term": "Karin"}).json()
    assert [row["text"] for row in mine["results"]], "Fyrbodal's steering-group member is found"


def test_a_project_leader_cannot_change_another_partnership_or_make_a_call_for_it(as_persona, demo, skaraborg):
    client = as_persona("project_leader")
    other = skaraborg.partnership

    page = client.get(reverse("admin:partnership_partnership_change", args=[other.pk]))
    changed = client.post(
        reverse("admin:partnership_partnership_change", args=[other.pk]),
        {"name": other.name, "short_name": "Kapad", "max_duration_months": 60},
    )
    call = client.post(
        reverse("admin:partnership_call_add"),
        {"partnership": other.pk, "name": "Smygomgång", "budget": 1, "parts": [skaraborg.call.parts.get().pk]},
    )

    assert page.status_code == 200
    assert b'name="short_name"' not in page.content  # read, not changed
    assert changed.status_code == 403
    assert Partnership.objects.get(pk=other.pk).short_name == "SIM Skaraborg"
    assert call.status_code == 200
    assert "Välj ett giltigt alternativ" in call.content.decode()
    assert not Call.objects.filter(name="Smygomgång").exists()


def test_the_project_leader_keeps_their_own_partnerships_page(as_persona, demo):
    fyrbodal = demo.call().partnership

    page = as_persona("project_leader").get(reverse("admin:partnership_partnership_change", args=[fyrbodal.pk]))

    assert page.status_code == 200
    assert b'name="max_duration_months"' in page.content


def test_the_secretariat_keeps_run_and_does_not_see_the_steering_groups(as_persona, demo):
    client = as_persona("secretariat")
    run = Body.objects.filter(kind="run").first()

    listed = {body.pk for body in client.get(reverse("admin:partnership_body_changelist")).context["cl"].result_list}

    assert run.pk in listed
    assert demo.steering_group().pk not in listed
    assert client.get(reverse("admin:partnership_body_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:partnership_body_change", args=[demo.steering_group().pk])).status_code == 404


def test_sent_email_is_shown_only_for_the_people_within_reach(as_persona, demo, skaraborg):
    theirs = Email.objects.create(
        key="skovde", recipient=skaraborg.person("leader"), to="s@example.se", subject="Skövdes beslut", text="…"
    )
    ours = Email.objects.create(
        key="uddevalla", recipient=demo.person("leader"), to="u@example.se", subject="Uddevallas beslut", text="…"
    )
    client = as_persona("project_leader")

    listed = {e.pk for e in client.get(reverse("admin:notifications_email_changelist")).context["cl"].result_list}

    assert listed == {ours.pk}
    assert client.get(reverse("admin:notifications_email_change", args=[theirs.pk])).status_code == 404
    assert as_persona("secretariat").get(reverse("admin:notifications_email_change", args=[ours.pk])).status_code == 404


def test_background_work_about_accounts_and_every_payload_are_the_system_administrators(
    as_persona, client, demo, django_user_model
):
    question = OutboxMessage.objects.create(
        key="fraga", kind=OutboxKind.ACCOUNT_MAIL_REQUEST, payload={"email": "vem@example.se", "address": "192.0.2.7"}
    )
    email = OutboxMessage.objects.create(key="epost", kind=OutboxKind.EMAIL, payload={"email": 1, "to": "x@example.se"})
    leader = as_persona("project_leader")

    listed = {m.pk for m in leader.get(reverse("admin:outbox_outboxmessage_changelist")).context["cl"].result_list}
    page = leader.get(reverse("admin:outbox_outboxmessage_change", args=[email.pk])).content.decode()

    assert email.pk in listed
    assert question.pk not in listed
    assert leader.get(reverse("admin:outbox_outboxmessage_change", args=[question.pk])).status_code == 404
    assert leader.get(reverse("admin:outbox_outboxmessage_retry", args=[question.pk])).status_code == 404
    assert "x@example.se" not in page
    client.force_login(django_user_model.objects.create_superuser("drift", email="d@example.se", password="x"))
    assert "192.0.2.7" in client.get(reverse("admin:outbox_outboxmessage_change", args=[question.pk])).content.decode()
