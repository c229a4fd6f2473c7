"""Example data that could be real: every IIN agrees with its person (birth date of an adult, the
7th digit's century and sex with the patronymic), every BIN has a valid type digit, unit digit and
check digit, quotation marks are balanced, and no two entities share an identifier (nor one
organisation two BINs).

Scanned: the kinds' examples (docgen/documents/examples/*.json), each service's example request
(``[example]`` of forms/*.toml), the providers (forms/providers.toml), the demo users
(docgen/demo.py) and the development PKI's subjects (docgen/signing/pki.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.demo import demo_users
from docgen.domain.catalog import Catalog
from docgen.domain.identifiers import bin_structure, birth_date, iin_sex, is_valid_iin
from docgen.signing import pki

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
EXAMPLES = sorted((PROJECT_ROOT / "docgen" / "documents" / "examples").glob("*.json"))
#: The day the examples are dated around: an adult is 18 to 100 years old on it.
TODAY = dt.date(2026, 12, 1)

_LETTERS = str.maketrans("әғқңөұүһіы", "агкноуухии")
_MALE = ("ұлы", "улы", "вич")
_FEMALE = ("қызы", "кызы", "вна")


@dataclass(frozen=True)
class Entity:
    """A person (``iin``) or an organisation (``bin``) as one example names it."""

    number: str
    kind: str  # "person" | "organisation"
    name: str
    where: str

    @property
    def key(self) -> str:
        """Who this is, whatever the language or spelling: a provider by its code, an organisation by
        its quoted name, a person by surname and given name."""
        if self.kind == "organisation":
            for code, provider in CATALOG.providers().items():
                if self.name in provider.name.values():
                    return f"provider:{code}"
            quoted = re.search(r"«(.+)»", self.name)
            return "org:" + _normal(quoted.group(1) if quoted else self.name)
        return "person:" + " ".join(_normal(self.name).split()[:2])


def _normal(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.lower().translate(_LETTERS)).strip()


def _name(value: Any) -> str:
    """One name of a {kk, ru} text (the Russian: an organisation's quoted name is spelled alike)."""
    return str(value["ru"]) if isinstance(value, Mapping) else str(value)


def _walk(value: Any, where: str) -> Iterator[Entity]:
    """Every object holding a ``bin`` or an ``iin`` beside its ``name`` (or ``head``)."""
    if isinstance(value, Mapping):
        name = value.get("name")
        if value.get("bin") and name:
            yield Entity(str(value["bin"]), "organisation", _name(name), where)
        if value.get("iin") and name:
            yield Entity(str(value["iin"]), "person", _name(name), where)
        for key, item in value.items():
            yield from _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]")


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _sources() -> list[tuple[str, Any]]:
    sources: list[tuple[str, Any]] = [(path.name, json.loads(path.read_text("utf-8"))) for path in EXAMPLES]
    sources += [(f"forms/{service.code}.toml [example]", dict(service.example)) for service in CATALOG]
    return sources


def entities() -> list[Entity]:
    found = [entity for where, data in _sources() for entity in _walk(data, where)]
    for code, provider in CATALOG.providers().items():
        assert provider.bin is not None
        found.append(Entity(provider.bin, "organisation", provider.name["ru"], f"providers.toml {code}"))
    for user in demo_users(CATALOG):
        if user.role != "applicant":  # staff are named by their role: their person is the PKI's
            continue
        person = user.name.split(" (")[0]
        if user.iin:
            found.append(Entity(user.iin, "person", person, f"demo user {user.login}"))
        if user.bin:
            organisation = re.search(r"\((.+)\)", user.name)
            assert organisation, f"demo user {user.login}: name the organisation of BIN {user.bin}"
            found.append(Entity(user.bin, "organisation", organisation.group(1), f"demo user {user.login}"))
    subjects = list(pki.demo_applicants()) + list(getattr(pki, "DEMO_STAFF", {}).values())
    for subject in subjects:
        if subject.iin:
            found.append(Entity(subject.iin, "person", subject.common_name, f"PKI {subject.common_name}"))
        if subject.bin:
            found.append(Entity(subject.bin, "organisation", str(subject.organization), "PKI applicant"))
    for code, (name, _, iin) in pki.DEMO_SIGNERS.items():
        found.append(Entity(iin, "person", name, f"PKI signer of {code}"))
    return found


