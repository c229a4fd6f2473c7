"""Seals: what ties the stored record to a key the database does not hold.

The history is a hash chain, which shows any edit *inside* it - but anyone who
can write to the database can also cut entries off its end, or rewrite one and
recompute every hash after it. So each request's row keeps the hash of its last
entry (``head``) with an HMAC of it under the installation's audit key
(``head_seal``). The key lives outside the database (``DOCGEN_AUDIT_KEY`` or a
file in ``instance/``): a change made with database access alone cannot carry a
valid seal. The request's data is tied in by its digest, recorded in the
history whenever it is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from docgen.domain.history import canonical_json

__all__ = ["Seal", "data_digest"]


def data_digest(data: Any) -> str:
    """SHA-256 of the canonical JSON of a request's data, as the history records it."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


class Seal:
    """HMAC-SHA256 under the audit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the audit key must be at least 16 bytes")
        self._key = key

    def head(self, request_id: str, seq: int, head: str) -> str:
        """The seal of a request whose last history entry is number ``seq`` with hash ``head``."""
        message = f"head|{request_id}|{seq}|{head}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def survey_token(self, request_id: str) -> str:
        """The survey link token of a request: 256 bits of HMAC under the audit key, in base64url.
        Derived, not drawn, so it can be given again to whoever may have it (the applicant, the
        centre's operator) while the database keeps only its SHA-256: neither the database nor a
        guess yields a working link."""
        digest = hmac.new(self._key, f"survey|{request_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def holds(self, request_id: str, seq: int, head: str, seal: str | None) -> bool:
        return seal is not None and hmac.compare_digest(self.head(request_id, seq, head), seal)
