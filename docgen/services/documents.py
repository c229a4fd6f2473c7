"""Issued documents: handing them out, checking a file or a QR code against the record, and
their status in the registry of licenses.

A download is the signed original (PDF, both languages) or a copy in another
language or format, marked as a copy; either way it is recorded in the
request's history. Checking needs no account: anyone holding a document may
ask whether it is the one issued, and whether it is in force.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from docgen.documents.validation import clean, text_problems
from docgen.domain.catalog import Catalog
from docgen.domain.fingerprint import fingerprint
from docgen.domain.ports import Clock, kazakhstan_date
from docgen.domain.seal import Seal
from docgen.domain.users import User
from docgen.errors import (
    DocumentNotFound,
    InvalidData,
    InvalidRequest,
    InvalidStatus,
    MissingField,
    NotAllowed,
    RequestNotFound,
    UnsupportedFormat,
    UnsupportedLanguage,
    WrongLicense,
)
from docgen.services import access
from docgen.services.ports import DocumentRecord, DocumentRenderer, UnitOfWork, UnitOfWorkFactory
from docgen.services.steps import load

__all__ = ["STATUSES", "DocumentService", "Download"]

#: The registry statuses a clerk may set (``replaced`` is set by a reissue only).
STATUSES = ("active", "suspended", "terminated")
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes
    copy: bool
    """False only for the signed original (PDF, kk+ru)."""


@dataclass
class DocumentService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    renderer: DocumentRenderer
    clock: Clock
    seal: Seal

    def list_for_request(self, user: User, request_id: str) -> list[dict[str, Any]]:
        with self.uow(write=False) as uow:
            record = uow.requests.get(request_id)
            if record is None:
                raise RequestNotFound(id=request_id)
            access.may_read(access.current(uow, user), record)
            return [_summary(document) for document in uow.documents.for_request(request_id)]

    def request_form(self, user: User, request_id: str, fmt: str = "pdf", lang: str = "kk+ru") -> Download:
        """The request as filed, printed (the ``request`` kind): its registration number, what was
        typed, the attachments and who signed it - by ЭЦП when a key signed it, else on paper. Anyone
        who may read the request may print it; not before it is signed, as there is no signature to
        print yet. Never an original: the signed request is the CMS signature over its data."""
        if fmt not in _MEDIA_TYPES:
            raise UnsupportedFormat(format=fmt)
        if lang not in ("kk", "ru", "kk+ru"):
            raise UnsupportedLanguage(lang=lang)
        with self.uow(write=False) as uow:
            stored = access.current(uow, user)
            record = uow.requests.get(request_id)
            if record is None:
                raise RequestNotFound(id=request_id)
            access.may_read(stored, record)
            signed = [entry for entry in uow.requests.history(request_id) if entry.event == "sign"]
        if not signed:
            raise NotAllowed(
                login=stored.login,
                what={
                    "kk": "өтініш әлі қол қойылмаған: басып шығаратын нысаны жоқ",
                    "ru": "заявление ещё не подписано: печатной формы ещё нет",
                },
            )
        check = record.signature_check or {}
        data = dict(record.data) | {
            "signature": {
                "signer": str(check.get("signer") or signed[-1].actor.name or signed[-1].actor.login),
                "signed_on": kazakhstan_date(signed[-1].at).isoformat(),
                "method": "ecp" if check else "handwritten",
            }
        }
        if record.number:
            data["number"] = record.number
        content = self.renderer.render("request", data, lang, fmt)
        return Download(
            f"{record.number or request_id}-request-{lang}.{fmt}", _MEDIA_TYPES[fmt], content, True
        )

    def download(self, user: User, number: str, fmt: str = "pdf", lang: str = "kk+ru") -> Download:
        """The document ``number`` for ``user``: the signed original, or a marked copy."""
        if fmt not in _MEDIA_TYPES:
            raise UnsupportedFormat(format=fmt)
        if lang not in ("kk", "ru", "kk+ru"):
            raise UnsupportedLanguage(lang=lang)
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            document = self._readable(uow, user, number)
        original = fmt == "pdf" and lang == "kk+ru"
        content = (
            document.pdf
            if original
            else self.renderer.render(document.kind, document.data, lang, fmt, copy=True)
        )
        with self.uow() as uow:
            step = load(uow, self.catalog, self.seal, document.request_id, lock=True)
            step.note(
                self.clock,
                "download",
                user.actor(),
                document=number,
                format=fmt,
                lang=lang,
                copy=not original,
            )
            step.save()
        suffix = "" if original else f"-copy-{lang}"
        return Download(f"{number}{suffix}.{fmt}", _MEDIA_TYPES[fmt], content, not original)

    def _readable(self, uow: UnitOfWork, user: User, number: str) -> DocumentRecord:
        document = uow.documents.by_number(number)
        record = uow.requests.get(document.request_id) if document else None
        if document is None or record is None:
            raise DocumentNotFound(number=number)
        access.may_read_document(user, document, record)
        return document

    # -- checking, open to anyone -----------------------------------------------------------------
    def check_file(self, number: str, content: bytes, holder: str | None = None) -> dict[str, Any]:
        """Is ``content`` the document issued under ``number``? With ``holder`` (IIN/BIN), only a
        document of that holder is found, so a number alone does not tell whose it is."""
        document = self._public(number, holder)
        matches = hmac.compare_digest(hashlib.sha256(content).hexdigest(), document.sha256)
        return _verdict(document) | {"matches": matches}

    def check_fingerprint(self, number: str, h: str, holder: str | None = None) -> dict[str, Any]:
        """Does the ``h`` of a QR address (``/verify/<number>?h=…``) match the stored document's data?

        A duplicate prints its license's number (it *is* that license, marked ТЕЛНҰСҚА / ДУБЛИКАТ),
        so its QR code addresses the license; its ``h`` is its own data's. The license's address
        therefore also accepts its duplicates' fingerprints, and the verdict is then the duplicate's
        (its own number and status)."""
        wanted = (h or "").strip().lower()
        document = self._public(number, holder)
        if hmac.compare_digest(fingerprint(document.data), wanted):
            return _verdict(document) | {"matches": True}
        with self.uow(write=False) as uow:
            duplicates = uow.documents.duplicates_of(document.number)
        for duplicate in duplicates:
            if hmac.compare_digest(fingerprint(duplicate.data), wanted):
                return _verdict(duplicate) | {"matches": True, "duplicate_of": document.number}
        return _verdict(document) | {"matches": False}

    def _public(self, number: str, holder: str | None) -> DocumentRecord:
        with self.uow(write=False) as uow:
            document = uow.documents.by_number(number)
        if document is None or (holder is not None and document.holder != holder):
            raise DocumentNotFound(number=number)
        return document

    # -- the registry -----------------------------------------------------------------------------
    def set_status(self, user: User, number: str, status: str, reason: str) -> str:
        """Suspend, terminate or reinstate a license: the clerk of its provider, with a reason, in the
        history of the request that issued it. Its duplicates follow it; termination is final."""
        if status not in STATUSES:
            raise InvalidStatus(status=status)
        reason = clean(reason) if isinstance(reason, str) else ""
        bad: list[InvalidData] = text_problems("status", {"reason": reason})
        if not reason.strip():
            bad.append(MissingField(kind="status", field="reason"))
        if bad:
            raise InvalidRequest(bad)
        with self.uow() as uow:
            document = uow.documents.by_number(number)
            if document is None or document.status == "replaced":
                raise DocumentNotFound(number=number)
            user = access.current(uow, user)
            access.may_change_status(user, document)
            if document.duplicate:
                raise WrongLicense(
                    number=number,
                    problem={
                        "kk": "телнұсқаның мәртебесі лицензиямен бірге өзгереді",
                        "ru": "статус дубликата следует за лицензией",
                    },
                )
            if document.status == "terminated":
                raise WrongLicense(
                    number=number,
                    problem={"kk": "лицензияның қолданысы тоқтатылған", "ru": "действие лицензии прекращено"},
                )
            step = load(uow, self.catalog, self.seal, document.request_id, lock=True)
            step.note(
                self.clock, "registry-status", user.actor(), document=number, status=status, reason=reason
            )
            now = self.clock.now()
            uow.documents.set_status(document.id, status, now)
            for duplicate in uow.documents.duplicates_of(number):
                uow.documents.set_status(duplicate.id, status, now)
            step.save()
        return status


def _summary(document: DocumentRecord) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "number": document.number,
        "sha256": document.sha256,
        "status": document.status,
        "duplicate": document.duplicate,
        "version": document.version,
    }


#: Where each kind of document prints whose it is (the name only is told by a verification).
_HOLDER_FIELDS = ("licensee", "permittee", "distributor", "operator", "applicant")


def _verdict(document: DocumentRecord) -> dict[str, Any]:
    data = document.data
    return {
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "issued": kazakhstan_date(document.created_at).isoformat(),
        "sha256": document.sha256,
        "provider": document.provider,
        "service": document.service,
        "duplicate": document.duplicate,
        "holder_name": _holder_name(data),
        "valid_from": data.get("valid_from") if isinstance(data.get("valid_from"), str) else None,
        "valid_until": data.get("valid_until") if isinstance(data.get("valid_until"), str) else None,
    }


def _holder_name(data: dict[str, Any]) -> dict[str, str] | None:
    """The holder's name as the document prints it, per language (``None`` when it prints none)."""
    for key in _HOLDER_FIELDS:
        holder = data.get(key)
        name = holder.get("name") if isinstance(holder, dict) else None
        if isinstance(name, str):
            return {"kk": name, "ru": name}
        if isinstance(name, dict) and all(isinstance(name.get(lang), str) for lang in ("kk", "ru")):
            return {"kk": name["kk"], "ru": name["ru"]}
    return None
