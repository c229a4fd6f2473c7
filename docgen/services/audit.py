"""``docgen audit verify``: every kind of tampering with the stored record, named.

What is checked, request by request and then across them:

- the history is there and its hash chain holds (``truncated-history``, ``edited-entry``);
- it replays through the workflow, and the row agrees with it: the sealed head (entries cut off
  the end, or rewritten with the chain recomputed, cannot carry the audit key's seal), whose the
  request is, its data's digest, its state and number (``row-altered``);
- every document is named, with its SHA-256, by the history entry that issued it (or, once a
  document timestamp was added, by the ``archive-timestamp`` entry of its newest file), and every
  document the history names is there (``orphan-document``, ``altered-document``,
  ``missing-document``);
- every registry status is the one the history's decisions and status changes lead to
  (``status-outside-workflow``);
- every counter's numbers are all there, from 1 without gaps (``counter``): a request or document
  deleted whole leaves a hole in its series.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from docgen.domain.catalog import Catalog
from docgen.domain.errors import BrokenHistory
from docgen.domain.history import HistoryEntry, verify_chain
from docgen.domain.numbering import REQUEST_SERIES
from docgen.domain.request import Request
from docgen.domain.seal import Seal
from docgen.services.ports import DocumentRecord, RequestRecord, UnitOfWork, UnitOfWorkFactory
from docgen.services.steps import tampering

__all__ = ["FINDINGS", "AuditService"]

#: Every kind of finding, as named to a person.
FINDINGS: dict[str, dict[str, str]] = {
    "truncated-history": {"kk": "тарихы жоқ", "ru": "история отсутствует"},
    "edited-entry": {"kk": "тарих жазбасы өзгертілген", "ru": "запись истории изменена"},
    "row-altered": {"kk": "жол тарихпен сәйкес емес", "ru": "строка не совпадает с историей"},
    "orphan-document": {"kk": "құжатты тарих бермеген", "ru": "документ не выдан по истории"},
    "altered-document": {"kk": "құжат өзгертілген", "ru": "документ изменён"},
    "missing-document": {"kk": "берілген құжат жоқ", "ru": "выданный документ отсутствует"},
    "status-outside-workflow": {"kk": "мәртебе тарихтан тыс өзгертілген", "ru": "статус изменён вне истории"},
    "counter": {"kk": "нөмірлер қатарында бос орын бар", "ru": "в серии номеров есть пропуски"},
}


def _finding(kind: str, detail: dict[str, str], **where: Any) -> dict[str, Any]:
    problem = {lang: f"{FINDINGS[kind][lang]}: {detail[lang]}" for lang in ("kk", "ru")}
    return {"kind": kind, "id": None, "number": None, "entry": None} | where | {"problem": problem}


def _same(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text}


def _series(number: str) -> tuple[int, int]:
    """The year and sequence a request or document number carries (``…-2026-000017``)."""
    *_, year, sequence = number.split("-")
    return int(year), int(sequence)


@dataclass
class _Books:
    """What the histories say was issued, against which the documents and counters are checked."""

    numbers: dict[tuple[str, int, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    events: list[HistoryEntry] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)


@dataclass
class AuditService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    seal: Seal

    def verify(self) -> list[dict[str, Any]]:
        """Every finding (empty when the record is intact), each with its ``kind``, where (``id``,
        ``number``, ``entry``) and the ``problem`` in kk and ru."""
        findings: list[dict[str, Any]] = []
        books = _Books()
        with self.uow(write=False) as uow:
            for request_id in uow.requests.ids():
                findings += self._request(uow, request_id, books)
            findings += _statuses(books)
            findings += _counters(uow.counters.values(), books)
        return findings

    def _request(self, uow: UnitOfWork, request_id: str, books: _Books) -> list[dict[str, Any]]:
        record = uow.requests.get(request_id)
        chain = uow.requests.history(request_id)
        if record is None:
            return [_finding("truncated-history", _same(request_id), id=request_id)]
        stored = _hold(uow, record, books)
        if not chain:
            return [_finding("truncated-history", _same(request_id), id=request_id)]
        broken = verify_chain(chain)
        if broken is not None:
            return [_finding("edited-entry", _same(f"№ {broken + 1}"), id=request_id, entry=broken + 1)]
        try:
            request = Request.restore(
                self.catalog.get(record.service), chain, applicant=record.data["applicant"]
            )
        except BrokenHistory as error:
            detail = {"kk": error.message("kk"), "ru": error.message("ru")}
            return [_finding("edited-entry", detail, id=request_id, entry=error.params.get("index"))]
        found = [
            _finding("row-altered", problem, id=request_id)
            for problem in tampering(record, request, self.seal)
        ]
        return found + _documents(stored, record, request, books)


def _hold(uow: UnitOfWork, record: RequestRecord, books: _Books) -> list[DocumentRecord]:
    """The numbers the request's row and documents hold go into the books (even when its history is
    broken, the numbers are taken), and its documents are returned."""
    if record.number:
        year, sequence = _series(record.number)
        books.numbers[(record.provider, year, REQUEST_SERIES)].add(sequence)
    stored = uow.documents.for_request(record.id)
    books.documents += stored
    for document in stored:
        if not document.duplicate:
            year, sequence = _series(document.number)
            books.numbers[(record.provider, year, document.kind)].add(sequence)
    return stored


def _documents(
    stored: list[DocumentRecord], record: RequestRecord, request: Request, books: _Books
) -> list[dict[str, Any]]:
    """The request's documents against the entries that issued them."""
    found = []
    deciding = [e for e in request.history if e.event in ("issue", "refuse") and "document" in e.details]
    # the document and, for a license with an annex, the annex the same entry names
    current = {e.details["document"]: e.details.get("document_sha256") for e in deciding}
    current |= {e.details["annex"]: e.details.get("annex_sha256") for e in deciding if "annex" in e.details}
    named = set(current)
    # a document timestamp added later (``docgen archive-timestamp``) gives the document a new file
    for e in request.history:
        if e.event == "archive-timestamp" and e.details.get("document") in current:
            current[e.details["document"]] = e.details.get("document_sha256")
    books.events += [e for e in request.history if e.event in ("issue", "refuse", "registry-status")]
    for document in stored:
        if document.number not in named:
            found.append(
                _finding("orphan-document", _same(document.number), id=record.id, number=document.number)
            )
        elif (
            current.get(document.number) != document.sha256
            or hashlib.sha256(document.pdf).hexdigest() != document.sha256
        ):
            found.append(
                _finding("altered-document", _same(document.number), id=record.id, number=document.number)
            )
    present = {document.number for document in stored}
    for number in sorted(named - present):
        found.append(_finding("missing-document", _same(number), id=record.id, number=number))
    return found


