"""A local public-key infrastructure: root CA, provider signers, demo applicants, CRL.

For development, demos and tests only: the root key is written unencrypted
and every PKCS#12 file has the password ``demo``. Certificates follow the
national certification authority's conventions: an individual's IIN in the
subject's serialNumber as ``IIN`` + 12 digits; an organisation's BIN in the
subject's OU as ``BIN`` + 12 digits. Every subject attribute keeps within its
RFC 5280 upper bound (:data:`UPPER_BOUNDS`): a provider's official name, often
longer than the 64 characters allowed in O, goes whole into ``description``
(2.5.4.13, X.520 bound 1024), and O holds a deterministic abbreviation of it
(:func:`short_organization_name`).

Layout of a PKI folder::

    root-ca.pem  root-ca.key  crl.pem
    providers/<provider-code>.p12    (signing certificate of the provider's authorised person)
    applicants/<IIN or BIN>.p12      (demo applicants)
    staff/<login>.p12                (demo centre operator and local body officer: they sign the
                                      requests they enter, seed 003 item 8, seed 004 items 6-7)
    tsa.p12                          (a demo timestamp authority, for PAdES B-T)
    signers.json                     (the signers' register: each provider's BIN and signing officials)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docgen.domain.catalog import Provider

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_STAFF",
    "KEY_COMPROMISE",
    "REVOCATION_REASONS",
    "UPPER_BOUNDS",
    "KeyPair",
    "LocalPki",
    "Revocation",
    "Subject",
    "demo_applicants",
    "short_organization_name",
]

DEMO_PASSWORD = b"demo"
CRL_VALIDITY = dt.timedelta(days=30)

#: Upper bounds (characters) of name attributes: RFC 5280 Appendix A.1 (ub-common-name,
#: ub-organization-name, ub-organizational-unit-name, ub-title, ub-serial-number, ub-locality-name,
#: ub-state-name, ub-pseudonym, ub-name for given name, surname and the like); ``description``, which
#: RFC 5280 does not bound, has X.520's ub-description. The country is exactly two letters (checked
#: by ``cryptography`` itself).
UPPER_BOUNDS: dict[x509.ObjectIdentifier, int] = {
    NameOID.COMMON_NAME: 64,
    NameOID.ORGANIZATION_NAME: 64,
    NameOID.ORGANIZATIONAL_UNIT_NAME: 64,
    NameOID.TITLE: 64,
    NameOID.SERIAL_NUMBER: 64,
    NameOID.LOCALITY_NAME: 128,
    NameOID.STATE_OR_PROVINCE_NAME: 128,
    NameOID.PSEUDONYM: 128,
    NameOID.GIVEN_NAME: 32768,
    NameOID.SURNAME: 32768,
    NameOID.INITIALS: 32768,
    NameOID.GENERATION_QUALIFIER: 32768,
    NameOID.DN_QUALIFIER: 32768,
    NameOID.EMAIL_ADDRESS: 255,
    x509.ObjectIdentifier("2.5.4.13"): 1024,  # description
}
DESCRIPTION = x509.ObjectIdentifier("2.5.4.13")
_SHORT_WORDS = 2


def _bounded(attributes: list[x509.NameAttribute]) -> x509.Name:
    """``attributes`` as a name, or ``ValueError`` when one is longer than its RFC 5280 bound."""
    for attribute in attributes:
        bound = UPPER_BOUNDS.get(attribute.oid)
        if bound is not None and len(str(attribute.value)) > bound:
            raise ValueError(
                f"{attribute.oid.dotted_string} has {len(str(attribute.value))} characters, over {bound}"
            )
    return x509.Name(attributes)


def short_organization_name(name: str, limit: int = 64) -> str:
    """``name`` when it fits in ``limit`` characters, else its initials, deterministically: a capital
    for each word of three letters or more, the small letter of shorter ones (``и``, ``по``), quotes
    kept: "Государственное учреждение «Управление сельского хозяйства Алматинской области»" ->
    "ГУ «УСХАО»"."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    parts: list[str] = []
    for word in name.split():
        opening = word[0] in '«"“„('
        closing = word[-1] in '»"”)'
        letters = word.strip('«»"“”„()')
        if opening:
            parts.append((" " if parts else "") + word[0])
        if letters:
            parts.append(letters[0].upper() if len(letters) > _SHORT_WORDS else letters[0].lower())
        if closing:
            parts.append(word[-1] + " ")
    return "".join(parts).strip()[:limit]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Subject:
    """Who a certificate names, in the national CA's attribute conventions."""

    common_name: str
    iin: str | None = None
    bin: str | None = None
    organization: str | None = None
    title: str | None = None
    country: str = "KZ"
    description: str | None = None
    """The full official name of the organisation when O holds a shortened one."""

    def name(self) -> x509.Name:
        """The subject name; ``ValueError`` when an attribute is over its bound (:data:`UPPER_BOUNDS`)."""
        attributes = [
            x509.NameAttribute(NameOID.COMMON_NAME, self.common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, self.country),
        ]
        if self.iin:
            attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{self.iin}"))
        if self.organization:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organization))
        if self.bin:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{self.bin}"))
        if self.title:
            attributes.append(x509.NameAttribute(NameOID.TITLE, self.title))
        if self.description:
            attributes.append(x509.NameAttribute(DESCRIPTION, self.description))
        return _bounded(attributes)


