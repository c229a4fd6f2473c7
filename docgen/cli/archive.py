"""``docgen archive-timestamp``: document timestamps (PAdES B-LTA) on stored documents or a file."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

from docgen.cli.common import echo_json, json_flag, run

__all__ = ["archive_timestamp_command"]


@click.command("archive-timestamp")
@click.argument("source", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where FILE goes, refreshed.")
@click.option("--pki-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: DOCGEN_PKI_DIR.")
@json_flag("Print the result as JSON.")
def archive_timestamp_command(
    source: Path | None, out: Path | None, pki_dir: Path | None, as_json: bool
) -> None:
    """Add a document timestamp (PAdES B-LTA), with up-to-date validation data for the signatures
    and earlier timestamps, so documents stay verifiable after their timestamp authority's
    certificate expires: run it before then.

    Without FILE: to every document stored in the database (DATABASE_URL), each new file recorded
    in its request's history (so `docgen verify --number` and `docgen audit verify` accept it);
    exit 1 if any failed. With FILE: to that file, written to --out. The timestamp authority is
    DOCGEN_TSA's (the PKI folder's by default)."""
    if source is not None:
        _one_file(source, out, pki_dir, as_json)
        return
    if out is not None or pki_dir is not None:
        raise click.UsageError("--out and --pki-dir go with FILE; stored documents use DOCGEN_PKI_DIR")
    _stored(as_json)


def _one_file(source: Path, out: Path | None, pki_dir: Path | None, as_json: bool) -> None:
    import hashlib
    from dataclasses import replace

    from docgen.adapters.signing import PadesArchiver
    from docgen.config import load_signing_settings
    from docgen.output import write_atomic

    if out is None:
        raise click.UsageError("give --out for the refreshed file")
    settings = load_signing_settings()
    settings = replace(settings, pki_dir=pki_dir or settings.pki_dir)
    refreshed = run(lambda: PadesArchiver(settings).timestamp(source.read_bytes()))
    run(lambda: write_atomic(out, refreshed))
    if as_json:
        echo_json({"file": str(out), "sha256": hashlib.sha256(refreshed).hexdigest(), "ok": True})
    else:
        click.echo(f"timestamped {out}")


def _stored(as_json: bool) -> None:
    from docgen.cli.app import application

    archive = application().archive
    assert archive is not None
    numbers = run(archive.numbers)
    done: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    shown = sys.stderr.isatty() and not as_json
    with click.progressbar(
        numbers, label="archive timestamps", file=sys.stderr, show_pos=True, hidden=not shown
    ) as bar:
        for number in bar:
            result = run(partial(_refresh, archive, number))  # a database error: one line, no traceback
            if result["ok"]:
                done.append(result)
            else:
                failed.append(result)
    if as_json:
        echo_json({"refreshed": done, "failed": failed, "ok": not failed})
    else:
        for item in failed:
            click.echo(f"{item['number']}: NOT timestamped: {item['error']}", err=True)
        click.echo(f"timestamped {len(done)} of {len(numbers)} stored documents")
    sys.exit(1 if failed else 0)


def _refresh(archive: Any, number: str) -> dict[str, Any]:
    from docgen.errors import DocgenError

    try:
        item = archive.refresh(number)
    except DocgenError as error:
        return {"number": number, "ok": False, "error": error.message("kk+ru"), "code": error.code}
    return {"number": number, "ok": True, "previous_sha256": item.previous_sha256, "sha256": item.sha256}
