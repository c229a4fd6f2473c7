"""The applicant's signature over a request: one test (at least) per reason code.

RSA key generation is the slow part: one 2048-bit key is shared by most
certificates (``issue(key=...)``), and one extra root CA (``own``) serves for
the CRL tests and as the "other root" of the untrusted ones.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from docgen.errors import PkiError, SigningKeyError
from docgen.signing.pki import DEMO_PASSWORD, KeyPair, LocalPki, Subject, new_key
from docgen.signing.request_signature import (
    CONFIRMED,
    MESSAGES,
    REASONS,
    CmsRequestChecker,
    RequestSignatureCheck,
    RequestSignatureChecker,
    TrustStore,
    _signed_data,
    default_pki_dir,
    sign_request,
)

IIN = "880501300124"
OTHER_IIN = "850715300330"
BIN = "120340001230"
DATA = "Өтініш: байланыс саласындағы лицензия / Заявление на лицензию в области связи".encode()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key(2048)


@pytest.fixture(scope="module")
def root(pki: LocalPki) -> KeyPair:
    """The session PKI's root, loaded once (loading a 3072-bit key takes a tenth of a second)."""
    return pki.root()


@pytest.fixture(scope="module")
def issue(pki: LocalPki, root: KeyPair, key: rsa.RSAPrivateKey) -> Callable[..., KeyPair]:
    """``pki.issue`` by the session root with the shared key, unless told otherwise."""

    def make(subject: Subject, **options: Any) -> KeyPair:
        options.setdefault("issuer", root)
        if "key_size" not in options:
            options.setdefault("key", key)
        return pki.issue(subject, **options)

    return make


@pytest.fixture(scope="module")
def issue_own(own: LocalPki, key: rsa.RSAPrivateKey) -> Callable[..., KeyPair]:
    """Certificates of the second root, with the shared key."""
    own_root = own.root()

    def make(subject: Subject, **options: Any) -> KeyPair:
        return own.issue(subject, key=key, issuer=own_root, **options)

    return make


@pytest.fixture(scope="module")
def person(issue: Callable[..., KeyPair]) -> KeyPair:
    return issue(Subject("Ахметов Данияр Серікұлы", iin=IIN))


@pytest.fixture(scope="module")
def organisation(issue: Callable[..., KeyPair]) -> KeyPair:
    return issue(
        Subject("Есенгалиев Нұрлан Серікұлы", iin=OTHER_IIN, bin=BIN, organization="«Дала Телеком» ЖШС")
    )


@pytest.fixture(scope="module")
def checker(pki: LocalPki) -> CmsRequestChecker:
    return CmsRequestChecker(TrustStore.from_folder(pki.folder))


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    """A second root CA, whose CRL the tests may change (the session ``pki`` is shared)."""
    return LocalPki.create(tmp_path_factory.mktemp("own-pki"))


def sign(pair: KeyPair, data: bytes = DATA) -> bytes:
    """What :func:`sign_request` makes, without the PKCS#12 round trip (its key check is slow)."""
    return _signed_data(data, pair.key, pair.certificate, pair.chain)


def reason(check: RequestSignatureCheck) -> str | None:
    assert check.ok is (check.reason is None)
    return check.reason


def _resign(der: bytes, change: Callable[[cms.ContentInfo], None]) -> bytes:
    info = cms.ContentInfo.load(der)
    change(info)
    return bytes(info.dump(force=True))


# -- valid signatures ------------------------------------------------------------------------------


def test_an_individuals_signature_is_confirmed(checker: CmsRequestChecker, person: KeyPair) -> None:
    check = checker.check(DATA, sign_request(DATA, person.pkcs12(), DEMO_PASSWORD), iin=IIN)
    assert check.ok and check.reason is None
    assert check.message == CONFIRMED
    assert check.signer == "Ахметов Данияр Серікұлы"
    assert check.signer_iin == IIN and check.signer_bin is None
    assert check.certificate_serial == format(person.certificate.serial_number, "X")
    assert check.signed_at is not None and check.checked_at
    assert abs(dt.datetime.fromisoformat(check.signed_at) - _now()) < dt.timedelta(minutes=1)


