"""The public verification page behind a document's QR code, the look-up by number and IIN/BIN, and
the check of an uploaded PDF: over a real installation where one license was issued."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docgen.bootstrap import Application
from docgen.rendering.qr import verification_url


@dataclass
class Issued:
    application: Application
    web: Flask
    number: str
    holder: str
    qr: str
    pdf: bytes
    clerk: str


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    from docgen.bootstrap import fresh_instance
    from docgen.demo_requests import _Carrier
    from docgen.web import create_app

    application = fresh_instance(tmp_path_factory.mktemp("verify"))
    carrier = _Carrier(application, application.settings.signing.pki_dir)
    service = next(iter(application.catalog))
    request = carrier.file("verify", service.code, next(iter(service.actions)))
    if request.channel == "portal":
        carrier.attach_first(request)
    carrier.done(carrier.issue(carrier.registered(request)))
    number = request.documents[0][1]
    with application.requests.uow(write=False) as uow:
        document = uow.documents.by_number(number)
        assert document is not None
    qr = verification_url("", number, document.data)
    yield Issued(
        application,
        create_app(application, testing=True),
        number,
        document.holder,
        qr,
        document.pdf,
        f"clerk-{service.provider_code}",
    )
    application.engine.dispose()


def client(issued: Issued, lang: str = "ru") -> FlaskClient:
    """A fresh visitor (its own rate-limit count is the app's: a new app per test would be slow)."""
    from docgen.web.security import limiter

    limiter.reset()
    visitor = issued.web.test_client()
    visitor.get(f"/language/{lang}")
    return visitor


def test_a_genuine_documents_qr_code_says_it_matches_and_is_active(issued: Issued) -> None:
    page = client(issued).get(issued.qr)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "QR-код соответствует документу" in text
    assert "Действует" in text
    assert issued.number in text
    assert "Сарыарқа Археология" in text  # the holder's name, as the license prints it
    assert issued.holder not in text  # the IIN/BIN the verification does not reveal


def test_a_suspended_license_says_so_on_its_qr_page(issued: Issued) -> None:
    documents = issued.application.documents
    clerk = issued.application.users.acting_as(issued.clerk)
    documents.set_status(clerk, issued.number, "suspended", "Проверка / Тексеру")
    try:
        text = client(issued).get(issued.qr).get_data(as_text=True)
        assert "Приостановлено" in text
        assert "Действует" not in text
        text = client(issued, "kk").get(issued.qr).get_data(as_text=True)
        assert "Тоқтатыла тұрған" in text
    finally:
        documents.set_status(clerk, issued.number, "active", "Проверка завершена / Тексеру аяқталды")
    assert "Действует" in client(issued).get(issued.qr).get_data(as_text=True)


def test_a_forged_qr_code_with_a_wrong_fingerprint_does_not_match_and_reveals_nothing(issued: Issued) -> None:
    forged = issued.qr.split("?h=")[0] + "?h=" + "0" * 64
    page = client(issued).get(forged)
    text = page.get_data(as_text=True)
    assert "QR-код не соответствует документу" in text
    assert "Сарыарқа Археология" not in text
    assert "Действует" not in text


def test_an_unknown_number_is_a_404_page_in_both_languages(issued: Issued) -> None:
    page = client(issued).get("/verify/LIC-NONE-2026-999999?h=" + "0" * 64)
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "Не найдено" in text and "Табылмады" in text
    assert 'lang="kk"' in text


def test_the_look_up_by_number_and_iin_bin_finds_only_the_holders_document(issued: Issued) -> None:
    visitor = client(issued)
    found = visitor.get("/verify", query_string={"number": issued.number, "holder": issued.holder})
    assert found.status_code == 200
    assert "Действует" in found.get_data(as_text=True)
    other = visitor.get("/verify", query_string={"number": issued.number, "holder": "990101300123"})
    assert other.status_code == 404
    assert "Сарыарқа Археология" not in other.get_data(as_text=True)


def _upload(visitor: FlaskClient, number: str, content: bytes) -> str:
    import io
    import re

    form = visitor.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    answer = visitor.post(
        "/verify/file",
        data={
            "number": number,
            "document": (io.BytesIO(content), "document.pdf"),
            "csrf_token": token.group(1),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_an_uploaded_genuine_pdf_is_the_issued_document_and_its_signatures_validate(issued: Issued) -> None:
    text = _upload(client(issued), issued.number, issued.pdf)
    assert "Этот файл в точности документ" in text
    assert "Все электронные подписи файла действительны" in text


def test_an_uploaded_altered_pdf_is_not_the_issued_document(issued: Issued) -> None:
    altered = (
        issued.pdf.replace(b"/Producer", b"/Producex", 1)
        if b"/Producer" in issued.pdf
        else issued.pdf + b"\n%"
    )
    text = _upload(client(issued), issued.number, altered)
    assert "Этот файл не является документом" in text
    assert "Сарыарқа Археология" not in text
