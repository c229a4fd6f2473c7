"""The web front end: a Flask application factory over the service layer.

:func:`create_app` takes the :class:`~docgen.bootstrap.Application` that the command line also uses
(built from the environment's settings when none is given) and keeps it in ``app.extensions``;
views only parse the request, call a use case and render (``docgen.web.views``). Every rule of who
may do what lives in the use cases; the web adds signing in. Nothing is built at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from docgen.bootstrap import Application

__all__ = ["create_app", "services"]

EXTENSION = "docgen"
#: Where the API's :class:`~docgen.web.credentials.VerifiedCredentials` are kept.
CREDENTIALS = "docgen-credentials"


def create_app(application: Application | None = None, *, testing: bool = False, **config: Any) -> Flask:
    """The Flask application over ``application`` (default: built from the environment, migrated, and
    on an empty embedded database given the demo users and requests, whose sign-ins are printed)."""
    from flask import Flask

    from docgen.web import i18n, security

    if application is None:
        from docgen.bootstrap import build
        from docgen.config import load

        application = build(load())
        application.upgrade()
        from docgen.web.startup import demo_sign_ins, seed_demo_if_empty

        seed_demo_if_empty(application)
        for line in demo_sign_ins(application):
            print(line)
        application.warm()
    app = Flask(__name__)
    app.extensions[EXTENSION] = application
    settings = application.settings
    app.config.update(
        SECRET_KEY=security.secret_key(settings),
        MAX_CONTENT_LENGTH=(settings.max_attachment_mb + 1) * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="docgen_session",
        TESTING=testing,
        DEBUG=False,  # never the interactive debugger, whatever FLASK_DEBUG says
        PROPAGATE_EXCEPTIONS=testing,
    )
    app.config.update(config)
    from docgen.web.credentials import TTL, VerifiedCredentials

    # the API's HTTP Basic credentials: Argon2 once, then recognised for a few minutes (credentials.py)
    app.extensions[CREDENTIALS] = VerifiedCredentials(
        application.users, ttl=float(app.config.get("API_CREDENTIALS_TTL", TTL))
    )
    security.init_app(app, settings)
    i18n.init_app(app)
    from docgen.web import views

    views.init_app(app)
    return app


def services() -> Application:
    """The application (use cases) of the current Flask app."""
    from flask import current_app

    application: Application = current_app.extensions[EXTENSION]
    return application