@dataclass(frozen=True)
class KeyPair:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...] = field(default=())

    def pkcs12(self, password: bytes = DEMO_PASSWORD, name: str | None = None) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            (name or _common_name(self.certificate))[:64].encode(),
            self.key,
            self.certificate,
            list(self.chain) or None,
            serialization.BestAvailableEncryption(password),
        )


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else "docgen"


def new_key(size: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


class LocalPki:
    """A root CA on disk that issues certificates and keeps a CRL."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    # -- files ----------------------------------------------------------------
    @property
    def root_path(self) -> Path:
        return self.folder / "root-ca.pem"

    @property
    def crl_path(self) -> Path:
        return self.folder / "crl.pem"

    def provider_path(self, code: str) -> Path:
        return self.folder / "providers" / f"{code}.p12"

    def applicant_path(self, number: str) -> Path:
        return self.folder / "applicants" / f"{number}.p12"

    def staff_path(self, login: str) -> Path:
        """The key of a centre operator or local body officer (:data:`DEMO_STAFF`)."""
        return self.folder / "staff" / f"{login}.p12"

    @property
    def tsa_path(self) -> Path:
        return self.folder / "tsa.p12"

    def root(self) -> KeyPair:
        certificate = x509.load_pem_x509_certificate(self.root_path.read_bytes())
        key = serialization.load_pem_private_key((self.folder / "root-ca.key").read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return KeyPair(certificate, key)

    # -- creation ---------------------------------------------------------------
    @classmethod
    def create(cls, folder: Path, name: str = "docgen development root CA") -> LocalPki:
        """A new root CA (RSA 3072, ten years) and an empty CRL."""
        pki = cls(folder)
        pki.folder.mkdir(parents=True, exist_ok=True)
        key = new_key(3072)
        subject = _bounded(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "docgen (development only)"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            ]
        )
        now = _now()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        pki.root_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path = pki.folder / "root-ca.key"
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        pki.write_crl([])
        return pki

    def issue(
        self,
        subject: Subject,
        *,
        key: rsa.RSAPrivateKey | None = None,
        key_size: int = 2048,
        hash_algorithm: hashes.HashAlgorithm | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        signing: bool = True,
        extended_usage: Iterable[x509.ObjectIdentifier] = (),
        issuer: KeyPair | None = None,
    ) -> KeyPair:
        """A certificate for ``subject`` signed by the root (or ``issuer``).

        ``signing=False`` makes a certificate not meant for signatures (key
        usage keyEncipherment only), as for the ``key-usage`` reason code.
        """
        issuer = issuer or self.root()
        key = key or new_key(key_size)
        now = _now()
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject.name())
            .issuer_name(issuer.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=1))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signing=signing), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.certificate.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        usages = list(extended_usage)
        if usages:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(usages), critical=ExtendedKeyUsageOID.TIME_STAMPING in usages
            )
        # SHA-1 is allowed on purpose: tests need a certificate with a weak algorithm.
        certificate = builder.sign(issuer.key, hash_algorithm or hashes.SHA256())  # type: ignore[arg-type]
        return KeyPair(certificate, key, (issuer.certificate,))

    def save(self, pair: KeyPair, path: Path, password: bytes = DEMO_PASSWORD) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pair.pkcs12(password))
        path.chmod(0o600)
        return path

    # -- revocation ---------------------------------------------------------------
    def revocations(self) -> list[Revocation]:
        """The CRL's entries, each with its date, reason and invalidity date as recorded."""
        crl = x509.load_pem_x509_crl(self.crl_path.read_bytes())
        return [Revocation.of(entry) for entry in crl]

    def revoked_serials(self) -> list[int]:
        return [entry.serial for entry in self.revocations()]

    def write_crl(self, entries: Iterable[int | Revocation], next_update: dt.datetime | None = None) -> None:
        """Sign and write the CRL listing ``entries`` (``next_update`` for stale-CRL tests).

        A serial given as a number keeps the entry the current CRL has for it - its revocation date,
        reason and invalidity date - or is revoked now, without a reason, when it is new: re-signing
        never re-dates an earlier revocation."""
        root = self.root()
        now = _now()
        known = {entry.serial: entry for entry in self._current()}
        chosen: dict[int, Revocation] = {}
        for item in entries:
            entry = item if isinstance(item, Revocation) else known.get(item) or Revocation(item, now)
            chosen[entry.serial] = entry
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(root.certificate.subject)
            .last_update(min(now, next_update or now) - dt.timedelta(minutes=1))
            .next_update(next_update or now + CRL_VALIDITY)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root.certificate.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        for serial in sorted(chosen):
            builder = builder.add_revoked_certificate(chosen[serial].build())
        crl = builder.sign(root.key, hashes.SHA256())
        self.crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))

    def _current(self) -> list[Revocation]:
        try:
            return self.revocations()
        except (OSError, ValueError):
            return []

    def revoke(self, serial: int, reason: str | None = None, date: dt.datetime | None = None) -> Revocation:
        """Add ``serial`` to the CRL (re-signed, fresh next update; earlier entries kept as they were).

        ``reason``: one of :data:`REVOCATION_REASONS`. ``date``: when the certificate stopped being
        trustworthy - for ``key-compromise`` the (known or suspected) compromise, recorded both as
        the entry's revocation date and in its InvalidityDate extension, so that validators which
        read only the revocation date (pyHanko's, poppler's) also refuse signatures made after it;
        for the other reasons, when the holder left office or the certificate was superseded.
        Without it, now (rounded up to the second, so that no earlier signature falls after it)."""
        if reason is not None and reason not in REVOCATION_REASONS:
            raise ValueError(f"unknown revocation reason {reason!r}: one of {', '.join(REVOCATION_REASONS)}")
        moment = _utc(date) if date is not None else _now() + dt.timedelta(seconds=1)
        entry = Revocation(
            serial,
            moment,
            reason,
            invalid_since=moment if reason == KEY_COMPROMISE else None,
        )
        self.write_crl([*(e for e in self._current() if e.serial != serial), entry])
        return entry


