"""Attachments in a folder, named by their SHA-256; no key reaches outside the folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from docgen.adapters.attachments import FolderAttachments
from docgen.errors import OutputFailed


def test_content_is_stored_under_its_sha256_once(tmp_path: Path) -> None:
    store = FolderAttachments(tmp_path / "attachments")
    content = "Сенімхат / Доверенность №17".encode()
    key = store.put(content)
    assert key == hashlib.sha256(content).hexdigest()
    assert store.get(key) == content
    assert store.put(content) == key
    assert sorted(path.name for path in (tmp_path / "attachments").iterdir()) == [key]
    assert store.put(b"") == hashlib.sha256(b"").hexdigest()
    assert store.get(hashlib.sha256(b"").hexdigest()) == b""


def test_an_unknown_key_is_none(tmp_path: Path) -> None:
    store = FolderAttachments(tmp_path)
    assert store.get("0" * 64) is None


@pytest.mark.parametrize(
    "key",
    [
        "../secret",
        "../" + "a" * 61,
        "/etc/passwd",
        "A" * 64,  # upper case is not the key's form
        "a" * 63,
        "a" * 65,
        "a" * 64 + "\n",
        "g" * 64,
        "",
        "a" * 32 + "/" + "a" * 31,
    ],
)
def test_a_key_that_is_not_a_sha256_reads_nothing(tmp_path: Path, key: str) -> None:
    folder = tmp_path / "attachments"
    store = FolderAttachments(folder)
    (tmp_path / "secret").write_bytes(b"outside")
    store.put(b"inside")
    assert store.get(key) is None


def test_a_file_changed_behind_the_stores_back_is_not_given_out(tmp_path: Path) -> None:
    store = FolderAttachments(tmp_path)
    key = store.put(b"original")
    (tmp_path / key).write_bytes(b"tampered")
    assert store.get(key) is None


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FolderAttachments(tmp_path)

    def failing_replace(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputFailed):
        store.put(b"content")
    assert list(tmp_path.iterdir()) == []
