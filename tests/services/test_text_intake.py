"""A request whose data holds what no document may (a lone surrogate, a control character, a bidi
override, a zero-width character, a look-alike letter, an impossible IIN) is refused when it is
filed, every field at once, and nothing is stored; text that is accepted is stored in NFC."""

from __future__ import annotations

import copy
import json
import unicodedata
from typing import Any

import pytest

from docgen.domain.identifiers import with_check_digit
from docgen.errors import InvalidRequest
from tests.services.conftest import memory_world
from tests.services.test_attacks import refused
from tests.services.world import World


def _file(world: World, data: dict[str, Any], login: str = "dala", service: str = "telecom-license") -> str:
    return world.app.requests.new(world[login], service, "issue", "portal", data)


def _company(world: World, **applicant: Any) -> dict[str, Any]:
    data = copy.deepcopy(world.example("telecom-license"))
    data["applicant"].update(applicant)
    return data


@pytest.mark.parametrize(
    ("char", "ru"),
    [
        ("\ud800", "непарный суррогат U+D800"),
        ("\x07", "управляющий символ U+0007"),
        ("\x9b", "управляющий символ U+009B"),
        ("\ufdd0", "несимвол Юникода U+FDD0"),
        ("\u202e", "направлением текста U+202E"),
        ("\u2067", "направлением текста U+2067"),
        ("\u200b", "нулевой ширины U+200B"),
        ("\ufeff", "нулевой ширины U+FEFF"),
    ],
)
def test_a_request_with_a_refused_character_is_not_filed(char: str, ru: str) -> None:
    world = memory_world()
    data = _company(world, name=f"ТОО «Дала{char} Телеком»")
    error = refused(world, InvalidRequest, lambda: _file(world, data))
    assert isinstance(error, InvalidRequest)
    assert [item.field for item in error.errors] == ["applicant.name"]
    assert ru in error.message("ru") and f"U+{ord(char):04X}" in error.message("kk")
    assert error.message("kk+ru").isprintable()


def test_every_problem_is_reported_at_once_with_the_schema_errors() -> None:
    world = memory_world()
    data = _company(world, name="ТОО «Дaлa Телеком»", head="Ахметов\u200b Данияр")
    data["fields"]["territory"] = "Алматы\u202e"
    del data["applicant"]["address"]
    error = refused(world, InvalidRequest, lambda: _file(world, data))
    assert isinstance(error, InvalidRequest)
    fields = [item.field for item in error.errors]
    assert fields == ["applicant.address", "applicant.head", "applicant.name", "fields.territory"]
    assert "U+0061" in error.errors[2].message("ru")  # the Latin a of «Дaлa»


def test_a_bad_key_is_refused_and_named_safely() -> None:
    world = memory_world()
    data = _company(world)
    data["fields"]["terr\u2066itory"] = "x"
    error = refused(world, InvalidRequest, lambda: _file(world, data))
    assert isinstance(error, InvalidRequest)
    assert "fields.terr\\u2066itory" in [item.field for item in error.errors]


@pytest.mark.parametrize(
    "first_eleven",
    ["88023130012", "30010150012", "88050190012"],  # 31 February, born 2030, no such century
)
def test_an_iin_with_an_impossible_birth_date_is_refused(first_eleven: str) -> None:
    world = memory_world()
    data = copy.deepcopy(world.example("radio-device-permit"))
    data["applicant"]["iin"] = with_check_digit(first_eleven)
    error = refused(world, InvalidRequest, lambda: _file(world, data, "person", "radio-device-permit"))
    assert isinstance(error, InvalidRequest)
    assert [item.field for item in error.errors] == ["applicant.iin"]
    assert "даты рождения" in error.message("ru")


def test_text_is_stored_in_nfc_with_lf_line_ends() -> None:
    world = memory_world()
    name = "ТОО «Дала Телеком» Әбілқайыр Йошкар"
    data = _company(world, name=unicodedata.normalize("NFD", name))
    data["fields"]["network_description"] = "бірінші жол\r\nекінші жол"
    request_id = _file(world, data)
    stored = json.loads(world.app.requests.payload(world["dala"], request_id))
    text = json.dumps(stored, ensure_ascii=False)
    assert name in text and "бірінші жол\\nекінші жол" in text and "\\r" not in text
    # and the request goes on: it can be submitted, its payload encoded, as any other
    assert world.app.requests.submit(world["dala"], request_id) in ("awaiting-payment", "submitted")
