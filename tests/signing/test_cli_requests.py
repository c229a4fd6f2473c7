"""``sign-request`` and ``verify-request``: exit codes and one-line output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from docgen.cli.request_signature import sign_request_command, verify_request_command
from docgen.signing.pki import LocalPki, Subject
from docgen.signing.request_signature import MESSAGES, REASONS

IIN = "880501300124"  # the demo individual applicant of the session PKI
ORG_IIN, BIN = "850715300330", "120340001230"  # the demo organisation's head and the organisation
DATA = "Өтініш / Заявление №42".encode()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner(env={"DOCGEN_KEY_PASSWORD": None, "DOCGEN_PKI_DIR": None})


@pytest.fixture()
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "request.json"
    path.write_bytes(DATA)
    return path


def sign(runner: CliRunner, data: Path, key: Path, *extra: str) -> tuple[Result, Path]:
    out = data.with_suffix(".p7s")
    result = runner.invoke(
        sign_request_command, ["--data", str(data), "--key", str(key), "--out", str(out), *extra]
    )
    return result, out


def verify(runner: CliRunner, data: Path, signature: Path, pki_dir: Path | None, *extra: str) -> Result:
    options = ["--pki-dir", str(pki_dir)] if pki_dir else []
    return runner.invoke(
        verify_request_command, ["--data", str(data), "--signature", str(signature), *options, *extra]
    )


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture()
def signed(runner: CliRunner, pki: LocalPki, request_file: Path) -> Path:
    result, out = sign(runner, request_file, pki.applicant_path(IIN))
    assert result.exit_code == 0, result.output
    return out


def test_round_trip(runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path) -> None:
    assert signed.read_bytes()[:1] == b"\x30"
    assert not list(signed.parent.glob(".*.part"))  # written atomically
    result = verify(runner, request_file, signed, pki.folder, "--iin", IIN)
    assert result.exit_code == 0, result.output
    line = one_line(result.stdout)
    assert line.startswith("ok: Ахметов Данияр Серікұлы (IIN 880501300124)")
    assert "ЭЦҚ расталды / ЭЦП подтверждена" in line
    assert result.stderr == ""


def test_organisation_round_trip_with_bin_and_iin(
    runner: CliRunner, pki: LocalPki, request_file: Path
) -> None:
    result, out = sign(runner, request_file, pki.applicant_path(BIN))
    assert result.exit_code == 0, result.output
    result = verify(runner, request_file, out, pki.folder, "--iin", ORG_IIN, "--bin", BIN, "--lang", "ru")
    assert result.exit_code == 0, result.output
    assert one_line(result.stdout) == (
        f"ok: Есенгалиев Нұрлан Серікұлы (IIN {ORG_IIN}, BIN {BIN}) — ЭЦП подтверждена [local]"
    )


def test_identity_mismatch(runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path) -> None:
    result = verify(runner, request_file, signed, pki.folder, "--iin", ORG_IIN)
    assert result.exit_code == 1
    line = one_line(result.stdout)
    message = MESSAGES["identity-mismatch"]
    assert line == f"identity-mismatch: {message['kk']} / {message['ru']} [local]"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_reason_in_one_language(
    runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path, lang: str
) -> None:
    result = verify(runner, request_file, signed, pki.folder, "--bin", BIN, "--lang", lang)
    assert result.exit_code == 1
    assert one_line(result.stdout) == f"identity-mismatch: {MESSAGES['identity-mismatch'][lang]} [local]"


def test_content_changed(runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path) -> None:
    request_file.write_bytes(DATA + b"\n")
    result = verify(runner, request_file, signed, pki.folder, "--iin", IIN)
    assert result.exit_code == 1
    assert one_line(result.stdout).startswith("bad-signature: ЭЦҚ жарамсыз")


def test_revoked_and_stale_crl(runner: CliRunner, request_file: Path, tmp_path: Path) -> None:
    own = LocalPki.create(tmp_path / "pki")
    pair = own.issue(Subject("Ахметов Данияр Серікұлы", iin=IIN))
    key = own.save(pair, own.applicant_path(IIN))
    result, out = sign(runner, request_file, key)
    assert result.exit_code == 0, result.output
    assert verify(runner, request_file, out, own.folder, "--iin", IIN).exit_code == 0

    own.revoke(pair.certificate.serial_number)
    result = verify(runner, request_file, out, own.folder, "--iin", IIN)
    assert result.exit_code == 1
    assert one_line(result.stdout) == (
        "revoked: ЭЦҚ тіркеу куәлігі кері қайтарылған (кері қайтарылғандар тізімінде бар) / "
        "Регистрационное свидетельство ЭЦП отозвано (находится в списке отозванных) [local]"
    )

    own.write_crl([], next_update=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    result = verify(runner, request_file, out, own.folder, "--iin", IIN)
    assert result.exit_code == 1
    assert one_line(result.stdout).startswith("revocation-unknown: ")

    own.crl_path.unlink()
    result = verify(runner, request_file, out, own.folder, "--iin", IIN)
    assert (result.exit_code, one_line(result.stdout).split(":")[0]) == (1, "revocation-unknown")


def test_untrusted_with_another_pki(
    runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path, tmp_path: Path
) -> None:
    own = LocalPki.create(tmp_path / "other")
    result = verify(runner, request_file, signed, own.folder, "--iin", IIN)
    assert result.exit_code == 1
    assert one_line(result.stdout).split(":")[0] in REASONS
    assert one_line(result.stdout).startswith("untrusted: ")


def test_pki_dir_from_the_environment(
    runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path
) -> None:
    result = runner.invoke(
        verify_request_command,
        ["--data", str(request_file), "--signature", str(signed), "--iin", IIN],
        env={"DOCGEN_PKI_DIR": str(pki.folder)},
    )
    assert result.exit_code == 0, result.output


def test_garbage_signature(runner: CliRunner, pki: LocalPki, request_file: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.p7s"
    garbage.write_bytes(b"\x00\x01 not a signature")
    result = verify(runner, request_file, garbage, pki.folder, "--iin", IIN)
    assert result.exit_code == 1
    assert one_line(result.stdout).startswith("bad-signature: ")


# -- bad usage: exit 2, one line on stderr -------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        [],  # neither --iin nor --bin
        ["--iin", "88050130012"],
        ["--bin", "12034000123X"],
        ["--iin", IIN, "--lang", "en"],
        ["--iin", IIN, "--unknown"],
    ],
)
def test_bad_usage(
    runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path, extra: list[str]
) -> None:
    result = verify(runner, request_file, signed, pki.folder, *extra)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_line(result.stderr).startswith("docgen verify-request: ")


def test_missing_option_is_one_line(runner: CliRunner, request_file: Path) -> None:
    result = runner.invoke(verify_request_command, ["--data", str(request_file), "--iin", IIN])
    assert result.exit_code == 2
    assert "--signature" in one_line(result.stderr)


def test_unreadable_files(runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path) -> None:
    missing = request_file.parent / "missing.json"
    result = verify(runner, missing, signed, pki.folder, "--iin", IIN)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "missing.json" in line and "файлды оқу мүмкін емес" in line and "не удалось прочитать" in line
    result = verify(runner, request_file, missing, pki.folder, "--iin", IIN)
    assert result.exit_code == 2
    assert "--signature" in one_line(result.stderr)


def test_unusable_trust_material(runner: CliRunner, request_file: Path, signed: Path, tmp_path: Path) -> None:
    result = verify(runner, request_file, signed, tmp_path / "no-pki", "--iin", IIN)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("docgen: Сенім материалы қолжетімсіз") and "root-ca.pem" in line
    assert "Недоступны доверенные сертификаты" in line


def test_sign_with_wrong_password(runner: CliRunner, pki: LocalPki, request_file: Path) -> None:
    result, out = sign(runner, request_file, pki.applicant_path(IIN), "--password", "wrong")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "Қол қою кілтін оқу мүмкін емес" in line and "Не удалось прочитать ключ подписи" in line
    assert not out.exists()


def test_sign_password_from_the_environment(
    runner: CliRunner, pki: LocalPki, request_file: Path, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    loaded = pkcs12.load_pkcs12(pki.applicant_path(IIN).read_bytes(), b"demo")
    assert loaded.key is not None and loaded.cert is not None
    from docgen.signing.pki import KeyPair

    key = tmp_path / "secret.p12"
    key.write_bytes(KeyPair(loaded.cert.certificate, loaded.key).pkcs12(b"s3cret"))  # type: ignore[arg-type]
    out = tmp_path / "secret.p7s"
    arguments = ["--data", str(request_file), "--key", str(key), "--out", str(out)]
    assert runner.invoke(sign_request_command, arguments).exit_code == 2  # "demo" does not open it
    result = runner.invoke(sign_request_command, arguments, env={"DOCGEN_KEY_PASSWORD": "s3cret"})
    assert result.exit_code == 0, result.output
    assert verify(runner, request_file, out, pki.folder, "--iin", IIN).exit_code == 0


def test_sign_errors_are_one_line(
    runner: CliRunner, pki: LocalPki, request_file: Path, tmp_path: Path
) -> None:
    result, _ = sign(runner, tmp_path / "none.json", pki.applicant_path(IIN))
    assert result.exit_code == 2 and "none.json" in one_line(result.stderr)
    result, _ = sign(runner, request_file, tmp_path / "none.p12")
    assert result.exit_code == 2 and "none.p12" in one_line(result.stderr)
    result = runner.invoke(sign_request_command, ["--data", str(request_file)])
    assert result.exit_code == 2 and one_line(result.stderr).startswith("docgen sign-request: ")


def test_help_mentions_the_demo_password(runner: CliRunner) -> None:
    result = runner.invoke(sign_request_command, ["--help"])
    assert result.exit_code == 0
    assert "'demo'" in result.output and "DOCGEN_KEY_PASSWORD" in result.output


def test_registered_in_the_docgen_command(
    runner: CliRunner, pki: LocalPki, request_file: Path, signed: Path
) -> None:
    from docgen.cli import main

    arguments = ["verify-request", "--data", str(request_file), "--signature", str(signed)]
    result = runner.invoke(main, [*arguments, "--pki-dir", str(pki.folder), "--iin", IIN])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*arguments, "--iin", IIN, "--no-such-option"])
    assert result.exit_code == 2
    assert one_line(result.stderr).startswith("docgen verify-request: ")
