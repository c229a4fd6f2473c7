"""The applicant's electronic signature (ЭЦҚ / ЭЦП) over a request.

The applicant signs the filled request as a detached CMS (PKCS#7)
SignedData. The rules of the services require the system to check the
validity period of the signer's registration certificate, that it is not on
the revocation list, and that the IIN/BIN given in the request equals the one
in the certificate. This module makes such signatures (:func:`sign_request`,
for demos and tests) and checks them (:class:`CmsRequestChecker`), returning a
:class:`RequestSignatureCheck` the workflow can store.

Checks run in a fixed order and the first failure is the result:

1. the CMS structure is readable (else ``bad-signature``);
2. the algorithms are ones this checker implements (else
   ``unsupported-algorithm``: GOST 34.310 of Kazakhstan, OIDs under
   ``1.2.398.``, and Russian GOST, ``1.2.643.``, are named plainly as not
   supported here, never as an invalid signature; a GOST-capable checker can
   implement :class:`RequestSignatureChecker`);
3. no weak algorithm: SHA-1 (or MD5, SHA-224) digests or signatures, RSA keys
   under 2048 bits (``weak-algorithm``);
4. the messageDigest attribute is the digest of the data and the signature
   over the signed attributes verifies with the certificate's key
   (``bad-signature``);
5. the certificate chains to a trusted root (``untrusted``). The path is
   built and validated by pyhanko-certvalidator (RFC 5280, as for the PDF
   signatures): every issuer must be a CA (basicConstraints) allowed to sign
   certificates (keyUsage), within its pathLenConstraint and its name
   constraints; a path that breaks any of these is ``untrusted``. A SHA-1
   (or weaker) signature or an RSA key under 2048 bits on a certificate of
   the path is ``weak-algorithm``;
6. every certificate of the path is valid both at the claimed signing time
   (signingTime) and at the moment of the check (``at``, else now):
   ``expired`` / ``not-yet-valid``;
7. at each of those moments, a CRL signed by the issuer of each certificate
   below the root, current then, says it was not revoked (``revoked``); a
   missing, unreadable, wrongly signed or stale CRL gives
   ``revocation-unknown``, never a valid result. A CRL signed by the issuer
   that lists a certificate of the path makes it ``revoked`` whatever the
   CRL's age or the revocation's date: the date does not prove when a key
   was compromised;
8. the certificate's key usage allows signatures: digitalSignature or
   nonRepudiation; and its extended key usage, when it has one, names a
   purpose that covers signed documents (:data:`SIGNING_PURPOSES`: any
   purpose, e-mail protection, document signing, the national CA's signing
   purposes), not only, say, serverAuth or timeStamping (``key-usage``);
9. the IIN (subject serialNumber ``IIN`` + 12 digits) and/or the BIN
   (subject OU ``BIN`` + 12 digits) equal those of the request
   (``identity-mismatch``). They are read as parsed attributes of the
   subject, never from its text form: ``CN=...IIN880501300124`` counts for
   nothing.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import algos, cms, core, keys, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import tsp as _tsp  # noqa: F401 - registers CMS attribute names (signing_certificate_v2)

# before any CMSAttributeType is built here: asn1crypto caches its name map on first use,
# and pyHanko needs those names later in the same process.
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, FreshnessReqType, RevocationCheckingPolicy
from pyhanko_certvalidator.validate import validate_usage

from docgen.domain.signatures import (
    CONFIRMED,
    MESSAGES,
    REASONS,
    RequestSignatureCheck,
    RequestSignatureChecker,
)
from docgen.errors import PkiError, SigningKeyError

__all__ = [
    "CONFIRMED",
    "MESSAGES",
    "REASONS",
    "SIGNING_PURPOSES",
    "CmsRequestChecker",
    "RequestSignatureCheck",
    "RequestSignatureChecker",
    "TrustStore",
    "certificate_bins",
    "certificate_iins",
    "default_pki_dir",
    "sign_request",
]

_GOST_PREFIXES = {"1.2.398.": "ГОСТ 34.310", "1.2.643.": "ГОСТ Р 34.10"}
_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}
_WEAK_DIGESTS = {"md2": "MD2", "md5": "MD5", "sha1": "SHA-1", "sha224": "SHA-224"}
_SIGNATURE_MECHANISMS = ("rsassa_pkcs1v15", "rsassa_pss", "ecdsa")
_CURVES = ("secp256r1", "secp384r1", "secp521r1")
_MIN_RSA_BITS = 2048
_IIN = re.compile(r"IIN([0-9]{12})")
_BIN = re.compile(r"BIN([0-9]{12})")
_T = TypeVar("_T")
_PEM_CRL = re.compile(rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", re.DOTALL)


def default_pki_dir() -> Path:
    """The PKI folder of the settings: ``DOCGEN_PKI_DIR``, else ``instance/pki`` under the project root."""
    from docgen.config import load_signing_settings

    return load_signing_settings().pki_dir


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# -- trust -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustStore:
    """Trusted root certificates and the CRLs (raw PEM or DER bytes, parsed at each check)."""

    roots: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...] = ()

    @classmethod
    def from_folder(cls, path: Path | str) -> TrustStore:
        """``root-ca.pem`` and ``crl.pem`` of a PKI folder.

        A missing or unreadable root is a :class:`PkiError`; a missing or
        unreadable CRL is not (checks then give ``revocation-unknown``).
        """
        folder = Path(path)
        root_path = folder / "root-ca.pem"
        try:
            content = root_path.read_bytes()
        except OSError as error:
            raise PkiError(detail=f"{root_path}: {error.strerror or error}") from error
        try:
            roots = (
                x509.load_pem_x509_certificates(content)
                if b"-----BEGIN" in content
                else [x509.load_der_x509_certificate(content)]
            )
        except ValueError as error:
            raise PkiError(detail=f"{root_path}: not a certificate ({error})") from error
        try:
            crls: tuple[bytes, ...] = ((folder / "crl.pem").read_bytes(),)
        except OSError:
            crls = ()
        return cls(roots=tuple(roots), crls=crls)


def _load_crls(blobs: Iterable[bytes]) -> tuple[asn1_crl.CertificateList, ...]:
    """Every CRL that parses; damaged ones count as absent."""
    result = []
    for blob in blobs:
        parts = _PEM_CRL.findall(blob) if b"-----BEGIN" in blob else [blob]
        for part in parts:
            try:
                der = bytes(pem.unarmor(part)[2]) if part.startswith(b"-----") else part
                crl = asn1_crl.CertificateList.load(der, strict=True)
                crl.native  # noqa: B018 - parse now: a damaged CRL counts as no CRL
            except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
                del error
                continue
            result.append(crl)
    return tuple(result)


# -- making a signature ----------------------------------------------------------------------------


def sign_request(data: bytes, pkcs12_bytes: bytes, password: bytes, *, source: str = "PKCS#12") -> bytes:
    """A detached CMS SignedData (DER) over ``data`` with the key in ``pkcs12_bytes``.

    SHA-256; signed attributes contentType, messageDigest and signingTime; the
    signer's certificate and the chain from the PKCS#12 are included. A wrong
    password or an unusable key is a :class:`SigningKeyError` (``source``
    names the key in the message).
    """
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(pkcs12_bytes, password)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(path=source, detail="wrong password or not a PKCS#12 file") from error
    if key is None or certificate is None:
        raise SigningKeyError(path=source, detail="no key or certificate inside")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningKeyError(path=source, detail="only RSA and ECDSA keys are supported")
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        matches = key.public_key().public_bytes(*spki) == certificate.public_key().public_bytes(*spki)
    except (UnsupportedAlgorithm, ValueError):
        matches = False
    if not matches:
        raise SigningKeyError(path=source, detail="the certificate is not the key's")
    return _signed_data(data, key, certificate, others)


def _signed_data(
    data: bytes,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    digest: str = "sha256",
    signing_time: dt.datetime | None = None,
) -> bytes:
    """The CMS itself; ``digest`` and ``signing_time`` exist for tests (SHA-1, backdating)."""
    hash_algorithm = _DIGESTS.get(digest) or {"sha1": hashes.SHA1, "sha224": hashes.SHA224}[digest]
    signing_time = _aware(signing_time or _utc_now())
    attributes = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [_asn1_time(signing_time)]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.new(digest, data).digest()]}),
        ]
    )
    to_sign = attributes.dump()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(to_sign, padding.PKCS1v15(), hash_algorithm())
        mechanism = f"{digest}_rsa"
    else:
        signature = key.sign(to_sign, ec.ECDSA(hash_algorithm()))
        mechanism = f"{digest}_ecdsa"
    der = certificate.public_bytes(serialization.Encoding.DER)
    certificates = [der]
    for extra in chain:
        extra_der = extra.public_bytes(serialization.Encoding.DER)
        if extra_der not in certificates:
            certificates.append(extra_der)
    signer_cert = asn1_x509.Certificate.load(der)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": signer_cert.issuer, "serial_number": signer_cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest}),
            "signed_attrs": attributes,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": mechanism}),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": digest})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [asn1_x509.Certificate.load(item) for item in certificates],
            "signer_infos": [signer_info],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


def _asn1_time(moment: dt.datetime) -> cms.Time:
    """UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5652, 11.3)."""
    moment = moment.astimezone(dt.UTC)
    if 1950 <= moment.year < 2050:
        return cms.Time({"utc_time": moment})
    return cms.Time({"generalized_time": moment})


# -- checking --------------------------------------------------------------------------------------


class _Failure(Exception):
    def __init__(self, reason: str, algorithm: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.algorithm = algorithm


@dataclass
class _Signer:
    """What is known of the signer so far (reported even when a check fails)."""

    certificate: x509.Certificate | None = None
    signed_at: dt.datetime | None = None


@dataclass(frozen=True)
class _Parsed:
    signer_info: cms.SignerInfo
    signer_certificate: asn1_x509.Certificate
    certificates: tuple[asn1_x509.Certificate, ...]
    content_type: str
    content: bytes | None


def _decode(signature: bytes) -> bytes:
    """DER as is; PEM (``-----BEGIN PKCS7-----`` / ``CMS``) and base64 (as NCALayer gives it) decoded."""
    if signature[:1] == b"\x30":
        return signature
    if pem.detect(signature):
        _, _, der = pem.unarmor(signature)
        return bytes(der)
    try:
        return base64.b64decode(b"".join(signature.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise _Failure("bad-signature") from error


_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


def _parse(signature: bytes) -> _Parsed:
    try:
        info = cms.ContentInfo.load(_decode(signature), strict=True)
        if info["content_type"].native != "signed_data":
            raise _Failure("bad-signature")
        signed_data = info["content"]
        # Parse the signer's part now (damage is a bad signature), but not the certificates'
        # keys: asn1crypto cannot parse a GOST key, which must be reported as unsupported.
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise _Failure("bad-signature")
        signer_info = signer_infos[0]
        signer_info.native  # noqa: B018
        certificates = tuple(
            choice.chosen for choice in (signed_data["certificates"] or ()) if choice.name == "certificate"
        )
        sid = signer_info["sid"]
        signer_certificate = None
        for candidate in certificates:
            if sid.name == "issuer_and_serial_number":
                if (
                    candidate.issuer == sid.chosen["issuer"]
                    and candidate.serial_number == sid.chosen["serial_number"].native
                ):
                    signer_certificate = candidate
                    break
            elif candidate.key_identifier == sid.chosen.native:
                signer_certificate = candidate
                break
        if signer_certificate is None:
            raise _Failure("bad-signature")
        encap = signed_data["encap_content_info"]
        content = encap["content"].native if encap["content"] else None
        return _Parsed(
            signer_info=signer_info,
            signer_certificate=signer_certificate,
            certificates=certificates,
            content_type=encap["content_type"].dotted,
            content=content if isinstance(content, bytes) or content is None else b"",
        )
    except _PARSE_ERRORS as error:
        raise _Failure("bad-signature") from error


def _gost(oid: str) -> str | None:
    for prefix, name in _GOST_PREFIXES.items():
        if oid.startswith(prefix):
            return f"{name}, {oid}"
    return None


def _unsupported(oid: str, name: str | None = None) -> _Failure:
    described = f"{name}, {oid}" if name and name != oid else oid
    return _Failure("unsupported-algorithm", _gost(oid) or described)


class _OpaquePublicKeyInfo(core.Sequence):
    """SubjectPublicKeyInfo with the key left unparsed (asn1crypto fails on keys it does not know)."""

    _fields = [("algorithm", keys.PublicKeyAlgorithm), ("public_key", core.OctetBitString)]  # noqa: RUF012


def _key_algorithm(certificate: asn1_x509.Certificate) -> keys.PublicKeyAlgorithm:
    raw = certificate["tbs_certificate"]["subject_public_key_info"].dump()
    return _OpaquePublicKeyInfo.load(raw)["algorithm"]


def _check_digest(algorithm: core.Sequence) -> None:
    oid = algorithm["algorithm"].dotted
    name = algorithm["algorithm"].native
    if _gost(oid) or (name not in _DIGESTS and name not in _WEAK_DIGESTS):
        raise _unsupported(oid, name)


def _signature_hash(signature_algorithm: algos.SignedDigestAlgorithm, digest: str) -> str:
    """The hash the signature itself uses (plain ``rsaEncryption``/``ecdsa`` take the digest algorithm)."""
    mechanism = signature_algorithm.signature_algo
    if mechanism == "rsassa_pss":
        return str(signature_algorithm["parameters"]["hash_algorithm"]["algorithm"].native)
    try:
        return str(signature_algorithm.hash_algo)
    except ValueError:
        return digest


def _check_algorithms(parsed: _Parsed) -> None:
    """``unsupported-algorithm`` first (GOST and anything unknown), then ``weak-algorithm``."""
    signer_info = parsed.signer_info
    digest_algorithm = signer_info["digest_algorithm"]
    signature_algorithm = signer_info["signature_algorithm"]
    certificate = parsed.signer_certificate
    key_algorithm = _key_algorithm(certificate)
    for oid in (
        digest_algorithm["algorithm"].dotted,
        signature_algorithm["algorithm"].dotted,
        key_algorithm["algorithm"].dotted,
        certificate["signature_algorithm"]["algorithm"].dotted,
    ):
        if _gost(oid):
            raise _unsupported(oid)
    _check_digest(digest_algorithm)
    digest = digest_algorithm["algorithm"].native
    try:
        mechanism = signature_algorithm.signature_algo
        signature_hash = _signature_hash(signature_algorithm, digest)
    except (ValueError, KeyError, TypeError) as error:
        raise _unsupported(signature_algorithm["algorithm"].dotted) from error
    if mechanism not in _SIGNATURE_MECHANISMS:
        oid = signature_algorithm["algorithm"]
        raise _unsupported(oid.dotted, str(oid.native))
    if signature_hash not in _DIGESTS and signature_hash not in _WEAK_DIGESTS:
        raise _unsupported(signature_algorithm["algorithm"].dotted, signature_hash)
    if mechanism == "rsassa_pss":
        mgf = signature_algorithm["parameters"]["mask_gen_algorithm"]
        if mgf["algorithm"].native != "mgf1":
            raise _unsupported(mgf["algorithm"].dotted, str(mgf["algorithm"].native))
    key_type = key_algorithm["algorithm"].native
    if key_type not in ("rsa", "ec"):
        raise _unsupported(key_algorithm["algorithm"].dotted, str(key_type))
    if key_type == "ec":
        curve = certificate.public_key.curve
        if curve[0] != "named" or curve[1] not in _CURVES:
            raise _unsupported(key_algorithm["algorithm"].dotted, f"EC {curve[1]}")

    # weak-algorithm
    for name in (digest, signature_hash):
        if name in _WEAK_DIGESTS:
            raise _Failure("weak-algorithm", _WEAK_DIGESTS[name])
    if mechanism == "rsassa_pss":
        mgf_hash = signature_algorithm["parameters"]["mask_gen_algorithm"]["parameters"]["algorithm"].native
        if mgf_hash in _WEAK_DIGESTS:
            raise _Failure("weak-algorithm", _WEAK_DIGESTS[mgf_hash])
    _check_certificate_strength(certificate)


def _check_certificate_strength(certificate: asn1_x509.Certificate) -> None:
    """No SHA-1 (or weaker) signature on the certificate, no RSA key under 2048 bits."""
    try:
        certificate_hash = certificate["signature_algorithm"].hash_algo
    except (ValueError, KeyError):
        certificate_hash = None
    if certificate_hash in _WEAK_DIGESTS:
        raise _Failure("weak-algorithm", _WEAK_DIGESTS[certificate_hash])
    if certificate.public_key.algorithm == "rsa" and certificate.public_key.bit_size < _MIN_RSA_BITS:
        raise _Failure("weak-algorithm", f"RSA-{certificate.public_key.bit_size}")


def _single(attributes: cms.CMSAttributes, name: str, required: bool = True) -> object:
    found = [attribute for attribute in attributes if attribute["type"].native == name]
    if not found:
        if required:
            raise _Failure("bad-signature")
        return None
    if len(found) != 1 or len(found[0]["values"]) != 1:
        raise _Failure("bad-signature")
    return found[0]["values"][0].native


def _signed_bytes(parsed: _Parsed, data: bytes, signer: _Signer) -> bytes:
    """What the signature covers: the signed attributes as a DER SET, after checking them."""
    signer_info = parsed.signer_info
    digest = signer_info["digest_algorithm"]["algorithm"].native
    if parsed.content is not None and parsed.content != data:
        raise _Failure("bad-signature")
    attributes = signer_info["signed_attrs"]
    if not attributes:
        if parsed.content_type != "1.2.840.113549.1.7.1":
            raise _Failure("bad-signature")
        return data
    if _single(attributes, "content_type") != "data" or parsed.content_type != "1.2.840.113549.1.7.1":
        raise _Failure("bad-signature")
    message_digest = _single(attributes, "message_digest")
    expected = hashlib.new(digest, data).digest()
    if not isinstance(message_digest, bytes) or not hmac.compare_digest(message_digest, expected):
        raise _Failure("bad-signature")
    signing_time = _single(attributes, "signing_time", required=False)
    if signing_time is not None:
        if not isinstance(signing_time, dt.datetime):
            raise _Failure("bad-signature")
        signer.signed_at = _aware(signing_time)
    encoded = attributes.dump()
    return b"\x31" + encoded[1:]


def _hash(name: str) -> hashes.HashAlgorithm:
    return (_DIGESTS.get(name) or {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "md5": hashes.MD5}[name])()


def _verify_signature(parsed: _Parsed, data: bytes, certificate: x509.Certificate, signer: _Signer) -> None:
    signer_info = parsed.signer_info
    to_verify = _signed_bytes(parsed, data, signer)
    signature_algorithm = signer_info["signature_algorithm"]
    digest = signer_info["digest_algorithm"]["algorithm"].native
    hash_algorithm = _hash(_signature_hash(signature_algorithm, digest))
    signature = signer_info["signature"].native
    try:
        key = certificate.public_key()
        mechanism = signature_algorithm.signature_algo
        if isinstance(key, rsa.RSAPublicKey) and mechanism == "rsassa_pkcs1v15":
            key.verify(signature, to_verify, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and mechanism == "rsassa_pss":
            parameters = signature_algorithm["parameters"]
            mgf_hash = _hash(parameters["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            key.verify(
                signature,
                to_verify,
                padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=parameters["salt_length"].native),
                hash_algorithm,
            )
        elif isinstance(key, ec.EllipticCurvePublicKey) and mechanism == "ecdsa":
            key.verify(signature, to_verify, ec.ECDSA(hash_algorithm))
        else:
            raise _Failure("bad-signature")
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise _Failure("bad-signature") from error


# -- the certificate path (pyhanko-certvalidator) ----------------------------------------------------

#: Extended key usages that allow a request signature (when the certificate names any): any purpose,
#: e-mail protection (signed documents, as the national CA's signing certificates carry it), document
#: signing (RFC 9336, Microsoft, Adobe) and the national CA's individual / legal-entity signing OIDs.
SIGNING_PURPOSES = frozenset(
    {
        "2.5.29.37.0",
        "1.3.6.1.5.5.7.3.4",
        "1.3.6.1.5.5.7.3.36",
        "1.3.6.1.4.1.311.10.3.12",
        "1.2.840.113583.1.1.5",
        "1.2.398.3.3.4.1.1",
        "1.2.398.3.3.4.1.2",
    }
)
#: Hash algorithms that certvalidator must refuse on the certificates and CRLs of the path.
_WEAK_PATH_HASHES = frozenset(_WEAK_DIGESTS)
#: A tolerance that makes every validity period and CRL age acceptable (:meth:`_PathInput.listed`).
_ANY_TIME = dt.timedelta(days=365 * 100)
#: Revocation data of any age: a stale CRL still proves a revocation it lists.
_ANY_AGE = CertRevTrustPolicy(
    RevocationCheckingPolicy.from_legacy("require"),
    freshness=_ANY_TIME,
    freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
)


def _run_async(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run certvalidator's coroutine to its end, also when called from a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class _PathInput:
    """What a path is built from: the signer's certificate, the CMS's other certificates, the trust."""

    certificate: asn1_x509.Certificate
    others: tuple[asn1_x509.Certificate, ...]
    roots: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]

    def _validate(self, context: ValidationContext) -> ValidationPath:
        validator = CertificateValidator(self.certificate, validation_context=context)
        return _run_async(validator.async_validate_path())

    def validate(self, moment: dt.datetime, *, checked_at: dt.datetime) -> ValidationPath:
        """The path validated at ``moment``, with revocation data current then; certvalidator's
        error otherwise."""
        return self._validate(
            ValidationContext(
                trust_roots=list(self.roots),
                other_certs=list(self.others),
                crls=list(self.crls),
                allow_fetching=False,
                revocation_mode="require",
                # a CRL published after a past moment still says whether the certificate was revoked then
                retroactive_revinfo=moment < checked_at,
                moment=moment,
                weak_hash_algos=_WEAK_PATH_HASHES,
            )
        )

    def listed(self) -> bool:
        """Whether a CRL signed by the issuer of a certificate of the path lists it, whatever the
        CRL's age and the revocation's date (a date does not prove when a key was compromised)."""
        context = ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(self.others),
            crls=list(self.crls),
            allow_fetching=False,
            revinfo_policy=_ANY_AGE,
            time_tolerance=_ANY_TIME,  # validity is judged at the moments of the check, not here
            weak_hash_algos=_WEAK_PATH_HASHES,
        )
        try:
            self._validate(context)
        except RevokedError:
            return True
        except (ValidationError, PathError):
            return False
        return False


def _path_failure(error: Exception, path: _PathInput) -> _Failure:
    """certvalidator's error as a reason code (the more specific classes first)."""
    if isinstance(error, RevokedError):
        return _Failure("revoked")
    if isinstance(error, InsufficientRevinfoError):
        # a missing, unverifiable or stale CRL; one that lists the certificate still proves the revocation
        return _Failure("revoked" if path.listed() else "revocation-unknown")
    if isinstance(error, ExpiredError):
        return _Failure("expired")
    if isinstance(error, NotYetValidError):
        return _Failure("not-yet-valid")
    if isinstance(error, DisallowedAlgorithmError):
        return _Failure("weak-algorithm", _weak_in(path) or "SHA-1")
    # PathBuildingError: no path to a trusted root. PathValidationError and the rest: a path through a
    # certificate that is no CA, beyond a CA's path length or outside its name constraints, with a bad
    # signature or an unknown critical extension; InvalidCertificateError: an untrusted self-signed one
    return _Failure("untrusted")