def test_an_organisations_signature_is_confirmed_by_bin_and_iin(
    checker: CmsRequestChecker, organisation: KeyPair
) -> None:
    signature = sign(organisation)
    for given in ({"bin": BIN}, {"iin": OTHER_IIN}, {"iin": OTHER_IIN, "bin": BIN}):
        check = checker.check(DATA, signature, **given)
        assert check.ok, given
        assert (check.signer_iin, check.signer_bin) == (OTHER_IIN, BIN)


def test_signature_is_a_detached_cms_with_the_required_attributes(person: KeyPair) -> None:
    info = cms.ContentInfo.load(sign_request(DATA, person.pkcs12(), DEMO_PASSWORD))
    assert info["content_type"].native == "signed_data"
    signed = info["content"]
    assert signed["encap_content_info"]["content"].native is None  # detached
    (signer,) = signed["signer_infos"]
    assert signer["digest_algorithm"]["algorithm"].native == "sha256"
    assert {a["type"].native for a in signer["signed_attrs"]} == {
        "content_type",
        "message_digest",
        "signing_time",
    }
    certificates = [c.chosen.dump() for c in signed["certificates"]]
    assert person.certificate.public_bytes(serialization.Encoding.DER) in certificates
    assert person.chain[0].public_bytes(serialization.Encoding.DER) in certificates


def test_pem_and_base64_signatures_are_read(checker: CmsRequestChecker, person: KeyPair) -> None:
    der = sign(person)
    as_base64 = base64.b64encode(der)
    as_pem = b"-----BEGIN CMS-----\n" + base64.encodebytes(der) + b"-----END CMS-----\n"
    assert checker.check(DATA, as_base64, iin=IIN).ok
    assert checker.check(DATA, as_pem, iin=IIN).ok


