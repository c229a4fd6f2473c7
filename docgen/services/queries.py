"""What people look at: one request, an applicant's own requests, a clerk's queue, what is overdue.

Each answer is what the asking user may see: an applicant their own
requests, a clerk their provider's, an operator what was filed at their
centre.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from docgen.domain.catalog import Catalog
from docgen.domain.ports import Clock
from docgen.domain.seal import Seal
from docgen.domain.users import User
from docgen.domain.workflow import STATES
from docgen.errors import NotAllowed, RequestNotFound
from docgen.services import access
from docgen.services.ports import Notification, RequestRecord, UnitOfWorkFactory
from docgen.services.steps import load

__all__ = ["QueryService"]

#: How many days before its deadline a request counts as due soon in a clerk's queue.
DUE_SOON_DAYS = 2


@dataclass
class QueryService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    clock: Clock
    seal: Seal

    def show(self, user: User, request_id: str) -> dict[str, Any]:
        """State, number, deadline, outcome, history and documents of one request."""
        with self.uow(write=False) as uow:
            record = uow.requests.get(request_id)
            if record is None:
                raise RequestNotFound(id=request_id)
            access.may_read(access.current(uow, user), record)
            step = load(uow, self.catalog, self.seal, request_id)
            documents = uow.documents.for_request(request_id)
        request = step.request
        return self._summary(record) | {
            "state": request.state,
            "number": request.number,
            "outcome": request.outcome.to_dict() if request.outcome else None,
            "signature_check": record.signature_check,
            "history": [entry.to_dict() for entry in request.history],
            "documents": [
                {"kind": d.kind, "number": d.number, "sha256": d.sha256, "status": d.status}
                for d in documents
            ],
        }

    def mine(self, user: User) -> list[dict[str, Any]]:
        """An applicant's "history of services": the requests they are the applicant of or opened,
        each with the notifications sent about it (``notifications``); an operator's: what was filed
        at their centre."""
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            if user.role == "operator":
                rows = uow.requests.find(centre=user.centre)
            else:
                holders = [number for number in (user.holder,) if number]
                rows = uow.requests.find(holders=holders, filed_by=user.login)
            sent = uow.notifications.for_recipients([user.holder]) if user.holder else []
        rows = [row for row in rows if _visible(user, row)]
        return [
            self._summary(row) | {"notifications": [_notice(n) for n in sent if n.request_id == row.id]}
            for row in rows
        ]

    def notifications(self, user: User) -> list[dict[str, Any]]:
        """The messages sent to an applicant (their IIN, or their organisation's BIN), newest first:
        which request, what is ready, the document's number, the text in kk and ru."""
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            if user.role != "applicant" or not user.holder:
                raise NotAllowed(
                    login=user.login,
                    what={"kk": "хабарламалар тек алушыға", "ru": "уведомления только для услугополучателя"},
                )
            sent = uow.notifications.for_recipients([user.holder])
        return [_notice(n) for n in sent]

    def queue(self, user: User, soon_days: int = DUE_SOON_DAYS) -> list[dict[str, Any]]:
        """A clerk's undecided requests of their provider: overdue first, then due soon, then by due date."""
        today = self.clock.today()
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            access.require_clerk(user)
            rows = [
                row
                for row in uow.requests.find(provider=user.provider, open_only=True)
                if access.sees(user, row)
            ]
        far = dt.date.max

        def urgency(row: RequestRecord) -> tuple[int, dt.date, dt.datetime]:
            due = row.due_on or far
            rank = 0 if due < today else 1 if (due - today).days <= soon_days else 2
            return rank, due, row.created_at

        return [self._summary(row, today, soon_days) for row in sorted(rows, key=urgency)]

    def overdue(self, user: User, soon_days: int = 0) -> list[dict[str, Any]]:
        """Undecided requests past their due date (with ``soon_days``, also those due that soon):
        a clerk's of their provider, an administrator's of all."""
        today = self.clock.today()
        limit = today + dt.timedelta(days=soon_days) if soon_days else today - dt.timedelta(days=1)
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            if user.role != "admin":
                access.require_clerk(user)
            rows = uow.requests.find(
                provider=user.provider if user.role == "clerk" else None, open_only=True, due_by=limit
            )
        rows.sort(key=lambda row: (row.due_on or dt.date.max, row.created_at))
        return [self._summary(row, today, soon_days) for row in rows]

    def _summary(
        self, row: RequestRecord, today: dt.date | None = None, soon_days: int = 0
    ) -> dict[str, Any]:
        today = today or self.clock.today()
        service = self.catalog.get(row.service)
        due = row.due_on
        return {
            "id": row.id,
            "service": row.service,
            "title": dict(service.title),
            "action": row.action,
            "channel": row.channel,
            "state": row.state,
            "state_label": STATES[row.state].label.as_dict(),
            "number": row.number,
            "holder": row.holder,
            "applicant": row.data["applicant"]["name"],
            "filed_on": row.data.get("filed_on"),
            "registered": row.registered_on.isoformat() if row.registered_on else None,
            "due": due.isoformat() if due else None,
            "overdue": bool(due and due < today and not STATES[row.state].final),
            "due_soon": bool(due and today <= due and (due - today).days <= soon_days),
        }


def _notice(notification: Notification) -> dict[str, Any]:
    return {
        "request_id": notification.request_id,
        "kind": notification.kind,
        "document": notification.document,
        "message": dict(notification.message),
        "at": notification.created_at.isoformat(),
        "email": notification.email,
    }


def _visible(user: User, row: RequestRecord) -> bool:
    try:
        access.may_read(user, row)
    except NotAllowed:
        return False
    return True
