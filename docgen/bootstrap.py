"""The one place that picks implementations and builds long-lived objects.

Nothing is built at import time anywhere in the package: the CLI, the
benchmark, batch workers and tests call these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgen.config import RenderSettings, SigningSettings, load_settings, load_signing_settings
from docgen.rendering.core import Renderer

if TYPE_CHECKING:
    from docgen.signing.pades import DocumentSigner

__all__ = ["ProviderSigners", "make_renderer"]


def make_renderer(settings: RenderSettings | None = None) -> Renderer:
    """A renderer over the configured templates and service catalog."""
    return Renderer(settings or load_settings())


class ProviderSigners:
    """One :class:`~docgen.signing.pades.DocumentSigner` per provider, built on first use.

    Building loads and parses the provider's key, draws its visible signature
    and prepares the timestamp authority: once per process, not per document.
    """

    def __init__(self, settings: SigningSettings | None = None, renderer: Renderer | None = None) -> None:
        self.settings = settings or load_signing_settings()
        self._renderer = renderer
        self._signers: dict[str, DocumentSigner] = {}

    def for_provider(self, code: str) -> DocumentSigner:
        if code not in self._signers:
            self._signers[code] = self._build(code)
        return self._signers[code]

    def _build(self, code: str) -> DocumentSigner:
        from docgen.signing.pades import SIGNATURE_BOX, DocumentSigner, SignerIdentity, load_signer
        from docgen.signing.trust import validation_context

        pki = self.settings.pki_dir
        signer = load_signer(pki / "providers" / f"{code}.p12", self.settings.key_password.encode())
        renderer = self._renderer or make_renderer()
        x1, y1, x2, y2 = SIGNATURE_BOX
        identity = SignerIdentity.of(_certificate(signer))
        stamp = renderer.signature_stamp(identity, x2 - x1, y2 - y1)
        context = validation_context(pki) if self.settings.embed_revocation else None
        return DocumentSigner(
            signer, stamp_pdf=stamp, timestamper=self._timestamper(), validation_context=context
        )

    def _timestamper(self) -> Any:
        tsa = self.settings.tsa
        if not tsa:
            return None
        if tsa == "local":
            from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

            from docgen.signing.pades import load_signer

            authority = load_signer(self.settings.pki_dir / "tsa.p12", self.settings.key_password.encode())
            return DummyTimeStamper(authority.signing_cert, authority.signing_key, authority.cert_registry)
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(tsa)


def _certificate(signer: Any) -> Any:
    from cryptography import x509

    return x509.load_der_x509_certificate(signer.signing_cert.dump())


def make_request_service(database_url: str | None = None) -> Any:
    """The request use cases over the configured database (``DATABASE_URL``; default a SQLite file).

    The schema is brought up to date first (idempotent), so the embedded
    default needs no set-up.
    """
    import os

    from docgen.adapters.calendar import KazakhstanCalendar
    from docgen.adapters.db.engine import make_engine
    from docgen.adapters.db.migrate import upgrade
    from docgen.adapters.outside import LocalNotary, SandboxGateway, TableStateRegistry
    from docgen.services.requests import RequestService

    engine = make_engine(database_url or os.environ.get("DATABASE_URL"))
    upgrade(engine)
    renderer = make_renderer()
    settings = load_signing_settings()
    return RequestService(
        engine=engine,
        catalog=renderer.catalog,
        registry=TableStateRegistry(engine),
        gateway=SandboxGateway(os.environ.get("DOCGEN_PAYMENT_SECRET", "sandbox").encode()),
        calendar=KazakhstanCalendar(),
        renderer=renderer,
        signers=ProviderSigners(settings, renderer),
        checker=_LazyChecker(settings.pki_dir),
        notary=LocalNotary(_registered_attorneys(renderer.catalog)),
    )


def _registered_attorneys(catalog: Any) -> list[tuple[str, str]]:
    """The demo notary system knows the powers of attorney of the service examples."""
    known = []
    for service in catalog:
        representative = service.example.get("representative")
        if representative:
            known.append((representative["power_of_attorney"]["number"], representative["iin"]))
    return known


class _LazyChecker:
    """The request-signature checker, reading the trust material when first needed."""

    def __init__(self, pki_dir: Any) -> None:
        self.pki_dir = pki_dir
        self._checker: Any = None

    def check(self, data: bytes, signature: bytes, **identity: Any) -> Any:
        if self._checker is None:
            from docgen.signing.request_signature import CmsRequestChecker, TrustStore

            self._checker = CmsRequestChecker(TrustStore.from_folder(self.pki_dir))
        return self._checker.check(data, signature, **identity)