def _utc(moment: dt.datetime) -> dt.datetime:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


#: ``docgen pki revoke --reason``: the CRLReason codes (RFC 5280 5.3.1) an official's certificate
#: is revoked for.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "key-compromise": x509.ReasonFlags.key_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
}
KEY_COMPROMISE = "key-compromise"
_REASON_NAMES = {flag: name for name, flag in REVOCATION_REASONS.items()}


@dataclass(frozen=True)
class Revocation:
    """One CRL entry: the serial, its revocation date, reason and (key compromise) invalidity date."""

    serial: int
    revoked_at: dt.datetime
    reason: str | None = None
    """A key of :data:`REVOCATION_REASONS`, or ``None`` (no CRLReason extension)."""
    invalid_since: dt.datetime | None = None
    """The InvalidityDate extension: since when the key is known or suspected compromised."""

    @classmethod
    def of(cls, entry: x509.RevokedCertificate) -> Revocation:
        reason: str | None = None
        invalid_since: dt.datetime | None = None
        for extension in entry.extensions:
            if isinstance(extension.value, x509.CRLReason):
                flag = extension.value.reason
                reason = _REASON_NAMES.get(flag, flag.value)
            elif isinstance(extension.value, x509.InvalidityDate):
                invalid_since = extension.value.invalidity_date_utc
        return cls(entry.serial_number, entry.revocation_date_utc, reason, invalid_since)

    def build(self) -> x509.RevokedCertificate:
        builder = x509.RevokedCertificateBuilder().serial_number(self.serial).revocation_date(self.revoked_at)
        if self.reason is not None:
            flag = REVOCATION_REASONS.get(self.reason) or x509.ReasonFlags(self.reason)
            builder = builder.add_extension(x509.CRLReason(flag), critical=False)
        if self.invalid_since is not None:
            builder = builder.add_extension(x509.InvalidityDate(self.invalid_since), critical=False)
        return builder.build()

    def to_dict(self) -> dict[str, str | None]:
        return {
            "serial": format(self.serial, "X"),
            "revoked_at": self.revoked_at.isoformat(),
            "reason": self.reason,
            "invalid_since": self.invalid_since.isoformat() if self.invalid_since else None,
        }


