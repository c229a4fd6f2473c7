"""Every service as the workflow issues it: the demo journey (``docgen demo --requests``) over a fresh
SQLite instance, then every document it issued - each action of each service, and a reasoned refusal
per service - read back: no placeholder where a requisite belongs, the provider's own city (and its
address, BIN and telephone where the kind prints them) in kk and in ru, a QR code that leads to the
document's verification address with a fingerprint the registry accepts, a signature that verifies as
the provider's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.signing.verify import verify_pdf
from tests.conftest import decode_qr, pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
#: The provider's requisites each kind prints in its header (the others print its name and city).
REQUISITES = {"refusal": ("address", "bin", "phone"), "media-certificate": ("address", "phone")}
#: What the workflow printed where a value was missing (issue 10): never again.
PLACEHOLDERS = [
    re.compile(r"(?<![\d,.–-])0 МГц"),
    re.compile(r"0°00′00″"),
    re.compile(r"000100000004"),
    re.compile(r"(?:тел\.|БСН|БИН|ЖСН|ИИН)\s*—"),
    re.compile(r"(?:Берілген жері|Место выдачи|Қала|Город|Мекенжайы|Адрес)\s*—"),
    re.compile(r"\{\{|\}\}|None|undefined"),
]


@dataclass(frozen=True)
class Issued:
    service: str
    label: str
    kind: str
    number: str
    pdf: bytes
    text: str
    fingerprint_ok: bool
    qr: list[str]


@dataclass
class Journey:
    app: Any
    pki: Path
    documents: list[Issued]
    labels: dict[str, set[str]]


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    """The demo journey, once for the module, with every document downloaded and read back."""
    from docgen.bootstrap import fresh_instance
    from docgen.demo_requests import make_demo_requests

    app = fresh_instance(tmp_path_factory.mktemp("instance"))
    try:
        made = make_demo_requests(app, app.settings.signing.pki_dir)
        documents = []
        labels: dict[str, set[str]] = {}
        for request in made:
            labels.setdefault(request.service, set()).add(request.label)
            clerk = app.users.acting_as(f"clerk-{CATALOG.get(request.service).provider_code}")
            for kind, number in request.documents:
                pdf = app.documents.download(clerk, number).content
                qr = decode_qr(pdf)
                fingerprint_ok = False
                if len(qr) == 1:
                    h = parse_qs(urlparse(qr[0]).query).get("h", [""])[0]
                    fingerprint_ok = app.documents.check_fingerprint(number, h)["matches"] is True
                documents.append(
                    Issued(
                        request.service, request.label, kind, number, pdf, pdf_text(pdf), fingerprint_ok, qr
                    )
                )
        yield Journey(app, app.settings.signing.pki_dir, documents, labels)
    finally:
        app.engine.dispose()


def _squeezed(text: str) -> str:
    """Without whitespace: a value wrapped across lines ("№ 527-" / "кабинет") still matches."""
    return "".join(text.split())


@pytest.mark.parametrize("code", CATALOG.codes())
def test_every_action_and_a_refusal_were_issued(journey: Journey, code: str) -> None:
    service = CATALOG.get(code)
    issued = {d.label for d in journey.documents if d.service == code}
    assert issued >= {*service.actions, "refusal"}, f"{code}: documents issued for {sorted(issued)}"
    first = [
        d.kind for d in journey.documents if d.service == code and d.label == next(iter(service.actions))
    ]
    assert first == [kind for kind in service.outputs if kind != "refusal"]


@pytest.mark.parametrize("code", CATALOG.codes())
def test_what_the_workflow_issues_reads_as_a_real_document(journey: Journey, code: str) -> None:
    provider = CATALOG.get(code).provider
    assert provider.city is not None
    documents = [d for d in journey.documents if d.service == code]
    assert documents
    for document in documents:
        where = f"{code} {document.label} {document.kind} {document.number}"
        text = document.text
        for placeholder in PLACEHOLDERS:
            found = placeholder.search(text)
            context = text[max(0, found.start() - 80) : found.end() + 40] if found else ""
            assert found is None, f"{where}: placeholder {found and found.group(0)!r} in …{context}…"
        assert provider.city["kk"] in text and provider.city["ru"] in text, (
            f"{where}: not the provider's city"
        )
        assert provider.name["kk"].split()[0] in text and provider.name["ru"].split()[0] in text, where
        squeezed = _squeezed(text)
        for requisite in REQUISITES.get(document.kind, ()):
            value = getattr(provider, requisite)
            assert value, f"{where}: the provider has no {requisite}"
            for shown in value.values() if isinstance(value, dict) else [value]:
                assert _squeezed(shown) in squeezed, f"{where}: {requisite} {shown!r} not printed"


@pytest.mark.parametrize("code", CATALOG.codes())
def test_the_qr_leads_to_the_document_and_the_signature_is_the_providers(journey: Journey, code: str) -> None:
    provider_code = CATALOG.get(code).provider_code
    for document in (d for d in journey.documents if d.service == code):
        where = f"{code} {document.label} {document.kind} {document.number}"
        result = verify_pdf(document.pdf, journey.pki, provider=provider_code)
        assert result.ok, f"{where}: {result}"
        assert len(document.qr) == 1, f"{where}: QR codes on the last page: {document.qr}"
        assert document.fingerprint_ok, f"{where}: the QR's fingerprint is not the stored document's"
        if document.label == "duplicate":
            continue  # test_a_duplicates_qr_leads_to_the_duplicate
        address = urlparse(document.qr[0])
        assert address.path.endswith(f"/verify/{document.number}"), f"{where}: {document.qr[0]}"


DUPLICATED = [service.code for service in CATALOG if "duplicate" in service.actions]


@pytest.mark.parametrize("code", DUPLICATED)
def test_a_duplicates_qr_leads_to_the_duplicate(journey: Journey, code: str) -> None:
    duplicates = [d for d in journey.documents if d.service == code and d.label == "duplicate"]
    assert duplicates
    for duplicate in duplicates:
        address = urlparse(duplicate.qr[0])
        number = address.path.rsplit("/", 1)[-1]
        h = parse_qs(address.query)["h"][0]
        verdict = journey.app.documents.check_fingerprint(number, h)
        assert verdict["matches"] is True, duplicate.qr[0]
        assert verdict["number"] == duplicate.number and verdict["duplicate_of"] == number
