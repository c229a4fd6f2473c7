"""The documents' fonts inside standalone HTML, so a saved HTML document finds them.

The stylesheet names its fonts by paths relative to the template assets (``url(fonts/….ttf)``),
which WeasyPrint resolves; a browser opening a saved ``.html`` file cannot. For HTML output each font
is embedded as a ``data:`` URL, subset to the letters Kazakh and Russian documents use (Latin,
Cyrillic with the Kazakh letters, punctuation, №) to keep a page small: a few tens of kilobytes per
face instead of four hundred. Subsetting runs once per font and process.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from pathlib import Path

__all__ = ["UNICODES", "embed_fonts"]

#: What the documents print: Basic Latin and Latin-1, Cyrillic (Kazakh ә ғ қ ң ө ұ ү һ і included),
#: general punctuation (dashes, quotes, ellipsis), № and the degree and prime signs of coordinates.
UNICODES = [
    *range(0x0020, 0x0100),
    *range(0x0400, 0x0530),
    *range(0x2010, 0x2040),
    0x2116,
    0x2032,
    0x2033,
]

_FONT_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<path>fonts/[^)'\"]+\.ttf)(?P=quote)\)")


@functools.cache
def _data_url(path: Path) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return "data:font/ttf;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def embed_fonts(css: str, assets: Path) -> str:
    """``css`` with each ``url(fonts/….ttf)`` replaced by the subset font as a ``data:`` URL."""
    return _FONT_URL.sub(lambda found: f'url("{_data_url(assets / found["path"])}")', css)
