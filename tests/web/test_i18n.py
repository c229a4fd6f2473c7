"""The pages' language: Kazakh or Russian from the browser until the reader chooses, the choice kept,
every message of the pages translated into both, dates in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient

from docgen.bootstrap import Application
from docgen.config import PROJECT_ROOT
from docgen.web.i18n import LANGS, TRANSLATIONS

WEB = PROJECT_ROOT / "docgen" / "web"


@pytest.fixture
def application(tmp_path: Path) -> Iterator[Application]:
    from docgen.bootstrap import build
    from docgen.config import load

    app = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32}))
    app.upgrade()
    yield app
    app.engine.dispose()


@pytest.fixture
def web(application: Application) -> Flask:
    from docgen.web import create_app

    return create_app(application, testing=True)


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    return web.test_client()


def test_the_browsers_language_decides_until_the_reader_chooses(client: FlaskClient) -> None:
    russian = client.get("/sign-in", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in russian.get_data(as_text=True)
    assert "Пароль" in russian.get_data(as_text=True)
    for header in ("kk-KZ,kk;q=0.9", "en-US,en;q=0.9", ""):
        page = client.get("/sign-in", headers={"Accept-Language": header}).get_data(as_text=True)
        assert '<html lang="kk">' in page, header
        assert "Құпиясөз" in page, header


def test_the_language_chosen_on_a_page_is_kept_and_the_reader_returns_to_that_page(
    client: FlaskClient,
) -> None:
    switched = client.get("/language/ru", query_string={"next": "/verify"}, headers={"Accept-Language": "kk"})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/verify"
    page = client.get("/verify", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Проверить документ" in page
    assert 'href="/language/kk?next=/verify"' in page  # the switch back, on every page
    client.get("/language/kk")
    assert '<html lang="kk">' in client.get("/verify").get_data(as_text=True)


def test_an_unknown_language_or_a_foreign_return_address_is_ignored(client: FlaskClient) -> None:
    answer = client.get("/language/en", query_string={"next": "https://evil.example/"})
    assert answer.headers["Location"] == "/"
    assert '<html lang="kk">' in client.get("/").get_data(as_text=True)


def test_dates_are_written_in_the_readers_language(web: Flask) -> None:
    from flask import render_template_string

    day = dt.date(2026, 12, 1)
    with web.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert render_template_string("{{ day|date }}", day=day).replace("\u202f", " ") == "1 декабря 2026 г."
    with web.test_request_context("/", headers={"Accept-Language": "kk"}):
        assert "желтоқсан" in render_template_string("{{ day|date }}", day=day)


def _sources() -> Catalog:
    """Every message the web's code and templates give to gettext, extracted now (not the .pot)."""
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = dict(DEFAULT_KEYWORDS) | {"_l": None, "lazy_gettext": None}
    catalog = Catalog()
    for _, _, message, _, _ in extract_from_dir(str(WEB), method_map, options_map, keywords=keywords):
        catalog.add(message)
    return catalog


def _message_id(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_pages_is_translated(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    translated = {
        _message_id(message.id): message.string
        for message in catalog
        if message.id and "fuzzy" not in message.flags
    }
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        template = {_message_id(message.id) for message in read_po(pot) if message.id}
    in_code = {_message_id(message.id) for message in _sources() if message.id}
    assert not in_code - template, "messages.pot is out of date (pybabel extract): " + repr(
        sorted(in_code - template)
    )
    untranslated = sorted(message for message in in_code | template if not _nonempty(translated.get(message)))
    assert not untranslated, f"{lang}: no translation for {untranslated}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogs_are_those_of_the_po_files(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    with (folder / "messages.mo").open("rb") as mo:
        compiled = Translations(mo)
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string:
            assert compiled.gettext(message.id) == message.string, (
                "pybabel compile -d docgen/web/translations"
            )


def _nonempty(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (tuple, list)):
        return all(isinstance(item, str) and item.strip() for item in value)
    return False
