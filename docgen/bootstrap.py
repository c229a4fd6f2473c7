"""The one place that picks implementations and builds the application.

Nothing is built at import time anywhere in the package: the CLI, the web
application factory, the benchmark, batch workers and tests call
:func:`build` (or :func:`assemble` with their own adapters). Building does not
migrate the database: ``docgen db upgrade`` does, and ``docgen demo`` and the
web server's first start call :meth:`Application.upgrade`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.config import RenderSettings, Settings, load, load_settings
from docgen.domain.catalog import Catalog
from docgen.domain.deadlines import WorkingCalendar
from docgen.domain.ports import Clock, NotaryRegistry, PaymentGateway, StateRegistry, SystemClock
from docgen.domain.seal import Seal
from docgen.domain.signatures import RequestSignatureChecker
from docgen.errors import SigningFailed
from docgen.services.archive import ArchiveService
from docgen.services.audit import AuditService
from docgen.services.batches import DEFAULT_LEASE_SECONDS, BatchService
from docgen.services.documents import DocumentService
from docgen.services.issuing import Issuer
from docgen.services.ports import (
    AttachmentStore,
    BatchRenderer,
    DatabaseOutbox,
    DocumentRenderer,
    DocumentTimestamper,
    Outbox,
    PasswordHasher,
    Signers,
    UnitOfWorkFactory,
)
from docgen.services.queries import QueryService
from docgen.services.requests import RequestService
from docgen.services.sessions import SessionService
from docgen.services.survey import SurveyService
from docgen.services.users import UserService

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from docgen.rendering.core import Renderer

__all__ = ["Application", "assemble", "build", "fresh_instance", "make_renderer"]


def make_renderer(settings: RenderSettings | None = None) -> Renderer:
    """A renderer over the configured templates and service catalog."""
    from docgen.rendering.core import Renderer

    return Renderer(settings or load_settings())


@dataclass
class Application:
    """The use cases a front end calls, and the settings they were built from."""

    settings: Settings
    catalog: Catalog
    requests: RequestService
    queries: QueryService
    documents: DocumentService
    users: UserService
    sessions: SessionService
    """The web front end's signed-in sessions (open, check, revoke)."""
    audit: AuditService
    survey: SurveyService
    """The citizens' survey: links, answers, indicators (``docgen survey``, the web survey)."""
    gateway: PaymentGateway
    registry: StateRegistry
    engine: Any = None
    """The SQLAlchemy engine when built by :func:`build` (for ``upgrade`` and the demo records)."""
    archive: ArchiveService | None = None
    """Document timestamps on stored documents (``docgen archive-timestamp``)."""
    batches: BatchService | None = None
    """Batches made by workers on any machine (``docgen batch``, ``celery -A docgen.worker worker``)."""

    def warm(self) -> None:
        """Build now what the first document would build: the renderer (WeasyPrint imported), its fonts
        and stylesheets. A web worker does this as it starts, so no clerk's first issue waits for it;
        a command never does (it would pay for nothing when it renders nothing)."""
        from docgen.adapters.rendering import TemplateRenderer

        renderer = self.requests.issuer.renderer
        if isinstance(renderer, TemplateRenderer):
            renderer.renderer.pdf  # noqa: B018 - a cached property: built here once

    def upgrade(self) -> None:
        """Create or migrate the database schema (idempotent)."""
        from docgen.adapters.db.migrate import upgrade

        upgrade(self.engine)


def assemble(
    *,
    settings: Settings,
    catalog: Catalog,
    uow: UnitOfWorkFactory,
    renderer: DocumentRenderer,
    signers: Signers,
    checker: RequestSignatureChecker,
    hasher: PasswordHasher,
    attachments: AttachmentStore,
    registry: StateRegistry,
    gateway: PaymentGateway,
    notary: NotaryRegistry,
    calendar: WorkingCalendar,
    seal: Seal,
    clock: Clock | None = None,
    engine: Any = None,
    timestamper: DocumentTimestamper | None = None,
    outbox: Outbox | None = None,
    batch_renderer: BatchRenderer | None = None,
) -> Application:
    """The use cases wired over the given adapters (the tests give fakes)."""
    clock = clock or SystemClock()
    requests = RequestService(
        uow=uow,
        catalog=catalog,
        registry=registry,
        gateway=gateway,
        notary=notary,
        calendar=calendar,
        checker=checker,
        attachments=attachments,
        issuer=Issuer(renderer, signers, clock),
        clock=clock,
        seal=seal,
        max_attachment_bytes=settings.max_attachment_mb * 1024 * 1024,
        outbox=outbox or DatabaseOutbox(),
    )
    return Application(
        settings=settings,
        catalog=catalog,
        requests=requests,
        queries=QueryService(uow, catalog, clock, seal),
        documents=DocumentService(uow, catalog, renderer, clock, seal),
        users=UserService(uow, catalog, hasher),
        sessions=SessionService(uow, clock),
        audit=AuditService(uow, catalog, seal),
        gateway=gateway,
        registry=registry,
        engine=engine,
        archive=ArchiveService(uow, catalog, timestamper or _NoTimestamper(), clock, seal),
        survey=SurveyService(uow, catalog, clock, seal, renderer, settings.render.base_url),
        batches=(
            None
            if batch_renderer is None
            else BatchService(
                uow,
                catalog,
                clock,
                batch_renderer,
                signers,
                requests,
                settings.batch_lease or DEFAULT_LEASE_SECONDS,
            )
        ),
    )


