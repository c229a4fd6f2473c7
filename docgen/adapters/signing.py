"""The signing machinery behind the use cases' ports: PAdES signing per provider, and the CMS
check of an applicant's request signature."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.config import SigningSettings, load_settings, load_signing_settings
from docgen.domain.signatures import RequestSignatureCheck, RequestSignatureChecker
from docgen.errors import SignerCertificateRefused, SigningFailed
from docgen.services.ports import DocumentTimestamper, Official, Signers

if TYPE_CHECKING:
    from docgen.adapters.rendering import TemplateRenderer
    from docgen.rendering.core import Renderer
    from docgen.signing.pades import DocumentSigner

__all__ = ["LazyRequestChecker", "PadesArchiver", "PadesSigners", "ProviderSigners"]


class ProviderSigners:
    """One :class:`~docgen.signing.pades.DocumentSigner` per provider, built on first use.

    Building loads and parses the provider's key, draws its visible signature
    and prepares the timestamp authority: once per process, not per document.
    """

    def __init__(
        self, settings: SigningSettings | None = None, renderer: Renderer | TemplateRenderer | None = None
    ) -> None:
        self.settings = settings or load_signing_settings()
        self._renderer = renderer
        self._signers: dict[str, DocumentSigner] = {}

    def for_provider(self, code: str) -> DocumentSigner:
        if code not in self._signers:
            self._signers[code] = self._build(code)
        return self._signers[code]

    def sign(self, code: str, pdf: bytes) -> bytes:
        """``pdf`` signed for provider ``code``, after :meth:`check_certificate`."""
        signer = self.for_provider(code)
        self.check_certificate(code)
        return signer.sign(pdf)

    def check_certificate(self, code: str, moment: dt.datetime | None = None) -> None:
        """Refuse (:class:`~docgen.errors.SignerCertificateRefused`) a provider certificate that is
        expired, not yet valid or revoked at ``moment`` (now), or whose revocation status cannot be
        known: the PKI folder's CRL must be readable, signed by the certificate's issuer and fresh.
        Checked before every signature (the certificate may expire while the process runs), whatever
        ``embed_revocation`` says. When the PKI folder holds the signers' register, the certificate
        must also be a registered signing official's of provider ``code`` at ``moment``: a document
        signed otherwise would fail ``docgen verify`` with ``unauthorized-signer``."""
        certificate = _certificate(self.for_provider(code).signer)
        now = moment or dt.datetime.now(dt.UTC)
        problem = (
            _validity_problem(certificate, now)
            or _revocation_problem(certificate, self.settings.pki_dir, now)
            or _authority_problem(certificate, self.settings.pki_dir, code, now)
        )
        if problem is not None:
            raise SignerCertificateRefused(
                provider=code, serial=format(certificate.serial_number, "X"), reason=problem
            )

    def _build(self, code: str) -> DocumentSigner:
        from docgen.signing.pades import SIGNATURE_BOX, DocumentSigner, SignerIdentity, load_signer
        from docgen.signing.trust import validation_context

        pki = self.settings.pki_dir
        signer = load_signer(pki / "providers" / f"{code}.p12", self.settings.key_password.encode())
        if self._renderer is None:
            from docgen.rendering.core import Renderer

            self._renderer = Renderer(load_settings())
        renderer = self._renderer
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
            from docgen.signing.pades import LocalTimeStamper, load_signer

            authority = load_signer(self.settings.pki_dir / "tsa.p12", self.settings.key_password.encode())
            return LocalTimeStamper(authority)
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(tsa)


def _certificate(signer: Any) -> Any:
    from cryptography import x509

    return x509.load_der_x509_certificate(signer.signing_cert.dump())


def _validity_problem(certificate: Any, now: dt.datetime) -> dict[str, str] | None:
    if now < certificate.not_valid_before_utc:
        since = certificate.not_valid_before_utc.isoformat()
        return {"kk": f"сертификат {since} бастап жарамды", "ru": f"сертификат действует только с {since}"}
    if now > certificate.not_valid_after_utc:
        until = certificate.not_valid_after_utc.isoformat()
        return {"kk": f"сертификаттың мерзімі {until} өтті", "ru": f"срок действия сертификата истёк {until}"}
    return None


def _revocation_problem(certificate: Any, pki_dir: Path, now: dt.datetime) -> dict[str, str] | None:
    """Why ``certificate``'s revocation status is bad or unknown from the folder's CRL, or ``None``."""
    from asn1crypto import pem
    from cryptography import x509

    unknown = {
        "kk": "қайтарып алу мәртебесі белгісіз (CRL жоқ, оқылмайды, расталмайды немесе ескірген)",
        "ru": "статус отзыва неизвестен (CRL нет, он не читается, не подтверждён или устарел)",
    }
    try:
        data = (pki_dir / "crl.pem").read_bytes()
        blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        crls = [x509.load_der_x509_crl(der) for der in blocks]
        issuers = x509.load_pem_x509_certificates((pki_dir / "root-ca.pem").read_bytes())
    except (OSError, ValueError):
        return unknown
    issuer = next((item for item in issuers if item.subject == certificate.issuer), None)
    for crl in crls:
        if issuer is None or crl.issuer != certificate.issuer:
            continue
        if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            continue
        if crl.next_update_utc is None or crl.next_update_utc < now:
            continue
        if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            return {"kk": "сертификат қайтарылып алынған (CRL)", "ru": "сертификат отозван (CRL)"}
        return None
    return unknown


def _authority_problem(certificate: Any, pki_dir: Path, code: str, now: dt.datetime) -> dict[str, str] | None:
    """Why ``certificate`` may not sign for ``code`` at ``now`` by the folder's signers' register
    (``None`` when it may, or when the folder has no register)."""
    from docgen.signing.signers import load_register

    register = load_register(pki_dir)
    if register is None:
        return None
    _, why_not = register.authority(certificate, now, code)
    if why_not is None:
        return None
    return {
        "kk": f"сертификат қол қоюшылар тізілімінде бұл провайдердің уәкілетті тұлғасы емес ({why_not})",
        "ru": f"сертификат не принадлежит уполномоченному лицу поставщика по реестру подписантов ({why_not})",
    }


class PadesSigners(Signers):
    """The :class:`~docgen.services.ports.Signers` port over the providers' PKCS#12 keys."""

    def __init__(self, providers: ProviderSigners) -> None:
        self.providers = providers

    def official(self, provider: str) -> Official:
        identity = self.providers.for_provider(provider).identity
        return Official(name=identity.name, position=identity.position, certificate=identity.serial)

    def sign(self, provider: str, pdf: bytes) -> bytes:
        return self.providers.sign(provider, pdf)


class PadesArchiver(DocumentTimestamper):
    """The :class:`~docgen.services.ports.DocumentTimestamper` port: document timestamps (PAdES
    B-LTA) from the configured timestamp authority (``DOCGEN_TSA``), with validation data from the
    PKI folder."""

    def __init__(self, settings: SigningSettings | None = None) -> None:
        self.settings = settings or load_signing_settings()
        self._timestamper: Any = None

    def timestamp(self, pdf: bytes) -> bytes:
        from docgen.signing.archive import add_archive_timestamp
        from docgen.signing.trust import validation_context

        if self._timestamper is None:
            self._timestamper = ProviderSigners(self.settings)._timestamper()
        if self._timestamper is None:
            raise SigningFailed(detail="a document timestamp needs a timestamp authority (DOCGEN_TSA=none)")
        pki = self.settings.pki_dir
        return add_archive_timestamp(pdf, self._timestamper, lambda: validation_context(pki))


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
