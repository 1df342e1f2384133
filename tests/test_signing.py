"""The portal's PAdES signature (``simportal/signing.py``): a signed PDF validates with pyHanko
against the portal's certificate, a changed byte in the signed range is detected, the PDF/A
document stays as rendered under the signature, and the certificate comes from the settings
(or, in development and tests, a self-signed one made once and reused)."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import pem, x509
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from simportal import pdf, signing


def trusted_certificate(path=None) -> x509.Certificate:
    cert_path = path or signing.certificate_files()[0]
    _type, _headers, der = pem.unarmor(cert_path.read_bytes())
    return x509.Certificate.load(der)


def signature_status(content: bytes, certificate: x509.Certificate | None = None):
    """pyHanko's verdict on the document's only signature, trusting the portal's certificate."""
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[certificate or trusted_certificate()])
    # pyHanko runs its own event loop: in a thread of its own, also after a browser test left one running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, embedded, context).result()


@pytest.fixture(scope="module")
def archival() -> pdf.RenderedPdf:
    return pdf.html_to_pdf("<!doctype html><html lang='sv'><title>Prov</title><p>Beslut om bidrag.</p></html>")


@pytest.fixture(scope="module")
def rendered(archival) -> bytes:
    return archival.content


@pytest.fixture(scope="module")
def signed(rendered) -> bytes:
    return signing.sign_pdf(rendered, reason="Prov")


def test_it_signs_so_that_the_signature_validates_against_the_portals_certificate(signed):
    status = signature_status(signed)

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == signing.DEVELOPMENT_SUBJECT


def test_it_signs_as_an_incremental_update_so_the_pdfa_document_stays_as_rendered(archival, signed):
    assert archival.variant == "pdf/a-3b"
    assert signed.startswith(archival.content)  # the archival document, byte for byte, under the signature


def test_it_detects_a_changed_byte_in_the_signed_range(signed):
    tampered = bytearray(signed)
    position = signed.index(b"%PDF-") + 10  # the binary comment on the second line: parsing is unaffected
    tampered[position] ^= 0x01

    status = signature_status(bytes(tampered))

    assert not status.intact
    assert not status.bottom_line


def test_it_does_not_trust_another_certificate(signed, tmp_path):
    stranger_cert, _key = signing._development_pair(tmp_path / "stranger")

    status = signature_status(signed, trusted_certificate(stranger_cert))

    assert status.intact
    assert not status.trusted


def test_it_makes_the_development_certificate_once_and_reuses_it(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = signing.certificate_files()
    content = first[0].read_bytes()

    again = signing.certificate_files()

    assert again == first
    assert again[0].read_bytes() == content
    assert first[0].parent == tmp_path / "signing"
    assert first[1].stat().st_mode & 0o077 == 0  # the key is readable by its owner only


def test_it_signs_with_the_configured_certificate(settings, tmp_path, rendered):
    cert_path, key_path = signing._development_pair(tmp_path / "production")
    settings.SIMPORTAL_SIGNING_CERT = str(cert_path)
    settings.SIMPORTAL_SIGNING_KEY = str(key_path)

    status = signature_status(signing.sign_pdf(rendered, reason="Prov"), trusted_certificate(cert_path))

    assert status.bottom_line
    assert status.signing_cert.dump() == trusted_certificate(cert_path).dump()


def test_it_refuses_half_a_configuration(settings, tmp_path, rendered):
    settings.SIMPORTAL_SIGNING_CERT = str(tmp_path / "cert.pem")
    settings.SIMPORTAL_SIGNING_KEY = None

    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(rendered, reason="Prov")


def test_it_refuses_to_make_a_self_signed_certificate_where_it_is_not_allowed(settings, rendered):
    settings.SIMPORTAL_SIGNING_CERT = settings.SIMPORTAL_SIGNING_KEY = None
    settings.SIMPORTAL_SIGNING_SELF_SIGNED_ALLOWED = False

    with pytest.raises(ImproperlyConfigured, match="SIMPORTAL_SIGNING_CERT"):
        signing.sign_pdf(rendered, reason="Prov")
