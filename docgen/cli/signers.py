"""``docgen pki signers``: the signers' register of a PKI folder (who may sign for each provider).

``list`` shows it, ``add`` registers an official's certificate for a provider (refusing one with
another provider's BIN or from another root), ``end`` ends an official's period (they left office:
their signatures after it are ``unauthorized-signer``). Attached to ``docgen pki`` as ``signers``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docgen.cli.common import echo_json, fail, json_flag, moment, run, unreadable
from docgen.errors import InvalidData

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["signers"]

_FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


def _moment(value: str, option: str) -> dt.datetime:
    return moment(value, option, "docgen pki signers")


def _serial(value: str) -> int:
    """A serial number in hex, as ``list`` shows it (either case, ``0x`` allowed). Never decimal: a
    hex serial may start with ``d`` or hold only digits, so no prefix could tell the two apart."""
    try:
        return int(value.strip().lower().removeprefix("0x"), 16)
    except ValueError:
        fail(
            InvalidData(
                kind="docgen pki signers end",
                field="SERIAL",
                problem={
                    "kk": f"сертификат нөмірі он алтылық сан емес: {value!r}",
                    "ru": f"номер сертификата не шестнадцатеричное число: {value!r}",
                },
            )
        )


def _load_certificate(path: Path, password: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The certificate (and the chain) of a PEM/DER certificate file or a PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    from docgen.errors import SigningKeyError

    try:
        content = path.read_bytes()
    except OSError as error:
        raise unreadable("CERT", path, error.strerror or error) from error
    if path.suffix.lower() in (".p12", ".pfx"):
        try:
            _, certificate, chain = pkcs12.load_key_and_certificates(content, password.encode())
        except (ValueError, TypeError) as error:
            raise SigningKeyError(path=str(path), detail="wrong password or not a PKCS#12 file") from error
        if certificate is None:
            raise SigningKeyError(path=str(path), detail="no certificate inside")
        return certificate, list(chain)
    try:
        if b"-----BEGIN" in content:
            first, *rest = x509.load_pem_x509_certificates(content)
            return first, rest
        return x509.load_der_x509_certificate(content), []
    except ValueError as error:
        raise unreadable("CERT", path, "not a certificate") from error


@click.group()
def signers() -> None:
    """The signers' register (signers.json): who may sign documents for each provider."""


@signers.command("list")
@click.argument("folder", type=_FOLDER)
@json_flag("Print the register as JSON.")
def signers_list(folder: Path, as_json: bool) -> None:
    """Each provider's BIN and its signing officials: name, certificate serial, period."""
    from docgen.signing.signers import REGISTER_FILE, load_register

    register = run(lambda: load_register(folder))
    if as_json:
        echo_json(register.to_json() if register else None)
        return
    if register is None:
        click.echo(f"{folder}: no {REGISTER_FILE}")
        return
    for provider in sorted(register.providers, key=lambda item: item.code):
        click.echo(f"{provider.code}  BIN {provider.bin}")
        for official in provider.officials:
            click.echo(
                f"  {official.name}  serial {official.serial:X}  "
                f"from {official.valid_from.isoformat()}  until {official.valid_until.isoformat()}"
            )
        if not provider.officials:
            click.echo("  (no officials)")


@signers.command("add")
@click.argument("folder", type=_FOLDER)
@click.argument("provider")
@click.argument("cert", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "valid_from", help="Start of the period (ISO 8601). Default: the certificate's.")
@click.option("--until", "valid_until", help="End of the period (ISO 8601). Default: the certificate's.")
@click.option("--bin", "bin_", help="The provider's BIN, for a provider not yet in the register.")
@click.option(
    "--password",
    envvar="DOCGEN_P12_PASSWORD",
    default="demo",
    show_default=True,
    help="Password of a .p12/.pfx CERT (env DOCGEN_P12_PASSWORD).",
)
@json_flag("Print the registered official as JSON.")
def signers_add(
    folder: Path,
    provider: str,
    cert: Path,
    valid_from: str | None,
    valid_until: str | None,
    bin_: str | None,
    password: str,
    as_json: bool,
) -> None:
    """Register the certificate CERT (.pem, .der/.cer or .p12) as a signing official of PROVIDER.

    Refused when the BIN in the certificate's subject (OU) is not the provider's, when it does not
    chain to FOLDER's root, or when it is registered for another provider. A bare date is the start
    of that day (UTC).
    """
    from docgen.signing.signers import add_official

    start = _moment(valid_from, "--from") if valid_from else None
    end = _moment(valid_until, "--until") if valid_until else None
    certificate, chain = run(lambda: _load_certificate(cert, password))
    register, official = run(
        lambda: add_official(
            folder, provider, certificate, chain=chain, bin=bin_, valid_from=start, valid_until=end
        )
    )
    if as_json:
        echo_json({"provider": provider, **official.to_json()})
        return
    entry = register.provider(provider)
    click.echo(
        f"registered {official.name} (serial {official.serial:X}) for {provider}"
        f" (BIN {entry.bin if entry else bin_}): from {official.valid_from.isoformat()}"
        f" until {official.valid_until.isoformat()}"
    )


@signers.command("end")
@click.argument("folder", type=_FOLDER)
@click.argument("serial")
@click.option("--date", "date", help="When the official stopped signing (ISO 8601). Default: now.")
@json_flag("Print the ended period(s) as JSON.")
def signers_end(folder: Path, serial: str, date: str | None, as_json: bool) -> None:
    """End the signing period of the official whose certificate has SERIAL (hex, as ``list`` shows
    it), e.g. because they left office: their signatures after DATE are
    ``unauthorized-signer``. A bare date is the start of that day (UTC)."""
    from docgen.signing.signers import end_official

    moment = _moment(date, "--date") if date else dt.datetime.now(dt.UTC).replace(microsecond=0)
    number = _serial(serial)
    _, ended = run(lambda: end_official(folder, number, moment))
    if as_json:
        echo_json([{"provider": code, **official.to_json()} for code, official in ended])
        return
    for code, official in ended:
        click.echo(
            f"ended {official.name} (serial {official.serial:X}) for {code}: "
            f"may sign from {official.valid_from.isoformat()} until {official.valid_until.isoformat()}"
        )