def test_an_ecdsa_signature_is_confirmed(issue: Callable[..., KeyPair], checker: CmsRequestChecker) -> None:
    pair = issue(Subject("ECDSA", iin=IIN), key=ec.generate_private_key(ec.SECP256R1()))  # type: ignore[arg-type]
    assert checker.check(DATA, sign(pair), iin=IIN).ok


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_a_signature_made_by_openssl_is_confirmed(
    checker: CmsRequestChecker, person: KeyPair, tmp_path: Path
) -> None:
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "cert.pem").write_bytes(person.certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        person.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            *("openssl", "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-in", "data"),
            *("-signer", "cert.pem", "-inkey", "key.pem", "-out", "sig.p7s"),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    assert checker.check(DATA, (tmp_path / "sig.p7s").read_bytes(), iin=IIN).ok


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_openssl_confirms_our_signature(pki: LocalPki, person: KeyPair, tmp_path: Path) -> None:
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "sig.p7s").write_bytes(sign(person))
    subprocess.run(
        [
            *("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "data"),
            *("-CAfile", str(pki.root_path), "-purpose", "any", "-out", "/dev/null"),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )


# -- bad-signature -----------------------------------------------------------------------------------


def test_content_changed_after_signing(checker: CmsRequestChecker, person: KeyPair) -> None:
    signature = sign(person)
    check = checker.check(DATA + b" ", signature, iin=IIN)
    assert reason(check) == "bad-signature"
    assert check.signer == "Ахметов Данияр Серікұлы"  # who signed is still reported


def test_signature_value_damaged(checker: CmsRequestChecker, person: KeyPair) -> None:
    def flip(info: cms.ContentInfo) -> None:
        signer = info["content"]["signer_infos"][0]
        value = bytearray(signer["signature"].native)
        value[10] ^= 0x01
        signer["signature"] = bytes(value)

    assert reason(checker.check(DATA, _resign(sign(person), flip), iin=IIN)) == "bad-signature"


def test_signed_attributes_changed(checker: CmsRequestChecker, person: KeyPair) -> None:
    def backdate(info: cms.ContentInfo) -> None:
        for attribute in info["content"]["signer_infos"][0]["signed_attrs"]:
            if attribute["type"].native == "signing_time":
                attribute["values"] = [cms.Time({"utc_time": _now() - dt.timedelta(days=1)})]

    assert reason(checker.check(DATA, _resign(sign(person), backdate), iin=IIN)) == "bad-signature"


def test_signature_by_another_key_than_the_certificates(
    checker: CmsRequestChecker, person: KeyPair, organisation: KeyPair
) -> None:
    # the signer's certificate replaced by another one with the same issuer and serial number
    forged = _signed_data(DATA, new_key(2048), person.certificate, person.chain)
    assert reason(checker.check(DATA, forged, iin=IIN)) == "bad-signature"


@pytest.mark.parametrize(
    "signature",
    [b"", b"not a signature", b"\x30\x03\x02\x01\x00", b"-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n"],
)
def test_malformed_signatures(checker: CmsRequestChecker, signature: bytes) -> None:
    check = checker.check(DATA, signature, iin=IIN)
    assert reason(check) == "bad-signature"
    assert check.signer is None


def test_truncated_signature(checker: CmsRequestChecker, person: KeyPair) -> None:
    signature = sign(person)
    for size in (1, 50, len(signature) // 2, len(signature) - 1):
        assert reason(checker.check(DATA, signature[:size], iin=IIN)) == "bad-signature"


def test_signature_without_signer_certificate(checker: CmsRequestChecker, person: KeyPair) -> None:
    def drop(info: cms.ContentInfo) -> None:
        info["content"]["certificates"] = [info["content"]["certificates"][1]]

    assert reason(checker.check(DATA, _resign(sign(person), drop), iin=IIN)) == "bad-signature"


def test_attached_content_other_than_the_data(checker: CmsRequestChecker, person: KeyPair) -> None:
    def attach(info: cms.ContentInfo) -> None:
        info["content"]["encap_content_info"] = {"content_type": "data", "content": b"something else"}

    assert reason(checker.check(DATA, _resign(sign(person), attach), iin=IIN)) == "bad-signature"


# -- untrusted ---------------------------------------------------------------------------------------


def test_certificate_from_another_root(checker: CmsRequestChecker, issue_own: Callable[..., KeyPair]) -> None:
    stranger = issue_own(Subject("Ахметов Данияр Серікұлы", iin=IIN))
    assert reason(checker.check(DATA, sign(stranger), iin=IIN)) == "untrusted"


def test_certificate_issued_by_an_end_entity(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, person: KeyPair, key: rsa.RSAPrivateKey
) -> None:
    # ``person`` is not a CA: whatever it signs is not trusted, even with the chain included
    pair = issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), issuer=person)
    signature = _signed_data(DATA, key, pair.certificate, [person.certificate, *person.chain])
    assert reason(checker.check(DATA, signature, iin=IIN)) == "untrusted"


def test_chain_through_an_intermediate_ca(
    pki: LocalPki, root: KeyPair, issue: Callable[..., KeyPair], key: rsa.RSAPrivateKey
) -> None:
    now = _now()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docgen intermediate CA")])
    intermediate_key = new_key(2048)
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root.certificate.subject)
        .public_key(intermediate_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    issuer = KeyPair(intermediate, intermediate_key, (root.certificate,))
    pair = issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), issuer=issuer)
    signature = _signed_data(DATA, key, pair.certificate, [intermediate])

    def crl(revoked: list[int]) -> bytes:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(name)
            .last_update(now - dt.timedelta(minutes=1))
            .next_update(now + dt.timedelta(days=1))
        )
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
            )
        return builder.sign(intermediate_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    roots = (root.certificate,)
    root_crl = pki.crl_path.read_bytes()
    ok = CmsRequestChecker(TrustStore(roots, (root_crl + crl([]),)))
    assert ok.check(DATA, signature, iin=IIN).ok
    # the intermediate's CRL is needed too, and is honoured
    assert reason(CmsRequestChecker(TrustStore(roots, (root_crl,))).check(DATA, signature, iin=IIN)) == (
        "revocation-unknown"
    )
    revoked = CmsRequestChecker(TrustStore(roots, (root_crl, crl([pair.certificate.serial_number]))))
    assert reason(revoked.check(DATA, signature, iin=IIN)) == "revoked"
    # without the intermediate in the CMS there is no path to the root
    alone = _signed_data(DATA, key, pair.certificate)
    assert reason(ok.check(DATA, alone, iin=IIN)) == "untrusted"


# -- validity period ---------------------------------------------------------------------------------


def test_expired_certificate(issue: Callable[..., KeyPair], checker: CmsRequestChecker) -> None:
    now = _now()
    pair = issue(
        Subject("Ахметов Данияр Серікұлы", iin=IIN),
        not_before=now - dt.timedelta(days=30),
        not_after=now - dt.timedelta(days=1),
    )
    check = checker.check(DATA, sign(pair), iin=IIN)
    assert reason(check) == "expired"
    assert check.message == MESSAGES["expired"]


def test_not_yet_valid_certificate(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, key: rsa.RSAPrivateKey
) -> None:
    now = _now()
    pair = issue(
        Subject("Ахметов Данияр Серікұлы", iin=IIN),
        not_before=now + dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    assert reason(checker.check(DATA, sign(pair), iin=IIN)) == "not-yet-valid"


def test_backdated_signing_time_does_not_revive_an_expired_certificate(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, key: rsa.RSAPrivateKey
) -> None:
    """signingTime is the signer's own claim: the certificate must also be valid at the check moment."""
    now = _now()
    pair = issue(
        Subject("Ахметов Данияр Серікұлы", iin=IIN),
        not_before=now - dt.timedelta(hours=20),  # the development root is valid from a day ago
        not_after=now - dt.timedelta(hours=1),
    )
    signed = now - dt.timedelta(hours=2)
    backdated = _signed_data(DATA, key, pair.certificate, pair.chain, signing_time=signed)
    assert reason(checker.check(DATA, backdated, iin=IIN)) == "expired"
    # a request received while the certificate was valid stays valid when checked later (``at``)
    check = checker.check(DATA, backdated, iin=IIN, at=signed + dt.timedelta(minutes=5))
    assert check.ok
    assert check.signed_at == signed.isoformat()


def test_signing_time_outside_the_validity_period(checker: CmsRequestChecker, person: KeyPair) -> None:
    long_ago = person.certificate.not_valid_before_utc - dt.timedelta(days=3)
    signature = _signed_data(DATA, person.key, person.certificate, person.chain, signing_time=long_ago)
    assert reason(checker.check(DATA, signature, iin=IIN)) == "not-yet-valid"


def test_injected_clock(pki: LocalPki, person: KeyPair) -> None:
    """The clock is the checker's ``now``: a year and a half later the certificate has expired."""
    later = _now() + dt.timedelta(days=540)
    checker = CmsRequestChecker(TrustStore.from_folder(pki.folder), now=lambda: later)
    check = checker.check(DATA, sign(person), iin=IIN)
    assert reason(check) == "expired"
    assert check.checked_at == later.isoformat()


# -- revocation --------------------------------------------------------------------------------------


@pytest.fixture()
def own_person(own: LocalPki, issue_own: Callable[..., KeyPair]) -> KeyPair:
    own.write_crl([])
    return issue_own(Subject("Ахметов Данияр Серікұлы", iin=IIN))


def test_revoked_certificate(own: LocalPki, own_person: KeyPair) -> None:
    signature = sign(own_person)
    assert CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, signature, iin=IIN).ok
    own.revoke(own_person.certificate.serial_number)
    check = CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, signature, iin=IIN)
    assert reason(check) == "revoked"
    assert check.message["kk"] == "ЭЦҚ тіркеу куәлігі кері қайтарылған (кері қайтарылғандар тізімінде бар)"
    assert check.message["ru"] == "Регистрационное свидетельство ЭЦП отозвано (находится в списке отозванных)"


