"""The clerk's decision: what an output document needs that a request cannot carry.

A request says what the applicant asks for; the document that decides it also
says what the provider decided: the licensed activity's sub-types and the
objects of a license and its annex, the radio service, frequencies, sites and
equipment of a permit, the numbering resource an order allocates or withdraws.
The clerk gives this as a *decision*, checked here against a per-service,
per-action JSON Schema before anything is numbered.

The data that varies by service is in the service's definition
(``forms/<code>.toml``, its ``[decision]`` table):

``form``
    ``license``, ``permit`` or ``numbering``: which schema the decision has.
``activity``
    (license) the licensed activity {kk, ru}, printed as «Қызмет түрі / Вид деятельности».
``subtypes``
    (license) the sub-types the clerk chooses from: ``code``, ``kk``, ``ru``.
``objects``
    (license) ``"required"`` when the annex must list the objects (with addresses)
    of the activity, ``"optional"`` when it may; absent: the decision names none.
``radio_services``
    (permit) the radio services the clerk chooses from: ``code``, ``kk``, ``ru``.
``example.<action>``
    an example decision for every action but ``duplicate``.

The shapes of the decision's parts (bands, sites, equipment, objects, numbering
resources) are the output kinds' own (their JSON Schemas), so a decision that
passes here makes valid document data. A service without ``[decision]`` (the
foreign media registration: its certificate is fully determined by the
request) and a duplicate (a copy of the original) take no decision.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from docgen.documents import get_kind
from docgen.documents.validation import clean, problems
from docgen.domain.catalog import Service
from docgen.errors import DecisionMissing, InvalidData, InvalidDecision, MissingField

__all__ = [
    "FORMS",
    "check",
    "decision_example",
    "decision_problems",
    "decision_required",
    "decision_schema",
    "resolve",
]

#: What a decision's ``form`` may be, and the output kind whose schema its parts come from.
FORMS = {"license": "license-annex", "permit": "permit", "numbering": "numbering-order"}

_TEXT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kk", "ru"],
    "properties": {
        "kk": {"type": "string", "minLength": 1, "maxLength": 5000},
        "ru": {"type": "string", "minLength": 1, "maxLength": 5000},
    },
}


def _definition(service: Service) -> Mapping[str, Any]:
    return service.raw.get("decision") or {}


def decision_required(service: Service, action: str) -> bool:
    """Whether issuing ``action`` of ``service`` needs the clerk's decision."""
    return bool(_definition(service)) and action != "duplicate"


def _choices(definition: Mapping[str, Any], name: str) -> list[str]:
    return [str(item["code"]) for item in definition.get(name, ())]


def decision_schema(service: Service, action: str) -> dict[str, Any]:
    """JSON Schema of the decision issuing ``action`` of ``service`` takes."""
    definition = _definition(service)
    title = f"decision: {service.code} {action}"
    if not decision_required(service, action):
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
            "description": "No decision: the document is fully determined by the request (or is a copy).",
            "type": "object",
            "additionalProperties": False,
            "properties": {},
        }
    form = str(definition.get("form"))
    output = get_kind(FORMS[form]).schema()
    parts = output["properties"]
    properties: dict[str, Any]
    required: list[str]
    if form == "license":
        properties = {
            "subtypes": {
                "description": "Sub-types of the licensed activity, by code, from the service's list",
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": _choices(definition, "subtypes")},
            },
            "special_conditions": {
                "$ref": "#/$defs/text",
                "description": "Special conditions of the license (Law on Licensing, art. 9); absent: none",
            },
        }
        required = ["subtypes"]
        objects = definition.get("objects")
        if objects in ("required", "optional"):
            properties["objects"] = parts["objects"]
            if objects == "required":
                required.append("objects")
    elif form == "permit":
        properties = {
            "radio_service": {
                "description": "The radio service, by code, from the service's list",
                "enum": _choices(definition, "radio_services"),
            },
            "purpose": {"$ref": "#/$defs/text", "description": "Purpose of use"},
            "valid_until": parts["valid_until"],
            "bands": parts["bands"],
            "sites": parts["sites"],
            "equipment": parts["equipment"],
        }
        required = ["radio_service", "purpose", "bands", "sites", "equipment"]
    elif form == "numbering":
        properties = {"resources": parts["resources"]}
        required = ["resources"]
    else:  # pragma: no cover - a definition error, caught by the catalog's tests
        raise ValueError(f"{service.code}: unknown decision form {form!r}")
    defs = copy.deepcopy(output.get("$defs", {})) | {"text": _TEXT}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "$defs": defs,
        "properties": copy.deepcopy(properties),
    }