class _NoTimestamper(DocumentTimestamper):
    """Where no timestamp authority was given: document timestamps are refused, bilingually."""

    def timestamp(self, pdf: bytes) -> bytes:
        raise SigningFailed(detail="no timestamp authority configured")


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Application:
    """The application on the configured database (``DATABASE_URL``; default a SQLite file in
    ``instance/``), templates, PKI and outside systems' embedded defaults."""
    from docgen.adapters.attachments import FolderAttachments
    from docgen.adapters.calendar import KazakhstanCalendar
    from docgen.adapters.db.engine import make_engine
    from docgen.adapters.db.people import TableStateRegistry
    from docgen.adapters.db.uow import sql_unit_of_work
    from docgen.adapters.ncanode import NcaNodeChecker
    from docgen.adapters.outside import LocalNotary, SandboxGateway, local_secret
    from docgen.adapters.passwords import Argon2Hasher
    from docgen.adapters.rendering import TemplateBatchRenderer, TemplateRenderer
    from docgen.adapters.signing import LazyRequestChecker, PadesArchiver, PadesSigners, ProviderSigners

    settings = settings or load()
    engine: Engine = make_engine(settings.database_url or _sqlite_url(settings))
    catalog = Catalog.load(settings.render.forms_dir)
    # built on the first render: a command that only reads the database never imports WeasyPrint
    renderer = TemplateRenderer(settings=settings.render, catalog=catalog)
    return assemble(
        settings=settings,
        catalog=catalog,
        uow=sql_unit_of_work(engine),
        renderer=renderer,
        signers=PadesSigners(ProviderSigners(settings.signing, renderer)),
        checker=(
            NcaNodeChecker(settings.ncanode_url)
            if settings.ncanode_url
            else LazyRequestChecker(settings.signing.pki_dir)
        ),
        hasher=Argon2Hasher(),
        attachments=FolderAttachments(settings.attachments_dir),
        registry=TableStateRegistry(engine),
        gateway=SandboxGateway(
            settings.payment_secret.encode()
            if settings.payment_secret
            else local_secret(settings.instance_dir / "payment-secret")
        ),
        notary=LocalNotary(registered_attorneys(catalog)),
        calendar=KazakhstanCalendar(),
        seal=Seal(
            settings.audit_key.encode()
            if settings.audit_key
            else local_secret(settings.instance_dir / "audit-key")
        ),
        clock=clock,
        engine=engine,
        timestamper=PadesArchiver(settings.signing),
        outbox=_outbox(settings),
        batch_renderer=TemplateBatchRenderer(renderer),
    )


def _outbox(settings: Settings) -> Outbox:
    """Notifications go to the database; with ``DOCGEN_SMTP_URL`` they are e-mailed too."""
    if not settings.smtp_url:
        return DatabaseOutbox()
    from docgen.adapters.smtp import SmtpOutbox

    return SmtpOutbox.from_url(settings.smtp_url)


def _sqlite_url(settings: Settings) -> str:
    return f"sqlite:///{settings.instance_dir / 'docgen.sqlite3'}"


def registered_attorneys(catalog: Catalog) -> list[tuple[str, str, str]]:
    """The demo notary system knows the powers of attorney of the service examples."""
    known = []
    for service in catalog:
        representative = service.example.get("representative")
        if representative:
            applicant = service.example["applicant"]
            principal = applicant.get("bin") or applicant.get("iin")
            known.append((representative["power_of_attorney"]["number"], representative["iin"], principal))
    return known


#: The environment a fresh instance must not inherit: it would point it at another database, signature
#: checker or mail server.
_NOT_INHERITED = ("DATABASE_URL", "DOCGEN_NCANODE_URL", "DOCGEN_SMTP_URL", "DOCGEN_TSA")


def fresh_instance(folder: Path, environ: Mapping[str, str] | None = None) -> Application:
    """A new installation in ``folder`` (SQLite, attachments, a fresh demo PKI in ``folder/pki``, its
    own audit key and payment secret), prepared as ``docgen demo`` prepares one, with nothing filed
    yet: for previews, benchmarks and tests of the demo journey. Dispose of ``app.engine`` after."""
    import os
    import secrets

    from docgen.demo import prepare

    env = {k: v for k, v in (os.environ if environ is None else environ).items() if k not in _NOT_INHERITED}
    env |= {
        "DOCGEN_INSTANCE_DIR": str(folder),
        "DOCGEN_PKI_DIR": str(folder / "pki"),
        "DOCGEN_AUDIT_KEY": secrets.token_hex(16),
        "DOCGEN_PAYMENT_SECRET": secrets.token_hex(16),
    }
    folder.mkdir(parents=True, exist_ok=True)
    app = build(load(env))
    prepare(app)
    return app
