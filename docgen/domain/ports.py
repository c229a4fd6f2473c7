"""Interfaces the use cases need from the outside world.

Each has an embedded default in ``docgen.adapters`` (so nothing needs
setting up) and fakes in the tests subclass these same classes.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from docgen.domain.errors import DomainError

__all__ = [
    "KAZAKHSTAN",
    "CallbackRefused",
    "Clock",
    "NotaryRegistry",
    "PaymentConfirmation",
    "PaymentGateway",
    "PaymentOrder",
    "Person",
    "StateRegistry",
    "SystemClock",
    "kazakhstan_date",
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


class CallbackRefused(DomainError):
    """A payment callback that is not the gateway's: its signature does not verify, or it is unreadable."""

    code = "callback-refused"
    messages: ClassVar[dict[str, str]] = {
        "kk": "төлем шлюзінің хабарламасы расталмады ({problem})",
        "ru": "уведомление платёжного шлюза не подтверждено ({problem})",
    }


class PaymentGateway(ABC):
    """The e-government payment gateway (ЭҮТШ / ПШЭП)."""

    @abstractmethod
    def order(self, request_id: str, amount: str) -> PaymentOrder:
        """Open a payment for a request."""

    @abstractmethod
    def confirm(self, payload: bytes, signature: str) -> PaymentConfirmation:
        """Check the gateway's callback (its signature) and say what was paid; raises
        :class:`CallbackRefused` for a callback that is not the gateway's."""


class NotaryRegistry(ABC):
    """The unified notary information system (БНАЖ / ЕНИС): powers of attorney."""

    @abstractmethod
    def power_of_attorney_valid(
        self, number: str, issued_on: dt.date, representative_iin: str, principal: str
    ) -> bool:
        """Whether a (not notarised on paper) power of attorney is registered and in force, given to
        ``representative_iin`` by ``principal`` (the IIN or BIN of the person represented)."""


#: The time zone of registration days, deadlines and document dates. Since 1 March 2024 the whole
#: country keeps one time, UTC+5, which the IANA zone Asia/Almaty follows (tzdata 2024a and later).
KAZAKHSTAN = ZoneInfo("Asia/Almaty")


def kazakhstan_date(moment: dt.datetime) -> dt.date:
    """The Kazakhstan day of ``moment`` (a moment without a zone is taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(KAZAKHSTAN).date()


class Clock(ABC):
    """The time. History entries keep the moment in UTC; every date a person reads is the
    Kazakhstan day, so a request registered at 02:00 in Astana is dated that day, not the
    UTC day before."""

    @abstractmethod
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware."""

    def today(self) -> dt.date:
        """The current day in Kazakhstan."""
        return kazakhstan_date(self.now())


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)