def test_stale_crl(own: LocalPki, own_person: KeyPair) -> None:
    own.write_crl([], next_update=_now() - dt.timedelta(hours=1))
    check = CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, sign(own_person), iin=IIN)
    assert reason(check) == "revocation-unknown"


def test_stale_crl_that_lists_the_certificate(own: LocalPki, own_person: KeyPair) -> None:
    own.write_crl([own_person.certificate.serial_number], next_update=_now() - dt.timedelta(hours=1))
    check = CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, sign(own_person), iin=IIN)
    assert reason(check) == "revoked"


def test_missing_crl(own: LocalPki, own_person: KeyPair) -> None:
    own.crl_path.unlink()
    trust = TrustStore.from_folder(own.folder)  # not an error when loading
    assert trust.crls == ()
    assert reason(CmsRequestChecker(trust).check(DATA, sign(own_person), iin=IIN)) == "revocation-unknown"


@pytest.mark.parametrize(
    "crl", [b"", b"garbage", b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"]
)
def test_unreadable_crl(own: LocalPki, own_person: KeyPair, crl: bytes) -> None:
    own.crl_path.write_bytes(crl)
    check = CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, sign(own_person), iin=IIN)
    assert reason(check) == "revocation-unknown"


def test_crl_not_signed_by_the_trusted_root(pki: LocalPki, own: LocalPki, own_person: KeyPair) -> None:
    # both roots have the same name: the session PKI's CRL looks like ``own``'s but is not signed by it
    assert pki.root().certificate.subject == own.root().certificate.subject
    shutil.copy(pki.crl_path, own.crl_path)
    check = CmsRequestChecker(TrustStore.from_folder(own.folder)).check(DATA, sign(own_person), iin=IIN)
    assert reason(check) == "revocation-unknown"


