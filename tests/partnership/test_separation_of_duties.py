"""Separation of duties in the admin: nobody staffs themselves, and each administrator staffs
only the bodies the table in partnership/rules.py gives them."""

from pathlib import Path

import pytest
from django.urls import reverse

from partnership.models import Body, BodyKind, Call, Membership, MembershipRole, User
from partnership.rules import staffing_table

pytestmark = pytest.mark.django_db

SELF = "Du kan inte lägga till, ändra eller avsluta dina egna uppdrag"


def memberships() -> list[tuple]:
    return list(Membership.objects.order_by("pk").values_list("pk", "person_id", "body_id", "role", "ends_on"))


def seat(person: User, body: Body, role: str, *, starts_on: str = "2026-01-01", ends_on: str = "") -> dict:
    return {
        "person": person.pk,
        "body": body.pk or "",
        "role": role,
        "unit": "",
        "organisation": "",
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


def body_form(body: Body, rows: list[dict], initial: list[Membership] = ()) -> dict:
    data = {
        "kind": body.kind,
        "name": body.name,
        "partnership": body.partnership_id or "",
        "municipality": body.municipality_id or "",
        "appointed_by": body.appointed_by_id or "",
        "appointed_on": body.appointed_on.isoformat() if body.appointed_on else "",
        "description": body.description,
        "memberships-TOTAL_FORMS": str(len(initial) + len(rows)),
        "memberships-INITIAL_FORMS": str(len(initial)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(initial):
        data.update(
            {
                f"memberships-{index}-id": membership.pk,
                f"memberships-{index}-body": body.pk,
                f"memberships-{index}-person": membership.person_id,
                f"memberships-{index}-role": membership.role,
                f"memberships-{index}-starts_on": membership.starts_on.isoformat(),
                f"memberships-{index}-ends_on": "",
            }
        )
    for index, row in enumerate(rows, start=len(initial)):
        data.update({f"memberships-{index}-{key}": value for key, value in row.items() if key != "body"})
        data[f"memberships-{index}-body"] = body.pk or ""
    return data


def secretariat() -> Body:
    return Body.objects.get(kind=BodyKind.RUN_SECRETARIAT)


def run_board() -> Body:
    return Body.objects.get(kind=BodyKind.RUN)


def test_it_refuses_the_project_leader_seats_of_their_own_and_the_budget_act_stays_closed(as_persona, demo):
    client = as_persona("project_leader")
    leader = demo.person("project_leader")
    before = memberships()

    in_secretariat = client.post(
        reverse("admin:partnership_membership_add"), seat(leader, secretariat(), MembershipRole.SECRETARY)
    )
    as_chair = client.post(
        reverse("admin:partnership_membership_add"), seat(leader, demo.steering_group(), MembershipRole.CHAIR)
    )
    through_the_body = client.post(
        reverse("admin:partnership_body_change", args=[demo.steering_group().pk]),
        body_form(demo.steering_group(), [seat(leader, demo.steering_group(), MembershipRole.CHAIR)]),
    )

    for response in (in_secretariat, as_chair, through_the_body):
        assert response.status_code == 200
        assert SELF in response.content.decode()
    assert memberships() == before
    assert client.get(reverse("run:adjust_budget", args=[demo.call().pk])).status_code == 403


def test_it_refuses_the_secretariat_seats_of_their_own(as_persona, demo):
    client = as_persona("secretariat")
    clerk = demo.person("secretariat")
    before = memberships()

    responses = [
        client.post(reverse("admin:partnership_membership_add"), seat(clerk, run_board(), MembershipRole.MEMBER)),
        client.post(
            reverse("admin:partnership_membership_add"), seat(clerk, demo.steering_group(), MembershipRole.CHAIR)
        ),
    ]

    for response in responses:
        assert response.status_code == 200
        assert SELF in response.content.decode()
    assert memberships() == before


def test_it_refuses_changing_or_ending_ones_own_membership(as_persona, demo):
    client = as_persona("project_leader")
    own = Membership.objects.get(person=demo.person("project_leader"), body=demo.steering_group())
    before = memberships()

    changed = client.post(
        reverse("admin:partnership_membership_change", args=[own.pk]),
        seat(own.person, own.body, MembershipRole.CHAIR, starts_on=own.starts_on.isoformat()),
    )
    ended = client.post(
        reverse("admin:partnership_membership_change", args=[own.pk]),
        seat(own.person, own.body, own.role, starts_on=own.starts_on.isoformat(), ends_on="2030-01-01"),
    )
    on_own_page = client.post(reverse("admin:partnership_user_change", args=[own.person_id]), {})

    assert changed.status_code == ended.status_code == on_own_page.status_code == 403
    assert memberships() == before


def test_it_refuses_the_project_leader_the_bodies_the_table_gives_others(as_persona, demo):
    client = as_persona("project_leader")
    member = demo.person("member")
    before = memberships()

    response = client.post(
        reverse("admin:partnership_membership_add"), seat(member, secretariat(), MembershipRole.SECRETARY)
    )
    another_project_leader = client.post(
        reverse("admin:partnership_membership_add"),
        seat(member, demo.steering_group(), MembershipRole.PROJECT_LEADER),
    )
    ends_the_clerk = client.post(
        reverse(
            "admin:partnership_membership_change",
            args=[Membership.objects.get(person=demo.person("secretariat")).pk],
        ),
        seat(demo.person("secretariat"), secretariat(), MembershipRole.SECRETARY, ends_on="2026-12-02"),
    )

    assert response.status_code == 200
    assert "Du får inte tillsätta rollen handläggare i RUN:s sekretariat. Det gör: Systemadministratören" in (
        response.content.decode()
    )
    assert another_project_leader.status_code == 200
    assert "Du får inte tillsätta rollen projektledare" in another_project_leader.content.decode()
    assert ends_the_clerk.status_code == 404  # outside the project leader's reach: not even shown
    assert memberships() == before


def test_it_lets_the_project_leader_staff_the_steering_group_and_the_secretariat_the_board(as_persona, demo, client):
    newcomer = User.objects.create_user("ny-ledamot", email="ny@example.se")
    client.force_login(demo.person("project_leader"))
    response = client.post(
        reverse("admin:partnership_membership_add"), seat(newcomer, demo.steering_group(), MembershipRole.MEMBER)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.force_login(demo.person("secretariat"))
    response = client.post(reverse("admin:partnership_membership_add"), seat(newcomer, run_board(), "member"))
    assert response.status_code == 302
    assert sorted(Membership.objects.filter(person=newcomer).values_list("body__kind", flat=True)) == [
        BodyKind.RUN,
        BodyKind.STEERING_GROUP,
    ]


def test_it_holds_the_system_administrator_to_the_table_too(client, demo):
    admin = User.objects.create_superuser("systemadmin", email="sys@example.se", password="Sys-admin-2026!")
    client.force_login(admin)
    member = demo.person("member")

    appoints = client.post(
        reverse("admin:partnership_membership_add"), seat(member, demo.steering_group(), "project_leader")
    )
    chairs = client.post(reverse("admin:partnership_membership_add"), seat(member, demo.steering_group(), "chair"))

    assert appoints.status_code == 302
    assert chairs.status_code == 200
    assert "Det gör: Projektledaren" in chairs.content.decode()


def test_it_refuses_the_project_leader_changing_the_secretariats_email(as_persona, demo):
    clerk = demo.person("secretariat")
    response = as_persona("project_leader").post(
        reverse("admin:partnership_user_change", args=[clerk.pk]),
        {
            "username": clerk.username,
            "email": "projektledaren@example.se",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 404  # not within the project leader's reach: not even shown
    clerk.refresh_from_db()
    assert clerk.email == "sekretariat@demo.simportal.local"


@pytest.mark.parametrize("persona", ["project_leader", "secretariat", "superuser"])
def test_it_has_no_password_form_for_anyone_in_the_admin(as_persona, demo, client, persona):
    if persona == "superuser":
        client.force_login(User.objects.create_superuser("systemadmin", email="s@example.se", password="x"))
    else:
        client = as_persona(persona)
    clerk = demo.person("member")
    page = client.get(reverse("admin:partnership_user_change", args=[clerk.pk])).content.decode()
    response = client.post(
        f"/admin/partnership/user/{clerk.pk}/password/",
        {"password1": "Kapad-2026-losen!", "password2": "Kapad-2026-losen!", "usable_password": "true"},
    )
    assert response.status_code in {302, 404}
    clerk.refresh_from_db()
    assert not clerk.check_password("Kapad-2026-losen!")
    assert "password/" not in page
    assert 'name="password"' not in page


def test_it_never_deletes_people_or_memberships_even_for_a_superuser(client, demo):
    client.force_login(User.objects.create_superuser("systemadmin", email="s@example.se", password="x"))
    membership = Membership.objects.get(person=demo.person("member"))
    delete_membership = reverse("admin:partnership_membership_delete", args=[membership.pk])
    delete_person = reverse("admin:partnership_user_delete", args=[membership.person_id])
    assert client.post(delete_membership, {"post": "yes"}).status_code == 403
    assert client.post(delete_person, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_keeps_the_budget_of_an_existing_call_read_only(as_persona, demo):
    call = demo.call()
    client = as_persona("project_leader")
    page = client.get(reverse("admin:partnership_call_change", args=[call.pk])).content.decode()
    data = {
        "partnership": call.partnership_id,
        "name": call.name,
        "parts": [p.pk for p in call.parts.all()],
        "description": call.description,
        "target_age_min": call.target_age_min,
        "target_age_max": call.target_age_max,
        "opens_on": call.opens_on.isoformat(),
        "deadline_0": call.deadline.astimezone().strftime("%Y-%m-%d"),
        "deadline_1": "12:00:00",
        "steering_group_meeting_on": call.steering_group_meeting_on.isoformat(),
        "run_meeting_on": call.run_meeting_on.isoformat(),
        "budget": call.budget * 11,
        "max_duration_months": call.max_duration_months,
    }
    client.post(reverse("admin:partnership_call_change", args=[call.pk]), data)
    version = call.history.order_by("history_id").first()
    reverted = client.post(reverse("admin:partnership_call_simple_history", args=[call.pk, version.history_id]), data)
    assert 'name="budget"' not in page
    assert reverted.status_code == 403
    assert Call.objects.get(pk=call.pk).budget == 9_000_000


def test_it_lets_a_new_call_be_given_its_budget(as_persona, demo):
    call = demo.call()
    response = as_persona("project_leader").post(
        reverse("admin:partnership_call_add"),
        {
            "partnership": call.partnership_id,
            "name": "Ny utlysning 2027",
            "target_age_min": 0,
            "target_age_max": 12,
            "opens_on": "2027-01-10",
            "deadline_0": "2027-03-01",
            "deadline_1": "12:00:00",
            "steering_group_meeting_on": "2027-03-15",
            "run_meeting_on": "2027-04-20",
            "budget": 4_000_000,
            "max_duration_months": 36,
            # The call's priority areas (an inline), none yet.
            "priority_areas-TOTAL_FORMS": "0",
            "priority_areas-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Call.objects.get(name="Ny utlysning 2027").budget == 4_000_000


def test_it_shows_the_staffing_table_in_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert staffing_table() in readme


def test_it_refuses_turning_a_body_one_staffs_into_one_that_makes_administrators(as_persona, demo):
    steering = demo.steering_group()
    data = body_form(steering, [])
    data["kind"] = BodyKind.RUN_SECRETARIAT
    response = as_persona("project_leader").post(reverse("admin:partnership_body_change", args=[steering.pk]), data)
    assert response.status_code == 200
    assert "Du får inte lägga till eller ändra organ av typen RUN:s sekretariat" in response.content.decode()
    steering.refresh_from_db()
    assert steering.kind == BodyKind.STEERING_GROUP


def test_it_lets_the_project_leader_record_a_new_working_group_with_its_members(as_persona, demo):
    orust = Body.objects.get(kind=BodyKind.NSV, municipality__name="Orust")
    newcomer = User.objects.create_user("orust-ledare", email="ledare@orust.example.se")
    group = Body(
        kind=BodyKind.LOCAL_WORKING_GROUP,
        name="Lokal SIM-arbetsgrupp Orust",
        partnership=demo.steering_group().partnership,
        municipality=orust.municipality,
        appointed_by=orust,
        description="",
    )
    data = body_form(group, [seat(newcomer, group, MembershipRole.LEADER)])
    data["appointed_on"] = "2026-11-23"
    response = as_persona("project_leader").post(reverse("admin:partnership_body_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(person=newcomer).body.name == "Lokal SIM-arbetsgrupp Orust"
