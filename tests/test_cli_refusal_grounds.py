"""The reasoned refusal on the command line: the clerk lists the service's grounds and cites them by
code (SQLite file, demo PKI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import pdf_text

DOCGEN = [sys.executable, "-m", "docgen.cli"]


@pytest.mark.slow
def test_the_clerk_lists_the_grounds_and_refuses_citing_them(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'docgen.sqlite3'}",
        "DOCGEN_PKI_DIR": str(tmp_path / "pki"),
    }

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, timeout=300)

    def run(*args: str) -> str:
        result = call(*args)
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    run("db", "upgrade")
    run("demo")
    company = ("--as", "120340001230")
    clerk = ("--as", "clerk-mtc-communications-committee")

    listed = json.loads(run("request", "grounds", "telecom-license", "--json"))
    assert [ground["code"] for ground in listed] == ["applicant-data-violations", "qualification-mismatch"]
    text = run("request", "grounds", "telecom-license")
    assert "qualification-mismatch" in text and listed[1]["kk"] in text and listed[1]["ru"] in text

    request_file = tmp_path / "request.json"
    request_file.write_text(run("request", "example", "telecom-license"), encoding="utf-8")
    new = ("request", "new", "telecom-license", "--action", "issue", "--channel", "portal")
    request_id = run(*new, "--data", str(request_file), *company).strip()
    run("request", "submit", request_id, *company)
    run("request", "pay", request_id, *company)
    payload = tmp_path / "payload.json"
    payload.write_bytes(
        subprocess.run(
            [*DOCGEN, "request", "payload", request_id, *company], capture_output=True, env=env, check=True
        ).stdout
    )
    signature = tmp_path / "request.p7s"
    key = str(tmp_path / "pki/applicants/120340001230.p12")
    run("sign-request", "--data", str(payload), "--key", key, "--out", str(signature))
    assert run("request", "sign", request_id, "--signature", str(signature), *company).strip() == "registered"

    unknown = call("request", "refuse", request_id, "--ground", "rude", *clerk)
    assert unknown.returncode == 2 and "rude" in unknown.stderr and "qualification-mismatch" in unknown.stderr
    half = call(
        "request", "refuse", request_id, "--ground", "qualification-mismatch", "--explanation", "Жоқ", *clerk
    )
    assert half.returncode == 2 and "explanation" in half.stderr
    assert json.loads(run("request", "show", request_id, *company, "--json"))["state"] == "registered"

    number = run(
        "request",
        "refuse",
        request_id,
        "--ground",
        "qualification-mismatch",
        "--explanation",
        "Мамандар жоқ.",
        "--explanation-ru",
        "Нет специалистов.",
        *clerk,
    ).strip()
    shown = json.loads(run("request", "show", request_id, *company, "--json"))
    assert shown["outcome"]["details"]["grounds"] == ["qualification-mismatch"]
    pdf = tmp_path / "refusal.pdf"
    run("request", "document", request_id, "--number", number, "--out", str(pdf), *company)
    printed = " ".join(pdf_text(pdf.read_bytes()).split())
    assert listed[1]["kk"] in printed and listed[1]["ru"] in printed
    assert listed[0]["kk"] not in printed
    assert "Мамандар жоқ." in printed and "Нет специалистов." in printed
