"""The public service centre operator's pages: a request filed for an applicant who came in person
(the documents handed over on paper, scans attached, a representative and their power of attorney),
signed with the operator's own key, a paper receipt, and the result handed over.

The operator sees only what was filed at their centre (the use cases' rule); anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from docgen.web import services
from docgen.web.auth import current_user, login_required
from docgen.web.forms import filing_channel, page_lang, register_request_pages

__all__ = ["bp"]

bp = Blueprint("operator", __name__, url_prefix="/operator")
_steps = register_request_pages(bp, "operator")


@bp.get("/")
@login_required("operator")
def index() -> str:
    """What was filed at the centre, and the services one may file for here."""
    user = current_user()
    assert user is not None
    rows = services().queries.mine(user)
    offered = [service for service in services().catalog if filing_channel("operator", service)]
    return render_template("operator/index.html", rows=rows, offered=offered, lang=page_lang())


@bp.post("/requests/<request_id>/hand-over")
@login_required("operator")
def hand_over(request_id: str) -> Any:
    """Record that the result (or the reasoned refusal) was handed to the applicant."""
    method = request.form.get("method", "in-person")
    return _steps(
        request_id,
        lambda user: services().requests.hand_over(user, request_id, method),
        _("The result is recorded as handed over."),
    )


@bp.post("/requests/<request_id>/survey")
@login_required("operator")
def paper_survey(request_id: str) -> Any:
    """Enter the survey the applicant answered on paper at the centre: the request's one response
    (refused, with the reason shown, when its link was answered already)."""

    def answer(text: str | None) -> int:
        return int(text) if text in ("1", "2", "3") else 0  # 0: refused by the use case, in words

    survey = services().survey
    assert survey is not None
    q1, q2 = answer(request.form.get("q1")), answer(request.form.get("q2"))
    return _steps(
        request_id,
        lambda user: survey.enter_paper(user, request_id, q1, q2),
        _("The paper survey is entered."),
    )
