"""The portal's PDF machinery: offline, only the project's own static files, Swedish text intact."""

import hashlib
import io
import socket
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation
from pypdf import PdfReader

from simportal import pdf
from simportal.pdf import PDF_ORIGIN, ResourceRefused, StaticOnlyFetcher, html_to_pdf

PASSWD_MARKERS = ("root:", "/bin/bash", "/usr/sbin/nologin", "daemon:")

# What a person might type into a free-text field to make the server fetch or read something.
HOSTILE_TEXT = (
    '<img src="http://example.com/x.png" alt="">'
    '<img src="file:///etc/passwd" alt="">'
    '<link rel="attachment" href="file:///etc/passwd">'
    '<link rel="stylesheet" href="https://example.com/evil.css">'
    '<span style="background: url(file:///etc/passwd)">x</span>'
    '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3C/svg%3E" alt="">'
)


def document(body: str) -> str:
    return (
        engines["django"]
        .from_string(
            '{% load static %}<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Protokoll</title>'
            '<link rel="stylesheet" href="{% static \'pdf/document.css\' %}"></head><body>'
            "<h1>Styrgruppens protokoll</h1><p>{{ text }}</p><div>{{ raw|safe }}</div></body></html>"
        )
        .render({"text": body, "raw": ""})
    )


def unescaped_document(body: str) -> str:
    """As if a template had forgotten to escape user text (``|safe``): the fetcher is the last guard."""
    return (
        engines["django"]
        .from_string(
            '{% load static %}<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Protokoll</title>'
            '<link rel="stylesheet" href="{% static \'pdf/document.css\' %}"></head><body>'
            "<h1>Styrgruppens protokoll</h1><div>{{ raw|safe }}</div></body></html>"
        )
        .render({"raw": body})
    )


