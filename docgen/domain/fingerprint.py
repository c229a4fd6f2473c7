"""The fingerprint a document's QR code carries: ``h`` in ``/verify/<number>?h=…``.

The first 128 bits (32 hex digits) of the SHA-256 of the document's data in
canonical JSON. The renderer puts it in the QR code; the verification use
case recomputes it from the stored data, so one function serves both.
"""

from __future__ import annotations

import hashlib
from typing import Any

from docgen.domain.history import canonical_json

__all__ = ["fingerprint"]


def fingerprint(data: Any) -> str:
    """First 32 hex digits of SHA-256 over the canonical JSON of ``data``."""
    return hashlib.sha256(canonical_json(data)).hexdigest()[:32]
