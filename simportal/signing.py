"""The portal's digital signature (PAdES) on the documents it issues: decision letters and
approved minutes.

``sign_pdf`` adds one signature to a rendered PDF as an incremental update, so the PDF/A
document itself stays byte for byte as WeasyPrint wrote it and any PDF reader can show that
nothing has changed since the portal issued it.

The certificate and its key are files named by the settings ``SIMPORTAL_SIGNING_CERT`` and
``SIMPORTAL_SIGNING_KEY`` (PEM), the key's password by the environment variable
``SIMPORTAL_SIGNING_KEY_PASSWORD``. When they are not set (development and tests) a
self-signed certificate is made once, with ``cryptography``, in ``var/signing/`` and reused;
such a signature proves that the document is unchanged, but not who issued it.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
import os
import tempfile
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEVELOPMENT_SUBJECT = "SIM-portalen (utveckling, självsignerat)"
SIGNATURE_FIELD = "SIM-portalen"


def certificate_files() -> tuple[Path, Path]:
    """The signing certificate and key in use: the configured ones, or the development pair
    (made now if it does not exist yet)."""
    cert = getattr(settings, "SIMPORTAL_SIGNING_CERT", None)
    key = getattr(settings, "SIMPORTAL_SIGNING_KEY", None)
    if cert and key:
        return Path(cert), Path(key)
    if cert or key:
        raise ImproperlyConfigured("Ange både SIMPORTAL_SIGNING_CERT och SIMPORTAL_SIGNING_KEY, eller ingen av dem.")
    if not getattr(settings, "SIMPORTAL_SIGNING_SELF_SIGNED_ALLOWED", False):
        raise ImproperlyConfigured(
            "Inget signeringscertifikat är inställt. Ange SIMPORTAL_SIGNING_CERT och SIMPORTAL_SIGNING_KEY "
            "(se README, Configuration)."
        )
    return _development_pair(Path(settings.VAR_DIR) / "signing")


def _write_private(path: Path, content: bytes) -> None:
    """Write ``content`` so that the file appears whole or not at all, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _development_pair(folder: Path) -> tuple[Path, Path]:
    cert_path, key_path = folder / "development-cert.pem", folder / "development-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    logger.warning("Signering: inget certifikat är inställt; skapar ett självsignerat i %s", folder)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SIM-portalen"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_SUBJECT),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: what a document signature asserts
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


@lru_cache(maxsize=4)
def _signer(cert_path: str, key_path: str, password: str | None):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(key_path, cert_path, key_passphrase=password.encode() if password else None)
    if signer is None:
        raise ImproperlyConfigured(
            f"Signeringscertifikatet {cert_path} eller nyckeln {key_path} kunde inte läsas. "
            "Kontrollera filerna och SIMPORTAL_SIGNING_KEY_PASSWORD."
        )
    return signer


def sign_pdf(content: bytes, *, reason: str, location: str = "") -> bytes:
    """``content`` with the portal's PAdES signature (B-B level) added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    cert_path, key_path = certificate_files()
    signer = _signer(str(cert_path), str(key_path), os.environ.get("SIMPORTAL_SIGNING_KEY_PASSWORD") or None)
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    signed = _run_coroutine(lambda: signers.async_sign_pdf(writer, metadata, signer=signer))
    return signed.getvalue()


def _run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyHanko's coroutine to its end, also from a thread that already runs an event loop
    (where ``asyncio.run`` refuses): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
