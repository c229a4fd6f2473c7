"""The signers' register of a PKI folder: who may sign documents for each provider.

A chain to the trusted root proves only that a certificate was issued to
*someone*; with the national root as trust anchor any citizen holds one. The
register (``signers.json`` in the PKI folder, written by ``docgen pki init``)
lists, per provider code, the provider's BIN and its registered signing
officials: each certificate by serial number and issuer (and its SHA-256),
with the holder's name and the period the official may sign in. A signature
counts only when its certificate is one of these, within that period, and -
when the document is known - of the provider that issued it.

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
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from docgen.errors import PkiError

__all__ = [
    "REGISTER_FILE",
    "ProviderOfficials",
    "RegisteredOfficial",
    "SignersRegister",
    "load_register",
    "register_official",
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


def register_official(pki_dir: Path, code: str, bin: str, certificate: x509.Certificate) -> SignersRegister:
    """Add ``certificate`` as a signing official of provider ``code`` to ``pki_dir``'s register."""
    register = (load_register(pki_dir) or SignersRegister()).with_official(
        code, bin, RegisteredOfficial.of(certificate)
    )
    path = Path(pki_dir) / REGISTER_FILE
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(
        json.dumps(register.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    os.replace(temporary, path)
    return register


def _fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
