"""The repository's copy of the regulations is the workplace's, byte for byte, where both are here."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS

SHARED = SEEDS.parent.parent / "shared" / "seeds"


def test_the_five_seeds_are_in_the_repository() -> None:
    assert sorted(path.name[:3] for path in SEEDS.glob("*.txt")) == ["000", "001", "002", "003", "004"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="no workplace copy of the seeds beside this clone")
def test_the_repository_copy_equals_the_workplace_seeds() -> None:
    for path in SHARED.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes(), path.name
