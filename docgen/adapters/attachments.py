"""Attached files in a folder, each named by the SHA-256 of its bytes (content-addressed).

The history keeps an attachment's SHA-256; that hash is its key here. The same
bytes are stored once; a file is written to a temporary name and renamed, so
a reader never sees half of one. A key is exactly 64 lowercase hex digits,
so no key reaches outside the folder. A file is created with the process's umask (as the
server's other files are: readable by its user and group under the usual ``umask 027``/``022``), not
private to one user, so a worker or a backup running as another user of the group can read it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from docgen.errors import OutputFailed
from docgen.services.ports import AttachmentStore

__all__ = ["FolderAttachments"]

_KEY = re.compile(r"[0-9a-f]{64}")


class FolderAttachments(AttachmentStore):
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        path = self.folder / key
        if not path.is_file():
            _write_shared(path, content)  # raises OutputFailed (kk/ru) when it cannot
        return key

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``; ``None`` for a key that is not a SHA-256 in lowercase hex,
        one never stored, or a file whose bytes no longer match it."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            return None
        try:
            content = (self.folder / key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        if hashlib.sha256(content).hexdigest() != key:
            return None
        return content


def _write_shared(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically (a temporary name in the same folder, then renamed),
    with the permissions the umask leaves of 0666 (``tempfile.mkstemp`` would force 0600)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise OutputFailed(path=str(path), detail=error.strerror or str(error)) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputFailed(path=str(path), detail=error.strerror or str(error)) from error
        raise
