"""The per-service kinds: the request form and the survey.

Their schema and example are built from the service definition in
``forms/``; their presenters put the definition's labels (in the document's
language) next to the applicant's values, so the template only lays out rows.
"""

from __future__ import annotations

import copy
from typing import Any

from docgen.domain.catalog import ADDRESS, Service, address_in

__all__ = [
    "present_request",
    "present_survey",
    "present_survey_invitation",
    "service_example",
    "service_schema",
]

DATE = {"type": "string", "format": "date"}
TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
IIN = {"type": "string", "pattern": "^[0-9]{12}$", "format": "kz-iin"}
BIN = {"type": "string", "pattern": "^[0-9]{12}$", "format": "kz-bin"}
#: A survey link as the invitation prints it: an http(s) address ending in ``/survey/<token>``.
SURVEY_ADDRESS = {
    "type": "string",
    "maxLength": 400,
    "pattern": "^https?://[^\\s/]+(/[^\\s]*)?/survey/[A-Za-z0-9_-]{20,}$",
}
CHANNELS = ["portal", "provider", "centre", "local-body"]
#: What an electronic attachment may be (a scan or a PDF), and how large.
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ACTIONS = ["issue", "reissue", "duplicate", "allocate", "withdraw", "register"]


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def _applicant() -> dict[str, Any]:
    schema = _object(
        {
            "kind": {"enum": ["individual", "legal"]},
            "name": TEXT,
            "iin": IIN,
            "bin": BIN,
            "address": ADDRESS,
            "phone": {"type": "string", "pattern": "^\\+?[0-9 ()-]{6,20}$"},
            "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"},
            "head": TEXT,
        },
        ["kind", "name", "address"],
    )
    schema["allOf"] = [
        {"if": {"properties": {"kind": {"const": "legal"}}}, "then": {"required": ["bin"]}},
        {"if": {"properties": {"kind": {"const": "individual"}}}, "then": {"required": ["iin"]}},
    ]
    return schema


def service_schema(kind: str, service: Service) -> dict[str, Any]:
    """JSON Schema of a ``request``, ``survey`` or ``survey-invitation`` for ``service``."""
    header = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{kind}: {service.code}",
    }
    if kind == "survey-invitation":
        return header | _object(
            {
                "service": {"const": service.code},
                "request": TEXT,
                "decided_on": DATE,
                "address": SURVEY_ADDRESS,
            },
            ["service", "request", "decided_on", "address"],
        )
    if kind == "survey":
        answer = {"type": "integer", "enum": [1, 2, 3]}
        return header | _object(
            {
                "service": {"const": service.code},
                "filled_on": DATE,
                "answers": _object({"quality": answer, "information": answer}, []),
            },
            ["service"],
        )
    fields = _object(
        {item.name: item.json_schema() for item in service.fields},
        [item.name for item in service.fields if item.required],
    )
    attachment = _object(
        {
            "code": {"enum": [item.code for item in service.attachments]},
            "form": {"enum": ["paper", "electronic"]},
            "pages": {"type": "integer", "minimum": 1},
            "media_type": {"enum": list(ATTACHMENT_TYPES)},
            "size": {"type": "integer", "minimum": 1, "maximum": MAX_ATTACHMENT_BYTES},
        },
        ["code", "form"],
    )
    representative = _object(
        {
            "name": TEXT,
            "iin": IIN,
            "power_of_attorney": _object(
                {"number": TEXT, "date": DATE, "notarized": {"type": "boolean"}},
                ["number", "date", "notarized"],
            ),
        },
        ["name", "iin", "power_of_attorney"],
    )
    signature = _object(
        {"signer": TEXT, "signed_on": DATE, "method": {"enum": ["ecp", "handwritten"]}},
        ["signer", "signed_on", "method"],
    )
    actions = service.raw.get("actions") or {}
    action = {"enum": list(actions)} if actions else {"enum": ACTIONS}
    return header | _object(
        {
            "service": {"const": service.code},
            "number": TEXT,
            "license_number": TEXT,
            "filed_on": DATE,
            "channel": {"enum": list(service.raw.get("channels") or CHANNELS)},
            "action": action,
            "applicant": _applicant(),
            "representative": representative,
            "fields": fields,
            "attachments": {"type": "array", "items": attachment, "maxItems": 100},
            "signature": signature,
        },
        ["service", "filed_on", "channel", "action", "applicant", "fields", "attachments", "signature"],
    )


