"""The plumbing every use case shares: load a request inside a unit of work, step it, save it.

A :class:`Step` is a request loaded (and locked, when writing) inside one
:class:`~docgen.services.ports.UnitOfWork`, its history replayed through the
workflow. Steps and notes are applied to the domain object; :meth:`Step.save`
appends the new history entries and brings the row in step. Any error - a
domain rule, a broken history, a failed render - leaves the ``with`` block
and the unit of work rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from docgen.domain.catalog import Catalog, Service
from docgen.domain.errors import BrokenHistory, DomainError
from docgen.domain.history import Actor
from docgen.domain.ports import Clock
from docgen.domain.request import Request
from docgen.domain.seal import Seal, data_digest
from docgen.domain.workflow import ISSUED, REFUSED
from docgen.errors import DomainRefusal, RequestNotFound, UnknownService
from docgen.services.notifications import notification_for
from docgen.services.ports import Notification, Outbox, RequestRecord, UnitOfWork

__all__ = [
    "OWNERSHIP",
    "SYSTEM",
    "Step",
    "domain_rules",
    "load",
    "opening_details",
    "sealed",
    "service_of",
    "tampering",
]

#: The states that end a request: reaching one is what the applicant is told of.
FINAL = (ISSUED, REFUSED)

#: The information systems themselves (portal, payment gateway, state databases).
SYSTEM = Actor("system", "docgen")


@contextmanager
def domain_rules() -> Iterator[None]:
    """Turn the pure domain's errors into the application's one hierarchy."""
    try:
        yield
    except DomainError as error:
        raise DomainRefusal(error) from error


def service_of(catalog: Catalog, code: str) -> Service:
    if code not in catalog:
        raise UnknownService(service=code, known=", ".join(catalog.codes()))
    return catalog.get(code)


def load(
    uow: UnitOfWork,
    catalog: Catalog,
    seal: Seal,
    request_id: str,
    *,
    lock: bool = False,
    outbox: Outbox | None = None,
) -> Step:
    """The request ``request_id`` as a step in ``uow``; :class:`RequestNotFound` if there is none.

    Its history is replayed and checked against the row (:func:`tampering`): a request whose
    history was cut short, rewritten, or whose row was altered is refused, not acted on. With
    ``outbox``, a step that decides the request tells the applicant (:meth:`Step.save`).
    """
    record = uow.requests.get(request_id, lock=lock)
    if record is None:
        raise RequestNotFound(id=request_id)
    with domain_rules():
        request = Request.restore(
            service_of(catalog, record.service),
            uow.requests.history(request_id),
            applicant=record.data["applicant"],
        )
        found = tampering(record, request, seal)
        if found:
            raise BrokenHistory(index=len(request.history), problem=found[0])
    return Step(uow, record, request, seal, service=service_of(catalog, record.service), outbox=outbox)


#: What the opening history entry records of whose the request is; the row must agree.
OWNERSHIP = ("holder", "provider", "filed_by", "centre")


def opening_details(record: RequestRecord) -> dict[str, Any]:
    """What the first history entry keeps of a new request: whose it is, and its data's digest."""
    return {name: getattr(record, name) for name in OWNERSHIP} | {"data_sha256": data_digest(record.data)}


def sealed(request: Request, seal: Seal) -> dict[str, str]:
    """The row's ``head`` and ``head_seal`` for ``request`` as it stands."""
    last = request.history[-1]
    return {"head": last.hash, "head_seal": seal.head(request.id, last.seq, last.hash)}


def tampering(record: RequestRecord, request: Request, seal: Seal) -> list[dict[str, str]]:
    """How the row and the replayed history disagree (empty when they agree), in kk and ru."""
    found = []
    last = request.history[-1]
    if record.head != last.hash or not seal.holds(request.id, last.seq, last.hash, record.head_seal):
        found.append(
            {
                "kk": "тарихтың соңы мөрмен расталмайды (жазбалар өшірілген немесе қайта жазылған)",
                "ru": "конец истории не подтверждён печатью (записи удалены или переписаны)",
            }
        )
    opening = request.history[0].details
    moved = [name for name in OWNERSHIP if opening.get(name) != getattr(record, name)]
    if moved:
        names = ", ".join(moved)
        found.append(
            {
                "kk": f"өтініштің иесі өзгертілген ({names})",
                "ru": f"изменена принадлежность заявления ({names})",
            }
        )
    digests = [e.details["data_sha256"] for e in request.history if "data_sha256" in e.details]
    if not digests or digests[-1] != data_digest(record.data):
        found.append(
            {
                "kk": "өтініш деректері тарихтан тыс өзгертілген",
                "ru": "данные заявления изменены вне истории",
            }
        )
    if record.state != request.state or record.number != request.number:
        found.append(
            {
                "kk": "жол тарихпен сәйкес емес (күйі немесе нөмірі)",
                "ru": "строка не совпадает с историей (состояние или номер)",
            }
        )
    return found


@dataclass
class Step:
    uow: UnitOfWork
    record: RequestRecord
    request: Request
    seal: Seal
    columns: dict[str, Any] = field(default_factory=dict)
    actor: Actor = SYSTEM
    """Who takes the step: the user as stored now (set by the use case once they may act)."""
    service: Service | None = None
    outbox: Outbox | None = None
    """Where the applicant's notification goes when this step decides the request."""

    def __post_init__(self) -> None:
        self.stored_seq = self.request.history[-1].seq

    def apply(self, clock: Clock, event: str, actor: Actor, **details: Any) -> None:
        with domain_rules():
            self.request.apply(event, actor, clock.now(), **details)

    def check(self, clock: Clock, event: str, actor: Actor, **details: Any) -> None:
        with domain_rules():
            self.request.check(event, actor, clock.now(), **details)

    def check_note(self, clock: Clock, event: str, actor: Actor, **details: Any) -> None:
        with domain_rules():
            self.request.check_note(event, actor, clock.now(), **details)

    def note(self, clock: Clock, event: str, actor: Actor, **details: Any) -> None:
        with domain_rules():
            self.request.note(event, actor, clock.now(), **details)

    def save(self) -> None:
        """Append the new entries, update the row (with its sealed head), and commit the unit of work.

        The one place the applicant is notified: when these entries decided the request (issued, or
        refused by any check), the notification goes to the outbox in this same unit of work - a
        decision rolled back sends nothing - and is delivered outside once committed."""
        self.uow.requests.save(
            self.request, self.stored_seq, **self.columns, **sealed(self.request, self.seal)
        )
        notification = self._decided()
        if notification is not None and self.outbox is not None:
            self.outbox.send(self.uow, notification)
        self.uow.commit()
        if notification is not None and self.outbox is not None:
            self.outbox.deliver(notification)

    def _decided(self) -> Notification | None:
        new = [entry for entry in self.request.history if entry.seq > self.stored_seq]
        moved = [entry.to_state for entry in new if entry.from_state != entry.to_state]
        if self.service is None or not any(state in FINAL for state in moved):
            return None
        return notification_for(self.service, self.record, self.request, new[-1].at)
