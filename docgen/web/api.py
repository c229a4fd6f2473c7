"""The JSON API under ``/api/v1``: the same actions as the pages, for programs.

Every call but the catalog, the public document check and the payment gateway's callback names its
user with HTTP Basic (login and password, checked by :meth:`UserService.authenticate`, Argon2, and
then recognised for a few minutes without it: :mod:`docgen.web.credentials`; no cookie, so no CSRF
token either). Each view parses the request, calls one use case and answers
JSON; every rule of who may do what is the use case's. Errors are one shape::

    {"error": {"code": "<stable code>", "message": "<kk or ru>", "fields": [...]}}

in the language of ``?lang=kk|ru``, else the ``Accept-Language`` header, else Kazakh; ``fields``
(each ``{"field", "code", "message"}``) when the error names fields. A request that is not the
caller's answers exactly as one that does not exist (404). The OpenAPI description of all this is
``/api/v1/openapi.json`` (:mod:`docgen.web.openapi`).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from docgen.errors import (
    AttachmentRejected,
    DatabaseNotReady,
    DatabaseUnavailable,
    DocgenError,
    DocumentNotFound,
    DomainRefusal,
    InvalidData,
    InvalidRequest,
    MissingField,
    NotAllowed,
    OutputFailed,
    PaymentRejected,
    PkiError,
    RenderFailed,
    RenderTimeout,
    RequestNotFound,
    SignatureServiceUnavailable,
    SigningFailed,
    SigningKeyError,
    UnknownAction,
    UnknownService,
    UnknownUser,
    UserDisabled,
    WrongCredentials,
)
from docgen.web import CREDENTIALS, services
from docgen.web.credentials import VerifiedCredentials
from docgen.web.security import csrf, limiter

if TYPE_CHECKING:
    from docgen.domain.users import User

__all__ = [
    "API_AUTH_FAILURE_LIMIT",
    "API_CHECK_LIMIT",
    "API_LIMIT",
    "LANGS",
    "SIGNATURE_HEADER",
    "bp",
    "check_bp",
    "error_body",
    "language",
]

PREFIX = "/api/v1"
LANGS = ("kk", "ru")
#: The header that carries the payment gateway's HMAC-SHA256 (hex) of the callback's body.
SIGNATURE_HEADER = "X-Payment-Signature"
#: Calls from one address to the whole API (``API_RATE_LIMIT`` in the Flask config overrides it).
API_LIMIT = "300 per minute"
#: Calls answered 401 (wrong or missing credentials) from one address: password guessing stops here.
API_AUTH_FAILURE_LIMIT = "10 per minute"
#: Public document checks from one address (as the verification page's).
API_CHECK_LIMIT = "30 per minute"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
#: The public document check: its own, stricter rate limit.
check_bp = Blueprint("check", __name__, url_prefix="/check")

F = TypeVar("F", bound=Callable[..., Any])


# -- the API's own errors (the use cases' are docgen.errors) ---------------------------------------


class ApiError(DocgenError):
    code = "api"


class Unauthenticated(ApiError):
    code = "unauthenticated"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Кіру деректері керек: логин мен құпиясөз (HTTP Basic)",
        "ru": "Нужны учётные данные: логин и пароль (HTTP Basic)",
    }


class NoSuchEndpoint(ApiError):
    code = "not-found"
    messages: ClassVar[dict[str, str]] = {
        "kk": "API-де мұндай мекенжай жоқ: {path}",
        "ru": "В API нет такого адреса: {path}",
    }


class MethodNotSupported(ApiError):
    code = "method-not-allowed"
    messages: ClassVar[dict[str, str]] = {
        "kk": "{method} әдісі бұл мекенжайда қолданылмайды (болады: {allowed})",
        "ru": "Метод {method} по этому адресу не поддерживается (допустимы: {allowed})",
    }


class TooLarge(ApiError):
    code = "too-large"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Сұраныс тым үлкен: ең көбі {limit} МБ",
        "ru": "Запрос слишком велик: не более {limit} МБ",
    }


class RateLimited(ApiError):
    code = "rate-limited"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Сұраныстар тым жиі ({limit}): кейінірек қайталаңыз",
        "ru": "Слишком много запросов ({limit}): повторите позже",
    }


class BadBody(ApiError):
    code = "bad-body"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Сұраныс денесі оқылмайды: {problem}",
        "ru": "Тело запроса не читается: {problem}",
    }


class HttpError(ApiError):
    code = "http-error"
    messages: ClassVar[dict[str, str]] = {"kk": "HTTP қатесі {status}", "ru": "Ошибка HTTP {status}"}


class InternalError(ApiError):
    code = "internal-error"
    messages: ClassVar[dict[str, str]] = {
        "kk": "Сервердің ішкі қатесі: әрекет орындалмады",
        "ru": "Внутренняя ошибка сервера: действие не выполнено",
    }


class Problem(Exception):
    """A use case's error answered with a status other than its usual one (as the endpoint knows)."""

    def __init__(self, error: DocgenError, status: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.status = status


_JSON_OBJECT = {"kk": "JSON нысаны керек", "ru": "нужен объект JSON"}

#: HTTP status by error class, most specific first; anything else a use case refuses is bad input.
_STATUSES: tuple[tuple[type[DocgenError], int], ...] = (
    (Unauthenticated, 401),
    (WrongCredentials, 401),
    (UserDisabled, 401),
    (UnknownUser, 401),
    (NoSuchEndpoint, 404),
    (RequestNotFound, 404),
    (DocumentNotFound, 404),
    (MethodNotSupported, 405),
    (TooLarge, 413),
    (RateLimited, 429),
    (NotAllowed, 403),
    (DatabaseUnavailable, 503),
    (DatabaseNotReady, 503),
    (SignatureServiceUnavailable, 503),
    (RenderTimeout, 503),
    (RenderFailed, 500),
    (SigningFailed, 500),
    (SigningKeyError, 500),
    (PkiError, 500),
    (OutputFailed, 500),
    (InternalError, 500),
)
#: A domain rule's refusal, by the domain error's code.
_DOMAIN_STATUSES = {"illegal-transition": 409, "broken-history": 409, "actor-not-allowed": 403}


def status_of(error: DocgenError) -> int:
    if isinstance(error, DomainRefusal):
        return _DOMAIN_STATUSES.get(error.reason, 400)
    for kind, status in _STATUSES:
        if isinstance(error, kind):
            return status
    return 400


def language() -> str:
    """The language of messages: ``?lang=kk|ru``, else the best of ``Accept-Language``, else kk."""
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS) or "kk"


