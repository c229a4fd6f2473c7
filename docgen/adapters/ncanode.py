"""The applicant's request signature checked by an NCANode service: the national CA's algorithms.

Applicants in Kazakhstan sign with keys of the national certification
authority (NCA RK), many of them GOST 34.310-2004 / GOST 34.10-2015, which the
local :class:`~docgen.signing.request_signature.CmsRequestChecker` reports as
``unsupported-algorithm``. :class:`NcaNodeChecker` asks an NCANode service
(https://github.com/malikzh/NCANode, v3, a Java service on the NCA's Kalkan
provider) instead, over its JSON HTTP API, and maps the answer onto the stable
reason codes of :data:`docgen.domain.signatures.REASONS`.

The protocol, as NCANode v3 codes it (paths in that repository):

- ``POST /cms/verify`` (``src/main/java/kz/ncanode/controller/CmsController.java``) with the body
  ``{"cms": <base64 CMS>, "data": <base64 detached data>, "revocationCheck": ["OCSP", "CRL"]}``
  (``dto/request/CmsVerifyRequest.java``, ``dto/request/VerifyRequest.java``,
  ``dto/certificate/CertificateRevocation.java``).
- The answer (``dto/response/CmsVerificationResponse.java``, ``dto/response/StatusResponse.java``):
  ``status`` (200), ``message`` ("OK"), ``valid`` (every signer's signature verifies *and* its
  certificate is valid, ``service/CmsService.java`` ``verify``) and ``signers[]``, each
  ``{"certificates": [...], "tsp": {...} | null}`` (``dto/cms/CmsSignerInfo.java``, ``dto/tsp/TspInfo.java``:
  ``genTime``).
- A certificate (``dto/certificate/CertificateInfo.java``, built in ``wrapper/CertificateWrapper.java``
  ``toCertificateInfo``): ``valid`` (now between ``notBefore`` and ``notAfter``, issuer found among
  NCANode's CA certificates, and every requested revocation check answered "active",
  ``CertificateWrapper.isValid``), ``revocations[]`` (``dto/certificate/CertificateRevocationStatus.java``:
  ``revoked``, ``by`` ("OCSP" | "CRL"), ``revocationTime``, ``reason``), ``notBefore``, ``notAfter``
  (ISO 8601, e.g. ``2023-05-02T08:38:13.000+00:00``, see ``openapi.yml``), ``keyUsage``
  ("SIGN" | "AUTH" | "UNKNOWN", ``dto/certificate/CertificateKeyUsage.java``), ``serialNumber``
  (lower-case hex), ``signAlg``, ``keyUser[]``, ``subject`` and ``issuer``
  (``dto/certificate/CertificateSubject.java``: ``commonName``, ``iin``, ``bin``, ``dn``...; the IIN
  and BIN are parsed by NCANode from the SERIALNUMBER and OU attributes).
- An OCSP answer of "active" or "revoked" carries ``reason`` "OK"; an unknown one carries the
  problem instead (``service/OcspService.java``, ``dto/ocsp/OcspStatus.java``). A CRL entry is
  either "active" or "revoked" (``dto/crl/CrlStatus.java``).
- Errors (``controller/advice/ExceptionHandlerControllerAdvice.java``, ``dto/response/ErrorResponse.java``):
  the HTTP status and ``{"status", "message", "details"?}``; a CMS that cannot be read or verified
  is a ``ClientException``, 400 (``exception/ClientException.java``).

The mapping, in this order (the first that applies):

- HTTP 400 (NCANode could not read or verify the CMS) → ``bad-signature``; no signer, or a signer
  without its certificate → ``bad-signature``.
- a ``revocations[]`` entry with ``revoked`` → ``revoked``.
- ``notAfter`` before the moment the request counts as signed, or before now → ``expired``;
  ``notBefore`` after either → ``not-yet-valid``.
- the certificate not ``valid`` otherwise: a requested revocation check missing, or an OCSP entry
  whose ``reason`` is not "OK" → ``revocation-unknown``; else → ``untrusted`` (no issuer among
  NCANode's CA certificates).
- ``valid`` false with the certificate valid → ``bad-signature`` (the signature does not verify).
- ``keyUsage`` not "SIGN" → ``key-usage``.
- the IIN/BIN asked not equal to ``subject.iin`` / ``subject.bin`` → ``identity-mismatch``.
- otherwise ok, with ``commonName``, ``iin``, ``bin``, ``serialNumber`` (upper-case) and the
  timestamp's ``genTime`` (if the signature has one) as ``signed_at``.

NCANode checks a certificate's validity at its own "now", not at the moment the request
counts as signed; the dates are compared with that moment here too. A service that cannot
be reached, times out, or answers anything else (another status, a body that is not the
answer above) raises :class:`~docgen.errors.SignatureServiceUnavailable`: never a result.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from docgen.domain.signatures import (
    CONFIRMED,
    MESSAGES,
    RequestSignatureCheck,
    RequestSignatureChecker,
)
from docgen.errors import SignatureServiceUnavailable

__all__ = ["NcaNodeChecker"]

_NUMBER = re.compile(r"\d{12}")
_REVOCATION_CHECKS = ("OCSP", "CRL")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class _Garbage(Exception):
    """The answer is not NCANode's verification result."""


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _field(mapping: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = mapping.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise _Garbage(f"{name!r} is not a {getattr(kind, '__name__', kind)}")
    return value


def _optional_text(mapping: Mapping[str, Any], name: str) -> str | None:
    value = mapping.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Garbage(f"{name!r} is not text")
    return value or None


def _moment(mapping: Mapping[str, Any], name: str) -> dt.datetime:
    text = _field(mapping, name, str)
    try:
        return _aware(dt.datetime.fromisoformat(text))
    except ValueError as error:
        raise _Garbage(f"{name!r} is not a date: {text!r}") from error


class NcaNodeChecker(RequestSignatureChecker):
    """Checks CMS signatures (GOST, RSA, ECDSA of the NCA RK) through NCANode's ``POST /cms/verify``."""

    name = "ncanode"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        revocation_check: Sequence[str] = _REVOCATION_CHECKS,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"the NCANode URL must be http:// or https://, not {base_url!r}")
        if not revocation_check or set(revocation_check) - set(_REVOCATION_CHECKS):
            raise ValueError(f"revocation_check must be OCSP and/or CRL, not {list(revocation_check)!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.revocation_check = tuple(revocation_check)
        self._now = now or _utc_now

    # -- the exchange ------------------------------------------------------------------------

    def _post(self, data: bytes, signature: bytes) -> tuple[int, object]:
        """NCANode's status and decoded JSON body; 200 and 400 are answers, the rest is an error."""
        body = json.dumps(
            {
                "cms": base64.b64encode(signature).decode("ascii"),
                "data": base64.b64encode(data).decode("ascii"),
                "revocationCheck": list(self.revocation_check),
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base_url}/cms/verify",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
            if status != 400:
                raise self._unavailable(f"HTTP {status}{self._message(raw)}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise self._unavailable(str(reason)) from error
        try:
            return status, json.loads(raw)
        except ValueError as error:
            raise self._unavailable(f"HTTP {status}, the answer is not JSON") from error

    def _unavailable(self, detail: str) -> SignatureServiceUnavailable:
        return SignatureServiceUnavailable(detail=f"{self.base_url}: {detail}")

    @staticmethod
    def _message(raw: bytes) -> str:
        try:
            answer = json.loads(raw)
        except ValueError:
            return ""
        message = answer.get("message") if isinstance(answer, dict) else None
        return f" ({message[:200]})" if isinstance(message, str) and message else ""

    # -- the check ---------------------------------------------------------------------------

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
        status, answer = self._post(data, signature)
        if status == 400:
            if not isinstance(answer, dict) or not isinstance(answer.get("message"), str):
                raise self._unavailable("HTTP 400 without NCANode's error answer")
            return self._result("bad-signature", None, None, checked_at)
        try:
            verified, certificate, signed_at = self._signer(answer)
            reason = self._reason(verified, certificate, expected_iin, expected_bin, moment, checked_at)
        except _Refusal as refusal:
            return self._result(refusal.reason, None, None, checked_at)
        except _Garbage as error:
            raise self._unavailable(f"not a CMS verification answer: {error}") from error
        return self._result(reason, certificate, signed_at, checked_at)

    @staticmethod
    def _signer(answer: object) -> tuple[Mapping[str, Any], Mapping[str, Any], str | None]:
        """The signer's certificate and the timestamp's time (if any), or a refusal."""
        if not isinstance(answer, dict):
            raise _Garbage("the answer is not an object")
        _field(answer, "valid", bool)
        signers = _field(answer, "signers", list)
        if not signers:
            raise _Refusal("bad-signature")
        if len(signers) != 1:  # a request is signed by its applicant alone
            raise _Refusal("bad-signature")
        signer = signers[0]
        if not isinstance(signer, dict):
            raise _Garbage("a signer is not an object")
        certificates = _field(signer, "certificates", list)
        if not certificates:
            raise _Refusal("bad-signature")
        certificate = certificates[0]
        if not isinstance(certificate, dict):
            raise _Garbage("a certificate is not an object")
        tsp = signer.get("tsp")
        signed_at = None
        if isinstance(tsp, dict) and tsp.get("genTime") is not None:
            signed_at = _moment(tsp, "genTime").isoformat()
        return answer, certificate, signed_at

    def _reason(
        self,
        answer: Mapping[str, Any],
        certificate: Mapping[str, Any],
        iin: str | None,
        bin: str | None,
        moment: dt.datetime,
        checked_at: dt.datetime,
    ) -> str | None:
        certificate_valid = _field(certificate, "valid", bool)
        revocations = _field(certificate, "revocations", list)
        if not all(isinstance(item, dict) for item in revocations):
            raise _Garbage("a revocation is not an object")
        not_before = _moment(certificate, "notBefore")
        not_after = _moment(certificate, "notAfter")
        subject = certificate.get("subject") or {}
        if not isinstance(subject, dict):
            raise _Garbage("'subject' is not an object")
        key_usage = _field(certificate, "keyUsage", str)
        if any(_field(item, "revoked", bool) for item in revocations):
            return "revoked"
        moments = (moment, checked_at)
        if any(not_after < when for when in moments):
            return "expired"
        if any(not_before > when for when in moments):
            return "not-yet-valid"
        if not certificate_valid:
            answered = {item.get("by") for item in revocations}
            unknown_ocsp = any(
                item.get("by") == "OCSP" and item.get("reason") != "OK" for item in revocations
            )
            if set(self.revocation_check) - answered or unknown_ocsp:
                return "revocation-unknown"
            return "untrusted"
        if not answer["valid"]:
            return "bad-signature"
        if key_usage != "SIGN":
            return "key-usage"
        if (iin is not None and _optional_text(subject, "iin") != iin) or (
            bin is not None and _optional_text(subject, "bin") != bin
        ):
            return "identity-mismatch"
        return None

    def _result(
        self,
        reason: str | None,
        certificate: Mapping[str, Any] | None,
        signed_at: str | None,
        checked_at: dt.datetime,
    ) -> RequestSignatureCheck:
        message = dict(CONFIRMED) if reason is None else _message(reason)
        subject: Mapping[str, Any] = {}
        serial = None
        if certificate is not None:
            subject = certificate.get("subject") or {}
            serial = _optional_text(certificate, "serialNumber")
        iin = _optional_text(subject, "iin")
        bin_ = _optional_text(subject, "bin")
        return RequestSignatureCheck(
            ok=reason is None,
            reason=reason,
            message=message,
            signer=_optional_text(subject, "commonName"),
            signer_iin=iin if iin and _NUMBER.fullmatch(iin) else None,
            signer_bin=bin_ if bin_ and _NUMBER.fullmatch(bin_) else None,
            certificate_serial=serial.upper() if serial else None,
            signed_at=signed_at,
            checked_at=checked_at.isoformat(),
            checker=self.name,
        )


def _message(reason: str) -> dict[str, str]:
    return {lang: template.format(algorithm="") for lang, template in MESSAGES[reason].items()}