def test_a_crl_signed_by_another_root_cannot_revoke(
    pki: LocalPki, own: LocalPki, own_person: KeyPair
) -> None:
    other = KeyPair(pki.root().certificate, pki.root().key)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(own_person.certificate.issuer)
        .last_update(_now() - dt.timedelta(minutes=1))
        .next_update(_now() + dt.timedelta(days=1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(own_person.certificate.serial_number)
            .revocation_date(_now())
            .build()
        )
    )
    forged = builder.sign(other.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    trust = TrustStore((own.root().certificate,), (own.crl_path.read_bytes(), forged))
    assert CmsRequestChecker(trust).check(DATA, sign(own_person), iin=IIN).ok


# -- key usage, algorithms -------------------------------------------------------------------------


def test_certificate_not_meant_for_signing(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, key: rsa.RSAPrivateKey
) -> None:
    pair = issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), signing=False)
    assert reason(checker.check(DATA, sign(pair), iin=IIN)) == "key-usage"


def test_rsa_1024_key(issue: Callable[..., KeyPair], checker: CmsRequestChecker) -> None:
    pair = issue(Subject("Ахметов Данияр Серікұлы", iin=IIN), key_size=1024)
    check = checker.check(DATA, sign(pair), iin=IIN)
    assert reason(check) == "weak-algorithm"
    assert "RSA-1024" in check.message["kk"] and "RSA-1024" in check.message["ru"]


def test_sha1_signature(checker: CmsRequestChecker, person: KeyPair) -> None:
    signature = _signed_data(DATA, person.key, person.certificate, person.chain, digest="sha1")
    check = checker.check(DATA, signature, iin=IIN)
    assert reason(check) == "weak-algorithm"
    assert "SHA-1" in check.message["ru"]


