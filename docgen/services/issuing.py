"""Making the document a decision produces: number, data, render (kk+ru), sign, store.

Called inside the deciding use case's unit of work, after every check has
passed: the number is taken from the same transaction, so a failure while
rendering, signing or storing gives it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docgen.documents.decisions import resolve
from docgen.documents.from_request import Signer, document_data
from docgen.domain.numbering import document_number
from docgen.domain.ports import Clock
from docgen.services.ports import DocumentRecord, DocumentRenderer, NewDocument, Signers
from docgen.services.steps import Step

__all__ = ["Issuer"]


@dataclass
class Issuer:
    renderer: DocumentRenderer
    signers: Signers
    clock: Clock

    def issue_outputs(
        self, step: Step, service: Any, previous: DocumentRecord | None, decision: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Every output of the request's action, from the clerk's checked ``decision``: the service's
        document and, for a license the service gives with an annex, the annex (its own ``ANX``
        number, ``annex_no`` 001, naming the license), both signed and stored. What the deciding
        history entry records: the document's entries (:meth:`issue`) and the annex's ``annex``
        and ``annex_sha256``. A duplicate of a license is issued with a duplicate of each of its
        annexes (``<annex number>-D<n>``, marked ТЕЛНҰСҚА / ДУБЛИКАТ); a reissue's new annex replaces
        the old license's annexes (and their duplicates), as the new license replaces the old."""
        today = self.clock.today()
        resolved = resolve(service, decision)
        recorded: dict[str, Any] = self.issue(
            step, service, service.outputs[0], previous, today=today, decision=resolved
        )
        annexes = _annexes_of(step.uow, previous) if previous is not None else []
        if step.request.action == "duplicate":
            copies = [self.issue(step, service, "license-annex", annex, today=today) for annex in annexes]
            if copies:
                recorded |= {
                    "annex": ", ".join(copy["document"] for copy in copies),
                    "annex_sha256": ", ".join(copy["document_sha256"] for copy in copies),
                }
        elif "license-annex" in service.outputs:
            annex = self.issue(
                step,
                service,
                "license-annex",
                None,
                today=today,
                decision=resolved,
                license_number=recorded["document"],
                license_date=today,
                annex_no="001",
            )
            recorded |= {"annex": annex["document"], "annex_sha256": annex["document_sha256"]}
            if step.request.action == "reissue":
                now = self.clock.now()
                for old in annexes:
                    for replaced in (old, *step.uow.documents.duplicates_of(old.number)):
                        step.uow.documents.set_status(replaced.id, "replaced", now)
        return recorded

    def issue(
        self,
        step: Step,
        service: Any,
        kind: str,
        previous: DocumentRecord | None,
        *,
        today: dt.date | None = None,
        **extra: Any,
    ) -> dict[str, str]:
        """What the deciding history entry records of the new document: its ``document`` number,
        ``document_sha256``, the ``signer_certificate`` (serial) of the official whose key signed it,
        and the license it ``replaces`` or is a ``duplicate_of``. A reissue is a
        new version of ``previous`` (which becomes *replaced*); a duplicate is ``previous`` marked
        ТЕЛНҰСҚА / ДУБЛИКАТ, numbered ``<its number>-D<n>``."""
        today = today or self.clock.today()
        uow = step.uow
        action = step.request.action
        official = self.signers.official(service.provider_code)  # whose key signs, duplicates too
        if previous is not None and action == "duplicate":
            number = f"{previous.number}-D{len(uow.documents.duplicates_of(previous.number)) + 1}"
            data = dict(previous.data) | {"duplicate": True}
        else:
            sequence = uow.counters.next_value(service.provider_code, today.year, kind)
            number = document_number(kind, service.provider_code, today.year, sequence)
            person = Signer(
                name=official.name,
                position=_split(official.position),
                city=service.provider.city or {},  # the place of issue: forms/providers.toml
            )
            data = document_data(
                kind,
                service,
                step.record.data | {"number": step.request.number},
                number=number,
                issued_on=today,
                signer=person,
                extra=extra,
            )
        pdf = self.signers.sign(service.provider_code, self.renderer.render(kind, data, "kk+ru", "pdf"))
        reissue = previous is not None and action == "reissue"
        now = self.clock.now()
        digest = hashlib.sha256(pdf).hexdigest()
        uow.documents.add(
            NewDocument(
                request_id=step.request.id,
                kind=kind,
                number=number,
                data=data,
                pdf=pdf,
                sha256=digest,
                created_at=now,
                replaces=previous.id if reissue and previous else None,
                duplicate=previous is not None and action == "duplicate",
                version=(previous.version + (1 if reissue else 0)) if previous else 1,
            )
        )
        if reissue and previous is not None:  # the replaced license's duplicates go out of force with it
            for duplicate in uow.documents.duplicates_of(previous.number):
                uow.documents.set_status(duplicate.id, "replaced", now)
        recorded = {"document": number, "document_sha256": digest, "signer_certificate": official.certificate}
        if previous is not None:
            recorded["replaces" if reissue else "duplicate_of"] = previous.number
        return recorded


def _split(position: str) -> dict[str, str]:
    kk, _, ru = position.partition(" / ")
    return {"kk": kk or position, "ru": ru or position}


def _annexes_of(uow: Any, license: DocumentRecord) -> list[DocumentRecord]:
    """The annexes issued with ``license`` (its request's ``license-annex`` documents naming it)."""
    return [
        document
        for document in uow.documents.for_request(license.request_id)
        if document.kind == "license-annex"
        and not document.duplicate
        and document.data.get("license", {}).get("number") == license.number
    ]
