"""``docgen audit verify``: is every request's recorded history intact?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docgen.domain.catalog import Catalog
from docgen.domain.errors import BrokenHistory
from docgen.domain.history import verify_chain
from docgen.domain.request import Request
from docgen.services.ports import UnitOfWorkFactory

__all__ = ["AuditService"]


@dataclass
class AuditService:
    uow: UnitOfWorkFactory
    catalog: Catalog

    def verify(self) -> list[dict[str, Any]]:
        """Every request whose history chain is broken or does not replay, or whose row differs
        from its history: empty when all is well."""
        problems = []
        with self.uow(write=False) as uow:
            for request_id in uow.requests.ids():
                record = uow.requests.get(request_id)
                chain = uow.requests.history(request_id)
                broken = verify_chain(chain)
                if record is None or broken is not None:
                    entry = broken + 1 if broken is not None else None
                    problems.append({"id": request_id, "entry": entry, "problem": "hash chain broken"})
                    continue
                try:
                    request = Request.restore(
                        self.catalog.get(record.service), chain, applicant=record.data["applicant"]
                    )
                except BrokenHistory as error:
                    problems.append({"id": request_id, "entry": None, "problem": error.message("ru")})
                    continue
                if record.state != request.state or record.number != request.number:
                    problems.append(
                        {"id": request_id, "entry": None, "problem": "row differs from its history"}
                    )
        return problems
