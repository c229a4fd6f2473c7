"""The request's journey on the command line, as a user types it (SQLite file, demo PKI)."""

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
    assert {"clerk", "operator", "applicant", "admin"} <= {user["role"] for user in demo["users"]}
    company = ("--as", "120340001230")
    clerk = ("--as", "clerk-mtc-communications-committee")

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
            *company,
            "--json",
        )
    )["id"]
    assert run("request", "submit", request_id, *company).strip() == "awaiting-payment"
    assert run("request", "pay", request_id, *company).strip() == "paid"
    payload = tmp_path / "payload.json"
    payload.write_bytes(
        subprocess.run(
            [*DOCGEN, "request", "payload", request_id, *company], capture_output=True, env=env, check=True
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
    assert run("request", "sign", request_id, "--signature", str(signature), *company).strip() == "registered"
    # The clerk's decision is needed: without it nothing is issued (one line naming the example command).
    assert "decision-example telecom-license issue" in _refused(env, "request", "issue", request_id, *clerk)
    decision = tmp_path / "decision.json"
    decision.write_text(run("request", "decision-example", "telecom-license", "issue"), encoding="utf-8")
    assert json.loads(decision.read_text(encoding="utf-8"))["subtypes"] == ["data"]
    number = run("request", "issue", request_id, "--decision", str(decision), *clerk).strip()
    assert number.startswith("LIC-")

    shown = json.loads(run("request", "show", request_id, *company, "--json"))
    assert {"id", "service", "state", "number", "due", "outcome", "history", "documents"} <= shown.keys()
    assert shown["state"] == "issued" and shown["documents"][0]["number"] == number
    assert [document["kind"] for document in shown["documents"]] == ["license", "license-annex"]

    form = tmp_path / "request-form.pdf"  # the request as filed, printed, with its registration number
    run("request", "form", request_id, "--lang", "ru", "--out", str(form), *company)
    assert shown["number"] in " ".join(pdf_text(form.read_bytes()).split())

    pdf = tmp_path / "license.pdf"  # without --number: the license, not the annex issued after it
    run("request", "document", request_id, "--out", str(pdf), *company)
    annex_pdf = tmp_path / "annex.pdf"
    run(
        "request",
        "document",
        request_id,
        "--number",
        shown["documents"][1]["number"],
        "--out",
        str(annex_pdf),
        *company,
    )
    annex = subprocess.run(
        [*DOCGEN, "verify", str(annex_pdf), "--number", shown["documents"][1]["number"]],
        capture_output=True,
        text=True,
        env=env,
    )
    assert annex.returncode == 0 and "sha256 matches" in annex.stdout
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

    status = run(
        "document", "status", number, "suspended", "--reason", "Тексеру / Проверка", *clerk, "--json"
    )
    assert json.loads(status)["status"] == "suspended"
    suspended = subprocess.run(
        [*DOCGEN, "verify", str(pdf), "--number", number], capture_output=True, text=True, env=env
    )
    assert suspended.returncode == 1 and "registry status: suspended (NOT in force)" in suspended.stdout
    assert "OK" in run("audit", "verify")
    assert json.loads(run("overdue", *clerk, "--json")) == []
    history = json.loads(run("request", "show", request_id, *company, "--json"))["history"]
    assert history[-1]["event"] == "registry-status" and history[-1]["actor"]["login"] == clerk[1]
    assert "download" in [entry["event"] for entry in history]


def _refused(env: dict[str, str], *args: str) -> str:
    """The command fails with one line on stderr (exit 2), no traceback; that line."""
    result = subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


@pytest.mark.slow
def test_the_command_line_acts_only_as_an_existing_enabled_user_with_that_users_rights(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DOCGEN_PKI_DIR": str(tmp_path / "pki"),
    }
    subprocess.run([*DOCGEN, "demo"], capture_output=True, env=env, check=True, timeout=300)
    data = tmp_path / "request.json"
    data.write_bytes(
        subprocess.run(
            [*DOCGEN, "request", "example", "telecom-license"], capture_output=True, env=env, check=True
        ).stdout
    )
    new = [
        "request",
        "new",
        "telecom-license",
        "--action",
        "issue",
        "--channel",
        "portal",
        "--data",
        str(data),
    ]
    assert "clerk-nobody" in _refused(env, *new, "--as", "clerk-nobody")
    # The individual 880501300124 may not file for «Дала Телеком» (BIN 120340001230).
    assert "880501300124" in _refused(env, *new, "--as", "880501300124")
    request_id = subprocess.run(
        [*DOCGEN, *new, "--as", "120340001230"], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    other_clerk = ("--as", "clerk-mci-information-committee")
    assert "clerk-mci-information-committee" in _refused(env, "request", "show", request_id, *other_clerk)
    subprocess.run([*DOCGEN, "user", "disable", "120340001230"], capture_output=True, env=env, check=True)
    _refused(env, "request", "submit", request_id, "--as", "120340001230")
    _refused(env, "request", "show", request_id, "--as", "120340001230")
    ended = subprocess.run(
        [*DOCGEN, "user", "sign-out", "120340001230"], capture_output=True, text=True, env=env, check=True
    )
    assert ended.stdout.strip() == "120340001230: 0 session(s) ended"  # disabling ended them already
    assert "«clrek»" in _refused(env, "user", "sign-out", "clrek")


def test_an_unmigrated_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    line = _refused(env, "request", "show", "x", "--as", "admin")
    assert "docgen db upgrade" in line


@pytest.mark.slow
def test_an_unreachable_database_is_one_clear_line_without_its_password() -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody:s3cret@127.0.0.1:1/x"}
    line = _refused(env, "request", "show", "x", "--as", "admin")
    assert "База данных недоступна" in line and "Дерекқорға қол жеткізу мүмкін емес" in line
    assert "s3cret" not in line


def test_a_database_error_is_one_line_with_the_password_masked(capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from sqlalchemy.exc import ArgumentError, OperationalError

    from docgen.cli.common import run as run_command

    def broken() -> None:
        raise OperationalError(
            "SELECT 1", {}, sqlite3.OperationalError("database is locked\nsecond line")
        ) from None

    with pytest.raises(SystemExit) as exited:
        run_command(broken)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "database is locked" in err and "second line" not in err

    def bad_url() -> None:
        raise ArgumentError("cannot reach 'postgresql+psycopg://docgen:s3cret@db:5432/x' (password=hunter2)")

    with pytest.raises(SystemExit):
        run_command(bad_url, lang="ru")
    err = capsys.readouterr().err
    assert err.startswith("docgen: База данных недоступна: ")
    assert "s3cret" not in err and "hunter2" not in err and "postgresql+psycopg://docgen:***@db:5432/x" in err


def test_an_error_not_of_the_database_is_not_hidden() -> None:
    from docgen.cli.common import run as run_command

    def bug() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_command(bug)
