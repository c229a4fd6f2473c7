"""``docgen survey …``: the citizens' survey from scripts: the link, an answer, the indicators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docgen.cli.app import application, as_option, user
from docgen.cli.common import fail, run
from docgen.errors import InvalidDate
from docgen.output import write_atomic

__all__ = ["survey"]

_ANSWER = click.Choice(["1", "2", "3"])


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(InvalidDate(option=option, value=value))


@click.group()
def survey() -> None:
    """The quality and accessibility survey: links, answers, indicators."""


@survey.command("link")
@click.argument("request_id")
@as_option
def survey_link(request_id: str, login: str) -> None:
    """Print the survey address of the decided request REQUEST_ID (its applicant, or the operator
    of the centre it was filed at): <DOCGEN_BASE_URL>/survey/<token>."""
    who = user(login)
    app = application()
    token = run(lambda: app.survey.offer(who, request_id))
    click.echo(app.survey.address(token))


@survey.command("invitation")
@click.argument("request_id")
@click.option("--lang", default="kk", show_default=True, type=click.Choice(["kk", "ru"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_option
def survey_invitation(request_id: str, lang: str, out: Path, login: str) -> None:
    """Write the survey invitation of the decided request REQUEST_ID (PDF): its survey address and
    QR code, handed over with the result to a person served at a centre."""
    who = user(login)
    content = run(lambda: application().survey.invitation(who, request_id, lang))
    run(lambda: write_atomic(out, content))
    click.echo(str(out))


@survey.command("answer")
@click.argument("token")
@click.option("--q1", required=True, type=_ANSWER, help="Answer to question 1 (quality): 1, 2 or 3.")
@click.option("--q2", required=True, type=_ANSWER, help="Answer to question 2 (accessibility): 1, 2 or 3.")
def survey_answer(token: str, q1: str, q2: str) -> None:
    """Answer the survey of the link TOKEN (the part after /survey/); once per request."""
    token = token.rstrip("/").rsplit("/survey/", 1)[-1]
    run(lambda: application().survey.answer(token, int(q1), int(q2)))
    click.echo("Рахмет! / Спасибо!")


@survey.command("report")
@click.option("--service", help="Only this service (code).")
@click.option("--provider", help="Only this provider (code); a clerk sees their own only.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "json", "pdf"]))
@click.option("--lang", default="kk", show_default=True, type=click.Choice(["kk", "ru"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_option
def survey_report(
    service: str | None,
    provider: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    lang: str,
    out: Path,
    login: str,
) -> None:
    """Write the indicators per service and provider (answers, shares, quality and accessibility
    scores, decided within the deadline) as CSV, JSON or a printable PDF; counts, never names."""
    first, last = _date(start, "--from"), _date(end, "--to")
    who = user(login)
    content = run(
        lambda: application().survey.export(
            who, fmt, lang, service=service, provider=provider, start=first, end=last
        )
    )
    run(lambda: write_atomic(out, content))
    click.echo(str(out))
