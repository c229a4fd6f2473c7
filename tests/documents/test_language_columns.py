"""Each language in its own words: nothing in a Kazakh column is Russian, nothing in a Russian
column Kazakh, except proper names filed once (printed as filed in both).

Every kind's example (and every service's request and survey) is rendered in kk and in ru; the
Kazakh text is scanned for words only Russian has (an address's "проспект", "г." among them), the
Russian text for the letters and address words only Kazakh has ("даңғылы", "ауданы", "қ."), after
taking out the data's own proper names filed once. An address is not one: it is filed in both
languages, so nothing of an address is exempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from docgen.documents import KINDS, get_kind
from docgen.rendering.core import Renderer
from tests.conftest import example

#: Words a Kazakh text never has (the ones the bugs printed: legal forms, country, periodicity).
RUSSIAN_ONLY = (
    "Товарищество",
    "ограниченной",
    "ответственностью",
    "Российская",
    "Федерация",
    "месяц",
    "раз в",
    "русский",
    "язык",
    "город",
    "область",
    # an address written in Russian ("г. Алматы, Медеуский район, проспект Достык, 97Б, офис 12")
    "проспект",
    "район",
    "улица",
    "офис",
    "кв.",
    "г.",
    "поселок",
    "микрорайон",
)
#: Words of a Kazakh address, some with no Kazakh-only letter ("ауданы"): a Russian text has none.
KAZAKH_ADDRESS = ("даңғылы", "ауданы", "көшесі", "пәтер", "кеңсе", "облысы", "кенті", "қ.")
KAZAKH_ONLY = re.compile("[ӘҒҚҢӨҰҮҺІәғқңөұүһі]")


def filed_once(data: Any) -> Iterator[str]:
    """The data's strings that are not one language of a {kk, ru} pair: printed as filed."""
    if isinstance(data, dict):
        if {"kk", "ru"} <= data.keys():
            return
        for value in data.values():
            yield from filed_once(value)
    elif isinstance(data, list):
        for value in data:
            yield from filed_once(value)
    elif isinstance(data, str):
        yield data


def _words(text: str) -> str:
    """Whitespace collapsed, and a line broken after a hyphen ("8- кеңсе" in PDF text) joined."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(text.split()))


def russian_in_kazakh(text: str, exempt: tuple[str, ...] = ()) -> list[str]:
    """Russian-only words in a Kazakh text. In an issued document a name filed once may not carry
    them either (a legal form spelled out in Russian is not a proper name); only the request form,
    which prints the applicant's own filing as filed, passes ``exempt``."""
    text = _words(text)
    for value in sorted(exempt, key=len, reverse=True):
        text = text.replace(_words(value), " ")
    return [word for word in RUSSIAN_ONLY if _has_word(word, text)]


def _has_word(word: str, text: str) -> bool:
    """``word`` as a whole word ("г." not in "жылғы.", "район" not in "районный")."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def kazakh_in_russian(text: str, exempt: list[str]) -> list[str]:
    text = _words(text)
    for value in sorted(exempt, key=len, reverse=True):
        text = text.replace(_words(value), " ")
    text = re.sub(r"«[^«»]*»", " ", text)  # a quoted proper name («Тарих мұрасы») is the same in both
    words = [word for word in KAZAKH_ADDRESS if _has_word(word, text)]
    return words + [match.group(0) for match in re.finditer(r"\S*[ӘҒҚҢӨҰҮҺІәғқңөұүһі]\S*", text)]


def _body_text(page: bytes, lang: str) -> str:
    """The page's text in ``lang``: parts marked as another language (the bilingual equivalence
    footer's other half) are that language's column, not this one's."""
    import lxml.html

    root = lxml.html.fromstring(page)
    # the QR code's accessible name is one bilingual label, as is the footer (each half marked)
    for element in root.xpath("//*[local-name()='svg']|//style|//script|//*[@lang]"):
        if element.get("lang") in (None, lang) and element is not root and element.get("lang") is not None:
            continue
        if element is not root:
            element.drop_tree()
    return str(root.text_content())


def _cases(renderer: Renderer) -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for name in KINDS:
        if get_kind(name).per_service:
            cases.extend((name, service.code) for service in renderer.catalog)
        else:
            cases.append((name, None))
    return cases


def _all_cases() -> list[tuple[str, str | None]]:
    from docgen.config import load_settings

    return _cases(Renderer(load_settings({})))


@pytest.mark.parametrize(("kind", "service"), _all_cases())
def test_each_column_is_in_its_own_language(renderer: Renderer, kind: str, service: str | None) -> None:
    data = example(renderer, kind, service)
    exempt = list(filed_once(data))
    kk = _body_text(renderer.render(kind, data, "kk", "html", service), "kk")
    ru = _body_text(renderer.render(kind, data, "ru", "html", service), "ru")
    assert russian_in_kazakh(kk, tuple(exempt) if kind == "request" else ()) == []
    assert kazakh_in_russian(ru, exempt) == []


def test_the_scan_finds_what_it_looks_for() -> None:
    assert russian_in_kazakh("Товарищество с ограниченной ответственностью «Дала»") == [
        "Товарищество",
        "ограниченной",
        "ответственностью",
    ]
    assert russian_in_kazakh("Ресей Федерациясы, айына бір рет") == []
    assert russian_in_kazakh("Российская Федерация, один раз в месяц") == [
        "Российская",
        "Федерация",
        "месяц",
        "раз в",
    ]
    assert kazakh_in_russian("Страна: Ресей Федерациясы, айына бір рет", []) == ["бір"]
    assert kazakh_in_russian("Выдана «Іле Мақта Қоймасы»", ["«Іле Мақта Қоймасы»"]) == []


def test_the_scan_finds_an_address_in_the_other_language() -> None:
    russian = "Адрес: г. Алматы, Медеуский район, проспект Достык, 97Б, офис 12; кв. 27, улица Тимирязева"
    assert russian_in_kazakh(russian) == ["проспект", "район", "улица", "офис", "кв.", "г."]
    assert russian_in_kazakh("Алматы қ., Медеу ауданы, Достық даңғылы, 97Б, 12-кеңсе, 2026 жылғы.") == []
    kazakh = "Адрес: Алматы қ., Медеу ауданы, Достық даңғылы, 97Б, 27-пәтер"
    assert kazakh_in_russian(kazakh, [])[:4] == ["даңғылы", "ауданы", "пәтер", "қ."]
    assert kazakh_in_russian("Медеу ауданы, 12", []) == ["ауданы"]  # no Kazakh-only letter, still Kazakh
    assert kazakh_in_russian("г. Алматы, Медеуский район, проспект Достык, 97Б, офис 12", []) == []
