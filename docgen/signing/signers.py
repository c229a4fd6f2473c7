"""The signers' register of a PKI folder: who may sign documents for each provider.

A chain to the trusted root proves only that a certificate was issued to
*someone*; with the national root as trust anchor any citizen holds one. The
register (``signers.json`` in the PKI folder, written by ``docgen pki init``)
lists, per provider code, the provider's BIN and its registered signing
officials: each certificate by serial number and issuer (and its SHA-256),
with the holder's name and the period the official may sign in. A signature
counts only when its certificate is one of these, within that period, and -
when the document is known - of the provider that issued it.

Commands: ``docgen pki signers list|add|end`` (:mod:`docgen.cli.signers`), through
:func:`add_official` and :func:`end_official`; every change is written whole or not at all
(a temporary file renamed over the register).

Format::

    {"format": 1,
     "providers": {"<code>": {"bin": "…", "officials": [
         {"serial": "<hex>", "issuer": "<RFC 4514>", "sha256": "<hex>", "name": "…",
          "valid_from": "<ISO 8601>", "valid_until": "<ISO 8601>"}]}}}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from docgen.errors import PkiError

__all__ = [
    "REGISTER_FILE",
    "ProviderOfficials",
    "RegisterRefused",
    "RegisteredOfficial",
    "SignersRegister",
    "add_official",
    "end_official",
    "load_register",
    "register_official",
    "save_register",
]

REGISTER_FILE = "signers.json"
FORMAT = 1


@dataclass(frozen=True)
class RegisteredOfficial:
    """One signing certificate of a provider's official, as registered."""

    serial: int
    issuer: str
    """The certificate issuer's name, RFC 4514."""
    name: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    sha256: str | None = None
    """The certificate's SHA-256 fingerprint (hex); checked too when registered."""

    @classmethod
    def of(cls, certificate: x509.Certificate) -> RegisteredOfficial:
        names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return cls(
            serial=certificate.serial_number,
            issuer=certificate.issuer.rfc4514_string(),
            name=str(names[0].value) if names else "",
            valid_from=certificate.not_valid_before_utc,
            valid_until=certificate.not_valid_after_utc,
            sha256=_fingerprint(certificate),
        )

    def is_certificate(self, certificate: x509.Certificate) -> bool:
        return (
            certificate.serial_number == self.serial
            and certificate.issuer.rfc4514_string() == self.issuer
            and (self.sha256 is None or _fingerprint(certificate) == self.sha256)
        )

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.valid_from <= moment <= self.valid_until

    def to_json(self) -> dict[str, str]:
        return {
            "serial": format(self.serial, "X"),
            "issuer": self.issuer,
            "name": self.name,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            **({"sha256": self.sha256} if self.sha256 else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegisteredOfficial:
        return cls(
            serial=int(str(data["serial"]), 16),
            issuer=str(data["issuer"]),
            name=str(data.get("name", "")),
            valid_from=_moment(data["valid_from"]),
            valid_until=_moment(data["valid_until"]),
            sha256=str(data["sha256"]).lower() if data.get("sha256") else None,
        )


@dataclass(frozen=True)
class ProviderOfficials:
    """A provider's BIN and its registered signing officials."""

    code: str
    bin: str
    officials: tuple[RegisteredOfficial, ...] = ()


@dataclass(frozen=True)
class SignersRegister:
    """Every provider's registered signing officials."""

    providers: tuple[ProviderOfficials, ...] = ()

    def provider(self, code: str) -> ProviderOfficials | None:
        return next((item for item in self.providers if item.code == code), None)

    def find(self, certificate: x509.Certificate) -> tuple[ProviderOfficials, RegisteredOfficial] | None:
        """The provider and official whose registered certificate ``certificate`` is."""
        for provider in self.providers:
            for official in provider.officials:
                if official.is_certificate(certificate):
                    return provider, official
        return None

    def authority(
        self, certificate: x509.Certificate, moment: dt.datetime, provider: str | None = None
    ) -> tuple[str | None, str | None]:
        """``(provider code, None)`` when ``certificate`` may sign at ``moment`` (for ``provider``
        when given); else ``(provider code or None, why not)``."""
        found = self.find(certificate)
        serial = format(certificate.serial_number, "X")
        if found is None:
            return None, f"certificate {serial} is not a registered signing official's"
        owner, official = found
        if provider is not None and owner.code != provider:
            return owner.code, f"certificate {serial} is registered for {owner.code}, not {provider}"
        if not official.valid_at(moment):
            return owner.code, (
                f"certificate {serial} may sign from {official.valid_from.isoformat()} "
                f"until {official.valid_until.isoformat()}, not at {moment.isoformat()}"
            )
        return owner.code, None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "providers": {
                item.code: {"bin": item.bin, "officials": [o.to_json() for o in item.officials]}
                for item in sorted(self.providers, key=lambda p: p.code)
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> SignersRegister:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a signers register of format {FORMAT}")
        providers = data.get("providers")
        if not isinstance(providers, dict):
            raise ValueError("no providers")
        return cls(
            tuple(
                ProviderOfficials(
                    code=str(code),
                    bin=str(entry["bin"]),
                    officials=tuple(RegisteredOfficial.from_json(o) for o in entry.get("officials", [])),
                )
                for code, entry in providers.items()
            )
        )

    def with_official(self, code: str, bin: str, official: RegisteredOfficial) -> SignersRegister:
        """This register with ``official`` added to (or replacing the same serial of) ``code``."""
        current = self.provider(code) or ProviderOfficials(code, bin)
        kept = tuple(
            o for o in current.officials if (o.serial, o.issuer) != (official.serial, official.issuer)
        )
        updated = ProviderOfficials(code, bin or current.bin, (*kept, official))
        return SignersRegister((*(p for p in self.providers if p.code != code), updated))


def load_register(pki_dir: Path) -> SignersRegister | None:
    """The register of ``pki_dir``; ``None`` when it has none (an older PKI folder); a damaged
    register is :class:`~docgen.errors.PkiError` (never read as "no register")."""
    path = Path(pki_dir) / REGISTER_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PkiError(detail=f"{path}: {error.strerror or error}") from error
    try:
        return SignersRegister.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        raise PkiError(detail=f"{path}: {error}") from error


def save_register(pki_dir: Path, register: SignersRegister) -> None:
    """Write ``register`` as ``pki_dir``'s, whole or not at all (temporary file, then rename)."""
    from docgen.output import write_atomic

    text = json.dumps(register.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(pki_dir) / REGISTER_FILE, text.encode("utf-8"))


def register_official(pki_dir: Path, code: str, bin: str, certificate: x509.Certificate) -> SignersRegister:
    """Add ``certificate`` as a signing official of provider ``code`` to ``pki_dir``'s register."""
    register = (load_register(pki_dir) or SignersRegister()).with_official(
        code, bin, RegisteredOfficial.of(certificate)
    )
    save_register(pki_dir, register)
    return register


class RegisterRefused(PkiError):
    """A change of the signers' register that would let the wrong person sign (nothing is written)."""

    code = "signers-register"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Қол қоюшылар тізілімі өзгертілмеді: {problem}",
        "ru": "Реестр подписантов не изменён: {problem}",
    }

    def __init__(self, **problem: str) -> None:
        super().__init__(problem=problem)


def _text(moment: dt.datetime) -> str:
    return moment.isoformat()


def add_official(
    pki_dir: Path,
    code: str,
    certificate: x509.Certificate,
    *,
    chain: Sequence[x509.Certificate] = (),
    bin: str | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> tuple[SignersRegister, RegisteredOfficial]:
    """Register ``certificate`` as a signing official of provider ``code`` in ``pki_dir``.

    Refused (:class:`RegisterRefused`, nothing written) when the certificate does not chain to the
    folder's root (``chain``: intermediates, as a PKCS#12 file carries them), when the BIN in its
    subject (OU ``BIN`` + 12 digits) is not the provider's - the one registered for ``code``, or
    ``bin`` for a provider new to the register (a ``bin`` that differs from the registered one is
    refused too) -, when it is registered for another provider, or when the period is empty. The
    period defaults to the certificate's validity.
    """
    from docgen.signing.request_signature import certificate_bins

    register = load_register(pki_dir) or SignersRegister()
    serial = format(certificate.serial_number, "X")
    current = register.provider(code)
    if current is not None and bin is not None and bin != current.bin:
        raise RegisterRefused(
            kk=f"{code} жеткізушісінің тіркелген БСН-ы {current.bin}, {bin} емес",
            ru=f"у поставщика {code} зарегистрирован БИН {current.bin}, а не {bin}",
        )
    expected = current.bin if current is not None else bin
    if expected is None:
        raise RegisterRefused(
            kk=f"{code} жеткізушісі тізілімде жоқ: оның БСН-ын көрсетіңіз (--bin)",
            ru=f"поставщика {code} нет в реестре: укажите его БИН (--bin)",
        )
    found = certificate_bins(certificate)
    if found != {expected}:
        shown = ", ".join(sorted(found)) or "—"
        raise RegisterRefused(
            kk=f"№ {serial} сертификатындағы БСН ({shown}) {code} жеткізушісінің БСН-ы ({expected}) емес",
            ru=f"БИН в сертификате № {serial} ({shown}) не совпадает с БИН поставщика {code} ({expected})",
        )
    if not _chains_to_root(pki_dir, certificate, chain):
        raise RegisterRefused(
            kk=f"№ {serial} сертификаты {Path(pki_dir) / 'root-ca.pem'} түбірлік сертификатына жетпейді",
            ru=f"сертификат № {serial} не восходит к корневому сертификату {Path(pki_dir) / 'root-ca.pem'}",
        )
    owner = register.find(certificate)
    if owner is not None and owner[0].code != code:
        raise RegisterRefused(
            kk=f"№ {serial} сертификаты {owner[0].code} жеткізушісіне тіркелген",
            ru=f"сертификат № {serial} уже зарегистрирован за поставщиком {owner[0].code}",
        )
    official = RegisteredOfficial.of(certificate)
    official = replace(
        official,
        valid_from=_aware(valid_from) if valid_from else official.valid_from,
        valid_until=_aware(valid_until) if valid_until else official.valid_until,
    )
    if official.valid_from >= official.valid_until:
        raise RegisterRefused(
            kk=f"кезең бос: {_text(official.valid_from)} — {_text(official.valid_until)}",
            ru=f"пустой период: {_text(official.valid_from)} — {_text(official.valid_until)}",
        )
    register = register.with_official(code, expected, official)
    save_register(pki_dir, register)
    return register, official


def end_official(
    pki_dir: Path, serial: int, moment: dt.datetime
) -> tuple[SignersRegister, list[tuple[str, RegisteredOfficial]]]:
    """End the period of the official(s) whose certificate has ``serial`` at ``moment`` (they left
    office): their signatures after it are ``unauthorized-signer``. A period already over earlier
    stays as it was; ``moment`` before the start of the period is refused, as is an unknown serial."""
    moment = _aware(moment)
    register = load_register(pki_dir)
    shown = format(serial, "X")
    matches = [
        (provider, official)
        for provider in (register.providers if register else ())
        for official in provider.officials
        if official.serial == serial
    ]
    if register is None or not matches:
        raise RegisterRefused(
            kk=f"№ {shown} сертификаты тізілімде жоқ",
            ru=f"сертификата № {shown} нет в реестре",
        )
    ended = []
    for provider, official in matches:
        if moment < official.valid_from:
            raise RegisterRefused(
                kk=f"№ {shown} сертификатының кезеңі {_text(official.valid_from)} басталады, "
                f"{_text(moment)} аяқтала алмайды",
                ru=f"период сертификата № {shown} начинается {_text(official.valid_from)} "
                f"и не может окончиться {_text(moment)}",
            )
        changed = replace(official, valid_until=min(official.valid_until, moment))
        register = register.with_official(provider.code, provider.bin, changed)
        ended.append((provider.code, changed))
    save_register(pki_dir, register)
    return register, ended


def _chains_to_root(pki_dir: Path, certificate: x509.Certificate, chain: Sequence[x509.Certificate]) -> bool:
    """Whether a valid path leads from ``certificate`` to the folder's root (judged in the middle of
    the certificate's validity, revocation aside: registering is not signing)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathError, ValidationError

    from docgen.signing.request_signature import _run_async
    from docgen.signing.trust import load_roots

    def der(item: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(item.public_bytes(serialization.Encoding.DER))

    middle = (
        certificate.not_valid_before_utc
        + (certificate.not_valid_after_utc - certificate.not_valid_before_utc) / 2
    )
    context = ValidationContext(
        trust_roots=load_roots(pki_dir),
        other_certs=[der(item) for item in chain],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=middle,
    )
    validator = CertificateValidator(der(certificate), validation_context=context)
    try:
        _run_async(validator.async_validate_path())
    except (PathError, ValidationError):
        return False
    return True


def _fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _moment(value: Any) -> dt.datetime:
    return _aware(dt.datetime.fromisoformat(str(value)))
