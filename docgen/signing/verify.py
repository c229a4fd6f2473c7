"""Checking the signatures of a signed PDF with pyHanko's validator.

The verdict is pyHanko's overall one (``bottom_line``: intact, valid,
trusted, and no disallowed changes after signing), never ``valid`` or
``intact`` alone. Changes made after a signature by incremental updates are
judged by pyHanko's difference analysis; anything beyond what the signature
allows (for example new page content, including tricks with hybrid
cross-reference sections, which the strict reader refuses) is reported as
modified. Two things pyHanko lets pass are reported as modified here too:
bytes after the last revision's ``%%EOF`` (or between revisions after the
signed one) other than a line ending, and a later change of the document
information dictionary (``/Info``) beyond its ``/ModDate`` and ``/Producer``
(which pyHanko's own DSS update writes).

A chain to the trusted root is not enough: when the PKI folder holds the
signers' register (:mod:`docgen.signing.signers`), the signing certificate
must be a registered official's, within the registered period, and of the
expected provider when one is given; otherwise the reason is
``unauthorized-signer``.

Trust and integrity are reported apart: ``trusted`` says whether the signing
certificate's chain (with revocation information) validated, whatever the
signed bytes; ``intact`` whether the signed bytes are unchanged. Every failed
signature names its reasons (:data:`REASONS`), from pyHanko's status
(``intact``, ``trust_problem_indic``, ``revocation_details``) and, for the
failures pyHanko folds into a general chain failure (no revocation
information, a certificate not yet valid), from the error of validating the
chain again with the same context.

When: a signature with a timestamp whose token validates is judged at the time
the timestamp proves (``validation_time_source`` ``signature-timestamp``), with
the validation data embedded in the document (its DSS, in the signed revision
or a later one) and the PKI folder's current CRL, each revocation counted from
its revocation date (certvalidator's point-in-time validation with
retroactive revocation information). So a signature made before its signer
left office (``affiliation-changed``, ``superseded``, ``cessation-of-operation``)
stays valid after the revocation, and one made after a key compromise (the
CRL entry's revocation date, or its InvalidityDate when earlier) is
``revoked``; an expired certificate does not matter when it was valid at the
timestamp, and no current CRL or network is needed. The timestamp's own chain
is checked now - or, when document timestamps (B-LTA, ``docgen
archive-timestamp``) cover it, at the time the newest trusted one proves, each
document timestamp checked at the time of the next. A signature without a
timestamp, or whose timestamp does not validate, is judged now.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InsufficientRevinfoError, NotYetValidError

from docgen.errors import UnauthorizedSigner
from docgen.signing.signers import SignersRegister, load_register
from docgen.signing.trust import load_crls, validation_context

__all__ = [
    "DOCUMENT_REASONS",
    "NO_REGISTER",
    "REASONS",
    "VALIDATION_TIME_SOURCES",
    "PdfVerification",
    "SignatureReport",
    "TimestampReport",
    "verify_pdf",
]

_ALLOWED_AFTER_SIGNING = ("NONE", "LTA_UPDATES")
#: Keys of ``/Info`` an incremental update after signing may change (pyHanko's writer sets them).
_INFO_MAY_CHANGE = frozenset({"/ModDate", "/Producer"})

NO_REGISTER = "signer authority not checked: no signers register"

#: The reasons a signature is not OK, in the order they are reported.
REASONS = {
    "invalid": "the signature could not be validated",
    "not-intact": "the signed bytes were changed",
    "untrusted": "no valid chain to a trusted root",
    "expired": "a certificate of the chain had expired at the validation time",
    "not-yet-valid": "a certificate of the chain was not yet valid at the validation time",
    "revoked": "the signing certificate is on the CRL",
    "revocation-unknown": "no usable revocation information: the CRL is missing, unreadable or stale",
    "modified": "the document was changed after signing",
    "unauthorized-signer": "the signer is not a registered signing official (of this provider)",
}

#: Reasons of the document as a whole (``PdfVerification.reasons``), besides its signatures'.
DOCUMENT_REASONS = {
    "unreadable": "the file is not a readable PDF",
    "unsigned": "the document has no signature",
    "sha256-mismatch": "the file's SHA-256 differs from the one stored when the document was issued",
    "timestamp-not-intact": "a document timestamp's signed bytes were changed",
}

#: Why a signature was judged at its ``validation_time`` (``SignatureReport.validation_time_source``).
VALIDATION_TIME_SOURCES = {
    "signature-timestamp": "the time of the signature's timestamp, whose token validated",
    "now": "the time of verification: the signature has no timestamp",
    "now-timestamp-not-valid": "the time of verification: the signature's timestamp did not validate",
    "context": "the moment of the validation context the caller gave",
}

_EXPIRED = frozenset(
    {
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    }
)
_REVOKED = frozenset({AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE})


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF, as a person checking it wants to know it."""

    field: str
    signer: str
    signed_at: str | None
    intact: bool
    trusted: bool
    """The certificate chain (and its revocation status) validated; says nothing about ``intact``."""
    revoked: bool
    modified: bool
    timestamped: bool
    ok: bool
    summary: str
    authorized: bool | None = None
    """Whether the signer is a registered official (of the expected provider); ``None``: not checked."""
    provider: str | None = None
    """The provider the signing certificate is registered for, if any."""
    reasons: tuple[str, ...] = ()
    """Stable reason codes (:data:`REASONS`) why the signature is not OK; empty when it is."""
    message: str | None = None
    """The first reason in Kazakh and Russian, for ``unauthorized-signer``."""
    validation_time: str | None = None
    """The moment the certificate chain and its revocation were judged at (ISO 8601)."""
    validation_time_source: str | None = None
    """Why that moment (:data:`VALIDATION_TIME_SOURCES`)."""


