"""axe-core in headless Chromium over the main pages in Kazakh and Russian, and over a document as
``docgen render --format html`` writes it: no serious or critical violation. With
``DOCGEN_SCREENSHOTS=<folder>`` (``make screenshots``) the main pages are also photographed for the
README, at a desktop width and at a phone's.

axe is injected through WebDriver (``execute_script``), which the pages' Content-Security-Policy does
not govern: a test below checks that the CSP is on and still forbids inline script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, ROOT, Browser, Server
from tests.browser.journeys import DALA, TELECOM, Issued, clerk_of, verification_url

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def main_pages(web: Browser, examples: Any, issued: Issued, server: Server) -> dict[str, str]:
    """Name -> path of the pages every visitor, applicant and clerk sees, each checked once signed in
    as the right person (the caller visits them in this order)."""
    return {
        "start": "/",
        "sign-in": "/sign-in",
        "verify-lookup": "/verify",
        "verify": verification_url(server, issued.pdf),
        "applicant-requests": "/applicant/",
        "applicant-services": "/applicant/services",
        "request-form": f"/applicant/services/{TELECOM}/issue/new",
        "request-page": f"/applicant/requests/{issued.request_id}",
        "clerk-queue": "/clerk/",
        "clerk-request": "",  # the first request of the queue, with the decision and refusal forms
    }


def visit_all(web: Browser, examples: Any, issued: Issued, server: Server, lang: str, look: Any) -> None:
    """Visit the main pages in ``lang`` (signing in as the page needs) and call ``look(name)`` on each."""
    web.open("/")
    web.driver.delete_all_cookies()
    web.open(f"/language/{lang}?next=/")
    pages = main_pages(web, examples, issued, server)
    for name, path in pages.items():
        if name == "applicant-requests":
            web.sign_in(DALA)
        elif name == "clerk-queue":
            web.sign_out()
            web.sign_in(clerk_of(examples, TELECOM))
        if name == "clerk-request":
            web.open("/clerk/")
            links = web.all("table.list a[href*='/clerk/requests/']")
            assert links, "the clerk's queue lists requests"
            web.open(str(links[0].get_attribute("href")))
            assert web.all("form[action$='/issue'], form[action$='/refuse']"), "a request to decide"
        else:
            web.open(path)
        assert web.lang() == lang, (name, web.lang())
        look(name)
    web.sign_out()


def describe(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    web: Browser, examples: Any, issued: Issued, server: Server, lang: str
) -> None:
    found: dict[str, list[str]] = {}
    seen: list[str] = []

    def look(name: str) -> None:
        seen.append(name)
        violations = web.axe()
        if violations:
            found[name] = describe(violations)

    visit_all(web, examples, issued, server, lang, look)
    assert len(seen) == 10
    assert not found, json.dumps(found, ensure_ascii=False, indent=2)


def test_the_check_finds_what_it_looks_for_on_a_page_made_wrong(web: Browser, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.html"
    wrong.write_text("<!doctype html><html><body><img src='x.png'><input name='q'></body></html>")
    web.open(wrong.as_uri())
    found = {violation["id"] for violation in web.axe()}
    assert {"image-alt", "label", "html-has-lang", "document-title"} <= found


def test_axe_runs_although_the_csp_forbids_inline_script(web: Browser, server: Server) -> None:
    with urllib.request.urlopen(server.url + "/", timeout=30) as answer:
        policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    web.open("/")
    web.axe()
    assert web.driver.execute_script("return typeof axe.run") == "function"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_document_as_html_has_no_serious_violation_and_its_qr_code_is_named(
    web: Browser, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / f"license-{lang}.html"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("docgen")),
            "render",
            "license",
            "--lang",
            lang,
            "--format",
            "html",
            "--data",
            str(ROOT / "docgen" / "documents" / "examples" / "license.json"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    web.open(out.as_uri())
    assert web.lang() == lang
    assert not (violations := web.axe()), describe(violations)
    qr = web.driver.execute_script(
        "return axe.run('svg.qr', {runOnly: ['svg-img-alt']}).then(r => JSON.stringify(r.passes));"
    )
    passes = json.loads(qr)
    assert [rule["id"] for rule in passes] == ["svg-img-alt"], passes
    assert "/verify/" in str(web.find("svg.qr").get_attribute("aria-label"))


# -- screenshots for the README (DOCGEN_SCREENSHOTS=docs/screenshots, make screenshots) ------------

SHOTS = {
    "start": ("kk", [DESKTOP]),
    "sign-in": ("kk", [DESKTOP]),
    "request-form": ("kk", [DESKTOP]),
    "request-page": ("kk", [DESKTOP]),
    "clerk-queue": ("kk", [DESKTOP]),
    "verify": ("ru", [DESKTOP, PHONE]),
}


@pytest.mark.skipif(not os.environ.get("DOCGEN_SCREENSHOTS"), reason="DOCGEN_SCREENSHOTS is not set")
def test_screenshots_of_the_main_pages(web: Browser, examples: Any, issued: Issued, server: Server) -> None:
    folder = ROOT / os.environ["DOCGEN_SCREENSHOTS"]
    made = []
    for lang in ("kk", "ru"):

        def look(name: str, lang: str = lang) -> None:
            shot_lang, widths = SHOTS.get(name, ("", []))
            if shot_lang != lang:
                return
            for width, _height in widths:
                suffix = "-phone" if width < 600 else ""
                path = folder / f"{name}-{lang}{suffix}.png"
                web.screenshot(path, width)
                made.append(path)

        visit_all(web, examples, issued, server, lang, look)
    assert len(made) == 7
    assert all(path.stat().st_size > 1000 for path in made)


@pytest.mark.parametrize(
    ("kind", "service", "lang"),
    [
        ("survey", "cotton-warehouse-license", "kk"),
        ("survey", "foreign-media-registration", "ru"),
        ("survey-invitation", "foreign-media-registration", "kk"),
        ("survey-invitation", "telecom-license", "ru"),
        ("refusal", None, "kk"),
        ("permit", None, "ru"),
        ("request", "telecom-license", "kk"),
    ],
)
def test_the_survey_and_other_documents_as_html_have_no_serious_violation(
    web: Browser, tmp_path: Path, kind: str, service: str | None, lang: str
) -> None:
    """The printable survey (each seed's own) and the other kinds, as `docgen render --format html`
    writes them."""
    out = tmp_path / f"{kind}-{lang}.html"
    docgen = str(Path(sys.executable).with_name("docgen"))
    data = ROOT / "docgen" / "documents" / "examples" / f"{kind}.json"
    command = [docgen, "render", kind, "--lang", lang, "--format", "html", "--out", str(out)]
    if service:
        data = tmp_path / f"{kind}.json"
        made = subprocess.run(
            [docgen, "example", kind, "--service", service], check=True, capture_output=True
        )
        data.write_bytes(made.stdout)
        command += ["--service", service]
    subprocess.run([*command, "--data", str(data)], check=True, capture_output=True)
    web.open(out.as_uri())
    assert web.lang() == lang
    assert not (violations := web.axe()), describe(violations)
