"""What the decision letter says as an official document: the region's letterhead, the project
owner it is addressed to and who gets a copy, RUN's own diarienummer beside the portal's
reference, who decided and who sent it, the court and the last day to appeal, and a signature
that never stands alone on a page.

The decisions are recorded through RUN's service with what the secretariat enters in the
decide form (RUN's diarienummer, the chair, the day the minutes were posted).
"""

import datetime
import hashlib
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from decisions import forms, letters
from decisions import services as decision_services
from decisions.models import Decision, RunCase
from partnership.models import Region
from tests.decisions.test_decision_letter import REFERENCE, TOTAL, a_case, split, text_of
from tests.decisions.test_run import forwarded_case, run_meeting, years_of
from tests.factories import at, other_partnership, recommended_through_services
from tests.test_signing import signature_status

pytestmark = pytest.mark.django_db

RUN_REFERENCE = "RUN 2026-00123"
CHAIR = "Birgitta Lund"


def record(
    demo,
    case: RunCase,
    *,
    outcome: str = "approved",
    conditions: str = "Rapport till styrgruppen varje år.",
    posted_on: datetime.date | None = None,
    run_reference: str = RUN_REFERENCE,
    chair_name: str = CHAIR,
) -> Decision:
    return decision_services.decision_record(
        case=case,
        outcome=outcome,
        paragraph="12",
        decided_on=case.run_meeting.held_on,
        granted=split(TOTAL, years_of(case)) if outcome == "approved" else None,
        reasons="" if outcome == "approved" else "Insatsen ryms inte i utlysningens inriktning.",
        conditions=conditions if outcome == "approved" else "",
        run_reference=run_reference,
        chair_name=chair_name,
        minutes_posted_on=posted_on or case.run_meeting.held_on,
        by=demo.person("secretariat"),
    )


def stored_text(decision: Decision) -> str:
    letter = letters.letter_store(decision.pk)
    with letter.pdf.open("rb") as file:
        return text_of(file.read())


def page_texts(decision: Decision) -> list[str]:
    letter = letters.letter_store(decision.pk)
    with letter.pdf.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
        return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def approval(demo) -> Decision:
    return record(demo, a_case(demo))


# --- the letterhead and the parties ---------------------------------------------------------


def test_it_prints_the_regions_letterhead_from_the_regions_data(approval, demo):
    text = stored_text(approval)

    assert "Regionens Hus" in text
    assert "462 80 Vänersborg" in text
    assert "Organisationsnummer 232100-0131" in text
    assert "Regionutvecklingsnämnden (RUN)" in text


def test_it_takes_the_letterhead_from_the_region_not_the_template(demo):
    Region.objects.filter(name="Västra Götalandsregionen").update(
        postal_address="Box 1091\n405 23 Göteborg", organisation_number="232100-0000"
    )
    text = stored_text(record(demo, a_case(demo)))

    assert "Box 1091" in text
    assert "405 23 Göteborg" in text
    assert "232100-0000" in text
    assert "232100-0131" not in text


def test_it_is_addressed_to_the_project_owner_with_the_group_and_the_nsv_chair_in_copy(approval):
    text = stored_text(approval)

    assert "Till: NU-sjukvården (projektägare)" in text
    assert "Kopia till" in text
    copies = text.split("Kopia till", 1)[1]
    assert "Lokal SIM-arbetsgrupp Uddevalla – Sökande arbetsgrupp" in copies
    assert "Bengt Olsson – Ordförande, Lokal närsjukvårdsgrupp Uddevalla" in copies


def test_it_gives_runs_diarienummer_beside_the_portals_reference(approval):
    text = stored_text(approval)

    assert f"RUN:s diarienummer {RUN_REFERENCE}" in text
    assert f"Portalens referens {REFERENCE}" in text
    assert f"Diarienummer {REFERENCE}" not in text  # the portal's number is not RUN's diarienummer


def test_it_names_the_decision_maker_its_chair_and_the_official_who_sent_it(approval):
    text = stored_text(approval)

    assert "Beslutande Regionutvecklingsnämnden (RUN)" in text
    assert f"Ordförande: {CHAIR}" in text
    assert "Brevet har skickats av: Henrik Wallin, Nämndsekreterare, Regionutvecklingssekretariatet" in text


