"""``docgen document …`` and ``docgen overdue``: issued documents in the registry, and deadlines."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.app import application, as_option, user
from docgen.cli.common import echo_json, echo_result, json_option, run

__all__ = ["document", "overdue_command"]


@click.group()
def document() -> None:
    """Issued documents in the registry."""


@document.command("status")
@click.argument("number")
@click.argument("status", type=click.Choice(["active", "suspended", "terminated"]))
@click.option("--reason", required=True, help="Why (recorded in the history with the clerk's name).")
@as_option
@json_option
def document_status(number: str, status: str, reason: str, login: str, as_json: bool) -> None:
    """Suspend, terminate or reinstate the license NUMBER (its provider's clerk)."""
    who = user(login)
    result = run(lambda: application().documents.set_status(who, number, status, reason))
    echo_result({"number": number, "status": result}, as_json, f"{number}: {result}")


@document.command("check")
@click.argument("number")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--h", "fingerprint", help="The h= of the QR code's address.")
@click.option("--holder", help="The holder's IIN or BIN: only their document is found.")
@json_option
def document_check(
    number: str, path: Path | None, fingerprint: str | None, holder: str | None, as_json: bool
) -> None:
    """Is this file (or QR fingerprint) the document issued under NUMBER, and in force? Exit 1 if not."""
    documents = application().documents
    if path is not None:
        content = run(path.read_bytes)
        verdict = run(lambda: documents.check_file(number, content, holder))
    elif fingerprint is not None:
        verdict = run(lambda: documents.check_fingerprint(number, fingerprint, holder))
    else:
        raise click.UsageError("give --file or --h")
    good = verdict["matches"] and verdict["status"] == "active"
    if as_json:
        echo_json(verdict | {"ok": good})
    else:
        matches = "matches" if verdict["matches"] else "DOES NOT match"
        click.echo(
            f"{number} ({verdict['kind']}, issued {verdict['issued']}): {matches}; status {verdict['status']}"
        )
    raise SystemExit(0 if good else 1)


@click.command("overdue")
@click.option("--soon", default=0, show_default=True, help="Also list requests due within this many days.")
@as_option
@json_option
def overdue_command(soon: int, login: str, as_json: bool) -> None:
    """Requests past their decision deadline (a clerk's provider; an administrator's: all)."""
    who = user(login)
    rows = run(lambda: application().queries.overdue(who, soon))
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "OVERDUE" if row["overdue"] else "due soon"
        click.echo(f"{row['due']} {mark:<8} {row['number'] or '-'} {row['service']} {row['id']}")
    if not rows:
        click.echo("none")
