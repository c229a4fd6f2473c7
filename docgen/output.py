"""Writing output files whole or not at all.

A document is written to a temporary file in the target folder and renamed
over the target only when complete, so an interrupted or failed render never
leaves a partial file where a user or another program would read it. The file
gets the permissions the umask leaves of 0666, as any program's output does
(``tempfile.mkstemp`` would make every document 0600, unreadable by the
server's group); secrets and keys are written elsewhere, 0600 on purpose.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from docgen.errors import OutputFailed

__all__ = ["write_atomic"]


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically (same-folder temp file + rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.part")
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    except OSError as error:
        raise OutputFailed(path=str(path), detail=error.strerror or str(error)) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputFailed(path=str(path), detail=error.strerror or str(error)) from error
        raise
