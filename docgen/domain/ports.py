"""Interfaces the use cases need from the outside world.

Each has an embedded default in ``docgen.adapters`` (so nothing needs
setting up) and fakes in the tests subclass these same classes.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass

__all__ = [
    "Clock",
    "NotaryRegistry",
    "PaymentConfirmation",
    "PaymentGateway",
    "PaymentOrder",
    "Person",
    "StateRegistry",
    "SystemClock",
]


@dataclass(frozen=True)
class Person:
    """A record of the state database of individuals (ЖТ МДҚ) or legal entities (ЗТ МДҚ)."""

    number: str
    kind: str  # "individual" | "legal"
    name: str
    address: str | None = None


class StateRegistry(ABC):
    """The state databases of individuals and legal entities."""

    @abstractmethod
    def find(self, number: str) -> Person | None:
        """The person or organisation with this IIN/BIN, or ``None`` ("data not found")."""


@dataclass(frozen=True)
class PaymentOrder:
    request_id: str
    amount: str
    reference: str


@dataclass(frozen=True)
class PaymentConfirmation:
    request_id: str
    amount: str
    reference: str
    paid_at: dt.datetime
    method: str  # "gateway" | "receipt"


class PaymentGateway(ABC):
    """The e-government payment gateway (ЭҮТШ / ПШЭП)."""

    @abstractmethod
    def order(self, request_id: str, amount: str) -> PaymentOrder:
        """Open a payment for a request."""

    @abstractmethod
    def confirm(self, payload: bytes, signature: str) -> PaymentConfirmation:
        """Check the gateway's callback (its signature) and say what was paid."""


class NotaryRegistry(ABC):
    """The unified notary information system (БНАЖ / ЕНИС): powers of attorney."""

    @abstractmethod
    def power_of_attorney_valid(self, number: str, issued_on: dt.date, representative_iin: str) -> bool:
        """Whether a (not notarised on paper) power of attorney is registered and in force."""


class Clock(ABC):
    @abstractmethod
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware (UTC)."""


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)
