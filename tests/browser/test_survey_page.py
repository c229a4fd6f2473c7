"""The citizens' survey in headless Chromium, keyboard only: the applicant's result page offers the
link; the survey page is answered in Kazakh (the issued license) and in Russian (a refusal) with TAB,
SPACE and ENTER alone, axe-core finds no serious or critical violation on the form nor on its
confirmation, and the same link opened again is politely refused. The dashboard is for officials:
the administrator sees it, the provider's clerk sees their own provider, an applicant may not."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, ROOT, Browser, Server
from tests.browser.journeys import DALA, TELECOM, Issued, carry_to_registered, clerk_of, message

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def survey_link(web: Browser, request_id: str) -> str:
    """As «Дала Телеком»: the survey address the request's page offers (then signed out)."""
    web.sign_in(DALA)
    web.open(f"/applicant/requests/{request_id}")
    links = web.all("section.survey-offer a[href*='/survey/']")
    assert links, "the result page offers the survey"
    href = str(links[0].get_attribute("href"))
    web.sign_out()
    return href


def refused(web: Browser, examples: Any, server: Server, folder: Path) -> str:
    """A telecom license request refused by the clerk; its id."""
    web.sign_in(DALA)
    rid = carry_to_registered(web, examples, server, folder)
    web.sign_out()
    web.sign_in(clerk_of(examples, TELECOM))
    web.open(f"/clerk/requests/{rid}")
    web.all("input[name='ground']")[0].click()
    web.fill("explanation_kk", "Өтініште көрсетілген БСН тізілімдегі деректерге сәйкес келмейді.")
    web.fill("explanation_ru", "БИН, указанный в заявлении, не совпадает с данными реестра.")
    web.click("form[action$='/refuse'] button[type=submit]")
    message(web)
    web.sign_out()
    return rid


def press(web: Browser, *keys: str) -> Any:
    """Send keys to whatever has the focus, as a keyboard would; the focused element after."""
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(web.driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()
    return web.driver.switch_to.active_element


def tab_to(web: Browser, css: str, limit: int = 60) -> Any:
    """TAB until the element matching ``css`` has the focus (it must be reachable by keyboard)."""
    from selenium.webdriver.common.keys import Keys

    wanted = web.find(css)
    for _ in range(limit):
        focused = press(web, Keys.TAB)
        if focused == wanted:
            return focused
    raise AssertionError(f"{css} is not reachable with TAB")


def answer_by_keyboard(web: Browser, q1: int, q2: int) -> None:
    """Answer the survey with TAB, the arrow keys, SPACE and ENTER only."""
    from selenium.webdriver.common.keys import Keys

    for name, value in (("q1", q1), ("q2", q2)):
        focused = tab_to(web, f"#{name}-1")
        for _ in range(value - 1):
            focused = press(web, Keys.ARROW_DOWN)
        focused = press(web, Keys.SPACE)
        assert focused.get_attribute("id") == f"{name}-{value}", "the arrow keys moved along the answers"
        assert focused.is_selected()
        outline = web.driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
        assert outline != "none", "the focus is visible"
    tab_to(web, "form.survey button[type=submit]")
    old = web.find("html")
    press(web, Keys.ENTER)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(web.driver, 30).until(lambda _: not _alive(old))


def _alive(element: Any) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except (StaleElementReferenceException, WebDriverException):
        return False
    return True


@pytest.mark.parametrize(
    ("lang", "thanks", "already"),
    [
        ("kk", "Рахмет", "Сауалнамаға жауап берілген"),
        ("ru", "Спасибо", "На анкету уже ответили"),
    ],
)
def test_the_survey_is_answered_by_keyboard_alone_with_no_serious_violation_and_only_once(
    web: Browser,
    issued: Issued,
    examples: Any,
    server: Server,
    tmp_path: Path,
    lang: str,
    thanks: str,
    already: str,
) -> None:
    rid = issued.request_id if lang == "kk" else refused(web, examples, server, tmp_path)
    href = survey_link(web, rid)
    web.open(href)
    web.choose_language(lang)
    assert web.path.startswith("/survey/")
    assert len(web.all("form.survey fieldset legend")) == 2
    assert not web.axe(), web.axe()

    answer_by_keyboard(web, 3, 2)
    assert thanks in web.text("h1")
    assert len(web.all("dl.survey-sent dd")) == 2
    assert not web.axe()

    web.open(href)
    assert already in web.text()
    assert web.lang() == lang
    assert not web.axe()


def test_the_survey_fits_a_phone(web: Browser, examples: Any, server: Server, tmp_path: Path) -> None:
    href = survey_link(web, refused(web, examples, server, tmp_path))
    web.driver.set_window_size(*PHONE)
    web.open(href)
    width = web.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], "nothing wider than the phone's screen"
    assert not web.axe()


def test_the_dashboard_is_for_the_administrator_and_the_providers_clerk_not_for_an_applicant(
    web: Browser, examples: Any
) -> None:
    web.sign_in("admin")
    web.open("/indicators")
    assert web.all("figure.chart img[alt]"), "the charts, with their text alternative"
    assert not web.axe()
    web.sign_out()

    web.sign_in(clerk_of(examples, TELECOM))
    web.open("/indicators")
    assert web.all("table.list")
    assert not web.axe()
    web.sign_out()

    web.sign_in(DALA)
    web.open("/indicators")
    assert not web.all("form.filters") and not web.all("figure.chart"), "no indicators for an applicant"


@pytest.mark.skipif(not os.environ.get("DOCGEN_SCREENSHOTS"), reason="DOCGEN_SCREENSHOTS is not set")
def test_screenshots_of_the_survey_and_the_indicators(
    web: Browser, examples: Any, server: Server, tmp_path: Path
) -> None:
    """For the README (``make screenshots``): the survey on a phone in Kazakh, and the dashboard
    after two more answers, in Russian (requests of their own: other tests answer theirs)."""
    folder = ROOT / os.environ["DOCGEN_SCREENSHOTS"]
    href = survey_link(web, refused(web, examples, server, tmp_path))
    web.open(href)
    web.choose_language("kk")
    web.driver.set_window_size(*PHONE)
    web.screenshot(folder / "survey-kk-phone.png", PHONE[0])
    web.driver.set_window_size(*DESKTOP)
    answer_by_keyboard(web, 3, 2)
    web.open(survey_link(web, refused(web, examples, server, tmp_path)))
    answer_by_keyboard(web, 2, 3)
    web.sign_in("admin")
    web.open("/indicators")
    web.choose_language("ru")
    assert web.all("figure.chart img[alt]")
    web.screenshot(folder / "indicators-ru.png", DESKTOP[0])
    web.sign_out()
    for name in ("survey-kk-phone", "indicators-ru"):
        assert (folder / f"{name}.png").stat().st_size > 1000
