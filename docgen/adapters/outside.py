"""Embedded defaults for the outside systems: state databases, payment gateway, notary.

- :class:`TableStateRegistry` reads the ``people`` table (``docgen demo`` fills it).
- :class:`SandboxGateway` stands in for the payment gateway: it confirms a
  payment through a callback signed with HMAC-SHA256 over the payload, as a
  real gateway does with its shared secret; a bad or missing signature is
  refused.
- :class:`LocalNotary` knows a list of registered powers of attorney.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable

from sqlalchemy import Engine, select

from docgen.adapters.db.tables import people
from docgen.domain.ports import (
    KAZAKHSTAN,
    CallbackRefused,
    NotaryRegistry,
    PaymentConfirmation,
    PaymentGateway,
    PaymentOrder,
    Person,
    StateRegistry,
)

__all__ = ["LocalNotary", "SandboxGateway", "TableStateRegistry"]


class TableStateRegistry(StateRegistry):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, number: str) -> Person | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(people).where(people.c.number == number)).first()
        return Person(row.number, row.kind, row.name, row.address) if row else None


class SandboxGateway(PaymentGateway):
    """A local payment gateway: orders are paid by a callback signed with the shared secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def order(self, request_id: str, amount: str) -> PaymentOrder:
        return PaymentOrder(request_id, amount, f"SBX-{secrets.token_hex(6).upper()}")

    def sign(self, payload: bytes) -> str:
        """What the gateway itself would put in the callback's signature header."""
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def pay(self, order: PaymentOrder, at: dt.datetime | None = None) -> tuple[bytes, str]:
        """Simulate the applicant paying: the callback payload and its signature."""
        payload = json.dumps(
            {
                "request_id": order.request_id,
                "amount": order.amount,
                "reference": order.reference,
                "paid_at": (at or dt.datetime.now(dt.UTC)).isoformat(),
            },
            sort_keys=True,
        ).encode()
        return payload, self.sign(payload)

    def confirm(self, payload: bytes, signature: str) -> PaymentConfirmation:
        if not hmac.compare_digest(self.sign(payload), signature or ""):
            raise CallbackRefused(problem={"kk": "қолтаңба сәйкес емес", "ru": "подпись не совпадает"})
        try:
            data = json.loads(payload)
            return PaymentConfirmation(
                str(data["request_id"]),
                str(data["amount"]),
                str(data["reference"]),
                dt.datetime.fromisoformat(data["paid_at"]),
                "gateway",
            )
        except (ValueError, KeyError, TypeError) as error:
            raise CallbackRefused(
                problem={"kk": "мазмұны оқылмайды", "ru": "содержимое не читается"}
            ) from error


class LocalNotary(NotaryRegistry):
    def __init__(self, registered: Iterable[tuple[str, str]] = ()) -> None:
        """``registered``: (power of attorney number, representative IIN) pairs."""
        self.registered = set(registered)

    def power_of_attorney_valid(self, number: str, issued_on: dt.date, representative_iin: str) -> bool:
        return (number, representative_iin) in self.registered and issued_on <= dt.datetime.now(
            KAZAKHSTAN
        ).date()
