"""The rules of a steering-group vote, as pure functions: quorum, majority and the chair's
casting vote. Nothing here reads the database, so the rules can be read and tested on their own;
``reviews.selectors.count_item`` gathers an item's votes and ``reviews.services.agenda_item_close``
records the outcome ``decide`` gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ItemOutcome, VoteChoice


class CastingVoteNeeded(Exception):
    """The votes are tied and the chair has not given a casting vote; ``message`` says what to do."""

    field = "casting_vote"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Tally:
    recommend: int = 0
    not_recommend: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Votes cast for or against; abstentions are not cast."""
        return self.recommend + self.not_recommend

    @property
    def total(self) -> int:
        return self.cast + self.abstain

    @property
    def is_tie(self) -> bool:
        return self.recommend == self.not_recommend

    @classmethod
    def of(cls, choices: Iterable[str]) -> Tally:
        choices = list(choices)
        return cls(
            recommend=choices.count(VoteChoice.RECOMMEND),
            not_recommend=choices.count(VoteChoice.NOT_RECOMMEND),
            abstain=choices.count(VoteChoice.ABSTAIN),
        )


def has_quorum(*, voting_members: int, taking_part: int) -> bool:
    """More than half of the group's voting members are present and not recused."""
    return voting_members > 0 and taking_part * 2 > voting_members


def majority(tally: Tally) -> str | None:
    """The outcome the votes cast give, or None for a tie (the chair's casting vote decides)."""
    if tally.recommend > tally.not_recommend:
        return ItemOutcome.RECOMMENDED
    if tally.not_recommend > tally.recommend:
        return ItemOutcome.NOT_RECOMMENDED
    return None


@dataclass(frozen=True)
class Result:
    outcome: str
    casting_vote_used: bool


def decide(tally: Tally, *, casting_vote: str | None = None) -> Result:
    """The outcome of an item: the majority of votes cast; a tie is decided by the chair.

    ``casting_vote`` is a ``VoteChoice`` (recommend / not recommend); it is needed only
    for a tie and ignored otherwise.
    """
    outcome = majority(tally)
    if outcome is not None:
        return Result(outcome=outcome, casting_vote_used=False)
    if casting_vote == VoteChoice.RECOMMEND:
        return Result(outcome=ItemOutcome.RECOMMENDED, casting_vote_used=True)
    if casting_vote == VoteChoice.NOT_RECOMMEND:
        return Result(outcome=ItemOutcome.NOT_RECOMMENDED, casting_vote_used=True)
    raise CastingVoteNeeded(
        _("Rösterna är lika. Ordföranden avgör med sin utslagsröst: välj tillstyrka eller avstyrka.")
    )


@dataclass(frozen=True)
class ItemCount:
    """Everything the chair needs to close an item: who takes part, the votes, the quorum."""

    voting_members: int
    taking_part: frozenset[int]
    tally: Tally  # the votes that count: voting members present and not recused
    received: Tally  # every vote received so far

    @property
    def not_counted(self) -> int:
        """Votes from members not (yet) recorded as present."""
        return self.received.total - self.tally.total

    @property
    def quorate(self) -> bool:
        return has_quorum(voting_members=self.voting_members, taking_part=len(self.taking_part))

    @property
    def quorum_needed(self) -> int:
        return self.voting_members // 2 + 1

    @property
    def outcome(self) -> str | None:
        return majority(self.tally)
