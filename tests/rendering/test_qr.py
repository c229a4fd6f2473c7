import hashlib
import json

from docgen.domain.history import canonical_json
from docgen.rendering.qr import fingerprint, qr_png, qr_svg, verification_url


def test_fingerprint_is_first_128_bits_of_sha256_of_canonical_json() -> None:
    data = {"b": 1, "a": "Қ"}
    expected = hashlib.sha256(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()[:32]
    assert fingerprint(data) == expected
    assert len(fingerprint(data)) == 32
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_verification_url_quotes_the_number_and_carries_the_fingerprint() -> None:
    url = verification_url("https://docs.example.kz/", "A/1 2", {"x": 1})
    assert url == f"https://docs.example.kz/verify/A%2F1%202?h={fingerprint({'x': 1})}"


def test_svg_is_one_path_and_png_decodes_to_the_same_text() -> None:
    import io

    import zxingcpp
    from PIL import Image

    text = "https://docs.example.kz/verify/KZ1?h=" + "0" * 32
    svg = qr_svg(text)
    assert svg.startswith("<svg") and svg.count("<path") == 1
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(text))))
    assert [r.text for r in results] == [text]


def test_codes_with_the_fixed_mask_decode_for_addresses_of_every_length() -> None:
    """One mask for every code (no per-document mask scoring): it must read back whatever the text."""
    import io

    import zxingcpp
    from PIL import Image

    for length in (1, 9, 15, 24, 40):
        number = "KZ" + "7" * length
        text = verification_url("https://docs.example.kz", number, {"number": number})
        results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(text, module_px=3))))
        assert [r.text for r in results] == [text]
