"""The OpenAPI 3.1 description of the JSON API (:mod:`docgen.web.api`), served at
``/api/v1/openapi.json``. Written as data; a test checks that every route of the API is described
here and that nothing is described that is not a route."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["description"]

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/E{status}"} for status in statuses}


def _body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {_JSON: {"schema": schema}}}


def _obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


_STR = {"type": "string"}
_NULLABLE_STR = {"type": ["string", "null"]}
_BILINGUAL = _obj({"kk": _STR, "ru": _STR}, ("kk", "ru"))
_REQUEST_ID = {"$ref": "#/components/parameters/request_id"}
_NUMBER = {"$ref": "#/components/parameters/number"}
_AUTHENTICATED: list[dict[str, Any]] = [{"basic": []}]
_PUBLIC: list[dict[str, Any]] = []


_FILE = {
    "description": "the file (Content-Disposition names it; X-Docgen-Copy says whether it is a copy)",
    "content": {
        "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string"}
        },
        "text/html": {"schema": {"type": "string"}},
    },
}
_FORMAT = {
    "name": "format",
    "in": "query",
    "schema": {"type": "string", "enum": ["pdf", "docx", "html"], "default": "pdf"},
}
_LANGUAGE = {
    "name": "language",
    "in": "query",
    "description": "the document's language (lang is the messages'): kk+ru with pdf is the signed original, "
    "anything else a copy",
    "schema": {"type": "string", "enum": ["kk+ru", "kk", "ru"], "default": "kk+ru"},
}


def _op(
    summary: str,
    responses: dict[str, Any],
    *,
    tag: str,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    public: bool = False,
    description: str | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": [{"$ref": "#/components/parameters/lang"}, *(parameters or [])],
        "security": _PUBLIC if public else _AUTHENTICATED,
        "responses": responses | _errors(*([] if public else [401]), 429),
    }
    if description:
        op["description"] = description
    if body is not None:
        op["requestBody"] = body
    return op


def _step(summary: str, body: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A step on a request, answered with the request as it now is."""
    return _op(
        summary,
        {"200": _json(_ref("Request"), "the request after the step")} | _errors(400, 403, 404, 409),
        tag="requests",
        parameters=[_REQUEST_ID],
        body=body,
        **extra,
    )


def _decided(summary: str, body: dict[str, Any], description: str) -> dict[str, Any]:
    """A step that issues (or hands over) a document: its number and the request."""
    schema = _obj({"document": _NULLABLE_STR, "request": _ref("Request")}, ("document", "request"))
    return _op(
        summary,
        {"200": _json(schema, "the document's number and the request")} | _errors(400, 403, 404, 409),
        tag="requests",
        parameters=[_REQUEST_ID],
        body=body,
        description=description,
    )


_PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": _op(
            "This description",
            {"200": _json({"type": "object"}, "OpenAPI 3.1")},
            tag="meta",
            public=True,
        )
    },
    "/services": {
        "get": _op(
            "The catalog of services",
            {"200": _json(_obj({"services": {"type": "array", "items": _ref("Service")}}), "services")},
            tag="catalog",
            public=True,
        )
    },
    "/services/{code}": {
        "get": _op(
            "One service: what a person fills in (JSON Schema), an example, the refusal grounds",
            {"200": _json(_ref("ServiceDetail"), "the service")} | _errors(404),
            tag="catalog",
            parameters=[{"$ref": "#/components/parameters/code"}],
            public=True,
        )
    },
    "/services/{code}/decisions/{action}": {
        "get": _op(
            "The clerk's decision for issuing an action of the service: JSON Schema and example",
            {"200": _json(_obj({"schema": {"type": "object"}, "example": {"type": "object"}}), "decision")}
            | _errors(404),
            tag="catalog",
            parameters=[
                {"$ref": "#/components/parameters/code"},
                {"name": "action", "in": "path", "required": True, "schema": _STR},
            ],
            public=True,
        )
    },
    "/me": {
        "get": _op(
            "Who the credentials name",
            {"200": _json(_ref("User"), "the user")},
            tag="users",
        )
    },
    "/requests": {
        "get": _op(
            "The caller's requests: an applicant's history of services, an operator's centre's",
            {"200": _json(_obj({"requests": {"type": "array", "items": _ref("RequestSummary")}}), "list")},
            tag="requests",
        ),
        "post": _op(
            "File a request (a draft)",
            {
                "201": {
                    **_json(_ref("Request"), "the draft; Location names it"),
                    "headers": {"Location": {"schema": _STR}},
                }
            }
            | _errors(400, 403),
            tag="requests",
            body=_body(
                _obj(
                    {
                        "service": _STR,
                        "action": {
                            "type": "string",
                            "description": "one of the service's actions; default its first (issue, "
                            "or register)",
                        },
                        "channel": {
                            "type": "string",
                            "description": "default: portal for an applicant, centre for an operator; "
                            "a clerk names provider or local-body",
                        },
                        "data": {
                            "type": "object",
                            "description": "what a person types: GET /services/{code} gives its "
                            "intake_schema and intake_example",
                        },
                    },
                    ("service", "data"),
                )
            ),
            description="Every bad field of data is named at once in error.fields (400). A reissue or "
            "duplicate names its license in data.license_number.",
        ),
    },
    "/requests/{request_id}": {
        "get": _op(
            "State, number, due date, outcome, history and documents",
            {"200": _json(_ref("Request"), "the request")} | _errors(404),
            tag="requests",
            parameters=[_REQUEST_ID],
            description="Someone else's request answers 404, exactly as one that does not exist.",
        )
    },
    "/requests/{request_id}/attachments": {
        "post": _op(
            "Attach a file (PDF, JPEG or PNG, recognised by its bytes)",
            {
                "201": _json(
                    _obj({"sha256": _STR, "request": _ref("Request")}, ("sha256", "request")),
                    "the file's SHA-256 and the request",
                )
            }
            | _errors(400, 403, 404, 409, 413),
            tag="requests",
            parameters=[_REQUEST_ID],
            body={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": _obj(
                            {
                                "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                                "code": {"type": "string", "description": "the service's attachment code"},
                                "media_type": {
                                    "type": "string",
                                    "description": "default: the part's Content-Type",
                                },
                            },
                            ("file", "code"),
                        )
                    },
                    _JSON: {
                        "schema": _obj(
                            {
                                "code": _STR,
                                "name": _STR,
                                "media_type": {
                                    "type": "string",
                                    "enum": ["application/pdf", "image/jpeg", "image/png"],
                                },
                                "content_base64": {"type": "string", "contentEncoding": "base64"},
                            },
                            ("code", "name", "media_type", "content_base64"),
                        )
                    },
                },
            },
            description="multipart/form-data (recommended) or JSON with the bytes in base64. A file larger "
            "than DOCGEN_MAX_ATTACHMENT_MB answers 413 and nothing is stored.",
        )
    },
    "/requests/{request_id}/submit": {"post": _step("Submit the draft")},
    "/requests/{request_id}/check-originals": {
        "post": _step("The local body's officer has checked the originals (seed 004)")
    },
    "/requests/{request_id}/payment": {
        "post": _op(
            "Open a payment order at the gateway (portal)",
            {
                "201": _json(
                    _obj({"order": _ref("PaymentOrder"), "request": _ref("Request")}, ("order", "request")),
                    "the order: pay it at the gateway, whose signed callback records the payment",
                )
            }
            | _errors(400, 403, 404, 409),
            tag="payments",
            parameters=[_REQUEST_ID],
        )
    },
    "/payments/callback": {
        "post": _op(
            "The payment gateway's callback",
            {
                "200": _json(
                    _obj({"state": _STR}, ("state",)), "the request's state (a replay changes nothing)"
                )
            }
            | _errors(400, 403),
            tag="payments",
            parameters=[
                {
                    "name": "X-Payment-Signature",
                    "in": "header",
                    "required": True,
                    "description": "HMAC-SHA256 (hex) of the body under the gateway's shared secret",
                    "schema": _STR,
                }
            ],
            body=_body(
                _obj(
                    {"request_id": _STR, "amount": _STR, "reference": _STR, "paid_at": _STR},
                    ("request_id", "amount", "reference", "paid_at"),
                )
            ),
            public=True,
            description="Called by the gateway, not by a user: authenticated by its signature (a wrong one "
            "answers 403 payment-rejected). Accepted only for an order this system opened, for its amount.",
        )
    },
    "/requests/{request_id}/receipt": {
        "post": _step(
            "Record a paper payment receipt (clerk or operator, assisted channels)",
            _body(_obj({"receipt": _STR}, ("receipt",))),
            description="A receipt number already recorded for another request answers 409.",
        )
    },
    "/requests/{request_id}/refuse-unpaid": {
        "post": _step("The payment did not come (clerk or operator, assisted channels)")
    },
    "/requests/{request_id}/payload": {
        "get": _op(
            "The exact bytes to sign",
            {
                "200": {
                    "description": "canonical JSON (UTF-8, sorted keys, no spaces): sign these bytes as they "
                    "are, as a detached CMS (docgen sign-request)",
                    "content": {_JSON: {"schema": {"type": "object"}}},
                }
            }
            | _errors(403, 404),
            tag="signing",
            parameters=[_REQUEST_ID],
        )
    },
    "/requests/{request_id}/signature": {
        "post": _op(
            "Sign: the detached CMS (.p7s) over the payload; a signature that holds registers the request",
            {"200": _json(_ref("Request"), "the request (registered, or refused if not confirmed)")}
            | _errors(400, 403, 404, 409),
            tag="signing",
            parameters=[_REQUEST_ID],
            body=_body(
                _obj({"signature": {"type": "string", "contentEncoding": "base64", "description": "DER"}}),
                required=False,
            ),
            description="signature-not-for-request (400) when it covers other bytes; nothing is stored.",
        )
    },
    "/requests/{request_id}/issue": {
        "post": _decided(
            "Issue (the clerk), with the decision",
            _body(_obj({"decision": {"type": "object"}}), required=False),
            "The decision is checked against GET /services/{code}/decisions/{action} (every bad field "
            "named at once, before a number is taken). A service paid after review is approved first "
            "(document null).",
        )
    },
    "/requests/{request_id}/refuse": {
        "post": _decided(
            "Refuse (the clerk), citing the regulation's grounds",
            _body(
                _obj(
                    {
                        "grounds": {"type": "array", "items": _STR, "minItems": 1},
                        "explanation": _BILINGUAL,
                    },
                    ("grounds",),
                )
            ),
            "The grounds' codes are the service's refusal_grounds (GET /services/{code}); the reasoned "
            "refusal is issued as a signed document.",
        )
    },
    "/requests/{request_id}/hand-over": {
        "post": _decided(
            "Hand the result over where it was filed",
            _body(_obj({"method": {"type": "string", "enum": ["in-person", "e-mail"]}}), required=False),
            "On channels whose steps include hand-over; each document once.",
        )
    },
    "/requests/{request_id}/documents": {
        "get": _op(
            "The request's documents",
            {"200": _json(_obj({"documents": {"type": "array", "items": _ref("Document")}}), "documents")}
            | _errors(404),
            tag="documents",
            parameters=[_REQUEST_ID],
        )
    },
    "/requests/{request_id}/form": {
        "get": _op(
            "The request as filed, printed: its number, what was typed, the attachments, who signed it",
            {"200": _FILE} | _errors(400, 404, 409),
            tag="documents",
            parameters=[_REQUEST_ID, _FORMAT, _LANGUAGE],
            description="Once the request is signed (409 before). Never an original: the signed request "
            "is the CMS signature over its data.",
        )
    },
    "/queue": {
        "get": _op(
            "A clerk's queue: overdue first, then due soon, then by due date",
            {"200": _json(_obj({"requests": {"type": "array", "items": _ref("RequestSummary")}}), "queue")}
            | _errors(400, 403),
            tag="lists",
            parameters=[{"$ref": "#/components/parameters/soon"}],
        )
    },
    "/overdue": {
        "get": _op(
            "Undecided requests past (or within soon days of) their due date: a clerk's, an admin's",
            {"200": _json(_obj({"requests": {"type": "array", "items": _ref("RequestSummary")}}), "list")}
            | _errors(400, 403),
            tag="lists",
            parameters=[{"$ref": "#/components/parameters/soon"}],
        )
    },
    "/notifications": {
        "get": _op(
            "The messages sent to the applicant",
            {"200": _json(_obj({"notifications": {"type": "array", "items": {"type": "object"}}}), "list")}
            | _errors(403),
            tag="lists",
        )
    },
    "/documents/{number}": {
        "get": _op(
            "Download a document: the signed original, or a copy marked as one",
            {"200": _FILE} | _errors(400, 404),
            tag="documents",
            parameters=[_NUMBER, _FORMAT, _LANGUAGE],
            description="Recorded in the request's history. A document the caller may not have answers 404, "
            "exactly as one that does not exist.",
        )
    },
    "/documents/{number}/status": {
        "post": _op(
            "Change a license's registry status (the clerk of its provider)",
            {"200": _json(_obj({"number": _STR, "status": _STR}, ("number", "status")), "the new status")}
            | _errors(400, 404),
            tag="documents",
            parameters=[_NUMBER],
            body=_body(
                _obj(
                    {
                        "status": {"type": "string", "enum": ["active", "suspended", "terminated"]},
                        "reason": _STR,
                    },
                    ("status", "reason"),
                )
            ),
        )
    },
    "/check/{number}": {
        "get": _op(
            "Is this a document this system issued, and in force? By the QR code's h, or by the holder",
            {"200": _json(_ref("Verdict"), "the verdict")} | _errors(400, 404),
            tag="check",
            parameters=[
                _NUMBER,
                {"name": "h", "in": "query", "description": "the QR code's h", "schema": _STR},
                {"name": "holder", "in": "query", "description": "the holder's IIN or BIN", "schema": _STR},
            ],
            public=True,
            description="Give h, or holder, or both. Found by holder alone, the verdict has no matches.",
        ),
        "post": _op(
            "Is this file exactly the document issued under the number?",
            {"200": _json(_ref("Verdict"), "the verdict; matches says whether the bytes are the same")}
            | _errors(400, 404, 413),
            tag="check",
            parameters=[_NUMBER],
            body={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": _obj(
                            {
                                "file": {"type": "string", "contentMediaType": "application/pdf"},
                                "holder": _STR,
                            },
                            ("file",),
                        )
                    }
                },
            },
            public=True,
        ),
    },
}