def code_of(error: DocgenError) -> str:
    if isinstance(error, DomainRefusal):
        return error.reason
    if error.code and error.code != "error":
        return error.code
    name = type(error).__name__
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def error_body(error: DocgenError, lang: str) -> dict[str, Any]:
    """The error as JSON: its code, its message in ``lang``, and the fields it names."""
    body: dict[str, Any] = {"code": code_of(error), "message": error.message(lang)}
    named: list[InvalidData] = []
    if isinstance(error, InvalidRequest):
        named = list(error.errors)
    elif isinstance(error, InvalidData):
        named = [error]
    if named:
        body["fields"] = [
            {"field": e.field, "code": e.code, "message": e.problem.get(lang) or e.problem["ru"]}
            for e in named
        ]
    return {"error": body}


def _answer(error: DocgenError, status: int) -> Response:
    response = jsonify(error_body(error, language()))
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="docgen", charset="UTF-8"'
    return response


def _docgen_error(error: DocgenError) -> Response:
    status = status_of(error)
    if isinstance(error, NotAllowed):
        hidden = _hidden(error)
        if hidden is not None:
            return _answer(hidden, 404)
    return _answer(error, status)


def _hidden(error: NotAllowed) -> DocgenError | None:
    """What a refused caller is told when the resource is not theirs to see: exactly what they would be
    told if it did not exist (a guessed address learns nothing)."""
    number = g.get("api_document")
    if number is not None:
        return DocumentNotFound(number=number)
    request_id = g.get("api_request")
    user = g.get("api_user")
    if request_id is None or user is None:
        return None
    try:
        services().documents.list_for_request(user, request_id)
    except DocgenError:
        return RequestNotFound(id=request_id)
    return None


