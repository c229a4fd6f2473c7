"""The trust material of a PKI folder, as pyHanko validation contexts.

Revocation checking fails closed: the CRL is the only revocation source
(nothing is fetched from the network) and the ``require`` policy demands
revocation information for every certificate, so a missing, unverifiable or
stale CRL makes the result invalid, never valid. (certvalidator's
``hard-fail`` would not do: it checks only certificates that declare a
distribution point, and skips the rest.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

from docgen.errors import PkiError

__all__ = ["load_crls", "load_roots", "validation_context"]


def _der_blocks(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_roots(pki_dir: Path) -> list[asn1_x509.Certificate]:
    """The trusted root certificates (``root-ca.pem``), or :class:`PkiError`."""
    path = Path(pki_dir) / "root-ca.pem"
    try:
        return [asn1_x509.Certificate.load(der) for der in _der_blocks(path.read_bytes())]
    except OSError as error:
        raise PkiError(detail=f"{path}: {error.strerror or error}") from error
    except ValueError as error:
        raise PkiError(detail=f"{path}: {error}") from error


def load_crls(pki_dir: Path) -> list[asn1_crl.CertificateList]:
    """The CRLs of ``crl.pem``; empty when missing or unreadable (checks then fail closed)."""
    path = Path(pki_dir) / "crl.pem"
    try:
        crls = [asn1_crl.CertificateList.load(der) for der in _der_blocks(path.read_bytes())]
        for item in crls:
            item.native  # noqa: B018 - parse now: a damaged CRL counts as no CRL
        return crls
    except (OSError, ValueError):
        return []


def validation_context(
    pki_dir: Path,
    moment: dt.datetime | None = None,
    *,
    crls: Iterable[asn1_crl.CertificateList] = (),
    other_certs: Iterable[asn1_x509.Certificate] = (),
    retroactive: bool = False,
) -> ValidationContext:
    """Trust the PKI's roots; check revocation against its CRL only, failing closed.

    ``crls`` and ``other_certs`` add validation data of another source (a PDF's document security
    store). ``moment`` validates at that time rather than now; with ``retroactive``, revocation
    information issued after ``moment`` counts too (a CRL of today says whether a certificate had
    been revoked before a signature's timestamp: each entry is judged by its revocation date)."""
    return ValidationContext(
        trust_roots=load_roots(pki_dir),
        crls=[*load_crls(pki_dir), *crls],
        other_certs=list(other_certs),
        allow_fetching=False,
        revocation_mode="require",
        moment=moment,
        retroactive_revinfo=retroactive,
    )
