"""Shared fixtures: one renderer for the session, and ways to read output back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.config import RenderSettings, load_settings
from docgen.documents import get_kind
from docgen.rendering.core import Renderer

ROOT = Path(__file__).resolve().parent.parent
KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"


@pytest.fixture(scope="session")
def settings() -> RenderSettings:
    return load_settings({})


@pytest.fixture(scope="session")
def renderer(settings: RenderSettings) -> Renderer:
    return Renderer(settings)


def example(renderer: Renderer, kind: str, service: str | None = None) -> dict[str, Any]:
    document_kind = get_kind(kind)
    return document_kind.example(document_kind.service(renderer.catalog, service))


def pdf_text(pdf: bytes) -> str:
    """All text a reader would extract, whitespace collapsed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    """Paragraph and table text of a DOCX, whitespace collapsed."""
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]

    def cells(tables: Any) -> Iterator[str]:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield cell.text
                    yield from cells(cell.tables)

    parts.extend(cells(document.tables))
    return " ".join(" ".join(parts).split())


def decode_qr(pdf: bytes, page: int = -1) -> list[str]:
    """Texts of the QR codes on a PDF page, read from a 200 dpi image of it."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page if page >= 0 else len(document) + page].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]
