"""In-memory implementations of the service layer's ports, for the fast tests.

Each is a real subclass of the port it stands in for (no mocks), simple
enough to trust by reading: the in-memory unit of work copies the store on
entry and publishes the copy only on commit, so a use case that fails
leaves the store exactly as it was, as a database transaction would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen.config import Settings
from docgen.domain.catalog import Catalog
from docgen.domain.deadlines import WeekendCalendar
from docgen.domain.history import HistoryEntry, canonical_json
from docgen.domain.ports import Clock, Person, StateRegistry
from docgen.domain.request import Request
from docgen.domain.signatures import CONFIRMED, MESSAGES, RequestSignatureCheck, RequestSignatureChecker
from docgen.domain.users import User
from docgen.services.ports import (
    AttachmentStore,
    Batches,
    BatchLine,
    BatchRecord,
    BatchRenderer,
    Counters,
    DatabaseOutbox,
    DocumentRecord,
    DocumentRenderer,
    Documents,
    DocumentTimestamper,
    NewDocument,
    Notification,
    Notifications,
    Official,
    PasswordHasher,
    Receipts,
    RequestRecord,
    Requests,
    Signers,
    SurveyAnswer,
    Surveys,
    SurveyToken,
    UnitOfWork,
    Users,
    WebSession,
    WebSessions,
)

ROOT = Path(__file__).resolve().parent.parent
FINAL = ("issued", "refused")


# -- storage ----------------------------------------------------------------------------------------


@dataclass
class Store:
    """What a database would hold."""

    requests: dict[str, RequestRecord] = field(default_factory=dict)
    history: dict[str, list[HistoryEntry]] = field(default_factory=dict)
    documents: dict[str, NewDocument] = field(default_factory=dict)
    document_ids: list[str] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    counters: dict[tuple[str, int, str], int] = field(default_factory=dict)
    receipts: dict[tuple[str, str], str] = field(default_factory=dict)
    files: dict[str, list[tuple[bytes, str]]] = field(default_factory=dict)
    """Later files of a document (document timestamps): (pdf, sha256), oldest first."""
    notifications: list[Notification] = field(default_factory=list)
    web_sessions: dict[str, WebSession] = field(default_factory=dict)
    survey_tokens: dict[str, SurveyToken] = field(default_factory=dict)
    """By request id."""
    survey_answers: list[SurveyAnswer] = field(default_factory=list)
    batches: dict[str, BatchRecord] = field(default_factory=dict)
    batch_lines: dict[tuple[str, int], BatchLine] = field(default_factory=dict)

    def copy(self) -> Store:
        """A copy whose containers are its own (the records in them are immutable)."""
        return Store(
            requests=dict(self.requests),
            history={key: list(entries) for key, entries in self.history.items()},
            documents=dict(self.documents),
            document_ids=list(self.document_ids),
            status=dict(self.status),
            users=dict(self.users),
            counters=dict(self.counters),
            receipts=dict(self.receipts),
            files={key: list(items) for key, items in self.files.items()},
            notifications=list(self.notifications),
            web_sessions=dict(self.web_sessions),
            survey_tokens=dict(self.survey_tokens),
            survey_answers=list(self.survey_answers),
            batches=dict(self.batches),
            batch_lines=dict(self.batch_lines),
        )


class MemoryRequests(Requests):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, request: Request, record: RequestRecord) -> None:
        assert record.id not in self.store.requests
        self.store.requests[record.id] = record
        self.store.history[record.id] = list(request.history)

    def get(self, request_id: str, *, lock: bool = False) -> RequestRecord | None:
        return self.store.requests.get(request_id)

    def history(self, request_id: str) -> list[HistoryEntry]:
        return list(self.store.history.get(request_id, []))

    def save(self, request: Request, stored_seq: int, **columns: Any) -> None:
        entries = self.store.history[request.id]
        assert entries[-1].seq == stored_seq, "history changed under the request"
        entries.extend(entry for entry in request.history if entry.seq > stored_seq)
        outcome = request.outcome.to_dict() if request.outcome else None
        record = self.store.requests[request.id]
        self.store.requests[request.id] = replace(
            record, state=request.state, number=request.number, outcome=outcome, **columns
        )

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
        def matches(row: RequestRecord) -> bool:
            if (holders or filed_by) and not (row.holder in holders or row.filed_by == filed_by):
                return False
            if provider is not None and row.provider != provider:
                return False
            if centre is not None and row.centre != centre:
                return False
            if open_only and row.state in FINAL:
                return False
            return due_by is None or (row.due_on is not None and row.due_on <= due_by)

        rows = [row for row in self.store.requests.values() if matches(row)]
        return sorted(rows, key=lambda row: row.created_at, reverse=True)

    def ids(self) -> list[str]:
        return [row.id for row in sorted(self.store.requests.values(), key=lambda row: row.created_at)]


class MemoryDocuments(Documents):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, document: NewDocument) -> str:
        assert all(d.number != document.number for d in self.store.documents.values()), "numbers are unique"
        document_id = str(uuid.uuid4())
        self.store.documents[document_id] = document
        self.store.document_ids.append(document_id)
        self.store.status[document_id] = "active"
        if document.replaces:
            self.store.status[document.replaces] = "replaced"
        return document_id

    def _record(self, document_id: str) -> DocumentRecord:
        document = self.store.documents[document_id]
        request = self.store.requests[document.request_id]
        pdf, sha256 = (self.store.files.get(document_id) or [(document.pdf, document.sha256)])[-1]
        return DocumentRecord(
            id=document_id,
            request_id=document.request_id,
            kind=document.kind,
            number=document.number,
            version=document.version,
            replaces=document.replaces,
            duplicate=document.duplicate,
            data=document.data,
            sha256=sha256,
            pdf=pdf,
            created_at=document.created_at,
            status=self.store.status[document_id],
            service=request.service,
            provider=request.provider,
            holder=request.holder,
        )

    def for_request(self, request_id: str) -> list[DocumentRecord]:
        return [
            self._record(i)
            for i in self.store.document_ids
            if self.store.documents[i].request_id == request_id
        ]

    def by_number(self, number: str, *, lock: bool = False) -> DocumentRecord | None:
        for document_id in self.store.document_ids:
            if self.store.documents[document_id].number == number:
                return self._record(document_id)
        return None

    def duplicates_of(self, number: str) -> list[DocumentRecord]:
        return [
            self._record(i)
            for i in self.store.document_ids
            if self.store.documents[i].duplicate and self.store.documents[i].number.startswith(f"{number}-D")
        ]

    def set_status(self, document_id: str, status: str, at: dt.datetime) -> None:
        self.store.status[document_id] = status

    def add_file(self, document_id: str, pdf: bytes, sha256: str, at: dt.datetime) -> None:
        self.store.files.setdefault(document_id, []).append((pdf, sha256))

    def numbers(self) -> list[str]:
        return [self.store.documents[i].number for i in self.store.document_ids]


class MemoryUsers(Users):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, user: User) -> None:
        assert user.login not in self.store.users
        self.store.users[user.login] = user

    def get(self, login: str) -> User | None:
        return self.store.users.get(login)

    def save(self, user: User) -> None:
        self.store.users[user.login] = user

    def all(self) -> list[User]:
        return [self.store.users[login] for login in sorted(self.store.users)]


class MemoryCounters(Counters):
    def __init__(self, store: Store) -> None:
        self.store = store

    def values(self) -> dict[tuple[str, int, str], int]:
        return dict(self.store.counters)

    def next_value(self, provider: str, year: int, series: str) -> int:
        key = (provider, year, series)
        self.store.counters[key] = self.store.counters.get(key, 0) + 1
        return self.store.counters[key]


class MemoryReceipts(Receipts):
    def __init__(self, store: Store) -> None:
        self.store = store

    def claim(self, provider: str, receipt: str, request_id: str) -> str:
        return self.store.receipts.setdefault((provider, receipt), request_id)


class MemoryNotifications(Notifications):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, notification: Notification) -> None:
        self.store.notifications.append(notification)

    def for_recipients(self, recipients: Collection[str]) -> list[Notification]:
        found = [n for n in self.store.notifications if n.recipient in recipients]
        return sorted(found, key=lambda n: n.created_at, reverse=True)


class MemoryWebSessions(WebSessions):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, session: WebSession) -> None:
        assert session.id_hash not in self.store.web_sessions
        self.store.web_sessions[session.id_hash] = session

    def get(self, id_hash: str) -> WebSession | None:
        return self.store.web_sessions.get(id_hash)

    def revoke(self, id_hash: str, at: dt.datetime) -> None:
        found = self.store.web_sessions.get(id_hash)
        if found is not None and found.revoked_at is None:
            self.store.web_sessions[id_hash] = replace(found, revoked_at=at)

    def revoke_all(self, login: str, at: dt.datetime) -> int:
        live = [s for s in self.store.web_sessions.values() if s.login == login and s.revoked_at is None]
        for found in live:
            self.store.web_sessions[found.id_hash] = replace(found, revoked_at=at)
        return len(live)


class MemorySurveys(Surveys):
    def __init__(self, store: Store) -> None:
        self.store = store

    def add_token(self, token: SurveyToken) -> None:
        if token.request_id in self.store.survey_tokens:
            return
        assert all(t.token_sha256 != token.token_sha256 for t in self.store.survey_tokens.values())
        self.store.survey_tokens[token.request_id] = token

    def token(self, token_sha256: str) -> SurveyToken | None:
        return next((t for t in self.store.survey_tokens.values() if t.token_sha256 == token_sha256), None)

    def token_of(self, request_id: str) -> SurveyToken | None:
        return self.store.survey_tokens.get(request_id)

    def use(self, token_sha256: str, at: dt.datetime) -> bool:
        found = self.token(token_sha256)
        if found is None or found.used_at is not None:
            return False
        self.store.survey_tokens[found.request_id] = replace(found, used_at=at)
        return True

    def add_answer(self, answer: SurveyAnswer) -> None:
        assert answer.q1 in (1, 2, 3) and answer.q2 in (1, 2, 3)
        self.store.survey_answers.append(answer)

    def answers(
        self,
        *,
        service: str | None = None,
        provider: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[SurveyAnswer]:
        return [
            a
            for a in self.store.survey_answers
            if (service is None or a.service == service)
            and (provider is None or a.provider == provider)
            and (start is None or a.answered_on >= start)
            and (end is None or a.answered_on <= end)
        ]


class MemoryBatches(Batches):
    """Batches in memory. A unit of work publishes its whole copy of the store on commit, so two units
    racing for a line would both "win" here: the race itself is the SQL adapter's, tested on SQLite
    and PostgreSQL; here one worker's claim is seen by the next unit."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, batch: BatchRecord, lines: list[BatchLine]) -> None:
        self.store.batches[batch.id] = batch
        for item in lines:
            self.store.batch_lines[(batch.id, item.line)] = item

    def get(self, batch_id: str) -> BatchRecord | None:
        return self.store.batches.get(batch_id)

    def all(self) -> list[BatchRecord]:
        return sorted(self.store.batches.values(), key=lambda b: b.created_at, reverse=True)

    def line(self, batch_id: str, line: int) -> BatchLine | None:
        return self.store.batch_lines.get((batch_id, line))

    def lines(self, batch_id: str, statuses: Collection[str] = ()) -> list[BatchLine]:
        found = [i for (b, _), i in self.store.batch_lines.items() if b == batch_id]
        return sorted((i for i in found if not statuses or i.status in statuses), key=lambda i: i.line)

    def counts(self, batch_id: str) -> dict[str, int]:
        counted: dict[str, int] = {}
        for item in self.lines(batch_id):
            counted[item.status] = counted.get(item.status, 0) + 1
        return counted

    def claim(
        self, batch_id: str, line: int, worker: str, at: dt.datetime, stale_before: dt.datetime
    ) -> bool:
        item = self.store.batch_lines.get((batch_id, line))
        if item is None:
            return False
        stale = item.status == "running" and item.claimed_at is not None and item.claimed_at < stale_before
        again = item.status == "running" and item.worker == worker
        if item.status != "pending" and not stale and not again:
            return False
        self.store.batch_lines[(batch_id, line)] = replace(
            item, status="running", worker=worker, claimed_at=at, attempts=item.attempts + 1
        )
        return True

    def update(self, batch_id: str, line: int, worker: str, **columns: Any) -> bool:
        item = self.store.batch_lines.get((batch_id, line))
        if item is None or item.status != "running" or item.worker != worker:
            return False
        self.store.batch_lines[(batch_id, line)] = replace(item, **columns)
        return True

    def requeue(self, batch_id: str, statuses: Collection[str], stale_before: dt.datetime) -> list[int]:
        again = []
        for item in self.lines(batch_id):
            stale = (
                item.status == "running" and item.claimed_at is not None and item.claimed_at < stale_before
            )
            if item.status in statuses or stale:
                self.store.batch_lines[(batch_id, item.line)] = replace(
                    item, status="pending", worker=None, claimed_at=None, failure=None
                )
                again.append(item.line)
        return again


