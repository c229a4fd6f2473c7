"""Settings, as frozen dataclasses read once from the environment.

Nothing here is built at import time: :func:`load_settings` is called by
``bootstrap`` (or a test) and the result is passed down explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "RenderSettings",
    "Settings",
    "SigningSettings",
    "load",
    "load_settings",
    "load_signing_settings",
]

#: The checkout (or install prefix) holding ``templates/`` and ``forms/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RenderSettings:
    """What the render core needs to know about its surroundings."""

    base_url: str = "http://localhost:5000"
    """Public address of this system; QR codes point to ``<base_url>/verify/...``."""

    templates_dir: Path = field(default=PROJECT_ROOT / "templates")
    """Folder with ``kk/``, ``ru/``, the shared layouts and ``assets/``."""

    forms_dir: Path = field(default=PROJECT_ROOT / "forms")
    """One TOML definition per service code."""

    time_limit: float = 30.0
    """Seconds one document may take to render before it is abandoned."""

    pdf_variant: str | None = None
    """``None`` for plain PDF, or a WeasyPrint variant such as ``pdf/a-3b``."""

    @property
    def assets_dir(self) -> Path:
        """The only folder the PDF engine may read from."""
        return self.templates_dir / "assets"


def load_settings(environ: Mapping[str, str] | None = None) -> RenderSettings:
    """Settings from defaults, then ``DOCGEN_*`` environment variables."""
    env = os.environ if environ is None else environ
    defaults = RenderSettings()
    return RenderSettings(
        base_url=env.get("DOCGEN_BASE_URL", defaults.base_url).rstrip("/"),
        templates_dir=Path(env.get("DOCGEN_TEMPLATES_DIR", defaults.templates_dir)),
        forms_dir=Path(env.get("DOCGEN_FORMS_DIR", defaults.forms_dir)),
        time_limit=float(env.get("DOCGEN_RENDER_TIME_LIMIT", defaults.time_limit)),
        pdf_variant=env.get("DOCGEN_PDF_VARIANT") or None,
    )


#: ``DOCGEN_TSA`` when unset: the PKI folder's development timestamp authority.
DEFAULT_TSA = "local"
#: ``DOCGEN_TSA`` values that turn timestamps off.
NO_TSA = frozenset({"none", "off", "0", "no", "false"})


@dataclass(frozen=True)
class SigningSettings:
    """Where trust and keys live, and how documents are signed."""

    pki_dir: Path = field(default=PROJECT_ROOT / "instance" / "pki")
    """Trusted root (``root-ca.pem``), CRL (``crl.pem``) and provider keys (``providers/``)."""

    key_password: str = "demo"
    """Password of the providers' PKCS#12 files (the development PKI uses ``demo``)."""

    tsa: str | None = None
    """``None`` for PAdES B-B; ``local`` (the PKI's demo timestamp authority, ``tsa.p12``) or a TSA URL
    for B-T. :func:`load_signing_settings` makes ``local`` the default when ``DOCGEN_TSA`` is unset
    (``DOCGEN_TSA=none`` turns timestamps off); built by hand, these settings sign B-B unless told."""

    embed_revocation: bool = True
    """Embed the CRL of the signer's chain in the signed PDF, for long-term validation."""


def load_signing_settings(environ: Mapping[str, str] | None = None) -> SigningSettings:
    """Signing settings from defaults, then ``DOCGEN_PKI_DIR``, ``DOCGEN_KEY_PASSWORD``, ``DOCGEN_TSA``
    (unset or empty: ``local``, the PKI folder's timestamp authority, so every issued document is
    PAdES B-T and B-LT; ``none``, ``off``, ``0`` or ``no``: no timestamp, B-B; else a TSA's URL)."""
    env = os.environ if environ is None else environ
    defaults = SigningSettings()
    tsa = (env.get("DOCGEN_TSA") or "").strip() or DEFAULT_TSA
    return SigningSettings(
        pki_dir=Path(env.get("DOCGEN_PKI_DIR", defaults.pki_dir)),
        key_password=env.get("DOCGEN_KEY_PASSWORD", defaults.key_password),
        tsa=None if tsa.lower() in NO_TSA else tsa,
        embed_revocation=env.get("DOCGEN_EMBED_REVOCATION", "1") not in ("0", "false", "no"),
    )


