"""Where the blueprints are registered: one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from docgen.web import auth, i18n, public

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(i18n.bp)
    from docgen.web import applicant, clerk, operator

    app.register_blueprint(applicant.bp)
    app.register_blueprint(clerk.bp)
    app.register_blueprint(operator.bp)
    from docgen.web import api

    app.register_blueprint(api.bp)
    from docgen.web import survey

    app.register_blueprint(survey.bp)