def _problem(problem: Problem) -> Response:
    return _answer(problem.error, problem.status)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    translated: DocgenError
    if status == 413:
        translated = TooLarge(limit=_body_limit_mb())
    elif status == 429:
        translated = RateLimited(limit=getattr(error, "description", "") or "—")
    elif status == 404:
        translated = NoSuchEndpoint(path=request.path)
    elif status == 405:
        allowed = ", ".join(getattr(error, "valid_methods", None) or ())
        translated = MethodNotSupported(method=request.method, allowed=allowed or "—")
    elif status == 400:
        translated = BadBody(problem=_JSON_OBJECT)
    else:
        translated = HttpError(status=status)
    response = _answer(translated, status)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("API call failed: %s %s", request.method, request.path)
    return _answer(InternalError(), 500)


def _body_limit_mb() -> int:
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return max(1, math.ceil(limit / (1024 * 1024)))


for _blueprint in (bp, check_bp):
    _blueprint.register_error_handler(DocgenError, _docgen_error)
    _blueprint.register_error_handler(Problem, _problem)
    for _status in (400, 401, 403, 404, 405, 409, 413, 429, 500):
        _blueprint.register_error_handler(_status, _http_error)
    _blueprint.register_error_handler(HTTPException, _http_error)
    _blueprint.register_error_handler(Exception, _unexpected)
    csrf.exempt(_blueprint)  # no cookie is read: every call carries its own credentials


def _no_store(response: Response) -> Response:
    """What the API answers is one person's (their requests, their documents): never kept by a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(_no_store)


# Limits: the value is read from the Flask config when the call comes, so an installation (or a test)
# may set API_RATE_LIMIT, API_AUTH_FAILURE_LIMIT and API_CHECK_RATE_LIMIT.
def _config(name: str, default: str) -> Callable[[], str]:
    return lambda: str(current_app.config.get(name) or default)


def _unauthorized(response: Response) -> bool:
    return response.status_code == 401


limiter.shared_limit(_config("API_RATE_LIMIT", API_LIMIT), scope="api")(bp)
limiter.shared_limit(
    _config("API_AUTH_FAILURE_LIMIT", API_AUTH_FAILURE_LIMIT), scope="api-auth", deduct_when=_unauthorized
)(bp)
# A nested blueprint with limits of its own takes only its own: the API's and the check's.
limiter.shared_limit(_config("API_RATE_LIMIT", API_LIMIT), scope="api")(check_bp)
limiter.shared_limit(_config("API_CHECK_RATE_LIMIT", API_CHECK_LIMIT), scope="api-check")(check_bp)


# -- who is asking ---------------------------------------------------------------------------------


def caller() -> User:
    """The user named by the call's HTTP Basic credentials, checked now (a disabled account is refused)."""
    credentials = request.authorization
    if credentials is None or credentials.type != "basic" or not credentials.username:
        raise Unauthenticated()
    verified: VerifiedCredentials = current_app.extensions[CREDENTIALS]
    user = verified.authenticate(credentials.username, credentials.password or "")
    g.api_user = user
    return user


