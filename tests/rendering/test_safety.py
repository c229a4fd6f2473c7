"""Hostile data stays data; templates cannot fetch; renders have a time limit."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from docgen.config import RenderSettings
from docgen.errors import AssetRefused, MissingField, RenderTimeout
from docgen.rendering.core import Renderer
from docgen.rendering.timelimit import TimeLimitExceeded, time_limit
from tests.conftest import ROOT, docx_text, example, pdf_text

HOSTILE = ['<img src="file:///etc/passwd">', "{{ 7*7 }}", "{% raw %}x", "<script>alert(1)</script>"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_appear_literally_in_every_format(renderer: Renderer, value: str) -> None:
    data = example(renderer, "license")
    data["licensee"]["name"]["ru"] = f"ТОО {value}"
    html = renderer.render("license", data, "ru", "html").decode()
    assert value not in html.split("</style>", 1)[1] or "<" not in value
    assert (
        "ТОО " + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        in html
    )
    assert "49" not in html.split("ТОО ", 1)[1][:20]
    assert f"ТОО {value}" in " ".join(pdf_text(renderer.render("license", data, "ru", "pdf")).split())
    assert f"ТОО {value}" in docx_text(renderer.render("license", data, "ru", "docx"))


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", target)
    return target


def _renderer(settings: RenderSettings, templates: Path, **changes: Any) -> Renderer:
    return Renderer(replace(settings, templates_dir=templates, **changes))


def test_a_template_naming_an_unknown_field_fails_naming_it(
    settings: RenderSettings, templates_copy: Path
) -> None:
    license_template = templates_copy / "kk" / "license.html"
    license_template.write_text(
        license_template.read_text(encoding="utf-8").replace("{{ number }}", "{{ number }} {{ nickname }}"),
        encoding="utf-8",
    )
    renderer = _renderer(settings, templates_copy)
    with pytest.raises(MissingField) as caught:
        renderer.render("license", example(renderer, "license"), "kk", "pdf")
    assert caught.value.field == "nickname" and caught.value.kind == "license"


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x.png">',
        '<link rel="stylesheet" href="file:///etc/hosts">',
        '<img src="../../../../etc/passwd">',
    ],
)
def test_the_pdf_engine_fetches_nothing_outside_the_assets(
    settings: RenderSettings, templates_copy: Path, markup: str
) -> None:
    template = templates_copy / "ru" / "license.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{% block body %}", "{% block body %}" + markup),
        encoding="utf-8",
    )
    renderer = _renderer(settings, templates_copy)
    with pytest.raises(AssetRefused):
        renderer.render("license", example(renderer, "license"), "ru", "pdf")


def _pathological(renderer: Renderer) -> dict[str, Any]:
    data = example(renderer, "license")
    data["special_conditions"]["kk"] = "ұзақ мәтін " * 450
    return data


# The alarm may land in a finaliser (WeasyPrint's font clean-up), which Python reports as "Exception
# ignored" and swallows; the render is then refused when it ends: that report is expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_render_that_runs_too_long_is_stopped(settings: RenderSettings) -> None:
    renderer = Renderer(replace(settings, time_limit=0.05))
    with pytest.raises(RenderTimeout) as caught:
        renderer.render("license", _pathological(renderer), "kk", "pdf")
    assert "0.05" in caught.value.message("ru")


# The watchdog raises into the rendering thread; when that lands in a finaliser
# (WeasyPrint's font clean-up), Python reports it as "Exception ignored" and the
# watchdog raises again: that report is expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_limit_also_holds_in_a_web_server_thread(settings: RenderSettings) -> None:
    renderer = Renderer(replace(settings, time_limit=0.05))
    outcome: list[object] = []
    data = _pathological(renderer)

    def serve() -> None:
        try:
            renderer.render("license", data, "kk", "pdf")
            outcome.append("rendered")
        except RenderTimeout as error:
            outcome.append(error)

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], RenderTimeout)


class _SlowFinaliser:
    def __del__(self) -> None:
        time.sleep(0.3)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_time_limit_swallowed_by_a_finaliser_still_stops_the_render() -> None:
    """The alarm lands in a finaliser (as in WeasyPrint's font clean-up), which swallows it; the
    body then ends normally, past its time, and is refused all the same."""
    with pytest.raises(TimeLimitExceeded), time_limit(0.05):
        _SlowFinaliser()  # dropped at once: its finaliser runs past the limit
