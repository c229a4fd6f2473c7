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


def test_a_written_document_has_the_permissions_the_umask_leaves_not_0600(tmp_path: Path) -> None:
    import os
    import stat

    from docgen.output import write_atomic

    previous = os.umask(0o027)
    try:
        target = tmp_path / "license.pdf"
        write_atomic(target, b"%PDF-1.7\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the server's group may read it
    assert [p.name for p in tmp_path.iterdir()] == ["license.pdf"]  # no temporary file left
