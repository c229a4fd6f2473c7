"""Batch rendering in-process: every good line rendered, every bad one reported."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.batch import BatchJob, run_batch
from docgen.config import RenderSettings
from docgen.documents import get_kind


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
