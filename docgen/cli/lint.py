"""``docgen lint``: the provider requisites the documents need and the catalog lacks or doubts."""

from __future__ import annotations

import click

from docgen.cli.common import echo_json, json_flag

__all__ = ["lint_command"]


@click.command("lint")
@json_flag("Print the findings as a JSON list.")
def lint_command(as_json: bool) -> None:
    """Check forms/providers.toml against what each service's documents print.

    Names every requisite (name, address, city, phone, BIN) that an output
    document of a service needs and its provider lacks, and lists the values
    the catalog marks to be confirmed as warnings. Exit code 1 when a
    requisite is missing, 0 otherwise.
    """
    from docgen.config import load_settings
    from docgen.documents.requisites import lint
    from docgen.domain.catalog import Catalog

    findings = lint(Catalog.load(load_settings().forms_dir))
    missing = [item for item in findings if item.level == "missing"]
    if as_json:
        echo_json(
            [
                {
                    "level": item.level,
                    "provider": item.provider,
                    "field": item.field,
                    "services": list(item.services),
                    "kinds": list(item.kinds),
                }
                for item in findings
            ]
        )
    else:
        for item in findings:
            click.echo(f"{'error' if item.level == 'missing' else 'warning'}: {item}", err=item in missing)
        click.echo(
            f"{len(missing)} missing, {len(findings) - len(missing)} to confirm",
            err=bool(missing),
        )
    if missing:
        raise SystemExit(1)
