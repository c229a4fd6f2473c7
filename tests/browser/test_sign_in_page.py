"""Signing a request in the page, in headless Chromium: the applicant (and the centre operator with
their own key) picks the PKCS#12 key file, types its password and signs; the page's script
(static/sign.js over the vendored node-forge) makes the detached CMS and posts only the signature, and
the request is registered. A wrong password is said in the page, next to nothing sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Browser, Server
from tests.browser.test_journeys import DALA, MEDIA, TELECOM, attach, file_form, message

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The use cases over an instance of their own, for the services' example data."""
    from docgen.bootstrap import build
    from docgen.config import load

    folder = tmp_path_factory.mktemp("sign-examples")
    application = build(load({"DOCGEN_INSTANCE_DIR": str(folder), "DOCGEN_AUDIT_KEY": "x" * 32}))
    yield application
    application.engine.dispose()


def to_the_sign_step(web: Browser, examples: Any, folder: Path) -> None:
    """As «Дала Телеком», on the portal: file, attach the scans, submit and pay."""
    file_form(web, examples, "applicant", TELECOM, "issue")
    for code in ("technical-means", "network-scheme"):
        attach(web, folder, code)
    web.click("form[action$='/submit'] button")
    message(web)
    web.click("form[action$='/pay'] button")
    web.click("form[action$='/paid'] button")
    message(web)


def sign_in_page(web: Browser, key: Path, password: str) -> None:
    """Choose the key file, type its password and sign in the page; wait for the page it posts to."""
    box = web.find("fieldset.in-page-sign")
    assert box.is_displayed(), "sign.js shows the in-page signing"
    web.find("#sign-key").send_keys(str(key))
    web.find("#sign-password").send_keys(password)
    web.click("#sign-in-page")


def test_an_applicant_signs_the_request_in_the_page_with_the_key_file_and_it_is_registered(
    web: Browser, server: Server, examples: Any, tmp_path: Path
) -> None:
    web.sign_in(DALA)
    web.choose_language("ru")
    to_the_sign_step(web, examples, tmp_path)
    assert web.axe() == []  # the in-page signing controls shown, labelled, announced

    # a wrong password: said in the page's language, nothing posted, the password to type again
    web.find("#sign-key").send_keys(str(server.pki / "applicants" / f"{DALA}.p12"))
    web.find("#sign-password").send_keys("not the password")
    web.find("#sign-in-page").click()
    from selenium.webdriver.support.ui import WebDriverWait

    status = web.find("#sign-status")
    WebDriverWait(web.driver, 30).until(lambda _: "парол" in status.text.lower())
    assert "Оплачено" in web.text("dl.facts")
    assert web.driver.switch_to.active_element.get_attribute("id") == "sign-password"

    web.find("#sign-password").clear()
    web.find("#sign-key").clear()
    sign_in_page(web, server.pki / "applicants" / f"{DALA}.p12", "demo")
    message(web)
    assert "Зарегистрирован" in web.text("dl.facts")
    assert "ЭЦП" in web.text("ol.history")


def test_a_centre_operator_signs_the_walk_in_request_in_the_page_with_their_own_key(
    web: Browser, server: Server, examples: Any, tmp_path: Path
) -> None:
    web.sign_in("operator-astana")
    web.choose_language("kk")
    file_form(
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
    sign_in_page(web, server.pki / "staff" / "operator-astana.p12", "demo")
    message(web)
    assert "Тіркелді" in web.text("dl.facts")
