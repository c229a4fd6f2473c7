"""The reasoned refusal cites the grounds its service's regulation names: stored verbatim from the
seed (forms/*.toml ``[[refusal_grounds]]``), chosen by code by the clerk, printed in the seed's
sentence («… Сіздердің [күні] № […] өтінішіңізді қарастырып, келесіні хабарлайды:») with the
request's registration date and number."""

from __future__ import annotations

import re
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.documents.locale import official_date
from docgen.domain.catalog import Catalog, Service
from docgen.errors import InvalidData, RefusalGroundMissing, UnknownRefusalGround
from tests.conftest import SEEDS, pdf_text
from tests.services.test_attacks import refused
from tests.services.test_every_service import PORTAL_APPLICANT
from tests.services.world import World

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
CLERK = "clerk-mtc-communications-committee"


def _seed(service: Service) -> str:
    (path,) = SEEDS.glob(f"{service.seed}_*.txt")
    return path.read_text(encoding="utf-8")


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _compact(text: str) -> str:
    """The seed's letters in order: no whitespace, no hyphen that only breaks a word across lines
    (its tables break words in narrow cells: «бұзушы-\\nлықтар-\\nға»)."""
    return re.sub(r"\s+", "", re.sub(r"-[ \t]*\n\s*", "", text))


@pytest.mark.parametrize("service", list(CATALOG), ids=lambda service: service.code)
def test_every_service_has_grounds_quoted_verbatim_from_its_seed(service: Service) -> None:
    seed = _seed(service)
    assert service.refusal_grounds, f"{service.code} names no refusal ground"
    for ground in service.refusal_grounds:
        assert ground.ru.strip() and ground.paragraph["kk"].strip() and ground.paragraph["ru"].strip()
        in_prose = _spaced(ground.kk) in _spaced(seed)
        in_table = _compact(ground.kk) in _compact(seed) and "кесте" in ground.paragraph["kk"]
        assert in_prose or in_table, f"{service.code} {ground.code}: not the seed's words: {ground.kk}"


def test_services_sharing_a_seed_each_have_their_own_list() -> None:
    telecom = CATALOG.get("telecom-license").refusal_grounds
    numbering = CATALOG.get("numbering-resource").refusal_grounds
    assert {g.code for g in telecom} == {"applicant-data-violations", "qualification-mismatch"}
    assert {g.code for g in numbering} == {"applicant-data-violations"}  # annex 2 has no such table row
    assert telecom[0].paragraph != numbering[0].paragraph  # item 6.15 against 6.12


def test_an_unknown_ground_is_refused_naming_the_valid_ones_and_nothing_is_consumed(world: World) -> None:
    request_id = world.registered()
    before = world.rows()
    error = refused(
        world,
        UnknownRefusalGround,
        lambda: world.app.requests.refuse(world[CLERK], request_id, ["applicant-data-violations", "rude"]),
    )
    for lang in ("kk", "ru"):
        message = error.message(lang)
        assert (
            "rude" in message
            and "applicant-data-violations" in message
            and "qualification-mismatch" in message
        )
    assert world.rows() == before
    assert world.app.queries.show(world["dala"], request_id)["state"] == "registered"
    number = world.app.requests.refuse(world[CLERK], request_id, ["qualification-mismatch"])
    assert number.endswith("-000001")  # the refused attempt took no number


def test_a_ground_of_another_service_is_unknown_here(world: World) -> None:
    request_id = world.registered()
    refused(
        world,
        UnknownRefusalGround,
        lambda: world.app.requests.refuse(world[CLERK], request_id, ["submitted-documents-violations"]),
    )


def test_a_refusal_without_a_ground_is_refused(world: World) -> None:
    request_id = world.registered()
    before = world.rows()
    error = refused(
        world, RefusalGroundMissing, lambda: world.app.requests.refuse(world[CLERK], request_id, [])
    )
    assert "applicant-data-violations" in error.message("kk")
    assert world.rows() == before


@pytest.mark.parametrize(
    "explanation",
    [
        {"kk": "Мамандар жоқ"},
        {"kk": "Мамандар жоқ", "ru": " "},
        {"kk": "Мамандар жоқ", "ru": "Нет специалистов", "en": "No specialists"},
    ],
    ids=["russian-missing", "russian-blank", "third-language"],
)
def test_an_explanation_must_be_given_in_both_languages(world: World, explanation: Any) -> None:
    request_id = world.registered()
    before = world.rows()
    refused(
        world,
        InvalidData,
        lambda: world.app.requests.refuse(
            world[CLERK], request_id, ["applicant-data-violations"], explanation
        ),
    )
    assert world.rows() == before