def about_request(view: F) -> F:
    """A view on ``<request_id>``: a refusal because it is not the caller's is answered as not found."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.api_request = kwargs.get("request_id")
        return view(*args, **kwargs)

    return cast(F, wrapped)


# -- reading the request ---------------------------------------------------------------------------


def body(
    required: dict[str, type | tuple[type, ...]], optional: dict[str, type | tuple[type, ...]] | None = None
) -> dict[str, Any]:
    """The JSON object sent, with every missing or mistyped field named at once."""
    data = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise BadBody(problem=_JSON_OBJECT)
    errors: list[InvalidData] = []
    for name, kind in required.items():
        if data.get(name) is None:
            errors.append(MissingField(kind="request", field=name))
        elif not isinstance(data[name], kind):
            errors.append(_wrong_type(name, kind))
    for name, kind in (optional or {}).items():
        if data.get(name) is not None and not isinstance(data[name], kind):
            errors.append(_wrong_type(name, kind))
    if errors:
        raise InvalidRequest(errors)
    return data


_TYPE_NAMES = {str: "string", dict: "object", list: "array", bool: "boolean", int: "integer"}


def _wrong_type(name: str, kind: type | tuple[type, ...]) -> InvalidData:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    expected = " | ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
    return InvalidData(
        kind="request",
        field=name,
        problem={"kk": f"түрі {expected} болуы керек", "ru": f"тип должен быть {expected}"},
    )


def _base64(name: str, value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(
            [
                InvalidData(
                    kind="request",
                    field=name,
                    problem={"kk": "base64 мәтіні дұрыс емес", "ru": "неверный текст base64"},
                )
            ]
        ) from None


def _soon(default: str = "2") -> int:
    raw = request.args.get("soon", default)
    if not raw.isdigit() or int(raw) > 365:
        raise InvalidRequest(
            [
                InvalidData(
                    kind="request",
                    field="soon",
                    problem={"kk": "0-ден 365-ке дейінгі сан", "ru": "число от 0 до 365"},
                )
            ]
        )
    return int(raw)


def _show(user: User, request_id: str) -> dict[str, Any]:
    return services().queries.show(user, request_id)


# -- the catalog (public) --------------------------------------------------------------------------


def _service_summary(code: str) -> dict[str, Any]:
    service = services().catalog.get(code)
    return {
        "code": service.code,
        "title": dict(service.title),
        "seed": service.seed,
        "provider": {"code": service.provider_code, "name": dict(service.provider.name)},
        "actions": [
            {"name": a.name, "deadline_days": a.deadline_days, "day_kind": a.day_kind}
            for a in service.actions.values()
        ],
        "channels": list(service.channels),
        "payment": {"when": service.payment.when, "fee": service.payment.fee},
        "outputs": list(service.outputs),
        "attachments": [
            {"code": a.code, "label": dict(a.label), "required": a.required} for a in service.attachments
        ],
    }


@bp.get("/services")
def list_services() -> Response:
    """Every service anyone may request, in the catalog's order."""
    return jsonify({"services": [_service_summary(service.code) for service in services().catalog]})


@bp.get("/services/<code>")
def show_service(code: str) -> Response:
    """One service: its summary, what a person fills in (JSON Schema), an example, the refusal grounds."""
    requests = services().requests
    try:
        schema = requests.intake_schema(code)
    except UnknownService as error:
        raise Problem(error, 404) from error
    return jsonify(
        _service_summary(code)
        | {
            "intake_schema": schema,
            "intake_example": requests.intake_example(code),
            "refusal_grounds": requests.refusal_grounds(code),
        }
    )


@bp.get("/services/<code>/decisions/<action>")
def show_decision(code: str, action: str) -> Response:
    """The clerk's decision for issuing ``action`` of the service: its JSON Schema and an example."""
    requests = services().requests
    try:
        schema = requests.decision_schema(code, action)
    except (UnknownService, UnknownAction) as error:
        raise Problem(error, 404) from error
    return jsonify({"schema": schema, "example": requests.decision_example(code, action)})


# -- who am I --------------------------------------------------------------------------------------


