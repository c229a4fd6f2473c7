from pathlib import Path

import pytest

from docgen.errors import OutputFailed
from docgen.output import write_atomic


def test_writes_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "doc.pdf"
    write_atomic(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.pdf"]


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(OutputFailed) as caught:
        write_atomic(blocker / "doc.pdf", b"x")
    assert "doc.pdf" in caught.value.message("kk")
