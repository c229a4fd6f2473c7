"""Settings, as frozen dataclasses read once from the environment.

Nothing here is built at import time: :func:`load_settings` is called by
``bootstrap`` (or a test) and the result is passed down explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PROJECT_ROOT", "RenderSettings", "load_settings"]

#: The checkout (or install prefix) holding ``templates/`` and ``forms/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RenderSettings:
    """What the render core needs to know about its surroundings."""

    base_url: str = "http://localhost:5000"
    """Public address of this system; QR codes point to ``<base_url>/verify/...``."""

    templates_dir: Path = field(default=PROJECT_ROOT / "templates")
    """Folder with ``kk/``, ``ru/``, the shared layouts and ``assets/``."""

    forms_dir: Path = field(default=PROJECT_ROOT / "forms")
    """One TOML definition per service code."""

    time_limit: float = 30.0
    """Seconds one document may take to render before it is abandoned."""

    pdf_variant: str | None = None
    """``None`` for plain PDF, or a WeasyPrint variant such as ``pdf/a-3b``."""

    @property
    def assets_dir(self) -> Path:
        """The only folder the PDF engine may read from."""
        return self.templates_dir / "assets"


def load_settings(environ: Mapping[str, str] | None = None) -> RenderSettings:
    """Settings from defaults, then ``DOCGEN_*`` environment variables."""
    env = os.environ if environ is None else environ
    defaults = RenderSettings()
    return RenderSettings(
        base_url=env.get("DOCGEN_BASE_URL", defaults.base_url).rstrip("/"),
        templates_dir=Path(env.get("DOCGEN_TEMPLATES_DIR", defaults.templates_dir)),
        forms_dir=Path(env.get("DOCGEN_FORMS_DIR", defaults.forms_dir)),
        time_limit=float(env.get("DOCGEN_RENDER_TIME_LIMIT", defaults.time_limit)),
        pdf_variant=env.get("DOCGEN_PDF_VARIANT") or None,
    )
