"""What a person types into a request, as distinct from the printed request form.

The printed form (the ``request`` kind) also carries what only the system
knows: the service, channel and action being asked for, the filing date, the
request number given at registration and the signature block. Those are the
system's to add; a person who sends them is told the field is unknown, so a
filing date or a number cannot be made up.
"""

from __future__ import annotations

import copy
from typing import Any

from docgen.documents import get_kind
from docgen.domain.catalog import Service

__all__ = ["SYSTEM_FIELDS", "intake_example", "intake_schema"]

#: Fields of the printed form that the system fills in, never the applicant.
SYSTEM_FIELDS = ("service", "channel", "action", "filed_on", "number", "signature")


def intake_schema(service: Service) -> dict[str, Any]:
    """JSON Schema of what is typed into a request for ``service``."""
    schema = copy.deepcopy(get_kind("request").schema(service))
    for name in SYSTEM_FIELDS:
        schema["properties"].pop(name, None)
    # Typed in, a document can only be listed as handed over on paper: an electronic one is attached
    # (its bytes checked, its SHA-256 in the history) by the attach use case, never just claimed.
    item = schema["properties"]["attachments"]["items"]
    item["properties"] = {
        "code": item["properties"]["code"],
        "form": {"const": "paper"},
        "pages": item["properties"]["pages"],
    }
    schema["required"] = [name for name in schema["required"] if name not in (*SYSTEM_FIELDS, "attachments")]
    schema["title"] = f"request intake: {service.code}"
    return schema


def intake_example(service: Service) -> dict[str, Any]:
    """The service's example request as a person would type it (the documents it lists as handed
    over on paper; the electronic ones are attached as files)."""
    example = get_kind("request").example(service)
    typed = {name: value for name, value in example.items() if name not in SYSTEM_FIELDS}
    typed["attachments"] = [item for item in typed.get("attachments", []) if item.get("form") == "paper"]
    return typed