def test_it_names_the_partnership_and_its_project_leader_as_contact_with_no_fixed_names(approval):
    text = stored_text(approval)

    contact = text.split("Kontakt", 1)[1]
    assert "projektledaren för Sociala investeringsmedel spår 2 – partnerskapssatsning i Fyrbodal" in contact
    assert "Sara Lindqvist, Projektledare, Sociala investeringsmedel spår 2" in contact
    # The project leader's own title and organisation are not what the letter says.
    assert "Vårdsamverkan Fyrbodal" not in text
    assert "Projektledare SIM spår 2" not in text


# --- the appeal -----------------------------------------------------------------------------


def test_it_names_the_court_and_the_last_day_counted_from_the_notice_board(demo):
    case = a_case(demo)
    decision = record(demo, case)
    posted = case.run_meeting.held_on
    deadline = letters.appeal_deadline(posted)

    text = stored_text(decision)

    assert "Förvaltningsrätten i Göteborg" in text
    assert f"tillkännagavs på regionens anslagstavla {posted.isoformat()}" in text
    assert f"senast {deadline.isoformat()}" in text
    assert deadline >= posted + datetime.timedelta(weeks=3)


def test_it_counts_the_deadline_from_a_later_notice_board_date(demo):
    case = a_case(demo)  # RUN meets today
    week_later = timezone.now() + datetime.timedelta(days=7)
    posted = timezone.localdate(week_later)
    with at(week_later):  # the minutes are approved and posted a week after the meeting
        decision = record(demo, case, outcome="rejected", posted_on=posted)
        text = stored_text(decision)

    assert f"anslagstavla {posted.isoformat()}" in text
    assert f"senast {letters.appeal_deadline(posted).isoformat()}" in text
    assert f"Datum {posted.isoformat()}" in text  # dated the day it is sent, after the meeting


@pytest.mark.parametrize(
    ("posted", "deadline"),
    [
        ("2026-11-23", "2026-12-14"),  # a Monday: three weeks later, a Monday
        ("2026-12-05", "2026-12-28"),  # the last day would be Boxing Day, a Saturday
        ("2027-06-04", "2027-06-28"),  # midsommarafton, then the weekend
        ("2027-03-05", "2027-03-30"),  # Good Friday, Easter and Easter Monday 2027
    ],
)
def test_the_appeal_deadline_is_three_weeks_moved_past_weekends_and_holidays(posted, deadline):
    assert letters.appeal_deadline(datetime.date.fromisoformat(posted)) == datetime.date.fromisoformat(deadline)


def test_a_referral_back_says_it_cannot_be_appealed_and_names_no_deadline(demo):
    text = stored_text(record(demo, a_case(demo), outcome="referred_back"))

    assert "kan inte överklagas" in text
    assert "senast" not in text


# --- the signature block --------------------------------------------------------------------


@pytest.mark.parametrize("paragraphs", [18, 24, 30, 36, 42])
def test_the_signature_never_stands_alone_on_a_page(demo, paragraphs):
    conditions = "\n".join(
        f"Villkor {n}: insatsen redovisar antal barn och familjer som har nåtts, per termin och per verksamhet."
        for n in range(1, paragraphs + 1)
    )
    pages = page_texts(record(demo, a_case(demo), conditions=conditions))

    assert len(pages) >= 2
    (signature_page,) = [page for page in pages if "Brevet har skickats av" in page]
    # The appeal notice and the decision-maker stand on the same page as the sender.
    assert "Hur beslutet kan överklagas" in signature_page
    assert f"Ordförande: {CHAIR}" in signature_page


# --- what the secretariat enters ------------------------------------------------------------


def test_the_decide_form_requires_runs_diarienummer_the_chair_and_the_notice_board_date(demo):
    form = forms.DecisionForm(
        {"outcome": "rejected", "paragraph": "12", "decided_on": "2026-11-23", "reasons": "Skäl."}, limits={}
    )

    assert not form.is_valid()
    assert form.errors["run_reference"] == ["Ange RUN:s diarienummer för ärendet, t.ex. RUN 2026-00123."]
    assert form.errors["chair_name"] == ["Ange namnet på den som var ordförande vid RUN:s sammanträde."]
    assert "Ange dagen då RUN:s justerade protokoll anslogs" in form.errors["minutes_posted_on"][0]


