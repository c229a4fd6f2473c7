"""Each seed's own words: its survey, the numbering order as an order, the stamp's validity.

The survey's expected strings are read out of the seed files themselves (the
layout's spaced-out letters joined, seed 003's Latin i read as the Kazakh і),
not from ``forms/``, so a wrong transcription there fails here.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest

from docgen.rendering.core import Renderer
from docgen.rendering.environment import russian_with
from tests.conftest import SEEDS, example, pdf_text


def _unspace(line: str) -> str:
    """``қ а н а ғ а т  б а`` -> ``қанағат ба``: the seeds' letter-spaced lines read as words."""
    chunks = []
    for chunk in re.split(r"\s{2,}", line.strip()):
        parts = chunk.split(" ")
        chunks.append("".join(parts) if len(parts) >= 2 and all(len(p) == 1 for p in parts) else chunk)
    return " ".join(chunks).replace("i", "і")


def seed_survey(number: str) -> tuple[list[str], list[str]]:
    """The two questions and the three answers of the survey at the end of seed ``number``."""
    text = next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")
    lines = [line for line in map(_unspace, text.splitlines()) if line]
    start = max(
        index
        for index, line in enumerate(lines)
        if "сауалнама" in line and "қосымша" not in line and "нысанына сәйкес" not in line
    )
    questions: list[str] = []
    answers: list[str] = []
    current: str | None = None
    for line in lines[start + 1 :]:
        if re.match(r"^\d\. ", line):
            if len(questions) == 2:
                break
            current = line[3:]
        elif current is not None and not re.match(r"^\d\)", line) and not current.endswith("?"):
            current += " " + line
        elif match := re.match(r"^\d\) ?(.+?)[;.]?$", line):
            if current is not None:
                questions.append(current)
                current = None
            answers.append(match.group(1).strip())
    return questions, answers[:3]


def _service_of(renderer: Renderer, seed: str) -> str:
    return next(service.code for service in renderer.catalog if service.seed == seed)


def _survey_html(renderer: Renderer, seed: str, lang: str = "kk") -> str:
    code = _service_of(renderer, seed)
    html = renderer.render("survey", example(renderer, "survey", code), lang, "html", code).decode()
    return " ".join(html.split())


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_seeds_survey_prints_its_own_questions_and_answers(renderer: Renderer, seed: str) -> None:
    questions, answers = seed_survey(seed)
    assert len(questions) == 2 and len(answers) == 3
    html = _survey_html(renderer, seed)
    for number, question in enumerate(questions, start=1):
        assert f"{number}. {question}" in html
    for number, answer in enumerate(answers, start=1):
        assert f"{number}) {answer}" in html


def test_the_kk_survey_of_seed_001_differs_from_seed_002s_exactly_as_the_seeds_do(renderer: Renderer) -> None:
    own = {seed: {text for part in seed_survey(seed) for text in part} for seed in ("001", "002")}
    only_001, only_002 = own["001"] - own["002"], own["002"] - own["001"]
    assert {"қанағаттанбаймын", "жартылай қанағаттанамын"} <= only_001  # the difference the seeds make
    html_001, html_002 = _survey_html(renderer, "001"), _survey_html(renderer, "002")
    assert all(text in html_001 and text not in html_002 for text in only_001)
    assert all(text in html_002 and text not in html_001 for text in only_002)


def test_seeds_000_003_and_004_title_their_survey_their_own_way(renderer: Renderer) -> None:
    titles = {}
    for seed in ("000", "002", "003", "004"):
        html = _survey_html(renderer, seed)
        titles[seed] = re.search(r"<h2>(.*?)</h2>", html).group(1)  # type: ignore[union-attr]
    assert len(set(titles.values())) == 4
    assert "сауалнама: «сапа» және «қол жетімділік»" in titles["000"]
    assert "мақсатындағы сауалнама" in titles["003"]
    assert "сауалнаманың нысаны" in titles["004"]


def test_a_survey_the_seed_titles_with_the_service_has_no_blank_service_line(renderer: Renderer) -> None:
    assert "(қызметтің атауы)" not in _survey_html(renderer, "003")
    assert "(қызметтің атауы)" in _survey_html(renderer, "002")


def _order_pages(renderer: Renderer, lang: str) -> list[str]:
    from pypdf import PdfReader

    pdf = renderer.render("numbering-order", example(renderer, "numbering-order"), lang, "pdf")
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize(
    ("lang", "heading", "closing"),
    [
        (
            "kk",
            "2026 жылғы 24 қарашадағы № 215",
            (
                "Осы бұйрықтың орындалуын бақылау",
                "Осы бұйрық қол қойылған күнінен бастап қолданысқа енгізіледі.",
            ),
        ),
        (
            "ru",
            "от 24 ноября 2026 года № 215",
            (
                "Контроль за исполнением настоящего приказа",
                "Настоящий приказ вступает в силу со дня подписания.",
            ),
        ),
    ],
)
def test_the_numbering_order_is_dated_once_closes_as_an_order_and_has_its_annex_on_its_own_sheet(
    renderer: Renderer, lang: str, heading: str, closing: tuple[str, str]
) -> None:
    pages = _order_pages(renderer, lang)
    order, annex = pages[0], " ".join(pages[1:])
    assert len(pages) >= 2
    assert order.count("№ 215") == 1 and heading in order
    assert "ж. 24 қараша" not in order and "24 ноября 2026 г." not in order
    for clause in closing:
        assert order.count(clause) == 1
    assert ("бұйрыққа қосымша" if lang == "kk" else "Приложение к приказу") in annex
    assert "№ 215" in annex and ("БҰЙЫРАМЫН" not in annex and "ПРИКАЗЫВАЮ" not in annex)


def test_an_order_whose_signatory_keeps_control_says_so(renderer: Renderer) -> None:
    data = example(renderer, "numbering-order")
    data.pop("control")
    kk = renderer.render("numbering-order", data, "kk", "html").decode()
    ru = renderer.render("numbering-order", data, "ru", "html").decode()
    assert "Осы бұйрықтың орындалуын бақылау өзіме қалдырамын." in kk
    assert "Контроль за исполнением настоящего приказа оставляю за собой." in ru


def test_the_order_cites_the_standard_with_the_right_preposition() -> None:
    assert russian_with("стандартом государственной услуги") == "со стандартом государственной услуги"
    assert russian_with("Законом Республики Казахстан") == "с Законом Республики Казахстан"
    assert russian_with("сводом правил") == "со сводом правил"
    assert russian_with("соглашением") == "с соглашением"


def test_the_signature_stamp_says_until_when_in_each_languages_official_words(renderer: Renderer) -> None:
    signer = SimpleNamespace(name="Әбенов Қ. Ү.", position="Төраға", serial="1A2B", valid_until="2027-12-01")
    text = pdf_text(renderer.signature_stamp(signer, 270, 40))
    assert "2027 жылғы 1 желтоқсанға дейін" in text
    assert "до 1 декабря 2027 г." in text
    assert "2027-12-01" not in text
