"""WeasyPrint may read the project's template assets and nothing else."""

import os
from pathlib import Path

import pytest

from docgen.errors import AssetRefused
from docgen.rendering.fetcher import AssetFetcher, FetchRefused


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "fonts").mkdir(parents=True)
    (root / "document.css").write_text("p {}", encoding="utf-8")
    (root / "fonts" / "a.ttf").write_bytes(b"font")
    (tmp_path / "secret.css").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.css", root / "link.css")
    return root


def test_serves_files_inside_the_assets_folder(assets: Path) -> None:
    response = AssetFetcher(assets).fetch((assets / "fonts" / "a.ttf").as_uri())
    assert response.read() == b"font"
    assert response.content_type == "font/ttf"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/font.ttf",
        "ftp://example.org/x.png",
        "data:text/css,p{}",
        "file://otherhost/etc/hosts",
    ],
)
def test_refuses_everything_else(assets: Path, url: str) -> None:
    with pytest.raises(FetchRefused):
        AssetFetcher(assets).fetch(url)


def test_refuses_path_traversal_and_symlinks_out_of_the_folder(assets: Path) -> None:
    fetcher = AssetFetcher(assets)
    with pytest.raises(AssetRefused):
        fetcher.resolve(assets.as_uri() + "/../secret.css")
    with pytest.raises(AssetRefused):
        fetcher.resolve((assets / "link.css").as_uri())
    with pytest.raises(AssetRefused):
        fetcher.resolve(assets.as_uri() + "/%2e%2e/secret.css")
