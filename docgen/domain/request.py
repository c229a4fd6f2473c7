"""The request: one application for one service, from its draft to its outcome.

A :class:`Request` changes only through :meth:`Request.apply`, which looks the
event up in the service's :class:`~docgen.domain.workflow.Workflow`, checks
who performs it and what it must carry, and only then appends one
:class:`~docgen.domain.history.HistoryEntry` and moves the request on. A
refused attempt raises and changes nothing. The history is the record: a
stored request is rebuilt by :meth:`Request.restore`, which checks the hash
chain and replays every entry through the workflow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from docgen.domain.catalog import Service
from docgen.domain.errors import (
    ActionNotOffered,
    ActorNotAllowed,
    BrokenHistory,
    DomainError,
    IllegalTransition,
    InvalidTimestamp,
    MissingDetail,
)
from docgen.domain.history import Actor, HistoryEntry, utc, verify_chain
from docgen.domain.workflow import (
    ACTORS,
    EVENTS,
    NOTES,
    OUTCOMES,
    STATES,
    Note,
    Outcome,
    Transition,
    Workflow,
)

__all__ = ["Request"]

_NOTHING = {"kk": "жоқ (өтініш бойынша шешім қабылданған)", "ru": "нет (по заявлению принято решение)"}


def _event_label(event: str) -> dict[str, str]:
    text = EVENTS.get(event) or (NOTES[event].label if event in NOTES else None)
    return text.as_dict() if text else {"kk": event, "ru": event}


def _listing(rows: Sequence[Transition]) -> dict[str, str]:
    if not rows:
        return _NOTHING
    return {lang: "; ".join(f"«{row.label(lang)}» ({row.key})" for row in rows) for lang in ("kk", "ru")}


def _actors(kinds: Sequence[str]) -> dict[str, str]:
    return {lang: ", ".join(f"{ACTORS[kind][lang]} ({kind})" for kind in kinds) for lang in ("kk", "ru")}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Request:
    """An application for an electronic state service, with its history.

    Made by :meth:`open` (a new draft) or :meth:`restore` (from stored
    history); its fields are read-only, and :meth:`apply` is the one way to
    change them.
    """

    def __init__(
        self,
        *,
        workflow: Workflow,
        request_id: str,
        action: str,
        applicant: Mapping[str, Any],
        opening: HistoryEntry,
    ) -> None:
        self._workflow = workflow
        self._id = request_id
        self._action = action
        self._applicant = MappingProxyType(dict(applicant))
        self._state = opening.to_state
        self._number: str | None = None
        self._outcome: Outcome | None = None
        self._history: list[HistoryEntry] = [opening]

    # -- making one --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        service: Service,
        *,
        request_id: str,
        action: str,
        channel: str,
        applicant: Mapping[str, Any],
        actor: Actor,
        at: datetime,
        details: Mapping[str, Any] | None = None,
    ) -> Request:
        """A new draft of ``service`` on ``channel``, opened by ``actor`` at ``at``; ``details`` are
        recorded in the opening entry too (e.g. the digest of the data filed, who it is for)."""
        workflow = Workflow.for_service(service, channel)
        if action not in service.actions:
            raise ActionNotOffered(service=service.code, action=action, known=", ".join(service.actions))
        if _blank(request_id):
            raise MissingDetail(event=_event_label("open"), event_code="open", detail="request_id", hint="")
        opening = workflow.opening
        if actor.kind not in opening.actors:
            raise ActorNotAllowed(
                event=_event_label("open"),
                event_code="open",
                actor=_actors([actor.kind]),
                allowed=_actors(opening.actors),
            )
        entry = HistoryEntry.record(
            None,
            request_id=request_id,
            at=at,
            actor=actor,
            event=opening.event,
            step=opening.step.as_dict(),
            from_state=None,
            to_state=opening.target,
            details={**(details or {}), "service": service.code, "action": action, "channel": channel},
        )
        return cls(
            workflow=workflow, request_id=request_id, action=action, applicant=applicant, opening=entry
        )

    @classmethod
    def restore(
        cls,
        service: Service,
        history: Sequence[HistoryEntry],
        *,
        applicant: Mapping[str, Any],
        head: str | None = None,
    ) -> Request:
        """The request whose recorded history is ``history`` (``head``: its last hash, if kept apart).

        Raises :class:`~docgen.domain.errors.BrokenHistory` when the chain is
        broken or an entry is not a legal step of the workflow.
        """
        broken = verify_chain(history, head=head)
        if broken is not None:
            raise BrokenHistory(
                index=broken + 1,
                problem={"kk": "хэш тізбегі үзілген", "ru": "цепочка хэшей нарушена"},
            )
        if not history:
            raise BrokenHistory(index=1, problem={"kk": "тарих бос", "ru": "история пуста"})
        first = history[0]
        details = first.details
        if first.event != "open" or details.get("service") != service.code:
            raise BrokenHistory(
                index=1,
                problem={
                    "kk": f"бірінші жазба {service.code} қызметінің өтінішін ашпайды",
                    "ru": f"первая запись не открывает заявление услуги {service.code}",
                },
            )
        try:
            request = cls.open(
                service,
                request_id=first.request_id,
                action=str(details.get("action")),
                channel=str(details.get("channel")),
                applicant=applicant,
                actor=first.actor,
                at=first.at,
                details={k: v for k, v in details.items() if k not in ("service", "action", "channel")},
            )
        except DomainError as error:
            raise BrokenHistory(
                index=1, problem={"kk": error.message("kk"), "ru": error.message("ru")}
            ) from error
        if request._history[0] != first:
            raise BrokenHistory(
                index=1, problem={"kk": "ашу жазбасы сәйкес келмейді", "ru": "запись открытия не совпадает"}
            )
        for index, entry in enumerate(history[1:], start=2):
            if entry.event in NOTES:
                request._restore_note(index, entry)
                continue
            try:
                transition = request._check(entry.event, entry.actor, entry.at, entry.details)
            except DomainError as error:
                raise BrokenHistory(
                    index=index, problem={"kk": error.message("kk"), "ru": error.message("ru")}
                ) from error
            if entry.from_state != request.state or entry.to_state != transition.target:
                raise BrokenHistory(
                    index=index,
                    problem={
                        "kk": f"{entry.from_state} → {entry.to_state} өтуі жазылған, ал күтілгені "
                        f"{request.state} → {transition.target}",
                        "ru": f"записан переход {entry.from_state} → {entry.to_state}, ожидался "
                        f"{request.state} → {transition.target}",
                    },
                )
            request._commit(transition, entry)
        return request

    # -- reading -----------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._id

    @property
    def service(self) -> str:
        """The service code."""
        return self._workflow.service

    @property
    def action(self) -> str:
        return self._action

    @property
    def channel(self) -> str:
        return self._workflow.channel

    @property
    def applicant(self) -> Mapping[str, Any]:
        """The applicant's data, read-only."""
        return self._applicant

    @property
    def workflow(self) -> Workflow:
        return self._workflow

    @property
    def state(self) -> str:
        return self._state

    def state_label(self, lang: str) -> str:
        """The state as the applicant's status page shows it."""
        return STATES[self._state].label[lang]

    @property
    def number(self) -> str | None:
        """The request number, given at registration."""
        return self._number

    @property
    def outcome(self) -> Outcome | None:
        return self._outcome

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._history)

    @property
    def head(self) -> str:
        """The hash of the last history entry (keep it apart to catch a history cut short)."""
        return self._history[-1].hash

    @property
    def opened_at(self) -> datetime:
        return self._history[0].at

    @property
    def registered_at(self) -> datetime | None:
        for entry in self._history:
            if entry.event == "register":
                return entry.at
        return None

    @property
    def is_final(self) -> bool:
        return STATES[self._state].final

    def allowed(self) -> tuple[Transition, ...]:
        """What may happen to the request now."""
        return self._workflow.allowed(self._state)

    def __repr__(self) -> str:
        return f"Request({self._id!r}, {self.service!r}, {self.channel!r}, state={self._state!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Request) and other._id == self._id

    def __hash__(self) -> int:
        return hash(self._id)

    # -- changing ----------------------------------------------------------------------------

    def apply(self, event: str, actor: Actor, at: datetime, **details: Any) -> HistoryEntry:
        """Perform ``event`` as ``actor`` at ``at``; the recorded history entry is returned.

        A refusal names its outcome: ``apply("refuse", actor, at,
        outcome="signature-not-confirmed", reason="revoked")``. Registration
        gives the number: ``apply("register", system, at, number="...")``.
        Raises a :class:`~docgen.domain.errors.DomainError` and changes nothing
        when the event is not allowed now, not to this actor, or lacks a detail.
        """
        transition = self._check(event, actor, at, details)
        entry = self._entry(event, actor, at, transition.step.as_dict(), transition.target, details)
        self._commit(transition, entry)
        return entry

    def _entry(
        self, event: str, actor: Actor, at: datetime, step: dict[str, str], to_state: str, details: Any
    ) -> HistoryEntry:
        """The next history entry, chained to the last one."""
        return HistoryEntry.record(
            self._history[-1],
            request_id=self._id,
            at=at,
            actor=actor,
            event=event,
            step=step,
            from_state=self._state,
            to_state=to_state,
            details=details,
        )

    def check(self, event: str, actor: Actor, at: datetime, **details: Any) -> None:
        """Raise as :meth:`apply` would, changing nothing: lets a use case refuse a step before it
        renders or signs anything."""
        self._check(event, actor, at, details)

    def check_note(self, event: str, actor: Actor, at: datetime, **details: Any) -> None:
        """Raise as :meth:`note` would, changing nothing."""
        self._check_note(event, actor, at, details)

    def note(self, event: str, actor: Actor, at: datetime, **details: Any) -> HistoryEntry:
        """Record ``event`` (one of :data:`~docgen.domain.workflow.NOTES`) without moving the request.

        Raises, changing nothing, when the note may not be made now, by this actor, or lacks a
        detail - as :meth:`apply` does.
        """
        note = self._check_note(event, actor, at, details)
        entry = self._entry(event, actor, at, note.label.as_dict(), self._state, details)
        self._history.append(entry)
        return entry

    def _check_note(self, event: str, actor: Actor, at: datetime, details: Mapping[str, Any]) -> Note:
        note = self._workflow.notes.get(event)
        if note is None or self._state not in note.states:
            raise IllegalTransition(
                state=STATES[self._state].label.as_dict(),
                state_code=self._state,
                event=_event_label(event),
                event_code=event,
                allowed=_listing(self.allowed()),
            )
        actors = note.actors_on(self.channel)
        if actor.kind not in actors:
            raise ActorNotAllowed(
                event=_event_label(event),
                event_code=event,
                actor=_actors([actor.kind]),
                allowed=_actors(actors),
            )
        for name in note.requires:
            if _blank(details.get(name)):
                raise MissingDetail(event=_event_label(event), event_code=event, detail=name, hint="")
        self._check_time(at)
        return note

    def _restore_note(self, index: int, entry: HistoryEntry) -> None:
        try:
            self._check_note(entry.event, entry.actor, entry.at, entry.details)
        except DomainError as error:
            raise BrokenHistory(
                index=index, problem={"kk": error.message("kk"), "ru": error.message("ru")}
            ) from error
        if entry.from_state != self._state or entry.to_state != self._state:
            raise BrokenHistory(
                index=index,
                problem={
                    "kk": f"жазба күйді өзгертпеуі керек ({self._state})",
                    "ru": f"запись не должна менять состояние ({self._state})",
                },
            )
        self._history.append(entry)

    def _check_time(self, at: datetime) -> None:
        moment = utc(at)
        last = self._history[-1].at
        if moment < last:
            raise InvalidTimestamp(
                value=moment.isoformat(),
                problem={
                    "kk": f"соңғы жазбадан ерте ({last.isoformat()})",
                    "ru": f"раньше последней записи ({last.isoformat()})",
                },
            )

    def _check(self, event: str, actor: Actor, at: datetime, details: Mapping[str, Any]) -> Transition:
        """The transition ``event`` takes now; raises if it may not happen. Changes nothing."""
        allowed = self.allowed()
        outcome = details.get("outcome")
        transition = self._workflow.find(self._state, event, outcome)
        state = STATES[self._state].label.as_dict()
        if transition is None and event == "refuse" and _blank(outcome):
            refusals = [row for row in allowed if row.event == "refuse"]
            if refusals:
                raise MissingDetail(
                    event=_event_label(event),
                    event_code=event,
                    detail="outcome",
                    hint={
                        "kk": f" (мүмкіндері: {', '.join(str(row.outcome) for row in refusals)})",
                        "ru": f" (возможны: {', '.join(str(row.outcome) for row in refusals)})",
                    },
                )
        if transition is None:
            label = _event_label(event)
            if event == "refuse" and isinstance(outcome, str) and outcome in OUTCOMES:
                label = OUTCOMES[outcome].label.as_dict()
            raise IllegalTransition(
                state=state,
                state_code=self._state,
                event=label,
                event_code=f"refuse:{outcome}" if event == "refuse" and outcome else event,
                allowed=_listing(allowed),
            )
        if actor.kind not in transition.actors:
            raise ActorNotAllowed(
                event=_event_label(event),
                event_code=transition.key,
                actor=_actors([actor.kind]),
                allowed=_actors(transition.actors),
            )
        for name in transition.requires:
            if _blank(details.get(name)):
                raise MissingDetail(
                    event=_event_label(event), event_code=transition.key, detail=name, hint=""
                )
        if transition.outcome:
            for name, choices in OUTCOMES[transition.outcome].choices:
                if details.get(name) not in choices:
                    raise MissingDetail(
                        event=_event_label(event),
                        event_code=transition.key,
                        detail=name,
                        hint={
                            "kk": f" (мүмкіндері: {', '.join(choices)})",
                            "ru": f" (возможны: {', '.join(choices)})",
                        },
                    )
        self._check_time(at)
        return transition

    def _commit(self, transition: Transition, entry: HistoryEntry) -> None:
        """Move the request on; called only once every check has passed and ``entry`` exists."""
        self._history.append(entry)
        self._state = transition.target
        if transition.event == "register":
            self._number = str(entry.details["number"])
        if transition.outcome:
            details = {key: value for key, value in entry.details.items() if key != "outcome"}
            self._outcome = Outcome(transition.outcome, MappingProxyType(details))