def _sha1_certificate(root: KeyPair, pair: KeyPair) -> KeyPair:
    """``pair``'s certificate re-signed by the root with SHA-1 (cryptography no longer issues these)."""
    certificate = asn1_x509.Certificate.load(pair.certificate.public_bytes(serialization.Encoding.DER))
    tbs = certificate["tbs_certificate"]
    tbs["signature"] = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    signature = root.key.sign(tbs.dump(force=True), padding.PKCS1v15(), hashes.SHA1())
    certificate["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    certificate["signature_value"] = signature
    resigned = x509.load_der_x509_certificate(certificate.dump(force=True))
    assert resigned.signature_hash_algorithm is not None
    assert resigned.signature_hash_algorithm.name == "sha1"
    return KeyPair(resigned, pair.key, pair.chain)


def test_certificate_signed_with_sha1(root: KeyPair, checker: CmsRequestChecker, person: KeyPair) -> None:
    check = checker.check(DATA, sign(_sha1_certificate(root, person)), iin=IIN)
    assert reason(check) == "weak-algorithm"
    assert "SHA-1" in check.message["kk"]


def _set_oid(path: str, oid: str) -> Callable[[cms.ContentInfo], None]:
    def change(info: cms.ContentInfo) -> None:
        signed = info["content"]
        signer = signed["signer_infos"][0]
        if path == "digest":
            signer["digest_algorithm"] = {"algorithm": oid}
        elif path == "signature":
            signer["signature_algorithm"] = {"algorithm": oid}
        elif path == "key":
            certificate = signed["certificates"][0].chosen
            certificate["tbs_certificate"]["subject_public_key_info"]["algorithm"] = {"algorithm": oid}
        else:
            certificate = signed["certificates"][0].chosen
            certificate["signature_algorithm"] = {"algorithm": oid}
            certificate["tbs_certificate"]["signature"] = {"algorithm": oid}

    return change


@pytest.mark.parametrize(
    ("path", "oid"),
    [
        ("signature", "1.2.398.3.10.1.1.1.2"),
        ("digest", "1.2.398.3.10.1.3.1"),
        ("key", "1.2.398.3.10.1.1.1.1"),
        ("certificate", "1.2.398.3.10.1.1.1.2"),
        ("signature", "1.2.643.7.1.1.3.2"),
        ("key", "1.2.643.7.1.1.1.1"),
    ],
)
def test_gost_is_unsupported_not_invalid(
    checker: CmsRequestChecker, person: KeyPair, path: str, oid: str
) -> None:
    check = checker.check(DATA, _resign(sign(person), _set_oid(path, oid)), iin=IIN)
    assert reason(check) == "unsupported-algorithm"
    assert "ГОСТ" in check.message["kk"] and "ГОСТ" in check.message["ru"]
    assert oid in check.message["ru"]
    assert "не поддерживается" in check.message["ru"]
    assert "қолдау көрсетпейді" in check.message["kk"]
    assert "не признана недействительной" in check.message["ru"]


def test_gost_is_reported_before_weakness(checker: CmsRequestChecker, person: KeyPair) -> None:
    signature = _signed_data(DATA, person.key, person.certificate, person.chain, digest="sha1")
    changed = _resign(signature, _set_oid("signature", "1.2.398.3.10.1.1.1.2"))
    assert reason(checker.check(DATA, changed, iin=IIN)) == "unsupported-algorithm"


def test_other_unknown_algorithm_is_unsupported(checker: CmsRequestChecker, person: KeyPair) -> None:
    check = checker.check(DATA, _resign(sign(person), _set_oid("signature", "1.3.6.1.4.1.99999.1")), iin=IIN)
    assert reason(check) == "unsupported-algorithm"
    assert "1.3.6.1.4.1.99999.1" in check.message["ru"]


# -- identity --------------------------------------------------------------------------------------


def test_iin_mismatch(checker: CmsRequestChecker, person: KeyPair) -> None:
    check = checker.check(DATA, sign(person), iin=OTHER_IIN)
    assert reason(check) == "identity-mismatch"
    assert "ЖСН/БСН" in check.message["kk"] and "ИИН/БИН" in check.message["ru"]
    assert check.signer_iin == IIN  # what the certificate says, for the record


def test_bin_mismatch(checker: CmsRequestChecker, organisation: KeyPair, person: KeyPair) -> None:
    assert reason(checker.check(DATA, sign(organisation), bin="990140000011")) == "identity-mismatch"
    # an individual's certificate has no BIN at all
    assert reason(checker.check(DATA, sign(person), bin=BIN)) == "identity-mismatch"


def test_both_given_both_must_match(checker: CmsRequestChecker, organisation: KeyPair) -> None:
    signature = sign(organisation)
    assert reason(checker.check(DATA, signature, iin=IIN, bin=BIN)) == "identity-mismatch"
    assert reason(checker.check(DATA, signature, iin=OTHER_IIN, bin="990140000011")) == "identity-mismatch"


@pytest.mark.parametrize(
    "subject",
    [
        Subject("Ахметов Данияр IIN880501300124"),
        Subject("Ахметов,serialNumber=IIN880501300124", iin=OTHER_IIN),
        Subject("Ахметов+serialNumber=IIN880501300124", organization="serialNumber=IIN880501300124"),
        Subject("Ахметов", organization="IIN880501300124, OU=BIN120340001230", title="IIN880501300124"),
        Subject("Ахметов", iin="8805013001240"),  # 13 digits
        Subject("Ахметов", iin=" 880501300124"),
    ],
    ids=["cn", "cn-escaped-rdn", "multi-valued-text", "organization", "longer-number", "padded-number"],
)
def test_identity_is_read_from_the_attributes_not_the_dn_text(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, key: rsa.RSAPrivateKey, subject: Subject
) -> None:
    pair = issue(subject)
    assert "880501300124" in pair.certificate.subject.rfc4514_string()
    assert reason(checker.check(DATA, sign(pair), iin=IIN)) == "identity-mismatch"


@pytest.mark.parametrize(
    "subject",
    [
        Subject("«Дала Телеком» ЖШС BIN120340001230", iin=OTHER_IIN),
        Subject("Есенгалиев", iin=OTHER_IIN, organization="BIN120340001230"),
        Subject("Есенгалиев,OU=BIN120340001230", iin=OTHER_IIN, organization="«Дала Телеком» ЖШС"),
        Subject("Есенгалиев", iin=OTHER_IIN, bin="1203400012301"),
    ],
    ids=["cn", "organization", "cn-escaped-rdn", "longer-number"],
)
def test_bin_is_read_from_the_ou_attribute_only(
    issue: Callable[..., KeyPair], checker: CmsRequestChecker, key: rsa.RSAPrivateKey, subject: Subject
) -> None:
    pair = issue(subject)
    assert reason(checker.check(DATA, sign(pair), bin=BIN)) == "identity-mismatch"
    assert checker.check(DATA, sign(pair), iin=OTHER_IIN).ok


def test_two_different_iins_in_one_certificate_match_neither(
    checker: CmsRequestChecker, pki: LocalPki, key: rsa.RSAPrivateKey
) -> None:
    root = pki.root()
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "Екеуі"),
                    x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{IIN}"),
                    x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{OTHER_IIN}"),
                ]
            )
        )
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(root.key, hashes.SHA256())
    )
    signature = _signed_data(DATA, key, certificate)
    for iin in (IIN, OTHER_IIN):
        assert reason(checker.check(DATA, signature, iin=iin)) == "identity-mismatch"


