"""The clerk's pages: the provider's queue (overdue first), a request with its attachments and history,
issuing with the decision, the reasoned refusal citing the regulation's grounds, a paper receipt, a
request filed at the provider (a reissue, a duplicate), and a license's registry status.

Which requests and documents a clerk may see or act on is the use cases' rule (their provider's);
anything else answers 404.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from docgen.errors import DocgenError
from docgen.web import services
from docgen.web.auth import current_user, login_required
from docgen.web.forms import (
    COPIES,
    attachments_of,
    events_for,
    field_errors,
    filing_channel,
    hidden_404,
    page_lang,
    register_request_pages,
    signed_with_key,
)

__all__ = ["bp"]

bp = Blueprint("clerk", __name__, url_prefix="/clerk")
register_request_pages(bp, "clerk")


@bp.get("/")
@login_required("clerk")
def index() -> str:
    """The provider's undecided requests, overdue first, then due soon, then by due date; and the
    services the clerk may file a request for at the provider."""
    user = current_user()
    assert user is not None
    rows = services().queries.queue(user)
    offered = [
        service
        for service in services().catalog
        if service.provider_code == user.provider and filing_channel("clerk", service)
    ]
    return render_template("clerk/index.html", rows=rows, offered=offered, lang=page_lang())


def _page_again(request_id: str, **form: Any) -> tuple[str, int]:
    """The request's page with the decision form's errors (and what was typed) kept."""
    user = current_user()
    assert user is not None
    lang = page_lang()
    shown = services().queries.show(user, request_id)
    service = services().catalog.get(shown["service"])
    return (
        render_template(
            "clerk/request.html",
            shown=shown,
            service=service,
            events=events_for(service, shown["channel"], shown["state"], "clerk"),
            attachments=attachments_of(shown["history"]),
            keyed=signed_with_key(service, shown["channel"]),
            copies=COPIES,
            grounds=[g for g in service.refusal_grounds if g.applies_to(shown["channel"])],
            lang=lang,
            **form,
        ),
        422,
    )


@bp.post("/requests/<request_id>/issue")
@login_required("clerk")
def issue(request_id: str) -> Any:
    """Issue (or, for a service paid after review, approve) with the decision typed as JSON."""
    user = current_user()
    assert user is not None
    lang = page_lang()
    with hidden_404():
        services().queries.show(user, request_id)
    text = request.form.get("decision", "")
    decision = None
    if text.strip():
        try:
            decision = json.loads(text)
        except ValueError as error:
            message = _("The decision is not valid JSON: %(detail)s", detail=str(error))
            return _page_again(request_id, decision=text, decision_errors=[message])
    try:
        number = services().requests.issue(user, request_id, decision)
    except DocgenError as error:
        _placed, loose = field_errors(error, lang, [])
        return _page_again(request_id, decision=text, decision_errors=loose)
    if number:
        flash(_("Issued: № %(number)s", number=number), "success")
    else:
        flash(_("Approved: the applicant is asked to pay."), "success")
    return redirect(url_for(".request_page", request_id=request_id))


@bp.post("/requests/<request_id>/refuse")
@login_required("clerk")
def refuse(request_id: str) -> Any:
    """The reasoned refusal: the grounds chosen, and an explanation in both languages or none."""
    user = current_user()
    assert user is not None
    lang = page_lang()
    with hidden_404():
        services().queries.show(user, request_id)
    grounds = request.form.getlist("ground")
    kk = request.form.get("explanation_kk", "").strip()
    ru = request.form.get("explanation_ru", "").strip()
    explanation = {"kk": kk, "ru": ru} if kk or ru else None
    try:
        number = services().requests.refuse(user, request_id, grounds, explanation)
    except DocgenError as error:
        _placed, loose = field_errors(error, lang, [])
        return _page_again(
            request_id, chosen=grounds, explanation_kk=kk, explanation_ru=ru, refuse_errors=loose
        )
    flash(_("Refused: the reasoned refusal № %(number)s is issued.", number=number), "success")
    return redirect(url_for(".request_page", request_id=request_id))


@bp.post("/documents/<number>/status")
@login_required("clerk")
def status(number: str) -> Any:
    """Suspend, terminate or reinstate a license, with a reason (recorded in its request's history)."""
    user = current_user()
    assert user is not None
    back = request.form.get("request_id", "")
    try:
        services().documents.set_status(
            user, number, request.form.get("status", ""), request.form.get("reason", "")
        )
    except DocgenError as error:
        flash(error.message(page_lang()), "error")
    else:
        flash(_("The registry status of № %(number)s is changed.", number=number), "success")
    if back:
        return redirect(url_for(".request_page", request_id=back))
    return redirect(url_for(".index"))