@bp.get("/me")
def me() -> Response:
    user = caller()
    return jsonify(
        {
            "login": user.login,
            "role": user.role,
            "name": user.name,
            "iin": user.iin,
            "bin": user.bin,
            "provider": user.provider,
            "centre": user.centre,
        }
    )


# -- requests --------------------------------------------------------------------------------------


_DEFAULT_CHANNEL = {"applicant": "portal", "operator": "centre"}


@bp.post("/requests")
def create_request() -> Response:
    """A draft request: ``{"service", "action", "channel", "data"}`` (``action`` default the service's
    first, e.g. ``issue``; ``channel`` default ``portal`` for an applicant, ``centre`` for an operator)."""
    user = caller()
    sent = body({"service": str, "data": dict}, {"action": str, "channel": str})
    channel = sent.get("channel") or _DEFAULT_CHANNEL.get(user.role)
    if channel is None:
        raise InvalidRequest([MissingField(kind="request", field="channel")])
    catalog = services().catalog
    action = sent.get("action") or (
        next(iter(catalog.get(sent["service"]).actions), "issue") if sent["service"] in catalog else "issue"
    )
    try:
        request_id = services().requests.new(user, sent["service"], action, channel, sent["data"])
    except DocumentNotFound as error:  # a reissue naming no license of ours: the input is wrong
        raise Problem(error, 400) from error
    response = jsonify(_show(user, request_id))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_request", request_id=request_id)
    return response


@bp.get("/requests")
def my_requests() -> Response:
    """The caller's requests (an applicant's history of services; an operator's centre's)."""
    return jsonify({"requests": services().queries.mine(caller())})


@bp.get("/requests/<request_id>")
@about_request
def show_request(request_id: str) -> Response:
    """State, number, due date, outcome, history and documents."""
    return jsonify(_show(caller(), request_id))


@bp.post("/requests/<request_id>/attachments")
@about_request
def attach(request_id: str) -> Response:
    """A file: multipart (``file``, ``code``, optional ``media_type``) or JSON (``code``, ``name``,
    ``media_type``, ``content_base64``)."""
    user = caller()
    limit = services().requests.max_attachment_bytes
    # base64 is 4/3 of the bytes: let the body be that big here, the file itself is checked below
    request.max_content_length = limit * 4 // 3 + 64 * 1024
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        code = request.form.get("code", "")
        errors: list[InvalidData] = []
        if upload is None:
            errors.append(MissingField(kind="request", field="file"))
        if not code:
            errors.append(MissingField(kind="request", field="code"))
        if errors or upload is None:
            raise InvalidRequest(errors)
        content = upload.read(limit + 1)
        name = upload.filename or "file"
        media_type = request.form.get("media_type") or upload.mimetype
    else:
        sent = body({"code": str, "name": str, "media_type": str, "content_base64": str})
        content = _base64("content_base64", sent["content_base64"])
        code, name, media_type = sent["code"], sent["name"], sent["media_type"]
    try:
        sha256 = services().requests.attach(user, request_id, code, name, content, media_type)
    except AttachmentRejected as error:
        if len(content) > limit:
            raise Problem(error, 413) from error
        raise
    response = jsonify({"sha256": sha256, "request": _show(user, request_id)})
    response.status_code = 201
    return response


@bp.post("/requests/<request_id>/submit")
@about_request
def submit(request_id: str) -> Response:
    user = caller()
    services().requests.submit(user, request_id)
    return jsonify(_show(user, request_id))


@bp.post("/requests/<request_id>/check-originals")
@about_request
def check_originals(request_id: str) -> Response:
    """The local body's officer has checked the originals the applicant brought (seed 004)."""
    user = caller()
    services().requests.check_originals(user, request_id)
    return jsonify(_show(user, request_id))


