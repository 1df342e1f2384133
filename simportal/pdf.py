"""PDF documents of the portal (the steering group's minutes, later RUN's decision letters).

Rendered offline with WeasyPrint from a Django template. Every stylesheet, font and
image a document asks for goes through ``StaticOnlyFetcher``: it reads the project's
own static files from disk and refuses everything else (``http(s)://`` anywhere,
``file://`` outside the static folders, ``data:``, …). A refused resource is logged and
left out; the document still renders. So text a person typed can never make the
server fetch a URL or read a file into a PDF, even if a template forgot to escape it.

Documents are PDF/A-3b (fonts embedded, an sRGB output intent) when WeasyPrint manages
it, and a plain PDF otherwise; ``RenderedPdf.variant`` says which.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from .text import without_bidi_controls

logger = logging.getLogger(__name__)
# WeasyPrint reports every step of every render at INFO; a worker's log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The base URL documents are rendered against. ``.invalid`` never resolves (RFC 2606):
# it only gives ``{% static %}`` paths an origin the fetcher recognises as its own.
PDF_ORIGIN = "https://pdf.simportal.invalid"
PDF_VARIANT = "pdf/a-3b"


class ResourceRefused(ValueError):
    """A document asked for something that is not one of the project's static files.

    WeasyPrint treats any ``Exception`` from the fetcher as a failed resource: it logs
    a warning and renders on without it.
    """


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str
    variant: str | None = None
    tagged: bool = False
    seconds: float = 0.0
    served_urls: tuple[str, ...] = ()
    refused_urls: tuple[str, ...] = ()

    def as_file(self, name: str) -> ContentFile[bytes]:
        """The PDF as a file for a ``FileField``: ``minutes.pdf.save(name, rendered.as_file(name))``."""
        return ContentFile(self.content, name=name)


def static_roots() -> list[Path]:
    """The folders the project's static files live in: what the finders search, and STATIC_ROOT."""
    roots: list[Path] = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots if root.exists()]


@dataclass
class StaticOnlyFetcher:
    """WeasyPrint's URL fetcher for the portal: the project's static files, nothing else."""

    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # WeasyPrint reads this attribute of its fetchers: a refusal must not stop the render.
    _fail_on_errors: bool = False

    def __call__(self, url: str) -> Any:
        return self.fetch(url)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        try:
            path = self.resolve(url)
        except ResourceRefused as refusal:
            self.refused.append(url)
            logger.warning("PDF: hämtar inte %s: %s", url[:200], refusal)
            raise
        self.served.append(url)
        content_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type or "application/octet-stream"}
        )

    def resolve(self, url: str) -> Path:
        """The file on disk behind ``url``, or ``ResourceRefused``."""
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise ResourceRefused("ogiltig adress") from error
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in {"", "localhost"}:
                raise ResourceRefused("filer på andra datorer hämtas inte")
            return self._inside_static_roots(Path(url2pathname(parts.path)))
        name = self._static_name(url)
        if name is None:
            raise ResourceRefused("bara portalens egna statiska filer används i PDF-dokument")
        return self._inside_static_roots(self._find(name))

    @staticmethod
    def _static_name(url: str) -> str | None:
        """``css/x.css`` for ``https://pdf.simportal.invalid/static/css/x.css`` (or an absolute STATIC_URL)."""
        static_url = settings.STATIC_URL or "/static/"
        prefixes = [PDF_ORIGIN + urlsplit(static_url).path]
        if urlsplit(static_url).scheme:
            prefixes.append(static_url)
        for prefix in prefixes:
            if url.startswith(prefix):
                name = unquote(urlsplit(url[len(prefix) :]).path)
                return name or None
        return None

    @staticmethod
    def _find(name: str) -> Path:
        try:
            found = finders.find(name)
            if not found and staticfiles_storage.exists(name):
                # With the manifest storage, {% static %} names the hashed copy in STATIC_ROOT.
                found = staticfiles_storage.path(name)
        except (SuspiciousFileOperation, NotImplementedError, ValueError) as error:
            raise ResourceRefused("ingen statisk fil") from error
        if not found:
            raise ResourceRefused("ingen statisk fil med det namnet")
        return Path(found if isinstance(found, str) else found[0])

    @staticmethod
    def _inside_static_roots(path: Path) -> Path:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError) as error:
            raise ResourceRefused("filen finns inte") from error
        if not any(real.is_relative_to(root) for root in static_roots()):
            raise ResourceRefused("filen ligger utanför portalens statiska filer")
        if not real.is_file():
            raise ResourceRefused("inte en fil")
        return real


def html_to_pdf(html: str, *, variant: str | None = PDF_VARIANT) -> RenderedPdf:
    """Render an HTML document to PDF, offline, with only the project's static files."""
    from weasyprint import HTML

    started = time.perf_counter()
    fetcher = StaticOnlyFetcher()
    # Direction controls in typed text could make a record read differently from what it says.
    html = without_bidi_controls(html)
    document = HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=fetcher)
    # Tagged (structure for screen readers) and archival if possible; the archival variant
    # and the tags are niceties, the document itself is not.
    attempts: list[tuple[str | None, bool]] = [(variant, True), (variant, False)] if variant else []
    attempts.append((None, False))
    for used_variant, tagged in attempts:
        fetcher.served.clear()  # each attempt fetches again; report the one that counts
        fetcher.refused.clear()
        try:
            content = document.write_pdf(pdf_variant=used_variant, pdf_tags=tagged)
        except Exception:
            if used_variant is None and not tagged:
                raise
            logger.exception("PDF: %s%s misslyckades, försöker enklare", used_variant, " med taggar" if tagged else "")
        else:
            break
    assert content is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return RenderedPdf(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        variant=used_variant,
        tagged=tagged,
        seconds=time.perf_counter() - started,
        served_urls=tuple(fetcher.served),
        refused_urls=tuple(fetcher.refused),
    )


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, language: str = "sv", variant: str | None = PDF_VARIANT
) -> RenderedPdf:
    """Render a template (extending ``pdf/base.html``) to PDF in ``language`` (official documents: Swedish)."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html, variant=variant)
