"""The documents the workflow issues from each service's example request, each language in its own
words: the Kazakh copy has no Russian-only word, the Russian copy no Kazakh letter or address word
outside the names filed once (the applicant's, the outlet's, its owner's: printed as filed in both
columns). Addresses are filed in both languages and exempt from nothing: the Kazakh column has no
"проспект", "район", "г.", the Russian no "даңғылы", "ауданы", "қ."."""

from __future__ import annotations

import re
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from tests.conftest import pdf_text
from tests.documents.test_language_columns import filed_once, kazakh_in_russian, russian_in_kazakh
from tests.services.test_every_service import CATALOG, _clerk, _pay, _to_registered
from tests.services.world import World

SERVICES = [service.code for service in CATALOG]
#: The footer on equivalence to paper is one bilingual block under every document, not a column.
FOOTER_KK = re.sub(
    r"<[^>]+>",
    "",
    re.search(
        r'<p class="equivalence" lang="kk">.*?</p>',
        (PROJECT_ROOT / "templates" / "_equivalence.html").read_text(),
    )[0],  # type: ignore[index]
)


def _issued(world: World, code: str) -> tuple[list[str], list[str]]:
    """The numbers of every document issued for ``code``'s example, and the names filed once."""
    channels = CATALOG.get(code).channels
    channel = "portal" if "portal" in channels else channels[0]
    request_id, login = _to_registered(world, code, channel)
    clerk = _clerk(world, code)
    number = world.issue(clerk, request_id)
    if number is None:  # paid after the qualification check
        _pay(world, login, request_id)
        number = world.issue(clerk, request_id)
    shown = world.app.queries.show(clerk, request_id)
    return [document["number"] for document in shown["documents"]], names_filed_once(world.example(code))


def names_filed_once(request: dict[str, Any]) -> list[str]:
    """The request's proper names that the intake takes in one language: the applicant's,
    representative's and signer's, and fields that are names (the outlet, its owner). A country,
    language or periodicity typed in one language is not among them, nor an address (filed in both)."""
    fields = request.get("fields") or {}
    named = [value for key, value in fields.items() if key.endswith(("name", "owner"))]
    people = [request.get("applicant"), request.get("representative"), request.get("signature")]
    return [*filed_once(people), *filed_once(named)]


@pytest.mark.slow
@pytest.mark.parametrize("code", SERVICES)
def test_every_issued_document_has_each_column_in_its_own_language(real_world: World, code: str) -> None:
    numbers, exempt = _issued(real_world, code)
    assert numbers
    clerk = _clerk(real_world, code)
    for number in numbers:
        with real_world.app.documents.uow(write=False) as uow:
            document = uow.documents.by_number(number)
        assert document is not None
        names = [*exempt, *filed_once(document.data), FOOTER_KK]
        kk = pdf_text(real_world.app.documents.download(clerk, number, "pdf", "kk").content)
        ru = pdf_text(real_world.app.documents.download(clerk, number, "pdf", "ru").content)
        assert russian_in_kazakh(kk) == [], number
        assert kazakh_in_russian(ru, names) == [], number