def text_of(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 - poppler's pdftotext on our own file
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything tries to open a network connection."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network access in a PDF test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    return attempts


def test_it_keeps_swedish_letters_through_pdftotext(tmp_path):
    rendered = html_to_pdf(document("Räksmörgås i Åmål, Färgelanda och Vänersborg – 1 234 567 kr"))

    text = text_of(rendered.content, tmp_path)
    assert "Räksmörgås i Åmål, Färgelanda och Vänersborg – 1 234 567 kr" in text
    assert "Styrgruppens protokoll" in text


def test_it_returns_the_bytes_and_their_sha256():
    rendered = html_to_pdf(document("Hej"))

    assert rendered.content.startswith(b"%PDF-")
    assert rendered.sha256 == hashlib.sha256(rendered.content).hexdigest()


def test_it_uses_the_projects_own_stylesheet_and_embeds_its_fonts():
    rendered = html_to_pdf(document("Åäö"))

    assert rendered.served_urls[0] == f"{PDF_ORIGIN}/static/pdf/document.css"
    assert f"{PDF_ORIGIN}/static/pdf/fonts/LiberationSans-Regular.ttf" in rendered.served_urls
    assert rendered.refused_urls == ()


def test_it_embeds_the_fonts(tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(html_to_pdf(document("Åäö")).content)

    fonts = subprocess.run(  # noqa: S603 - poppler's pdffonts on our own file
        ["/usr/bin/pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(" yes yes " in line for line in fonts), fonts
    assert any("Liberation-Sans" in line for line in fonts), fonts


def test_it_is_pdf_a_when_weasyprint_manages_it():
    rendered = html_to_pdf(document("Åäö"))

    assert rendered.variant == "pdf/a-3b"
    assert rendered.tagged
    root = PdfReader(io.BytesIO(rendered.content)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp
    assert b'pdfaid:conformance="B"' in xmp
    assert root["/OutputIntents"]  # the sRGB profile PDF/A asks for
    assert root["/MarkInfo"]["/Marked"]  # tagged: a structure screen readers can follow


def test_escaped_user_text_stays_text_and_fetches_nothing(tmp_path, no_network):
    rendered = html_to_pdf(document(HOSTILE_TEXT))

    assert rendered.refused_urls == ()
    assert no_network == []
    assert 'img src="http://example.com/x.png"' in text_of(rendered.content, tmp_path)


def test_it_refuses_urls_and_files_in_unescaped_user_text_and_still_renders(tmp_path, no_network, caplog):
    rendered = html_to_pdf(unescaped_document(HOSTILE_TEXT + "<p>Åäö efter försöken</p>"))

    assert rendered.content.startswith(b"%PDF-")
    assert set(rendered.refused_urls) == {
        "http://example.com/x.png",
        "file:///etc/passwd",
        "https://example.com/evil.css",
        "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3C/svg%3E",
    }
    assert no_network == []
    text = text_of(rendered.content, tmp_path)
    assert "Åäö efter försöken" in text
    assert not any(marker in text for marker in PASSWD_MARKERS)
    reader = PdfReader(io.BytesIO(rendered.content))
    assert not reader.attachments  # /etc/passwd was not embedded as a file either
    assert not any(marker.encode() in rendered.content for marker in PASSWD_MARKERS)
    assert "PDF: hämtar inte http://example.com/x.png" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/pdf/document.css",
        "https://pdf.simportal.invalid.example.com/static/pdf/document.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file://otherhost/work/static/pdf/document.css",
        "data:text/plain,hej",
        f"{PDF_ORIGIN}/static/../../../../etc/passwd",
        f"{PDF_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{PDF_ORIGIN}/media/minutes/x.pdf",
        f"{PDF_ORIGIN}/static/pdf/does-not-exist.css",
        f"{PDF_ORIGIN}/static/pdf/",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_refuses_a_file_url_that_climbs_out_of_the_static_folder():
    static = Path(settings.STATICFILES_DIRS[0])

    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(f"file://{static}/../pyproject.toml")


def test_the_fetcher_serves_static_files_by_url_and_by_path():
    css = Path(settings.STATICFILES_DIRS[0]) / "pdf" / "document.css"
    fetcher = StaticOnlyFetcher()

    by_url = fetcher.fetch(f"{PDF_ORIGIN}/static/pdf/document.css")
    by_path = fetcher.fetch(css.as_uri())

    assert by_url.read() == by_path.read() == css.read_bytes()
    assert by_url.content_type == "text/css"
    font = fetcher.fetch(f"{PDF_ORIGIN}/static/pdf/fonts/LiberationSans-Bold.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"


def test_it_falls_back_to_a_plain_pdf_when_the_archival_variant_fails(monkeypatch, caplog):
    import weasyprint

    real = weasyprint.HTML.write_pdf

    def fussy(self, *args, pdf_variant=None, pdf_tags=False, **kwargs):
        if pdf_variant or pdf_tags:
            raise ValueError("variant not possible")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", fussy)
    rendered = pdf.html_to_pdf(document("Åäö"))

    assert rendered.variant is None
    assert not rendered.tagged
    assert rendered.content.startswith(b"%PDF-")
    assert "pdf/a-3b med taggar misslyckades" in caplog.text


def test_render_pdf_renders_a_template_in_swedish_whatever_the_request_language():
    with translation.override("en"):
        rendered = pdf.render_pdf("pdf/base.html", {})

    reader = PdfReader(io.BytesIO(rendered.content))
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.metadata.author == "SIM-portalen"


def test_direction_controls_in_typed_text_cannot_make_a_number_read_backwards():
    typed = "SIM 2026/\u202e1234\u202c och \u2067100 000\u2069 kr"
    rendered = pdf.html_to_pdf(f"<p>Diarienummer {typed}</p>", variant=None)
    text = PdfReader(io.BytesIO(rendered.content)).pages[0].extract_text()
    assert "SIM 2026/1234 och 100 000 kr" in text  # "2026/4321" and "000 100" before
