"""HTML to PDF with WeasyPrint, with everything costly done once.

The font configuration and the parsed stylesheet are built when the engine
is made and reused for every document: per document only the HTML is parsed
and laid out. All reads go through :class:`AssetFetcher`.
"""

from __future__ import annotations

import gc
import logging
import warnings
from pathlib import Path
from typing import Any

from docgen.rendering.fetcher import AssetFetcher

__all__ = ["PdfEngine", "harfbuzz_subset_available", "kind_stylesheet", "write_standalone"]

log = logging.getLogger(__name__)


def _import_weasyprint():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        # WeasyPrint warns (DeprecationWarning) when libharfbuzz-subset is
        # missing; we say it ourselves, once and plainly (see below).
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    return weasyprint, FontConfiguration


def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint can subset fonts with HarfBuzz (fast path)."""
    _import_weasyprint()
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


_warned = False


def _warn_once_without_harfbuzz() -> None:
    global _warned
    if not _warned and not harfbuzz_subset_available():
        _warned = True
        log.warning(
            "libharfbuzz-subset0 is not installed: fonts are subset with fontTools, "
            "about 4 times slower (apt-get install libharfbuzz-subset0)"
        )


class PdfEngine:
    """Lays out HTML and writes PDF bytes.

    The shared stylesheet and each kind's own (``kinds/<kind>.css``) are
    parsed once and reused. A kind's rules are applied only to that kind:
    every rule costs selector matching on every element of every document.
    """

    def __init__(self, assets_dir: Path, stylesheet: str = "document.css") -> None:
        weasyprint, FontConfiguration = _import_weasyprint()
        _warn_once_without_harfbuzz()
        self._weasyprint = weasyprint
        self.assets_dir = assets_dir
        self.fetcher = AssetFetcher(assets_dir)
        self.base_url = assets_dir.resolve().as_uri() + "/"
        self.font_config = FontConfiguration()
        self.stylesheet = self._parse(assets_dir / stylesheet)
        self._kind_sheets: dict[str, list[Any]] = {}

    def _parse(self, path: Path) -> Any:
        return self._weasyprint.CSS(
            filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config
        )

    def stylesheets(self, kind: str) -> list[Any]:
        """The shared stylesheet, plus the kind's own when it has one."""
        if kind not in self._kind_sheets:
            own = kind_stylesheet(self.assets_dir, kind)
            self._kind_sheets[kind] = [self.stylesheet, *([self._parse(own)] if own else [])]
        return self._kind_sheets[kind]

    def write(self, html: str, kind: str, variant: str | None = None) -> bytes:
        """Render ``html`` (a full page of ``kind``) to PDF; ``variant`` e.g. ``pdf/a-3b``."""
        page = self._weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        document = page.render(stylesheets=self.stylesheets(kind), font_config=self.font_config)
        pdf = document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
        assert isinstance(pdf, bytes)
        del document, page  # their layout tree's cycles are garbage, not to be frozen with the rest
        _freeze_once()
        return pdf


_frozen = False


def _freeze_once() -> None:
    """After the process's first PDF, move everything then alive out of the cyclic collector's reach.

    Laying out a page makes many reference cycles (boxes and their parents), so the collector runs
    during every document, and each full collection walked every object the process holds for
    good: fonts, parsed stylesheets, compiled templates, the catalog, the signers. Frozen
    (``gc.freeze``), they are no longer walked: 2-4 ms of a kk+ru license's ~65 (CPU time) in a
    process holding only the renderer, more in one holding more. Garbage is collected first, and
    what is frozen is still freed by reference counting.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def write_standalone(engine: PdfEngine, html: str) -> bytes:
    """A page styled only by its own ``<style>`` (the signature stamp), through the same fetcher."""
    page = engine._weasyprint.HTML(string=html, base_url=engine.base_url, url_fetcher=engine.fetcher)
    pdf = page.render(font_config=engine.font_config).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def kind_stylesheet(assets_dir: Path, kind: str) -> Path | None:
    """``assets/kinds/<kind>.css`` when the kind has rules of its own."""
    path = assets_dir / "kinds" / f"{kind}.css"
    return path if path.is_file() else None
