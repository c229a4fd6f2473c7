"""The request's journey on the command line, as a user types it (SQLite file, demo PKI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCGEN = [sys.executable, "-m", "docgen.cli"]


@pytest.mark.slow
def test_a_portal_request_from_filing_to_the_signed_license(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'docgen.sqlite3'}",
        "DOCGEN_PKI_DIR": str(tmp_path / "pki"),
    }

    def run(*args: str) -> str:
        result = subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    assert json.loads(run("db", "upgrade", "--json"))["schema"] == "up to date"
    demo = json.loads(run("demo", "--json"))
    assert demo["pki_created"] is True
    assert {"clerk", "operator", "applicant"} <= {user["role"] for user in demo["users"]}

    request_file = tmp_path / "request.json"
    request_file.write_text(run("request", "example", "telecom-license"), encoding="utf-8")
    request_id = json.loads(
        run(
            "request",
            "new",
            "telecom-license",
            "--action",
            "issue",
            "--channel",
            "portal",
            "--data",
            str(request_file),
            "--as",
            "120340001230",
            "--json",
        )
    )["id"]
    assert run("request", "submit", request_id, "--as", "120340001230").strip() == "awaiting-payment"
    assert run("request", "pay", request_id, "--as", "120340001230").strip() == "paid"
    payload = tmp_path / "payload.json"
    payload.write_bytes(
        subprocess.run(
            [*DOCGEN, "request", "payload", request_id], capture_output=True, env=env, check=True
        ).stdout
    )
    signature = tmp_path / "request.p7s"
    run(
        "sign-request",
        "--data",
        str(payload),
        "--key",
        str(tmp_path / "pki/applicants/120340001230.p12"),
        "--out",
        str(signature),
    )
    assert run("request", "sign", request_id, "--signature", str(signature)).strip() == "registered"
    number = run("request", "issue", request_id, "--as", "clerk-mtc-communications-committee").strip()
    assert number.startswith("LIC-")

    shown = json.loads(run("request", "show", request_id, "--json"))
    assert {"id", "service", "state", "number", "due", "outcome", "history", "documents"} <= shown.keys()
    assert shown["state"] == "issued" and shown["documents"][0]["number"] == number

    pdf = tmp_path / "license.pdf"
    run("request", "document", request_id, "--out", str(pdf))
    verified = subprocess.run(
        [*DOCGEN, "verify", str(pdf), "--sha256", shown["documents"][0]["sha256"]],
        capture_output=True,
        text=True,
        env=env,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

    by_number = subprocess.run(
        [*DOCGEN, "verify", str(pdf), "--number", number], capture_output=True, text=True, env=env
    )
    assert by_number.returncode == 0 and "sha256 matches" in by_number.stdout
    other = tmp_path / "other.pdf"
    other.write_bytes(pdf.read_bytes() + b"\n% appended\n")
    mismatch = subprocess.run(
        [*DOCGEN, "verify", str(other), "--number", number], capture_output=True, text=True, env=env
    )
    assert mismatch.returncode == 1 and "DIFFERS" in mismatch.stdout

    assert json.loads(run("document", "status", number, "suspended", "--json"))["status"] == "suspended"
    assert "OK" in run("audit", "verify")
    assert json.loads(run("overdue", "--json")) == []
