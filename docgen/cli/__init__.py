"""The ``docgen`` command: a thin shell over the library.

It parses arguments, calls the library and turns any
:class:`~docgen.errors.DocgenError` into one line on stderr in the user's
language and exit code 2 - never a traceback, never a half-written file.

Each module holds a family of commands; this one gathers them under
:func:`main`. Heavy libraries (WeasyPrint, SQLAlchemy, pyHanko) are imported
inside the commands, so that ``docgen --help`` starts fast.
"""

from __future__ import annotations

import click

from docgen.cli import (
    admin,
    archive,
    batch,
    deadlines,
    lint,
    registry,
    render,
    request_signature,
    requests,
    signing,
    survey,
)

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docgen")
def main() -> None:
    """Official documents of Kazakh e-government services, in kk and ru."""
    import logging

    # pyHanko logs each failed check with a traceback; the commands report results themselves.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


_COMMANDS: tuple[click.Command, ...] = (
    # documents: kinds, services, example data, schemas, rendering, the gallery
    render.kinds,
    render.services,
    render.example,
    render.schema,
    render.render,
    render.gallery,
    # the decision deadline of a service's action
    deadlines.deadline_command,
    # the catalog's provider requisites against what the documents print
    lint.lint_command,
    # the provider's signature on documents
    signing.pki,
    signing.sign_command,
    signing.verify_command,
    archive.archive_timestamp_command,
    # the applicant's signature on requests
    request_signature.sign_request_command,
    request_signature.verify_request_command,
    # the installation: schema, demo data, users, the record's audit
    admin.db,
    admin.demo_command,
    admin.user,
    admin.audit,
    # the request's journey, as a named user
    requests.request,
    # issued documents in the registry, and deadlines
    registry.document,
    registry.overdue_command,
    # batches across machines (Celery on Redis) or in local processes
    batch.batch,
    # the citizens' survey: links, answers, indicators
    survey.survey,
)

for _command in _COMMANDS:
    main.add_command(_command)
