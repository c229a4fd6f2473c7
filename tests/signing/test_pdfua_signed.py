"""A PDF/UA-1 license stays accessible once signed: the rules of ISO 14289-1 that signing touches.

The QR figure has alternative text (7.3: every ``/Figure`` has ``/Alt``); the signature box is an
annotation inside the structure tree (7.18.1: a ``/Form`` element holding an ``OBJR`` to the widget,
found again through the parent tree by the widget's ``/StructParent``), with a description
(``/Contents``, ``/TU``); the page orders annotations by structure (``/Tabs /S``); the document still
says it is tagged (``/MarkInfo``) and PDF/UA (``pdfuaid`` in XMP). Read back with pypdf, a reader
independent of the pyHanko that signed.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from docgen.adapters.signing import ProviderSigners
from docgen.config import SigningSettings, load_settings
from docgen.rendering.core import Renderer
from docgen.rendering.qr import qr_alt_text
from docgen.signing.pades import SIGNATURE_DESCRIPTION
from docgen.signing.pki import LocalPki
from docgen.signing.verify import verify_pdf
from tests.conftest import example

PROVIDER = "mtc-communications-committee"


@pytest.fixture(scope="module")
def ua_renderer() -> Renderer:
    return Renderer(load_settings({"DOCGEN_PDF_VARIANT": "pdf/ua-1"}))


@pytest.fixture(scope="module", params=["kk", "ru"])
def signed(request: pytest.FixtureRequest, ua_renderer: Renderer, pki: LocalPki) -> bytes:
    unsigned = ua_renderer.render("license", example(ua_renderer, "license"), request.param, "pdf")
    settings = SigningSettings(pki_dir=pki.folder, tsa="local", embed_revocation=True)
    return ProviderSigners(settings, ua_renderer).sign(PROVIDER, unsigned)


def elements(node: Any) -> list[DictionaryObject]:
    """Every structure element under ``node`` (depth first)."""
    node = node.get_object()
    found: list[DictionaryObject] = []
    if isinstance(node, ArrayObject):
        for item in node:
            found.extend(elements(item))
    elif isinstance(node, DictionaryObject) and node.get("/Type") != "/OBJR" and "/S" in node:
        found.append(node)
        if "/K" in node:
            found.extend(elements(node["/K"]))
    return found


def number_tree(node: DictionaryObject) -> dict[int, Any]:
    entries: dict[int, Any] = {}
    nums = node.get("/Nums", ArrayObject())
    for index in range(0, len(nums), 2):
        entries[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", ArrayObject()):
        entries.update(number_tree(kid.get_object()))
    return entries


def signature_widget(reader: PdfReader) -> tuple[IndirectObject, DictionaryObject]:
    for page in reader.pages:
        for reference in page.get("/Annots", ArrayObject()):
            annotation = reference.get_object()
            if annotation.get("/FT") == "/Sig" and annotation.get("/Subtype") == "/Widget":
                return reference, annotation
    raise AssertionError("no signature widget on any page")


def test_every_figure_has_alternative_text_and_the_qr_code_names_its_address(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    figures = [
        item for item in elements(reader.trailer["/Root"]["/StructTreeRoot"]["/K"]) if item["/S"] == "/Figure"
    ]
    assert figures, "the QR code is a tagged figure"
    assert all(str(item.get("/Alt", "")).strip() for item in figures), [item.get("/Alt") for item in figures]
    qr = [str(item["/Alt"]) for item in figures if "QR" in str(item["/Alt"])]
    assert len(qr) == 1 and "/verify/" in qr[0]
    url = qr[0].split(": ", 1)[1]
    assert qr[0] == qr_alt_text(url)
    assert "тексеруге" in qr[0] and "проверки" in qr[0], "in Kazakh and Russian"


def test_the_signature_widget_is_in_the_structure_tree_with_a_description(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    reference, widget = signature_widget(reader)
    description = str(widget["/Contents"])
    assert description.startswith(SIGNATURE_DESCRIPTION) and "Әбенов Қайрат Үсенұлы" in description
    assert str(widget["/TU"]) == description

    key = int(widget["/StructParent"])
    parents = number_tree(tree["/ParentTree"])
    assert int(tree["/ParentTreeNextKey"]) > max(parents)
    form = parents[key].get_object()
    assert form["/S"] == "/Form" and str(form["/Alt"]) == description
    (objr,) = [item.get_object() for item in form["/K"]]
    assert objr["/Type"] == "/OBJR" and objr.raw_get("/Obj").idnum == reference.idnum
    # reachable from the root element, so assistive technology meets it in reading order
    reachable = {item.indirect_reference.idnum for item in elements(tree["/K"]) if item.indirect_reference}
    assert parents[key].idnum in reachable
    page = widget["/P"].get_object()
    assert page["/Tabs"] == "/S"
    assert objr.raw_get("/Pg").idnum == page.indirect_reference.idnum


def test_the_document_stays_tagged_pdf_ua_and_its_signature_verifies(signed: bytes, pki: LocalPki) -> None:
    reader = PdfReader(io.BytesIO(signed))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfuaid:part(="1"|>1</pdfuaid:part>)', xmp), xmp
    result = verify_pdf(signed, pki.folder, provider=PROVIDER)
    assert result.ok, result.reasons
    assert result.signatures[0].timestamped


def test_an_untagged_document_is_signed_as_before(pki: LocalPki, renderer: Renderer) -> None:
    unsigned = renderer.render("license", example(renderer, "license"), "kk", "pdf")
    signed = ProviderSigners(SigningSettings(pki_dir=pki.folder), renderer).sign(PROVIDER, unsigned)
    reader = PdfReader(io.BytesIO(signed))
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    _, widget = signature_widget(reader)
    assert "/StructParent" not in widget
    assert verify_pdf(signed, pki.folder, provider=PROVIDER).ok
