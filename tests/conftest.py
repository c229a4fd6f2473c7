"""Shared fixtures: one renderer for the session, and ways to read output back."""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from docgen.adapters.db.engine import make_engine
from docgen.adapters.db.migrate import upgrade
from docgen.config import RenderSettings, load_settings
from docgen.documents import get_kind
from docgen.rendering.core import Renderer

#: The five regulations the forms are taken from, kept in the repository (copied from the
#: workplace's ``shared/seeds``) so that the tests quoting them run on any clone.
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

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


# -- databases: a SQLite file always; PostgreSQL when DOCGEN_TEST_POSTGRES_URL is set ------------
POSTGRES = os.environ.get("DOCGEN_TEST_POSTGRES_URL")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES, reason="DOCGEN_TEST_POSTGRES_URL not set"),
        ],
    ),
]


@contextlib.contextmanager
def temporary_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of ``kind`` (a SQLite file, or a fresh PostgreSQL schema)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'docgen.sqlite3'}"
        return
    assert POSTGRES
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with temporary_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A development PKI for the session: root, a signer per provider, demo applicants, TSA, CRL."""
    from docgen.config import PROJECT_ROOT
    from docgen.domain.catalog import Catalog
    from docgen.signing.pki import init_demo

    return init_demo(tmp_path_factory.mktemp("pki"), Catalog.load(PROJECT_ROOT / "forms").providers())