@dataclass(frozen=True)
class TimestampReport:
    """One document timestamp (PAdES B-LTA) of a PDF."""

    field: str
    time: str | None
    """The time the timestamp proves."""
    intact: bool
    trusted: bool
    """The timestamp authority's chain validated at ``checked_at``."""
    checked_at: str | None
    """When the authority's chain was judged: now for the newest, the next timestamp's time before."""
    summary: str


@dataclass(frozen=True)
class PdfVerification:
    """All signatures of a PDF and, for documents this system issued, the hash check."""

    signatures: tuple[SignatureReport, ...]
    sha256: str
    sha256_matches: bool | None = None
    problem: str | None = None
    signer_authority: str | None = None
    """How the signers' authority was checked: ``None`` when it was, else why not (:data:`NO_REGISTER`)."""
    timestamps: tuple[TimestampReport, ...] = ()
    """The document timestamps (B-LTA), newest first."""

    @property
    def ok(self) -> bool:
        """True only when there are signatures and every one is intact, trusted, unmodified and (with
        a signers' register) by a registered official."""
        return (
            self.problem is None
            and bool(self.signatures)
            and all(item.ok for item in self.signatures)
            and self.sha256_matches is not False
            and all(item.intact for item in self.timestamps)
        )

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the document is not OK: the document's reasons (:data:`DOCUMENT_REASONS`), then each
        signature's (:data:`REASONS`) once; empty when it is OK."""
        found: list[str] = []
        if self.problem is not None:
            found.append("unreadable")
        elif not self.signatures:
            found.append("unsigned")
        if self.sha256_matches is False:
            found.append("sha256-mismatch")
        if any(not item.intact for item in self.timestamps):
            found.append("timestamp-not-intact")
        for item in self.signatures:
            found.extend(code for code in item.reasons if code not in found)
        return tuple(found)

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"ok": self.ok, "reasons": list(self.reasons)}


def _certificate(status: PdfSignatureStatus) -> x509.Certificate:
    return x509.load_der_x509_certificate(status.signing_cert.dump())


