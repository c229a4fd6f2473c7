"""The template environment: sandboxed, autoescaped, strict."""

from pathlib import Path

import pytest
from jinja2 import UndefinedError
from jinja2.sandbox import SecurityError

from docgen.rendering.environment import make_environment


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "t.html").write_text("{{ value }}|{{ missing_name_x }}", encoding="utf-8")
    (tmp_path / "ok.html").write_text("<p>{{ value }}</p>", encoding="utf-8")
    (tmp_path / "escape.html").write_text("{{ value.__class__.__mro__ }}", encoding="utf-8")
    return make_environment(tmp_path)


def test_values_are_escaped_and_never_evaluated(env) -> None:  # type: ignore[no-untyped-def]
    html = env.get_template("ok.html").render(value='<img src="file:///etc/passwd"> {{ 7*7 }}', lang="kk")
    assert html == "<p>&lt;img src=&#34;file:///etc/passwd&#34;&gt; {{ 7*7 }}</p>"


def test_an_undefined_name_is_an_error_naming_it(env) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UndefinedError, match="missing_name_x"):
        env.get_template("t.html").render(value=1)


def test_templates_cannot_reach_python_internals(env) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SecurityError):
        env.get_template("escape.html").render(value="x")


def test_filters_use_the_language_being_rendered(tmp_path: Path) -> None:
    (tmp_path / "d.html").write_text("{{ d|official_date }}", encoding="utf-8")
    env = make_environment(tmp_path)
    assert env.get_template("d.html").render(d="2012-11-07", lang="kk") == "2012 жылғы 7 қарашадағы"
    assert env.get_template("d.html").render(d="2012-11-07", lang="ru") == "7 ноября 2012 года"
