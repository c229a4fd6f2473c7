"""The journeys of issue 11 in headless Chromium against the real server: an applicant files a telecom
license in Kazakh, pays in the sandbox, signs with an uploaded ``.p7s`` and downloads the license the
clerk issued; the same in Russian ending in a reasoned refusal; a centre operator files a foreign-media
registration for a walk-in applicant; the QR code of the issued license opens its verification page,
which tells "in force" until the clerk suspends the license, then "suspended"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Browser, Server
from tests.browser.journeys import (
    DALA,
    MEDIA,
    SCAN,
    TELECOM,
    Issued,
    attach,
    carry_to_registered,
    clerk_of,
    documents,
    file_form,
    issued_number,
    message,
    sign,
    verification_url,
)
from tests.conftest import pdf_text

__all__ = [
    "DALA",
    "MEDIA",
    "SCAN",
    "TELECOM",
    "attach",
    "file_form",
    "message",
]  # the other browser tests' steps

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_applicant_files_a_telecom_license_in_kazakh_pays_signs_and_downloads_it(issued: Issued) -> None:
    assert issued.pdf.startswith(b"%PDF-")
    assert issued.number in pdf_text(issued.pdf).replace(" ", "")


def test_applicant_in_russian_is_refused_and_downloads_the_reasoned_refusal(
    web: Browser, server: Server, examples: Any, tmp_path: Path
) -> None:
    web.sign_in(DALA)
    assert web.lang() == "ru"
    rid = carry_to_registered(web, examples, server, tmp_path)
    assert "Зарегистрировано" in web.text("dl.facts")
    web.sign_out()

    web.sign_in(clerk_of(examples, TELECOM))
    web.click(f"a[href$='/clerk/requests/{rid}']")
    grounds = web.all("input[name='ground']")
    assert grounds, "the regulation's grounds of refusal"
    grounds[0].click()
    web.fill("explanation_kk", "Өтініште көрсетілген БСН тізілімдегі деректерге сәйкес келмейді.")
    web.fill("explanation_ru", "БИН, указанный в заявлении, не совпадает с данными реестра.")
    web.click("form[action$='/refuse'] button[type=submit]")
    number = issued_number(web)
    web.sign_out()

    web.sign_in(DALA)
    web.click(f"a[href$='/applicant/requests/{rid}']")
    assert "Отказано" in web.text("dl.facts")
    assert "Мотивированный отказ" in web.text("ul.documents")
    href = documents(web)[number]
    assert "не совпадает с данными реестра" in pdf_text(web.get(href))


def test_a_centre_operator_files_a_foreign_media_registration_for_a_walk_in_applicant(
    web: Browser, server: Server, examples: Any, tmp_path: Path
) -> None:
    web.sign_in("operator-astana")
    web.choose_language("kk")
    rid = file_form(
        web,
        examples,
        "operator",
        MEDIA,
        "register",
        **{"paper.registration": "1", "paper.registration.pages": "2"},
    )
    attach(web, tmp_path, "distribution-contract")
    web.click("form[action$='/submit'] button")
    message(web)
    sign(web, tmp_path, server.pki / "staff" / "operator-astana.p12")
    assert "Тіркелді" in web.text("dl.facts")
    assert "application/pdf" in web.text("main")  # the scan, typed by its bytes
    web.sign_out()

    web.sign_in(clerk_of(examples, MEDIA))
    web.click(f"a[href$='/clerk/requests/{rid}']")
    web.click("form[action$='/issue'] button[type=submit]")
    number = issued_number(web)
    web.sign_out()

    web.sign_in("operator-astana")
    web.click(f"a[href$='/operator/requests/{rid}']")
    href = documents(web)[number]
    web.click("form[action$='/hand-over'] button[type=submit]")
    message(web)
    assert number in pdf_text(web.get(href)).replace(" ", "")


def test_the_qr_code_of_the_issued_license_verifies_until_the_clerk_suspends_it(
    web: Browser, server: Server, examples: Any, issued: Issued
) -> None:
    url = verification_url(server, issued.pdf)
    web.open(url)
    assert web.all(".verdict.good"), web.text()
    assert web.all(".status.status-active")
    assert issued.number in web.text("dl.facts")

    web.sign_in(clerk_of(examples, TELECOM))
    web.open(f"/clerk/requests/{issued.request_id}")
    web.fill("status", "suspended")
    web.find("input[name='reason']").send_keys("Предписание об устранении нарушений")
    web.click("form[action*='/status'] button[type=submit]")
    message(web)
    web.sign_out()

    web.open(url)
    assert web.all(".status.status-suspended"), web.text()
    assert not web.all(".verdict.good")
