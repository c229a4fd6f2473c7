"""A saved HTML document finds its fonts: they are inside it, subset to what kk and ru print."""

from __future__ import annotations

import base64
import io
import re

from docgen.rendering.core import Renderer
from tests.conftest import example


def test_a_standalone_html_document_carries_its_fonts_with_the_kazakh_letters(renderer: Renderer) -> None:
    page = renderer.render("license", example(renderer, "license"), "kk+ru", "html").decode("utf-8")
    assert "url(fonts/" not in page  # nothing a saved file could not find
    fonts = re.findall(r'url\("data:font/ttf;base64,([A-Za-z0-9+/=]+)"\)', page)
    assert len(fonts) == 4  # regular, bold, italic, bold italic
    from fontTools.ttLib import TTFont

    for data in fonts:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        mapped = set(font.getBestCmap())
        assert {ord(letter) for letter in "әғқңөұүһіЁё№«»–"} <= mapped
    assert len(page) < 1_000_000  # subset: a page, not four whole font files
