"""Text no document may hold, refused with the field's path and the character's code point; text
put in one form (NFC); JSON bounded before it is parsed."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from docgen.documents import get_kind
from docgen.documents.limits import MAX_BYTES, load_json
from docgen.documents.validation import MAX_DEPTH, clean, printable, problems, text_problems, validate
from docgen.errors import InvalidData


@pytest.fixture
def license_data() -> dict[str, Any]:
    return get_kind("license").example()


def _error(data: Any) -> InvalidData:
    with pytest.raises(InvalidData) as caught:
        validate("license", get_kind("license").schema(), clean(data))
    return caught.value


def _nested(depth: int) -> Any:
    """``depth`` lists one in another, built without recursion."""
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


# -- each refused character class ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "kk", "ru"),
    [
        ("\ud800", "суррогат", "непарный суррогат"),
        ("\udfff", "суррогат", "непарный суррогат"),
        ("\x00", "басқару таңбасы", "управляющий символ"),
        ("\x07", "басқару таңбасы", "управляющий символ"),
        ("\x1b", "басқару таңбасы", "управляющий символ"),
        ("\x7f", "басқару таңбасы", "управляющий символ"),
        ("\x85", "басқару таңбасы", "управляющий символ"),
        ("\x9f", "басқару таңбасы", "управляющий символ"),
        ("\ufdd0", "таңба емес", "несимвол Юникода"),
        ("\ufffe", "таңба емес", "несимвол Юникода"),
        ("\U0001ffff", "таңба емес", "несимвол Юникода"),
        ("\U0010fffe", "таңба емес", "несимвол Юникода"),
        ("\u202a", "бағытын", "направлением текста"),
        ("\u202e", "бағытын", "направлением текста"),
        ("\u2066", "бағытын", "направлением текста"),
        ("\u2069", "бағытын", "направлением текста"),
        ("\u200e", "бағытын", "направлением текста"),
        ("\u200f", "бағытын", "направлением текста"),
        ("\u061c", "бағытын", "направлением текста"),
        ("\u200b", "нөлдік енді", "нулевой ширины"),
        ("\u200c", "нөлдік енді", "нулевой ширины"),
        ("\u200d", "нөлдік енді", "нулевой ширины"),
        ("\u2060", "нөлдік енді", "нулевой ширины"),
        ("\ufeff", "нөлдік енді", "нулевой ширины"),
    ],
)
def test_each_refused_character_is_named_with_its_path_and_code_point(
    license_data: dict[str, Any], char: str, kk: str, ru: str
) -> None:
    license_data["licensee"]["address"]["ru"] = f"г. Алматы,{char} проспект Достык, 97Б"
    error = _error(license_data)
    assert error.field == "licensee.address.ru"
    point = f"U+{ord(char):04X}"
    assert kk in error.message("kk") and point in error.message("kk")
    assert ru in error.message("ru") and point in error.message("ru")
    assert error.message("kk+ru").isprintable()  # the message never carries the character itself


def test_line_feed_and_tab_are_text(license_data: dict[str, Any]) -> None:
    license_data["special_conditions"] = {"kk": "бірінші\tжол\nекінші жол", "ru": "первая\tстрока\nвторая"}
    validate("license", get_kind("license").schema(), clean(license_data))


def test_crlf_and_cr_become_lf() -> None:
    assert clean({"text": "a\r\nb\rc\n"}) == {"text": "a\nb\nc\n"}


def test_a_refused_character_in_a_key_is_named_there(license_data: dict[str, Any]) -> None:
    license_data["licensee"]["na\u202eme"] = "x"
    error = _error(license_data)
    assert error.field == "licensee.na\\u202eme"
    assert "в названии поля" in error.message("ru") and "U+202E" in error.message("ru")
    assert "өріс атауында" in error.message("kk")
    assert error.message("ru").isprintable()


def test_a_lone_surrogate_deep_in_a_list_is_found(license_data: dict[str, Any]) -> None:
    error = _error(license_data | {"activity": {"kk": "қызмет", "ru": "деятельность \udc80"}})
    assert error.field == "activity.ru" and "U+DC80" in error.message("ru")


def test_numbers_must_be_finite() -> None:
    for value in (float("nan"), float("inf"), float("-inf")):
        (error,) = text_problems("permit", {"sites": [{"latitude": value}]})
        assert error.field == "sites.0.latitude" and "конечным" in error.message("ru")


# -- every problem at once, with the schema's --------------------------------------------------------


def test_problems_lists_characters_and_schema_errors_together(license_data: dict[str, Any]) -> None:
    license_data["licensee"]["address"]["kk"] = "Алматы\u200b"
    license_data["licensor"]["head"] = "Әбенов\x00"
    del license_data["number"]
    found = problems("license", get_kind("license").schema(), clean(license_data))
    assert [error.field for error in found] == ["licensee.address.kk", "licensor.head", "number"]
    assert "U+200B" in found[0].message("ru") and "U+0000" in found[1].message("ru")


def test_a_refused_character_wins_over_the_schema_error_of_its_field(license_data: dict[str, Any]) -> None:
    license_data["licensee"]["bin"] = "12034000\u202e1230"
    (error,) = problems("license", get_kind("license").schema(), license_data)
    assert error.field == "licensee.bin" and "U+202E" in error.message("ru")


# -- look-alike letters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "odd"),
    [
        (("licensee", "name", "ru"), "ТОО «Дaлa Телеком»", "a"),  # Latin a (U+0061) in a Cyrillic word
        (("licensor", "head"), "Әбенoв Қ. Ү.", "o"),  # Latin o among Kazakh Cyrillic letters
        (("licensee", "name", "kk"), "«Dаla Telecom» ЖШС", "а"),  # Cyrillic а (U+0430) in a Latin word
        (("place", "ru"), "город Астαна", "α"),  # Greek alpha
        (("number",), "KZ48RLА00012096", "А"),  # Cyrillic А in a Latin series
    ],
)
def test_a_word_mixing_alphabets_is_refused_in_names(
    license_data: dict[str, Any], path: tuple[str, ...], value: str, odd: str
) -> None:
    target = license_data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    error = _error(license_data)
    assert error.field == ".".join(path)
    point = f"U+{ord(odd):04X}"
    assert point in error.message("ru") and "смешаны алфавиты" in error.message("ru")
    assert point in error.message("kk") and "әліпбилер араласқан" in error.message("kk")


def test_kazakh_letters_latin_words_and_hyphens_are_not_mixing(license_data: dict[str, Any]) -> None:
    license_data["licensee"]["name"] = {
        "kk": "«Әуе Ғарыш Қызмет Ңөұүһі» ЖШС",
        "ru": "ТОО «Kaspi Telecom» Wi-Fi-сеть 5G-связь",
    }
    license_data["licensor"]["head"] = "Сейітова Ғ. Ө."
    validate("license", get_kind("license").schema(), clean(license_data))


def test_mixed_alphabets_are_allowed_outside_names(license_data: dict[str, Any]) -> None:
    # a technical text may write "GPONсеть"; only names, places and numbers are held to one alphabet
    license_data["activity"]["ru"] = "услуги GPONсвязи"
    validate("license", get_kind("license").schema(), clean(license_data))


# -- one form of text --------------------------------------------------------------------------------


def test_clean_puts_values_and_keys_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Йоғарғы Қ. Ә.")
    assert decomposed != "Йоғарғы Қ. Ә."
    cleaned = clean({"head": decomposed, unicodedata.normalize("NFD", "й"): [decomposed, 1, None]})
    assert cleaned == {"head": "Йоғарғы Қ. Ә.", "й": ["Йоғарғы Қ. Ә.", 1, None]}


def test_clean_leaves_the_data_it_was_given_alone() -> None:
    data = {"name": unicodedata.normalize("NFD", "й")}
    clean(data)
    assert data == {"name": unicodedata.normalize("NFD", "й")}


# -- depth -------------------------------------------------------------------------------------------


def test_data_nested_too_deep_is_refused_without_recursion() -> None:
    deep = {"objects": _nested(100_000)}
    (error,) = text_problems("license", deep)
    assert "слишком глубокая вложенность" in error.message("ru")
    assert clean(deep)["objects"] is not None  # no RecursionError
    found = problems("license", get_kind("license").schema(), deep)
    assert any("глубокая" in error.message("ru") for error in found)


def test_nesting_up_to_the_limit_is_walked() -> None:
    # the same count as load_json's: MAX_DEPTH arrays one in another are accepted, one more is not
    assert text_problems("x", _nested(MAX_DEPTH)) == []
    assert text_problems("x", _nested(MAX_DEPTH + 1)) != []
    assert load_json(json.dumps(_nested(MAX_DEPTH)), "--data") == _nested(MAX_DEPTH)


def test_printable_escapes_what_does_not_print() -> None:
    assert printable("a\u202eb\ud800c\U0010ffff") == "a\\u202eb\\ud800c\\U0010ffff"
    assert printable("Қазақстан «Дала»") == "Қазақстан «Дала»"


# -- JSON in from outside ----------------------------------------------------------------------------


def _refused(source: str | bytes) -> InvalidData:
    with pytest.raises(InvalidData) as caught:
        load_json(source, "--data", "file.json")
    message = caught.value.message("kk+ru")
    assert message.isprintable()
    return caught.value


def test_load_json_reads_json() -> None:
    assert load_json('{"a": ["б", 1.5, null]}', "--data") == {"a": ["б", 1.5, None]}
    assert load_json(b'{"a": "\\ud83d\\ude00"}', "--data") == {"a": "\U0001f600"}
    assert load_json(b"\xef\xbb\xbf[1]", "--data") == [1]  # a byte-order mark is allowed


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 1_000_000])
def test_deep_json_is_refused_before_it_is_parsed(depth: int) -> None:
    error = _refused("[" * depth + "]" * depth)
    assert error.field == "file.json" and "слишком глубокая" in error.message("ru")


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"a": "[" * 10_000, "b": '\\"{' * 1000})
    assert load_json(text, "--data")["a"] == "[" * 10_000


def test_json_at_the_depth_limit_is_read() -> None:
    value = load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "--data")
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_too_large_json_is_refused() -> None:
    assert "5 МБ" in _refused(b" " * (MAX_BYTES + 1)).message("ru")
    assert "5 МБ" in _refused(" " * (MAX_BYTES + 1)).message("ru")


def test_invalid_utf8_is_refused_with_its_byte() -> None:
    error = _refused(b'{"name": "\xd0\xb4\xff"}')
    assert "0xFF" in error.message("ru") and "байт 13" in error.message("ru")
    assert "UTF-8" in error.message("kk")
    assert "UTF-8" in _refused(b'"\xed\xa0\x80"').message("ru")  # a surrogate encoded as bytes


def test_a_lone_surrogate_escape_is_refused_at_its_path() -> None:
    error = _refused('{"applicant": {"name": "x\\ud800"}}')
    assert error.field == "applicant.name" and "U+D800" in error.message("ru")
    error = _refused('{"list": [1, {"k\\udc00": 1}]}')
    assert error.field == "list.1.k\\udc00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": NaN}', "NaN"),
        ("[Infinity]", "Infinity"),
        ('{"a": 1, "a": 2}', "повторяется"),
        ("1" * 5000, "длинное число"),
        ('{"a": ', "ошибка JSON"),
    ],
)
def test_what_json_cannot_say_plainly_is_refused(text: str, expected: str) -> None:
    assert expected in _refused(text).message("ru")