class CountingBatchRenderer(BatchRenderer):
    """Renders a line's data as JSON, checks it has an ``applicant``, and counts what it made (the
    tests' measure of "made once")."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def check(self, kind: str, data: dict[str, Any], service: str | None = None) -> None:
        from docgen.errors import InvalidData

        if "applicant" not in data:
            raise InvalidData(
                kind=kind, field="applicant", problem={"kk": "өріс міндетті", "ru": "поле обязательно"}
            )

    def render(
        self, kind: str, data: dict[str, Any], lang: str, fmt: str, service: str | None = None
    ) -> bytes:
        self.check(kind, data, service)
        self.made.append(str(data.get("number")))
        return f"{fmt}:{kind}:{lang}\n".encode() + canonical_json(data)


class MemoryOutbox(DatabaseOutbox):
    """The default outbox (into the unit of work's notifications), which also keeps what it was asked
    to deliver after the commit, as an e-mail adapter would send it."""

    def __init__(self) -> None:
        self.delivered: list[Notification] = []

    def deliver(self, notification: Notification) -> None:
        self.delivered.append(notification)


class MemoryUnitOfWork(UnitOfWork):
    """Works on a copy of the store; :meth:`commit` publishes it."""

    def __init__(self, shared: Store, write: bool = True) -> None:
        self.shared = shared
        self.write = write
        self.working = shared.copy()
        self.requests = MemoryRequests(self.working)
        self.documents = MemoryDocuments(self.working)
        self.users = MemoryUsers(self.working)
        self.counters = MemoryCounters(self.working)
        self.receipts = MemoryReceipts(self.working)
        self.notifications = MemoryNotifications(self.working)
        self.web_sessions = MemoryWebSessions(self.working)
        self.surveys = MemorySurveys(self.working)
        self.batches = MemoryBatches(self.working)
        self.committed = False

    def commit(self) -> None:
        assert self.write, "a reading unit of work must not commit"
        self.shared.__dict__.update(self.working.copy().__dict__)
        self.committed = True

    def rollback(self) -> None:
        self.working = self.shared.copy()


class MemoryDatabase:
    """The unit-of-work factory over one :class:`Store`."""

    def __init__(self) -> None:
        self.store = Store()

    def __call__(self, write: bool = True) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, write)


# -- machinery -------------------------------------------------------------------------------------


class FakeRenderer(DocumentRenderer):
    """A "document" that shows what was asked for: enough to tell originals, copies and languages apart."""

    def render(self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False) -> bytes:
        head = f"{fmt}:{kind}:{lang}:{'copy' if copy else 'original'}\n".encode()
        return head + canonical_json(data)


class FakeSigners(Signers):
    def official(self, provider: str) -> Official:
        return Official(name="Сынақ Сынақұлы", position="Төраға / Председатель", certificate="5E7A1")

    def sign(self, provider: str, pdf: bytes) -> bytes:
        return pdf + f"\nsigned-by:{provider}".encode()


class FakeTimestamper(DocumentTimestamper):
    """A document timestamp is a line appended (as an incremental update appends a revision)."""

    def __init__(self) -> None:
        self.count = 0

    def timestamp(self, pdf: bytes) -> bytes:
        self.count += 1
        return pdf + f"\ndocument-timestamp:{self.count}".encode()


def fake_signature(data: bytes, number: str, problem: str = "") -> bytes:
    """What the fake applicant's key makes: whose it is, and over which bytes."""
    return f"{problem}|{number}|{hashlib.sha256(data).hexdigest()}".encode()


class FakeChecker(RequestSignatureChecker):
    """Checks :func:`fake_signature`: the bytes it covers, then the IIN/BIN, then a named problem."""

    def check(
        self,
        data: bytes,
        signature: bytes,
        *,
        iin: str | None = None,
        bin: str | None = None,
        at: dt.datetime | None = None,
    ) -> RequestSignatureCheck:
        problem, number, digest = signature.decode().split("|")
        if digest != hashlib.sha256(data).hexdigest():
            reason = "bad-signature"
        elif number not in (iin, bin):
            reason = "identity-mismatch"
        else:
            reason = problem or ""
        if not reason:
            return RequestSignatureCheck(ok=True, reason=None, message=dict(CONFIRMED), signer=number)
        return RequestSignatureCheck(ok=False, reason=reason, message=dict(MESSAGES[reason]), signer=number)


class FakeHasher(PasswordHasher):
    """Not a password hash (fast, unsalted): the real one is tested in tests/adapters."""

    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


class MemoryAttachments(AttachmentStore):
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        self.files[key] = content
        return key

    def get(self, key: str) -> bytes | None:
        return self.files.get(key)


class PeopleRegistry(StateRegistry):
    def __init__(self, people: dict[str, Person]) -> None:
        self.people = people

    def find(self, number: str) -> Person | None:
        return self.people.get(number)


class SteppingClock(Clock):
    """A clock that moves one second per reading, so history times strictly increase."""

    def __init__(self, start: dt.datetime) -> None:
        self.start = start
        self._ticks = itertools.count()

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=next(self._ticks))


def catalog() -> Catalog:
    return Catalog.load(ROOT / "forms")


def settings() -> Settings:
    return Settings()


def known_people(catalog: Catalog) -> dict[str, Person]:
    people = {}
    for service in catalog:
        applicant = service.example.get("applicant") or {}
        number = applicant.get("bin") or applicant.get("iin")
        if number:
            people[number] = Person(number, applicant["kind"], applicant["name"])
    return people


__all__ = [
    "FakeChecker",
    "FakeHasher",
    "FakeRenderer",
    "FakeSigners",
    "MemoryAttachments",
    "MemoryDatabase",
    "PeopleRegistry",
    "SteppingClock",
    "WeekendCalendar",
    "catalog",
    "fake_signature",
    "known_people",
    "settings",
]
