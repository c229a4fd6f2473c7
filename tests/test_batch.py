"""Batch rendering in-process: every good line rendered, every bad one reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docgen.batch import BatchJob, read_lines, run_batch
from docgen.config import RenderSettings
from docgen.documents import get_kind
from docgen.documents.limits import MAX_BYTES


def test_one_bad_line_never_stops_the_others(tmp_path: Path, settings: RenderSettings) -> None:
    data = get_kind("refusal").example()
    bad = dict(data)
    del bad["number"]
    lines = [json.dumps(data), "not json", "", json.dumps(bad), json.dumps(data | {"number": "R/2"})]
    source = tmp_path / "refusals.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    seen: list[int] = []
    result = run_batch(
        settings, BatchJob("refusal", "kk", "html", tmp_path / "out"), source, progress=seen.append
    )
    assert (result.total, result.rendered) == (4, 2)
    assert [failure.line for failure in result.failures] == [2, 4]
    assert "«number»" in result.failures[1].message
    assert len(seen) == 4
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 2 and names[0].startswith("000001-") and names[1] == "000005-R_2.html"
    summary = result.summary("kk")
    assert "4 құжаттың 2 жасалды" in summary and "2-жол" in summary and "4-жол" in summary


def _malformed_batch(tmp_path: Path) -> Path:
    """Good lines (1, 3, 5, 7, 9, 11) between malformed ones: invalid UTF-8 (2), 10000-deep nesting (4),
    a lone surrogate escape (6), not an object (8, 10), and a line over the size limit (12)."""
    good = json.dumps(get_kind("refusal").example(), ensure_ascii=False).encode()
    surrogate = json.dumps(get_kind("refusal").example() | {"number": "R/\ud800"}).encode()
    assert b"\\ud800" in surrogate
    lines = [
        good,
        b'{"number": "\xff\xfe broken"}',
        good,
        b"[" * 10_000 + b"]" * 10_000,
        good,
        surrogate,
        good,
        b"[1, 2, 3]",
        good,
        b'"just a string"',
        good,
        b'{"a": "' + b"x" * MAX_BYTES + b'"}',
        good,
    ]
    source = tmp_path / "malformed.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source


def test_malformed_lines_are_reported_and_the_run_ends_with_its_summary(
    tmp_path: Path, settings: RenderSettings
) -> None:
    source = _malformed_batch(tmp_path)
    result = run_batch(settings, BatchJob("refusal", "ru", "html", tmp_path / "out"), source)
    assert (result.total, result.rendered) == (13, 7)
    reasons = {failure.line: failure.message for failure in result.failures}
    assert list(reasons) == [2, 4, 6, 8, 10, 12]
    assert "не в кодировке UTF-8" in reasons[2]
    assert "слишком глубокая вложенность" in reasons[4]
    assert "«number»" in reasons[6] and "непарный суррогат U+D800" in reasons[6]
    assert "объект JSON" in reasons[8] and "объект JSON" in reasons[10]
    assert "слишком большой объём" in reasons[12]
    summary = result.summary("ru")
    assert "сформировано 7 из 13" in summary and "ошибок: 6" in summary
    assert all(f"строка {line}:" in summary for line in reasons)
    assert all(line.isprintable() for line in summary.splitlines())
    assert len(list((tmp_path / "out").iterdir())) == 7


def test_an_unexpected_error_on_one_line_is_that_lines_failure(
    tmp_path: Path, settings: RenderSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.bootstrap

    real = docgen.bootstrap.make_renderer

    class Faulty:
        def __init__(self, renderer: Any) -> None:
            self.renderer = renderer

        def __getattr__(self, name: str) -> Any:
            return getattr(self.renderer, name)

        def render(self, kind: str, data: Any, *args: Any) -> bytes:
            if data.get("number") == "BOOM":
                raise RuntimeError("a bug")
            return self.renderer.render(kind, data, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(docgen.bootstrap, "make_renderer", lambda settings: Faulty(real(settings)))
    data = get_kind("refusal").example()
    source = tmp_path / "lines.jsonl"
    source.write_text(
        "\n".join(json.dumps(data | {"number": n}) for n in ("R/1", "BOOM", "R/3")), encoding="utf-8"
    )
    result = run_batch(settings, BatchJob("refusal", "kk", "html", tmp_path / "out"), source)
    assert (result.total, result.rendered) == (3, 2)
    assert [failure.line for failure in result.failures] == [2]
    assert "күтпеген қате: RuntimeError: a bug" in result.failures[0].message


def test_read_lines_never_holds_an_overlong_line_whole(tmp_path: Path) -> None:
    source = tmp_path / "long.jsonl"
    source.write_bytes(b"{}\n" + b"x" * (3 * MAX_BYTES) + b"\n\n{}\r\n")
    lines = list(read_lines(source))
    assert [number for number, _ in lines] == [1, 2, 4]
    assert len(lines[1][1]) <= MAX_BYTES + 2 and lines[2][1] == b"{}"
