"""How request and document numbers read. Allocation (gapless, concurrent) is the store's job.

A request number: ``<provider>-<year>-<sequence:06>``; a document number:
``<series>-<provider>-<year>-<sequence:06>`` where the series names the
kind (``LIC`` license, ``ANX`` annex, ``PRM`` permit, ``ORD`` order,
``CRT`` certificate, ``REF`` refusal). Each (provider, year, series) counts
from 1 without gaps.
"""

from __future__ import annotations

__all__ = ["DOCUMENT_SERIES", "REQUEST_SERIES", "document_number", "request_number"]

REQUEST_SERIES = "request"
DOCUMENT_SERIES = {
    "license": "LIC",
    "license-annex": "ANX",
    "permit": "PRM",
    "numbering-order": "ORD",
    "media-certificate": "CRT",
    "refusal": "REF",
}


def _provider(code: str) -> str:
    return "".join(part[:3] for part in code.split("-")).upper()


def request_number(provider_code: str, year: int, sequence: int) -> str:
    return f"{_provider(provider_code)}-{year}-{sequence:06d}"


def document_number(kind: str, provider_code: str, year: int, sequence: int) -> str:
    return f"{DOCUMENT_SERIES[kind]}-{_provider(provider_code)}-{year}-{sequence:06d}"