def decision_example(service: Service, action: str) -> dict[str, Any]:
    """The service's example decision for ``action`` (``{}`` where no decision is taken)."""
    if not decision_required(service, action):
        return {}
    example = (_definition(service).get("example") or {}).get(action)
    if example is None:  # pragma: no cover - a definition error, caught by the catalog's tests
        raise ValueError(f"{service.code}: no example decision for {action}")
    return copy.deepcopy(dict(example))


def decision_problems(service: Service, action: str, decision: Any) -> list[InvalidData]:
    """Every wrong field of ``decision`` at once (an empty list when it is right).

    Besides the schema: an equipment row's ``site`` must be the number of a site
    the decision lists; a decision is refused where none is taken, and its
    absence where one is needed is named as the missing ``decision``.
    """
    if decision is None or decision == {}:
        if decision_required(service, action):
            return [MissingField(kind="decision", field=f"decision ({service.code} {action})")]
        return []
    found = problems("decision", decision_schema(service, action), clean(decision))
    if not isinstance(decision, dict):
        return found
    sites = decision.get("sites")
    for index, row in enumerate(decision.get("equipment") or []):
        site = row.get("site") if isinstance(row, dict) else None
        named = f"equipment.{index}.site"
        if isinstance(site, int) and isinstance(sites, list) and site > len(sites):
            found = [problem for problem in found if problem.field != named]
            found.append(
                InvalidData(
                    kind="decision",
                    field=named,
                    problem={
                        "kk": f"{site}-орын шешімде жоқ (орындар саны {len(sites)})",
                        "ru": f"места № {site} в решении нет (мест: {len(sites)})",
                    },
                )
            )
    return found


def check(service: Service, action: str, decision: Any) -> dict[str, Any]:
    """The decision in its stored form (NFC): :class:`DecisionMissing` where one is needed and none
    is given, :class:`InvalidDecision` naming every bad field otherwise."""
    if (decision is None or decision == {}) and decision_required(service, action):
        raise DecisionMissing(service=service.code, action=action)
    found = decision_problems(service, action, decision)
    if found:
        raise InvalidDecision(found)
    return dict(clean(decision or {}))


def _label(definition: Mapping[str, Any], name: str, code: str) -> dict[str, str]:
    item = next(item for item in definition.get(name, ()) if str(item["code"]) == code)
    return {"kk": str(item["kk"]), "ru": str(item["ru"])}


def resolve(service: Service, decision: Mapping[str, Any]) -> dict[str, Any]:
    """The checked decision as document data: codes turned into their kk and ru labels, and the
    licensed activity added. What :func:`docgen.documents.from_request.document_data` reads."""
    definition = _definition(service)
    if not decision or not definition:
        return {}
    form = definition.get("form")
    resolved = copy.deepcopy(dict(decision))
    if form == "license":
        resolved["activity"] = {
            "kk": str(definition["activity"]["kk"]),
            "ru": str(definition["activity"]["ru"]),
        }
        resolved["subtypes"] = [_label(definition, "subtypes", code) for code in decision["subtypes"]]
    elif form == "permit":
        resolved["radio_service"] = _label(definition, "radio_services", decision["radio_service"])
    return resolved
