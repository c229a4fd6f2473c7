"""Every kind renders, and what comes out reads back as the data put in."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from docgen.documents import KINDS, get_kind
from docgen.errors import MissingField
from docgen.rendering.core import Renderer
from tests.conftest import KAZAKH_LETTERS, decode_qr, docx_text, example, pdf_text

QR_KINDS = [name for name in KINDS if get_kind(name).has_qr]
_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _strings(value: Any, lang: str) -> list[str]:
    """The values of ``value`` a reader of the ``lang`` document should find."""
    if isinstance(value, dict):
        if set(value) == {"kk", "ru"}:
            return [value[lang]]
        return [text for item in value.values() for text in _strings(item, lang)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item, lang)]
    if isinstance(value, str) and not _CODE.match(value) and not _ISO_DATE.match(value):
        return [value]
    return []


def _other_language(value: Any, lang: str) -> list[str]:
    other = "ru" if lang == "kk" else "kk"
    return [text for text in _strings(value, other) if text not in _strings(value, lang)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u00ad", "")


def _readable(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs(renderer: Renderer) -> dict[tuple[str, str], bytes]:
    return {
        (kind, lang): renderer.render(kind, example(renderer, kind), lang, "pdf")
        for kind in KINDS
        for lang in ("kk", "ru")
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pdf_text_holds_the_data_in_the_documents_language(
    renderer: Renderer, pdfs: dict[tuple[str, str], bytes], kind: str, lang: str
) -> None:
    data = example(renderer, kind)
    if get_kind(kind).per_service:
        data = get_kind(kind).present(data, lang, renderer.catalog.get(data["service"]))
        data = {key: value for key, value in data.items() if key not in ("service_rows", "attachment_rows")}
    text = _squash(pdf_text(pdfs[kind, lang]))
    wanted = _strings(data, lang)
    assert wanted, "the example has values to look for"
    missing = [value for value in wanted if _squash(value) not in text]
    assert missing == []
    leaked = [value for value in _other_language(data, lang) if len(value) > 12 and _squash(value) in text]
    assert leaked == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_docx_text_holds_the_same_values(renderer: Renderer, kind: str, lang: str) -> None:
    data = example(renderer, kind)
    content = renderer.render(kind, data, lang, "docx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert f'w:val="{ {"kk": "kk-KZ", "ru": "ru-RU"}[lang] }"' in xml, "language set on the runs"
    if get_kind(kind).per_service:
        data = {key: value for key, value in data.items() if key not in ("fields", "attachments")}
    text = _squash(docx_text(content))
    missing = [value for value in _strings(data, lang) if _squash(value) not in text]
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_html_is_a_standalone_page_in_the_right_language(renderer: Renderer, kind: str, lang: str) -> None:
    html = renderer.render(kind, example(renderer, kind), lang, "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    assert "<style>" in html


def test_license_renders_in_both_languages_on_one_document(renderer: Renderer) -> None:
    data = example(renderer, "license")
    pdf = renderer.render("license", data, "kk+ru", "pdf")
    text = _squash(pdf_text(pdf))
    for value in (data["activity"]["kk"], data["activity"]["ru"], "Лицензияныңнөмірі", "Номерлицензии"):
        assert _squash(value) in text
    assert decode_qr(pdf) == [renderer.prepare("license", data, "kk+ru").verify_url]
    docx = _squash(docx_text(renderer.render("license", data, "kk+ru", "docx")))
    assert _squash(data["activity"]["kk"]) in docx and _squash(data["activity"]["ru"]) in docx


@pytest.mark.parametrize("kind", QR_KINDS)
def test_qr_code_decodes_to_the_verification_address(
    renderer: Renderer, pdfs: dict[tuple[str, str], bytes], kind: str
) -> None:
    data = example(renderer, kind)
    url = renderer.prepare(kind, data, "kk").verify_url
    assert url is not None and url.startswith(f"{renderer.settings.base_url}/verify/")
    assert re.search(r"\?h=[0-9a-f]{32}$", url)
    assert decode_qr(pdfs[kind, "kk"]) == [url]


def test_every_kazakh_letter_survives_pdf_and_docx(renderer: Renderer) -> None:
    data = example(renderer, "license")
    data["activity"]["kk"] = f"Әріптер: {KAZAKH_LETTERS}"
    assert KAZAKH_LETTERS in _readable(pdf_text(renderer.render("license", data, "kk", "pdf")))
    assert KAZAKH_LETTERS in docx_text(renderer.render("license", data, "kk", "docx"))


def test_fonts_are_embedded_and_the_language_is_set(pdfs: dict[tuple[str, str], bytes]) -> None:
    from pypdf import PdfReader

    for (kind, lang), pdf in pdfs.items():
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.trailer["/Root"]["/Lang"] == lang, kind
        fonts = {}
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = (
                    font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                )
                fonts[str(font["/BaseFont"])] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
        assert fonts and all(fonts.values()), (kind, fonts)
        # Only the shipped Liberation Serif faces ("Docgen Serif"): no system fallback font.
        assert all("+Docgen-Serif" in name for name in fonts), fonts


def test_pdf_a3b_on_request(settings: Any) -> None:
    from dataclasses import replace

    renderer = Renderer(replace(settings, pdf_variant="pdf/a-3b"))
    pdf = renderer.render("license", example(renderer, "license"), "ru", "pdf")
    from pypdf import PdfReader

    xmp = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp), xmp
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp


def test_a_missing_field_names_the_field_and_the_kind(renderer: Renderer) -> None:
    data = example(renderer, "license")
    del data["licensor"]["head"]
    with pytest.raises(MissingField) as caught:
        renderer.render("license", data, "kk", "pdf")
    assert caught.value.field == "licensor.head"
    assert caught.value.message("kk") == "license: «licensor.head» өрісі: міндетті өріс толтырылмаған"
    assert caught.value.message("ru") == "license: поле «licensor.head»: не заполнено обязательное поле"


@pytest.mark.parametrize("kind", QR_KINDS)
def test_docx_carries_the_same_qr_code_as_a_picture(renderer: Renderer, kind: str) -> None:
    import zxingcpp
    from PIL import Image

    data = example(renderer, kind)
    with zipfile.ZipFile(io.BytesIO(renderer.render(kind, data, "ru", "docx"))) as archive:
        pictures = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(pictures) == 1
        image = Image.open(io.BytesIO(archive.read(pictures[0])))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [
        renderer.prepare(kind, data, "ru").verify_url
    ]


def test_html_draws_the_qr_code_as_vector_svg(renderer: Renderer) -> None:
    html = renderer.render("license", example(renderer, "license"), "kk", "html").decode()
    assert html.count("<svg") == 1 and "<path" in html
    assert "<img" not in html
