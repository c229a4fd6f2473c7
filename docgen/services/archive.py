"""Keeping issued documents verifiable for their whole life: document timestamps (PAdES B-LTA).

A license outlives its signer's certificate and, in time, its timestamp
authority's. Before the authority's certificate expires, ``docgen
archive-timestamp`` gives every stored document a new file: the same signed
document with the validation data brought up to date and a new document
timestamp over it, in incremental updates that leave the signature intact.

Issued documents are append-only, so the new file is kept beside the earlier
ones (:meth:`~docgen.services.ports.Documents.add_file`), and the request's
sealed history records it: an ``archive-timestamp`` entry names the document,
the new file's SHA-256 and the one it follows. The record's SHA-256 is the
newest file's from then on, so ``docgen verify --number`` checks the file in
hand against it and ``docgen audit verify`` finds every stored file named by
the history (a file put in with database access alone is not).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from docgen.domain.catalog import Catalog
from docgen.domain.ports import Clock
from docgen.domain.seal import Seal
from docgen.errors import DocgenError, DocumentNotFound
from docgen.services.ports import DocumentTimestamper, UnitOfWorkFactory
from docgen.services.steps import SYSTEM, load

__all__ = ["ArchiveService", "Refreshed"]

#: How often a refresh is tried again when the document got a new file meanwhile (another run).
_ATTEMPTS = 3


@dataclass(frozen=True)
class Refreshed:
    """One document given a new document timestamp (or why not: ``error``)."""

    number: str
    previous_sha256: str | None = None
    sha256: str | None = None
    error: DocgenError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ArchiveService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    timestamper: DocumentTimestamper
    clock: Clock
    seal: Seal

    def numbers(self) -> list[str]:
        """Every stored document's number, oldest first: each one is refreshed, replaced, suspended
        and terminated licenses too (they remain evidence of what was decided)."""
        with self.uow(write=False) as uow:
            return uow.documents.numbers()

    def refresh(self, number: str) -> Refreshed:
        """Give document ``number`` a new file with a document timestamp, recorded in its request's
        history; :class:`~docgen.errors.DocumentNotFound` or the timestamper's error otherwise."""
        for _ in range(_ATTEMPTS):
            with self.uow(write=False) as uow:
                document = uow.documents.by_number(number)
            if document is None:
                raise DocumentNotFound(number=number)
            pdf = self.timestamper.timestamp(document.pdf)  # outside the transaction: it may be slow
            digest = hashlib.sha256(pdf).hexdigest()
            with self.uow() as uow:
                current = uow.documents.by_number(number, lock=True)
                step = load(uow, self.catalog, self.seal, document.request_id, lock=True)
                if current is None or current.sha256 != document.sha256:
                    continue  # another run gave it a new file meanwhile: timestamp that one
                step.note(
                    self.clock,
                    "archive-timestamp",
                    SYSTEM,
                    document=number,
                    document_sha256=digest,
                    previous_sha256=document.sha256,
                )
                uow.documents.add_file(document.id, pdf, digest, self.clock.now())
                step.save()
            return Refreshed(number, document.sha256, digest)
        raise DocumentNotFound(number=number)  # pragma: no cover - changed on every attempt

    def refresh_all(self) -> Iterator[Refreshed]:
        """Refresh every stored document, one transaction each, yielding each result as it is done
        (a document that fails is reported and the others go on)."""
        for number in self.numbers():
            try:
                yield self.refresh(number)
            except DocgenError as error:
                yield Refreshed(number, error=error)