def _chain_error(status: PdfSignatureStatus, context: ValidationContext) -> Exception | None:
    """The error of validating the signer's chain again, for a failure pyHanko reports only as a
    general one (its status does not say that revocation information was missing)."""
    validator = CertificateValidator(status.signing_cert, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except Exception as error:  # any failure: the verdict stands, this only names it
        return error
    return None


def _chain_trusted(status: PdfSignatureStatus) -> bool:
    """The chain validated (with revocation information), whether or not the signed bytes are intact."""
    return status.valid and status.trust_problem_indic is None and status.validation_path is not None


def _trust_reasons(status: PdfSignatureStatus, context: ValidationContext) -> tuple[str, ...]:
    """Why the chain did not validate (empty when it did)."""
    if _chain_trusted(status):
        return ()
    indication = status.trust_problem_indic
    if status.revoked or indication in _REVOKED:
        return ("revoked",)
    if indication in _EXPIRED:
        return ("expired",)
    if indication is AdESIndeterminate.NOT_YET_VALID:
        return ("not-yet-valid",)
    if indication is AdESIndeterminate.TRY_LATER:
        return ("revocation-unknown",)
    if not status.valid:
        return ()  # the signature itself is broken: ``invalid`` or ``not-intact`` says it
    if indication is AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE:
        error = _chain_error(status, context)
        if isinstance(error, NotYetValidError):
            return ("not-yet-valid",)
        if isinstance(error, InsufficientRevinfoError):
            return ("revocation-unknown",)
    return ("untrusted",)


def _report(
    field: str,
    status: PdfSignatureStatus,
    *,
    context: ValidationContext,
    extra_changes: bool,
    register: SignersRegister | None,
    provider: str | None,
    when: dt.datetime | None = None,
    source: str | None = None,
    compromised: bool = False,
) -> SignatureReport:
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    modified = (
        extra_changes
        or not status.intact
        or not status.docmdp_ok
        or (
            (status.coverage is None or status.coverage.name != "ENTIRE_FILE")
            and level not in _ALLOWED_AFTER_SIGNING
        )
    )
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    signed_at = status.signer_reported_dt or timestamp
    subject = status.signing_cert.subject.native
    authorized: bool | None = None
    owner: str | None = None
    message: str | None = None
    if register is not None:
        moment = (
            when
            if source == "signature-timestamp" and when is not None
            else timestamp or status.signer_reported_dt or dt.datetime.now(dt.UTC)
        )
        owner, why_not = register.authority(_certificate(status), moment, provider)
        authorized = why_not is None
        if why_not is not None:
            message = UnauthorizedSigner(detail=why_not).message("kk+ru")
    reasons = tuple(
        code
        for code, failed in (
            ("not-intact", not status.intact),
            *((code, True) for code in _trust_reasons(status, context)),
            ("revoked", compromised and status.intact),
            ("modified", modified),
            ("unauthorized-signer", authorized is False),
        )
        if failed
    )
    reasons = tuple(dict.fromkeys(reasons))
    ok = bool(status.bottom_line) and not modified and authorized is not False and not compromised
    if not ok and not reasons:
        reasons = ("invalid",)
    return SignatureReport(
        field=field,
        signer=str(subject.get("common_name", status.signing_cert.subject.human_friendly)),
        signed_at=signed_at.isoformat() if signed_at else None,
        intact=status.intact,
        trusted=_chain_trusted(status),
        revoked=bool(status.revoked) or compromised,
        modified=modified,
        timestamped=status.timestamp_validity is not None,
        ok=ok,
        summary=status.summary(),
        authorized=authorized,
        provider=owner,
        reasons=reasons,
        message=message,
        validation_time=when.isoformat() if when else None,
        validation_time_source=source,
    )


def _stray_bytes(pdf: bytes, reader: PdfFileReader, after: int) -> bool:
    """Bytes no revision accounts for: after the last revision's ``%%EOF`` (beyond a line ending),
    or between the end of revision ``after`` and the start of any later one."""
    xrefs = reader.xrefs
    last = xrefs.total_revisions - 1
    for revision in range(after, last + 1):
        marker = pdf.find(b"%%EOF", xrefs.get_xref_container_info(revision).end_location)
        if marker < 0:
            return True
        end = marker + len(b"%%EOF")
        if revision == last:
            return pdf[end:].strip(b"\r\n") != b""
        starts = [xrefs.get_xref_container_info(revision + 1).start_location]
        for ref in xrefs.explicit_refs_in_revision(revision + 1):
            where = xrefs.get_historical_ref(ref, revision + 1)
            if isinstance(where, int):
                starts.append(where)
        if pdf[end : min(starts)].strip(b"\r\n") != b"":
            return True
    return False


def _info(reader: PdfFileReader, revision: int) -> dict[str, object] | None:
    resolver = reader.get_historical_resolver(revision)
    trailer = resolver.trailer_view
    if "/Info" not in trailer:
        return None
    info = resolver(trailer.raw_get("/Info"))  # the object as it was in that revision
    if not isinstance(info, generic.DictionaryObject):
        return {"": repr(info)}
    return {str(key): repr(value) for key, value in info.items() if key not in _INFO_MAY_CHANGE}


def _info_changed(reader: PdfFileReader, signed_revision: int) -> bool:
    """Did a revision after ``signed_revision`` change ``/Info`` beyond ``/ModDate`` and ``/Producer``?"""
    last = reader.xrefs.total_revisions - 1
    return last > signed_revision and _info(reader, signed_revision) != _info(reader, last)


def _dss(reader: PdfFileReader) -> tuple[list[asn1_crl.CertificateList], list[asn1_x509.Certificate]]:
    """The CRLs and certificates of the document security store as the last revision has it."""
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return [], []
    crls: list[asn1_crl.CertificateList] = []
    for ref in store.crls:
        try:
            crl = asn1_crl.CertificateList.load(ref.get_object().data)
            crl.native  # noqa: B018 - parse now: a damaged CRL counts as none
        except (ValueError, TypeError):
            continue
        crls.append(crl)
    return crls, list(store.load_certs())


def _compromised(
    status: PdfSignatureStatus, crls: list[asn1_crl.CertificateList], moment: dt.datetime
) -> bool:
    """Does a CRL of the signer's issuer say its key was compromised (InvalidityDate, else the
    revocation date) at or before ``moment``? certvalidator counts a revocation from its revocation
    date only; a CA may record an earlier compromise in the entry's InvalidityDate."""
    certificate = status.signing_cert
    for crl in crls:
        if crl.issuer != certificate.issuer:
            continue
        for entry in crl["tbs_cert_list"]["revoked_certificates"]:
            if entry["user_certificate"].native != certificate.serial_number:
                continue
            reason = entry.crl_reason_value
            if reason is None or reason.native != "key_compromise":
                continue
            since = entry.invalidity_date_value
            start = since.native if since is not None else entry["revocation_date"].native
            if start <= moment:
                return True
    return False


def _document_timestamps(
    stamps: list[EmbeddedPdfSignature],
    pki_dir: Path,
    now: dt.datetime | None,
    dss: tuple[list[asn1_crl.CertificateList], list[asn1_x509.Certificate]],
) -> tuple[list[TimestampReport], dt.datetime | None]:
    """Each document timestamp, newest first: the newest checked now, each older one at the time the
    next one proves; and the earliest time so proven (``None``: none was trusted)."""
    reports = []
    proven: dt.datetime | None = None
    crls, certs = dss
    for stamp in sorted(stamps, key=lambda item: item.signed_revision, reverse=True):
        at = proven or now
        vc = validation_context(pki_dir, at, crls=crls, other_certs=certs, retroactive=proven is not None)
        try:
            status = validate_pdf_timestamp(stamp, validation_context=vc)
        except (SignatureValidationError, PdfReadError, ValueError, KeyError) as error:
            reports.append(TimestampReport(stamp.field_name, None, False, False, None, f"{error}"))
            continue
        trusted = bool(status.valid and status.intact and status.trusted)
        reports.append(
            TimestampReport(
                stamp.field_name,
                status.timestamp.isoformat(),
                bool(status.intact and status.valid),
                trusted,
                (at or dt.datetime.now(dt.UTC)).isoformat(),
                status.summary(),
            )
        )
        if trusted:
            proven = status.timestamp
    return reports, proven


def verify_pdf(
    pdf: bytes,
    pki_dir: Path | None = None,
    *,
    context: ValidationContext | None = None,
    expected_sha256: str | None = None,
    provider: str | None = None,
    register: SignersRegister | None = None,
    now: dt.datetime | None = None,
) -> PdfVerification:
    """Validate every signature of ``pdf`` against the PKI's roots and CRL and, when the PKI folder
    holds a signers' register (or ``register`` is given), against the registered officials - of
    ``provider`` when given (the provider that issued the document).

    A timestamped signature is judged at its timestamp's time (see the module's notes); ``now`` is
    the time of verification (default the clock; given, to verify "years later"). ``context`` fixes
    the validation context of every signature instead (judged at its moment, no timestamp time)."""
    digest = hashlib.sha256(pdf).hexdigest()
    matches = None if expected_sha256 is None else digest == expected_sha256.lower()
    if register is None and pki_dir is not None:
        register = load_register(pki_dir)
    authority = None if register is not None else NO_REGISTER
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        embedded = list(reader.embedded_signatures)
        dss = _dss(reader)
    except (PdfReadError, ValueError) as error:
        return PdfVerification(
            (), digest, matches, problem=f"unreadable PDF: {error}", signer_authority=authority
        )
    folder = pki_dir or Path(".")
    stamps = [item for item in embedded if item.sig_object_type == "/DocTimeStamp"]
    timestamps, proven = _document_timestamps(stamps, folder, now, dss)
    reports = []
    for signature in embedded:
        if signature.sig_object_type == "/DocTimeStamp":
            continue
        vc = context or validation_context(folder, now)
        when: dt.datetime | None = (context.moment if context is not None else now) or dt.datetime.now(dt.UTC)
        source = "context" if context is not None else "now"
        compromised = False
        try:
            status = validate_pdf_signature(signature, signer_validation_context=vc)
            if context is None and status.timestamp_validity is not None:
                status, vc, when, source = _at_timestamp(signature, status, folder, now, proven, dss)
                if source == "signature-timestamp":
                    compromised = _compromised(status, [*load_crls(folder), *dss[0]], when)
            revision = signature.signed_revision
            extra = _stray_bytes(pdf, reader, revision) or _info_changed(reader, revision)
        except (SignatureValidationError, PdfReadError, ValueError, KeyError) as error:
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
                    reasons=("invalid",),
                )
            )
            continue
        reports.append(
            _report(
                signature.field_name,
                status,
                context=vc,
                extra_changes=extra,
                register=register,
                provider=provider,
                when=when,
                source=source,
                compromised=compromised,
            )
        )
    return PdfVerification(
        tuple(reports), digest, matches, signer_authority=authority, timestamps=tuple(timestamps)
    )


def _at_timestamp(
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    folder: Path,
    now: dt.datetime | None,
    proven: dt.datetime | None,
    dss: tuple[list[asn1_crl.CertificateList], list[asn1_x509.Certificate]],
) -> tuple[PdfSignatureStatus, ValidationContext, dt.datetime, str]:
    """The signature validated at the time its timestamp proves, with the embedded validation data
    and the folder's CRL - when the timestamp's token validates (its authority's chain judged at
    ``proven``, the earliest time document timestamps prove, else now); else the status as it was
    judged now."""
    crls, certs = dss
    assert status.timestamp_validity is not None
    stamped = status.timestamp_validity.timestamp
    at = validation_context(folder, stamped, crls=crls, other_certs=certs, retroactive=True)
    authority = validation_context(
        folder, proven or now, crls=crls, other_certs=certs, retroactive=proven is not None
    )
    timed = validate_pdf_signature(signature, signer_validation_context=at, ts_validation_context=authority)
    token = timed.timestamp_validity
    if token is not None and token.valid and token.intact and token.trusted:
        return timed, at, token.timestamp, "signature-timestamp"
    now_context = validation_context(folder, now)
    return status, now_context, now or dt.datetime.now(dt.UTC), "now-timestamp-not-valid"
