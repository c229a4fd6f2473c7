"""The citizens' quality and accessibility survey (``/survey/<token>``) and the indicators it feeds
(``/indicators``).

The survey page needs no sign-in: its single-use token is the key. It speaks the language chosen on
the site, asks the seed's two questions as fieldsets of three labelled radio buttons, works without
JavaScript, and confirms what was sent. A token already used answers 410, an unknown one 404, each
with a polite page in both languages.

The dashboard is for officials: an administrator sees every service and provider, a clerk their own
provider (the use case decides). Its charts are drawn by pygal into SVG files of their own
(``/indicators/chart.svg``), shown as images with a text alternative and a table of the same numbers
beside them (the pages' Content-Security-Policy forbids the inline styles an inline SVG would carry).
The same report is exported as CSV and as a printable PDF in Kazakh or Russian by the use case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import gettext as _

from docgen.errors import DocgenError, NotAllowed
from docgen.web import services
from docgen.web.auth import current_user, login_required
from docgen.web.forms import download, page_lang
from docgen.web.i18n import LANGS, N_
from docgen.web.security import limiter

if TYPE_CHECKING:
    from docgen.domain.users import User
    from docgen.services.survey import SurveyService

__all__ = ["SURVEY_LIMITS", "bp", "survey_link"]

#: Survey answers sent from one address.
SURVEY_LIMITS = "20 per minute"

bp = Blueprint("survey", __name__)

#: The polite refusals, in the reader's language and then in the other.
REFUSALS = {
    410: (
        N_("This survey has already been answered"),
        N_("Only one answer is kept for each request, and this one is already received. Thank you!"),
    ),
    404: (
        N_("No such survey"),
        N_("This survey link is not known. Check that the whole link was copied from your result."),
    ),
}


def _survey() -> SurveyService:
    survey = services().survey
    assert survey is not None, "the application has no survey service"
    return survey


def _refused(status: int) -> tuple[str, int]:
    first = page_lang()
    versions = []
    for lang in (first, *(code for code in LANGS if code != first)):
        with force_locale(lang):
            title, body = REFUSALS[status]
            versions.append({"lang": lang, "title": gettext(title), "body": gettext(body)})
    return render_template("error.html", status=status, versions=versions), status


def _status_of(error: DocgenError) -> int:
    """410 for a token already used, 404 for one that does not exist."""
    return 410 if "used" in error.code or "answered" in error.code else 404


#: The states in which a request's result (a document or a refusal) is delivered.
DECIDED = ("issued", "refused")


def survey_link(user: User, shown: Mapping[str, Any], *, external: bool = False) -> str | None:
    """The survey address offered on a request's page once its result or refusal is delivered (none
    before, nor for a service without a survey); ``external``: the whole address, for a centre's
    operator to print or hand to the applicant."""
    if shown.get("state") not in DECIDED:
        return None
    try:
        token = _survey().offer(user, str(shown["id"]))
    except DocgenError:
        return None
    # the whole address is the one the printed invitation carries (DOCGEN_BASE_URL), as QR codes do
    return _survey().address(token) if external else url_for("survey.answer", token=token)


@bp.get("/requests/<request_id>/survey-invitation.pdf")
@login_required("applicant", "operator")
def invitation(request_id: str) -> Response:
    """The survey invitation of a decided request, to print and hand over with the result (its link
    and QR code), in the language asked for (``?lang=``) or the page's. Another person's request, or
    one not yet decided, answers 404."""
    lang = request.args.get("lang") or page_lang()
    if lang not in LANGS:
        abort(404)
    user = current_user()
    assert user is not None
    try:
        content = _survey().invitation(user, request_id, lang)
    except DocgenError:  # not theirs, no such request, or not decided: nothing to tell
        abort(404)
    return download(content, "application/pdf", f"survey-invitation-{lang}.pdf")


@bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(SURVEY_LIMITS, methods=["POST"])
def answer(token: str) -> Any:
    """The survey of one request: two questions, three answers each; sent once."""
    lang = page_lang()
    survey = _survey()
    try:
        form = survey.form(token, lang)
    except DocgenError as error:
        return _refused(_status_of(error))
    errors: dict[str, str] = {}
    chosen = {"q1": request.form.get("q1", ""), "q2": request.form.get("q2", "")}
    if request.method == "POST":
        for name in ("q1", "q2"):
            if chosen[name] not in ("1", "2", "3"):
                errors[name] = _("Choose one answer.")
        if not errors:
            try:
                survey.answer(token, int(chosen["q1"]), int(chosen["q2"]))
            except DocgenError as error:
                return _refused(_status_of(error))
            return render_template("survey/sent.html", form=form, chosen=chosen, lang=lang)
    return (
        render_template("survey/form.html", form=form, chosen=chosen, errors=errors, lang=lang),
        400 if errors else 200,
    )


# -- the indicators --------------------------------------------------------------------------------


def _day(name: str) -> dt.date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        abort(400)


def _filters() -> dict[str, Any]:
    return {
        "service": request.args.get("service", "").strip() or None,
        "provider": request.args.get("provider", "").strip() or None,
        "start": _day("from"),
        "end": _day("to"),
    }


def _report() -> dict[str, Any]:
    """The report the filters ask for, as the signed-in official may see it (403 otherwise)."""
    user = current_user()
    assert user is not None
    try:
        return dict(_survey().report(user, **_filters()))
    except NotAllowed:
        abort(403)
    except DocgenError:
        abort(400)


def _query(**extra: str) -> dict[str, str]:
    """The filters of this page, to carry into its chart and export links."""
    kept = {
        key: value for key in ("service", "provider", "from", "to") if (value := request.args.get(key, ""))
    }
    return kept | extra


@bp.get("/indicators")
@login_required("admin", "clerk")
def indicators() -> str:
    """The indicators per service, provider and period, with charts, a table and the exports."""
    lang = page_lang()
    report = _report()
    catalog = services().catalog
    offered = sorted(catalog, key=lambda service: service.code)
    providers = sorted({service.provider_code for service in offered})
    return render_template(
        "survey/indicators.html",
        report=report,
        offered=offered,
        providers=providers,
        filters=request.args,
        query=_query,
        lang=lang,
    )


@bp.get("/indicators/chart.svg")
@login_required("admin", "clerk")
def chart() -> Response:
    """One question's shares of answers as a pygal bar chart, in SVG."""
    pygal = _pygal()
    from pygal.style import Style

    report = _report()
    question = request.args.get("q", "1")
    if question not in ("1", "2"):
        abort(404)
    shares = _shares(report, int(question))
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#000000",
        foreground_subtle="#555555",
        colors=("#1f5f99",),
        font_family="DejaVu Sans, Arial, sans-serif",
    )
    drawing = pygal.HorizontalBar(
        style=style,
        width=640,
        height=280,
        show_legend=False,
        range=(0, 100),
        value_formatter=lambda value: f"{value:.0f} %",
        disable_xml_declaration=False,
        js=[],
    )
    drawing.title = _question_title(int(question))
    drawing.x_labels = [label for label, _value in shares]
    drawing.add(_("Share of answers, %"), [value for _label, value in shares])
    svg = drawing.render()
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


