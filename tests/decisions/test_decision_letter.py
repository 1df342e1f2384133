"""RUN's decision letter (beslutsbrev): rendered once after the decision, stored with its
checksum, and downloaded only by those the rules allow.

The cases come from the RUN tests' helpers (a recommended application forwarded to a RUN
meeting); the decisions are recorded through RUN's own services.
"""

import hashlib
import io
import logging
import os

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application
from decisions import letters
from decisions import services as decision_services
from decisions.models import Decision, DecisionLetter, RunCase
from simportal import pdf
from simportal.formatting import format_kronor
from simportal.pdf import PDF_ORIGIN
from tests.decisions.test_run import forwarded_case, run_meeting, years_of

pytestmark = pytest.mark.django_db

TITLE = "Tidiga insatser för små barn i Färgelanda och Åmål — öppen förskola"
REFERENCE = "SIM 2026/0001"
TOTAL = 1_234_567
HOSTILE_TITLE = 'Språkstöd <img src="http://example.com/x.png" alt="">'
HOSTILE_CONDITIONS = (
    'Villkor <img src="file:///etc/passwd" alt=""> och <link rel="attachment" href="file:///etc/passwd">'
    ' <span style="background: url(file:///etc/passwd)">x</span>'
)
PASSWD_MARKERS = ("root:", "/bin/bash", "/usr/sbin/nologin", "daemon:")


