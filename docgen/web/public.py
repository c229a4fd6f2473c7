"""Pages anyone may open: the start page (the catalog of services)."""

from __future__ import annotations

from flask import Blueprint, render_template

from docgen.web import services

__all__ = ["bp"]

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    """The services anyone can request, in the catalog's order."""
    return render_template("index.html", services=list(services().catalog))
