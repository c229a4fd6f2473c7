"""The verification QR code every issued document carries.

The code encodes ``<base-url>/verify/<number>?h=<fingerprint>`` where the
fingerprint is the first 128 bits (32 hex digits) of the SHA-256 of the
document's data in canonical JSON, so a reader can check that the paper in
hand matches the record. The SVG is one ``<path>`` (cheap for WeasyPrint to
draw, crisp at any size); DOCX gets a PNG of the same matrix.
"""

from __future__ import annotations

import functools
import io
from html import escape
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.constants

from docgen.domain.fingerprint import fingerprint

__all__ = ["fingerprint", "qr_alt_text", "qr_png", "qr_svg", "verification_url"]


def verification_url(base_url: str, number: str, data: Any) -> str:
    """The public address a QR code points to."""
    return f"{base_url.rstrip('/')}/verify/{quote(number, safe='')}?h={fingerprint(data)}"


def qr_alt_text(url: str) -> str:
    """What the code is, for people who cannot see it (bilingual by law, like the footer beside it):
    the alternative text of the QR figure in tagged (PDF/UA) documents."""
    return f"Құжатты тексеруге арналған QR-код / QR-код для проверки документа: {url}"


#: The one data mask every code uses. Choosing the "best" of the eight, as the library does by
#: default, scores each in pure Python: about 7 ms a document, most of the QR code's cost. Any mask
#: decodes (the reader learns it from the format bits); this one, alternate rows inverted, keeps the
#: dark runs of a row as they are, the fewest path segments of the eight for these addresses.
MASK_PATTERN = 1


@functools.lru_cache(maxsize=64)
def _matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The module matrix (no quiet zone); cached so PDF and DOCX share it."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN
    )
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_svg(text: str, size_mm: float = 28.0, *, title: str | None = None) -> str:
    """An inline SVG element drawing ``text`` as a QR code with a quiet zone.

    ``title`` is its alternative text: the SVG's ``<title>``, which WeasyPrint
    writes as the ``/Alt`` of the ``/Figure`` in a tagged PDF, and its
    ``aria-label`` for HTML output.

    Each run of dark modules in a row is one stroked horizontal segment
    (``M x y.5h w``): the shortest path text WeasyPrint has to parse, which
    matters because it parses SVG paths in Python on every document.
    """
    matrix = _matrix(text)
    quiet = 4
    side = len(matrix) + 2 * quiet
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + quiet} {y + quiet}.5h{x - start}")
            else:
                x += 1
    label = f' aria-label="{escape(title)}"' if title else ""
    caption = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img"{label} '
        f'width="{size_mm}mm" height="{size_mm}mm" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges">{caption}<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path stroke="#000" stroke-width="1" fill="none" d="{"".join(runs)}"/></svg>'
    )


def qr_png(text: str, module_px: int = 8) -> bytes:
    """A PNG of the same matrix, for DOCX (black on white, 4-module quiet zone)."""
    from PIL import Image

    matrix = _matrix(text)
    quiet = 4
    side = len(matrix) + 2 * quiet
    image = Image.new("1", (side, side), 1)
    image.putdata([0 if cell else 1 for row in _padded(matrix, quiet) for cell in row])
    image = image.resize((side * module_px, side * module_px), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _padded(matrix: tuple[tuple[bool, ...], ...], quiet: int) -> list[tuple[bool, ...]]:
    blank = (False,) * (len(matrix) + 2 * quiet)
    edge = (False,) * quiet
    return [blank] * quiet + [edge + row + edge for row in matrix] + [blank] * quiet
