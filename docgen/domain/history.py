"""The request's history: appended, never rewritten, chained by hash.

Every transition of a request becomes one :class:`HistoryEntry`: when (an
aware UTC moment), who (the actor's kind, login and name), which step of the
regulation, and what changed (from-state, to-state, details). Each entry
stores the hash of the one before it (``previous_hash``) and its own ``hash``:
SHA-256 over the canonical JSON of all its other fields. Editing any field of
any entry, deleting an entry or putting entries in another order breaks the
chain, and :func:`verify_chain` names the first broken entry. Cutting entries
off the end leaves a valid (shorter) chain: it is caught only against the
last hash kept elsewhere (``head``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from docgen.domain.errors import InvalidActor, InvalidDetails, InvalidTimestamp

__all__ = [
    "ACTOR_KINDS",
    "Actor",
    "HistoryEntry",
    "canonical_json",
    "utc",
    "verify_chain",
]

#: Who takes part: the applicant (услугополучатель), the provider's clerk
#: (also the local executive body's), the public service centre's operator, and
#: the information systems themselves (portal, payment gateway, state databases).
ACTOR_KINDS = ("applicant", "clerk", "operator", "system")


def canonical_json(data: Any) -> bytes:
    """``data`` as canonical JSON: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a moment without a time zone is refused, not guessed."""
    if not isinstance(moment, datetime):
        raise InvalidTimestamp(
            value=repr(moment),
            problem={"kk": "datetime күтілген", "ru": "ожидался datetime"},
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTimestamp(
            value=moment.isoformat(),
            problem={"kk": "уақыт белдеуі көрсетілмеген", "ru": "не указан часовой пояс"},
        )
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Actor:
    """Who performed a step: kind (one of :data:`ACTOR_KINDS`), login and display name."""

    kind: str
    login: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS or not str(self.login).strip():
            raise InvalidActor(kind=self.kind, login=self.login, known=", ".join(ACTOR_KINDS))

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "login": self.login, "name": self.name}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        return cls(kind=str(data["kind"]), login=str(data["login"]), name=str(data.get("name", "")))


def _frozen_json(value: Mapping[str, Any], event: str) -> Mapping[str, Any]:
    """A read-only copy of ``value`` that is known to survive a JSON round trip."""
    try:
        copy = json.loads(canonical_json(dict(value)))
    except (TypeError, ValueError) as error:
        raise InvalidDetails(event=event, problem=str(error)) from error
    return MappingProxyType(copy)


@dataclass(frozen=True)
class HistoryEntry:
    """One transition of one request, as it was recorded."""

    request_id: str
    seq: int
    """Position in the request's history, from 1."""
    at: datetime
    """When, in UTC."""
    actor: Actor
    event: str
    step: Mapping[str, str]
    """The regulation's step, ``{"kk": ..., "ru": ...}``."""
    from_state: str | None
    """``None`` for the entry that opens the request."""
    to_state: str
    details: Mapping[str, Any]
    previous_hash: str | None
    hash: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", utc(self.at))
        object.__setattr__(self, "step", MappingProxyType({"kk": self.step["kk"], "ru": self.step["ru"]}))
        object.__setattr__(self, "details", _frozen_json(self.details, self.event))

    @classmethod
    def record(
        cls,
        previous: HistoryEntry | None,
        *,
        request_id: str,
        at: datetime,
        actor: Actor,
        event: str,
        step: Mapping[str, str],
        from_state: str | None,
        to_state: str,
        details: Mapping[str, Any] | None = None,
    ) -> HistoryEntry:
        """The entry that follows ``previous`` (``None``: the first), with its hash computed."""
        draft = cls(
            request_id=request_id,
            seq=1 if previous is None else previous.seq + 1,
            at=at,
            actor=actor,
            event=event,
            step=step,
            from_state=from_state,
            to_state=to_state,
            details=details or {},
            previous_hash=None if previous is None else previous.hash,
            hash="",
        )
        return cls(**{**draft._fields(), "hash": draft.compute_hash()})

    def _fields(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    def payload(self) -> dict[str, Any]:
        """Everything the hash covers: all fields but ``hash`` itself (``previous_hash`` included)."""
        data = self.to_dict()
        del data["hash"]
        return data

    def compute_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`payload`."""
        return hashlib.sha256(canonical_json(self.payload())).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for storage."""
        return {
            "request_id": self.request_id,
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor.to_dict(),
            "event": self.event,
            "step": dict(self.step),
            "from_state": self.from_state,
            "to_state": self.to_state,
            "details": json.loads(canonical_json(dict(self.details))),
            "previous_hash": self.previous_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """The entry as stored by :meth:`to_dict`; its hash is kept as stored, not recomputed."""
        return cls(
            request_id=str(data["request_id"]),
            seq=int(data["seq"]),
            at=datetime.fromisoformat(str(data["at"])),
            actor=Actor.from_dict(data["actor"]),
            event=str(data["event"]),
            step=data["step"],
            from_state=None if data["from_state"] is None else str(data["from_state"]),
            to_state=str(data["to_state"]),
            details=data.get("details") or {},
            previous_hash=None if data["previous_hash"] is None else str(data["previous_hash"]),
            hash=str(data["hash"]),
        )


def verify_chain(entries: Sequence[HistoryEntry], *, head: str | None = None) -> int | None:
    """The index of the first entry that breaks the chain, or ``None`` if it holds.

    An entry is broken when its hash is not the hash of its fields, when its
    ``previous_hash`` is not the hash of the entry before it (``None`` for the
    first), when its ``seq`` is not its position, or when it belongs to another
    request than the first entry. With ``head`` (the last hash, kept apart from
    the entries) a history cut short is caught too: the index returned is then
    ``len(entries)``, where the missing entry should be.
    """
    previous: HistoryEntry | None = None
    for index, entry in enumerate(entries):
        if (
            entry.hash != entry.compute_hash()
            or entry.seq != index + 1
            or entry.previous_hash != (None if previous is None else previous.hash)
            or entry.request_id != entries[0].request_id
        ):
            return index
        previous = entry
    if head is not None and (previous is None or previous.hash != head):
        return len(entries)
    return None
