"""One development PKI for the signing tests, made fresh in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.signing.pki import LocalPki, init_demo


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    """Root CA, a signer per provider, demo applicants, a TSA and an empty CRL."""
    folder: Path = tmp_path_factory.mktemp("pki")
    return init_demo(folder, Catalog.load(PROJECT_ROOT / "forms").providers())
