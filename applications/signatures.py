"""The principals' signatures: who signs an application for the region and for the municipality,
the version they read, their signature, and its voiding when the application changes.

DOMAIN: an authorised manager of each principal commits to the application and to implementing
it afterwards. Submission needs both signatures on the *current* version
(``submission.signed_by_both_principals``); a signature counts while the application's content
has the checksum of the version signed, and no edit has voided it.

How a signatory proves who they are is not decided here: the view asks the signing method
(``applications.signature_methods``) for a ``Confirmation``, and this module records it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from outbox.models import OutboxKind, OutboxMessage
from outbox.services import PermanentFailure, event_add, outbox_add
from partnership.models import Organisation, Principal, User
from simportal import pdf

from .models import (
    Application,
    Signatory,
    Signature,
    SignatureVoid,
    SigningPdf,
    SigningVersion,
)
from .snapshots import snapshot_data

if TYPE_CHECKING:
    from .signature_methods import Confirmation

logger = logging.getLogger(__name__)

PRINCIPALS = (Principal.REGION, Principal.MUNICIPALITY)


class SigningRefused(Exception):
    """The signature cannot be recorded; ``message`` says why and what to do, in Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the content and its checksum --------------------------------------------------------------


def content_sha256(data: dict[str, Any]) -> str:
    """The SHA-256 of a version's content: its JSON with sorted keys, so equal content has one checksum."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def current_content(application: Application) -> dict[str, dict[str, str]]:
    """The application as a version reads now, always in the portal's own language, so that the
    checksum does not depend on the language of the person who asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return snapshot_data(application)


def current_sha256(application: Application) -> str:
    return content_sha256(current_content(application))


# --- reading the state ---------------------------------------------------------------------------


def current_signatories(application: Application) -> dict[str, Signatory]:
    """The signatory of each principal who counts now: the newest one named."""
    found: dict[str, Signatory] = {}
    for signatory in application.signatories.select_related("person", "organisation").order_by("named_at", "pk"):
        found[signatory.principal] = signatory
    return found


def is_current_signatory(signatory: Signatory) -> bool:
    newest = Signatory.objects.filter(application_id=signatory.application_id, principal=signatory.principal)
    return bool(newest.order_by("-named_at", "-pk").values_list("pk", flat=True).first() == signatory.pk)


def valid_signatures(application: Application, sha256: str | None = None) -> dict[str, Signature]:
    """Each principal's signature that counts for the application as it reads now (or for the
    content with checksum ``sha256``): by the current signatory, not voided, on this content.

    A signature on a version frozen after the application was last saved counts without reading
    the application again; only otherwise is the checksum of the content computed."""
    signatories = current_signatories(application)
    if not signatories:
        return {}
    candidates = list(
        Signature.objects.filter(signatory__in=signatories.values(), void__isnull=True)
        .select_related("person", "version")
        .order_by("signed_at", "pk")
    )
    if sha256 is None and any(not unchanged_since(application, s.version) for s in candidates):
        sha256 = current_sha256(application)
    return {
        s.principal: s
        for s in candidates
        if (s.content_sha256 == sha256 if sha256 is not None else unchanged_since(application, s.version))
    }


@dataclass(frozen=True)
class PrincipalState:
    """What the group and the steering group see of one principal's signature."""

    principal: str
    label: str
    signatory: Signatory | None
    signature: Signature | None
    # The signatory's last signature, when it no longer counts (the application changed since).
    earlier: Signature | None

    @property
    def signed(self) -> bool:
        return self.signature is not None


def principal_label(principal: str) -> str:
    return _("Regionen") if principal == Principal.REGION else _("Kommunen")


def signing_state(application: Application) -> list[PrincipalState]:
    """Both principals in order: who signs, whether their signature counts now, and the earlier one if not."""
    signatories = current_signatories(application)
    valid = valid_signatures(application) if signatories else {}
    last: dict[int, Signature] = {}
    if signatories:
        for given in Signature.objects.filter(signatory__in=signatories.values()).order_by("signed_at", "pk"):
            last[given.signatory_id] = given
    states = []
    for principal in PRINCIPALS:
        signatory = signatories.get(principal)
        signature = valid.get(principal)
        earlier = last.get(signatory.pk) if signatory is not None and signature is None else None
        states.append(PrincipalState(principal, principal_label(principal), signatory, signature, earlier))
    return states


def latest_version(application: Application) -> SigningVersion | None:
    return application.signing_versions.order_by("-number").select_related("pdf").first()


def version_for_content(application: Application, sha256: str) -> SigningVersion | None:
    return SigningVersion.objects.filter(application=application, content_sha256=sha256).first()


def open_duties(person: User) -> list[Signatory]:
    """The applications this person is asked to sign now (for their start page)."""
    named = (
        Signatory.objects.filter(person=person, application__status__in=["draft", "returned"])
        .select_related("application__working_group", "organisation")
        .order_by("-named_at")[:10]  # the start page shows at most the newest ten
    )
    return [
        signatory
        for signatory in named
        if is_current_signatory(signatory) and signatory.principal not in valid_signatures(signatory.application)
    ]


