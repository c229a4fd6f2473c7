"""Document timestamps on signed PDFs (PAdES B-LTA): keeping a signature verifiable after its
timestamp authority's certificate expires.

A signature timestamp proves when a document was signed only while the
timestamp authority's certificate can still be validated. Before it expires
(or its algorithms weaken), :func:`add_archive_timestamp` adds, in incremental
updates that leave every signature intact:

1. the validation data of each signature as it stands now (the chain and a
   current CRL, for the signer and the signature timestamp's authority), when
   it still validates now - an expired signer keeps the data embedded at signing;
2. the validation data of the newest document timestamp, if the document has one;
3. a new document timestamp over all of it, with its own authority's validation data.

``docgen verify`` then checks the newest document timestamp now, each earlier one at the time
the next proves, and the signature timestamp at the earliest such time.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext

from docgen.errors import SigningFailed

__all__ = ["add_archive_timestamp"]

log = logging.getLogger(__name__)


def add_archive_timestamp(
    pdf: bytes, timestamper: TimeStamper, context: Callable[[], ValidationContext]
) -> bytes:
    """``pdf`` with up-to-date validation data and a new document timestamp (see the module).
    ``context`` makes a fresh validation context (trust roots, current CRL) for each step.
    :class:`~docgen.errors.SigningFailed` when the document has no signature or the timestamp
    cannot be made."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
        if not signatures:
            raise SigningFailed(detail="the document has no signature to keep verifiable")
        current = pdf
        for index in range(len(signatures)):
            signature = PdfFileReader(io.BytesIO(current), strict=False).embedded_regular_signatures[index]
            try:
                output = add_validation_info(signature, context(), add_vri_entry=False)
            except Exception as error:  # no longer valid now: keep the data embedded at signing
                log.info("no fresh validation data for %s: %s", signature.field_name, error)
                continue
            current = output.getvalue()
        reader = PdfFileReader(io.BytesIO(current), strict=False)
        output = PdfTimeStamper(timestamper).update_archival_timestamp_chain(
            reader, context(), output=io.BytesIO(), default_md_algorithm="sha256"
        )
        return bytes(output.getvalue())
    except SigningFailed:
        raise
    except Exception as error:
        raise SigningFailed(detail=f"archive timestamp: {type(error).__name__}: {error}") from error
