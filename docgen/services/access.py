"""Who may do what: the rules every use case checks before it reads or changes anything.

The CLI and the web only say *who* is asking (a :class:`~docgen.domain.users.User`
found by login, or by login and password); these rules decide. A refusal is
:class:`~docgen.errors.NotAllowed`, naming the user and what was asked, in
Kazakh and Russian.

- An applicant sees and acts on the requests they are the applicant of (their
  IIN, or their organisation's BIN) or the named representative of, and on
  the requests they opened themselves.
- A clerk sees and acts on the requests and documents of their own provider.
- A centre operator files on the centre channel for the people who come in,
  and sees and hands over what was filed at their centre.
- An administrator manages users and reads everything; they take no step.
"""

from __future__ import annotations

from docgen.domain.catalog import Service
from docgen.domain.users import User
from docgen.errors import NotAllowed, UnknownUser, UserDisabled
from docgen.services.ports import DocumentRecord, RequestRecord, UnitOfWork

__all__ = [
    "acts_for",
    "current",
    "ensure_enabled",
    "may_act",
    "may_change_status",
    "may_file",
    "may_read",
    "may_read_document",
    "require_clerk",
]

_WHAT = {
    "file": {
        "kk": "осы арна арқылы осы қызметке өтініш беру",
        "ru": "подача заявления на эту услугу по этому каналу",
    },
    "file-for": {
        "kk": "басқа адамның атынан өтініш беру",
        "ru": "подача заявления от имени другого лица",
    },
    "read": {"kk": "бұл өтінішті көру", "ru": "просмотр этого заявления"},
    "act": {"kk": "бұл өтініш бойынша әрекет ету", "ru": "действия по этому заявлению"},
    "document": {"kk": "бұл құжатты алу", "ru": "получение этого документа"},
    "status": {
        "kk": "бұл лицензияның тізілімдегі мәртебесін өзгерту",
        "ru": "изменение статуса этой лицензии",
    },
    "queue": {"kk": "қызметкердің кезегін көру", "ru": "просмотр очереди сотрудника"},
}


def _deny(user: User, what: str) -> NotAllowed:
    return NotAllowed(login=user.login, what=_WHAT[what])


def current(uow: UnitOfWork, user: User) -> User:
    """The user as stored now: a ``User`` value held since sign-in is not trusted on its own, so an
    account disabled, changed or never stored acts no more."""
    stored = uow.users.get(user.login)
    if stored is None:
        raise UnknownUser(login=user.login)
    return ensure_enabled(stored)


def ensure_enabled(user: User) -> User:
    if not user.enabled:
        raise UserDisabled(login=user.login)
    return user


def acts_for(user: User, record: RequestRecord) -> bool:
    """The applicant of the request, or the representative it names."""
    if user.role != "applicant":
        return False
    if record.holder == user.holder:
        return True
    return record.representative_iin is not None and record.representative_iin == user.iin


def may_file(user: User, service: Service, channel: str, holder: str, representative_iin: str | None) -> None:
    """Filing: an applicant on the portal for themselves (or as the named representative), an
    operator on the centre channel, a clerk on their own provider's channel."""
    ensure_enabled(user)
    if user.role == "applicant":
        if channel != "portal":
            raise _deny(user, "file")
        if holder != user.holder and representative_iin != user.iin:
            raise _deny(user, "file-for")
        return
    if user.role == "operator" and channel == "centre":
        return
    if (
        user.role == "clerk"
        and channel in ("provider", "local-body")
        and service.provider_code == user.provider
    ):
        return
    raise _deny(user, "file")


def sees(user: User, record: RequestRecord) -> bool:
    """Whether ``user`` may read ``record`` (for lists: :func:`may_read` raises instead)."""
    return user.enabled and _sees(user, record)


def may_read(user: User, record: RequestRecord) -> None:
    ensure_enabled(user)
    if not _sees(user, record):
        raise _deny(user, "read")


def _sees(user: User, record: RequestRecord) -> bool:
    if user.role == "admin":
        return True
    if user.role == "applicant":
        return acts_for(user, record) or record.filed_by == user.login
    if user.role == "clerk":  # not an applicant's draft: it is not filed until it is submitted
        return record.provider == user.provider and (record.state != "draft" or record.filed_by == user.login)
    return user.role == "operator" and record.centre is not None and record.centre == user.centre


def may_act(user: User, record: RequestRecord) -> None:
    """Taking a step of the request (which steps each role may take is the workflow's rule)."""
    ensure_enabled(user)
    allowed = {
        "applicant": record.channel == "portal" and acts_for(user, record),
        "clerk": record.provider == user.provider,
        "operator": record.centre is not None and record.centre == user.centre,
    }.get(user.role, False)
    if not allowed:
        raise _deny(user, "act")


def may_read_document(user: User, document: DocumentRecord, record: RequestRecord) -> None:
    """Handing out a document: its holder, or the clerk or operator who deals with its request. An
    administrator supervises the record but is handed no one's documents."""
    ensure_enabled(user)
    if user.role == "applicant" and document.holder == user.holder:
        return
    if user.role == "admin" or not _sees(user, record):
        raise _deny(user, "document")


def may_change_status(user: User, document: DocumentRecord) -> None:
    ensure_enabled(user)
    if user.role != "clerk" or document.provider != user.provider:
        raise _deny(user, "status")


def require_clerk(user: User) -> None:
    ensure_enabled(user)
    if user.role != "clerk":
        raise _deny(user, "queue")
