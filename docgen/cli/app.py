"""The application the commands act on, and the user they act as.

``--as LOGIN`` names an existing, enabled user (``docgen user list``); what
that user may do is decided by the service layer exactly as on the web.
Commands that administer the installation itself (``db``, ``demo``,
``user``, ``audit``) need no ``--as``: whoever can reach the database can
run them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from docgen.cli.common import run

if TYPE_CHECKING:
    from docgen.bootstrap import Application
    from docgen.domain.catalog import Catalog
    from docgen.domain.users import User
    from docgen.services.requests import RegulationReads

__all__ = ["application", "as_option", "catalog", "regulation", "user"]

#: ``--as LOGIN`` (or ``DOCGEN_AS``): the user a command acts as.
as_option = click.option(
    "--as",
    "login",
    required=True,
    envvar="DOCGEN_AS",
    show_envvar=True,
    help="Act as this user (docgen user list).",
)


def application() -> Application:
    """The application on the configured database and PKI (built once per command)."""
    context = click.get_current_context()
    root = context.find_root()
    if root.obj is None:
        from docgen.bootstrap import build

        root.obj = run(build)
        root.call_on_close(lambda: _dispose(root.obj))
    app: Application = root.obj
    return app


def catalog() -> Catalog:
    """The service catalog (``forms/``) alone: for the commands that read the regulation and nothing
    else, which so start without the database layer, the renderer or the signer."""
    from docgen.config import load_settings
    from docgen.domain.catalog import Catalog

    return run(lambda: Catalog.load(load_settings().forms_dir))


def regulation() -> RegulationReads:
    """What a person fills in, the clerk's decision and the refusal grounds, from :func:`catalog`."""
    from docgen.services.requests import RegulationReads

    return RegulationReads(catalog())


def _dispose(app: Any) -> None:
    if app.engine is not None:
        app.engine.dispose()


def user(login: str) -> User:
    """The user ``--as`` names: unknown or disabled users are refused (exit 2)."""
    return run(lambda: application().users.acting_as(login))
