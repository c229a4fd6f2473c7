"""Checking the signatures of a signed PDF with pyHanko's validator.

The verdict is pyHanko's overall one (``bottom_line``: intact, valid,
trusted, and no disallowed changes after signing), never ``valid`` or
``intact`` alone. Changes made after a signature by incremental updates are
judged by pyHanko's difference analysis; anything beyond what the signature
allows (for example new page content, including tricks with hybrid
cross-reference sections, which the strict reader refuses) is reported as
modified.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from docgen.signing.trust import validation_context

__all__ = ["PdfVerification", "SignatureReport", "verify_pdf"]

_ALLOWED_AFTER_SIGNING = ("NONE", "LTA_UPDATES")


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF, as a person checking it wants to know it."""

    field: str
    signer: str
    signed_at: str | None
    intact: bool
    trusted: bool
    revoked: bool
    modified: bool
    timestamped: bool
    ok: bool
    summary: str


@dataclass(frozen=True)
class PdfVerification:
    """All signatures of a PDF and, for documents this system issued, the hash check."""

    signatures: tuple[SignatureReport, ...]
    sha256: str
    sha256_matches: bool | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True only when there are signatures and every one is intact, trusted and unmodified."""
        return (
            self.problem is None
            and bool(self.signatures)
            and all(item.ok for item in self.signatures)
            and self.sha256_matches is not False
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"ok": self.ok}


def _report(field: str, status: PdfSignatureStatus) -> SignatureReport:
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    modified = (
        not status.intact
        or not status.docmdp_ok
        or (
            (status.coverage is None or status.coverage.name != "ENTIRE_FILE")
            and level not in _ALLOWED_AFTER_SIGNING
        )
    )
    signed_at = status.signer_reported_dt or (
        status.timestamp_validity.timestamp if status.timestamp_validity else None
    )
    subject = status.signing_cert.subject.native
    return SignatureReport(
        field=field,
        signer=str(subject.get("common_name", status.signing_cert.subject.human_friendly)),
        signed_at=signed_at.isoformat() if signed_at else None,
        intact=status.intact,
        trusted=status.trusted,
        revoked=bool(status.revoked),
        modified=modified,
        timestamped=status.timestamp_validity is not None,
        ok=bool(status.bottom_line) and not modified,
        summary=status.summary(),
    )


def verify_pdf(
    pdf: bytes,
    pki_dir: Path | None = None,
    *,
    context: ValidationContext | None = None,
    expected_sha256: str | None = None,
) -> PdfVerification:
    """Validate every signature of ``pdf`` against the PKI's roots and CRL."""
    digest = hashlib.sha256(pdf).hexdigest()
    matches = None if expected_sha256 is None else digest == expected_sha256.lower()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError) as error:
        return PdfVerification((), digest, matches, problem=f"unreadable PDF: {error}")
    reports = []
    for signature in embedded:
        vc = context or validation_context(pki_dir or Path("."))
        try:
            status = validate_pdf_signature(signature, signer_validation_context=vc)
        except (SignatureValidationError, PdfReadError, ValueError) as error:
            reports.append(
                SignatureReport(
                    signature.field_name,
                    "?",
                    None,
                    False,
                    False,
                    False,
                    True,
                    False,
                    False,
                    f"validation failed: {error}",
                )
            )
            continue
        reports.append(_report(signature.field_name, status))
    return PdfVerification(tuple(reports), digest, matches)