def _statuses(books: _Books) -> list[dict[str, Any]]:
    """Each document's registry status against the one its history leads to."""
    expected: dict[str, str] = {}
    numbers = [document.number for document in books.documents]

    def with_duplicates(number: str) -> list[str]:
        return [
            number,
            *(n for n in numbers if n.startswith(f"{number}-D") and n[len(number) + 2 :].isdigit()),
        ]

    for entry in sorted(books.events, key=lambda e: e.at):
        details = entry.details
        if entry.event in ("issue", "refuse") and "document" in details:
            expected[details["document"]] = "active"
            if "replaces" in details:
                for number in with_duplicates(details["replaces"]):
                    expected[number] = "replaced"
        elif entry.event == "registry-status":
            for number in with_duplicates(details["document"]):
                if expected.get(number) != "replaced":
                    expected[number] = details["status"]
    found = []
    for document in books.documents:
        should = expected.get(document.number)
        if should is not None and document.status != should:
            detail = {
                "kk": f"{document.number}: {document.status} (тарих бойынша {should})",
                "ru": f"{document.number}: {document.status} (по истории {should})",
            }
            found.append(
                _finding("status-outside-workflow", detail, id=document.request_id, number=document.number)
            )
    return found


def _counters(values: dict[tuple[str, int, str], int], books: _Books) -> list[dict[str, Any]]:
    """Every number of every series, 1 to its counter, is held by a request or document."""
    found = []
    for key in sorted(set(values) | set(books.numbers)):
        provider, year, series = key
        last = values.get(key, 0)
        held = books.numbers.get(key, set())
        missing = sorted(set(range(1, last + 1)) - held)
        beyond = sorted(n for n in held if n > last)
        if missing or beyond:
            listed = ", ".join(str(n) for n in (missing + beyond)[:10])
            detail = _same(f"{provider} {year} {series}: {listed}")
            found.append(_finding("counter", detail))
    return found
