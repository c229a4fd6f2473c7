"""Every failed verification names its reasons; trust of the chain is reported apart from integrity."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.adapters.signing import ProviderSigners
from docgen.config import SigningSettings
from docgen.rendering.core import Renderer
from docgen.signing.pki import LocalPki, Subject
from docgen.signing.trust import validation_context
from docgen.signing.verify import verify_pdf
from tests.conftest import example


@pytest.fixture(scope="module")
def unsigned(renderer: Renderer) -> bytes:
    return renderer.render("license", example(renderer, "license"), "kk", "pdf")


@pytest.fixture
def own(tmp_path: Path) -> LocalPki:
    return LocalPki.create(tmp_path / "pki")


def _signed(own: LocalPki, renderer: Renderer, unsigned: bytes, **validity: dt.datetime) -> bytes:
    pair = own.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124", title="Тест / Тест"), **validity)  # type: ignore[arg-type]
    own.save(pair, own.provider_path("test-provider"))
    settings = SigningSettings(pki_dir=own.folder, embed_revocation=False)
    return ProviderSigners(settings, renderer).for_provider("test-provider").sign(unsigned)


def _tamper_signed_range(signed: bytes) -> bytes:
    start, length = (int(v) for v in re.search(rb"/ByteRange \[\s*(\d+) (\d+)", signed).groups())  # type: ignore[union-attr]
    position = start + length // 2
    return signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1 :]


def _verify_cli(pdf: bytes, folder: Path, tmp_path: Path) -> tuple[str, dict[str, object]]:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    command = [sys.executable, "-m", "docgen.cli", "verify", str(path), "--pki-dir", str(folder)]
    text = subprocess.run(command, capture_output=True, text=True, timeout=300)
    as_json = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=300)
    assert text.returncode == 1 and as_json.returncode == 1, text.stderr + as_json.stderr
    return text.stdout, json.loads(as_json.stdout)


def test_a_tampered_digest_is_not_intact_and_the_chain_still_trusted(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    tampered = _tamper_signed_range(_signed(own, renderer, unsigned))
    result = verify_pdf(tampered, own.folder)
    (signature,) = result.signatures
    assert not result.ok and not signature.intact
    assert signature.trusted, "the chain is fine: only the signed bytes changed"
    assert "not-intact" in signature.reasons and "untrusted" not in signature.reasons
    text, report = _verify_cli(tampered, own.folder, tmp_path)
    assert "NOT INTACT" in text and "chain trusted" in text and "NOT trusted" not in text
    assert "not-intact" in text
    assert "not-intact" in report["reasons"]  # type: ignore[operator]
    assert report["signatures"][0]["trusted"] is True  # type: ignore[index]


def test_a_stale_crl_is_revocation_unknown(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    signed = _signed(own, renderer, unsigned)
    own.write_crl([], next_update=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    result = verify_pdf(signed, own.folder)
    (signature,) = result.signatures
    assert not result.ok and signature.intact and not signature.trusted
    assert signature.reasons == ("revocation-unknown",)
    text, report = _verify_cli(signed, own.folder, tmp_path)
    assert "revocation-unknown" in text
    assert report["reasons"] == ["revocation-unknown"]


def test_a_missing_crl_is_revocation_unknown(own: LocalPki, renderer: Renderer, unsigned: bytes) -> None:
    signed = _signed(own, renderer, unsigned)
    own.crl_path.unlink()
    assert verify_pdf(signed, own.folder).signatures[0].reasons == ("revocation-unknown",)


def test_an_expired_signer_is_expired(own: LocalPki, renderer: Renderer, unsigned: bytes) -> None:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    signed = _signed(own, renderer, unsigned, not_after=until)
    later = validation_context(own.folder, moment=until + dt.timedelta(days=1))
    result = verify_pdf(signed, own.folder, context=later)
    (signature,) = result.signatures
    assert not result.ok and signature.intact and not signature.trusted
    assert signature.reasons == ("expired",)


def test_a_revoked_signer_is_revoked(own: LocalPki, renderer: Renderer, unsigned: bytes) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    signed = _signed(own, renderer, unsigned)
    _, certificate, _ = pkcs12.load_key_and_certificates(
        own.provider_path("test-provider").read_bytes(), b"demo"
    )
    assert certificate is not None
    own.revoke(certificate.serial_number)
    (signature,) = verify_pdf(signed, own.folder).signatures
    assert signature.revoked and signature.reasons == ("revoked",)


def test_another_root_is_untrusted(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    signed = _signed(own, renderer, unsigned)
    other = LocalPki.create(tmp_path / "other")
    assert verify_pdf(signed, other.folder).signatures[0].reasons == ("untrusted",)


def test_an_unsigned_document_and_a_wrong_hash_name_their_reasons(
    own: LocalPki, renderer: Renderer, unsigned: bytes
) -> None:
    assert verify_pdf(unsigned, own.folder).reasons == ("unsigned",)
    signed = _signed(own, renderer, unsigned)
    assert verify_pdf(signed, own.folder, expected_sha256="0" * 64).reasons == ("sha256-mismatch",)
    assert verify_pdf(b"not a pdf", own.folder).reasons == ("unreadable",)