@bp.post("/requests/<request_id>/payment")
@about_request
def order_payment(request_id: str) -> Response:
    """Open a payment order at the gateway; the gateway's signed callback then records the payment."""
    user = caller()
    order = services().requests.order_payment(user, request_id)
    response = jsonify(
        {
            "order": {"request_id": order.request_id, "amount": order.amount, "reference": order.reference},
            "request": _show(user, request_id),
        }
    )
    response.status_code = 201
    return response


@bp.post("/payments/callback")
def payment_callback() -> Response:
    """The payment gateway's callback: its body as the gateway sent it, and its HMAC-SHA256 (hex) in
    ``X-Payment-Signature``. No user: the signature is the authentication."""
    payload = request.get_data(cache=False)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    try:
        state = services().requests.payment_callback(payload, signature)
    except PaymentRejected as error:
        if error.__cause__ is not None:  # the gateway's signature does not verify (or is unreadable)
            raise Problem(error, 403) from error
        raise
    return jsonify({"state": state})


@bp.post("/requests/<request_id>/receipt")
@about_request
def record_receipt(request_id: str) -> Response:
    """Assisted channels: the clerk or operator records the paper receipt ``{"receipt"}``."""
    user = caller()
    sent = body({"receipt": str})
    try:
        services().requests.record_receipt(user, request_id, sent["receipt"])
    except PaymentRejected as error:  # the receipt already paid another request
        raise Problem(error, 409) from error
    return jsonify(_show(user, request_id))


@bp.post("/requests/<request_id>/refuse-unpaid")
@about_request
def refuse_unpaid(request_id: str) -> Response:
    """Assisted channels: the payment did not come."""
    user = caller()
    services().requests.refuse_unpaid(user, request_id)
    return jsonify(_show(user, request_id))


@bp.get("/requests/<request_id>/payload")
@about_request
def payload(request_id: str) -> Response:
    """The exact bytes to sign (canonical JSON): sign them as they are, detached CMS."""
    content = services().requests.payload(caller(), request_id)
    return Response(
        content,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{request_id}-payload.json"'},
    )


@bp.post("/requests/<request_id>/signature")
@about_request
def sign(request_id: str) -> Response:
    """Sign ``{"signature": <base64 of the DER .p7s>}`` (none where the channel signs without a key);
    a signature that holds registers the request (number and deadline)."""
    user = caller()
    sent = body({}, {"signature": str})
    signature = _base64("signature", sent["signature"]) if sent.get("signature") else None
    services().requests.sign(user, request_id, signature)
    return jsonify(_show(user, request_id))


@bp.post("/requests/<request_id>/issue")
@about_request
def issue(request_id: str) -> Response:
    """Issue with the clerk's ``{"decision": {...}}`` (checked against the service's decision schema).
    A service paid after review is first approved (``document`` null)."""
    user = caller()
    sent = body({}, {"decision": dict})
    document = services().requests.issue(user, request_id, sent.get("decision"))
    return jsonify({"document": document, "request": _show(user, request_id)})


@bp.post("/requests/<request_id>/refuse")
@about_request
def refuse(request_id: str) -> Response:
    """The reasoned refusal: ``{"grounds": [codes], "explanation": {"kk", "ru"}}`` (explanation optional)."""
    user = caller()
    sent = body({"grounds": (list, str)}, {"explanation": dict})
    document = services().requests.refuse(user, request_id, sent["grounds"], sent.get("explanation"))
    return jsonify({"document": document, "request": _show(user, request_id)})


@bp.post("/requests/<request_id>/hand-over")
@about_request
def hand_over(request_id: str) -> Response:
    """Where it was filed: the result handed to the applicant, ``{"method": "in-person" | "e-mail"}``."""
    user = caller()
    sent = body({}, {"method": str})
    document = services().requests.hand_over(user, request_id, sent.get("method") or "in-person")
    return jsonify({"document": document, "request": _show(user, request_id)})