ENTITIES = entities()


def _problems_of_person(entity: Entity) -> list[str]:
    problems = []
    if not is_valid_iin(entity.number, TODAY):
        return [f"{entity.where}: IIN {entity.number} of {entity.name} is not valid"]
    born = birth_date(entity.number, TODAY)
    assert born is not None
    age = (TODAY - born).days // 365
    if not 18 <= age <= 100:
        problems.append(f"{entity.where}: IIN {entity.number} makes {entity.name} {age} years old")
    words = entity.name.split()
    patronymic = words[2].lower() if len(words) > 2 else ""
    sex = "male" if patronymic.endswith(_MALE) else "female" if patronymic.endswith(_FEMALE) else None
    if sex is None:
        problems.append(f"{entity.where}: {entity.name!r} has no patronymic to tell the IIN's sex by")
    elif iin_sex(entity.number) != sex:
        problems.append(
            f"{entity.where}: IIN {entity.number} (7th digit {entity.number[6]}) says "
            f"{iin_sex(entity.number)}, but {entity.name} is {sex}"
        )
    return problems


def test_the_scan_finds_the_examples_people_and_organisations() -> None:
    numbers = {entity.number for entity in ENTITIES}
    assert {"880501300124", "120340001230", "071140004566", "101240004568"} <= numbers
    assert {provider.bin for provider in CATALOG.providers().values()} <= numbers
    assert len([e for e in ENTITIES if e.where.startswith("PKI signer")]) == len(pki.DEMO_SIGNERS)


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.kind == "person"], ids=lambda e: e.where)
def test_every_iin_agrees_with_its_person(entity: Entity) -> None:
    assert _problems_of_person(entity) == []


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.kind == "organisation"], ids=lambda e: e.where)
def test_every_bin_has_a_valid_type_unit_and_check_digit(entity: Entity) -> None:
    assert bin_structure(entity.number) is not None, f"{entity.where}: BIN {entity.number} of {entity.name}"


def test_no_two_entities_share_an_identifier_and_no_organisation_has_two() -> None:
    holders: dict[str, set[str]] = defaultdict(set)
    numbers: dict[str, set[str]] = defaultdict(set)
    for entity in ENTITIES:
        holders[entity.number].add(entity.key)
        if entity.kind == "organisation":
            numbers[entity.key].add(entity.number)
    assert {number: keys for number, keys in holders.items() if len(keys) > 1} == {}
    assert {key: bins for key, bins in numbers.items() if len(bins) > 1} == {}


@pytest.mark.parametrize(("source", "data"), _sources(), ids=[source for source, _ in _sources()])
def test_quotation_marks_are_balanced(source: str, data: Any) -> None:
    unbalanced = []
    for where, text in _strings(data, source):
        depth = 0
        for char in text:
            depth += {"«": 1, "»": -1}.get(char, 0)
            if depth < 0:
                break
        if depth != 0 or text.count('"') % 2 or text.count("“") != text.count("”"):
            unbalanced.append(f"{where}: {text}")
    assert unbalanced == []


def test_the_checks_catch_what_they_are_for() -> None:
    """The rules above fail on the mistakes they exist for (so a pass means something)."""
    male_as_female = Entity("850715400337", "person", "Есенгалиев Нұрлан Серікұлы", "x")
    assert "says female, but Есенгалиев Нұрлан Серікұлы is male" in _problems_of_person(male_as_female)[0]
    child = Entity("200101500013", "person", "Ахметов Арман Данияұлы", "x")
    assert is_valid_iin(child.number, TODAY) and "6 years old" in _problems_of_person(child)[0]
    assert bin_structure("150620400116") is None  # type digit 2
    kk = Entity("130540013570", "organisation", "«Ақжайық Кабель ТВ» ЖШС", "x")
    ru = Entity("130540013570", "organisation", "ТОО «Акжайык Кабель ТВ»", "y")
    assert kk.key == ru.key
    assert Entity("120340001230", "organisation", "ТОО «Дала Телеком»", "z").key != kk.key