def service_example(kind: str, service: Service) -> dict[str, Any]:
    """Valid example data for ``service``, from its definition's ``[example]``."""
    example = copy.deepcopy(dict(service.example))
    if kind == "survey-invitation":
        return {
            "service": service.code,
            "request": "KZ-2026-000123",
            "decided_on": "2026-11-20",
            "address": "https://docgen.example.kz/survey/" + "Xq3" * 14 + "A",
        }
    if kind == "survey":
        return {
            "service": service.code,
            "filled_on": "2026-11-20",
            "answers": {"quality": 3, "information": 2},
        }
    example.setdefault("service", service.code)
    return example


def _display(value: Any, field_type: str, lang: str) -> Any:
    from docgen.documents.locale import format_number, short_date

    if field_type == "date":
        return short_date(value, lang)
    if field_type == "boolean":
        return {"kk": ("Иә", "Жоқ"), "ru": ("Да", "Нет")}[lang][0 if value else 1]
    if field_type in ("integer", "decimal") and not isinstance(value, bool):
        return format_number(value, lang)
    return value


def present_request(data: dict[str, Any], lang: str, service: Service | None) -> dict[str, Any]:
    """Add the service's name and the labelled rows of its own fields."""
    assert service is not None
    values = data["fields"]
    rows = [
        {"label": item.label[lang], "value": _display(item.display(values[item.name], lang), item.type, lang)}
        for item in service.fields
        if values.get(item.name) is not None
    ]
    attachments = [
        {
            "label": service.attachment(entry["code"]).label[lang],
            "form": entry["form"],
            "pages": entry.get("pages"),
        }
        for entry in data["attachments"]
    ]
    applicant = dict(data["applicant"])
    applicant["address"] = address_in(applicant["address"], lang)  # each language its own address
    return data | {
        "applicant": applicant,
        "service_title": service.title[lang],
        "provider": service.provider.name[lang],
        "service_rows": rows,
        "attachment_rows": attachments,
    }


def present_survey(data: dict[str, Any], lang: str, service: Service | None) -> dict[str, Any]:
    """Add the service's name and its seed's own survey text (title, questions, answers).

    Each seed words its survey differently (``forms/surveys.toml``); a service
    whose seed has none there is refused rather than given another seed's words.
    """
    assert service is not None
    if service.survey is None:
        raise KeyError(f"forms/surveys.toml has no survey for seed {service.seed} ({service.code})")
    survey = service.survey
    answers = data.get("answers") or {}
    chosen = (answers.get("quality"), answers.get("information"))
    return data | {
        "service_title": service.title[lang],
        "survey_title": survey.title[lang],
        "service_line": survey.service_line,
        "questions": [
            {
                "text": question[lang],
                "answers": [
                    {"number": number, "text": answer[lang], "checked": chosen[index] == number}
                    for number, answer in enumerate(survey.answers, start=1)
                ],
            }
            for index, question in enumerate(survey.questions)
        ],
        "quality": answers.get("quality"),
        "information": answers.get("information"),
    }


def present_survey_invitation(data: dict[str, Any], lang: str, service: Service | None) -> dict[str, Any]:
    """The slip handed over with a result at a centre: the service's name and its seed's survey
    (title and questions) beside the link's QR code, so a person served in person can answer too."""
    context = present_survey({"service": data["service"]}, lang, service)
    return data | {
        "service_title": context["service_title"],
        "survey_title": context["survey_title"],
        "questions": [question["text"] for question in context["questions"]],
    }