@dataclass(frozen=True)
class Settings:
    """Everything the application is built from; :func:`load` is the only reader of the environment
    for it (``bootstrap.build`` takes the result)."""

    render: RenderSettings = field(default_factory=RenderSettings)
    signing: SigningSettings = field(default_factory=SigningSettings)
    database_url: str | None = None
    """``DATABASE_URL``: PostgreSQL (``postgresql://…``); ``None`` for the SQLite file in ``instance/``."""
    instance_dir: Path = field(default=PROJECT_ROOT / "instance")
    """``DOCGEN_INSTANCE_DIR``: the SQLite file, attachments and the demo PKI live here by default."""
    payment_secret: str | None = None
    """``DOCGEN_PAYMENT_SECRET``: the shared secret of the payment gateway's signed callbacks; unset, a
    random one is made once and kept in ``instance/payment-secret`` (never a known default, with
    which anyone could sign a "paid" callback)."""
    audit_key: str | None = None
    """``DOCGEN_AUDIT_KEY``: the key that seals each request's history (kept outside the database, so
    a change made with database access alone is seen); unset, a random one is made once and kept
    in ``instance/audit-key``. Losing it makes every request's seal unverifiable."""
    max_attachment_mb: int = 10
    """``DOCGEN_MAX_ATTACHMENT_MB``: the largest attachment accepted."""
    ncanode_url: str | None = None
    """``DOCGEN_NCANODE_URL``: an NCANode service (``http://host:14579``) that checks the applicants'
    request signatures, GOST keys of the national CA included; ``None`` for the local checker
    (RSA/ECDSA against the PKI folder's root and CRL)."""
    smtp_url: str | None = None
    """``DOCGEN_SMTP_URL``: a mail server (``smtp://host:port``, ``smtps://user:password@host:465``,
    ``?from=docgen@example.kz``, ``?starttls=1``) that also e-mails each notification to the applicant
    whose request gives an address; ``None`` writes notifications to the database only."""

    secret_key: str | None = None
    """``DOCGEN_SECRET_KEY``: signs the web front end's session cookies; unset, a random one is made
    once and kept in ``instance/web-secret``."""
    redis_url: str | None = None
    """``REDIS_URL``: where the web front end's rate limits are counted (``redis://127.0.0.1:6379``);
    ``None`` counts in memory (one process)."""
    secure_cookies: bool = False
    """``DOCGEN_SECURE_COOKIES=1``: session cookies only over HTTPS (set it behind TLS)."""
    batch_broker: str | None = None
    """``DOCGEN_BATCH_BROKER``: the Redis URL batches are sent through to the Celery workers; unset,
    ``REDIS_URL``; neither set (or ``local``), ``docgen batch submit`` makes the lines in local
    processes."""
    batch_lease: int = 3600
    """``DOCGEN_BATCH_LEASE``: seconds a worker holds a batch line before another takes it over (its
    worker presumed dead); also the broker's visibility timeout, after which a message a killed
    worker took is delivered again. Longer than the slowest line."""
    batch_queue: str = "docgen-batches"
    """``DOCGEN_BATCH_QUEUE``: the queue the batch lines go through (one per installation sharing a
    Redis)."""

    @property
    def attachments_dir(self) -> Path:
        return self.instance_dir / "attachments"


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """All settings from defaults, then the environment (``DOCGEN_*``, ``DATABASE_URL``)."""
    env = os.environ if environ is None else environ
    defaults = Settings()
    return Settings(
        render=load_settings(env),
        signing=load_signing_settings(env),
        database_url=env.get("DATABASE_URL") or None,
        instance_dir=Path(env.get("DOCGEN_INSTANCE_DIR", defaults.instance_dir)),
        payment_secret=env.get("DOCGEN_PAYMENT_SECRET") or defaults.payment_secret,
        audit_key=env.get("DOCGEN_AUDIT_KEY") or defaults.audit_key,
        max_attachment_mb=int(env.get("DOCGEN_MAX_ATTACHMENT_MB", defaults.max_attachment_mb)),
        ncanode_url=(env.get("DOCGEN_NCANODE_URL") or "").rstrip("/") or None,
        smtp_url=env.get("DOCGEN_SMTP_URL") or None,
        secret_key=env.get("DOCGEN_SECRET_KEY") or None,
        redis_url=env.get("REDIS_URL") or None,
        secure_cookies=env.get("DOCGEN_SECURE_COOKIES", "0").lower() in ("1", "true", "yes"),
        batch_broker=_broker(env),
        batch_lease=int(env.get("DOCGEN_BATCH_LEASE", defaults.batch_lease)),
        batch_queue=env.get("DOCGEN_BATCH_QUEUE") or defaults.batch_queue,
    )


def _broker(env: Mapping[str, str]) -> str | None:
    named = env.get("DOCGEN_BATCH_BROKER") or env.get("REDIS_URL") or None
    return None if named in (None, "local") else named
