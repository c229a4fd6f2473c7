"""The pages' language: Kazakh or Russian, chosen on every page and remembered in the session.

Until the reader chooses, the browser's ``Accept-Language`` decides (Kazakh or Russian; anything
else gets Kazakh, the state language). Page text goes through Flask-Babel's catalogs
(``docgen/web/translations/<lang>/LC_MESSAGES/messages.po``, compiled to ``.mo`` by the set-up);
dates and numbers are formatted by Babel in the same language.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, redirect, request, session, url_for
from flask_babel import Babel, format_date, format_datetime, format_decimal

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response

__all__ = ["DEFAULT", "LANGS", "NAMES", "N_", "bp", "current_lang", "init_app"]

LANGS = ("kk", "ru")
DEFAULT = "kk"
#: Each language named in itself, for the switch.
NAMES = {"kk": "Қазақша", "ru": "Русский"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

bp = Blueprint("i18n", __name__)
babel = Babel()


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs (``pybabel extract`` knows ``N_``) without translating it
    yet: tables of messages are made at import time and translated with ``gettext`` when shown."""
    return message


def current_lang() -> str:
    """The reader's language: chosen on a page, else the browser's preference, else Kazakh."""
    chosen = session.get("lang")
    if chosen in LANGS:
        return str(chosen)
    return request.accept_languages.best_match(LANGS) or DEFAULT


@bp.get("/language/<lang>")
def choose(lang: str) -> Response:
    """Remember the chosen language and go back to the page it was chosen on."""
    if lang in LANGS:
        session["lang"] = lang
    from docgen.web.auth import _safe_next

    return redirect(
        _safe_next(request.args.get("next")) if request.args.get("next") else url_for("public.index")
    )


def _date(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, "short" if style == "short" else "medium")
    return format_date(value, style)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Almaty")
    babel.init_app(app, locale_selector=current_lang)
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["number"] = format_decimal

    @app.context_processor
    def _language() -> dict[str, Any]:
        lang = current_lang()
        return {"lang": lang, "langs": LANGS, "lang_names": NAMES}
