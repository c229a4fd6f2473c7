"""docgen pki / sign / verify as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCGEN = [sys.executable, "-m", "docgen.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DOCGEN, *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("cli") / "pki"
    result = run("pki", "init", str(target))
    assert result.returncode == 0, result.stderr
    assert "DEVELOPMENT ONLY" in result.stdout
    return target


@pytest.mark.slow
def test_init_lays_out_the_pki(folder: Path) -> None:
    for name in ("root-ca.pem", "root-ca.key", "crl.pem", "tsa.p12"):
        assert (folder / name).is_file()
    assert (folder / "providers" / "mtc-communications-committee.p12").is_file()
    assert (folder / "applicants" / "880501300124.p12").is_file()
    assert (folder / "applicants" / "120340001230.p12").is_file()
    again = run("pki", "init", str(folder))
    assert again.returncode == 2 and "--force" in again.stderr


@pytest.mark.slow
def test_sign_then_verify_then_revoke(folder: Path, tmp_path: Path) -> None:
    data = tmp_path / "license.json"
    data.write_text(run("example", "license").stdout, encoding="utf-8")
    pdf = tmp_path / "license.pdf"
    assert run("render", "license", "--data", str(data), "--out", str(pdf)).returncode == 0
    signed = tmp_path / "signed.pdf"
    env = {"DOCGEN_PKI_DIR": str(folder)}
    result = run(
        "sign", str(pdf), "--provider", "mtc-communications-committee", "--out", str(signed), env=env
    )
    assert result.returncode == 0, result.stderr

    checked = run("verify", str(signed), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "trusted; not modified" in checked.stdout and checked.stdout.strip().endswith("OK")
    assert "Traceback" not in checked.stderr

    report = json.loads(run("verify", str(signed), "--json", env=env).stdout)
    assert report["ok"] is True and report["signatures"][0]["signer"]

    unsigned = run("verify", str(pdf), env=env)
    assert unsigned.returncode == 1 and "no signatures" in unsigned.stdout


def test_sign_with_an_unknown_provider_is_one_line(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    result = run(
        "sign", str(pdf), "--provider", "nobody", "--out", str(tmp_path / "y.pdf"), "--pki-dir", str(tmp_path)
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nobody.p12" in result.stderr
    assert not (tmp_path / "y.pdf").exists()


@pytest.mark.slow
def test_revoke_puts_the_serial_on_the_crl(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = tmp_path / "pki"
    assert run("pki", "init", str(folder)).returncode == 0
    _, certificate, _ = pkcs12.load_key_and_certificates(
        (folder / "applicants" / "880501300124.p12").read_bytes(), b"demo"
    )
    assert certificate is not None
    result = run("pki", "revoke", str(folder), format(certificate.serial_number, "x"))
    assert result.returncode == 0, result.stderr
    crl = x509.load_pem_x509_crl((folder / "crl.pem").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None


def test_revoke_reads_a_serial_starting_with_d_as_hex_and_records_reason_and_date(tmp_path: Path) -> None:
    import datetime as dt

    from docgen.signing.pki import LocalPki

    pki = LocalPki.create(tmp_path / "pki")
    result = run(
        "pki", "revoke", str(pki.folder), "d1a2", "--reason", "cessation-of-operation", "--date", "2026-05-04"
    )
    assert result.returncode == 0, result.stderr
    (entry,) = pki.revocations()
    assert entry.serial == 0xD1A2 and entry.reason == "cessation-of-operation"
    assert entry.revoked_at == dt.datetime(2026, 5, 4, tzinfo=dt.UTC) and entry.invalid_since is None
    bad = run("pki", "revoke", str(pki.folder), "12", "--date", "last tuesday")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr
    assert len(pki.revocations()) == 1
