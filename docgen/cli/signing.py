"""``docgen pki``, ``docgen sign`` and ``docgen verify``: the signing commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.cli.common import echo_json, json_flag, moment, run
from docgen.cli.signers import signers

__all__ = ["pki", "sign_command", "verify_command"]


def _pki_dir(value: Path | None) -> Path:
    from docgen.config import load_signing_settings

    return value or load_signing_settings().pki_dir


@click.group()
def pki() -> None:
    """A local PKI for development, demos and tests (never for real keys)."""


@pki.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing PKI in FOLDER.")
def pki_init(folder: Path, force: bool) -> None:
    """Create root CA, a signer per provider, demo applicants, a TSA and a CRL in FOLDER."""
    from docgen.bootstrap import make_renderer
    from docgen.signing.pki import init_demo

    if (folder / "root-ca.pem").exists() and not force:
        click.echo(f"docgen: {folder} already holds a PKI (use --force to replace it)", err=True)
        sys.exit(2)
    made = init_demo(folder, make_renderer().catalog.providers())
    click.echo(f"PKI in {made.folder}:")
    for path in sorted(made.folder.rglob("*")):
        if path.is_file():
            click.echo(f"  {path.relative_to(made.folder)}")
    click.echo(
        "DEVELOPMENT ONLY: root-ca.key is not encrypted and every PKCS#12 password is 'demo'. "
        "Never use these keys for real documents."
    )


pki.add_command(signers)


@pki.command("revoke")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("serial")
@click.option(
    "--reason",
    type=click.Choice(["key-compromise", "affiliation-changed", "superseded", "cessation-of-operation"]),
    help="The CRLReason recorded; without it the entry has none (read as unspecified).",
)
@click.option(
    "--date",
    "when",
    help="ISO 8601 date or time: the key's compromise (key-compromise: also the entry's InvalidityDate), "
    "or when the official left office; default now. Signatures timestamped before it stay valid.",
)
def pki_revoke(folder: Path, serial: str, reason: str | None, when: str | None) -> None:
    """Add the certificate with SERIAL (hex, as `docgen pki signers list` shows it) to FOLDER's CRL;
    earlier entries keep their dates and reasons."""
    from docgen.signing.pki import LocalPki

    try:
        number = int(serial.lower().removeprefix("0x"), 16)
    except ValueError as error:
        problem = f"{serial!r} is not a hexadecimal serial number"
        raise click.BadParameter(problem, param_hint="SERIAL") from error
    when_revoked = moment(when, "--date", "docgen pki revoke") if when else None
    entry = LocalPki(folder).revoke(number, reason, when_revoked)
    click.echo(
        f"revoked {number:X} ({entry.reason or 'no reason'}) as of {entry.revoked_at.isoformat()}; "
        f"{folder / 'crl.pem'} re-signed"
    )


@click.command("sign")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--provider", required=True, help="Provider code (its key is DOCGEN_PKI_DIR/providers/CODE.p12)."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pki-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: DOCGEN_PKI_DIR.")
def sign_command(source: Path, provider: str, out: Path, pki_dir: Path | None) -> None:
    """Sign SOURCE (PAdES) as the provider's authorised person, with a visible signature."""
    from dataclasses import replace

    from docgen.adapters.signing import ProviderSigners
    from docgen.config import load_signing_settings
    from docgen.output import write_atomic

    settings = replace(load_signing_settings(), pki_dir=_pki_dir(pki_dir))
    run(lambda: write_atomic(out, ProviderSigners(settings).sign(provider, source.read_bytes())))
    click.echo(f"signed {out}")


@click.command("verify")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pki-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: DOCGEN_PKI_DIR.")
@click.option("--sha256", "expected", help="The SHA-256 recorded when this system issued the document.")
@click.option(
    "--number",
    help="The document number: compare the SHA-256 with the one stored at issue (DATABASE_URL).",
)
@json_flag("Print the result as JSON.")
def verify_command(
    source: Path,
    pki_dir: Path | None,
    expected: str | None,
    number: str | None,
    as_json: bool,
) -> None:
    """Check every signature of SOURCE; exit 0 only when all are intact, trusted, unmodified and
    (when the PKI folder has a signers' register) by a registered official - of the provider that
    issued document NUMBER, with --number."""
    from docgen.signing.verify import DOCUMENT_REASONS, REASONS, VALIDATION_TIME_SOURCES, verify_pdf

    status = provider = None
    if number:
        record = run(lambda: _issued(number, source.read_bytes()))
        expected, status, provider = record["sha256"], record["status"], record.get("provider")
    result = run(
        lambda: verify_pdf(
            source.read_bytes(),
            _pki_dir(pki_dir),
            expected_sha256=expected,
            provider=provider,
        )
    )
    in_force = status in (None, "active")
    if as_json:
        echo_json(result.to_dict() | ({"status": status} if status else {}))
    else:
        if result.problem:
            click.echo(f"{source}: {result.problem}")
        if not result.signatures and not result.problem:
            click.echo(f"{source}: no signatures")
        for item in result.signatures:
            click.echo(
                f"{item.field}: signer {item.signer}; signed {item.signed_at or 'time unknown'}; "
                f"{'intact' if item.intact else 'NOT INTACT (signed bytes changed)'}; "
                f"{'chain trusted' if item.trusted else 'chain NOT trusted'}; "
                f"{'MODIFIED after signing' if item.modified else 'not modified'}"
                f"{'; REVOKED' if item.revoked else ''}{'; timestamped' if item.timestamped else ''}"
                f"{f'; official of {item.provider}' if item.authorized else ''}"
                f" [{item.summary}]"
            )
            if item.validation_time:
                click.echo(
                    f"{item.field}: judged at {item.validation_time} ({item.validation_time_source}: "
                    f"{VALIDATION_TIME_SOURCES.get(item.validation_time_source or '', '')})"
                )
            for code in item.reasons:
                click.echo(f"{item.field}: {code}: {REASONS.get(code, code)}")
            if item.message:
                click.echo(f"{item.field}: unauthorized-signer: {item.message}")
        for stamp in result.timestamps:
            click.echo(
                f"{stamp.field}: document timestamp {stamp.time or 'time unknown'}; "
                f"{'intact' if stamp.intact else 'NOT INTACT'}; "
                f"{'trusted' if stamp.trusted else 'NOT trusted'} at {stamp.checked_at} [{stamp.summary}]"
            )
        if result.signer_authority:
            click.echo(result.signer_authority)
        if result.sha256_matches is not None:
            click.echo(f"sha256 {'matches' if result.sha256_matches else 'DIFFERS from'} the issued document")
        if status is not None:
            click.echo(f"registry status: {status}{'' if in_force else ' (NOT in force)'}")
        for code in result.reasons:
            if code in DOCUMENT_REASONS:
                click.echo(f"{source}: {code}: {DOCUMENT_REASONS[code]}")
        if not result.ok:
            click.echo(f"reasons: {', '.join(result.reasons)}")
        click.echo("OK" if result.ok and in_force else "NOT OK")
    sys.exit(0 if result.ok and in_force else 1)


def _issued(number: str, content: bytes) -> dict[str, str]:
    """The SHA-256 this system stored when it issued the document ``number``, and its registry status
    now: a signature that still verifies does not make a suspended or terminated license valid."""
    from docgen.cli.app import application

    return application().documents.check_file(number, content)
