"""The providers' requisites: one home (forms/providers.toml), taken from the seeds where they give
them, and every requisite a service's documents print present (``docgen lint``)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.config import PROJECT_ROOT
from docgen.documents.requisites import lint, needed_requisites
from docgen.domain.catalog import PROVIDERS_FILE, Catalog, CatalogError
from docgen.domain.identifiers import bin_structure

FORMS = PROJECT_ROOT / "forms"
CATALOG = Catalog.load(FORMS)


def _forms_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """A copy of forms/ with one replacement in providers.toml."""
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    if edit is not None:
        path = folder / PROVIDERS_FILE
        text = path.read_text(encoding="utf-8")
        assert edit[0] in text
        path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return folder


def test_every_provider_has_every_requisite_its_services_documents_need() -> None:
    assert [finding for finding in lint(CATALOG) if finding.level == "missing"] == []


def test_the_requisites_a_document_needs_are_read_from_its_schema() -> None:
    assert needed_requisites("refusal") == ("name", "address", "phone", "bin")
    assert needed_requisites("media-certificate") == ("name", "address", "city", "phone", "bin")
    for kind in ("license", "license-annex", "permit", "numbering-order"):
        assert needed_requisites(kind) == ("name", "city", "bin")


def test_a_service_definition_names_only_its_providers_code() -> None:
    for path in FORMS.glob("*.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if "provider" in raw and "code" in raw:
            assert set(raw["provider"]) == {"code"}, path.name
            assert CATALOG.get(raw["code"]).provider.code == raw["provider"]["code"]


def test_each_provider_is_one_object_shared_by_its_services() -> None:
    committee = [s for s in CATALOG if s.provider_code == "mtc-communications-committee"]
    assert len(committee) == 3 and all(s.provider is committee[0].provider for s in committee)


def test_the_seeds_requisites_are_taken_verbatim_and_what_they_do_not_give_is_marked() -> None:
    providers = CATALOG.providers()
    culture = providers["mci-culture-committee"]  # seed 003 items 1 and 11
    assert culture.address is not None and culture.address["kk"] == (
        "010000, Астана қаласы, Орынбор көшесі, № 8, «Министрліктер үйі» ғимараты, "
        "15-кіреберіс, № 527-кабинет"
    )
    assert culture.phone == "8 (7172) 74-05-68" and culture.to_confirm == ("bin",)
    mangystau = providers["mangystau-internal-policy"]  # seed 004 item 10
    assert mangystau.phone == "8 (7292) 42-66-10" and "phone" not in mangystau.to_confirm
    assert mangystau.city == {"kk": "Ақтау қаласы", "ru": "город Актау"}
    assert providers["almaty-region-agriculture"].city == {"kk": "Қонаев қаласы", "ru": "город Конаев"}
    assert "city" in providers["almaty-region-agriculture"].to_confirm  # the seed names no city
    inspectorate = providers["mtc-communications-inspectorate"]  # seed 002 names no region: chosen
    assert set(inspectorate.to_confirm) == {"name", "address", "city", "phone", "bin"}


def test_every_providers_bin_is_a_legal_entitys_and_no_two_share_one() -> None:
    bins = [provider.bin for provider in CATALOG.providers().values()]
    assert all(number is not None and bin_structure(number) is not None for number in bins)
    assert len(set(bins)) == len(bins)


def test_lint_names_a_requisite_a_provider_lacks_with_the_services_and_kinds_that_print_it(
    tmp_path: Path,
) -> None:
    folder = _forms_copy(tmp_path, ('phone = "8 (7292) 42-66-10"\n', ""))
    missing = [f for f in lint(Catalog.load(folder)) if f.level == "missing"]
    assert [(f.provider, f.field, f.services, f.kinds) for f in missing] == [
        (
            "mangystau-internal-policy",
            "phone",
            ("foreign-media-registration",),
            ("media-certificate", "refusal"),
        )
    ]
    assert "mangystau-internal-policy" in str(missing[0]) and "foreign-media-registration" in str(missing[0])


def test_docgen_lint_fails_on_a_missing_requisite_and_warns_of_values_to_confirm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("DOCGEN_FORMS_DIR", str(FORMS))
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 0, result.output
    assert "warning: to confirm: provider mci-culture-committee: bin" in result.output
    assert "0 missing" in result.output
    monkeypatch.setenv("DOCGEN_FORMS_DIR", str(_forms_copy(tmp_path, ('bin = "990340911860"\n', ""))))
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 1
    assert "error: missing: provider mci-culture-committee: bin" in result.output
    assert "archaeology-license" in result.output


def test_a_definition_that_repeats_a_catalog_providers_name_is_refused(tmp_path: Path) -> None:
    folder = _forms_copy(tmp_path)
    path = folder / "telecom-license.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'code = "mtc-communications-committee"\n', 'code = "mtc-communications-committee"\nkk = "x"\n'
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="names only its code"):
        Catalog.load(folder)


def test_a_provider_code_not_in_the_catalog_is_refused(tmp_path: Path) -> None:
    folder = _forms_copy(tmp_path)
    path = folder / "telecom-license.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('code = "mtc-communications-committee"\n', 'code = "nobody"\n'), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match=r"'nobody' is not in providers\.toml"):
        Catalog.load(folder)


def test_to_confirm_names_only_known_requisites(tmp_path: Path) -> None:
    folder = _forms_copy(tmp_path, ('to_confirm = ["bin"]', 'to_confirm = ["fax"]'))
    with pytest.raises(CatalogError, match="'fax'"):
        Catalog.load(folder)


def test_pki_init_refuses_a_provider_without_a_bin_and_writes_nothing(tmp_path: Path) -> None:
    from dataclasses import replace

    from docgen.signing.pki import init_demo

    providers = CATALOG.providers()
    providers["mci-culture-committee"] = replace(providers["mci-culture-committee"], bin=None)
    with pytest.raises(ValueError, match="mci-culture-committee"):
        init_demo(tmp_path / "pki", providers)
    assert not (tmp_path / "pki").exists()
