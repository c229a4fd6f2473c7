"""Attached files in a folder, each named by the SHA-256 of its bytes (content-addressed).

The history keeps an attachment's SHA-256; that hash is its key here. The same
bytes are stored once; a file is written to a temporary name and renamed, so
a reader never sees half of one. A key is exactly 64 lowercase hex digits,
so no key reaches outside the folder.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from docgen.output import write_atomic
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
            write_atomic(path, content)  # raises OutputFailed (kk/ru) when it cannot
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
