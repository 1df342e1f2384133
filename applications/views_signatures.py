"""Pages for the principals' signatures: the group names who signs and asks for signatures; the
person named reads the version and signs. Rules decide who may; ``signatures`` records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.models import Principal
from simportal import accounts
from simportal.downloads import stored_pdf

from . import forms, selectors, signatures
from .signature_methods import SigningFailed, signing_method


def _forms(application, data=None, principal: str | None = None) -> dict[str, forms.SignatoryForm]:
    return {
        p: forms.SignatoryForm(
            data if p == principal else None, prefix=p, organisations=signatures.organisations_for(application, p)
        )
        for p in signatures.PRINCIPALS
    }


@require_http_methods(["GET", "POST"])
def signatures_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's page: who signs for each principal, whether their signature counts now, and
    the forms to name someone (or someone else)."""
    application = selectors.get_application_for_user(request.user, pk)
    can_name = request.user.has_perm("applications.name_signatory", application)
    if request.method == "POST" and not can_name:
        raise PermissionDenied
    # A post that names no principal's form (not one the page sends) shows the page as it is.
    principal = request.POST.get("principal") if request.method == "POST" else None
    if principal not in signatures.PRINCIPALS:
        principal = None
    named_forms = _forms(application, request.POST if principal else None, principal)
    if principal is not None:
        form = named_forms[principal]
        if form.is_valid():
            nominee = signatures.Nominee(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                title=form.cleaned_data["title"],
                organisation=form.cleaned_data["organisation"],
            )
            try:
                named = signatures.signatory_name(
                    application=application, principal=principal, nominee=nominee, by=request.user
                )
            except ValidationError as refused:
                if hasattr(refused, "error_dict"):
                    for field, errors in refused.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, refused)
            else:
                if named.new_account:
                    accounts.invitation_send(person=named.signatory.person, by=request.user, request=request)
                messages.success(
                    request,
                    _("%(name)s är utsedd att skriva under för %(principal)s och har fått ett e-postmeddelande.")
                    % {
                        "name": named.signatory.person.get_full_name() or named.signatory.person.email,
                        "principal": signatures.principal_label(principal).lower(),
                    },
                )
                return redirect("applications:signatures", application.pk)
    states = signatures.signing_state(application)
    context = {
        "application": application,
        "states": [(state, named_forms[state.principal]) for state in states],
        "can_name": can_name,
        "open_form": principal,
        "all_signed": all(state.signed for state in states),
        "asks_again": can_name and any(state.signatory and not state.signed for state in states),
        "versions": selectors.signing_versions(application),
        "region": Principal.REGION,
    }
    return render(request, "applications/signatures.html", context)


@require_POST
def signatures_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the signatories again, for the application as it reads now."""
    application = selectors.get_application_for_user(request.user, pk)
    asked = signatures.signatures_request(application=application, by=request.user)
    if asked:
        messages.success(
            request,
            _("Vi har bett %(names)s att skriva under ansökan som den ser ut nu.")
            % {"names": ", ".join(s.person.get_full_name() or s.person.email for s in asked)},
        )
    else:
        messages.info(request, _("Alla utsedda har redan skrivit under ansökan som den ser ut nu."))
    return redirect("applications:signatures", application.pk)


@require_http_methods(["GET", "POST"])
def signing_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The signatory's page: the version to read, and the signature."""
    signatory = selectors.get_signatory_for_user(request.user, pk)
    application = signatory.application
    may_sign = request.user.has_perm("applications.sign_application", signatory)
    sha256 = signatures.current_sha256(application)
    version = signatures.version_for_content(application, sha256)
    signed = signatures.valid_signatures(application, sha256).get(signatory.principal)
    signed = signed if signed is not None and signed.signatory_id == signatory.pk else None
    method = signing_method()
    form = method.form(request, request.POST if request.method == "POST" else None)
    refusal = ""
    if request.method == "POST":
        if not may_sign or version is None or signed is not None:
            raise PermissionDenied
        if str(version.pk) != request.POST.get("version"):
            refusal = _("Ansökan har ändrats sedan du öppnade sidan. Läs den nya versionen innan du skriver under.")
        elif form.is_valid():
            try:
                confirmation = method.confirm(request, form)
                signatures.signature_add(
                    signatory=signatory, version=version, by=request.user, confirmation=confirmation
                )
            except SigningFailed as failed:
                form.add_error(failed.field, str(failed.message))
            except signatures.SigningRefused as refused:
                refusal = refused.message
            else:
                messages.success(request, _("Tack! Din underskrift är registrerad."))
                return redirect("applications:signing", signatory.pk)
    stored = getattr(version, "pdf", None) if version is not None else None
    context = {
        "signatory": signatory,
        "application": application,
        "may_sign": may_sign,
        "version": version,
        "stored_pdf": stored,
        "signed": signed,
        "form": form,
        "method": method,
        "refusal": refusal,
    }
    return render(request, "applications/signing.html", context)


@require_safe
def signing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A version for signing as PDF; while it is being rendered, a page that says so (202)."""
    version, document = selectors.get_signing_pdf_for_user(request.user, pk)
    if document is None:
        pending = render(request, "applications/pdf_pending.html", {"application": version.application}, status=202)
        pending["Retry-After"] = "10"
        return pending
    return stored_pdf(document.pdf, filename=document.filename, sha256=document.sha256, as_attachment=False)
