"""The tables. The domain never sees them: the unit of work (:mod:`docgen.adapters.db.uow`) maps
rows to the services' records and the domain's objects.

``history`` and ``documents`` are append-only: triggers (created by the
migrations, on SQLite and PostgreSQL alike) refuse UPDATE and DELETE on them.
A document's changing status lives in ``registry``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    func,
    true,
)

__all__ = [
    "APPEND_ONLY",
    "batch_lines",
    "batches",
    "counters",
    "documents",
    "history",
    "metadata",
    "notifications",
    "people",
    "receipts",
    "registry",
    "requests",
    "survey_answers",
    "survey_tokens",
    "users",
]

metadata = MetaData()

requests = Table(
    "requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("service", String(64), nullable=False),
    Column("provider", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("state", String(24), nullable=False),
    Column("number", String(64), unique=True),
    Column("registered_on", Date),
    Column("due_on", Date),
    Column("outcome", JSON),
    Column("data", JSON, nullable=False),
    Column("signature_check", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("holder", String(12), nullable=False),  # the applicant's IIN or BIN
    Column("filed_by", String(64), nullable=False),  # the login of the user who opened it
    Column("centre", String(64)),  # the public service centre (centre channel)
    Column("head", String(64)),  # the hash of the last history entry
    Column("head_seal", String(64)),  # its HMAC under the audit key (kept outside the database)
    Index("ix_requests_holder", "holder"),
    Index("ix_requests_provider_state", "provider", "state"),
    Index("ix_requests_due_on", "due_on"),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(36), ForeignKey("requests.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("entry", JSON, nullable=False),
    Column("previous_hash", String(64)),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("request_id", "seq", name="history_request_seq"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("requests.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("number", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("replaces", String(36), ForeignKey("documents.id")),
    Column("duplicate", Integer, nullable=False, default=0, server_default="0"),
    Column("data", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Later files of an issued document: the same signed document with a document timestamp and the
#: validation data for the earlier ones added (PAdES B-LTA, ``docgen archive-timestamp``). The newest
#: is the document's file from then on; each one is named, with its SHA-256, by a sealed history entry.
document_files = Table(
    "document_files",
    metadata,
    Column("document_id", String(36), ForeignKey("documents.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

registry = Table(
    "registry",
    metadata,
    Column("document_id", String(36), ForeignKey("documents.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("provider", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("series", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("number", String(12), primary_key=True),  # IIN or BIN
    Column("kind", String(12), nullable=False),  # individual | legal
    Column("name", String(500), nullable=False),
    Column("address", String(500)),
)

users = Table(
    "users",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("name", String(500), nullable=False),
    Column("iin", String(12)),
    Column("bin", String(12)),
    Column("provider", String(64)),
    Column("centre", String(64)),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: A paper payment receipt pays one request: its number is taken once per provider.
receipts = Table(
    "receipts",
    metadata,
    Column("provider", String(64), primary_key=True),
    Column("receipt", String(200), primary_key=True),
    Column("request_id", String(36), ForeignKey("requests.id"), nullable=False),
)

#: A message to an applicant that their result or refusal is ready (the default outbox), written in
#: the deciding transaction; append-only like the history.
notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("requests.id"), nullable=False),
    Column("recipient", String(12), nullable=False),  # the applicant's IIN or BIN
    Column("kind", String(32), nullable=False),  # result-ready | refusal-ready
    Column("document", String(64)),
    Column("email", String(320)),
    Column("message", JSON, nullable=False),  # {"kk": ..., "ru": ...}
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_notifications_recipient", "recipient"),
)

#: The web front end's signed-in sessions: the SHA-256 of the cookie's random id, and the account as
#: it was at sign-in (role, a stamp of the password hash); revoked by setting ``revoked_at``.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("login", String(64), ForeignKey("users.login"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_stamp", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_web_sessions_login", "login"),
)

survey_tokens = Table(
    "survey_tokens",
    metadata,
    Column("request_id", String(36), ForeignKey("requests.id"), primary_key=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

#: The survey's answers: no request id, no login: nothing names who answered.
survey_answers = Table(
    "survey_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service", String(64), nullable=False),
    Column("provider", String(64), nullable=False),
    Column("answered_on", Date, nullable=False),
    Column("q1", Integer, nullable=False),
    Column("q2", Integer, nullable=False),
    Column("channel", String(16), nullable=False),
    CheckConstraint("q1 BETWEEN 1 AND 3", name="ck_survey_answers_q1"),
    CheckConstraint("q2 BETWEEN 1 AND 3", name="ck_survey_answers_q2"),
    Index("ix_survey_answers_service_provider", "service", "provider", "answered_on"),
)

#: A batch (``docgen batch submit``): what to make of its lines, kept here rather than in the broker
#: only, so a lost Redis loses no record of what was asked and what was done.
batches = Table(
    "batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),  # render | reissue
    Column("params", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("total", Integer, nullable=False),
)

#: One line of a batch, its idempotency key (batch, line): the line's input, the number it is made
#: under (reserved at submit where the batch numbers its documents), who holds it and since when, and
#: its result or its failure's reason (kk and ru).
batch_lines = Table(
    "batch_lines",
    metadata,
    Column("batch_id", String(36), ForeignKey("batches.id"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("number", String(64)),
    Column("status", String(16), nullable=False),  # pending | running | done | failed
    Column("worker", String(200)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("request_id", String(36)),  # a reissue's request, once opened: a retry carries it on
    Column("result", JSON),
    Column("failure", JSON),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_batch_lines_status", "batch_id", "status"),
)

#: Tables whose rows the application may insert but never change or delete.
APPEND_ONLY = ("history", "documents", "document_files", "notifications")
