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
from docgen.domain.errors import DomainError
from docgen.domain.history import Actor
from docgen.domain.ports import Clock
from docgen.domain.request import Request
from docgen.errors import DomainRefusal, RequestNotFound, UnknownService
from docgen.services.ports import RequestRecord, UnitOfWork

__all__ = ["SYSTEM", "Step", "domain_rules", "load", "service_of"]

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


def load(uow: UnitOfWork, catalog: Catalog, request_id: str, *, lock: bool = False) -> Step:
    """The request ``request_id`` as a step in ``uow``; :class:`RequestNotFound` if there is none."""
    record = uow.requests.get(request_id, lock=lock)
    if record is None:
        raise RequestNotFound(id=request_id)
    with domain_rules():
        request = Request.restore(
            service_of(catalog, record.service),
            uow.requests.history(request_id),
            applicant=record.data["applicant"],
        )
    return Step(uow, record, request)


@dataclass
class Step:
    uow: UnitOfWork
    record: RequestRecord
    request: Request
    columns: dict[str, Any] = field(default_factory=dict)
    actor: Actor = SYSTEM
    """Who takes the step: the user as stored now (set by the use case once they may act)."""

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
        """Append the new entries, update the row, and commit the unit of work."""
        self.uow.requests.save(self.request, self.stored_seq, **self.columns)
        self.uow.commit()