def _weak_in(path: _PathInput) -> str | None:
    """The weak algorithm certvalidator refused, for the message."""
    for certificate in (*path.others, *path.roots):
        try:
            _check_certificate_strength(certificate)
        except _Failure as failure:
            return failure.algorithm
    for crl in path.crls:
        name = crl["signature_algorithm"].hash_algo
        if name in _WEAK_DIGESTS:
            return _WEAK_DIGESTS[name]
    return None


def _check_path(path: _PathInput, moments: Sequence[dt.datetime], checked_at: dt.datetime) -> None:
    """The signer's certificate chains to a trusted root - the issuers CAs (basicConstraints) allowed
    to sign certificates (keyUsage), within their path length and name constraints - and every
    certificate of the path is valid and not revoked at each of ``moments``, with revocation data
    current then; and no CRL lists a certificate of the path, whatever the revocation's date."""
    validated = None
    for moment in moments:
        try:
            validated = path.validate(moment, checked_at=checked_at)
        except (ValidationError, PathError) as error:
            raise _path_failure(error, path) from error
    if validated is None:  # pragma: no cover - there is always a moment
        raise _Failure("untrusted")
    for authority in list(validated.iter_certs(include_root=False))[:-1]:
        _check_certificate_strength(authority)
    if path.listed():
        raise _Failure("revoked")


