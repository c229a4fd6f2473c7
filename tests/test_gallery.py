"""The gallery: every kind, language and format, with a preview of each page."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.gallery import build_gallery, gallery_items
from docgen.rendering.core import Renderer


@pytest.mark.slow
def test_gallery_renders_everything_with_previews(renderer: Renderer, tmp_path: Path) -> None:
    items = list(gallery_items(renderer))
    written = build_gallery(renderer, tmp_path, dpi=20)
    for fmt in ("pdf", "docx", "html"):
        assert len(list((tmp_path / fmt).iterdir())) == len(items)
    assert {item.lang for item in items if item.kind == "license"} == {"kk", "ru", "kk+ru"}
    pngs = list((tmp_path / "png").iterdir())
    assert len(pngs) >= len(items)
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in pngs)
    assert all(path.stat().st_size > 0 for path in written)
