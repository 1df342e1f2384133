"""Every member voting at the same moment: each vote is counted exactly once, and a vote
that races the chair closing the item is either in the result or refused, never lost."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from reviews import selectors as review_selectors
from reviews import services as meetings
from reviews.models import AgendaItem, Vote, VoteChoice
from tests.reviews.test_meetings import VOTERS, complete, mark_present, meeting_with, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(actions):
    """Start every action at the same moment in its own thread; return (results, errors)."""
    start = threading.Barrier(len(actions))
    results, errors = [], []

    def run(action):
        try:
            start.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a vote is still waiting for its lock"
    return results, errors


def test_it_counts_every_simultaneous_vote_exactly_once(demo):
    meeting = meeting_with(demo, complete(demo, "Munkedal"))
    item = meeting.items.get()
    members = [person(username) for username in VOTERS]
    choices = [VoteChoice.RECOMMEND] * 4 + [VoteChoice.NOT_RECOMMEND] * 2 + [VoteChoice.ABSTAIN]

    def cast(member, choice):
        return lambda: meetings.vote_cast(item=AgendaItem.objects.get(pk=item.pk), member=member, choice=choice)

    results, errors = run_together([cast(m, c) for m, c in zip(members, choices, strict=True)])

    assert errors == []
    assert len(results) == len(VOTERS)
    assert Vote.objects.filter(item=item).count() == len(VOTERS)
    assert set(Vote.objects.filter(item=item).values_list("member_id", flat=True)) == {m.pk for m in members}
    mark_present(meeting, *VOTERS)
    count = review_selectors.count_item(AgendaItem.objects.get(pk=item.pk))
    assert (count.tally.recommend, count.tally.not_recommend, count.tally.abstain) == (4, 2, 1)


def test_it_keeps_one_vote_per_member_when_each_changes_it_at_the_same_moment(demo):
    meeting = meeting_with(demo, complete(demo, "Munkedal"))
    item = meeting.items.get()
    members = [person(username) for username in VOTERS]
    actions = [
        lambda member=member, choice=choice: meetings.vote_cast(
            item=AgendaItem.objects.get(pk=item.pk), member=member, choice=choice
        )
        for member in members
        for choice in (VoteChoice.RECOMMEND, VoteChoice.NOT_RECOMMEND)
    ]

    results, errors = run_together(actions)

    assert errors == []
    assert len(results) == 2 * len(VOTERS)
    assert Vote.objects.filter(item=item).count() == len(VOTERS)


def test_it_counts_or_refuses_each_vote_that_races_the_chair_closing(demo):
    meeting = meeting_with(demo, complete(demo, "Munkedal"))
    item = meeting.items.get()
    mark_present(meeting, *VOTERS)
    chair = person(VOTERS[0])
    # Four members have voted already, so the item can be closed whenever the chair gets the lock.
    for username in VOTERS[:4]:
        meetings.vote_cast(item=item, member=person(username), choice=VoteChoice.RECOMMEND)
    late = [person(username) for username in VOTERS[4:]]
    actions = [
        lambda member=member: meetings.vote_cast(
            item=AgendaItem.objects.get(pk=item.pk), member=member, choice=VoteChoice.NOT_RECOMMEND
        )
        for member in late
    ]
    actions.append(lambda: meetings.agenda_item_close(item=AgendaItem.objects.get(pk=item.pk), by=chair))

    results, errors = run_together(actions)

    assert all(isinstance(error, meetings.MeetingRefused) for error in errors), errors
    closed = AgendaItem.objects.get(pk=item.pk)
    assert closed.is_closed
    late_votes = Vote.objects.filter(item=item, member__in=late).count()
    assert late_votes + len(errors) == len(late)
    # Every late vote got in before the chair closed the item, or was refused after: none is lost.
    assert Vote.objects.filter(item=item).count() == 4 + late_votes
    assert closed.outcome == "recommended"  # 4 against at most 3
    assert len(results) == 1 + late_votes


def test_it_makes_a_vote_wait_while_the_item_is_being_closed_and_then_refuses_it(demo):
    meeting = meeting_with(demo, complete(demo, "Munkedal"))
    item = meeting.items.get()
    member, chair = person(VOTERS[1]), person(VOTERS[0])
    started, outcome = threading.Event(), []

    def cast():
        try:
            started.set()
            outcome.append(meetings.vote_cast(item=item, member=member, choice=VoteChoice.RECOMMEND))
        except meetings.MeetingRefused as refused:
            outcome.append(refused)
        finally:
            connection.close()

    voter = threading.Thread(target=cast)
    with transaction.atomic():
        # The chair's closing holds the item row, as agenda_item_close does.
        AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        voter.start()
        started.wait(timeout=10)
        voter.join(timeout=1)
        assert voter.is_alive(), "the vote did not wait for the item's lock"
        AgendaItem.objects.filter(pk=item.pk).update(
            closed_at=timezone.now(), closed_by=chair, outcome="not_recommended"
        )
    voter.join(timeout=30)

    assert len(outcome) == 1
    assert isinstance(outcome[0], meetings.MeetingRefused)
    assert not Vote.objects.filter(item=item).exists()
