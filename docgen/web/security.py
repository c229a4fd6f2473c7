"""What every response carries and what guards every request: security headers (a
Content-Security-Policy without inline script or style, no sniffing, no framing), CSRF tokens on
every form (Flask-WTF), rate limits (Flask-Limiter: in memory, or Redis when ``REDIS_URL`` is set),
readable error pages (403, 404, 413, 429, a refused CSRF token) in the reader's language, and the
session cookies' signing key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import render_template, request
from flask_babel import force_locale, gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from docgen.web.i18n import N_

if TYPE_CHECKING:
    from flask import Flask, Response
    from werkzeug.exceptions import HTTPException

    from docgen.config import Settings

__all__ = [
    "HEADERS",
    "SIGN_IN_LIMITS",
    "VERIFY_LIMITS",
    "csrf",
    "failed",
    "init_app",
    "limiter",
    "secret_key",
]

#: Sent with every response. Scripts and styles only from this site, never inline.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Wrong sign-ins allowed from one address (a successful one is not counted).
SIGN_IN_LIMITS = "5 per minute"
#: Wrong sign-ins allowed for one login, from anywhere (a slow guesser on many addresses).
SIGN_IN_LOGIN_LIMITS = "20 per hour"
#: Verification look-ups and uploads from one address.
VERIFY_LIMITS = "30 per minute"

csrf = CSRFProtect()
limiter = Limiter(get_remote_address, headers_enabled=True)


def failed(response: Response) -> bool:
    """A sign-in that did not sign anyone in (it answers with the form again, not a redirect)."""
    return response.status_code != 302


def login_key() -> str:
    return "login:" + request.form.get("login", "").strip().lower()[:64]


def secret_key(settings: Settings) -> bytes:
    """``DOCGEN_SECRET_KEY``, else a random key made once and kept in ``instance/web-secret``."""
    if settings.secret_key:
        return settings.secret_key.encode()
    from docgen.adapters.outside import local_secret

    return local_secret(settings.instance_dir / "web-secret")


def init_app(app: Flask, settings: Settings) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "redis+")):
        try:
            import redis  # noqa: F401 - Flask-Limiter's Redis storage needs the client
        except ImportError as missing:
            raise RuntimeError(
                "REDIS_URL is set but the redis client is not installed: pip install -e '.[redis]'"
            ) from missing
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    # each app says whether its limits hold: the limiter is one object, and would keep the last
    # app's choice otherwise
    app.config.setdefault("RATELIMIT_ENABLED", True)
    csrf.init_app(app)
    limiter.init_app(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        return _error_page(400, "csrf"), 400

    for status in (400, 403, 404, 405, 413, 429, 500):

        def handler(error: HTTPException, status: int = status) -> tuple[str, int]:
            return _error_page(status, str(status)), status

        app.register_error_handler(status, handler)


#: Each error page's heading and explanation, shown in the reader's language and then in the other.
ERRORS = {
    "400": (N_("The request could not be understood"), N_("Check what you entered and try again.")),
    "403": (N_("Not allowed"), N_("Your account may not open this page.")),
    "404": (N_("Not found"), N_("There is no such page or document.")),
    "document": (
        N_("Not found"),
        N_("No document with this number was issued by this system. Check the number and try again."),
    ),
    "405": (N_("Not allowed"), N_("This address does not accept this kind of request.")),
    "413": (
        N_("The file is too large"),
        N_("The file you sent is larger than this service accepts. Send a smaller file."),
    ),
    "429": (
        N_("Too many attempts"),
        N_("Too many attempts in a short time. Wait a minute and try again."),
    ),
    "500": (
        N_("Something went wrong"),
        N_("The service could not answer. Try again later; if it happens again, tell the service's staff."),
    ),
    "csrf": (
        N_("The form has expired"),
        N_(
            "The form was not sent from this site's page, or it has expired. "
            "Open the page again and send the form once more."
        ),
    ),
}


def error_page(status: int, reason: str, **texts: str) -> str:
    """An error page in both languages, the reader's first (the texts of :data:`ERRORS`)."""
    from docgen.web.i18n import LANGS, current_lang

    first = current_lang()
    versions = []
    for lang in (first, *(code for code in LANGS if code != first)):
        with force_locale(lang):
            title, body = ERRORS.get(reason, ERRORS["400"])
            versions.append({"lang": lang, "title": gettext(title), "body": gettext(body)})
    return render_template("error.html", status=status, versions=versions, **texts)


def _error_page(status: int, reason: str) -> str:
    return error_page(status, reason)