def _pygal() -> Any:
    """pygal, without the import hook it adds to ``sys.meta_path`` for its external map plugins
    (``pygal.maps.*``, not used here): the hook has only the ``find_module`` Python 3.12 drops, and
    every later import warns about it (an error under the tests' ``-W error``)."""
    import sys

    import pygal

    sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]
    return pygal


def _question_title(number: int) -> str:
    return _("Quality") if number == 1 else _("Accessibility")


def _shares(report: dict[str, Any], question: int) -> list[tuple[str, float]]:
    """(answer, share in per cent) for ``question`` in the report's totals."""
    labels = (_("Not satisfied"), _("Partly satisfied"), _("Satisfied"))
    counted = report["total"][f"q{question}"]
    return [(label, float(counted[str(n)]["share"])) for n, label in enumerate(labels, start=1)]


def _export(fmt: str, lang: str) -> bytes:
    """The report the filters ask for as a file, from the use case (403 for who may not see it)."""
    user = current_user()
    assert user is not None
    try:
        return _survey().export(user, fmt, lang, **_filters())
    except NotAllowed:
        abort(403)
    except DocgenError:
        abort(400)


@bp.get("/indicators/report.csv")
@login_required("admin", "clerk")
def export_csv() -> Response:
    """The indicators as a table: one row per service and provider, headings in the page's language."""
    return download(_export("csv", page_lang()), "text/csv; charset=utf-8", "indicators.csv")


@bp.get("/indicators/report.pdf")
@login_required("admin", "clerk")
def export_pdf() -> Response:
    """The printable report in Kazakh or Russian (``?lang=``), rendered by the document core."""
    lang = request.args.get("lang", page_lang())
    if lang not in LANGS:
        abort(404)
    return download(_export("pdf", lang), "application/pdf", f"indicators-{lang}.pdf")