def text_of(content: bytes) -> str:
    """The PDF's text with all whitespace (spaces, non-breaking spaces, line ends) as one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def letter_text(letter: DecisionLetter) -> str:
    with letter.pdf.open("rb") as file:
        return text_of(file.read())


def split(total: int, years: list[int]) -> dict[int, int]:
    """``total`` over ``years``, the remainder on the last year."""
    share = total // len(years)
    amounts = dict.fromkeys(years, share)
    amounts[years[-1]] += total - share * len(years)
    return amounts


def a_case(demo, *, title: str = TITLE, municipality: str = "Uddevalla", conditions: str = "") -> RunCase:
    """A case on a RUN meeting, for an application registered as SIM 2026/0001 (one per test)."""
    case = forwarded_case(demo, title=title, municipality=municipality, per_year=700_000, conditions=conditions)
    Application.objects.filter(pk=case.application_id).update(reference_number=REFERENCE)
    case.application.refresh_from_db()
    return case


def approve(demo, case: RunCase, *, conditions: str = "", paragraph: str = "12") -> Decision:
    return decision_services.decision_record(
        case=case,
        outcome="approved",
        paragraph=paragraph,
        decided_on=case.run_meeting.held_on,
        granted=split(TOTAL, years_of(case)),
        conditions=conditions or "Rapport till styrgruppen varje år.\nInsatsen följs upp med språkscreening.",
        payment_schedule="Utbetalning i januari varje år.",
        by=demo.person("secretariat"),
    )


def decide(demo, case: RunCase, outcome: str, reasons: str) -> Decision:
    return decision_services.decision_record(
        case=case,
        outcome=outcome,
        paragraph="13",
        decided_on=case.run_meeting.held_on,
        reasons=reasons,
        by=demo.person("secretariat"),
    )


@pytest.fixture
def approval(demo) -> Decision:
    return approve(demo, a_case(demo))


@pytest.fixture
def renders(monkeypatch) -> list[pdf.RenderedPdf]:
    """Every PDF rendered through ``simportal.pdf.render_pdf`` during the test."""
    rendered: list[pdf.RenderedPdf] = []
    original = pdf.render_pdf

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        rendered.append(result)
        return result

    monkeypatch.setattr(pdf, "render_pdf", recording)
    return rendered


def stored_without_rendering(decision: Decision) -> DecisionLetter:
    """A letter row with a stand-in file, for pages that only link to it."""
    letter = DecisionLetter(decision=decision, filename=f"beslutsbrev-{decision.pk}.pdf", sha256="0" * 64, size=9)
    letter.pdf.save(letter.filename, ContentFile(b"%PDF-1.4\n"), save=True)
    return letter


# --- what the letter says ------------------------------------------------------------------


def test_it_writes_an_approval_letter_with_the_amounts_the_meeting_and_the_obligations(approval, demo, renders):
    letter = letters.letter_store(approval.pk)

    assert renders[0].variant == "pdf/a-3b"
    assert renders[0].tagged

    text = letter_text(letter)
    assert REFERENCE in text
    assert TITLE in text  # å, ä, ö and the dash intact
    assert "Västra Götalandsregionen" in text
    assert "Regionutvecklingsnämnden" in text
    assert f"Datum {timezone.localdate().isoformat()}" in text
    assert f"Totalt {format_kronor(TOTAL)}" in text
    assert "1 234 567 kr" in text
    for granted in approval.granted_years.all():
        assert f"{granted.year} {format_kronor(granted.amount)}" in text
    held_on = approval.case.run_meeting.held_on.isoformat()
    assert f"sammanträde {held_on}, § 12, att bevilja ansökan" in text
    assert "Bifall" in text
    assert "Rapport till styrgruppen varje år. Insatsen följs upp med språkscreening." in text
    assert "Utbetalning i januari varje år." in text
    # The reports the group owes: every year, a final report, and the logic model's measures.
    assert "en årlig rapport för varje år med beviljade medel" in text
    assert "en slutrapport" in text
    assert "Kortsiktiga resultat" in text
    assert "Antal barn" in text
    assert "Räknas varje termin" in text
    # The contact: the partnership's project leader.
    assert "Sara Lindqvist" in text
    assert "projektledare@demo.simportal.local" in text
    assert "laglighetsprövning" in text
    assert "inom tre veckor" in text
    assert "anslagstavla" in text
    assert "Uddevalla" in text


def test_it_gives_the_reasons_in_a_rejection_letter(demo):
    decision = decide(demo, a_case(demo), "rejected", "Insatsen saknar medfinansiering från kommunen.")

    text = letter_text(letters.letter_store(decision.pk))

    assert "att avslå ansökan" in text
    assert "Avslag" in text
    assert "Insatsen saknar medfinansiering från kommunen." in text
    assert "Beviljat belopp" not in text
    assert "slutrapport" not in text
    assert "inom tre veckor" in text


def test_it_says_what_happens_next_after_a_referral_back(demo):
    decision = decide(demo, a_case(demo), "referred_back", "Målgruppen behöver avgränsas tydligare.")

    text = letter_text(letters.letter_store(decision.pk))

    assert "att återremittera ärendet" in text
    assert "Återremiss" in text
    assert "Målgruppen behöver avgränsas tydligare." in text
    assert "Vad händer nu" in text
    assert "går tillbaka till projektledaren och styrgruppen för förnyad beredning" in text
    assert "kan inte överklagas" in text


def test_it_names_the_corrected_paragraph_in_a_correction_letter(approval, demo):
    correction = decision_services.decision_correct(
        decision=approval,
        correction_reason="Fel belopp för det sista året.",
        paragraph="14",
        decided_on=approval.decided_on,
        granted=split(TOTAL - 1, years_of(approval.case)),
        conditions=approval.conditions,
        by=demo.person("secretariat"),
    )

    letter = letters.letter_store(correction.pk)

    text = letter_text(letter)
    assert "Rättelse av beslut om sociala investeringsmedel" in text
    assert f"en rättelse av RUN:s beslut § 12 ({approval.decided_on.isoformat()})" in text
    assert "Fel belopp för det sista året." in text
    assert "§ 14" in text
    assert format_kronor(TOTAL - 1) in text
    assert letter.filename == "beslutsbrev-sim-2026-0001-paragraf-14-rattelse.pdf"


def test_it_names_the_file_after_the_diarienummer_and_the_paragraph_in_ascii(approval):
    assert letters.letter_filename(approval) == "beslutsbrev-sim-2026-0001-paragraf-12.pdf"
    approval.paragraph = "§ 12 a"
    assert letters.letter_filename(approval) == "beslutsbrev-sim-2026-0001-paragraf-12-a.pdf"


# --- stored once ---------------------------------------------------------------------------


def test_it_stores_the_letter_once(approval, renders, caplog):
    caplog.set_level(logging.INFO, logger="decisions.letters")
    first = letters.letter_store(approval.pk)
    path = first.pdf.path
    written = os.stat(path).st_mtime_ns

    second = letters.letter_store(approval.pk)

    assert len(renders) == 1
    assert DecisionLetter.objects.count() == 1
    assert (second.pk, second.pdf.name, second.sha256) == (first.pk, first.pdf.name, first.sha256)
    assert os.stat(path).st_mtime_ns == written  # the file was not written again
    assert caplog.messages.count(f"Beslutsbrev för beslut {approval.pk} renderas") == 1


def test_it_stores_the_checksum_and_size_of_the_file(approval):
    letter = letters.letter_store(approval.pk)

    with letter.pdf.open("rb") as file:
        content = file.read()
    assert content.startswith(b"%PDF-")
    assert letter.sha256 == hashlib.sha256(content).hexdigest()
    assert letter.size == len(content)
    assert letter.pdf.name.startswith("beslutsbrev/")
    assert letter.filename == "beslutsbrev-sim-2026-0001-paragraf-12.pdf"


def test_it_refuses_a_decision_that_does_not_exist():
    with pytest.raises(Decision.DoesNotExist):
        letters.letter_store(999_999)
    assert not DecisionLetter.objects.exists()


def test_it_keeps_hostile_text_as_text_and_fetches_only_static_files(demo, renders):
    decision = approve(demo, a_case(demo, title=HOSTILE_TITLE), conditions=HOSTILE_CONDITIONS)

    letter = letters.letter_store(decision.pk)

    (rendered,) = renders
    assert rendered.refused_urls == ()  # escaped: the fetcher was never even asked
    assert rendered.served_urls
    assert all(url.startswith(f"{PDF_ORIGIN}/static/pdf/") for url in rendered.served_urls)
    text = letter_text(letter)
    assert 'img src="http://example.com/x.png"' in text
    assert "url(file:///etc/passwd)" in text
    assert not any(marker in text for marker in PASSWD_MARKERS)
    with letter.pdf.open("rb") as file:
        assert not PdfReader(file).attachments


# --- who may read it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["leader", "member", "nsv_chair", "project_leader", "secretariat", "koncernkontoret"]
)
def test_it_lets_the_group_and_the_partnership_download_the_letter(approval, as_persona, persona):
    letter = letters.letter_store(approval.pk)

    response = as_persona(persona).get(reverse("run:decision_letter", args=[approval.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="beslutsbrev-sim-2026-0001-paragraf-12.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == letter.sha256 == response["X-Content-SHA256"]


def test_it_gives_404_to_another_group(approval, as_persona):
    stored_without_rendering(approval)

    response = as_persona("outsider").get(reverse("run:decision_letter", args=[approval.pk]))

    assert response.status_code == 404


def test_it_gives_404_for_a_decision_that_does_not_exist(as_persona):
    assert as_persona("secretariat").get(reverse("run:decision_letter", args=[999_999])).status_code == 404


def test_it_sends_anonymous_to_log_in(approval, client):
    stored_without_rendering(approval)

    response = client.get(reverse("run:decision_letter", args=[approval.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_says_the_letter_is_being_made_before_it_is_stored(approval, as_persona, renders):
    response = as_persona("leader").get(reverse("run:decision_letter", args=[approval.pk]))

    assert response.status_code == 202
    assert "Beslutsbrevet skapas. Ladda om sidan om en stund." in response.content.decode()
    assert renders == []  # never rendered on the spot


def test_it_rejects_post(approval, as_persona):
    stored_without_rendering(approval)

    assert as_persona("leader").post(reverse("run:decision_letter", args=[approval.pk])).status_code == 405


def test_the_rule_asks_about_the_decisions_application(approval, demo):
    assert demo.person("leader").has_perm("decisions.view_decision_letter", approval)
    assert not demo.person("outsider").has_perm("decisions.view_decision_letter", approval)
    assert demo.person("secretariat").has_perm("decisions.view_decision_letter", approval)


# --- the links -----------------------------------------------------------------------------


def test_the_application_page_links_to_the_letter(approval, as_persona):
    stored_without_rendering(approval)
    url = reverse("applications:detail", args=[approval.case.application_id])

    html = as_persona("leader").get(url).content.decode()

    assert "Beslutsbrev (PDF)" in html
    assert reverse("run:decision_letter", args=[approval.pk]) in html


def test_the_application_page_has_no_link_before_the_letter_is_stored(approval, as_persona):
    url = reverse("applications:detail", args=[approval.case.application_id])

    assert "Beslutsbrev (PDF)" not in as_persona("leader").get(url).content.decode()


def test_the_run_pages_link_to_the_letter(approval, as_persona):
    stored_without_rendering(approval)
    client = as_persona("secretariat")
    href = reverse("run:decision_letter", args=[approval.pk])

    case_page = client.get(reverse("run:case_detail", args=[approval.case_id])).content.decode()
    meeting_page = client.get(reverse("run:meeting_detail", args=[approval.case.run_meeting_id])).content.decode()

    assert "Beslutsbrev (PDF)" in case_page
    assert href in case_page
    assert "Beslutsbrev (PDF)" in meeting_page
    assert href in meeting_page


def test_the_run_meeting_lists_letters_in_a_constant_number_of_queries(demo, as_persona):
    meeting = run_meeting()
    client = as_persona("secretariat")
    url = reverse("run:meeting_detail", args=[meeting.pk])

    def decided_cases(count: int, start: int) -> None:
        for number in range(start, start + count):
            case = forwarded_case(demo, meeting, title=f"Insats {number}", municipality="Munkedal")
            decision = decision_services.decision_record(
                case=case,
                outcome="rejected",
                paragraph=str(300 + number),
                decided_on=meeting.held_on,
                reasons="Ryms inte i budgeten.",
                by=demo.person("secretariat"),
            )
            stored_without_rendering(decision)

    decided_cases(2, 0)
    client.get(url)  # the session and the roles are warm
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    decided_cases(6, 2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("Beslutsbrev (PDF)") == 8
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
