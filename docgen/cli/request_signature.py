"""``docgen sign-request`` and ``docgen verify-request``: the applicant's signature over a request.

``verify-request`` prints one line: ``ok: ... [local]`` (exit 0), or the reason
code and the human reason (exit 1), for example ``revoked: ЭЦҚ ... / ... [ncanode]``;
the line ends with the checker that answered in brackets: ``local`` (RSA/ECDSA
against the PKI folder) or ``ncanode`` (an NCANode service, ``--ncanode`` or
``$DOCGEN_NCANODE_URL``). Bad usage, unreadable files, unusable trust material
and an unreachable NCANode are one line on stderr and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from docgen.cli.common import LANG_CHOICE, fail, run, unreadable
from docgen.errors import SigningKeyError

if TYPE_CHECKING:
    from docgen.domain.signatures import RequestSignatureCheck

__all__ = ["sign_request_command", "verify_request_command"]

_FILE = click.Path(dir_okay=False, path_type=Path)


class _OneLineCommand(click.Command):
    """Usage errors as one line on stderr and exit 2 (no usage block), as the other errors."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            click.echo(f"docgen {self.name}: {error.format_message()}", err=True)
            ctx.exit(2)


def _usage(command: str, text: str) -> NoReturn:
    click.echo(f"docgen {command}: {text}", err=True)
    sys.exit(2)


def _read(path: Path, option: str, lang: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(unreadable(option, path, error.strerror or str(error)), lang)


@click.command("sign-request", cls=_OneLineCommand)
@click.option("--data", "data_file", required=True, type=_FILE, help="The filled request to sign.")
@click.option(
    "--key", "key_file", required=True, type=_FILE, help="The applicant's key and certificate (PKCS#12)."
)
@click.option(
    "--password",
    envvar="DOCGEN_KEY_PASSWORD",
    default="demo",
    show_envvar=True,
    help="Password of --key; default: $DOCGEN_KEY_PASSWORD, else 'demo' "
    "(the password of every key of the development PKI). Prefer the variable to the option.",
)
@click.option("--out", required=True, type=_FILE, help="Where to write the signature (detached CMS, .p7s).")
def sign_request_command(data_file: Path, key_file: Path, password: str, out: Path) -> None:
    """Sign a request: write a detached CMS signature (SHA-256) of --data to --out."""
    from docgen.output import write_atomic
    from docgen.signing.request_signature import sign_request

    data = _read(data_file, "--data", "kk+ru")
    try:
        key = key_file.read_bytes()
    except OSError as error:
        fail(SigningKeyError(path=str(key_file), detail=error.strerror or str(error)))
    run(lambda: write_atomic(out, sign_request(data, key, password.encode(), source=str(key_file))))


@click.command("verify-request", cls=_OneLineCommand)
@click.option("--data", "data_file", required=True, type=_FILE, help="The request as it was signed.")
@click.option("--signature", "signature_file", required=True, type=_FILE, help="Its signature (.p7s).")
@click.option("--iin", help="The IIN given in the request (12 digits).")
@click.option("--bin", "bin_", help="The BIN given in the request (12 digits); with --iin, both must match.")
@click.option(
    "--pki-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with root-ca.pem and crl.pem; default: $DOCGEN_PKI_DIR, else instance/pki.",
)
@click.option(
    "--ncanode",
    "ncanode_url",
    envvar="DOCGEN_NCANODE_URL",
    show_envvar=True,
    help="Check with the NCANode service at this URL (GOST keys of the national CA included) "
    "instead of the local checker; default: $DOCGEN_NCANODE_URL; '' for the local checker.",
)
@click.option("--lang", type=LANG_CHOICE, default="kk+ru", show_default=True)
def verify_request_command(
    data_file: Path,
    signature_file: Path,
    iin: str | None,
    bin_: str | None,
    pki_dir: Path | None,
    ncanode_url: str | None,
    lang: str,
) -> None:
    """Check the applicant's signature over a request: trust, validity, revocation, IIN/BIN.

    Prints 'ok: ... [local]' and exits 0, or prints the reason code and the reason
    (e.g. 'revoked: ... [ncanode]') and exits 1; the line ends with the checker that answered.
    """
    from docgen.domain.signatures import RequestSignatureChecker

    if iin is None and bin_ is None:
        _usage("verify-request", "give --iin, --bin or both")
    for option, value in (("--iin", iin), ("--bin", bin_)):
        if value is not None and not (len(value) == 12 and value.isascii() and value.isdigit()):
            _usage("verify-request", f"{option} must be 12 digits, not {value!r}")
    data = _read(data_file, "--data", lang)
    signature = _read(signature_file, "--signature", lang)
    checker: RequestSignatureChecker
    if ncanode_url:
        from docgen.adapters.ncanode import NcaNodeChecker

        if not ncanode_url.startswith(("http://", "https://")):
            _usage("verify-request", f"--ncanode must be an http:// or https:// URL, not {ncanode_url!r}")
        checker = NcaNodeChecker(ncanode_url)
    else:
        from docgen.signing.request_signature import CmsRequestChecker, TrustStore, default_pki_dir

        checker = CmsRequestChecker(run(lambda: TrustStore.from_folder(pki_dir or default_pki_dir()), lang))
    result = run(lambda: checker.check(data, signature, iin=iin, bin=bin_), lang)
    if result.ok:
        click.echo(f"ok: {_who(result)} — {result.text(lang)} [{result.checker}]")
        return
    click.echo(f"{result.reason}: {result.text(lang)} [{result.checker}]")
    sys.exit(1)


def _who(result: RequestSignatureCheck) -> str:
    """The signer's name with the IIN and BIN of the certificate."""
    numbers = [
        f"IIN {result.signer_iin}" if result.signer_iin else "",
        f"BIN {result.signer_bin}" if result.signer_bin else "",
    ]
    details = ", ".join(item for item in numbers if item)
    return f"{result.signer} ({details})" if details else str(result.signer)
