"""Where the blueprints are registered: one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from docgen.web import public

    app.register_blueprint(public.bp)
