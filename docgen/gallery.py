"""Every kind in every language and format, from the examples, with previews.

The gallery is the system's main demonstration and its broadest smoke test:
``docgen gallery --out DIR`` writes ``DIR/<format>/<name>.<format>`` and a
PNG of every PDF page under ``DIR/png/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.documents import KINDS, get_kind
from docgen.output import write_atomic
from docgen.rendering.core import FORMATS, Renderer

__all__ = ["GalleryItem", "build_gallery", "gallery_items", "pdf_to_pngs"]

#: Kinds also shown with both languages on one document.
BILINGUAL_KINDS = ("license",)


@dataclass(frozen=True)
class GalleryItem:
    kind: str
    lang: str
    service: str | None

    @property
    def name(self) -> str:
        parts = [self.kind, self.service, self.lang]
        return "-".join(part for part in parts if part)


def gallery_items(renderer: Renderer) -> Iterator[GalleryItem]:
    for kind_name in KINDS:
        kind = get_kind(kind_name)
        services = renderer.catalog.codes() if kind.per_service else [None]
        langs = ["kk", "ru", *(["kk+ru"] if kind_name in BILINGUAL_KINDS else [])]
        for service in services:
            for lang in langs:
                yield GalleryItem(kind_name, lang, service)


def pdf_to_pngs(pdf: bytes, dpi: int = 80) -> list[bytes]:
    """PNG images of each page (pdfium), for previews."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dpi / 72)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", optimize=True)
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()


def build_gallery(
    renderer: Renderer,
    out: Path,
    formats: tuple[str, ...] = FORMATS,
    dpi: int = 80,
    progress: Callable[[GalleryItem], None] | None = None,
) -> list[Path]:
    """Render the gallery into ``out``; return the files written."""
    written: list[Path] = []
    for item in gallery_items(renderer):
        kind = get_kind(item.kind)
        data = kind.example(kind.service(renderer.catalog, item.service))
        for fmt in formats:
            content = renderer.render(item.kind, data, item.lang, fmt, item.service)
            path = out / fmt / f"{item.name}.{fmt}"
            write_atomic(path, content)
            written.append(path)
            if fmt == "pdf" and dpi > 0:
                for page, png in enumerate(pdf_to_pngs(content, dpi), start=1):
                    png_path = out / "png" / f"{item.name}-p{page}.png"
                    write_atomic(png_path, png)
                    written.append(png_path)
        if progress:
            progress(item)
    return written