# -- order of the checks ------------------------------------------------------------------------------


def test_order_of_checks(
    issue: Callable[..., KeyPair], own: LocalPki, checker: CmsRequestChecker, key: rsa.RSAPrivateKey
) -> None:
    now = _now()
    expired = issue(
        Subject("Басқа", iin=OTHER_IIN),
        signing=False,
        not_before=now - dt.timedelta(days=30),
        not_after=now - dt.timedelta(days=1),
    )
    signature = sign(expired)
    # content changed beats everything after it
    assert reason(checker.check(DATA + b"!", signature, iin=IIN)) == "bad-signature"
    # expired beats key usage and identity
    assert reason(checker.check(DATA, signature, iin=IIN)) == "expired"
    # another root beats expiry
    stranger = own.issue(
        Subject("Басқа", iin=OTHER_IIN),
        key=key,
        signing=False,
        not_before=now - dt.timedelta(days=30),
        not_after=now - dt.timedelta(days=1),
    )
    assert reason(checker.check(DATA, sign(stranger), iin=IIN)) == "untrusted"
    # key usage beats identity
    unusable = issue(Subject("Басқа", iin=OTHER_IIN), signing=False)
    assert reason(checker.check(DATA, sign(unusable), iin=IIN)) == "key-usage"


# -- the result, messages and trust ------------------------------------------------------------------


