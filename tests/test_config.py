from pathlib import Path

from docgen.config import load_settings


def test_defaults_need_no_configuration() -> None:
    settings = load_settings({})
    assert settings.base_url == "http://localhost:5000"
    assert (settings.assets_dir / "document.css").is_file()
    assert settings.pdf_variant is None


def test_environment_overrides() -> None:
    settings = load_settings(
        {
            "DOCGEN_BASE_URL": "https://docs.example.kz/",
            "DOCGEN_RENDER_TIME_LIMIT": "5",
            "DOCGEN_PDF_VARIANT": "pdf/a-3b",
            "DOCGEN_TEMPLATES_DIR": "/srv/templates",
        }
    )
    assert settings.base_url == "https://docs.example.kz"
    assert settings.time_limit == 5.0
    assert settings.pdf_variant == "pdf/a-3b"
    assert settings.assets_dir == Path("/srv/templates/assets")