# --- who may be named ----------------------------------------------------------------------------


def organisations_for(application: Application, principal: str) -> list[Organisation]:
    """The organisations a signatory for ``principal`` can sign for: the region's own (not the
    private providers, who are partners but not principals), or the municipalities' of the application."""
    organisations = Organisation.objects.filter(principal=principal, is_private_provider=False)
    if principal == Principal.MUNICIPALITY:
        organisations = organisations.filter(municipality__in=application.municipalities.all())
    return list(organisations.order_by("name"))


@dataclass(frozen=True)
class Nominee:
    """The person the group names, as the form gave it."""

    email: str
    first_name: str
    last_name: str
    title: str
    organisation: Organisation


def _person_for(nominee: Nominee, principal: str, by: User) -> tuple[User, bool]:
    """The person with the nominee's e-mail address, or a new account for them (True: new)."""
    people = list(User.objects.filter(email__iexact=nominee.email).order_by("pk"))
    if len(people) > 1:
        raise ValidationError(
            {"email": _("Flera konton har den e-postadressen. Be en administratör reda ut vilket som gäller.")}
        )
    if people:
        person = people[0]
        if person.pk == by.pk:
            raise ValidationError(
                {"email": _("Du kan inte utse dig själv att skriva under. Ange en behörig chef hos huvudmannen.")}
            )
        if not person.is_active:
            raise ValidationError(
                {"email": _("Kontot med den e-postadressen är avstängt. Ange någon annan, eller be en administratör.")}
            )
        if person.organisation is not None and person.organisation.principal != principal:
            raise ValidationError(
                {
                    "email": _("%(name)s hör till %(organisation)s, som inte är en organisation hos %(principal)s.")
                    % {
                        "name": person.get_full_name() or person.email,
                        "organisation": person.organisation,
                        "principal": principal_label(principal).lower(),
                    }
                }
            )
        return person, False
    username = nominee.email.lower()[:140]
    if User.objects.filter(username=username).exists():
        username = f"{username}-{get_random_string(6).lower()}"
    person = User.objects.create(
        username=username,
        email=nominee.email,
        first_name=nominee.first_name,
        last_name=nominee.last_name,
        title=nominee.title,
        organisation=nominee.organisation,
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person, True


# --- the writes ----------------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(no_key=True, of=("self",)).select_related("call").get(pk=application.pk)
    )


def unchanged_since(application: Application, version: SigningVersion) -> bool:
    """Nothing has been saved in the application since ``version`` was frozen: every service that
    changes its content (a section, an attachment) moves ``updated_at``. When something has, only
    the checksum tells whether the content differs (a section may have been saved unchanged)."""
    return application.updated_at < version.created_at


