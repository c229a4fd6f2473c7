"""Certificate paths of request signatures, as pyhanko-certvalidator validates them: each test is named
after the attack it stops.

The certificates that :class:`~docgen.signing.pki.LocalPki` does not make (sub-CAs, name
constraints, an issuer that is no CA) are built here with cryptography; CA keys are EC P-256, quick
to make. Every path has the CRLs it needs, so that a refusal is the path's fault, not a missing CRL;
each attack has a twin that differs only in the constraint and is accepted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docgen.signing.pki import KeyPair, LocalPki, Subject, new_key
from docgen.signing.request_signature import (
    SIGNING_PURPOSES,
    CmsRequestChecker,
    RequestSignatureCheck,
    TrustStore,
    _signed_data,
)

IIN = "880501300124"
BIN = "120340001230"
DATA = "Өтініш / Заявление".encode()
NCA_INDIVIDUAL = x509.ObjectIdentifier("1.2.398.3.3.4.1.1")

Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Ca:
    certificate: x509.Certificate
    key: Key


def _name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _usage(*, signing: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(
    subject: x509.Name,
    issuer: Ca,
    key: Key,
    *,
    basic: x509.BasicConstraints | None,
    usage: x509.KeyUsage | None,
    extra: Sequence[x509.ExtensionType] = (),
) -> x509.Certificate:
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=12))
        .not_valid_after(now + dt.timedelta(days=365))
    )
    if basic is not None:
        builder = builder.add_extension(basic, critical=True)
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    for extension in extra:
        builder = builder.add_extension(extension, critical=True)
    return builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]


def _ca(
    name: str,
    issuer: Ca,
    *,
    path_length: int | None = None,
    is_ca: bool = True,
    cert_sign: bool = True,
    extra: Sequence[x509.ExtensionType] = (),
    key: Key | None = None,
) -> Ca:
    key = key or ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(
        _name((NameOID.COUNTRY_NAME, "KZ"), (NameOID.COMMON_NAME, name)),
        issuer,
        key,
        basic=x509.BasicConstraints(ca=is_ca, path_length=path_length if is_ca else None),
        usage=_usage(cert_sign=cert_sign, signing=not cert_sign),
        extra=extra,
    )
    return Ca(certificate, key)


def _signer(issuer: Ca, subject: x509.Name | None = None) -> tuple[x509.Certificate, Key]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = subject or _name(
        (NameOID.COMMON_NAME, "Ахметов Данияр Серікұлы"),
        (NameOID.COUNTRY_NAME, "KZ"),
        (NameOID.SERIAL_NUMBER, f"IIN{IIN}"),
    )
    return _certificate(subject, issuer, key, basic=None, usage=_usage(signing=True)), key


def _crl(issuer: Ca, revoked: Sequence[int] = (), revoked_at: dt.datetime | None = None) -> bytes:
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + dt.timedelta(days=1))
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at or now).build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)  # type: ignore[arg-type]


def _check(
    root: Ca, cas: Sequence[Ca], signer: tuple[x509.Certificate, Key], **options: object
) -> RequestSignatureCheck:
    """The signer's signature over DATA with every CA's certificate in the CMS and every CA's CRL."""
    certificate, key = signer
    signature = _signed_data(DATA, key, certificate, [ca.certificate for ca in cas])  # type: ignore[arg-type]
    trust = TrustStore((root.certificate,), tuple(_crl(ca) for ca in (root, *cas)))
    return CmsRequestChecker(trust).check(DATA, signature, iin=IIN, **options)  # type: ignore[arg-type]


def reason(check: RequestSignatureCheck) -> str | None:
    assert check.ok is (check.reason is None)
    return check.reason


@pytest.fixture(scope="module")
def root(pki: LocalPki) -> Ca:
    pair = pki.root()
    return Ca(pair.certificate, pair.key)


# -- path length -------------------------------------------------------------------------------------


def test_sub_ca_below_a_path_length_zero_ca_cannot_certify_signers(root: Ca) -> None:
    """An intermediate CA allowed no CA below it (pathLenConstraint 0) makes a sub-CA anyway."""
    limited = _ca("Шектелген CA", root, path_length=0)
    rogue = _ca("Жасырын sub-CA", limited)
    check = _check(root, [limited, rogue], _signer(rogue))
    assert reason(check) == "untrusted"
    assert check.signer_iin == IIN  # the signer is still reported