def _allows(certificate: asn1_x509.Certificate, key_usage: set[str], extended: set[str]) -> bool:
    try:
        validate_usage(certificate, key_usage, extended, True)
    except InvalidCertificateError:
        return False
    return True


def _check_usage(certificate: asn1_x509.Certificate) -> None:
    """Key usage digitalSignature or nonRepudiation (a certificate without key usage is not taken as a
    signing one); an extended key usage, when present, names a purpose that covers signing documents."""
    if not any(_allows(certificate, {usage}, set()) for usage in ("digital_signature", "non_repudiation")):
        raise _Failure("key-usage")
    purposes = (asn1_x509.KeyPurposeId(purpose).native for purpose in sorted(SIGNING_PURPOSES))
    if not any(_allows(certificate, set(), {purpose}) for purpose in purposes):
        raise _Failure("key-usage")


def _numbers(name: x509.Name, oid: x509.ObjectIdentifier, pattern: re.Pattern[str]) -> set[str]:
    """The numbers in attributes ``oid`` of ``name`` that are exactly the prefix and 12 digits."""
    found = set()
    for attribute in name.get_attributes_for_oid(oid):
        value = attribute.value
        if isinstance(value, str) and (match := pattern.fullmatch(value)):
            found.add(match.group(1))
    return found


