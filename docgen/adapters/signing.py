"""The signing machinery behind the use cases' ports: PAdES signing per provider, and the CMS
check of an applicant's request signature."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.config import SigningSettings, load_settings, load_signing_settings
from docgen.domain.signatures import RequestSignatureCheck, RequestSignatureChecker
from docgen.rendering.core import Renderer
from docgen.services.ports import Official, Signers

if TYPE_CHECKING:
    from docgen.signing.pades import DocumentSigner

__all__ = ["LazyRequestChecker", "PadesSigners", "ProviderSigners"]


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
        renderer = self._renderer or Renderer(load_settings())
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


class PadesSigners(Signers):
    """The :class:`~docgen.services.ports.Signers` port over the providers' PKCS#12 keys."""

    def __init__(self, providers: ProviderSigners) -> None:
        self.providers = providers

    def official(self, provider: str) -> Official:
        identity = self.providers.for_provider(provider).identity
        return Official(name=identity.name, position=identity.position)

    def sign(self, provider: str, pdf: bytes) -> bytes:
        return self.providers.for_provider(provider).sign(pdf)


class LazyRequestChecker(RequestSignatureChecker):
    """The CMS request-signature checker, reading the trust material when first needed."""

    def __init__(self, pki_dir: Path) -> None:
        self.pki_dir = pki_dir
        self._checker: RequestSignatureChecker | None = None

    def check(
        self,
        data: bytes,
        signature: bytes,
        *,
        iin: str | None = None,
        bin: str | None = None,
        at: dt.datetime | None = None,
    ) -> RequestSignatureCheck:
        if self._checker is None:
            from docgen.signing.request_signature import CmsRequestChecker, TrustStore

            self._checker = CmsRequestChecker(TrustStore.from_folder(self.pki_dir))
        return self._checker.check(data, signature, iin=iin, bin=bin, at=at)
