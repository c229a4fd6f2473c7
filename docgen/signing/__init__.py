"""Electronic digital signatures (ЭЦҚ / ЭЦП).

- :mod:`.pki`: a local public-key infrastructure for development, demos and tests;
- :mod:`.pades`: PAdES signatures on issued documents, by the provider's authorised person;
- :mod:`.verify`: checking signed PDFs with pyHanko's validator;
- :mod:`.trust`: the trusted roots and CRL of a PKI folder;
- :mod:`.signers`: the signers' register: each provider's BIN and its registered signing officials;
- :mod:`.request_signature`: the applicant's CMS signature over a request, checked as the seeds prescribe.
"""
