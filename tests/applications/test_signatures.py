"""The principals' signatures: the group names who signs for the region and the municipality, each
signs the version they read (a record with person, time, role and the version's SHA-256), an edit
voids the signatures and tells the signatories, and submission needs both on the current version."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications import services, signatures
from applications.demo import demo_signatory, sign_as_demo
from applications.documents import application_pdf_store
from applications.forms import PurposeForm
from applications.models import Application, ApplicationPdf, Signatory, Signature, SignatureVoid, SigningPdf
from applications.signature_methods import Confirmation
from applications.submission import problems
from notifications.models import Notification
from outbox.models import OutboxMessage
from partnership.models import Organisation, Principal, User
from tests.applications.hostile_files import pdf_with_text
from tests.applications.test_attachments import form as attachment_form
from tests.factories import complete_application, other_partnership

pytestmark = pytest.mark.django_db

CONFIRMED = Confirmation(method="password", identity="test")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def draft(demo):
    """A complete draft of Uddevalla's group that nobody has been asked to sign yet."""
    return complete_application(
        demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"), title="Läslust", signed=False
    )


def nominee(organisation: Organisation, email: str = "chef@uddevalla.se", **fields) -> signatures.Nominee:
    values = {"first_name": "Maj", "last_name": "Ek", "title": "Förvaltningschef", **fields}
    return signatures.Nominee(email=email, organisation=organisation, **values)


def uddevalla() -> Organisation:
    return Organisation.objects.get(name="Uddevalla kommun")


def nu_sjukvarden() -> Organisation:
    return Organisation.objects.get(name="NU-sjukvården")


def name_both(draft, by):
    region = demo_signatory(nu_sjukvarden())
    municipal = demo_signatory(uddevalla())
    named = {}
    for principal, person, organisation in (
        (Principal.REGION, region, nu_sjukvarden()),
        (Principal.MUNICIPALITY, municipal, uddevalla()),
    ):
        named[principal] = signatures.signatory_name(
            application=draft, principal=principal, nominee=nominee(organisation, person.email), by=by
        ).signatory
    return named


def sign(signatory: Signatory) -> Signature:
    """The signatory signs the application as it is stored now."""
    application = Application.objects.get(pk=signatory.application_id)
    version = signatures.version_for_content(application, signatures.current_sha256(application))
    return signatures.signature_add(signatory=signatory, version=version, by=signatory.person, confirmation=CONFIRMED)


def save_purpose(application, by, purpose: str):
    section = services.section_open(application=application, key="purpose")
    data = {"purpose": purpose, "problem": application.problem, "version": section.version}
    form = PurposeForm(data, instance=application)
    assert form.is_valid(), form.errors
    return services.section_save(application=application, key="purpose", version=section.version, by=by, form=form)


# --- naming -------------------------------------------------------------------------------------


def test_naming_someone_new_makes_an_account_without_password_and_asks_them(demo, draft):
    named = signatures.signatory_name(
        application=draft, principal=Principal.MUNICIPALITY, nominee=nominee(uddevalla()), by=demo.person("leader")
    )
    assert named.new_account
    person = named.signatory.person
    assert person.email == "chef@uddevalla.se"
    assert person.organisation == uddevalla()
    assert not person.has_usable_password()
    assert named.signatory.role == "Förvaltningschef, Uddevalla kommun"
    version = draft.signing_versions.get()
    assert version.content_sha256 == signatures.current_sha256(draft)
    assert OutboxMessage.objects.filter(key=f"event:signature_requested:{named.signatory.pk}:{version.pk}").exists()
    assert OutboxMessage.objects.filter(key=f"signing_pdf:{version.pk}").exists()


def test_an_existing_account_is_named_by_its_address_in_any_case(demo, draft):
    person = demo_signatory(uddevalla())
    named = signatures.signatory_name(
        application=draft,
        principal=Principal.MUNICIPALITY,
        nominee=nominee(uddevalla(), person.email.upper()),
        by=demo.person("leader"),
    )
    assert not named.new_account
    assert named.signatory.person == person


def test_nobody_names_themselves(demo, draft):
    leader = demo.person("leader")
    with pytest.raises(ValidationError) as refused:
        signatures.signatory_name(
            application=draft, principal=Principal.MUNICIPALITY, nominee=nominee(uddevalla(), leader.email), by=leader
        )
    assert "Du kan inte utse dig själv" in str(refused.value)
    # The database holds to it as well.
    with pytest.raises(IntegrityError), transaction.atomic():
        Signatory.objects.create(
            application=draft,
            principal=Principal.MUNICIPALITY,
            person=leader,
            organisation=uddevalla(),
            title="Rektor",
            named_by=leader,
            named_at=draft.created_at,
        )


