"""The one place that picks implementations and builds long-lived objects.

Nothing is built at import time anywhere in the package: the CLI, the
benchmark, batch workers and tests call these functions.
"""

from __future__ import annotations

from docgen.config import RenderSettings, load_settings
from docgen.rendering.core import Renderer

__all__ = ["make_renderer"]


def make_renderer(settings: RenderSettings | None = None) -> Renderer:
    """A renderer over the configured templates and service catalog."""
    return Renderer(settings or load_settings())
