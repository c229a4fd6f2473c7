"""docgen: official documents of Kazakh electronic state services.

Bilingual (Kazakh/Russian) licenses, annexes, permits, orders, reasoned
refusals, registration certificates, request forms and surveys, rendered to
PDF, DOCX and HTML from one template per document kind and language.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
