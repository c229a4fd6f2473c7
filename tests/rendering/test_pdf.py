"""The PDF engine says plainly, once, when it runs without HarfBuzz subsetting."""

import logging

import pytest

from docgen.rendering import pdf


def test_missing_harfbuzz_subset_is_reported_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: False)
    monkeypatch.setattr(pdf, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="docgen.rendering.pdf"):
        pdf._warn_once_without_harfbuzz()
        pdf._warn_once_without_harfbuzz()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1 and "libharfbuzz-subset0" in messages[0]


def test_nothing_is_said_when_harfbuzz_subset_is_there(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: True)
    monkeypatch.setattr(pdf, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="docgen.rendering.pdf"):
        pdf._warn_once_without_harfbuzz()
    assert caplog.records == []