def _version_now(application: Application, by: User) -> SigningVersion:
    """The version of the application as it reads now, frozen (and its PDF queued) the first time.

    Always read from the content itself: asking for signatures must never rest on the version
    an earlier request froze, in case the content changed without a service (a unit renamed)."""
    data = current_content(application)
    sha256 = content_sha256(data)
    existing = version_for_content(application, sha256)
    if existing is not None:
        return existing
    number = (application.signing_versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = SigningVersion.objects.create(
        application=application,
        number=number,
        content_sha256=sha256,
        data=data,
        created_at=timezone.now(),
        created_by=by,
    )
    outbox_add(OutboxKind.SIGNING_PDF, f"signing_pdf:{version.pk}", version=version.pk)
    return version


def _ask(signatory: Signatory, version: SigningVersion, by: User) -> None:
    event_add(
        "signature_requested",
        key=f"signature_requested:{signatory.pk}:{version.pk}",
        by=by,
        application=signatory.application_id,
        signatory=signatory.pk,
    )


@dataclass(frozen=True)
class Named:
    signatory: Signatory
    new_account: bool


@transaction.atomic(durable=True)
def signatory_name(*, application: Application, principal: str, nominee: Nominee, by: User) -> Named:
    """Name who signs for ``principal``; they are asked to sign the application as it reads now.

    A person who has no account gets one, with an invitation to choose a password (the caller
    sends it, since it needs the request's site). Nobody can name themselves.
    """
    application = _locked(application)
    if not by.has_perm("applications.name_signatory", application):
        raise PermissionDenied
    if principal not in PRINCIPALS:
        raise ValidationError(_("Välj regionen eller kommunen."))
    if nominee.organisation.pk not in {o.pk for o in organisations_for(application, principal)}:
        raise ValidationError(
            {
                "organisation": _("Välj en organisation hos %(principal)s.")
                % {"principal": principal_label(principal).lower()}
            }
        )
    person, new = _person_for(nominee, principal, by)
    signatory = Signatory.objects.create(
        application=application,
        principal=principal,
        person=person,
        organisation=nominee.organisation,
        title=nominee.title,
        named_by=by,
        named_at=timezone.now(),
    )
    _ask(signatory, _version_now(application, by), by)
    return Named(signatory, new)


@transaction.atomic(durable=True)
def signatures_request(*, application: Application, by: User) -> list[Signatory]:
    """Ask every current signatory whose signature does not count for the application as it reads now."""
    application = _locked(application)
    if not by.has_perm("applications.name_signatory", application):
        raise PermissionDenied
    if not current_signatories(application):
        return []  # nobody to ask: no version is frozen for nobody
    version = _version_now(application, by)
    valid = valid_signatures(application, version.content_sha256)
    asked = [s for p, s in current_signatories(application).items() if p not in valid]
    for signatory in asked:
        _ask(signatory, version, by)
    return asked


@transaction.atomic(durable=True)
def signature_add(*, signatory: Signatory, version: SigningVersion, by: User, confirmation: Confirmation) -> Signature:
    """Record ``by``'s signature, as ``signatory``, of ``version`` (which must be the application as it reads now)."""
    application = _locked(signatory.application)
    signatory = Signatory.objects.select_related("organisation").get(pk=signatory.pk)
    if not by.has_perm("applications.sign_application", signatory):
        raise PermissionDenied
    if version.application_id != application.pk:
        raise PermissionDenied
    existing = Signature.objects.filter(signatory=signatory, version=version, void__isnull=True).first()
    if existing is not None:
        return existing
    if not unchanged_since(application, version) and current_sha256(application) != version.content_sha256:
        raise SigningRefused(
            _(
                "Ansökan har ändrats sedan den här versionen togs fram, så den går inte längre att skriva under. "
                "Öppna sidan igen och läs den nya versionen när arbetsgruppen har bett om underskrift på den."
            )
        )
    stored = SigningPdf.objects.filter(version=version).first()
    now = timezone.now()
    signature = Signature.objects.create(
        application=application,
        signatory=signatory,
        version=version,
        person=by,
        signed_at=now,
        role=f"{signatory.title}, {signatory.organisation} ({principal_label(signatory.principal)})",
        principal=signatory.principal,
        content_sha256=version.content_sha256,
        pdf_sha256=stored.sha256 if stored else "",
        method=confirmation.method,
        identity=confirmation.identity,
    )
    event_add(
        "application_signed", key=f"signed:{signature.pk}", by=by, application=application.pk, signature=signature.pk
    )
    return signature


def signatures_after_edit(*, application: Application, by: User | None, what: str) -> list[SignatureVoid]:
    """Inside an edit's transaction: void the signatures the edit made stale, and tell their signatories.

    An edit that leaves the content as it was (saving a section unchanged) voids nothing.
    """
    live = list(Signature.objects.filter(application=application, void__isnull=True).select_related("signatory"))
    if not live:
        return []
    sha256 = current_sha256(application)
    stale = [signature for signature in live if signature.content_sha256 != sha256]
    if not stale:
        return []
    now = timezone.now()
    reason = _("Ansökan ändrades efter underskriften: %(what)s.") % {"what": what}
    voids = [SignatureVoid.objects.create(signature=s, voided_at=now, by=by, reason=reason) for s in stale]
    event_add(
        "signatures_voided",
        key=f"signatures_voided:{voids[0].pk}",
        by=by,
        application=application.pk,
        signatories=sorted({s.signatory_id for s in stale}),
        what=what,
    )
    return voids


# --- the PDF a signatory reads --------------------------------------------------------------------


def signing_pdf_filename(version: SigningVersion) -> str:
    return f"ansokan-{version.application_id}-for-underskrift-version-{version.number}.pdf"


def signing_pdf_store(version_id: int) -> SigningPdf:
    """Render and store the PDF of one version for signing, once (idempotent, like the sent application's)."""
    from .documents import TEMPLATE, sent_sections

    with transaction.atomic():
        SigningVersion.objects.select_for_update().filter(pk=version_id).values_list("pk", flat=True).get()
        existing = SigningPdf.objects.filter(version_id=version_id).first()
        if existing is not None:
            return existing
        version = SigningVersion.objects.select_related(
            "application__call__partnership", "application__working_group"
        ).get(pk=version_id)
        logger.info("Ansökan som PDF för underskrift, version %s, renderas", version_id)
        with translation.override(settings.LANGUAGE_CODE):
            rendered = pdf.render_pdf(
                TEMPLATE,
                {
                    "application": version.application,
                    "signing_version": version,
                    "reference_number": version.application.reference_number or "",
                    "sections": sent_sections(version.data),
                },
            )
        filename = signing_pdf_filename(version)
        document = SigningPdf(version=version, filename=filename, sha256=rendered.sha256, size=len(rendered.content))
        document.pdf.save(filename, rendered.as_file(filename), save=False)
        try:
            document.save()
        except Exception:
            document.pdf.delete(save=False)
            raise
    return document


def store_signing_pdf(message: OutboxMessage) -> None:
    """The outbox's work of kind SIGNING_PDF."""
    try:
        signing_pdf_store(message.payload["version"])
    except SigningVersion.DoesNotExist as gone:
        raise PermanentFailure(str(gone)) from gone