@pytest.mark.parametrize("typed", ["2026-00123", "RUN 26-123", "SIM 2026/0001", "RUN 2026-0012a"])
def test_the_decide_form_refuses_a_diarienummer_in_another_format(typed):
    form = forms.DecisionForm({"run_reference": typed}, limits={})
    form.is_valid()

    assert form.errors["run_reference"] == [
        "Skriv RUN:s diarienummer som RUN 2026-00123: RUN, mellanslag, året, bindestreck och fem siffror."
    ]


def test_the_decide_form_tidies_the_diarienummer_as_typed():
    form = forms.DecisionForm({"run_reference": "  run  2026-00123 "}, limits={})
    form.is_valid()

    assert form.cleaned_data["run_reference"] == RUN_REFERENCE


def test_it_refuses_a_notice_board_date_before_the_meeting(demo):
    case = a_case(demo)
    with pytest.raises(decision_services.DecisionRefused) as refused:
        record(demo, case, posted_on=case.run_meeting.held_on - datetime.timedelta(days=1))

    assert refused.value.field == "minutes_posted_on"
    assert "kan inte anslås före sammanträdet" in refused.value.message
    assert not Decision.objects.exists()


def test_it_refuses_a_notice_board_date_in_the_future(demo):
    case = a_case(demo)
    with pytest.raises(decision_services.DecisionRefused) as refused:
        record(demo, case, posted_on=timezone.localdate() + datetime.timedelta(days=1))

    assert refused.value.field == "minutes_posted_on"
    assert not Decision.objects.exists()


def test_it_keeps_the_chair_and_the_notice_board_date_on_the_meeting_for_its_next_decision(demo, approval):
    meeting = approval.case.run_meeting
    meeting.refresh_from_db()
    assert meeting.chair_name == CHAIR
    assert meeting.minutes_posted_on == meeting.held_on

    other = forwarded_case(demo, meeting, title="Familjecentral Munkedal", municipality="Munkedal")
    with pytest.raises(decision_services.DecisionRefused) as refused:
        record(demo, other, outcome="rejected", chair_name="Någon Annan")
    assert refused.value.field == "chair_name"


def test_the_service_refuses_a_diarienummer_in_another_format(demo):
    with pytest.raises(decision_services.DecisionRefused) as refused:
        record(demo, a_case(demo), run_reference="RUN-2026-123")

    assert refused.value.field == "run_reference"


def test_a_correction_letter_keeps_runs_diarienummer(approval, demo):
    correction = decision_services.decision_correct(
        decision=approval,
        correction_reason="Fel belopp för det första året.",
        paragraph="12",
        decided_on=approval.decided_on,
        granted=split(TOTAL - 1000, years_of(approval.case)),
        by=demo.person("secretariat"),
    )

    assert correction.run_reference == RUN_REFERENCE
    assert f"RUN:s diarienummer {RUN_REFERENCE}" in stored_text(correction)


# --- the signature --------------------------------------------------------------------------


def test_the_stored_letter_carries_a_valid_signature_and_a_changed_byte_is_detected(approval):
    letter = letters.letter_store(approval.pk)
    with letter.pdf.open("rb") as file:
        content = file.read()

    status = signature_status(content)
    assert status.bottom_line
    assert status.intact
    assert status.trusted
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert letter.size == len(content)

    tampered = bytearray(content)
    tampered[content.index(b"%PDF-") + 10] ^= 0x01
    assert not signature_status(bytes(tampered)).intact


# --- another partnership ----------------------------------------------------------------------


def test_a_letter_of_another_partnership_speaks_of_that_partnership_only(demo):
    other = other_partnership()
    application, _meeting = recommended_through_services(call=other.call, working_group=other.groups["Skövde"])
    case = decision_services.case_forward(
        application=application, run_meeting=run_meeting(), by=other.person("project_leader")
    )

    text = stored_text(record(demo, case, outcome="rejected"))

    assert "projektledaren för Sociala investeringsmedel – partnerskapssatsning i Skaraborg" in text
    assert "Project leader Skaraborg, Projektledare" in text
    assert "Lokal SIM-arbetsgrupp Skövde (Skaraborg) – Sökande arbetsgrupp" in text
    assert "Fyrbodal" not in text
    assert "spår 2" not in text
    assert "Regionens Hus" in text
    assert "232100-0131" in text