def certificate_iins(certificate: x509.Certificate) -> set[str]:
    """IINs in the subject's serialNumber attributes (``IIN`` + 12 digits)."""
    return _numbers(certificate.subject, NameOID.SERIAL_NUMBER, _IIN)


def certificate_bins(certificate: x509.Certificate) -> set[str]:
    """BINs in the subject's OU attributes (``BIN`` + 12 digits)."""
    return _numbers(certificate.subject, NameOID.ORGANIZATIONAL_UNIT_NAME, _BIN)


def _check_identity(certificate: x509.Certificate, iin: str | None, bin: str | None) -> None:
    if iin is not None and certificate_iins(certificate) != {iin}:
        raise _Failure("identity-mismatch")
    if bin is not None and certificate_bins(certificate) != {bin}:
        raise _Failure("identity-mismatch")


class CmsRequestChecker(RequestSignatureChecker):
    """Checks CMS signatures made with RSA (PKCS#1 v1.5, PSS) or ECDSA keys, against a :class:`TrustStore`."""

    def __init__(self, trust: TrustStore, now: Callable[[], dt.datetime] = _utc_now) -> None:
        self.trust = trust
        self._now = now

    def check(
        self,
        data: bytes,
        signature: bytes,
        *,
        iin: str | None = None,
        bin: str | None = None,
        at: dt.datetime | None = None,
    ) -> RequestSignatureCheck:
        expected_iin, expected_bin = self.expected_identity(iin, bin)
        checked_at, moment = self.moments(self._now(), at)
        signer = _Signer()
        try:
            try:
                self._run(data, signature, expected_iin, expected_bin, moment, checked_at, signer)
            except _PARSE_ERRORS as error:  # a malformed part found late is still a broken signature
                raise _Failure("bad-signature") from error
        except _Failure as failure:
            message = {
                lang: template.format(algorithm=failure.algorithm)
                for lang, template in MESSAGES[failure.reason].items()
            }
            return self._result(signer, checked_at, failure.reason, message)
        return self._result(signer, checked_at, None, dict(CONFIRMED))

    def _run(
        self,
        data: bytes,
        signature: bytes,
        iin: str | None,
        bin: str | None,
        moment: dt.datetime,
        checked_at: dt.datetime,
        signer: _Signer,
    ) -> None:
        parsed = _parse(signature)
        try:
            signer.certificate = x509.load_der_x509_certificate(parsed.signer_certificate.dump())
        except ValueError:
            signer.certificate = None
        _check_algorithms(parsed)
        if signer.certificate is None:
            raise _Failure("bad-signature")
        certificate = signer.certificate
        _verify_signature(parsed, data, certificate, signer)
        others = []
        for item in parsed.certificates:
            if item is parsed.signer_certificate:
                continue
            try:
                x509.load_der_x509_certificate(item.dump())  # what cryptography cannot read is left out
            except ValueError:
                continue
            others.append(item)
        path = _PathInput(
            certificate=parsed.signer_certificate,
            others=tuple(others),
            roots=tuple(
                asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
                for root in self.trust.roots
            ),
            crls=_load_crls(self.trust.crls),
        )
        moments = [moment] if signer.signed_at is None else [signer.signed_at, moment]
        _check_path(path, moments, checked_at)
        _check_usage(parsed.signer_certificate)
        _check_identity(certificate, iin, bin)

    @staticmethod
    def _result(
        signer: _Signer, checked_at: dt.datetime, reason: str | None, message: dict[str, str]
    ) -> RequestSignatureCheck:
        certificate = signer.certificate
        common_name = iin = bin_ = serial = None
        if certificate is not None:
            try:
                names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
                common_name = str(names[0].value) if names else None
                iins, bins = certificate_iins(certificate), certificate_bins(certificate)
                iin = next(iter(iins)) if len(iins) == 1 else None
                bin_ = next(iter(bins)) if len(bins) == 1 else None
            except ValueError:
                pass
            serial = format(certificate.serial_number, "X")
        return RequestSignatureCheck(
            ok=reason is None,
            reason=reason,
            message=message,
            signer=common_name,
            signer_iin=iin,
            signer_bin=bin_,
            certificate_serial=serial,
            signed_at=signer.signed_at.isoformat() if signer.signed_at else None,
            checked_at=checked_at.isoformat(),
        )
