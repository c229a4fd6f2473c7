"""The same HTML a PDF is made from, written as a Word document.

Document templates use a small HTML vocabulary (headings, paragraphs with a
few classes, form-row tables, grid tables, two-sided sections, lists). This
module maps it onto real Word structures: named paragraph styles, Word
tables (merged cells for ``colspan``), page breaks between sides, the QR
code as a PNG picture, and the language set on every run, so that DOCX
never drifts from the PDF and no kind needs DOCX code of its own.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable
from typing import Any

import lxml.html
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml.html import HtmlElement

from docgen.rendering.qr import qr_png

__all__ = ["WORD_LANGUAGES", "html_to_docx"]

#: BCP 47 tags Word uses for the document languages.
WORD_LANGUAGES = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}
FONT = "Times New Roman"
_SPACE = re.compile(r"\s+")
_BLOCKS = {"div", "section", "p", "h1", "h2", "h3", "table", "ol", "ul", "li", "figure"}

# style name -> (size pt, bold, italic, alignment, space after pt)
_STYLES: dict[str, tuple[float, bool, bool, Any, float]] = {
    "Docgen Title": (15, True, False, WD_ALIGN_PARAGRAPH.CENTER, 8),
    "Docgen Heading": (12, True, False, WD_ALIGN_PARAGRAPH.CENTER, 6),
    "Docgen Subheading": (11, True, False, None, 4),
    "Docgen Authority": (11, True, False, WD_ALIGN_PARAGRAPH.CENTER, 2),
    "Docgen Hint": (8, False, True, WD_ALIGN_PARAGRAPH.CENTER, 2),
    "Docgen Note": (9, False, False, None, 2),
    "Docgen Subtitle": (11, False, False, WD_ALIGN_PARAGRAPH.CENTER, 6),
    "Docgen Mark": (9, False, True, WD_ALIGN_PARAGRAPH.RIGHT, 2),
    "Docgen Value": (11, False, False, None, 0),
    "Docgen Label": (11, True, False, None, 0),
    "Docgen Verify": (7, False, False, None, 4),
    "Docgen Cell": (9, False, False, None, 0),
}
_CLASS_STYLES = {
    "authority": "Docgen Authority",
    "subtitle": "Docgen Subtitle",
    "duplicate-mark": "Docgen Heading",
    "copy-mark-title": "Docgen Heading",
    "copy-mark-note": "Docgen Hint",
    "hint": "Docgen Hint",
    "note": "Docgen Note",
    "form-mark": "Docgen Mark",
    "side-mark": "Docgen Mark",
    "value": "Docgen Value",
    "verify": "Docgen Verify",
    "equivalence": "Docgen Note",
}
_TAG_STYLES = {"h1": "Docgen Title", "h2": "Docgen Heading", "h3": "Docgen Subheading"}


def html_to_docx(html: str) -> bytes:
    """Convert a rendered document page to DOCX bytes."""
    root = lxml.html.document_fromstring(html)
    lang = root.get("lang", "ru")
    document = Document(io.BytesIO(_template()))
    _set_lang(document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rPr")), lang)
    document.core_properties.title = root.findtext(".//title") or ""
    document.core_properties.language = WORD_LANGUAGES.get(lang, lang)
    writer = _Writer(document)
    body = root.find("body")
    writer.blocks(body if body is not None else root, document, lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_lang(rpr: Any, lang: str) -> None:
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    element.set(qn("w:val"), WORD_LANGUAGES.get(lang, lang))


@functools.cache
def _template() -> bytes:
    """An empty A4 document with docgen's styles, built once per process."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    section.left_margin, section.right_margin = Mm(20), Mm(16)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    for name, (size, bold, italic, align, after) in _STYLES.items():
        style = document.styles.add_style(name, 1)  # 1 = paragraph style
        style.base_style = normal
        style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
        style.paragraph_format.space_after = Pt(after)
        if align is not None:
            style.paragraph_format.alignment = align
    document.styles["Docgen Verify"].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None or defaults.find(".//" + qn("w:rPr")) is None:
        raise RuntimeError("python-docx default template has no run defaults")
    document.core_properties.author = "docgen"
    document.core_properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def _style_ids() -> dict[str, str]:
    """Style name -> id, so paragraphs get their style without a name search."""
    document = Document(io.BytesIO(_template()))
    return {name: document.styles[name].style_id for name in [*_STYLES, "Table Grid"]}


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _has_blocks(element: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)