@bp.get("/requests/<request_id>/documents")
@about_request
def request_documents(request_id: str) -> Response:
    return jsonify({"documents": services().documents.list_for_request(caller(), request_id)})


@bp.get("/requests/<request_id>/form")
@about_request
def request_form(request_id: str) -> Response:
    """The request as filed, printed (``format`` pdf, docx or html; ``language`` kk+ru, kk or ru), once
    it is signed."""
    user = caller()
    try:
        got = services().documents.request_form(
            user, request_id, request.args.get("format", "pdf"), request.args.get("language", "kk+ru")
        )
    except NotAllowed as error:
        if _hidden(error) is None:  # the caller's own request, not signed yet: nothing to print
            raise Problem(error, 409) from error
        raise
    return _file(got)


def _file(got: Any) -> Response:
    return Response(
        got.content,
        mimetype=got.media_type.split(";")[0],
        headers={
            "Content-Disposition": f'attachment; filename="{got.filename}"',
            "X-Docgen-Copy": "true" if got.copy else "false",
        },
    )


# -- lists -----------------------------------------------------------------------------------------


@bp.get("/queue")
def queue() -> Response:
    """A clerk's undecided requests: overdue first, then due within ``soon`` days, then by due date."""
    return jsonify({"requests": services().queries.queue(caller(), _soon())})


@bp.get("/overdue")
def overdue() -> Response:
    """Undecided requests past their due date (or due within ``soon`` days): a clerk's, an admin's."""
    return jsonify({"requests": services().queries.overdue(caller(), _soon("0"))})


@bp.get("/notifications")
def notifications() -> Response:
    return jsonify({"notifications": services().queries.notifications(caller())})


# -- documents -------------------------------------------------------------------------------------


@bp.get("/documents/<number>")
def download(number: str) -> Response:
    """The signed original (``format=pdf``, ``language=kk+ru``, the defaults) or a copy marked as one
    (``language`` kk or ru, ``format`` pdf, docx or html). Recorded in the request's history."""
    user = caller()
    g.api_document = number
    got = services().documents.download(
        user, number, request.args.get("format", "pdf"), request.args.get("language", "kk+ru")
    )
    return _file(got)


@bp.post("/documents/<number>/status")
def set_status(number: str) -> Response:
    """A license's registry status: ``{"status": "active" | "suspended" | "terminated", "reason"}``."""
    user = caller()
    sent = body({"status": str, "reason": str})
    g.api_document = number
    status = services().documents.set_status(user, number, sent["status"], sent["reason"])
    return jsonify({"number": number, "status": status})


# -- checking a document (public) ------------------------------------------------------------------


@check_bp.get("/<number>")
def check_number(number: str) -> Response:
    """Is this a document we issued, and in force? ``?h=`` (the QR code's), or ``?holder=`` (IIN/BIN)."""
    h = request.args.get("h")
    holder = request.args.get("holder") or None
    if not h and not holder:
        raise InvalidRequest(
            [MissingField(kind="request", field="h"), MissingField(kind="request", field="holder")]
        )
    verdict = services().documents.check_fingerprint(number, h or "", holder)
    if not h:
        verdict.pop("matches", None)  # found by its holder: nothing was compared
    return jsonify(verdict)


@check_bp.post("/<number>")
def check_file(number: str) -> Response:
    """Is the uploaded file (multipart ``file``; optional ``holder``) exactly the document issued?"""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidRequest([MissingField(kind="request", field="file")])
    return jsonify(services().documents.check_file(number, upload.read(), request.form.get("holder") or None))


# -- the description, and every other address under /api/v1 ----------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    from docgen.web.openapi import description

    return jsonify(description())


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/<path:rest>", methods=_METHODS)
def fallback(rest: str) -> Response:
    """No such address (404), or not with this method (405): answered in JSON like every API error."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in _METHODS:
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "api.fallback":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


bp.register_blueprint(check_bp)  # after its routes: /api/v1/check/<number>
