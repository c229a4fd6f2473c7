"""Pages anyone may open: the start page, and the verification of issued documents.

``/verify/<number>?h=…`` is the address a document's QR code carries: it tells whether the code's
fingerprint matches the document issued under that number, and then the document's kind, holder
(the name it prints, nothing more), provider, dates and current status. ``/verify`` looks a document
up by its number and the holder's IIN/BIN (as egov.kz does) and checks an uploaded PDF: is it exactly
a document this system issued, and do its signatures validate. Every verification is rate-limited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from docgen.errors import DocgenError, DocumentNotFound
from docgen.web import services
from docgen.web.i18n import N_, current_lang
from docgen.web.security import VERIFY_LIMITS, error_page, limiter

__all__ = ["KINDS", "REASONS", "STATUSES", "bp"]

bp = Blueprint("public", __name__)

#: The kinds of documents, as a reader names them.
KINDS = {
    "license": N_("Licence"),
    "license-annex": N_("Annex to a licence"),
    "permit": N_("Permit"),
    "media-certificate": N_("Certificate of registration of a mass medium"),
    "numbering-order": N_("Order on numbering resources"),
    "refusal": N_("Reasoned refusal"),
}
#: A document's status in the registry.
STATUSES = {
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "terminated": N_("Terminated"),
    "replaced": N_("Replaced by a reissued document"),
}
#: Why an uploaded PDF's signatures do not validate (docgen.signing.verify's reason codes).
REASONS = {
    "unreadable": N_("the file is not a readable PDF"),
    "unsigned": N_("the document has no signature"),
    "sha256-mismatch": N_("the file differs from the document stored when it was issued"),
    "timestamp-not-intact": N_("a document timestamp was changed"),
    "invalid": N_("a signature could not be validated"),
    "not-intact": N_("the signed content was changed"),
    "untrusted": N_("a signature does not lead to a trusted root certificate"),
    "expired": N_("a certificate had expired when it signed"),
    "not-yet-valid": N_("a certificate was not yet valid when it signed"),
    "revoked": N_("the signing certificate is revoked"),
    "revocation-unknown": N_("the revocation of the signing certificate could not be checked"),
    "modified": N_("the document was changed after signing"),
    "unauthorized-signer": N_("the signer is not a registered official of the provider"),
}


@bp.get("/")
def index() -> str:
    """The services anyone can request, in the catalog's order."""
    return render_template("index.html", services=list(services().catalog))


@bp.get("/verify")
@limiter.limit(VERIFY_LIMITS)
def verify_lookup() -> str | tuple[str, int]:
    """The look-up form (number and holder's IIN/BIN) and the upload form; with both filled in, the
    document found."""
    number = request.args.get("number", "").strip()
    holder = request.args.get("holder", "").strip()
    if not number and not holder:
        return render_template("verify_lookup.html", number="", holder="", error=None)
    if not number or not holder:
        error = gettext("Enter the document's number and the holder's IIN or BIN.")
        return render_template("verify_lookup.html", number=number, holder=holder, error=error), 400
    try:
        verdict = services().documents.check_fingerprint(number, "", holder=holder)
    except DocumentNotFound:
        error = gettext("No document with this number was issued to this IIN or BIN.")
        return render_template("verify_lookup.html", number=number, holder=holder, error=error), 404
    return render_template("verify.html", verdict=_shown(verdict), checked="holder")


@bp.get("/verify/<path:number>")
@limiter.limit(VERIFY_LIMITS)
def verify_qr(number: str) -> str | tuple[str, int]:
    """The QR code's address: does its fingerprint ``h`` match the document issued as ``number``?"""
    h = request.args.get("h", "").strip()
    if not h:
        return render_template("verify_lookup.html", number=number, holder="", error=None)
    try:
        verdict = services().documents.check_fingerprint(number, h)
    except DocumentNotFound:
        return _unknown(number)
    if not verdict["matches"]:
        # tell nothing of the document to a code that is not its own
        return render_template("verify.html", verdict=None, number=number, checked="qr"), 200
    return render_template("verify.html", verdict=_shown(verdict), checked="qr")


@bp.post("/verify/file")
@limiter.limit(VERIFY_LIMITS)
def verify_file() -> str | tuple[str, int]:
    """An uploaded PDF: exactly the document issued as ``number``? Do its signatures validate?"""
    number = request.form.get("number", "").strip()
    upload = request.files.get("document")
    content = upload.read() if upload is not None else b""
    if not number or not content:
        error = gettext("Enter the document's number and choose its PDF file.")
        return render_template("verify_lookup.html", number=number, holder="", error=error), 400
    try:
        verdict = services().documents.check_file(number, content)
    except DocumentNotFound:
        return _unknown(number)
    signatures = _signatures(content, verdict)
    if not verdict["matches"]:
        return render_template(
            "verify.html", verdict=None, number=number, checked="file", signatures=signatures
        )
    return render_template("verify.html", verdict=_shown(verdict), checked="file", signatures=signatures)


def _signatures(content: bytes, verdict: dict[str, Any]) -> dict[str, Any]:
    """Whether every signature of the file validates against the PKI and the provider's officials."""
    from docgen.signing.verify import verify_pdf

    try:
        checked = verify_pdf(
            content,
            services().settings.signing.pki_dir,
            expected_sha256=verdict["sha256"] if verdict["matches"] else None,
            provider=verdict["provider"],
        )
    except (DocgenError, OSError, ValueError):
        return {"ok": False, "reasons": [gettext(REASONS["invalid"])], "signers": []}
    return {
        "ok": checked.ok,
        "reasons": [gettext(REASONS.get(code, REASONS["invalid"])) for code in checked.reasons],
        "signers": [item.signer for item in checked.signatures],
    }


def _shown(verdict: dict[str, Any]) -> dict[str, Any]:
    """What a verification page tells of a document, in the reader's language."""
    lang = current_lang()
    catalog = services().catalog
    provider = catalog.providers().get(verdict["provider"])
    service = verdict.get("service")
    holder = verdict.get("holder_name")
    return verdict | {
        "kind_name": gettext(KINDS[verdict["kind"]]) if verdict["kind"] in KINDS else verdict["kind"],
        "status_name": gettext(STATUSES[verdict["status"]])
        if verdict["status"] in STATUSES
        else verdict["status"],
        "provider_name": provider.name[lang] if provider is not None else verdict["provider"],
        "service_name": catalog.get(service).title[lang] if service and service in catalog else None,
        "holder": holder[lang] if holder else None,
        "issued": _day(verdict.get("issued")),
        "valid_from": _day(verdict.get("valid_from")),
        "valid_until": _day(verdict.get("valid_until")),
    }


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _unknown(number: str) -> tuple[str, int]:
    """No document was issued under ``number``: a 404 page in both languages."""
    return error_page(404, "document", number=number), 404