def _error_response(status: int, text: str) -> dict[str, Any]:
    return _json(_ref("Error"), text)


_COMPONENTS: dict[str, Any] = {
    "securitySchemes": {
        "basic": {
            "type": "http",
            "scheme": "basic",
            "description": "login and password, checked on every call (no session, no cookie)",
        }
    },
    "parameters": {
        "lang": {
            "name": "lang",
            "in": "query",
            "description": "the language of error messages; default: Accept-Language, else kk",
            "schema": {"type": "string", "enum": ["kk", "ru"]},
        },
        "request_id": {"name": "request_id", "in": "path", "required": True, "schema": _STR},
        "number": {"name": "number", "in": "path", "required": True, "schema": _STR},
        "code": {
            "name": "code",
            "in": "path",
            "required": True,
            "description": "the service's code",
            "schema": _STR,
        },
        "soon": {
            "name": "soon",
            "in": "query",
            "description": "days before the due date that count as due soon",
            "schema": {"type": "integer", "minimum": 0, "maximum": 365},
        },
    },
    "responses": {
        "E400": _error_response(400, "bad input: error.fields names every bad field"),
        "E401": {
            **_error_response(401, "no credentials, or wrong ones"),
            "headers": {"WWW-Authenticate": {"schema": _STR}},
        },
        "E403": _error_response(403, "the caller's role may not do this"),
        "E404": _error_response(404, "no such thing, or not the caller's"),
        "E409": _error_response(409, "not possible in the request's present state"),
        "E413": _error_response(413, "too large"),
        "E429": _error_response(429, "too many calls: rate-limited"),
    },
    "schemas": {
        "Error": _obj(
            {
                "error": _obj(
                    {
                        "code": {"type": "string", "description": "stable, e.g. invalid-request"},
                        "message": {"type": "string", "description": "in the requested language"},
                        "fields": {
                            "type": "array",
                            "items": _obj(
                                {"field": _STR, "code": _STR, "message": _STR}, ("field", "code", "message")
                            ),
                        },
                    },
                    ("code", "message"),
                )
            },
            ("error",),
        ),
        "User": _obj(
            {
                "login": _STR,
                "role": {"type": "string", "enum": ["applicant", "clerk", "operator", "admin"]},
                "name": _STR,
                "iin": _NULLABLE_STR,
                "bin": _NULLABLE_STR,
                "provider": _NULLABLE_STR,
                "centre": _NULLABLE_STR,
            }
        ),
        "Service": _obj(
            {
                "code": _STR,
                "title": _BILINGUAL,
                "seed": _STR,
                "provider": _obj({"code": _STR, "name": _BILINGUAL}),
                "actions": {
                    "type": "array",
                    "items": _obj({"name": _STR, "deadline_days": {"type": "integer"}, "day_kind": _STR}),
                },
                "channels": {"type": "array", "items": _STR},
                "payment": _obj({"when": _STR, "fee": _NULLABLE_STR}),
                "outputs": {"type": "array", "items": _STR},
                "attachments": {
                    "type": "array",
                    "items": _obj({"code": _STR, "label": _BILINGUAL, "required": {"type": "boolean"}}),
                },
            }
        ),
        "ServiceDetail": {
            "allOf": [
                _ref("Service"),
                _obj(
                    {
                        "intake_schema": {"type": "object"},
                        "intake_example": {"type": "object"},
                        "refusal_grounds": {"type": "array", "items": {"type": "object"}},
                    }
                ),
            ]
        },
        "RequestSummary": _obj(
            {
                "id": _STR,
                "service": _STR,
                "title": _BILINGUAL,
                "action": _STR,
                "channel": _STR,
                "state": _STR,
                "state_label": _BILINGUAL,
                "number": _NULLABLE_STR,
                "holder": _STR,
                "applicant": _STR,
                "filed_on": _NULLABLE_STR,
                "registered": _NULLABLE_STR,
                "due": _NULLABLE_STR,
                "overdue": {"type": "boolean"},
                "due_soon": {"type": "boolean"},
            }
        ),
        "Request": {
            "allOf": [
                _ref("RequestSummary"),
                _obj(
                    {
                        "outcome": {"type": ["object", "null"]},
                        "signature_check": {"type": ["object", "null"]},
                        "history": {"type": "array", "items": {"type": "object"}},
                        "documents": {
                            "type": "array",
                            "items": _obj({"kind": _STR, "number": _STR, "sha256": _STR, "status": _STR}),
                        },
                    }
                ),
            ]
        },
        "PaymentOrder": _obj({"request_id": _STR, "amount": _STR, "reference": _STR}),
        "Document": _obj(
            {
                "kind": _STR,
                "number": _STR,
                "sha256": _STR,
                "status": _STR,
                "duplicate": {"type": "boolean"},
                "version": {"type": "integer"},
            }
        ),
        "Verdict": _obj(
            {
                "number": _STR,
                "kind": _STR,
                "status": _STR,
                "issued": _STR,
                "sha256": _STR,
                "provider": _STR,
                "matches": {"type": "boolean"},
                "duplicate_of": _STR,
            }
        ),
    },
}


def description() -> dict[str, Any]:
    """The OpenAPI 3.1 document (a fresh copy each time)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "docgen API",
                "version": "1",
                "description": "The JSON API of docgen: the same actions as the pages. Authenticate each "
                "call with HTTP Basic (no cookies, no CSRF token). Errors are "
                '{"error": {"code", "message", "fields"}}, the message in ?lang=kk|ru or the '
                "Accept-Language language (default kk). A request or document that is not the caller's "
                "answers 404 exactly as one that does not exist.",
            },
            "servers": [{"url": "/api/v1"}],
            "paths": _PATHS,
            "components": _COMPONENTS,
        }
    )
