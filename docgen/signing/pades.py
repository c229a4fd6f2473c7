"""PAdES signatures on issued documents, by the provider's authorised person.

A :class:`DocumentSigner` is built once per provider and reused: the key is
loaded and parsed once (pyHanko's ``SimpleSigner`` re-parses it for every
signature, the dominant cost), the signature placeholder has a reserved size
(no trial signature to measure it), and the visible appearance - the
signer's name and position in Kazakh and Russian - is drawn once with the
documents' own font and imported into each signed PDF.

Levels: PAdES B-B always; B-T when a timestamp authority is given; the
CRL of the signer's chain is embedded (B-LT-style validation data) when a
validation context with revocation information is given.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from docgen.errors import SigningFailed, SigningKeyError

__all__ = ["SIGNATURE_BOX", "DocumentSigner", "SignerIdentity", "load_signer"]


class _OfflineRevocationNotice(logging.Filter):
    """pyHanko warns when revocation data is embedded without network fetching;
    here that is the design (the CRL comes from the PKI folder), not a problem."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


_NOTICE = _OfflineRevocationNotice()

#: Where the visible signature goes: the bottom margin of the last page, left
#: of the page counter, in PDF points (A4 is 595 x 842).
SIGNATURE_BOX = (57, 6, 327, 46)
FIELD_NAME = "DocgenSignature"
BYTES_RESERVED = 16 * 1024


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs, as their certificate names them."""

    name: str
    position: str
    organization: str
    serial: str
    valid_until: str

    @classmethod
    def of(cls, certificate: x509.Certificate) -> SignerIdentity:
        def first(oid: x509.ObjectIdentifier) -> str:
            values = certificate.subject.get_attributes_for_oid(oid)
            return str(values[0].value) if values else ""

        return cls(
            name=first(NameOID.COMMON_NAME),
            position=first(NameOID.TITLE),
            # the full name (description) when O holds the abbreviation RFC 5280's bound requires
            organization=first(x509.ObjectIdentifier("2.5.4.13")) or first(NameOID.ORGANIZATION_NAME),
            serial=format(certificate.serial_number, "X"),
            valid_until=certificate.not_valid_after_utc.date().isoformat(),
        )


class _LoadedKeySigner(signers.SimpleSigner):
    """``SimpleSigner`` that keeps the parsed RSA key instead of re-parsing it per signature."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        self._key = key if isinstance(key, RSAPrivateKey) else None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if self._key is None or mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)  # type: ignore[no-any-return]
        return self._key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def load_signer(path: Path, password: bytes) -> signers.SimpleSigner:
    """The signer in a PKCS#12 file, or :class:`SigningKeyError`."""
    try:
        data = Path(path).read_bytes()
        key, certificate, others = serialization.pkcs12.load_key_and_certificates(data, password)
    except FileNotFoundError as error:
        raise SigningKeyError(path=str(path), detail="no such file") from error
    except (ValueError, TypeError) as error:
        raise SigningKeyError(path=str(path), detail="wrong password or not a PKCS#12 file") from error
    if key is None or certificate is None:
        raise SigningKeyError(path=str(path), detail="no key or certificate inside")
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_info = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return _LoadedKeySigner(
        signing_key=key_info,
        signing_cert=asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs([asn1(cert) for cert in others]),
    )


class _ImportedStamp(content.PdfContent):
    """A stamp page imported from PDF bytes held in memory (drawn once)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self.pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf)), page_ix=0)
        self.resources.xobject["/DocgenStamp"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return b"/DocgenStamp Do"


class DocumentSigner:
    """Signs PDFs for one provider. Build once (see :func:`docgen.bootstrap`), sign many."""

    def __init__(
        self,
        signer: signers.SimpleSigner,
        *,
        stamp_pdf: bytes | None = None,
        timestamper: TimeStamper | None = None,
        validation_context: ValidationContext | None = None,
        box: tuple[int, int, int, int] = SIGNATURE_BOX,
    ) -> None:
        logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_NOTICE)  # idempotent
        self.signer = signer
        self.identity = SignerIdentity.of(
            x509.load_der_x509_certificate(signer.signing_cert.dump())  # type: ignore[union-attr]
        )
        self.timestamper = timestamper
        self.box = box
        self.metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            name=self.identity.name,
            reason="ЭЦҚ-мен қол қойылды / Подписано ЭЦП",
            embed_validation_info=validation_context is not None,
            validation_context=validation_context,
        )
        self.stamp_style = (
            StaticStampStyle(background=_ImportedStamp(stamp_pdf), border_width=0) if stamp_pdf else None
        )

    def sign(self, pdf: bytes) -> bytes:
        """``pdf`` with a PAdES signature (visible on its last page when a stamp was given)."""
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            last_page = int(writer.root["/Pages"]["/Count"]) - 1
            field = (
                fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=self.box)
                if self.stamp_style
                else fields.SigFieldSpec(FIELD_NAME)
            )
            pdf_signer = signers.PdfSigner(
                self.metadata,
                signer=self.signer,
                timestamper=self.timestamper,
                stamp_style=self.stamp_style,
                new_field_spec=field,
            )
            output = io.BytesIO()
            pdf_signer.sign_pdf(writer, output=output, bytes_reserved=self._reserve())
            return output.getvalue()
        except SigningFailed:
            raise
        except Exception as error:
            raise SigningFailed(detail=f"{type(error).__name__}: {error}") from error

    def _reserve(self) -> int:
        # Revocation data and a timestamp token need room of their own.
        extra = (8 * 1024 if self.metadata.embed_validation_info else 0) + (
            8 * 1024 if self.timestamper else 0
        )
        return BYTES_RESERVED + extra
