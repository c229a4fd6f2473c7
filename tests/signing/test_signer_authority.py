"""Who may sign a license, and what "not modified" means: the attacks of the issue "Only the
licensor's officials can sign a license", each named after what the attacker does."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from docgen.adapters.signing import ProviderSigners
from docgen.config import PROJECT_ROOT, SigningSettings
from docgen.domain.catalog import Catalog
from docgen.errors import PkiError, SignerCertificateRefused
from docgen.rendering.core import Renderer
from docgen.signing.pades import DocumentSigner, load_signer
from docgen.signing.pki import DEMO_PASSWORD, LocalPki, Subject
from docgen.signing.signers import REGISTER_FILE, RegisteredOfficial, SignersRegister, load_register
from docgen.signing.trust import validation_context
from docgen.signing.verify import NO_REGISTER, verify_pdf
from tests.conftest import example

PROVIDER = "mtc-communications-committee"
#: The provider's BIN, from the catalog (forms/providers.toml): what pki init writes.
PROVIDER_BIN = Catalog.load(PROJECT_ROOT / "forms").providers()[PROVIDER].bin
OTHER_PROVIDER = "mci-culture-committee"
APPLICANT = "120340001230"
DOCGEN = [sys.executable, "-m", "docgen.cli"]


@pytest.fixture(scope="module")
def unsigned(renderer: Renderer) -> bytes:
    return renderer.render("license", example(renderer, "license"), "kk", "pdf")


@pytest.fixture(scope="module")
def genuine(pki: LocalPki, renderer: Renderer, unsigned: bytes) -> bytes:
    return ProviderSigners(SigningSettings(pki_dir=pki.folder), renderer).sign(PROVIDER, unsigned)


def signed_with(key_file: Path, unsigned: bytes, pki: LocalPki) -> bytes:
    """What an attacker does with a key file of their own: sign the license PDF with it (PAdES,
    revocation data embedded, exactly as the provider's signature is made)."""
    signer = load_signer(key_file, DEMO_PASSWORD)
    return DocumentSigner(signer, validation_context=validation_context(pki.folder)).sign(unsigned)


def verify_cli(pdf: bytes, tmp_path: Path, pki: LocalPki, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "license.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [*DOCGEN, "verify", str(path), "--pki-dir", str(pki.folder), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )


# -- the register ---------------------------------------------------------------------------------
def test_pki_init_writes_the_signers_register_with_each_providers_bin_and_official(pki: LocalPki) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    register = load_register(pki.folder)
    assert register is not None and (pki.folder / REGISTER_FILE).is_file()
    entry = register.provider(PROVIDER)
    assert entry is not None and entry.bin == PROVIDER_BIN
    _, certificate, _ = pkcs12.load_key_and_certificates(
        pki.provider_path(PROVIDER).read_bytes(), DEMO_PASSWORD
    )
    assert isinstance(certificate, x509.Certificate)
    assert (
        certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
        == f"BIN{entry.bin}"
    )
    (official,) = entry.officials
    assert official.serial == certificate.serial_number and official.name == "Әбенов Қайрат Үсенұлы"
    assert official.valid_until == certificate.not_valid_after_utc


def test_a_damaged_register_is_an_error_not_a_missing_one(tmp_path: Path) -> None:
    (tmp_path / REGISTER_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(PkiError):
        load_register(tmp_path)


def test_an_official_signs_only_within_the_registered_period(pki: LocalPki) -> None:
    pair = pki.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124"))
    official = RegisteredOfficial.of(pair.certificate)
    now = dt.datetime.now(dt.UTC)
    dismissed = SignersRegister().with_official(
        PROVIDER, "990340309166", replace(official, valid_until=now - dt.timedelta(hours=1))
    )
    owner, why_not = dismissed.authority(pair.certificate, now)
    assert owner == PROVIDER and why_not is not None and "may sign from" in why_not
    assert dismissed.authority(pair.certificate, now - dt.timedelta(hours=2)) == (PROVIDER, None)


# -- who signed -----------------------------------------------------------------------------------
def test_a_genuine_issued_license_verifies(genuine: bytes, pki: LocalPki, tmp_path: Path) -> None:
    result = verify_pdf(genuine, pki.folder, provider=PROVIDER)
    assert result.ok and result.signer_authority is None
    (signature,) = result.signatures
    assert signature.authorized is True and signature.provider == PROVIDER and signature.reasons == ()
    checked = verify_cli(genuine, tmp_path, pki)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"official of {PROVIDER}" in checked.stdout and checked.stdout.strip().endswith("OK")


def test_a_license_signed_with_an_applicants_own_key_is_unauthorized(
    unsigned: bytes, pki: LocalPki, tmp_path: Path
) -> None:
    forged = signed_with(pki.applicant_path(APPLICANT), unsigned, pki)
    result = verify_pdf(forged, pki.folder)
    (signature,) = result.signatures
    assert signature.trusted and not signature.modified, "the chain alone would have passed it"
    assert not result.ok and signature.reasons == ("unauthorized-signer",)
    assert signature.authorized is False and signature.provider is None

    checked = verify_cli(forged, tmp_path, pki)
    assert checked.returncode == 1
    assert "unauthorized-signer" in checked.stdout and checked.stdout.strip().endswith("NOT OK")
    assert "уәкілетті емес" in checked.stdout and "не уполномочен" in checked.stdout
    report = json.loads(verify_cli(forged, tmp_path, pki, "--json").stdout)
    assert report["ok"] is False
    assert report["signatures"][0]["reasons"] == ["unauthorized-signer"]
    assert "не уполномочен" in report["signatures"][0]["message"]


def test_a_license_signed_with_another_providers_key_is_unauthorized(unsigned: bytes, pki: LocalPki) -> None:
    forged = signed_with(pki.provider_path(OTHER_PROVIDER), unsigned, pki)
    assert verify_pdf(forged, pki.folder).ok, "an official of some provider, when the document is not known"
    result = verify_pdf(forged, pki.folder, provider=PROVIDER)
    (signature,) = result.signatures
    assert not result.ok and signature.reasons == ("unauthorized-signer",)
    assert signature.provider == OTHER_PROVIDER and signature.message and PROVIDER in signature.message


def test_a_license_signed_with_an_unregistered_key_under_the_root_is_unauthorized(
    unsigned: bytes, pki: LocalPki, tmp_path: Path
) -> None:
    rogue = pki.issue(Subject("Әбенов Қайрат Үсенұлы", iin="790228300518", bin=PROVIDER_BIN, title="Төраға"))
    key_file = pki.save(rogue, tmp_path / "rogue.p12")
    result = verify_pdf(signed_with(key_file, unsigned, pki), pki.folder, provider=PROVIDER)
    (signature,) = result.signatures
    assert signature.trusted and not result.ok and signature.reasons == ("unauthorized-signer",)


def test_without_a_register_the_authority_is_said_unchecked_not_failed(
    unsigned: bytes, renderer: Renderer, tmp_path: Path
) -> None:
    older = LocalPki.create(tmp_path / "older")
    older.save(
        older.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124")), older.provider_path("test-provider")
    )
    settings = SigningSettings(pki_dir=older.folder, embed_revocation=False)
    signed = ProviderSigners(settings, renderer).sign("test-provider", unsigned)
    result = verify_pdf(signed, older.folder, provider="test-provider")
    assert result.ok and result.signer_authority == NO_REGISTER
    assert result.signatures[0].authorized is None
    checked = verify_cli(signed, tmp_path, older)
    assert checked.returncode == 0 and NO_REGISTER in checked.stdout


# -- what "not modified" means ---------------------------------------------------------------------
def test_bytes_appended_after_eof_are_reported_as_modified(
    genuine: bytes, pki: LocalPki, tmp_path: Path
) -> None:
    assert verify_pdf(genuine + b"\n", pki.folder).ok, "a trailing line ending is no change"
    startxref = re.findall(rb"startxref\s+(\d+)", genuine)[-1]
    for tail in (b"ANNULLED", b"\n% comment\n", b"junk\nstartxref\n" + startxref + b"\n%%EOF\n"):
        result = verify_pdf(genuine + tail, pki.folder)
        assert not result.ok and result.signatures[0].modified, tail
        assert result.signatures[0].reasons == ("modified",)
    checked = verify_cli(genuine + b"ANNULLED", tmp_path, pki)
    assert checked.returncode == 1 and "MODIFIED after signing" in checked.stdout


def test_an_incremental_update_rewriting_the_info_title_is_reported_as_modified(
    genuine: bytes, pki: LocalPki
) -> None:
    forged = info_rewrite(genuine, "Лицензия ЖОҚ / Лицензия АННУЛИРОВАНА")
    assert PdfFileReader(io.BytesIO(forged)).trailer["/Info"]["/Title"].startswith("Лицензия ЖОҚ")
    result = verify_pdf(forged, pki.folder)
    (signature,) = result.signatures
    assert signature.intact and signature.modified and not result.ok
    assert signature.reasons == ("modified",)


def info_rewrite(signed: bytes, title: str) -> bytes:
    """Append a revision that redefines only the document information dictionary (``/Info``)."""
    reader = PdfFileReader(io.BytesIO(signed))
    info = reader.trailer.raw_get("/Info")
    size = int(reader.trailer["/Size"])
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    root = reader.trailer.raw_get("/Root")
    body = bytearray(signed if signed.endswith(b"\n") else signed + b"\n")
    offset = len(body)
    encoded = ("FEFF" + title.encode("utf-16-be").hex()).upper().encode()
    body += b"%d %d obj\n<< /Title <%s> /Creator (docgen) >>\nendobj\n" % (
        info.idnum,
        info.generation,
        encoded,
    )
    table = len(body)
    body += b"xref\n%d 1\n%010d %05d n \n" % (info.idnum, offset, info.generation)
    body += b"trailer\n<< /Size %d /Root %d %d R /Info %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root.idnum,
        root.generation,
        info.idnum,
        info.generation,
        prev,
        table,
    )
    return bytes(body)


# -- signing refuses a certificate that may not sign --------------------------------------------------
@pytest.mark.parametrize("embed_revocation", [False, True])
@pytest.mark.parametrize("case", ["expired", "not-yet-valid", "revoked", "no-crl"])
def test_signing_refuses_a_provider_certificate_that_may_not_sign(
    case: str, embed_revocation: bool, unsigned: bytes, renderer: Renderer, tmp_path: Path
) -> None:
    own = LocalPki.create(tmp_path / "pki")
    now = dt.datetime.now(dt.UTC)
    validity = {
        "expired": (now - dt.timedelta(days=400), now - dt.timedelta(days=1)),
        "not-yet-valid": (now + dt.timedelta(days=1), now + dt.timedelta(days=400)),
    }.get(case, (None, None))
    pair = own.issue(
        Subject("Сынақ Қол Қоюшы", iin="880501300124"), not_before=validity[0], not_after=validity[1]
    )
    own.save(pair, own.provider_path("test-provider"))
    if case == "revoked":
        own.revoke(pair.certificate.serial_number)
    if case == "no-crl":
        own.crl_path.unlink()
    signers = ProviderSigners(
        SigningSettings(pki_dir=own.folder, embed_revocation=embed_revocation), renderer
    )
    with pytest.raises(SignerCertificateRefused) as caught:
        signers.sign("test-provider", unsigned)
    assert format(pair.certificate.serial_number, "X") in caught.value.message("kk+ru")
    assert caught.value.code == "signer-certificate"
