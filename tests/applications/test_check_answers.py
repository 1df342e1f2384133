"""Check your answers (the submit page): every section summarised, problems per section, "Ändra"
links that come back here, and a return address that only ever leads to the same application."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application
from applications.sections import SECTIONS
from applications.submission import problems
from applications.summary import check_answers, return_url, with_return
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


@pytest.fixture
def complete(demo):
    return complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))


def summary(application):
    return reverse("applications:submit", args=[application.pk])


def test_it_summarises_every_section_with_a_change_link_that_returns(complete):
    summaries = check_answers(complete, [])
    # Every section, then the principals' signatures (not a section the group writes).
    assert [s.spec.key for s in summaries] == [spec.key for spec in SECTIONS] + ["signatures"]
    basics = summaries[0]
    assert ("Insatsens namn", "Språkstöd i förskolan") in basics.rows
    assert basics.change_url == with_return(
        reverse("applications:section", args=[complete.pk, "basics"]), summary(complete)
    )
    assert summaries[-2].change_url.startswith(reverse("applications:attachments", args=[complete.pk]) + "?next=")
    signed = summaries[-1]
    assert signed.change_url.startswith(reverse("applications:signatures", args=[complete.pk]) + "?next=")
    assert [label for label, _text in signed.rows] == ["Regionen", "Kommunen"]
    assert all("underskriven" in text for _label, text in signed.rows)


def test_it_groups_the_problems_by_section_with_links_to_the_fields(draft):
    found = problems(draft)
    summaries = {s.spec.key: s for s in check_answers(draft, found)}
    assert sum(len(s.problems) for s in summaries.values()) == len(found)
    purpose = summaries["purpose"].problems
    assert [p.message for p in purpose] == [p.message for p in found if p.section == "purpose"]
    assert purpose[0].url.endswith("#id_purpose")
    assert "?next=" in purpose[0].url


def test_the_page_lists_the_problems_and_has_no_send_button(client, demo, draft):
    client.force_login(demo.person("leader"))
    html = client.get(summary(draft)).content.decode()
    assert "Kontrollera ansökan innan du skickar in" in html
    assert "Syfte och problem" in html
    assert "Beskriv insatsens syfte." in html
    assert 'Ändra<span class="visually-hidden"> syfte och problem</span>' in html
    assert ">Skicka in</button>" not in html


def test_the_page_has_the_send_button_when_nothing_is_missing(client, demo, complete):
    client.force_login(demo.person("leader"))
    html = client.get(summary(complete)).content.decode()
    assert "error-summary" not in html
    assert '<button type="submit" class="btn btn-primary">Skicka in</button>' in html


def test_sending_leads_to_the_confirmation(client, demo, complete):
    client.force_login(demo.person("leader"))
    response = client.post(summary(complete))
    assert response.status_code == 302
    assert response.url == reverse("application_sent", args=[complete.pk])


def test_the_resubmission_promises_no_new_reference_number(client, demo, complete):
    sent = services.application_submit(application=complete, by=demo.person("leader"))
    services.application_request_completion(application=sent, by=demo.person("project_leader"), message="Budget.")
    client.force_login(demo.person("leader"))
    html = client.get(summary(sent)).content.decode()
    assert f"samma diarienummer, {sent.reference_number}" in html
    assert "får ansökan ett diarienummer" not in html


def test_saving_a_section_opened_from_the_summary_returns_to_it(client, demo, draft):
    client.force_login(demo.person("member"))
    section = reverse("applications:section", args=[draft.pk, "purpose"])
    page = client.get(section, {"next": summary(draft)}).content.decode()
    assert f'name="next" value="{summary(draft)}"' in page
    assert "Tillbaka till sammanfattningen" in page
    response = client.post(
        section, {"version": 0, "purpose": "Fler barn läser.", "problem": "Få böcker hemma.", "next": summary(draft)}
    )
    assert response.status_code == 302
    assert response.url == summary(draft) + "#summary-purpose"
    assert Application.objects.get(pk=draft.pk).purpose == "Fler barn läser."


@pytest.mark.parametrize(
    "outside",
    [
        "https://angripare.example/ansokningar/",
        "//angripare.example/",
        "///angripare.example/",
        "/\\angripare.example/",
        "javascript:alert(1)",
        "/admin/",
        "/ansokningar/ny/",
        "",
    ],
)
def test_an_outside_return_url_is_ignored(client, demo, draft, outside):
    assert return_url(outside, draft) is None
    client.force_login(demo.person("member"))
    section = reverse("applications:section", args=[draft.pk, "purpose"])
    response = client.post(section, {"version": 0, "purpose": "Syfte.", "problem": "Problem.", "next": outside})
    assert response.status_code == 302
    assert response.url == section


def test_another_applications_page_is_no_return_url(demo, draft):
    other = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="En annan", by=demo.person("leader")
    )
    assert return_url(summary(other), draft) is None
    assert return_url(summary(draft), draft) == summary(draft)
    assert return_url(summary(draft) + "?x=1", draft) == summary(draft) + "?x=1"


def test_attachments_opened_from_the_summary_keep_the_way_back_after_an_upload(client, demo, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.hostile_files import docx

    client.force_login(demo.person("member"))
    page = reverse("applications:attachments", args=[draft.pk])
    assert "Tillbaka till sammanfattningen" in client.get(page, {"next": summary(draft)}).content.decode()
    upload = SimpleUploadedFile("budget.docx", docx("Budget"))
    response = client.post(with_return(page, summary(draft)), {"file": upload, "description": ""})
    assert response.status_code == 302
    assert response.url == with_return(page, summary(draft))
    assert draft.attachments.count() == 1
