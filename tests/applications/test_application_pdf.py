"""The application as a PDF: rendered once per submission from its snapshot, and served only
through the permission rule (others 404)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.documents import application_pdf_store, pdf_filename, sent_sections
from applications.models import Application, ApplicationPdf, Criterion, Snapshot
from outbox.models import OutboxMessage
from tests.factories import complete_application, other_partnership, published_agenda

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def sent(demo, django_capture_on_commit_callbacks):
    """Uddevalla's application, submitted, with the work after the commit done (its PDF stored)."""
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Läslust i Uddevalla", by=leader)
    with django_capture_on_commit_callbacks(execute=True):
        return services.application_submit(application=draft, by=leader)


def url(application):
    return reverse("applications:pdf", args=[application.pk])


def test_it_stores_the_pdf_of_the_version_sent_in_the_background(sent):
    snapshot = sent.snapshots.get()
    assert OutboxMessage.objects.get(key=f"application_pdf:{snapshot.pk}").done_at is not None
    document = ApplicationPdf.objects.get(snapshot=snapshot)
    year, number = sent.reference_number.removeprefix("SIM ").split("/")
    assert document.filename == pdf_filename(snapshot) == f"ansokan-sim-{year}-{number}.pdf"
    with document.pdf.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    assert len(content) == document.size


def test_it_shows_the_whole_application_from_the_snapshot(sent):
    snapshot = sent.snapshots.get()
    purpose = snapshot.data["purpose"]["Syfte"]
    # The row changes afterwards (as a completion would); the PDF of this version does not.
    Application.objects.filter(pk=sent.pk).update(purpose="Ett helt annat syfte, skrivet senare.")
    ApplicationPdf.objects.filter(snapshot=snapshot).delete()
    document = application_pdf_store(snapshot.pk)
    with document.pdf.open("rb") as stored:
        text = " ".join(pdf_text(stored.read()).split())
    assert sent.reference_number in text
    assert "Läslust i Uddevalla" in text
    assert " ".join(purpose.split())[:40] in text
    assert "Ett helt annat syfte" not in text
    for title in ("Grunduppgifter", "Samverkansparter", "Budget", "Logikmodell", "Självskattning"):
        assert title in text


def test_it_renders_each_version_once(sent):
    snapshot = sent.snapshots.get()
    first = ApplicationPdf.objects.get(snapshot=snapshot)
    again = application_pdf_store(snapshot.pk)
    assert again.pk == first.pk
    assert again.sha256 == first.sha256
    assert ApplicationPdf.objects.count() == 1


def test_it_serves_the_pdf_to_the_group(client, demo, sent):
    client.force_login(demo.person("member"))
    response = client.get(url(sent))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert sent.reference_number in pdf_text(b"".join(response.streaming_content))


def test_it_serves_the_pdf_to_the_project_leader_and_koncernkontoret(client, demo, sent):
    for persona in ("project_leader", "koncernkontoret"):
        client.force_login(demo.person(persona))
        assert client.get(url(sent)).status_code == 200, persona


def test_it_serves_the_pdf_to_the_steering_group_once_it_is_on_their_agenda(client, demo, sent):
    client.force_login(demo.person("steering_member"))
    assert client.get(url(sent)).status_code == 404
    services.application_accept(application=sent, by=demo.person("project_leader"))
    published_agenda(demo, [sent])
    assert client.get(url(sent)).status_code == 200


def test_it_gives_404_to_another_group(client, demo, sent):
    client.force_login(demo.person("outsider"))
    assert client.get(url(sent)).status_code == 404


def test_it_gives_404_to_those_the_rule_does_not_name(client, demo, sent):
    for persona in ("nsv_chair", "secretariat"):
        client.force_login(demo.person(persona))
        assert client.get(url(sent)).status_code == 404, persona


def test_it_gives_404_to_another_partnership(client, demo, sent):
    skaraborg = other_partnership()
    for persona in ("project_leader", "leader", "steering_member"):
        client.force_login(skaraborg.person(persona))
        assert client.get(url(sent)).status_code == 404, persona


def test_it_gives_404_for_a_draft(client, demo):
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))
    client.force_login(demo.person("leader"))
    assert client.get(url(draft)).status_code == 404


def test_it_says_when_the_pdf_is_still_being_made(client, demo):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    submitted = services.application_submit(application=draft, by=leader)  # no commit: no background work
    client.force_login(leader)
    response = client.get(url(submitted))
    assert response.status_code == 202
    assert "skapas just nu" in response.content.decode()


def test_it_serves_the_latest_version_sent(client, demo, sent, django_capture_on_commit_callbacks):
    first = ApplicationPdf.objects.get(snapshot__application=sent)
    services.application_request_completion(
        application=sent, by=demo.person("project_leader"), message="Komplettera budgeten."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=sent, by=demo.person("leader"))
    latest = ApplicationPdf.objects.exclude(pk=first.pk).get(snapshot__application=sent)
    assert latest.filename.endswith("-version-2.pdf")
    client.force_login(demo.person("leader"))
    response = client.get(url(sent))
    assert response["X-Content-SHA256"] == latest.sha256


def test_the_stand_in_file_is_never_rendered_again(sent):
    document = ApplicationPdf.objects.get(snapshot__application=sent)
    document.pdf.save(document.filename, ContentFile(b"%PDF-1.4\nstand-in"), save=True)
    assert application_pdf_store(document.snapshot_id).pdf.read() == b"%PDF-1.4\nstand-in"


def test_it_keeps_the_applications_order_whatever_order_the_database_keeps(sent):
    snapshot = Snapshot.objects.get(application=sent)  # read back: the JSON's keys in the database's order
    sections = {section.title: [label for label, _text in section.rows] for section in sent_sections(snapshot.data)}
    assert sections["Grunduppgifter"] == ["Insatsens namn", "Kommuner", "Projektägare"]
    assert sections["Tidsperiod"] == ["Startdatum", "Slutdatum"]
    assert sections["Målgrupp"][1:3] == ["Målgruppens ålder från", "Målgruppens ålder till"]
    assert sections["Självskattning"] == [str(criterion.label) for criterion in Criterion]
    document = ApplicationPdf.objects.get(snapshot=snapshot)
    with document.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert text.index("Startdatum") < text.index("Slutdatum")
