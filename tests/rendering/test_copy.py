"""A copy (anything given out other than the signed original) says so on its first page.

The mark is a render option, not data: the data, its hash and the QR code
stay exactly those of the original.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from docgen.rendering.core import Renderer
from tests.conftest import ROOT, decode_qr, docx_text, example, pdf_text

MARKS = {
    "kk": ("КӨШІРМЕ", "Түпнұсқа — ЭЦҚ-мен қол қойылған электрондық құжат"),
    "ru": ("КОПИЯ", "Подлинник — электронный документ, подписанный ЭЦП"),
}
KINDS = ("license", "refusal")
LANGS = ("kk", "ru", "kk+ru")

_cache: dict[tuple[str, str, str, bool], bytes] = {}


def _render(renderer: Renderer, kind: str, lang: str, fmt: str, copy: bool) -> bytes:
    key = (kind, lang, fmt, copy)
    if key not in _cache:
        _cache[key] = renderer.render(kind, example(renderer, kind), lang, fmt, copy=copy)
    return _cache[key]


def _assert_marked(text: str, lang: str, copy: bool) -> None:
    for mark_lang, (title, line) in MARKS.items():
        expected = copy and mark_lang in lang.split("+")
        assert (title in text) is expected, (mark_lang, title)
        assert (line in text) is expected, (mark_lang, line)


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "original"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_is_marked_as_a_copy_only_when_asked(
    renderer: Renderer, kind: str, lang: str, copy: bool
) -> None:
    text = pdf_text(_render(renderer, kind, lang, "pdf", copy))
    _assert_marked(text, lang, copy)
    if copy:  # at the top: before the document's own title
        title = {"license": "ЛИЦЕНЗИЯ", "refusal": "ОТКАЗ" if lang == "ru" else "БАС ТАРТУ"}[kind]
        first = MARKS[lang.split("+")[0]][0]
        assert text.index(first) < text.index(title)


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "original"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_docx_is_marked_as_a_copy_only_when_asked(
    renderer: Renderer, kind: str, lang: str, copy: bool
) -> None:
    _assert_marked(docx_text(_render(renderer, kind, lang, "docx", copy)), lang, copy)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_html_is_marked_as_a_copy(renderer: Renderer, lang: str) -> None:
    html = _render(renderer, "license", lang, "html", True).decode("utf-8")
    assert 'class="copy-mark"' in html and MARKS[lang][0] in html
    assert 'class="copy-mark"' not in _render(renderer, "license", lang, "html", False).decode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_copy_carries_the_originals_qr_code(renderer: Renderer, kind: str, lang: str) -> None:
    original = decode_qr(_render(renderer, kind, lang, "pdf", False))
    copy = decode_qr(_render(renderer, kind, lang, "pdf", True))
    assert len(original) == 1
    assert copy == original


def test_the_data_is_left_as_it_was(renderer: Renderer) -> None:
    data = example(renderer, "license")
    before = repr(data)
    renderer.render("license", data, "kk", "html", copy=True)
    assert repr(data) == before


@pytest.mark.parametrize("duplicate", [False, True], ids=["license", "duplicate"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_license_copy_still_fits_on_one_page(renderer: Renderer, lang: str, duplicate: bool) -> None:
    import pypdfium2

    data: dict[str, Any] = example(renderer, "license") | ({"duplicate": True} if duplicate else {})
    pdf = renderer.render("license", data, lang, "pdf", copy=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
    finally:
        document.close()


def test_the_kazakh_and_russian_marks_have_the_same_structure() -> None:
    def tags(lang: str) -> list[str]:
        text = (ROOT / "templates" / lang / "_copy.html").read_text(encoding="utf-8")
        return re.findall(r"</?[a-z][^>]*?(?= lang=|>)", text)

    assert tags("kk") == tags("ru")
