"""The request's journey as use cases: each one transaction, each a step of the regulation.

Every use case opens one transaction, loads the request (locking its row on
PostgreSQL; SQLite takes its write lock at BEGIN), replays its history,
applies the step through the domain workflow and records the new history
entries. Issuing renders, signs and stores the document and takes its
number inside that same transaction: if rendering, signing or storing
fails, nothing is kept - no number consumed, no half-issued document, the
request still in review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from docgen.adapters.db import store
from docgen.adapters.db.numbering import next_value
from docgen.adapters.db.tables import requests as requests_table
from docgen.documents import get_kind
from docgen.documents.validation import validate
from docgen.domain.catalog import Catalog, Service
from docgen.domain.deadlines import WorkingCalendar, deadline_for
from docgen.domain.errors import DomainError
from docgen.domain.history import Actor
from docgen.domain.numbering import REQUEST_SERIES, document_number, request_number
from docgen.domain.ports import Clock, NotaryRegistry, PaymentGateway, StateRegistry, SystemClock
from docgen.domain.request import Request
from docgen.errors import DocgenError, DocumentNotFound, DomainRefusal, RequestNotFound

__all__ = ["RequestNotFound", "RequestService", "signed_payload"]

SYSTEM = Actor("system", "docgen")


@dataclass
class RequestService:
    """The use cases. Built by :func:`docgen.bootstrap.make_request_service`."""

    engine: Engine
    catalog: Catalog
    registry: StateRegistry
    gateway: PaymentGateway
    calendar: WorkingCalendar
    renderer: Any
    signers: Any
    checker: Any
    clock: Clock = field(default_factory=SystemClock)
    notary: NotaryRegistry | None = None

    # -- filing ----------------------------------------------------------------------------
    def new(self, service_code: str, action: str, channel: str, data: dict[str, Any], actor: Actor) -> str:
        """A draft request, its data checked against the service's request form."""
        service = self._service(service_code)
        kind = get_kind("request")
        data = dict(data) | {"service": service.code, "action": action, "channel": channel}
        validate("request", kind.schema(service), data)
        with self._domain():
            request = Request.open(
                service,
                request_id=str(uuid.uuid4()),
                action=action,
                channel=channel,
                applicant=data["applicant"],
                actor=actor,
                at=self.clock.now(),
            )
        with self.engine.begin() as connection:
            store.add(connection, request, service.provider_code, data)
        return request.id

    def submit(self, request_id: str, actor: Actor) -> str:
        """Submit; on assisted channels also check the applicant in the state database and a
        representative's power of attorney in the notary system (unless notarised on paper)."""
        found, attorney_ok = self._lookup_applicant(request_id)
        with self._step(request_id) as step:
            step.apply("submit", actor)
            if step.request.state == "submitted" and step.request.channel != "portal":
                if found is None:
                    kind = step.row.data["applicant"]["kind"]
                    database = "legal-entities" if kind == "legal" else "individuals"
                    step.apply("refuse", SYSTEM, outcome="applicant-not-found", database=database)
                elif not attorney_ok:
                    step.apply("refuse", SYSTEM, outcome="applicant-not-found", database="notary")
                else:
                    step.apply("check-applicant", SYSTEM)
            return step.request.state

    def _lookup_applicant(self, request_id: str) -> tuple[Any, bool]:
        """Ask the outside systems first, outside the write transaction."""
        with self.engine.connect() as connection:
            found = store.row(connection, request_id)
        if found is None:
            raise RequestNotFound(id=request_id)
        applicant = found.data["applicant"]
        person = self.registry.find(applicant.get("bin") or applicant.get("iin"))
        representative = found.data.get("representative")
        attorney_ok = True
        if representative and not representative["power_of_attorney"]["notarized"] and self.notary:
            attorney = representative["power_of_attorney"]
            attorney_ok = self.notary.power_of_attorney_valid(
                attorney["number"], dt.date.fromisoformat(attorney["date"]), representative["iin"]
            )
        return person, attorney_ok

    def pay(self, request_id: str, actor: Actor, receipt: str | None = None) -> str:
        """Portal: the payment gateway confirms through its signed callback; else a paper receipt."""
        with self._step(request_id) as step:
            if receipt:
                step.apply("record-receipt", actor, receipt=receipt)
            else:
                service = self._service(step.request.service)
                order = self.gateway.order(request_id, service.payment.fee or "0")
                payload, signature = self.gateway.pay(order)  # type: ignore[attr-defined]
                paid = self.gateway.confirm(payload, signature)
                step.apply("pay", actor, reference=paid.reference, amount=paid.amount)
            return step.request.state

    def sign(self, request_id: str, actor: Actor, signature: bytes | None = None) -> str:
        """Sign and, when the signature holds, register (number and deadline)."""
        with self._step(request_id) as step:
            check = None
            if step.request.channel == "portal":
                if signature is None:
                    raise DocgenError(detail="a portal request needs the applicant's signature (.p7s)")
                applicant = step.row.data["applicant"]
                check = self.checker.check(
                    signed_payload(step.row.data),
                    signature,
                    iin=applicant.get("iin") if applicant["kind"] == "individual" else None,
                    bin=applicant.get("bin") if applicant["kind"] == "legal" else None,
                )
                step.columns["signature_check"] = check.to_dict()
            step.apply(
                "sign",
                actor,
                **(
                    {"signature_sha256": hashlib.sha256(signature).hexdigest()}
                    if signature
                    else {"signed_by": actor.login}
                ),
            )
            if check is not None and not check.ok:
                step.apply("refuse", SYSTEM, outcome="signature-not-confirmed", reason=check.reason)
                return step.request.state
            self._register(step)
            return step.request.state

    def _register(self, step: _Step) -> None:
        service = self._service(step.request.service)
        today = self.clock.now().date()
        sequence = next_value(step.connection, service.provider_code, today.year, REQUEST_SERIES)
        number = request_number(service.provider_code, today.year, sequence)
        step.apply("register", SYSTEM, number=number)
        deadline = deadline_for(service, step.request.action, today, self.calendar)
        step.columns.update(registered_on=today, due_on=deadline.due)

    # -- deciding --------------------------------------------------------------------------
    def issue(self, request_id: str, clerk: Actor) -> str | None:
        """Review and issue: the document is rendered, signed and stored with its number."""
        with self._step(request_id) as step:
            self._into_review(step, clerk)
            service = self._service(step.request.service)
            if step.request.state == "in-review" and service.payment.when == "after-review":
                step.apply("approve", clerk)
                return None  # the applicant pays now; issue again once paid
            kind = service.outputs[0]
            number = self._document(step, service, kind, clerk)
            step.apply("issue", clerk, document=number)
            return number

    def refuse(self, request_id: str, clerk: Actor, reason: str) -> str:
        """The reasoned refusal (qualification requirements not met), as a signed document."""
        with self._step(request_id) as step:
            self._into_review(step, clerk)
            service = self._service(step.request.service)
            number = self._document(step, service, "refusal", clerk, reason={"kk": reason, "ru": reason})
            step.apply("refuse", clerk, outcome="qualification-not-met", reason=reason, document=number)
            return number

    def refuse_unpaid(self, request_id: str) -> str:
        """The payment did not come: refused for no payment (the gateway's or clerk's step)."""
        with self._step(request_id) as step:
            step.apply("refuse", SYSTEM, outcome="no-payment")
            return step.request.state

    def refuse_authorization(self, request_id: str) -> str:
        """The applicant's authorisation failed (login or certificate): refused before anything else."""
        with self._step(request_id) as step:
            step.apply("refuse", SYSTEM, outcome="authorization-refused")
            return step.request.state

    def _into_review(self, step: _Step, clerk: Actor) -> None:
        if step.request.state == "registered":
            step.apply("start-review", clerk)

    def _document(self, step: _Step, service: Service, kind: str, clerk: Actor, **extra: Any) -> str:
        """Number, build, render (kk+ru), sign and store the document, in the step's transaction.

        A reissue is a new version of the license it names (``license_number``),
        which becomes *replaced*; a duplicate is the same license marked
        ТЕЛНҰСҚА / ДУБЛИКАТ under the original's number plus ``-D<n>``.
        """
        from docgen.documents.from_request import Signer, document_data

        today = self.clock.now().date()
        signer = self.signers.for_provider(service.provider_code)
        previous = self._previous(step, kind) if kind != "refusal" else None
        if previous is not None and step.request.action == "duplicate":
            number = f"{previous.number}-D{store.duplicates_of(step.connection, previous.number) + 1}"
            data = dict(previous.data) | {"duplicate": True}
        else:
            sequence = next_value(step.connection, service.provider_code, today.year, kind)
            number = document_number(kind, service.provider_code, today.year, sequence)
            person = Signer(
                name=signer.identity.name,
                position=_split(signer.identity.position),
                city={"kk": "Астана қаласы", "ru": "город Астана"},
            )
            data = document_data(
                kind,
                service,
                step.row.data | {"number": step.request.number},
                number=number,
                issued_on=today,
                signer=person,
                extra=extra,
            )
        pdf = signer.sign(self.renderer.render(kind, data, "kk+ru", "pdf"))
        replaces, version = None, 1
        if previous is not None:
            replaces = previous.id if step.request.action == "reissue" else None
            version = previous.version + (1 if step.request.action == "reissue" else 0)
        store.add_document(
            step.connection,
            request_id=step.request.id,
            kind=kind,
            number=number,
            data=data,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            at=self.clock.now(),
            replaces=replaces,
            version=version,
            duplicate=previous is not None and step.request.action == "duplicate",
        )
        return number

    def _previous(self, step: _Step, kind: str) -> Any:
        """The license a reissue or duplicate request names, which must be active."""
        if step.request.action not in ("reissue", "duplicate"):
            return None
        number = step.row.data.get("license_number")
        found = store.active_document(step.connection, kind, number) if number else None
        if found is None:
            raise DocumentNotFound(number=number or "—")
        return found

    # -- reading -----------------------------------------------------------------------------
    def show(self, request_id: str) -> dict[str, Any]:
        with self.engine.connect() as connection:
            try:
                request, row = store.load(connection, self.catalog, request_id)
            except KeyError:
                raise RequestNotFound(id=request_id) from None
            docs = store.document_rows(connection, request_id)
        return {
            "id": request.id,
            "service": request.service,
            "action": request.action,
            "channel": request.channel,
            "state": request.state,
            "number": request.number,
            "registered": row.registered_on.isoformat() if row.registered_on else None,
            "due": row.due_on.isoformat() if row.due_on else None,
            "outcome": request.outcome.to_dict() if request.outcome else None,
            "signature_check": row.signature_check,
            "history": [entry.to_dict() for entry in request.history],
            "documents": [
                {"kind": d.kind, "number": d.number, "sha256": d.sha256, "status": d.status} for d in docs
            ],
        }

    def document(self, request_id: str) -> tuple[str, bytes, dict[str, Any]]:
        """The newest stored document of a request: (kind, signed PDF, data)."""
        with self.engine.connect() as connection:
            docs = store.document_rows(connection, request_id)
        if not docs:
            raise RequestNotFound(id=request_id)
        last = docs[-1]
        return last.kind, bytes(last.pdf), dict(last.data)

    def overdue(self, today: dt.date | None = None, soon_days: int = 0) -> list[dict[str, Any]]:
        """Undecided requests past their due date; with ``soon_days``, also those due that soon."""
        today = today or self.clock.now().date()
        limit = today + dt.timedelta(days=soon_days) if soon_days else today - dt.timedelta(days=1)
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(requests_table)
                .where(
                    requests_table.c.due_on.is_not(None),
                    requests_table.c.state.not_in(("issued", "refused")),
                    requests_table.c.due_on <= limit,
                )
                .order_by(requests_table.c.due_on)
            ).all()
        return [
            {
                "id": r.id,
                "service": r.service,
                "number": r.number,
                "due": r.due_on.isoformat(),
                "overdue": r.due_on < today,
            }
            for r in rows
        ]

    def set_document_status(self, number: str, status: str) -> str:
        """Suspend, terminate or reinstate an issued document in the registry (the document itself
        never changes)."""
        from sqlalchemy import update

        from docgen.adapters.db.tables import documents, registry

        if status not in ("active", "suspended", "terminated"):
            raise DocgenError(detail=f"status must be active, suspended or terminated, not {status!r}")
        with self.engine.begin() as connection:
            found = connection.execute(
                select(documents.c.id, registry.c.status)
                .join(registry, registry.c.document_id == documents.c.id)
                .where(documents.c.number == number)
            ).first()
            if found is None or found.status == "replaced":
                raise DocumentNotFound(number=number)
            connection.execute(
                update(registry)
                .where(registry.c.document_id == found.id)
                .values(status=status, changed_at=self.clock.now())
            )
        return status

    def audit(self) -> list[dict[str, Any]]:
        """Every request whose history chain is broken or does not replay: empty when all is well."""
        from docgen.domain.errors import BrokenHistory
        from docgen.domain.history import verify_chain

        problems = []
        with self.engine.connect() as connection:
            ids = connection.execute(
                select(requests_table.c.id).order_by(requests_table.c.created_at)
            ).scalars()
            for request_id in list(ids):
                chain = store.entries(connection, request_id)
                broken = verify_chain(chain)
                if broken is not None:
                    problems.append({"id": request_id, "entry": broken + 1, "problem": "hash chain broken"})
                    continue
                try:
                    request, row = store.load(connection, self.catalog, request_id)
                except BrokenHistory as error:
                    problems.append({"id": request_id, "entry": None, "problem": error.message("ru")})
                    continue
                if row.state != request.state or row.number != request.number:
                    problems.append(
                        {"id": request_id, "entry": None, "problem": "row differs from its history"}
                    )
        return problems

    # -- plumbing ----------------------------------------------------------------------------
    def _service(self, code: str) -> Service:
        if code not in self.catalog:
            from docgen.errors import UnknownService

            raise UnknownService(service=code, known=", ".join(self.catalog.codes()))
        return self.catalog.get(code)

    def _step(self, request_id: str) -> _StepContext:
        return _StepContext(self, request_id)

    @staticmethod
    def _domain() -> _Wrap:
        return _Wrap()


