"""The errors the pure domain raises, in Kazakh and Russian.

The domain may import only the standard library and itself (a test checks
it), so it cannot derive from :class:`docgen.errors.DocgenError`. Its errors
speak the same protocol instead: a stable ``code``, the ``params`` that fill
the message, and :meth:`DomainError.message` in ``kk``, ``ru`` or ``kk+ru``.
Outside the core :class:`docgen.errors.DomainRefusal` wraps any of them, so the
CLI and the web layer handle one hierarchy.

A parameter given as ``{"kk": ..., "ru": ...}`` is put in the message in the
message's own language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "ActionNotOffered",
    "ActorNotAllowed",
    "Bilingual",
    "BrokenHistory",
    "ChannelNotOffered",
    "DomainError",
    "IllegalTransition",
    "InvalidActor",
    "InvalidDetails",
    "InvalidTimestamp",
    "MissingDetail",
]


class Bilingual(Exception):
    """An error that speaks Kazakh and Russian: ``messages`` holds a format string per
    language, the constructor's keyword arguments fill it (a ``{"kk", "ru"}`` value is
    shown in the message's own language). Shared by the domain's and the application's
    error hierarchies."""

    code: ClassVar[str] = "error"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Қате: {detail}",
        "ru": "Ошибка: {detail}",
    }

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("ru"))

    def message(self, lang: str = "ru") -> str:
        """The error in ``lang`` (``kk`` or ``ru``; ``kk+ru`` gives both)."""
        if "+" in lang:
            return " / ".join(self.message(part) for part in lang.split("+"))
        template = self.messages.get(lang) or self.messages["ru"]
        values = {
            name: value[lang] if isinstance(value, Mapping) and lang in value else value
            for name, value in self.params.items()
        }
        return template.format(**values)


class DomainError(Bilingual):
    """Base of every error the domain raises on purpose."""

    code: ClassVar[str] = "domain"


class IllegalTransition(DomainError):
    """The event cannot happen in the request's present state (nothing was changed)."""

    code = "illegal-transition"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Өтініш «{state}» ({state_code}) күйінде тұр: «{event}» ({event_code}) әрекетін "
        "орындауға болмайды. Қазір мүмкін әрекеттер: {allowed}",
        "ru": "Заявление находится в состоянии «{state}» ({state_code}): действие «{event}» "
        "({event_code}) недопустимо. Сейчас допустимо: {allowed}",
    }


class ActorNotAllowed(DomainError):
    """The event is allowed now, but not to this kind of participant."""

    code = "actor-not-allowed"
    messages: ClassVar[dict[str, str]] = {
        "kk": "«{event}» ({event_code}) әрекетін {actor} орындай алмайды; оны орындайтындар: {allowed}",
        "ru": "Действие «{event}» ({event_code}) не может выполнить {actor}; его выполняют: {allowed}",
    }


class MissingDetail(DomainError):
    """The event needs a detail that was not given (the refusal's reason, the request number...)."""

    code = "missing-detail"
    messages: ClassVar[dict[str, str]] = {
        "kk": "«{event}» ({event_code}) әрекеті үшін «{detail}» мәліметі көрсетілмеген{hint}",
        "ru": "Для действия «{event}» ({event_code}) не указано сведение «{detail}»{hint}",
    }


class InvalidDetails(DomainError):
    """The details of an event cannot be stored as JSON."""

    code = "invalid-details"
    messages: ClassVar[dict[str, str]] = {
        "kk": "«{event}» әрекетінің мәліметтері сақталмайды: {problem}",
        "ru": "Сведения действия «{event}» не могут быть сохранены: {problem}",
    }


class InvalidTimestamp(DomainError):
    """A moment without a time zone, or earlier than the last recorded one."""

    code = "invalid-timestamp"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Уақыт белгісі дұрыс емес: {value} ({problem})",
        "ru": "Неверная отметка времени: {value} ({problem})",
    }


class InvalidActor(DomainError):
    """The participant's kind is unknown or the login is empty."""

    code = "invalid-actor"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Қатысушы дұрыс көрсетілмеген: түрі «{kind}», логині «{login}» (түрлері: {known})",
        "ru": "Участник указан неверно: вид «{kind}», логин «{login}» (виды: {known})",
    }


class ChannelNotOffered(DomainError):
    code = "channel-not-offered"
    messages: ClassVar[dict[str, str]] = {
        "kk": "{service} қызметі «{channel}» арнасы арқылы көрсетілмейді. Арналары: {known}",
        "ru": "Услуга {service} не оказывается через канал «{channel}». Каналы: {known}",
    }


class ActionNotOffered(DomainError):
    code = "action-not-offered"
    messages: ClassVar[dict[str, str]] = {
        "kk": "{service} қызметінде «{action}» әрекеті жоқ. Бар әрекеттері: {known}",
        "ru": "У услуги {service} нет действия «{action}». Есть действия: {known}",
    }


class BrokenHistory(DomainError):
    """A stored history fails its hash chain or does not replay through the workflow."""

    code = "broken-history"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Өтініштің тарихы бұзылған: №{index} жазба ({problem})",
        "ru": "История заявления нарушена: запись № {index} ({problem})",
    }