@pytest.mark.parametrize(
    ("principal", "organisation"),
    [
        (Principal.MUNICIPALITY, "NU-sjukvården"),  # the region's, for the municipality
        (Principal.REGION, "Uddevalla kommun"),
        (Principal.REGION, "Capio"),  # a private provider is a partner, not a principal
        (Principal.MUNICIPALITY, "Munkedals kommun"),  # a municipality the application is not for
    ],
)
def test_only_an_organisation_of_the_principal_can_sign_for_it(demo, draft, principal, organisation):
    with pytest.raises(ValidationError) as refused:
        signatures.signatory_name(
            application=draft,
            principal=principal,
            nominee=nominee(Organisation.objects.get(name=organisation)),
            by=demo.person("leader"),
        )
    assert "organisation" in refused.value.error_dict


def test_a_person_of_the_other_principal_is_refused(demo, draft):
    # The steering-group chair works at NU-sjukvården: the region's side.
    chair = demo.person("steering_chair")
    with pytest.raises(ValidationError) as refused:
        signatures.signatory_name(
            application=draft,
            principal=Principal.MUNICIPALITY,
            nominee=nominee(uddevalla(), chair.email),
            by=demo.person("leader"),
        )
    assert "NU-sjukvården" in str(refused.value)


def test_only_the_group_names_and_only_while_it_may_change_the_application(demo, draft):
    for outsider in ("outsider", "project_leader", "steering_member"):
        with pytest.raises(PermissionDenied):
            signatures.signatory_name(
                application=draft,
                principal=Principal.MUNICIPALITY,
                nominee=nominee(uddevalla()),
                by=demo.person(outsider),
            )


# --- signing ------------------------------------------------------------------------------------


def test_a_signature_records_person_time_role_and_the_versions_checksum(
    demo, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        named = name_both(draft, demo.person("leader"))
    version = draft.signing_versions.get()
    stored = SigningPdf.objects.get(version=version)
    with stored.pdf.open("rb") as pdf:
        content = pdf.read()
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    text = pdf_text(content)
    assert "Läslust" in text
    assert version.content_sha256 in text.replace(" ", "")

    signature = sign(named[Principal.MUNICIPALITY])
    assert signature.person == named[Principal.MUNICIPALITY].person
    assert signature.role == "Förvaltningschef, Uddevalla kommun (Kommunen)"
    assert signature.content_sha256 == version.content_sha256 == signatures.current_sha256(draft)
    assert signature.pdf_sha256 == stored.sha256
    assert signature.signed_at is not None
    assert signature.method == "password"
    assert set(signatures.valid_signatures(draft)) == {Principal.MUNICIPALITY}
    # Signing the same version twice records one signature.
    assert sign(named[Principal.MUNICIPALITY]).pk == signature.pk


def test_the_checksum_does_not_depend_on_the_language_of_who_asks(draft):
    swedish = signatures.current_sha256(draft)
    with translation.override("en"):
        assert signatures.current_sha256(draft) == swedish


def test_only_the_current_signatory_signs(demo, draft):
    named = name_both(draft, demo.person("leader"))
    replaced = named[Principal.MUNICIPALITY]
    signatures.signatory_name(
        application=draft, principal=Principal.MUNICIPALITY, nominee=nominee(uddevalla()), by=demo.person("leader")
    )
    with pytest.raises(PermissionDenied):
        sign(replaced)
    version = draft.signing_versions.get()
    with pytest.raises(PermissionDenied):
        signatures.signature_add(
            signatory=named[Principal.REGION], version=version, by=demo.person("leader"), confirmation=CONFIRMED
        )


def test_a_version_that_is_no_longer_current_cannot_be_signed(demo, draft):
    named = name_both(draft, demo.person("leader"))
    old = draft.signing_versions.get()
    save_purpose(draft, demo.person("leader"), "Ett nytt syfte för läslusten.")
    with pytest.raises(signatures.SigningRefused) as refused:
        signatures.signature_add(
            signatory=named[Principal.REGION], version=old, by=named[Principal.REGION].person, confirmation=CONFIRMED
        )
    assert "har ändrats" in refused.value.message


# --- an edit voids, submission needs both -------------------------------------------------------


def test_submission_needs_both_signatures_on_the_current_version(demo, draft):
    leader = demo.person("leader")
    found = {p.field: p.message for p in problems(draft)}
    assert set(found) == {"signatory-region", "signatory-municipality"}
    assert "Ingen är utsedd att skriva under för regionen" in found["signatory-region"]
    named = name_both(draft, leader)
    sign(named[Principal.REGION])
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=draft, by=leader)
    assert [p.message for p in refused.value.problems] == [
        "Kommunen har inte skrivit under ansökan som den ser ut nu. Be om underskrift under Underskrifter."
    ]
    sign(named[Principal.MUNICIPALITY])
    sent = services.application_submit(application=draft, by=leader)
    snapshot = sent.snapshots.get()
    assert {s.principal for s in snapshot.signatures.all()} == {"region", "municipality"}
    assert all(s.content_sha256 == signatures.content_sha256(snapshot.data) for s in snapshot.signatures.all())


