"""What the pages of the applicant, the clerk and the centre operator share: the page's language, the
request form built from a service's definition (and read back from what was posted), errors placed
next to their fields, which steps a request offers its viewer, and file downloads.

Nothing here decides who may do what: the use cases do (``docgen.services.access``). A request or
document the user may not see answers 404, as one that does not exist does.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.wrappers import Response
from flask_babel import gettext as _

from docgen.domain.catalog import Service
from docgen.errors import DocgenError, DocumentNotFound, InvalidRequest, NotAllowed, RequestNotFound
from docgen.web import services

if TYPE_CHECKING:
    from docgen.domain.users import User

__all__ = [
    "Input",
    "Section",
    "attachments_of",
    "download",
    "events_for",
    "field_errors",
    "form_sections",
    "hidden_404",
    "initial_values",
    "page_lang",
    "parse_request_form",
    "register_request_pages",
]

LANGS = ("kk", "ru")
#: The copies a holder may download besides the signed original: (format, language).
COPIES = (("pdf", "kk"), ("pdf", "ru"), ("docx", "kk"), ("docx", "ru"))


def page_lang() -> str:
    """The language the page speaks (chosen on a page, else the browser's, else Kazakh)."""
    from docgen.web.i18n import current_lang

    return current_lang()


@contextlib.contextmanager
def hidden_404() -> Iterator[None]:
    """Another person's request or document (or none at all) answers 404: its existence is not told."""
    try:
        yield
    except (RequestNotFound, DocumentNotFound, NotAllowed):
        abort(404)


# -- the request form ------------------------------------------------------------------------------


@dataclass
class Input:
    """One control of the form: ``name`` is the field's path in the request data (``applicant.bin``),
    which is also the path the use case names in its errors."""

    name: str
    label: str
    kind: str = "text"
    """text, textarea, date, number, decimal, checkbox, select, radio, tel, email, digits"""
    required: bool = False
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class Section:
    """A fieldset: its legend, its controls, and the path its own errors are named by."""

    key: str
    legend: str
    inputs: list[Input]
    hint: str = ""


def _field_inputs(service: Service, lang: str) -> list[Input]:
    inputs: list[Input] = []
    for item in service.fields:
        label, name = item.label[lang], f"fields.{item.name}"
        if item.type == "address":
            in_kk, in_ru = _("in Kazakh"), _("in Russian")
            inputs.append(Input(f"{name}.kk", f"{label} ({in_kk})", required=item.required))
            inputs.append(Input(f"{name}.ru", f"{label} ({in_ru})", required=item.required))
            continue
        kind = {
            "text": "textarea",
            "date": "date",
            "integer": "number",
            "decimal": "decimal",
            "boolean": "checkbox",
            "enum": "select",
            "iin": "digits",
            "bin": "digits",
            "phone": "tel",
            "email": "email",
        }.get(item.type, "text")
        hint = _("12 digits") if item.type in ("iin", "bin") else ""
        options = [(value, text[lang]) for value, text in item.options]
        inputs.append(Input(name, label, kind, item.required, hint, options))
    return inputs


def form_sections(service: Service, action: str, channel: str, lang: str) -> list[Section]:
    """The request form of ``service`` as fieldsets, labelled in ``lang``: the applicant, a
    representative, the license a reissue or duplicate names, the service's own fields and, on the
    assisted channels, the documents handed over on paper."""
    applicant = Section(
        "applicant",
        _("Applicant"),
        [
            Input(
                "applicant.kind",
                _("The applicant is"),
                "radio",
                True,
                options=[("individual", _("an individual")), ("legal", _("an organisation"))],
            ),
            Input("applicant.name", _("Full name, or the organisation's name"), required=True),
            Input("applicant.iin", _("IIN"), "digits", hint=_("12 digits; an individual's")),
            Input("applicant.bin", _("BIN"), "digits", hint=_("12 digits; an organisation's")),
            Input("applicant.head", _("Head of the organisation")),
            Input("applicant.address.kk", _("Address in Kazakh"), required=True),
            Input("applicant.address.ru", _("Address in Russian"), required=True),
            Input("applicant.phone", _("Telephone"), "tel", hint=_("For example +7 727 313-20-40")),
            Input("applicant.email", _("E-mail"), "email"),
        ],
    )
    representative = Section(
        "representative",
        _("Representative (only when someone files for the applicant)"),
        [
            Input("representative.name", _("Representative's full name")),
            Input("representative.iin", _("Representative's IIN"), "digits", hint=_("12 digits")),
            Input("representative.power_of_attorney.number", _("Power of attorney: number")),
            Input("representative.power_of_attorney.date", _("Power of attorney: date"), "date"),
            Input(
                "representative.power_of_attorney.notarized",
                _("The power of attorney is notarised on paper"),
                "checkbox",
            ),
        ],
        hint=_("Leave empty when the applicants file for themselves."),
    )
    sections = [applicant, representative]
    if action in ("reissue", "duplicate"):
        sections.append(
            Section(
                "license_number",
                _("The license"),
                [Input("license_number", _("Number of the license"), required=True)],
            )
        )
    sections.append(Section("fields", service.title[lang], _field_inputs(service, lang)))
    if channel != "portal" and service.attachments:
        papers = []
        for item in service.attachments:
            papers.append(Input(f"paper.{item.code}", item.label[lang], "checkbox"))
            papers.append(Input(f"paper.{item.code}.pages", _("Pages"), "number"))
        sections.append(
            Section(
                "attachments",
                _("Documents handed over on paper"),
                papers,
                hint=_("Mark each document the applicant brought on paper; scans are attached next."),
            )
        )
    return sections


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _number(text: str, kind: str) -> Any:
    try:
        return int(text) if kind == "number" else float(text.replace(",", "."))
    except ValueError:
        return text  # the schema names it: "must be a number", next to the field


def parse_request_form(sections: list[Section], form: Mapping[str, str]) -> dict[str, Any]:
    """The request data from what was posted: empty controls are left out (the schema then names a
    required one), numbers are numbers, a checkbox is true or false, paper marks are attachments."""
    data: dict[str, Any] = {}
    for section in sections:
        for item in section.inputs:
            if item.name.startswith("paper."):
                continue
            raw = (form.get(item.name) or "").strip()
            if item.kind == "checkbox":
                if item.name.startswith("representative.") and not data.get("representative"):
                    continue
                _put(data, item.name, bool(raw))
            elif raw:
                _put(data, item.name, _number(raw, item.kind) if item.kind in ("number", "decimal") else raw)
    papers = []
    for section in sections:
        for item in section.inputs:
            if item.name.startswith("paper.") and item.kind == "checkbox" and form.get(item.name):
                entry: dict[str, Any] = {"code": item.name.removeprefix("paper."), "form": "paper"}
                pages = (form.get(f"{item.name}.pages") or "").strip()
                if pages:
                    entry["pages"] = _number(pages, "number")
                papers.append(entry)
    if papers:
        data["attachments"] = papers
    return data


def initial_values(user: Any) -> dict[str, str]:
    """An applicant's own form starts with who they are."""
    if getattr(user, "role", None) != "applicant":
        return {}
    if user.bin:
        return {"applicant.kind": "legal", "applicant.bin": user.bin}
    return {"applicant.kind": "individual", "applicant.iin": user.iin or "", "applicant.name": user.name}


def field_errors(error: DocgenError, lang: str, names: list[str]) -> tuple[dict[str, str], list[str]]:
    """Each field error at the control (or fieldset) its path names, in ``lang``; the rest (and any
    other error) as page-level messages."""
    if not isinstance(error, InvalidRequest):
        return {}, [error.message(lang)]
    placed: dict[str, str] = {}
    loose: list[str] = []
    for item in error.errors:
        path = item.field
        target = path if path in names else next((n for n in names if n.startswith(path + ".")), None)
        problem = item.problem.get(lang) or item.problem["ru"]
        if target is None:
            loose.append(f"«{path}»: {problem}")
        else:
            placed[target] = f"{placed[target]}; {problem}" if target in placed else problem
    return placed, loose


# -- a request's page ------------------------------------------------------------------------------


def events_for(service: Service, channel: str, state: str, role: str) -> set[str]:
    """The steps ``role`` may take now on a request in ``state`` (which forms its page offers)."""
    from docgen.domain.workflow import Workflow

    try:
        workflow = Workflow.for_service(service, channel)
    except Exception:  # a channel the service no longer offers: nothing to offer
        return set()
    found = {row.event for row in workflow.allowed(state) if role in row.actors}
    if "hand-over" in workflow.steps and state in ("issued", "refused") and role == "operator":
        found.add("hand-over")
    return found


def signed_with_key(service: Service, channel: str) -> bool:
    """Whether signing this request takes a ``.p7s`` (the portal; the centre's operator's own key)."""
    from docgen.domain.workflow import Workflow

    try:
        return Workflow.for_service(service, channel).signed_with_key
    except Exception:
        return channel == "portal"


def attachments_of(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The files attached to a request, as its history recorded them."""
    return [entry["details"] | {"at": entry["at"]} for entry in history if entry["event"] == "attach"]


def download(content: bytes, media_type: str, filename: str) -> Response:
    return send_file(io.BytesIO(content), mimetype=media_type, as_attachment=True, download_name=filename)


# -- the pages every role has: file a request, see it, take its steps, download its documents -------

#: The channel each role files on (a clerk: their provider's own channel, see :func:`clerk_channel`).
FILING_CHANNEL = {"applicant": "portal", "operator": "centre", "clerk": "provider"}


def filing_channel(role: str, service: Service) -> str | None:
    """Where ``role`` files a request for ``service``; None when the service has no such channel."""
    channel = FILING_CHANNEL[role]
    if role == "clerk" and channel not in service.channels and "local-body" in service.channels:
        channel = "local-body"
    return channel if channel in service.channels else None


def register_request_pages(bp: Blueprint, role: str) -> Callable[[str, Callable[[User], Any], str], Any]:
    """Add to ``bp`` the pages of filing and carrying a request that ``role`` shares with the others:
    the request form, the request's page, attaching, submitting, checking originals, signing (the
    payload to sign and the ``.p7s``), a paper receipt, and downloading a document. Returns the way
    a step is taken (for the role's own steps)."""
    from docgen.web.auth import current_user, login_required

    bp.context_processor(template_helpers)

    def me() -> User:
        user = current_user()
        assert user is not None  # login_required let the request in
        return user

    def service_or_404(code: str) -> Service:
        if code not in services().catalog:
            abort(404)
        return services().catalog.get(code)

    @bp.route("/services/<code>/<action>/new", methods=["GET", "POST"], endpoint="new_request")
    @login_required(role)
    def new_request(code: str, action: str) -> Any:
        service = service_or_404(code)
        channel = filing_channel(role, service)
        if channel is None or action not in service.actions:
            abort(404)
        lang = page_lang()
        sections = form_sections(service, action, channel, lang)
        names = [item.name for section in sections for item in section.inputs] + [s.key for s in sections]
        values: dict[str, str] = initial_values(me())
        errors: dict[str, str] = {}
        messages: list[str] = []
        if request.method == "POST":
            values = {key: request.form.get(key, "") for key in request.form if key != "csrf_token"}
            data = parse_request_form(sections, request.form)
            try:
                request_id = services().requests.new(me(), service.code, action, channel, data)
            except DocgenError as error:
                errors, messages = field_errors(error, lang, names)
            else:
                flash(_("The request is saved as a draft."), "success")
                return redirect(url_for(".request_page", request_id=request_id))
        status = 422 if errors or messages else 200
        return (
            render_template(
                f"{role}/new.html",
                service=service,
                action=action,
                channel=channel,
                sections=sections,
                values=values,
                errors=errors,
                messages=messages,
                lang=lang,
            ),
            status,
        )

    @bp.get("/requests/<request_id>", endpoint="request_page")
    @login_required(role)
    def request_page(request_id: str) -> str:
        lang = page_lang()
        with hidden_404():
            shown = services().queries.show(me(), request_id)
        service = services().catalog.get(shown["service"])
        events = events_for(service, shown["channel"], shown["state"], role)
        extra: dict[str, Any] = {}
        if role == "clerk" and events & {"issue", "refuse", "start-review", "approve"}:
            extra["decision"] = _decision_text(service.code, shown["action"])
            extra["grounds"] = [g for g in service.refusal_grounds if g.applies_to(shown["channel"])]
        if role in ("applicant", "operator"):
            from docgen.web.survey import survey_link

            extra["survey_url"] = survey_link(me(), shown, external=role == "operator")
        return render_template(
            f"{role}/request.html",
            shown=shown,
            service=service,
            events=events,
            attachments=attachments_of(shown["history"]),
            keyed=signed_with_key(service, shown["channel"]),
            copies=COPIES,
            lang=lang,
            **extra,
        )

    def step(request_id: str, call: Callable[[User], Any], done: str) -> Any:
        """Take a step (404 for a request the user may not see); its refusal is shown on the page."""
        user = me()
        with hidden_404():
            services().queries.show(user, request_id)
        try:
            call(user)
        except DocgenError as error:
            flash(error.message(page_lang()), "error")
        else:
            flash(done, "success")
        return redirect(url_for(".request_page", request_id=request_id))

    @bp.post("/requests/<request_id>/attach", endpoint="attach")
    @login_required(role)
    def attach(request_id: str) -> Any:
        upload = request.files.get("file")
        code = request.form.get("code", "")
        content = upload.read(services().requests.max_attachment_bytes + 1) if upload else b""
        name = (upload.filename if upload else "") or "file"
        typed = _media_type(content)  # by its bytes; the use case checks them again and says why not
        return step(
            request_id,
            lambda user: services().requests.attach(user, request_id, code, name, content, typed),
            _("The file is attached."),
        )

    @bp.post("/requests/<request_id>/submit", endpoint="submit")
    @login_required(role)
    def submit(request_id: str) -> Any:
        return step(
            request_id,
            lambda user: services().requests.submit(user, request_id),
            _("The request is submitted."),
        )

    @bp.post("/requests/<request_id>/check-originals", endpoint="check_originals")
    @login_required(role)
    def check_originals(request_id: str) -> Any:
        return step(
            request_id,
            lambda user: services().requests.check_originals(user, request_id),
            _("The originals are recorded as checked."),
        )

    @bp.get("/requests/<request_id>/payload", endpoint="payload")
    @login_required(role)
    def payload(request_id: str) -> Response:
        with hidden_404():
            content = services().requests.payload(me(), request_id)
        return download(content, "application/json", f"request-{request_id}.json")

    @bp.post("/requests/<request_id>/sign", endpoint="sign")
    @login_required(role)
    def sign(request_id: str) -> Any:
        upload = request.files.get("signature")
        signature = upload.read(1024 * 1024) if upload else None
        if not signature:  # signed in the page (sign.js): the same CMS, base64 in a form field
            signature = signature_from_form(request.form.get("signature_b64", ""))
        return step(
            request_id,
            lambda user: services().requests.sign(user, request_id, signature or None),
            _("The request is signed."),
        )

    @bp.post("/requests/<request_id>/receipt", endpoint="receipt")
    @login_required(role)
    def receipt(request_id: str) -> Any:
        number = request.form.get("receipt", "")
        return step(
            request_id,
            lambda user: services().requests.record_receipt(user, request_id, number),
            _("The payment receipt is recorded."),
        )

    @bp.get("/documents/<number>", endpoint="document")
    @login_required(role)
    def document(number: str) -> Response:
        fmt = request.args.get("format", "pdf")
        lang = request.args.get("lang", "kk+ru")
        if fmt not in ("pdf", "docx") or lang not in ("kk", "ru", "kk+ru"):
            abort(404)
        with hidden_404():
            given = services().documents.download(me(), number, fmt, lang)
        return download(given.content, given.media_type, given.filename)

    @bp.get("/requests/<request_id>/form", endpoint="request_form")
    @login_required(role)
    def request_form(request_id: str) -> Response:
        """The request as filed, printed (once signed)."""
        fmt = request.args.get("format", "pdf")
        lang = request.args.get("lang", "kk+ru")
        if fmt not in ("pdf", "docx") or lang not in ("kk", "ru", "kk+ru"):
            abort(404)
        with hidden_404():
            given = services().documents.request_form(me(), request_id, fmt, lang)
        return download(given.content, given.media_type, given.filename)

    return step


def signature_from_form(text: str) -> bytes | None:
    """The signature the page made (``signature_b64``: DER in base64) as the bytes a ``.p7s`` holds;
    text that is not base64 is passed on as it is, for the check to refuse as a bad signature."""
    text = "".join(text.split())[: 2 * 1024 * 1024]
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode("utf-8", "replace")


def template_helpers() -> dict[str, Any]:
    """Names of actions, document kinds and registry statuses in the page's language."""
    actions = {
        "issue": _("Issue"),
        "reissue": _("Reissue"),
        "duplicate": _("Duplicate"),
        "allocate": _("Allocation"),
        "withdraw": _("Withdrawal"),
        "register": _("Registration"),
    }
    kinds = {
        "license": _("License"),
        "license-annex": _("Annex to the license"),
        "refusal": _("Reasoned refusal"),
        "media-certificate": _("Registration certificate"),
        "permit": _("Permit"),
        "numbering-order": _("Order on numbering resource"),
    }
    statuses = {
        "active": _("in force"),
        "suspended": _("suspended"),
        "terminated": _("terminated"),
        "replaced": _("replaced by a reissue"),
    }
    return {
        "day": _day,
        "actor_name": _actor,
        "moment": _moment,
        "action_name": lambda code: actions.get(code, code),
        "kind_name": lambda code: kinds.get(code, code),
        "status_name": lambda code: statuses.get(code, code),
    }


def _day(iso: str | None) -> str:
    """An ISO date as the page's language writes it (Babel), or a dash."""
    if not iso:
        return "—"
    from flask_babel import format_date

    return str(format_date(dt.date.fromisoformat(iso[:10]), "long"))


def _actor(actor: Mapping[str, Any]) -> str:
    """Who took a step: the person's name, or the participant's kind in the page's language."""
    from docgen.domain.workflow import ACTORS

    if actor.get("name"):
        return str(actor["name"])
    kind = str(actor.get("kind", ""))
    return ACTORS[kind][page_lang()] if kind in ACTORS else kind


def _moment(iso: str) -> str:
    """A recorded moment (UTC, ISO) in Kazakhstan's time, as the page's language writes it."""
    from flask_babel import format_datetime

    return str(format_datetime(dt.datetime.fromisoformat(iso), "short"))


_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def _media_type(content: bytes) -> str:
    return next((kind for magic, kind in _MAGIC if content.startswith(magic)), "application/octet-stream")


def _decision_text(service_code: str, action: str) -> str:
    """The service's example decision, as the JSON the clerk edits (empty where none is taken)."""
    example = services().requests.decision_example(service_code, action)
    return json.dumps(example, ensure_ascii=False, indent=2) if example else ""