def test_sub_ca_within_the_path_length_is_accepted(root: Ca) -> None:
    """The twin of the attack above: with pathLenConstraint 1 the same path is valid."""
    allowed = _ca("Рұқсат етілген CA", root, path_length=1)
    sub = _ca("Ішкі CA", allowed)
    assert _check(root, [allowed, sub], _signer(sub)).ok


# -- name constraints -----------------------------------------------------------------------------------


def _constrained(root: Ca) -> Ca:
    permitted = x509.DirectoryName(
        _name((NameOID.COUNTRY_NAME, "KZ"), (NameOID.ORGANIZATION_NAME, "Дала Телеком"))
    )
    return _ca("Дала Телеком CA", root, extra=[x509.NameConstraints([permitted], None)])


def _in_organisation(organisation: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "KZ"),
        (NameOID.ORGANIZATION_NAME, organisation),
        (NameOID.COMMON_NAME, "Есенгалиев Нұрлан"),
        (NameOID.SERIAL_NUMBER, f"IIN{IIN}"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{BIN}"),
    )


def test_ca_limited_to_one_organisation_cannot_certify_signers_of_another(root: Ca) -> None:
    """A company's CA (permitted subtree C=KZ, O=Дала Телеком) issues a certificate for someone else."""
    company = _constrained(root)
    outsider = _signer(company, _in_organisation("Басқа ЖШС"))
    assert reason(_check(root, [company], outsider)) == "untrusted"
    abroad = _signer(company, _name((NameOID.COUNTRY_NAME, "RU"), (NameOID.SERIAL_NUMBER, f"IIN{IIN}")))
    assert reason(_check(root, [company], abroad)) == "untrusted"


def test_ca_limited_to_one_organisation_certifies_its_own_signers(root: Ca) -> None:
    company = _constrained(root)
    assert _check(root, [company], _signer(company, _in_organisation("Дала Телеком"))).ok


# -- an issuer that is not a CA ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("is_ca", "cert_sign"),
    [(False, True), (True, False)],
    ids=["basic-constraints-ca-false", "key-usage-without-cert-sign"],
)
def test_certificate_that_is_no_ca_cannot_act_as_an_intermediate(
    root: Ca, is_ca: bool, cert_sign: bool
) -> None:
    """An end-entity certificate (basicConstraints cA=FALSE, even with keyCertSign), or a CA not
    allowed to sign certificates, used as the signer's issuer."""
    impostor = _ca("Жалған CA", root, is_ca=is_ca, cert_sign=cert_sign)
    assert reason(_check(root, [impostor], _signer(impostor))) == "untrusted"


def test_certificate_without_basic_constraints_cannot_act_as_an_intermediate(root: Ca) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(
        _name((NameOID.COMMON_NAME, "Шектеусіз")), root, key, basic=None, usage=_usage(cert_sign=True)
    )
    impostor = Ca(certificate, key)
    assert reason(_check(root, [impostor], _signer(impostor))) == "untrusted"


# -- extended key usage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "purposes",
    [
        [ExtendedKeyUsageOID.SERVER_AUTH],
        [ExtendedKeyUsageOID.TIME_STAMPING],
        [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.CODE_SIGNING],
    ],
    ids=["server-auth", "time-stamping", "client-auth-code-signing"],
)
def test_certificate_for_another_purpose_cannot_sign_requests(
    pki: LocalPki, purposes: list[x509.ObjectIdentifier]
) -> None:
    """A TLS server's, a timestamp authority's or a code-signing certificate (with the digital
    signature key usage a request signature needs) used to sign a request."""
    pair = pki.issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), key=_shared_key(), extended_usage=purposes)
    check = _check_pair(pki, pair)
    assert reason(check) == "key-usage"
    assert check.message["ru"].startswith("Регистрационное свидетельство ЭЦП не предназначено для подписи")