def test_an_edit_after_signing_voids_both_and_tells_the_signatories(demo, draft, django_capture_on_commit_callbacks):
    leader = demo.person("leader")
    named = name_both(draft, leader)
    given = [sign(named[Principal.REGION]), sign(named[Principal.MUNICIPALITY])]
    assert problems(draft) == []
    with django_capture_on_commit_callbacks(execute=True):
        save_purpose(draft, leader, "Fler barn läser för nöjes skull.")
    voids = SignatureVoid.objects.filter(signature__in=given)
    assert voids.count() == 2
    assert "Syfte och problem" in voids.first().reason
    assert {p.field for p in problems(draft)} == {"signatory-region", "signatory-municipality"}
    told = Notification.objects.filter(event="signatures_voided")
    assert {n.recipient for n in told} == {named[Principal.REGION].person, named[Principal.MUNICIPALITY].person}
    mine = told.get(recipient=named[Principal.REGION].person)
    assert mine.url == reverse("applications:signing", args=[named[Principal.REGION].pk])

    # Asked again, both sign the new version, and the application can be sent.
    asked = signatures.signatures_request(application=draft, by=leader)
    assert set(asked) == set(named.values())
    assert draft.signing_versions.count() == 2
    sign(named[Principal.REGION])
    sign(named[Principal.MUNICIPALITY])
    assert problems(draft) == []


def test_saving_a_section_unchanged_voids_nothing(demo, draft):
    sign_as_demo(draft, by=demo.person("leader"))
    save_purpose(draft, demo.person("leader"), draft.purpose)
    assert not SignatureVoid.objects.exists()
    assert problems(draft) == []


def test_an_attachment_added_after_signing_voids_them(demo, draft):
    sign_as_demo(draft, by=demo.person("leader"))
    uploaded = attachment_form(pdf_with_text("Tidsplan"), "tidsplan.pdf")
    assert uploaded.is_valid()
    services.attachment_add(
        application=draft, by=demo.person("leader"), upload=uploaded.cleaned_data["file"], checked=uploaded.checked
    )
    assert SignatureVoid.objects.count() == 2
    assert "tidsplan.pdf" in SignatureVoid.objects.first().reason


def test_the_application_pdf_lists_the_signatures_it_was_sent_with(demo, draft, django_capture_on_commit_callbacks):
    leader = demo.person("leader")
    sign_as_demo(draft, by=leader)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.application_submit(application=draft, by=leader)
    document = ApplicationPdf.objects.get(snapshot__application=sent)
    with document.pdf.open("rb") as pdf:
        text = pdf_text(pdf.read())
    assert "Huvudmännens underskrifter" in text
    for signature in sent.signatures.all():
        assert signature.person.get_full_name() in text
        assert signature.content_sha256[:32] in text.replace(" ", "")
    assert application_pdf_store(sent.snapshots.get().pk).pk == document.pk


def test_the_region_wide_partnership_signs_the_same_way(demo_region):
    leader = demo_region.person("leader")
    draft = complete_application(demo_region.call(), demo_region.working_group("Borås"), by=leader, title="Stöd")
    assert problems(draft) == []
    assert {s.principal for s in signatures.valid_signatures(draft).values()} == {"region", "municipality"}


def test_another_partnership_signs_for_its_own_municipality(demo):
    other = other_partnership()
    draft = complete_application(other.call, other.groups["Skövde"], by=other.person("leader"), title="Skövdes insats")
    municipal = signatures.valid_signatures(draft)[Principal.MUNICIPALITY]
    assert municipal.signatory.organisation.municipality.name == "Skövde"


def test_the_signatory_accounts_are_nobody_with_a_role(demo, draft):
    sign_as_demo(draft, by=demo.person("leader"))
    for signatory in draft.signatories.all():
        assert not User.objects.get(pk=signatory.person_id).memberships.exists()