def _key_usage(signing: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=not signing and not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def demo_applicants() -> list[Subject]:
    """The applicants of the examples: an individual, and two organisations' heads."""
    return [
        Subject("Ахметов Данияр Серікұлы", iin="880501300124"),
        Subject(
            "Есенгалиев Нұрлан Серікұлы",
            iin="850715300330",
            bin="120340001230",
            organization="«Дала Телеком» ЖШС",
        ),
        Subject(
            "Жұбанышев Асқар Болатұлы",
            iin="790411300621",
            bin="130540013570",
            organization="«Ақжайық Кабель ТВ» ЖШС",
        ),
    ]


#: Demo staff who enter requests on the assisted channels and sign them with their own key (seed 003
#: item 8, seed 004 items 6-7), by the login ``docgen demo`` gives them: the Astana centre's operator
#: and the Mangystau local body's officer. Development data; each key is ``staff/<login>.p12``.
DEMO_STAFF: dict[str, Subject] = {
    "operator-astana": Subject("Серікбаева Айгүл Нұрланқызы", iin="900412400619", title="ХҚКО операторы"),
    "clerk-mangystau-internal-policy": Subject(
        "Жұмабаев Арман Серікұлы", iin="860919300728", title="ЖАО қызметкері"
    ),
}


#: Demo authorised persons of each provider (name, position, IIN): development data. Each IIN's
#: birth date and 7th digit (3: a man born in the 1900s, 4: a woman) agree with the person.
DEMO_SIGNERS: dict[str, tuple[str, str, str]] = {
    "mtc-communications-committee": (
        "Әбенов Қайрат Үсенұлы",
        "Төрағаның орынбасары / Заместитель председателя",
        "790228300518",
    ),
    "mtc-communications-inspectorate": (
        "Нұрланов Бауыржан Жанұлы",
        "Инспекция басшысы / Руководитель инспекции",
        "810707300617",
    ),
    "mci-culture-committee": (
        "Нұрланов Болат Серікұлы",
        "Төрағаның орынбасары / Заместитель председателя",
        "750909300324",
    ),
    "mci-information-committee": ("Сейітова Гүлнар Өмірқызы", "Төраға / Председатель", "820115400419"),
    "almaty-region-agriculture": (
        "Тұрсынбеков Ерлан Маратұлы",
        "Басқарма басшысы / Руководитель управления",
        "780312300156",
    ),
    "mangystau-internal-policy": (
        "Есенғалиев Талғат Қайратұлы",
        "Басқарма басшысы / Руководитель управления",
        "800621300211",
    ),
}


def _other_signer_iin(index: int) -> str:
    """The IIN of the signer of a provider :data:`DEMO_SIGNERS` does not name: a made-up man born
    1 January 1970 (7th digit 3), a serial per provider, and its check digit."""
    from docgen.domain.identifiers import check_digit

    for serial in range(index * 10, index * 10 + 10):
        first = f"70010130{serial % 1000:03d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise ValueError(index)  # pragma: no cover - a check digit fits most numbers


def init_demo(folder: Path, providers: Mapping[str, Provider]) -> LocalPki:
    """A complete development PKI: root, one signer per provider (the provider's BIN, from the
    catalog, in the subject's OU and in the register), demo applicants, a TSA, and the signers'
    register (``signers.json``) naming the providers' signers. A provider without a BIN is refused
    (``ValueError``) before anything is written: its documents could not be verified."""
    from docgen.signing.signers import REGISTER_FILE, register_official

    lacking = sorted(code for code, provider in providers.items() if not provider.bin)
    if lacking:
        raise ValueError(f"no BIN for provider(s) {', '.join(lacking)} in forms/providers.toml")
    pki = LocalPki.create(folder)
    (pki.folder / REGISTER_FILE).unlink(missing_ok=True)  # a new root: the old officials are gone
    for index, (code, provider) in enumerate(sorted(providers.items())):
        name, position, iin = DEMO_SIGNERS.get(
            code,
            (
                f"Уәкілетті тұлға {code[:32]}",
                "Уәкілетті тұлға / Уполномоченное лицо",
                _other_signer_iin(index),
            ),
        )
        bin = provider.bin
        assert bin is not None
        full = " ".join(provider.name["ru"].split())
        short = short_organization_name(full)
        subject = Subject(
            name,
            iin=iin,
            bin=bin,
            organization=short,
            title=position,
            description=full if short != full else None,
        )
        pair = pki.issue(subject)
        pki.save(pair, pki.provider_path(code))
        register_official(pki.folder, code, bin, pair.certificate)
    for applicant in demo_applicants():
        number = applicant.bin or applicant.iin
        assert number is not None
        pki.save(pki.issue(applicant), pki.applicant_path(number))
    for login, staff in DEMO_STAFF.items():
        pki.save(pki.issue(staff), pki.staff_path(login))
    tsa = pki.issue(
        Subject("docgen development timestamp authority", organization="docgen (development only)"),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    pki.save(tsa, pki.tsa_path)
    return pki
