"""``docgen deadline``: when the provider must decide on a request."""

from __future__ import annotations

import re
from datetime import date

import click

from docgen.cli.common import echo_json, fail, json_flag
from docgen.errors import DocgenError, InvalidDate, UnknownAction, UnknownService

__all__ = ["deadline_command"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(value: str, option: str) -> date:
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidDate(option=option, value=value)


@click.command("deadline")
@click.argument("service")
@click.argument("action")
@click.option("--registered", required=True, metavar="YYYY-MM-DD", help="Day the request was registered.")
@json_flag("Print the deadline as a JSON object.")
def deadline_command(service: str, action: str, registered: str, as_json: bool) -> None:
    """Print the decision deadline of SERVICE's ACTION for a request registered on --registered.

    The registration day is not counted; working days skip Kazakhstan's
    weekends, public holidays and transferred days off; a calendar-day
    deadline ending on a day off moves to the next working day.
    """
    from docgen.adapters.calendar import KazakhstanCalendar
    from docgen.config import load_settings
    from docgen.domain.catalog import Catalog
    from docgen.domain.deadlines import deadline_for

    try:
        registered_on = _parse_date(registered, "--registered")
        catalog = Catalog.load(load_settings().forms_dir)
        if service not in catalog:
            raise UnknownService(service=service, known=", ".join(catalog.codes()))
        definition = catalog.get(service)
        if action not in definition.actions:
            raise UnknownAction(service=service, action=action, known=", ".join(definition.actions))
        deadline = deadline_for(definition, action, registered_on, KazakhstanCalendar())
    except DocgenError as error:
        fail(error)
    if as_json:
        payload = {
            "service": service,
            "action": action,
            "registered": deadline.registered.isoformat(),
            "due": deadline.due.isoformat(),
            "days": deadline.days,
            "day_kind": deadline.day_kind,
        }
        echo_json(payload, indent=None)
    else:
        click.echo(deadline.due.isoformat())
