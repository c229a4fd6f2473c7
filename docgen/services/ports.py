"""What the use cases need from storage and from the machinery around them, as interfaces.

The use cases see only these classes. ``docgen.adapters`` implements them
(SQLAlchemy on SQLite and PostgreSQL, the template renderer, PAdES signing,
Argon2, a folder of attachments); the fast tests implement them in memory as
subclasses of the same classes. Nothing here knows SQL, WeasyPrint or pyHanko.

A :class:`UnitOfWork` is one transaction: everything a use case reads and
writes through it is kept together by :meth:`UnitOfWork.commit`, and thrown
away when the block is left without a commit - on an error, too - so nothing
stays locked and nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from docgen.domain.history import HistoryEntry
from docgen.domain.request import Request
from docgen.domain.users import User

__all__ = [
    "AttachmentStore",
    "BatchLine",
    "BatchRecord",
    "BatchRenderer",
    "Batches",
    "Counters",
    "DatabaseOutbox",
    "DocumentRecord",
    "DocumentRenderer",
    "DocumentTimestamper",
    "Documents",
    "NewDocument",
    "Notification",
    "Notifications",
    "Official",
    "Outbox",
    "PasswordHasher",
    "Receipts",
    "RequestRecord",
    "Requests",
    "Signers",
    "SurveyAnswer",
    "SurveyToken",
    "Surveys",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "Users",
    "WebSession",
    "WebSessions",
]


# -- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRecord:
    """A stored request: its current state for queries, and who it belongs to.

    The history is the record of what happened (:meth:`Requests.history`);
    these columns are kept in step with it by the use cases.
    """

    id: str
    service: str
    provider: str
    action: str
    channel: str
    state: str
    data: dict[str, Any]
    created_at: dt.datetime
    holder: str
    """The IIN or BIN of the applicant the request is for."""
    filed_by: str
    """The login of the user who opened it (the applicant, a clerk or an operator)."""
    centre: str | None = None
    """The public service centre it was filed at (centre channel)."""
    number: str | None = None
    registered_on: dt.date | None = None
    due_on: dt.date | None = None
    outcome: dict[str, Any] | None = None
    signature_check: dict[str, Any] | None = None
    head: str | None = None
    """The hash of the last history entry, kept on the row to catch a history cut short."""
    head_seal: str | None = None
    """An HMAC of ``head`` under the audit key, which the database does not hold."""

    @property
    def representative_iin(self) -> str | None:
        representative = self.data.get("representative") or {}
        return representative.get("iin")


@dataclass(frozen=True)
class NewDocument:
    """A document about to be stored: made, signed and numbered inside the issuing transaction."""

    request_id: str
    kind: str
    number: str
    data: dict[str, Any]
    pdf: bytes
    sha256: str
    created_at: dt.datetime
    replaces: str | None = None
    duplicate: bool = False
    version: int = 1


@dataclass(frozen=True)
class DocumentRecord:
    """An issued document as stored, with its registry status and whose it is."""

    id: str
    request_id: str
    kind: str
    number: str
    version: int
    replaces: str | None
    duplicate: bool
    data: dict[str, Any]
    sha256: str
    pdf: bytes
    created_at: dt.datetime
    status: str
    """``active``, ``suspended``, ``terminated`` or ``replaced``."""
    service: str
    provider: str
    holder: str


@dataclass(frozen=True)
class Notification:
    """What the applicant is told when their result or refusal is ready (seed 004 items 6.11, 7.10:
    "in person or by e-mail"; the portal's personal cabinet elsewhere)."""

    request_id: str
    recipient: str
    """The IIN or BIN of the applicant the request is for (their list shows it)."""
    kind: str
    """``result-ready`` or ``refusal-ready``."""
    message: dict[str, str]
    """The message in ``kk`` and ``ru``: the service, the document's number, where to get it."""
    created_at: dt.datetime
    document: str | None = None
    """The number of the document that is ready (a refusal without a document has none)."""
    email: str | None = None
    """The applicant's e-mail address, when the request gives one."""


# -- repositories -----------------------------------------------------------------------------


class Requests(ABC):
    """Requests and their append-only histories."""

    @abstractmethod
    def add(self, request: Request, record: RequestRecord) -> None:
        """Store a new request with its first history entries."""

    @abstractmethod
    def get(self, request_id: str, *, lock: bool = False) -> RequestRecord | None:
        """The request, or ``None``; ``lock`` holds it against other writers until the end."""

    @abstractmethod
    def history(self, request_id: str) -> list[HistoryEntry]:
        """The request's history entries in order."""

    @abstractmethod
    def save(self, request: Request, stored_seq: int, **columns: Any) -> None:
        """Append the entries made after ``stored_seq`` and bring the row in step with ``request``
        (``columns``: ``registered_on``, ``due_on``, ``signature_check``, ``data``, ``head``,
        ``head_seal``)."""

    @abstractmethod
    def find(
        self,
        *,
        holders: Collection[str] = (),
        filed_by: str | None = None,
        provider: str | None = None,
        centre: str | None = None,
        open_only: bool = False,
        due_by: dt.date | None = None,
    ) -> list[RequestRecord]:
        """Requests matching every given filter (``holders`` or ``filed_by``: either matches),
        newest first."""

    @abstractmethod
    def ids(self) -> list[str]:
        """Every request id, oldest first (for the audit)."""


class Documents(ABC):
    """Issued documents (append-only) and their registry status."""

    @abstractmethod
    def add(self, document: NewDocument) -> str:
        """Store the document as *active*; a reissue marks the one it ``replaces`` *replaced*."""

    @abstractmethod
    def for_request(self, request_id: str) -> list[DocumentRecord]:
        """The request's documents, oldest first."""

    @abstractmethod
    def by_number(self, number: str, *, lock: bool = False) -> DocumentRecord | None:
        """The document with this number; ``lock`` holds its registry status against other writers."""

    @abstractmethod
    def duplicates_of(self, number: str) -> list[DocumentRecord]:
        """The duplicates issued of the document ``number``."""

    @abstractmethod
    def set_status(self, document_id: str, status: str, at: dt.datetime) -> None:
        """Change a document's registry status (the document itself never changes)."""

    @abstractmethod
    def add_file(self, document_id: str, pdf: bytes, sha256: str, at: dt.datetime) -> None:
        """Keep a later file of the document: the same signed document with a document timestamp
        and validation data added (PAdES B-LTA). The earlier files stay stored; the record's ``pdf``
        and ``sha256`` are the newest file's from then on."""

    @abstractmethod
    def numbers(self) -> list[str]:
        """Every stored document's number, oldest first."""


class Users(ABC):
    @abstractmethod
    def add(self, user: User) -> None:
        """Store a new user; the login must be free."""

    @abstractmethod
    def get(self, login: str) -> User | None: ...

    @abstractmethod
    def save(self, user: User) -> None:
        """Store the changed user (enabled, password hash)."""

    @abstractmethod
    def all(self) -> list[User]:
        """Every user, by login."""


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser session, kept on the server so it can be revoked.

    Only the SHA-256 of the random id the cookie holds is stored. ``role`` and ``password_stamp``
    (the SHA-256 of the password hash) are the account as it was at sign-in: when either changes,
    the session no longer holds."""

    id_hash: str
    login: str
    role: str
    password_stamp: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None


class WebSessions(ABC):
    @abstractmethod
    def add(self, session: WebSession) -> None:
        """Store a new session."""

    @abstractmethod
    def get(self, id_hash: str) -> WebSession | None: ...

    @abstractmethod
    def revoke(self, id_hash: str, at: dt.datetime) -> None:
        """Mark the session revoked (no-op when unknown or already revoked)."""

    @abstractmethod
    def revoke_all(self, login: str, at: dt.datetime) -> int:
        """Revoke every live session of ``login``; how many were revoked."""


@dataclass(frozen=True)
class SurveyToken:
    """A request's survey link, as stored: the SHA-256 of its token, never the token itself."""

    request_id: str
    token_sha256: str
    created_at: dt.datetime
    used_at: dt.datetime | None = None


@dataclass(frozen=True)
class SurveyAnswer:
    """One response: which service, provider and day, and the two answers (1..3). No request id,
    no login, no IIN: nothing ties it back to who answered."""

    service: str
    provider: str
    answered_on: dt.date
    q1: int
    q2: int
    channel: str = "link"
    """``link`` (answered by the citizen) or ``paper`` (entered by a centre's operator)."""


class Surveys(ABC):
    """Survey tokens (one per request) and the anonymous answers."""

    @abstractmethod
    def add_token(self, token: SurveyToken) -> None:
        """Store the request's token unless the request has one already (then nothing changes)."""

    @abstractmethod
    def token(self, token_sha256: str) -> SurveyToken | None: ...

    @abstractmethod
    def token_of(self, request_id: str) -> SurveyToken | None: ...

    @abstractmethod
    def use(self, token_sha256: str, at: dt.datetime) -> bool:
        """Mark the token used if it is not yet; whether this call did (exactly one of racing calls
        does: a conditional update)."""

    @abstractmethod
    def add_answer(self, answer: SurveyAnswer) -> None: ...

    @abstractmethod
    def answers(
        self,
        *,
        service: str | None = None,
        provider: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[SurveyAnswer]:
        """Answers matching every given filter (``start``/``end`` inclusive)."""


class Counters(ABC):
    @abstractmethod
    def next_value(self, provider: str, year: int, series: str) -> int:
        """The next gapless number of the series, given back if the transaction is not committed."""

    @abstractmethod
    def values(self) -> dict[tuple[str, int, str], int]:
        """Every series' last number, by (provider, year, series): what the audit counts against."""


class Receipts(ABC):
    @abstractmethod
    def claim(self, provider: str, receipt: str, request_id: str) -> str:
        """Take the paper receipt ``receipt`` of ``provider`` for ``request_id``; returns the request
        it pays (another one when it was taken before)."""


class Notifications(ABC):
    """The messages sent to applicants (append-only), written in the deciding unit of work."""

    @abstractmethod
    def add(self, notification: Notification) -> None: ...

    @abstractmethod
    def for_recipients(self, recipients: Collection[str]) -> list[Notification]:
        """The notifications to any of ``recipients`` (IINs / BINs), newest first."""


@dataclass(frozen=True)
class BatchRecord:
    """A batch as submitted (``docgen batch submit``): what to make of each of its lines."""

    id: str
    kind: str
    """``render`` (a JSON Lines file rendered, optionally signed) or ``reissue`` (a provider's licenses)."""
    params: dict[str, Any]
    """``render``: kind, lang, fmt, out, service, sign; ``reissue``: provider, service, out."""
    created_by: str
    created_at: dt.datetime
    total: int


@dataclass(frozen=True)
class BatchLine:
    """One line of a batch; (``batch_id``, ``line``) is its idempotency key."""

    batch_id: str
    line: int
    payload: bytes
    """The line's input: a JSON object (render) or a license number (reissue)."""
    status: str = "pending"
    """``pending``, ``running``, ``done`` or ``failed``."""
    number: str | None = None
    """The number the line's document is made under: reserved at submit (a numbered render batch),
    or the new license's number once issued (reissue)."""
    worker: str | None = None
    claimed_at: dt.datetime | None = None
    attempts: int = 0
    request_id: str | None = None
    """A reissue's request, once opened, so a retry carries the same request on."""
    result: dict[str, Any] | None = None
    failure: dict[str, str] | None = None
    """Why the line failed, in ``kk`` and ``ru``."""
    finished_at: dt.datetime | None = None


class Batches(ABC):
    """Batches and their lines. Claims are conditional updates, so of two workers handed the same
    line (a redelivery after a worker was presumed dead) exactly one holds it at a time."""

    @abstractmethod
    def add(self, batch: BatchRecord, lines: list[BatchLine]) -> None: ...

    @abstractmethod
    def get(self, batch_id: str) -> BatchRecord | None: ...

    @abstractmethod
    def all(self) -> list[BatchRecord]:
        """Every batch, newest first."""

    @abstractmethod
    def line(self, batch_id: str, line: int) -> BatchLine | None: ...

    @abstractmethod
    def lines(self, batch_id: str, statuses: Collection[str] = ()) -> list[BatchLine]:
        """The batch's lines in order (only those in ``statuses`` when given)."""

    @abstractmethod
    def counts(self, batch_id: str) -> dict[str, int]:
        """How many lines are in each status."""

    @abstractmethod
    def claim(
        self, batch_id: str, line: int, worker: str, at: dt.datetime, stale_before: dt.datetime
    ) -> bool:
        """Hold the line for ``worker`` if it is pending, running under a claim older than
        ``stale_before`` (its worker presumed dead), or already held by ``worker`` itself (its task
        retried in the same process); whether this call did."""

    @abstractmethod
    def update(self, batch_id: str, line: int, worker: str, **columns: Any) -> bool:
        """Set ``columns`` (status, number, request_id, result, failure, finished_at) while ``worker``
        still holds the line; whether it did (``False``: another worker took it over)."""

    @abstractmethod
    def requeue(self, batch_id: str, statuses: Collection[str], stale_before: dt.datetime) -> list[int]:
        """Put the lines in ``statuses`` (and running ones claimed before ``stale_before``) back to
        pending; their numbers, reserved ones included, stay theirs. Returns them."""


class UnitOfWork(ABC):
    """One transaction over every repository. Use as ``with factory() as uow: ...; uow.commit()``."""

    requests: Requests
    documents: Documents
    users: Users
    counters: Counters
    receipts: Receipts
    notifications: Notifications
    web_sessions: WebSessions
    surveys: Surveys
    batches: Batches

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self.rollback()  # a no-op after commit; on any error, everything is given back
        finally:
            self.close()

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional: in memory there is nothing to release
        """Release the connection (after rollback)."""


#: Opens a unit of work; ``write=False`` for reading only (takes no write lock on SQLite).
UnitOfWorkFactory = Callable[..., UnitOfWork]


# -- machinery --------------------------------------------------------------------------------


class DocumentRenderer(ABC):
    """Data of a document kind in, the document's bytes out."""

    @abstractmethod
    def render(self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False) -> bytes:
        """``lang``: kk, ru or kk+ru; ``fmt``: pdf, docx or html; ``copy`` marks it as a copy."""


class BatchRenderer(ABC):
    """Any document kind from its data, as ``docgen render`` makes it: what a render batch's lines
    become (the workflow's documents go through :class:`DocumentRenderer` instead)."""

    @abstractmethod
    def check(self, kind: str, data: dict[str, Any], service: str | None = None) -> None:
        """Raise :class:`~docgen.errors.InvalidData` when ``data`` does not fit ``kind``, without
        rendering: a batch checks every line when it is submitted."""

    @abstractmethod
    def render(
        self, kind: str, data: dict[str, Any], lang: str, fmt: str, service: str | None = None
    ) -> bytes:
        """The document in ``fmt`` (pdf, docx, html) and ``lang`` (kk, ru, kk+ru)."""


@dataclass(frozen=True)
class Official:
    """The provider's authorised person whose key signs its documents."""

    name: str
    position: str
    """``kk / ru`` as the certificate names it."""
    certificate: str = ""
    """The signing certificate's serial number (hex), as the signers' register names it: the
    deciding history entry records it, so the sealed history says which official signed."""


class Signers(ABC):
    """The providers' signing keys (PAdES)."""

    @abstractmethod
    def official(self, provider: str) -> Official: ...

    @abstractmethod
    def sign(self, provider: str, pdf: bytes) -> bytes: ...


class DocumentTimestamper(ABC):
    """Document timestamps on signed PDFs (PAdES B-LTA)."""

    @abstractmethod
    def timestamp(self, pdf: bytes) -> bytes:
        """``pdf`` with the validation data of its signatures and timestamps brought up to date and a
        new document timestamp over all of it, in incremental updates (the signatures stay intact)."""


class PasswordHasher(ABC):
    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; never raises for a wrong one."""


class AttachmentStore(ABC):
    """Where the bytes of attached files live; the history keeps their SHA-256."""

    @abstractmethod
    def put(self, content: bytes) -> str:
        """Store ``content``; returns its key (its SHA-256 in hex)."""

    @abstractmethod
    def get(self, key: str) -> bytes | None: ...


class Outbox(ABC):
    """Where a notification to the applicant goes. :meth:`send` is called inside the unit of work that
    made the decision (so a decision rolled back sends nothing); :meth:`deliver` after its commit, for
    what cannot be taken back (an e-mail)."""

    @abstractmethod
    def send(self, uow: UnitOfWork, notification: Notification) -> None:
        """Record ``notification`` in ``uow`` (the default: the ``notifications`` table)."""

    def deliver(self, notification: Notification) -> None:  # noqa: B027 - optional: nothing to deliver
        """Deliver ``notification`` outside, once its decision is committed; must not raise."""


class DatabaseOutbox(Outbox):
    """The default outbox: the notification is written to the database, and the applicant's list
    (``docgen request notifications``) shows it."""

    def send(self, uow: UnitOfWork, notification: Notification) -> None:
        uow.notifications.add(notification)
