"""The browser tier: the real web server (``tests/browser/server.py``, a subprocess over a fresh SQLite
instance with the demo users, PKI and requests) driven by Debian's headless Chromium through
Selenium, with axe-core injected for the accessibility checks.

Without Chromium, its driver, Selenium or axe-core (``scripts/setup-browser.sh`` installs them) the
tests skip saying what is missing - except under ``CI=true``, where they fail: CI must not skip them
silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "docgen-demo"
DESKTOP = (1280, 900)
PHONE = (390, 844)


def missing() -> list[str]:
    """What the browser tests need and this machine lacks."""
    lacking = []
    for path, what in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            lacking.append(f"{what} ({path})")
    try:
        import selenium  # noqa: F401
    except ImportError:
        lacking.append("selenium (pip install -e '.[test]')")
    if not AXE.exists():
        lacking.append("axe-core (npm ci in tests/browser)")
    return lacking


def require_browser() -> None:
    lacking = missing()
    if lacking:
        reason = "the browser tests need " + ", ".join(lacking) + " - run scripts/setup-browser.sh"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: not skipped)", pytrace=False)
        pytest.skip(reason)


class Server:
    """The web front end in a subprocess over a fresh temporary instance."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pki = folder / "pki"
        env = {
            **os.environ,
            "DOCGEN_INSTANCE_DIR": str(folder / "instance"),
            "DOCGEN_PKI_DIR": str(self.pki),
            "DOCGEN_AUDIT_KEY": "the browser tests' audit key, not a secret",
            "DOCGEN_PAYMENT_SECRET": "the browser tests' gateway secret",
            "DOCGEN_SECRET_KEY": "the browser tests' session key, not a secret",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "FLASK_DEBUG", "DOCGEN_BASE_URL"):
            env.pop(name, None)
        self.log = (folder / "server.log").open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.browser.server"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.url = self._wait_for_url(timeout=180)

    def _wait_for_url(self, timeout: float) -> str:
        assert self.process.stdout is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("listening on "):
                return line.removeprefix("listening on ").strip()
        self.stop()
        self.log.seek(0)
        raise RuntimeError("the web server did not start:\n" + self.log.read()[-4000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()


class Browser:
    """One headless Chromium (its own profile) pointed at the server."""

    def __init__(self, server: Server, profile: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ):
            options.add_argument(argument)
        # the browser asks for Russian first, so that choosing Kazakh on a page is seen to work
        options.add_experimental_option("prefs", {"intl.accept_languages": "ru,kk"})
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.implicitly_wait(0)
        self.server = server

    # -- finding and doing -----------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.driver.get(path if path.startswith(("http:", "https:", "file:")) else self.server.url + path)

    @property
    def path(self) -> str:
        url: str = self.driver.current_url
        return url.removeprefix(self.server.url)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def click(self, css: str) -> None:
        """Click and wait for the page the click loads (the old page's root element is gone)."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.find("html")
        self.find(css).click()

        def gone(_: Any) -> bool:
            try:
                old.is_enabled()
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:  # Chromium, mid-navigation: "does not belong to the document"
                if "does not belong to the document" in str(error.msg):
                    return True
                raise
            return False

        WebDriverWait(self.driver, 30).until(gone)
        self.find("body")  # the new page is there

    def text(self, css: str = "main") -> str:
        return str(self.find(css).text)

    def lang(self) -> str:
        return str(self.find("html").get_attribute("lang"))

    def fill(self, name: str, value: str) -> None:
        """Put ``value`` in the form control named ``name`` as a person would."""
        from selenium.webdriver.support.ui import Select

        controls = self.all(f'[name="{name}"]')
        assert controls, f"no control named {name!r} on {self.path}"
        control = controls[0]
        kind = control.get_attribute("type")
        if kind == "radio":
            self.find(f'[name="{name}"][value="{value}"]').click()
        elif kind == "checkbox":
            if control.is_selected() != bool(value):
                control.click()
        elif control.tag_name == "select":
            Select(control).select_by_value(value)
        elif kind == "date":
            # a date control's typed format follows the browser's locale; its value is ISO
            self.driver.execute_script("arguments[0].value = arguments[1]", control, value)
        else:
            control.clear()
            control.send_keys(value)

    def sign_in(self, login: str) -> None:
        self.open("/sign-in")
        self.fill("login", login)
        self.fill("password", PASSWORD)
        self.click("form[action$='/sign-in'] button[type=submit]")
        assert "/sign-in" not in self.path, self.text()

    def sign_out(self) -> None:
        self.click("form.sign-out button")

    def choose_language(self, lang: str) -> None:
        """Choose ``lang`` with the header's language switch (unless the page speaks it already)."""
        if self.lang() != lang:
            self.click(f"nav.langs a[hreflang='{lang}']")
        assert self.lang() == lang

    def get(self, href: str) -> bytes:
        """What the link ``href`` downloads, fetched with this browser's session cookie."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        url = href if href.startswith("http") else self.server.url + href
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"Cookie": cookies}), timeout=60
        ) as r:
            assert r.status == 200
            return bytes(r.read())

    # -- accessibility and pictures --------------------------------------------------------------

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page (WCAG 2.x A/AA and best practice)."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        self.driver.set_script_timeout(60)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify({error: String(e)})));"
        )
        found = json.loads(result)
        assert isinstance(found, list), found
        return [v for v in found if v.get("impact") in ("serious", "critical")]

    def screenshot(self, path: Path, width: int, max_height: int = 2400) -> None:
        """The whole page (up to ``max_height``) at ``width`` CSS pixels, as a small palette PNG."""
        from PIL import Image

        self.driver.set_window_size(width, 800)
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.driver.set_window_size(width, min(max(height, 400), max_height))
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = path.with_suffix(".raw.png")
        self.driver.save_screenshot(str(raw))
        with Image.open(raw) as image:
            image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(
                path, optimize=True
            )
        raw.unlink()
        self.driver.set_window_size(*DESKTOP)

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The use cases over an instance of their own, for the services' example data and providers."""
    from docgen.bootstrap import build
    from docgen.config import load

    folder = tmp_path_factory.mktemp("examples")
    application = build(load({"DOCGEN_INSTANCE_DIR": str(folder), "DOCGEN_AUDIT_KEY": "x" * 32}))
    yield application
    application.engine.dispose()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    require_browser()
    folder = Path(tempfile.mkdtemp(prefix="docgen-browser-"))
    started = Server(folder)
    try:
        yield started
    finally:
        started.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Browser]:
    """One browser for the session; each test starts signed out (its cookies cleared)."""
    profile = Path(tempfile.mkdtemp(prefix="docgen-chromium-"))
    opened = Browser(server, profile)
    try:
        yield opened
    finally:
        opened.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def web(browser: Browser) -> Browser:
    """The session's browser, signed out, at desktop width."""
    browser.open("/")
    browser.driver.delete_all_cookies()
    browser.driver.set_window_size(*DESKTOP)
    return browser


@pytest.fixture(scope="session")
def issued(
    browser: Browser, server: Server, examples: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """Journey (a): in Kazakh, a telecom license filed, paid, signed, issued; its PDF downloaded
    (an :class:`~tests.browser.journeys.Issued`). The journey tests check it; the accessibility tests
    look at its pages."""
    from tests.browser.journeys import (
        DALA,
        TELECOM,
        Issued,
        carry_to_registered,
        clerk_of,
        documents,
        issued_number,
    )

    web = browser
    web.open("/")
    web.driver.delete_all_cookies()
    folder = tmp_path_factory.mktemp("journey-kk")
    web.sign_in(DALA)
    assert web.lang() == "ru"  # the browser asks for Russian first
    web.choose_language("kk")
    rid = carry_to_registered(web, examples, server, folder)
    assert "Тіркелді" in web.text("dl.facts")  # registered, said in Kazakh
    web.sign_out()

    web.sign_in(clerk_of(examples, TELECOM))
    web.choose_language("kk")
    web.click(f"a[href$='/clerk/requests/{rid}']")
    assert web.find("#decision").get_attribute("value").strip().startswith("{")  # the example decision
    web.click("form[action$='/issue'] button[type=submit]")
    number = issued_number(web)
    web.sign_out()

    web.sign_in(DALA)
    web.choose_language("kk")
    web.click(f"a[href$='/applicant/requests/{rid}']")
    assert "Нәтиже берілді" in web.text("dl.facts")
    found = documents(web)
    assert number in found, found  # the license (and its annex)
    pdf = web.get(found[number])
    web.sign_out()
    yield Issued(rid, number, pdf)
