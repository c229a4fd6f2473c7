"""The one door through which WeasyPrint may read anything.

Only files inside the template assets folder are served (after resolving
symlinks and ``..``); every other URL - ``file://`` elsewhere, ``http(s)``,
``data:``, ``ftp`` - is refused and stops the render. Nothing is ever
fetched from the network, so there is no redirect to follow.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docgen.errors import AssetRefused

__all__ = ["AssetFetcher", "FetchRefused"]

_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class FetchRefused(FatalURLFetchingError):
    """Raised inside WeasyPrint; fatal, so the render stops at once."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class AssetFetcher(URLFetcher):
    """Serve ``file://`` URLs under ``root`` and nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()
        self._cache: dict[Path, bytes] = {}

    def resolve(self, url: str) -> Path:
        """The asset file ``url`` names, or :class:`AssetRefused`."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise AssetRefused(url=url)
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or path.suffix not in _TYPES or not path.is_file():
            raise AssetRefused(url=url)
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self.resolve(url)
        except AssetRefused as refused:
            raise FetchRefused(url) from refused
        body = self._cache.get(path)
        if body is None:
            body = self._cache[path] = path.read_bytes()
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": _TYPES[path.suffix]})