def test_the_history_records_the_ground_codes_and_the_explanation_sealed(world: World) -> None:
    request_id = world.registered()
    explanation = {"kk": "Мамандар жоқ", "ru": "Нет специалистов"}
    world.app.requests.refuse(
        world[CLERK], request_id, ["qualification-mismatch", "applicant-data-violations"], explanation
    )
    shown = world.app.queries.show(world["dala"], request_id)
    (entry,) = [item for item in shown["history"] if item["event"] == "refuse"]
    assert entry["details"]["grounds"] == ["qualification-mismatch", "applicant-data-violations"]
    assert entry["details"]["explanation"] == explanation
    assert (
        world.app.audit.verify() == []
    )  # the entry, grounds and explanation included, is in the sealed chain


def _registered_on(world: World, request_id: str) -> Any:
    with world.app.requests.uow(write=False) as uow:
        record = uow.requests.get(request_id)
    assert record is not None and record.registered_on is not None
    return record.registered_on


def test_a_ground_of_another_channel_is_not_citable(world: World) -> None:
    # Seed 003: the documents the centre's operator passed on (item 8.10) are a centre request's ground.
    service = CATALOG.get("archaeology-license")
    assert service.refusal_ground("submitted-documents-violations").channels == ("centre",)
    applicant = world.example("archaeology-license")["applicant"] | PORTAL_APPLICANT
    applicant.pop("iin", None)
    request_id = world.registered(service="archaeology-license", applicant=applicant)
    clerk = world[f"clerk-{service.provider_code}"]
    error = refused(
        world,
        UnknownRefusalGround,
        lambda: world.app.requests.refuse(clerk, request_id, ["submitted-documents-violations"]),
    )
    for lang in ("kk", "ru"):  # named once, as the bad ground, and not among the valid ones
        assert "applicant-data-violations" in error.message(lang)
        assert error.message(lang).count("submitted-documents-violations") == 1
    assert world.app.requests.refuse(clerk, request_id, ["applicant-data-violations"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("service", "channel", "chosen"),
    [
        ("telecom-license", "portal", ["qualification-mismatch"]),
        ("archaeology-license", "portal", ["applicant-data-violations"]),
        ("archaeology-license", "centre", ["submitted-documents-violations"]),
    ],
)
def test_the_issued_refusal_cites_the_chosen_grounds_in_the_seeds_sentence(
    real_world: World, service: str, channel: str, chosen: list[str]
) -> None:
    from tests.services.test_every_service import _clerk, _to_registered

    request_id, login = _to_registered(real_world, service, channel)
    explanation = {"kk": "Мамандардың дипломдары ұсынылмаған.", "ru": "Дипломы специалистов не представлены."}
    number = real_world.app.requests.refuse(_clerk(real_world, service), request_id, chosen, explanation)
    shown = real_world.app.queries.show(real_world[login], request_id)
    request_number, registered_on = shown["number"], _registered_on(real_world, request_id)
    grounds = CATALOG.get(service).refusal_grounds
    texts = {
        lang: _spaced(
            pdf_text(real_world.app.documents.download(real_world[login], number, "pdf", lang).content)
        )
        for lang in ("kk", "ru")
    }
    both = _spaced(pdf_text(real_world.app.documents.download(real_world[login], number).content))
    assert (
        f"Сіздердің {official_date(registered_on, 'kk')} № {request_number} өтінішіңізді қарастырып, "
        "келесіні хабарлайды:"
    ) in texts["kk"]
    assert (
        f"рассмотрев Ваше заявление от {official_date(registered_on, 'ru')} № {request_number}, "
        "сообщает следующее:"
    ) in texts["ru"]
    for ground in grounds:
        if ground.code in chosen:
            assert ground.kk in texts["kk"] and ground.kk not in texts["ru"], ground.code
            assert ground.ru in texts["ru"] and ground.ru not in texts["kk"], ground.code
            assert ground.paragraph["kk"] in texts["kk"] and ground.paragraph["ru"] in texts["ru"]
            assert ground.kk in both and ground.ru in both
        else:
            assert ground.kk not in both and ground.ru not in both, f"{ground.code} was not chosen"
    assert explanation["kk"] in texts["kk"] and explanation["ru"] not in texts["kk"]
    assert explanation["ru"] in texts["ru"] and explanation["kk"] not in texts["ru"]
