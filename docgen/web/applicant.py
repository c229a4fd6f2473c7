"""The applicant's pages: the catalog, the request form, attaching, paying (the sandbox gateway's
payment page), signing, submitting, "my requests" with notifications, and the results to download.

Every step is a use case called as the signed-in applicant; another person's request or document
answers 404 (``docgen.web.forms.hidden_404``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from docgen.errors import DocgenError
from docgen.web import services
from docgen.web.auth import current_user, login_required
from docgen.web.forms import hidden_404, page_lang, register_request_pages

__all__ = ["bp"]

bp = Blueprint("applicant", __name__, url_prefix="/applicant")
register_request_pages(bp, "applicant")


@bp.get("/")
@login_required("applicant")
def index() -> str:
    """My requests: state, due date, number, and the notifications sent about each."""
    user = current_user()
    assert user is not None
    rows = services().queries.mine(user)
    rows.sort(key=lambda row: row.get("registered") or row.get("filed_on") or "", reverse=True)
    notices = services().queries.notifications(user)
    return render_template("applicant/index.html", rows=rows, notices=notices, lang=page_lang())


@bp.get("/services")
@login_required("applicant")
def catalog() -> str:
    """The services one may request on the portal, with their actions."""
    offered = [service for service in services().catalog if "portal" in service.channels]
    return render_template("applicant/services.html", offered=offered, lang=page_lang())


@bp.post("/requests/<request_id>/pay")
@login_required("applicant")
def pay(request_id: str) -> Any:
    """Open the payment order, then show the sandbox gateway's payment page: what the gateway would
    post back once paid (its signed callback), on a button."""
    user = current_user()
    assert user is not None
    with hidden_404():
        shown = services().queries.show(user, request_id)
    try:
        order = services().requests.order_payment(user, request_id)
    except DocgenError as error:
        flash(error.message(page_lang()), "error")
        return redirect(url_for(".request_page", request_id=request_id))
    gateway = services().gateway
    if not hasattr(gateway, "pay"):  # a real gateway takes the applicant to its own page
        abort(404)
    payload, signature = gateway.pay(order)
    return render_template(
        "applicant/pay.html",
        shown=shown,
        order=order,
        payload=base64.b64encode(payload).decode(),
        signature=signature,
        lang=page_lang(),
    )


@bp.post("/requests/<request_id>/paid")
@login_required("applicant")
def paid(request_id: str) -> Any:
    """The sandbox gateway's signed callback, as its payment page posts it: checked by the use case
    (signature, order, amount; a replay changes nothing)."""
    try:
        payload = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    try:
        services().requests.payment_callback(payload, request.form.get("signature", ""))
    except DocgenError as error:
        flash(error.message(page_lang()), "error")
    else:
        flash(_("The payment is received."), "success")
    return redirect(url_for(".request_page", request_id=request_id))
