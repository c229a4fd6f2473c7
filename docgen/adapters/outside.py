"""Embedded defaults for the outside systems: state databases, payment gateway, notary.

- :class:`~docgen.adapters.db.people.TableStateRegistry` (in ``db``) reads the ``people`` table.
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
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from docgen.domain.ports import (
    KAZAKHSTAN,
    CallbackRefused,
    NotaryRegistry,
    PaymentConfirmation,
    PaymentGateway,
    PaymentOrder,
)

__all__ = ["LocalNotary", "SandboxGateway", "local_secret"]


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
        given = signature.encode("utf-8", "replace") if isinstance(signature, str) else b""
        if not isinstance(payload, bytes) or not hmac.compare_digest(self.sign(payload).encode(), given):
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
    def __init__(self, registered: Iterable[tuple[str, str, str]] = ()) -> None:
        """``registered``: (power of attorney number, representative IIN, principal IIN/BIN)."""
        self.registered = set(registered)

    def power_of_attorney_valid(
        self, number: str, issued_on: dt.date, representative_iin: str, principal: str
    ) -> bool:
        today = dt.datetime.now(KAZAKHSTAN).date()
        return (number, representative_iin, principal) in self.registered and issued_on <= today


def local_secret(path: Path) -> bytes:
    """The secret kept in ``path``, made (32 random bytes, readable by the owner only) if there is none."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made at the same moment by another process: use that one
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as file:
        file.write(secret)
    return secret