def signed_payload(data: dict[str, Any]) -> bytes:
    """The bytes an applicant signs: the stored request data as canonical JSON (UTF-8,
    sorted keys, no spaces), so signer and checker agree byte for byte."""
    from docgen.domain.history import canonical_json

    return canonical_json(data)


def _split(position: str) -> dict[str, str]:
    kk, _, ru = position.partition(" / ")
    return {"kk": kk or position, "ru": ru or position}


class _Wrap:
    """Turn domain errors into the application's error hierarchy."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if isinstance(error, DomainError):
            raise DomainRefusal(error) from error


@dataclass
class _Step:
    service: RequestService
    connection: Any
    request: Request
    row: Any
    stored_seq: int
    columns: dict[str, Any] = field(default_factory=dict)

    def apply(self, event: str, actor: Actor, **details: Any) -> None:
        with _Wrap():
            self.request.apply(event, actor, self.service.clock.now(), **details)


class _StepContext:
    def __init__(self, service: RequestService, request_id: str) -> None:
        self.service = service
        self.request_id = request_id

    def __enter__(self) -> _Step:
        self._transaction = self.service.engine.begin()
        connection = self._transaction.__enter__()
        try:
            request, row = store.load(connection, self.service.catalog, self.request_id, lock=True)
        except KeyError:
            self._transaction.__exit__(None, None, None)
            raise RequestNotFound(id=self.request_id) from None
        self.step = _Step(self.service, connection, request, row, request.history[-1].seq)
        return self.step

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if error is None:
            store.record(self.step.connection, self.step.request, self.step.stored_seq, **self.step.columns)
        self._transaction.__exit__(kind, error, trace)
