"""``docgen kinds``, ``services``, ``example``, ``schema``, ``render`` and ``gallery``: the documents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from docgen.cli.app import catalog
from docgen.cli.common import FORMAT_CHOICE, LANG_CHOICE, echo_json, fail, run, unreadable
from docgen.errors import DocgenError

__all__ = ["example", "gallery", "kinds", "render", "schema", "services"]


def _renderer(pdf_variant: str | None = None) -> Any:
    from dataclasses import replace

    from docgen.bootstrap import make_renderer
    from docgen.config import load_settings

    settings = load_settings()
    if pdf_variant:
        settings = replace(settings, pdf_variant=pdf_variant)
    return make_renderer(settings)


def _read_json(path: Path, lang: str) -> Any:
    """The JSON of ``path``, bounded before it is parsed (size, UTF-8, depth, lone surrogates:
    :func:`~docgen.documents.limits.load_json`); anything wrong is one line and exit 2."""
    from docgen.documents.limits import MAX_BYTES, load_json

    try:
        with path.open("rb") as file:
            content = file.read(MAX_BYTES + 1)  # one byte over the limit is enough to say "too large"
    except OSError as error:
        fail(unreadable("--data", path, error), lang)
    return run(lambda: load_json(content, "--data", str(path)), lang)


@click.command()
def kinds() -> None:
    """List the document kinds."""
    from docgen.documents import KINDS, get_kind

    for name in KINDS:
        kind = get_kind(name)
        click.echo(f"{name:<18} {kind.title['kk']} / {kind.title['ru']}")


@click.command()
def services() -> None:
    """List the services (codes for --service)."""
    for service in catalog():
        click.echo(f"{service.code:<28} {service.title['ru']}")


def _kind_and_service(kind_name: str, service: str | None) -> tuple[Any, Any]:
    from docgen.documents import get_kind

    kind = get_kind(kind_name)
    return kind, kind.service(catalog(), service)


def _print_for_kind(kind: str, service: str | None, what: str) -> None:
    document_kind, definition = run(lambda: _kind_and_service(kind, service))
    produce = document_kind.example if what == "example" else document_kind.schema
    echo_json(produce(definition))


SERVICE_HELP = "Service code (request, survey); default telecom-license."


@click.command()
@click.argument("kind")
@click.option("--service", help=SERVICE_HELP)
def example(kind: str, service: str | None) -> None:
    """Print valid example data for KIND as JSON."""
    _print_for_kind(kind, service, "example")


@click.command()
@click.argument("kind")
@click.option("--service", help=SERVICE_HELP)
def schema(kind: str, service: str | None) -> None:
    """Print the JSON Schema of KIND's data."""
    _print_for_kind(kind, service, "schema")


@click.command()
@click.argument("kind")
@click.option("--lang", type=LANG_CHOICE, default="kk", show_default=True)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="pdf", show_default=True)
@click.option(
    "--data",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="One document's data (JSON).",
)
@click.option(
    "--batch",
    "batch_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Many documents, one JSON object per line.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output file (with --data) or folder (with --batch).",
)
@click.option("--service", help="Service code for request and survey.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes for --batch.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/a-2b", "pdf/ua-1"]),
    help="Archival or accessible PDF (default: plain PDF, or DOCGEN_PDF_VARIANT).",
)
def render(
    kind: str,
    lang: str,
    fmt: str,
    data_file: Path | None,
    batch_file: Path | None,
    out: Path,
    service: str | None,
    workers: int,
    pdf_variant: str | None,
) -> None:
    """Render KIND from --data to --out, or every line of --batch into the --out folder."""
    if (data_file is None) == (batch_file is None):
        raise click.UsageError("give exactly one of --data and --batch")
    if batch_file is not None:
        _render_batch(kind, lang, fmt, batch_file, out, service, workers, pdf_variant)
        return
    from docgen.output import write_atomic

    assert data_file is not None
    data = _read_json(data_file, lang)
    run(lambda: write_atomic(out, _renderer(pdf_variant).render(kind, data, lang, fmt, service)), lang)


def _render_batch(
    kind: str,
    lang: str,
    fmt: str,
    source: Path,
    out: Path,
    service: str | None,
    workers: int,
    pdf_variant: str | None,
) -> None:
    from dataclasses import replace

    from docgen.batch import BatchJob, read_lines, run_batch
    from docgen.config import load_settings
    from docgen.documents import get_kind

    message_lang = lang.split("+")[0]
    run(lambda: get_kind(kind), message_lang)
    try:
        total = sum(1 for _ in read_lines(source))
    except OSError as error:
        fail(unreadable("--batch", source, error), message_lang)
    job = BatchJob(kind=kind, lang=lang, fmt=fmt, out_dir=out, service=service)
    with click.progressbar(length=total, label=kind, file=sys.stderr) as bar:
        settings = replace(load_settings(), pdf_variant=pdf_variant or load_settings().pdf_variant)
        result = run_batch(settings, job, source, workers, progress=bar.update)
    click.echo(result.summary(message_lang))
    if result.failures:
        sys.exit(1)


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--dpi", default=80, show_default=True, help="PNG preview resolution (0: none).")
def gallery(out: Path, dpi: int) -> None:
    """Render every kind, language and format from the examples, with PNG previews."""
    from docgen.gallery import build_gallery, gallery_items

    renderer = _renderer()
    items = list(gallery_items(renderer))
    try:
        with click.progressbar(length=len(items), label="gallery", file=sys.stderr) as bar:
            written = build_gallery(renderer, out, dpi=dpi, progress=lambda item: bar.update(1))
    except DocgenError as error:
        fail(error, "kk+ru")
    click.echo(f"{len(written)} files in {out}")