class _Writer:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.sides = 0

    # -- blocks -----------------------------------------------------------
    def blocks(self, element: HtmlElement, container: Any, lang: str) -> None:
        """Write the children of ``element`` into ``container`` (document or cell)."""
        if element.text and element.text.strip():
            self.paragraph(container, [], lang, text=element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.block(child, container, child.get("lang", lang))
            if child.tail and child.tail.strip():
                self.paragraph(container, [], lang, text=child.tail)

    def block(self, element: HtmlElement, container: Any, lang: str) -> None:
        tag, classes = element.tag, _classes(element)
        if tag in ("svg", "style", "script", "head", "title", "meta"):
            return
        if element.get("data-qr"):
            self.picture(container, element.get("data-qr"))
        if (tag == "section" and "side" in classes) or "stacked" in classes:
            self.sides += 1
            if self.sides > 1 and not (tag == "div" and element.find(".//section") is not None):
                container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.blocks(element, container, lang)
        elif tag == "table":
            self.table(element, container, lang)
        elif tag in ("ol", "ul"):
            for number, item in enumerate(element.findall("li"), start=1):
                prefix = f"{number}. " if tag == "ol" and "choices" not in classes else ""
                self.paragraph(container, [item], lang, prefix=prefix, indent=True)
        elif tag == "div" and "value" not in classes and not element.text_content().strip():
            return
        elif tag in _TAG_STYLES or tag == "p" or (tag in ("div", "li") and not _has_blocks(element)):
            style = _TAG_STYLES.get(tag) or next(
                (_CLASS_STYLES[name] for name in classes if name in _CLASS_STYLES), None
            )
            paragraph = self.paragraph(container, [element], lang, style=style)
            if "value" in classes:
                _bottom_border(paragraph)
            if "center" in classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if "right" in classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if tag == "h1":
                for run in paragraph.runs:
                    run.text = run.text.upper()
        else:
            self.blocks(element, container, lang)

    def paragraph(
        self,
        container: Any,
        elements: Iterable[HtmlElement],
        lang: str,
        style: str | None = None,
        text: str | None = None,
        prefix: str = "",
        indent: bool = False,
    ) -> Any:
        paragraph = container.add_paragraph()
        if style:
            paragraph._p.style = _style_ids()[style]
        if indent:
            paragraph.paragraph_format.left_indent = Mm(6)
        state = {"start": True}
        if prefix:
            self.run(paragraph, prefix, lang, False, False, state)
        if text is not None:
            self.run(paragraph, text, lang, False, False, state)
        for element in elements:
            self.inline(paragraph, element, lang, False, False, state, own=True)
        return paragraph

    # -- inline -------------------------------------------------------------
    def inline(
        self,
        paragraph: Any,
        element: HtmlElement,
        lang: str,
        bold: bool,
        italic: bool,
        state: dict[str, bool],
        own: bool = False,
    ) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in ("svg", "style", "script"):
            return
        lang = element.get("lang", lang)
        bold = bold or tag in ("strong", "b", "th")
        italic = italic or tag in ("em", "i")
        if tag == "br":
            paragraph.add_run().add_break()
            state["start"] = True
        else:
            self.run(paragraph, element.text, lang, bold, italic, state)
            for child in element:
                self.inline(paragraph, child, lang, bold, italic, state)
                if child.tail:
                    self.run(paragraph, child.tail, lang, bold, italic, state)
        if not own and element.tail is None:
            return

    def run(
        self, paragraph: Any, text: str | None, lang: str, bold: bool, italic: bool, state: dict[str, bool]
    ) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if state["start"]:
            text = text.lstrip()
        if not text:
            return
        state["start"] = False
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        _set_lang(run._r.get_or_add_rPr(), lang)

    # -- tables and pictures ------------------------------------------------
    def table(self, element: HtmlElement, container: Any, lang: str) -> None:
        rows = element.findall(".//tr")
        rows = [row for row in rows if _nearest_table(row) is element]
        if not rows:
            return
        width = max(
            sum(int(cell.get("colspan", 1)) for cell in row if cell.tag in ("td", "th")) for row in rows
        )
        table = container.add_table(rows=len(rows), cols=width)
        classes = _classes(element)
        if "grid" in classes:
            table._tbl.tblStyle_val = _style_ids()["Table Grid"]
            _fit_columns(table, rows, width)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for y, row in enumerate(rows):
            x = 0
            for cell_element in row:
                if cell_element.tag not in ("td", "th"):
                    continue
                span = int(cell_element.get("colspan", 1))
                cell = table.cell(y, x)
                if span > 1:
                    cell = cell.merge(table.cell(y, x + span - 1))
                x += span
                self.cell(cell, cell_element, cell_element.get("lang", lang), classes)
        if "fields" in classes:
            for row in table.rows:
                row.cells[0].width = Mm(62)
                if len(row.cells) > 1:
                    row.cells[-1].width = Mm(112)
        if "seal" in classes:
            for row in table.rows:
                for cell, width in zip(row.cells, (Mm(32), Mm(142)), strict=False):
                    cell.width = width
        if "signature" in classes:
            for row in table.rows:
                if len(row.cells) == 3:
                    for cell, width in zip(row.cells, (Mm(78), Mm(40), Mm(56)), strict=True):
                        cell.width = width
                    _bottom_border(row.cells[1].paragraphs[0])

    def cell(self, cell: Any, element: HtmlElement, lang: str, table_classes: set[str]) -> None:
        first = cell.paragraphs[0]
        if _has_blocks(element):
            self.blocks(element, cell, lang)
            if not first.text and len(cell.paragraphs) > 1:
                first._p.getparent().remove(first._p)
            return
        state = {"start": True}
        self.inline(first, element, lang, False, False, state, own=True)
        if element.tag == "th" and "fields" in table_classes:
            first._p.style = _style_ids()["Docgen Label"]
        if "grid" in table_classes:
            first._p.style = _style_ids()["Docgen Cell"]
            if element.tag == "th" or "num" in _classes(element):
                first.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def picture(self, container: Any, url: str) -> None:
        paragraph = container.add_paragraph()
        paragraph.add_run().add_picture(io.BytesIO(qr_png(url)), width=Mm(28))


def _fit_columns(table: Any, rows: list[HtmlElement], width: int, total_mm: float = 174) -> None:
    """Column widths by content, as a browser's auto layout would roughly do.

    A column's weight is its longest word (it cannot be narrower) and a share
    of its text length; narrow № columns stay narrow.
    """
    weights = [0.0] * width
    for row in rows:
        x = 0
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            span = int(cell.get("colspan", 1))
            if span == 1:
                text = " ".join(cell.text_content().split())
                longest = max((len(word) for word in text.split()), default=1)
                weights[x] = max(weights[x], longest + min(len(text), 40) / 4)
            x += span
    weights = [max(weight, 4.0) for weight in weights]
    scale = total_mm / sum(weights)
    table.autofit = False
    for index, column in enumerate(list(table.columns)[:width]):
        column.width = Mm(weights[index] * scale)  # the grid LibreOffice reads
    for row in table.rows:
        for index, cell in enumerate(row.cells[:width]):
            cell.width = Mm(weights[index] * scale)


def _nearest_table(element: HtmlElement) -> HtmlElement | None:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _bottom_border(paragraph: Any) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
