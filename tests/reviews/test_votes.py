"""Votes, recusals (jäv) and closing an item: quorum, majority, the chair's casting vote,
abstentions and the recommended amount."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.models import Partner, Status
from partnership.models import Membership, Unit
from reviews import selectors as review_selectors
from reviews import services as meetings
from reviews.models import ItemOutcome, RecommendedYear, Recusal, Vote, VoteChoice
from reviews.tally import CastingVoteNeeded, Result, Tally, decide, has_quorum, majority
from tests.reviews.test_meetings import VOTERS, complete, mark_present, meeting_with, person

pytestmark = pytest.mark.django_db

RECOMMEND, NOT_RECOMMEND, ABSTAIN = VoteChoice.RECOMMEND, VoteChoice.NOT_RECOMMEND, VoteChoice.ABSTAIN


# --- the rules, without a database -------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "taking_part", "quorate"),
    [(7, 3, False), (7, 4, True), (6, 3, False), (6, 4, True), (2, 1, False), (1, 1, True), (0, 0, False)],
)
def test_it_needs_more_than_half_of_the_voting_members_for_a_quorum(members, taking_part, quorate):
    assert has_quorum(voting_members=members, taking_part=taking_part) is quorate


def test_it_decides_by_the_majority_of_votes_cast():
    assert majority(Tally(recommend=3, not_recommend=2)) == ItemOutcome.RECOMMENDED
    assert majority(Tally(recommend=1, not_recommend=4)) == ItemOutcome.NOT_RECOMMENDED
    assert decide(Tally(recommend=3, not_recommend=2)) == Result(ItemOutcome.RECOMMENDED, False)


def test_it_does_not_count_abstentions_as_votes_cast():
    tally = Tally.of([RECOMMEND, ABSTAIN, ABSTAIN, ABSTAIN, NOT_RECOMMEND, RECOMMEND])
    assert (tally.cast, tally.abstain) == (3, 3)
    assert majority(tally) == ItemOutcome.RECOMMENDED


def test_it_needs_the_chairs_casting_vote_on_a_tie():
    tie = Tally(recommend=2, not_recommend=2, abstain=1)
    assert majority(tie) is None
    with pytest.raises(CastingVoteNeeded, match="utslagsröst"):
        decide(tie)
    assert decide(tie, casting_vote=NOT_RECOMMEND) == Result(ItemOutcome.NOT_RECOMMENDED, True)
    assert decide(tie, casting_vote=RECOMMEND) == Result(ItemOutcome.RECOMMENDED, True)


def test_it_ignores_a_casting_vote_when_there_is_a_majority():
    assert decide(Tally(recommend=1, not_recommend=3), casting_vote=RECOMMEND) == Result(
        ItemOutcome.NOT_RECOMMENDED, False
    )


# --- with a meeting ------------------------------------------------------------------------------


@pytest.fixture
def item(demo):
    meeting = meeting_with(demo, complete(demo, "Munkedal", title="Familj i fokus"))
    return meeting.items.select_related("application", "meeting").get()


def vote(item, username: str, choice: str, comment: str = "") -> Vote:
    return meetings.vote_cast(item=item, member=person(username), choice=choice, comment=comment)


def close(item, *, by: str = "styrgrupp-ordf", **kwargs):
    return meetings.agenda_item_close(item=item, by=person(by), **kwargs)


def test_it_refuses_to_close_without_a_quorum(item):
    mark_present(item.meeting, *VOTERS[:3])  # 3 of 7
    for username in VOTERS[:3]:
        vote(item, username, RECOMMEND)
    with pytest.raises(meetings.MeetingRefused) as refused:
        close(item)
    assert "inte beslutsför" in refused.value.message
    item.application.refresh_from_db()
    assert item.application.status == Status.ON_AGENDA


def test_it_does_not_count_recused_members_towards_the_quorum(item):
    mark_present(item.meeting, *VOTERS[:4])  # 4 of 7 present ...
    meetings.recusal_declare(item=item, member=person(VOTERS[1]), reason="Chef för en samverkanspart.")
    for username in (VOTERS[0], VOTERS[2], VOTERS[3]):
        vote(item, username, RECOMMEND)
    with pytest.raises(meetings.MeetingRefused):  # ... but only 3 take part
        close(item)
    mark_present(item.meeting, *VOTERS[:5])
    assert close(item).outcome == ItemOutcome.RECOMMENDED


def test_it_closes_with_the_majority_and_recommends(item, demo):
    mark_present(item.meeting, *VOTERS[:5])
    for username, choice in zip(VOTERS[:5], [RECOMMEND, RECOMMEND, NOT_RECOMMEND, ABSTAIN, RECOMMEND], strict=True):
        vote(item, username, choice)
    closed = close(item, conditions="Redovisa uppföljningen efter ett år.")
    assert (closed.outcome, closed.casting_vote_used, closed.closed_by) == (
        ItemOutcome.RECOMMENDED,
        False,
        demo.person("steering_chair"),
    )
    requested = {b.year: b.requested for b in item.application.budget_years.all()}
    assert {r.year: r.amount for r in closed.recommended_years.all()} == requested
    assert closed.recommended_amount == sum(requested.values())
    assert closed.conditions == "Redovisa uppföljningen efter ett år."
    item.application.refresh_from_db()
    assert item.application.status == Status.RECOMMENDED
    event = item.application.events.get(transition="recommend")
    assert (event.from_status, event.to_status, event.actor) == (
        Status.ON_AGENDA,
        Status.RECOMMENDED,
        demo.person("steering_chair"),
    )


def test_it_closes_with_the_majority_and_does_not_recommend(item):
    mark_present(item.meeting, *VOTERS[:4])
    for username, choice in zip(VOTERS[:4], [NOT_RECOMMEND, NOT_RECOMMEND, ABSTAIN, RECOMMEND], strict=True):
        vote(item, username, choice)
    closed = close(item)
    assert closed.outcome == ItemOutcome.NOT_RECOMMENDED
    assert closed.recommended_amount is None
    assert not closed.recommended_years.exists()
    item.application.refresh_from_db()
    assert item.application.status == Status.NOT_RECOMMENDED


def test_it_lets_the_chairs_casting_vote_decide_a_tie(item):
    mark_present(item.meeting, *VOTERS[:5])
    for username, choice in zip(VOTERS[:5], [RECOMMEND, RECOMMEND, NOT_RECOMMEND, NOT_RECOMMEND, ABSTAIN], strict=True):
        vote(item, username, choice)
    with pytest.raises(meetings.MeetingRefused) as refused:
        close(item)
    assert refused.value.field == "casting_vote"
    closed = close(item, casting_vote=NOT_RECOMMEND)
    assert (closed.outcome, closed.casting_vote_used) == (ItemOutcome.NOT_RECOMMENDED, True)


def test_it_treats_only_abstentions_as_a_tie(item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, ABSTAIN)
    closed = close(item, casting_vote=RECOMMEND)
    assert (closed.outcome, closed.casting_vote_used) == (ItemOutcome.RECOMMENDED, True)


def test_it_asks_for_the_casting_vote_on_the_close_page(as_persona, item):
    mark_present(item.meeting, *VOTERS[:4])
    for username, choice in zip(VOTERS[:4], [RECOMMEND, NOT_RECOMMEND, ABSTAIN, ABSTAIN], strict=True):
        vote(item, username, choice)
    url = reverse("reviews:close", args=[item.meeting.pk, item.pk])
    client = as_persona("steering_chair")
    page = client.get(url).content.decode()
    assert "Ordförandens utslagsröst" in page
    amounts = {f"amount_{b.year}": b.requested for b in item.application.budget_years.all()}
    response = client.post(url, {**amounts, "conditions": ""})
    assert "Rösterna är lika: välj tillstyrk eller avstyrk med din utslagsröst." in response.content.decode()
    response = client.post(url, {**amounts, "casting_vote": RECOMMEND, "conditions": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.outcome, item.casting_vote_used) == (ItemOutcome.RECOMMENDED, True)


def test_it_records_a_lower_recommended_amount_per_year(as_persona, item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    years = list(item.application.budget_years.order_by("year"))
    data = {f"amount_{b.year}": b.requested for b in years}
    data[f"amount_{years[0].year}"] = 200_000
    response = as_persona("steering_chair").post(
        reverse("reviews:close", args=[item.meeting.pk, item.pk]), {**data, "conditions": "Halvårsrapport."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert {r.year: r.amount for r in RecommendedYear.objects.filter(item=item)} == data_to_years(data)
    assert item.recommended_amount == sum(data.values())
    assert item.recommended_amount < sum(b.requested for b in years)


def data_to_years(data: dict) -> dict:
    return {int(key.removeprefix("amount_")): value for key, value in data.items()}


def test_it_refuses_a_recommended_amount_above_the_requested(as_persona, item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    budget_year = item.application.budget_years.order_by("year").first()
    with pytest.raises(meetings.MeetingRefused) as refused:
        close(item, recommended_years={budget_year.year: budget_year.requested + 1})
    assert refused.value.field == f"amount_{budget_year.year}"
    response = as_persona("steering_chair").post(
        reverse("reviews:close", args=[item.meeting.pk, item.pk]),
        {f"amount_{b.year}": b.requested + 1 for b in item.application.budget_years.all()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert "Beloppet kan inte vara större än det sökta" in page
    item.refresh_from_db()
    assert not item.is_closed
    assert not RecommendedYear.objects.exists()


def test_it_refuses_an_amount_for_a_year_without_budget(item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    with pytest.raises(meetings.MeetingRefused):
        close(item, recommended_years={1999: 1})


def test_it_lets_only_the_chair_close_an_item(as_persona, item, demo):
    mark_present(item.meeting, *VOTERS[:4])
    for persona in ("steering_member", "project_leader", "koncernkontoret"):
        assert as_persona(persona).get(reverse("reviews:close", args=[item.meeting.pk, item.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            meetings.agenda_item_close(item=item, by=demo.person(persona))


def test_it_refuses_to_close_an_item_twice(item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    close(item)
    with pytest.raises(meetings.MeetingRefused):
        close(item)


# --- votes -------------------------------------------------------------------------------------------


def test_it_lets_a_member_change_the_vote_until_the_item_is_closed(item):
    vote(item, "styrgrupp", RECOMMEND, "Bra kartläggning.")
    vote(item, "styrgrupp", NOT_RECOMMEND, "Oklar implementering.")
    only = Vote.objects.get(item=item)
    assert (only.member, only.choice, only.comment) == (person("styrgrupp"), NOT_RECOMMEND, "Oklar implementering.")
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    close(item)
    with pytest.raises(meetings.MeetingRefused) as refused:
        vote(item, "styrgrupp", NOT_RECOMMEND)
    assert "avslutad" in refused.value.message
    assert Vote.objects.get(item=item, member=person("styrgrupp")).choice == RECOMMEND


def test_it_keeps_one_vote_per_member_and_item_in_the_database(item):
    vote(item, "styrgrupp", RECOMMEND)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(item=item, member=person("styrgrupp"), choice=NOT_RECOMMEND)
    assert Vote.objects.filter(item=item).count() == 1


@pytest.mark.parametrize("persona", ["koncernkontoret", "project_leader", "leader"])
def test_it_refuses_a_vote_from_someone_without_a_vote(item, demo, persona):
    with pytest.raises(PermissionDenied):
        meetings.vote_cast(item=item, member=demo.person(persona), choice=RECOMMEND)
    assert not Vote.objects.exists()


def test_it_refuses_votes_before_the_agenda_is_published(demo):
    meeting = meeting_with(demo, complete(demo), published=False)
    with pytest.raises(PermissionDenied):
        meetings.vote_cast(item=meeting.items.get(), member=demo.person("steering_member"), choice=RECOMMEND)


def test_it_refuses_a_vote_from_a_member_recorded_as_absent(item):
    mark_present(item.meeting, *VOTERS[:4])
    with pytest.raises(meetings.MeetingRefused):
        vote(item, VOTERS[6], RECOMMEND)


def test_it_counts_only_the_votes_of_members_present(item):
    for username in VOTERS:
        vote(item, username, NOT_RECOMMEND if username in VOTERS[4:] else RECOMMEND)
    mark_present(item.meeting, *VOTERS[:4])
    count = review_selectors.count_item(item)
    assert (count.tally.recommend, count.tally.not_recommend, count.not_counted) == (4, 0, 3)
    assert close(item).outcome == ItemOutcome.RECOMMENDED


def test_it_casts_a_vote_from_the_meeting_page(as_persona, item):
    client = as_persona("steering_member")
    page = client.get(reverse("reviews:meeting_detail", args=[item.meeting.pk])).content.decode()
    assert "Din röst i § 1" in page
    response = client.post(
        reverse("reviews:vote", args=[item.meeting.pk, item.pk]),
        {f"punkt-{item.pk}-choice": ABSTAIN, f"punkt-{item.pk}-comment": "Behöver mer underlag."},
    )
    assert response.status_code == 302
    assert response.url.endswith("#punkt-1")
    cast = Vote.objects.get()
    assert (cast.member, cast.choice, cast.comment) == (person("styrgrupp"), ABSTAIN, "Behöver mer underlag.")


def test_it_shows_an_error_summary_for_a_vote_without_a_choice(as_persona, item):
    response = as_persona("steering_member").post(reverse("reviews:vote", args=[item.meeting.pk, item.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert "Välj tillstyrker, avstyrker eller avstår." in page
    assert not Vote.objects.exists()


def test_it_shows_the_tally_only_to_the_chair_and_the_project_leader(as_persona, item):
    vote(item, "styrgrupp", NOT_RECOMMEND, "Hemlig kommentar.")
    url = reverse("reviews:meeting_detail", args=[item.meeting.pk])
    for persona in ("steering_chair", "project_leader"):
        page = as_persona(persona).get(url).content.decode()
        assert "Avstyrker: 1." in page
        assert "Hemlig kommentar." in page
    for persona in ("steering_member", "koncernkontoret"):
        page = as_persona(persona).get(url).content.decode()
        assert "Avstyrker: 1." not in page
        assert "Karin Ek: Avstyrker" not in page


def test_it_shows_the_outcome_after_closing(as_persona, item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    close(item)
    page = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[item.meeting.pk]))
    assert "Beslut: Tillstyrks" in page.content.decode()
    assert "Din röst i § 1" not in page.content.decode()


# --- recusals (jäv) ------------------------------------------------------------------------------------


def test_it_refuses_a_vote_from_a_recused_member(item):
    meetings.recusal_declare(item=item, member=person("styrgrupp-soc2"), reason="Min förvaltning är part.")
    with pytest.raises(meetings.MeetingRefused) as refused:
        vote(item, "styrgrupp-soc2", RECOMMEND)
    assert refused.value.message == "Du har anmält jäv i den här punkten och får inte rösta i den."
    assert not Vote.objects.exists()


def test_it_removes_an_earlier_vote_when_a_member_declares_recusal(item):
    vote(item, "styrgrupp-soc2", RECOMMEND)
    vote(item, "styrgrupp", RECOMMEND)
    meetings.recusal_declare(item=item, member=person("styrgrupp-soc2"), reason="Min förvaltning är part.")
    assert list(Vote.objects.values_list("member__username", flat=True)) == ["styrgrupp"]


def test_it_needs_a_reason_for_a_recusal(as_persona, item):
    response = as_persona("steering_member").post(reverse("reviews:recusal", args=[item.meeting.pk, item.pk]), {})
    assert "Skriv skälet till jävet." in response.content.decode()
    with pytest.raises(meetings.MeetingRefused):
        meetings.recusal_declare(item=item, member=person("styrgrupp"), reason="  ")
    assert not Recusal.objects.exists()


def test_it_declares_a_recusal_from_the_page(as_persona, item):
    response = as_persona("steering_member").post(
        reverse("reviews:recusal", args=[item.meeting.pk, item.pk]), {"reason": "Jag är chef för en part."}
    )
    assert response.status_code == 302
    recusal = Recusal.objects.get()
    assert (recusal.member, recusal.reason) == (person("styrgrupp"), "Jag är chef för en part.")
    page = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[item.meeting.pk]))
    html = page.content.decode()
    assert "Karin Ek: Jag är chef för en part." in html
    assert "Din röst i § 1" not in html


@pytest.mark.parametrize("persona", ["koncernkontoret", "project_leader"])
def test_it_refuses_a_recusal_from_someone_without_a_vote(as_persona, item, demo, persona):
    assert as_persona(persona).get(reverse("reviews:recusal", args=[item.meeting.pk, item.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        meetings.recusal_declare(item=item, member=demo.person(persona), reason="Jäv.")


def test_it_suggests_recusal_when_the_members_unit_is_a_partner(as_persona, item):
    unit = Unit.objects.get(name="Närhälsan Dalaberg vårdcentral")
    Partner.objects.create(application=item.application, unit=unit, role="Vårdcentralen screenar.")
    membership = Membership.objects.get(person=person("styrgrupp-narhalsan"), body=item.meeting.steering_group)
    assert review_selectors.conflict_reasons(membership, item.application) == [
        "Du företräder Närhälsan Dalaberg vårdcentral, som är samverkanspart i ansökan."
    ]
    client = as_persona("steering_member")
    client.force_login(person("styrgrupp-narhalsan"))
    for url in (
        reverse("reviews:meeting_detail", args=[item.meeting.pk]),
        reverse("reviews:recusal", args=[item.meeting.pk, item.pk]),
    ):
        assert "Närhälsan Dalaberg vårdcentral, som är samverkanspart" in client.get(url).content.decode()


def test_it_suggests_recusal_for_a_member_from_an_applying_municipality(demo):
    meeting = meeting_with(demo, complete(demo, "Uddevalla"))
    application = meeting.items.get().application
    karin = Membership.objects.get(person=person("styrgrupp"), body=meeting.steering_group)
    reasons = review_selectors.conflict_reasons(karin, application)
    assert "Du företräder Uddevalla kommun, och Uddevalla är sökande kommun." in reasons


def test_it_suggests_no_recusal_without_a_link(item):
    for username in ("styrgrupp-utb2", "styrgrupp-ordf"):
        membership = Membership.objects.get(person=person(username), body=item.meeting.steering_group)
        assert review_selectors.conflict_reasons(membership, item.application) == []


def test_it_refuses_a_recusal_after_closing(item):
    mark_present(item.meeting, *VOTERS[:4])
    for username in VOTERS[:4]:
        vote(item, username, RECOMMEND)
    close(item)
    with pytest.raises(meetings.MeetingRefused):
        meetings.recusal_declare(item=item, member=person("styrgrupp"), reason="Sent påkommet.")


def test_it_tells_a_recused_member_on_the_vote_page_that_they_may_not_vote(as_persona, item):
    meetings.recusal_declare(item=item, member=person("styrgrupp"), reason="Min förvaltning är part.")
    client = as_persona("steering_member")
    url = reverse("reviews:vote", args=[item.meeting.pk, item.pk])
    assert "får inte rösta i den" in client.get(url).content.decode()
    response = client.post(url, {f"punkt-{item.pk}-choice": RECOMMEND})
    assert "Du har anmält jäv i den här punkten och får inte rösta i den." in response.content.decode()
    assert not Vote.objects.exists()