@pytest.mark.parametrize(
    "purposes",
    [
        [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH],
        [NCA_INDIVIDUAL],
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE],
    ],
    ids=["email-protection", "national-ca-individual", "any-purpose"],
)
def test_certificate_whose_purposes_cover_signing_is_accepted(
    pki: LocalPki, purposes: list[x509.ObjectIdentifier]
) -> None:
    pair = pki.issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), key=_shared_key(), extended_usage=purposes)
    assert _check_pair(pki, pair).ok


def test_signing_purposes_are_dotted_oids() -> None:
    assert {"1.3.6.1.5.5.7.3.4", "2.5.29.37.0", NCA_INDIVIDUAL.dotted_string} <= SIGNING_PURPOSES
    assert ExtendedKeyUsageOID.SERVER_AUTH.dotted_string not in SIGNING_PURPOSES
    assert ExtendedKeyUsageOID.TIME_STAMPING.dotted_string not in SIGNING_PURPOSES


_KEYS: list[rsa.RSAPrivateKey] = []


def _shared_key() -> rsa.RSAPrivateKey:
    if not _KEYS:
        _KEYS.append(new_key(2048))
    return _KEYS[0]


def _check_pair(pki: LocalPki, pair: KeyPair) -> RequestSignatureCheck:
    return CmsRequestChecker(TrustStore.from_folder(pki.folder)).check(
        DATA, _signed_data(DATA, pair.key, pair.certificate, pair.chain), iin=IIN
    )


# -- the intermediate's strength and revocation ---------------------------------------------------------


def test_intermediate_with_a_weak_key_is_refused(root: Ca) -> None:
    """A CA whose 1024-bit RSA key can be factored vouches for the signer."""
    weak = _ca("Әлсіз CA", root, key=rsa.generate_private_key(public_exponent=65537, key_size=1024))
    check = _check(root, [weak], _signer(weak))
    assert reason(check) == "weak-algorithm"
    assert "RSA-1024" in check.message["ru"]


def test_revoked_intermediate_cannot_vouch_for_signers(root: Ca) -> None:
    """The root revoked the intermediate CA (its key stolen); the thief certifies a signer."""
    stolen = _ca("Ұрланған CA", root)
    certificate, key = _signer(stolen)
    signature = _signed_data(DATA, key, certificate, [stolen.certificate])  # type: ignore[arg-type]
    crls = (_crl(root, [stolen.certificate.serial_number]), _crl(stolen))
    check = CmsRequestChecker(TrustStore((root.certificate,), crls)).check(DATA, signature, iin=IIN)
    assert reason(check) == "revoked"
    # without the root's CRL the intermediate's status is unknown, never valid
    unknown = CmsRequestChecker(TrustStore((root.certificate,), (_crl(stolen),))).check(
        DATA, signature, iin=IIN
    )
    assert reason(unknown) == "revocation-unknown"


def test_revocation_dated_after_the_request_was_received_still_counts(root: Ca) -> None:
    """A key compromise is often found out after the fact: a revocation listed today refuses a
    request checked as received yesterday, whatever the date on the CRL entry."""
    ca = _ca("Аймақтық CA", root)
    certificate, key = _signer(ca)
    received = _now() - dt.timedelta(hours=2)
    signature = _signed_data(DATA, key, certificate, [ca.certificate], signing_time=received)  # type: ignore[arg-type]
    crls = (_crl(root), _crl(ca, [certificate.serial_number], revoked_at=_now() - dt.timedelta(hours=1)))
    checker = CmsRequestChecker(TrustStore((root.certificate,), crls))
    assert reason(checker.check(DATA, signature, iin=IIN, at=received)) == "revoked"
    not_listed = CmsRequestChecker(TrustStore((root.certificate,), (_crl(root), _crl(ca))))
    assert not_listed.check(DATA, signature, iin=IIN, at=received).ok


def test_checker_works_inside_a_running_event_loop(root: Ca) -> None:
    """certvalidator is asynchronous; the checker is called from synchronous and asynchronous code."""
    ca = _ca("Асинхронды CA", root)
    signer = _signer(ca)

    async def check() -> RequestSignatureCheck:
        return _check(root, [ca], signer)

    assert asyncio.run(check()).ok
