"""The docgen command as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from docgen.documents import KINDS

DOCGEN = [sys.executable, "-m", "docgen.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DOCGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_kinds_lists_every_kind() -> None:
    listed = [line.split()[0] for line in run("kinds").stdout.splitlines()]
    assert listed == list(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_example_is_valid_against_schema(kind: str) -> None:
    example = json.loads(run("example", kind).stdout)
    schema = json.loads(run("schema", kind).stdout)
    jsonschema.validate(example, schema)


def test_request_schema_follows_the_chosen_service() -> None:
    schema = json.loads(run("schema", "request", "--service", "foreign-media-registration").stdout)
    assert schema["properties"]["service"] == {"const": "foreign-media-registration"}
    default = json.loads(run("schema", "request").stdout)
    assert default["properties"]["service"] == {"const": "telecom-license"}


def test_unknown_service_is_one_clear_line() -> None:
    result = run("schema", "request", "--service", "no-such-service")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no-such-service" in result.stderr


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_render_writes_the_document(tmp_path: Path, fmt: str) -> None:
    data = tmp_path / "license.json"
    data.write_text(run("example", "license").stdout, encoding="utf-8")
    out = tmp_path / f"license.{fmt}"
    result = run("render", "license", "--lang", "ru", "--data", str(data), "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    magic = {"pdf": b"%PDF-", "docx": b"PK", "html": b"<!DOCTYPE html>"}[fmt]
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "docgen: license: «licensor.head» өрісі: міндетті өріс толтырылмаған\n"),
        ("ru", "docgen: license: поле «licensor.head»: не заполнено обязательное поле\n"),
    ],
)
def test_missing_field_is_exit_2_one_line_and_no_file(tmp_path: Path, lang: str, expected: str) -> None:
    data = json.loads(run("example", "license").stdout)
    del data["licensor"]["head"]
    source = tmp_path / "data.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "license.pdf"
    result = run("render", "license", "--lang", lang, "--data", str(source), "--out", str(out))
    assert (result.returncode, result.stderr, result.stdout) == (2, expected, "")
    assert not out.exists()
    assert not list(tmp_path.rglob("*.part"))


def test_broken_json_is_reported_with_its_position(tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text('{"number": ', encoding="utf-8")
    result = run("render", "license", "--lang", "ru", "--data", str(source), "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert "ошибка JSON" in result.stderr and "Traceback" not in result.stderr


def test_an_existing_output_file_is_left_alone_when_the_render_fails(tmp_path: Path) -> None:
    out = tmp_path / "license.pdf"
    out.write_bytes(b"previous")
    source = tmp_path / "data.json"
    source.write_text("{}", encoding="utf-8")
    result = run("render", "license", "--data", str(source), "--out", str(out))
    assert result.returncode == 2
    assert out.read_bytes() == b"previous"


@pytest.mark.slow
def test_batch_renders_good_lines_and_reports_bad_ones_by_line_number(tmp_path: Path) -> None:
    good = json.loads(run("example", "license").stdout)
    lines = []
    for index in range(5):
        lines.append(json.dumps(good | {"number": f"KZ-BATCH-{index}"}, ensure_ascii=False))
    lines[1] = '{"number": "broken"'  # line 2: not JSON
    missing = dict(good)
    del missing["activity"]
    lines[3] = json.dumps(missing, ensure_ascii=False)  # line 4: a field missing
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "render",
        "license",
        "--batch",
        str(source),
        "--out",
        str(out),
        "--format",
        "pdf",
        "--workers",
        "2",
        "--lang",
        "ru",
    )
    assert result.returncode == 1
    assert "сформировано 3 из 5" in result.stdout
    assert "строка 2: ошибка JSON" in result.stdout
    assert "строка 4: license: поле «activity»" in result.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["000001-KZ-BATCH-0.pdf", "000003-KZ-BATCH-2.pdf", "000005-KZ-BATCH-4.pdf"]


def test_request_of_a_named_service_renders(tmp_path: Path) -> None:
    data = tmp_path / "request.json"
    data.write_text(run("example", "request", "--service", "archaeology-license").stdout, encoding="utf-8")
    out = tmp_path / "request.pdf"
    result = run("render", "request", "--lang", "kk", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_pdf_a3b_on_request_from_the_command_line(tmp_path: Path) -> None:
    from pypdf import PdfReader

    data = tmp_path / "license.json"
    data.write_text(run("example", "license").stdout, encoding="utf-8")
    out = tmp_path / "license.pdf"
    result = run("render", "license", "--data", str(data), "--out", str(out), "--pdf-variant", "pdf/a-3b")
    assert result.returncode == 0, result.stderr
    xmp = PdfReader(out).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid" in xmp


def _one_line_exit_2(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


_BROKEN = {
    "deep": b"[" * 10_000 + b"]" * 10_000,
    "not-utf8": b'{"number": "\xff"}',
    "surrogate": b'{"number": "\\ud800"}',
    "truncated": b'{"number": ',
    "nan": b'{"number": NaN}',
}


@pytest.mark.parametrize("name", list(_BROKEN))
def test_render_with_broken_data_is_one_line(tmp_path: Path, name: str) -> None:
    source = tmp_path / f"{name}.json"
    source.write_bytes(_BROKEN[name])
    out = tmp_path / "license.pdf"
    stderr = _one_line_exit_2(
        run("render", "license", "--lang", "ru", "--data", str(source), "--out", str(out))
    )
    assert stderr.startswith("docgen: --data") and not out.exists()


def test_render_with_a_bidi_override_names_the_field(tmp_path: Path) -> None:
    data = json.loads(run("example", "license").stdout)
    data["licensee"]["name"]["ru"] += "\u202e"
    source = tmp_path / "license.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    stderr = _one_line_exit_2(
        run("render", "license", "--lang", "ru", "--data", str(source), "--out", str(tmp_path / "x.pdf"))
    )
    assert "«licensee.name.ru»" in stderr and "U+202E" in stderr


@pytest.mark.parametrize("name", list(_BROKEN))
def test_request_new_with_a_broken_file_is_one_line(tmp_path: Path, name: str) -> None:
    source = tmp_path / f"{name}.json"
    source.write_bytes(_BROKEN[name])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'docgen.sqlite3'}"}
    command = ["request", "new", "telecom-license", "--action", "issue", "--channel", "portal"]
    result = subprocess.run(
        [*DOCGEN, *command, "--data", str(source), "--as", "120340001230"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "--data" in _one_line_exit_2(result)


def test_a_batch_with_malformed_lines_ends_with_its_summary_and_exit_1(tmp_path: Path) -> None:
    good = run("example", "refusal").stdout.replace("\n", "").encode()
    lines = [good, b'{"a": "\xff"}', b"[" * 10_000 + b"]" * 10_000, b'{"number": "\\ud800"}', b"[1]", good]
    source = tmp_path / "refusals.jsonl"
    source.write_bytes(b"\n".join(lines))
    out = tmp_path / "out"
    result = run(
        "render", "refusal", "--lang", "ru", "--format", "html", "--batch", str(source), "--out", str(out)
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "сформировано 2 из 6" in result.stdout and "ошибок: 4" in result.stdout
    for line in (2, 3, 4, 5):
        assert f"строка {line}:" in result.stdout
    assert len(list(out.iterdir())) == 2