def test_every_reason_has_kazakh_and_russian_messages() -> None:
    assert set(REASONS) == set(MESSAGES)
    assert len(REASONS) == 10
    for code, message in MESSAGES.items():
        assert set(message) == {"kk", "ru"}, code
        assert message["kk"].strip() and message["ru"].strip() and message["kk"] != message["ru"]
        assert "ЭЦҚ" in message["kk"] and "ЭЦП" in message["ru"], code


def test_result_serialises(checker: CmsRequestChecker, person: KeyPair) -> None:
    check = checker.check(DATA, sign(person), iin=OTHER_IIN)
    stored = json.loads(json.dumps(check.to_dict(), ensure_ascii=False))
    assert stored["ok"] is False and stored["reason"] == "identity-mismatch"
    assert set(stored) == {
        "ok",
        "reason",
        "message",
        "signer",
        "signer_iin",
        "signer_bin",
        "certificate_serial",
        "signed_at",
        "checked_at",
        "checker",
    }
    assert stored["checker"] == "local"
    assert RequestSignatureCheck(**stored) == check
    with pytest.raises(AttributeError):
        check.ok = True  # type: ignore[misc]
    assert check.text("ru") == MESSAGES["identity-mismatch"]["ru"]
    assert check.text() == " / ".join(MESSAGES["identity-mismatch"].values())


def test_checker_is_pluggable(checker: CmsRequestChecker) -> None:
    assert isinstance(checker, RequestSignatureChecker)
    with pytest.raises(TypeError):
        RequestSignatureChecker()  # type: ignore[abstract]


def test_iin_or_bin_is_required(checker: CmsRequestChecker, person: KeyPair) -> None:
    with pytest.raises(ValueError, match="IIN"):
        checker.check(DATA, sign(person))
    with pytest.raises(ValueError, match="12 digits"):
        checker.check(DATA, sign(person), iin="88050130012")


def test_trust_store_from_folder(pki: LocalPki, tmp_path: Path) -> None:
    trust = TrustStore.from_folder(pki.folder)
    assert trust.roots == (pki.root().certificate,)
    assert len(trust.crls) == 1
    with pytest.raises(PkiError):
        TrustStore.from_folder(tmp_path / "nowhere")
    (tmp_path / "root-ca.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(PkiError) as raised:
        TrustStore.from_folder(tmp_path)
    assert "root-ca.pem" in raised.value.message("kk")


def test_default_pki_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from docgen.config import PROJECT_ROOT

    monkeypatch.delenv("DOCGEN_PKI_DIR", raising=False)
    assert default_pki_dir() == PROJECT_ROOT / "instance" / "pki"
    monkeypatch.setenv("DOCGEN_PKI_DIR", str(tmp_path))
    assert default_pki_dir() == tmp_path


def test_wrong_password_or_damaged_key(person: KeyPair) -> None:
    with pytest.raises(SigningKeyError) as raised:
        sign_request(DATA, person.pkcs12(), b"wrong")
    assert "PKCS#12" in raised.value.message("kk+ru")
    with pytest.raises(SigningKeyError):
        sign_request(DATA, b"not a key", DEMO_PASSWORD)
