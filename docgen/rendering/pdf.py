"""HTML to PDF with WeasyPrint, with everything costly done once.

The font configuration and the parsed stylesheet are built when the engine
is made and reused for every document: per document only the HTML is parsed
and laid out. All reads go through :class:`AssetFetcher`.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from docgen.rendering.fetcher import AssetFetcher

__all__ = ["PdfEngine", "harfbuzz_subset_available"]

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
    """Lays out HTML and writes PDF bytes."""

    def __init__(self, assets_dir: Path, stylesheet: str = "document.css") -> None:
        weasyprint, FontConfiguration = _import_weasyprint()
        _warn_once_without_harfbuzz()
        self._weasyprint = weasyprint
        self.fetcher = AssetFetcher(assets_dir)
        self.base_url = assets_dir.resolve().as_uri() + "/"
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            filename=str(assets_dir / stylesheet),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def write(self, html: str, variant: str | None = None) -> bytes:
        """Render ``html`` (a full page) to PDF; ``variant`` e.g. ``pdf/a-3b``."""
        document = self._weasyprint.HTML(
            string=html, base_url=self.base_url, url_fetcher=self.fetcher
        ).render(stylesheets=[self.stylesheet], font_config=self.font_config)
        pdf = document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
        assert isinstance(pdf, bytes)
        return pdf
