"""The NCANode adapter against recorded answers of NCANode v3's ``POST /cms/verify``.

The fixtures in ``ncanode/`` are shaped as NCANode v3 codes its answers
(``CmsVerificationResponse``, ``CmsSignerInfo``, ``CertificateInfo``,
``CertificateSubject``, ``CertificateRevocationStatus``, ``TspInfo``,
``ErrorResponse``; see the module docstring of :mod:`docgen.adapters.ncanode`).
They are served by a local HTTP server on 127.0.0.1: no other network.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.adapters.ncanode import NcaNodeChecker
from docgen.cli.request_signature import verify_request_command
from docgen.config import load
from docgen.domain.signatures import CONFIRMED, MESSAGES
from docgen.errors import SignatureServiceUnavailable

FIXTURES = Path(__file__).parent / "ncanode"
DATA = "Өтініш: анықтама беруді сұраймын. / Заявление: прошу выдать справку.\n".encode()
SIGNATURE = b"0\x82\x05\x1e\x06\t*\x86H\x86\xf7\r\x01\x07\x02\xa0\x82\x05\x0f"  # a CMS's first bytes
IIN = "880501300124"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class Recorded:
    """What the fake NCANode answers next, and what it was asked."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def serve(self, name: str, status: int = 200) -> None:
        self.status, self.body = status, (FIXTURES / name).read_bytes()
        self.content_type = "application/json" if name.endswith(".json") else "text/html"


@pytest.fixture()
def ncanode() -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            recorded.requests.append(("POST", self.path, dict(self.headers.items()), body))
            self.send_response(recorded.status)
            self.send_header("Content-Type", recorded.content_type)
            self.send_header("Content-Length", str(len(recorded.body)))
            self.end_headers()
            self.wfile.write(recorded.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def checker(url: str) -> NcaNodeChecker:
    return NcaNodeChecker(url, timeout=5, now=lambda: NOW)


def test_the_request_is_ncanode_v3_cms_verify(ncanode: tuple[str, Recorded]) -> None:
    url, recorded = ncanode
    recorded.serve("valid_rsa.json")
    checker(url + "/").check(DATA, SIGNATURE, iin=IIN)
    [(method, path, headers, body)] = recorded.requests
    assert (method, path) == ("POST", "/cms/verify")
    assert headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert set(sent) == {"cms", "data", "revocationCheck"}
    assert base64.b64decode(sent["cms"], validate=True) == SIGNATURE
    assert base64.b64decode(sent["data"], validate=True) == DATA
    assert sent["revocationCheck"] == ["OCSP", "CRL"]


def test_a_valid_rsa_signature(ncanode: tuple[str, Recorded]) -> None:
    url, recorded = ncanode
    recorded.serve("valid_rsa.json")
    result = checker(url).check(DATA, SIGNATURE, iin=IIN)
    assert (result.ok, result.reason, result.message, result.checker) == (True, None, CONFIRMED, "ncanode")
    assert (result.signer, result.signer_iin, result.signer_bin) == ("АХМЕТОВ ДАНИЯР", IIN, None)
    assert result.certificate_serial == "41E45CC8A04C70596FE5CD676984A934D8EAEF5"
    assert result.signed_at is None
    assert result.checked_at == NOW.isoformat()


def test_a_valid_gost_signature_of_an_organisation(ncanode: tuple[str, Recorded]) -> None:
    url, recorded = ncanode
    recorded.serve("valid_gost.json")
    result = checker(url).check(DATA, SIGNATURE, iin="750304400117", bin="123456789012")
    assert result.ok and result.checker == "ncanode"
    assert (result.signer_iin, result.signer_bin) == ("750304400117", "123456789012")
    assert result.certificate_serial == "60BA4568AE98FA522A13FA711C6CB60C69BEE2C4"
    assert result.signed_at == "2026-02-27T10:15:30+00:00"  # the timestamp token's genTime


@pytest.mark.parametrize(
    ("fixture", "asked", "reason"),
    [
        ("revoked.json", {"iin": IIN}, "revoked"),
        ("expired.json", {"iin": IIN}, "expired"),
        ("wrong_iin.json", {"iin": IIN}, "identity-mismatch"),
        ("valid_gost.json", {"iin": "750304400117", "bin": "999999999999"}, "identity-mismatch"),
        ("valid_rsa.json", {"bin": "123456789012"}, "identity-mismatch"),
        ("invalid_signature.json", {"iin": IIN}, "bad-signature"),
        ("revocation_unknown.json", {"iin": IIN}, "revocation-unknown"),
        ("untrusted.json", {"iin": IIN}, "untrusted"),
        ("auth_key.json", {"iin": IIN}, "key-usage"),
    ],
)
def test_refusals_map_to_the_stable_reasons(
    ncanode: tuple[str, Recorded], fixture: str, asked: dict[str, str], reason: str
) -> None:
    url, recorded = ncanode
    recorded.serve(fixture)
    result = checker(url).check(DATA, SIGNATURE, **asked)
    assert (result.ok, result.reason, result.checker) == (False, reason, "ncanode")
    assert result.message == MESSAGES[reason]


def test_a_certificate_not_valid_yet_when_the_request_counts_as_signed(ncanode: tuple[str, Recorded]) -> None:
    url, recorded = ncanode
    recorded.serve("valid_rsa.json")
    result = checker(url).check(DATA, SIGNATURE, iin=IIN, at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert result.reason == "not-yet-valid"


def test_a_cms_ncanode_cannot_read_is_a_bad_signature(ncanode: tuple[str, Recorded]) -> None:
    url, recorded = ncanode
    recorded.serve("error_400.json", status=400)
    result = checker(url).check(DATA, b"not a CMS", iin=IIN)
    assert (result.ok, result.reason, result.signer) == (False, "bad-signature", None)


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("error_500.json", 500), ("garbage.html", 200), ("garbage.html", 502), ("error_400.json", 200)],
)
def test_a_service_error_or_garbage_is_an_error_never_a_result(
    ncanode: tuple[str, Recorded], fixture: str, status: int
) -> None:
    url, recorded = ncanode
    recorded.serve(fixture, status=status)
    with pytest.raises(SignatureServiceUnavailable) as caught:
        checker(url).check(DATA, SIGNATURE, iin=IIN)
    message = caught.value.message("ru")
    assert url in message and message.startswith("Служба проверки ЭЦП недоступна")


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 200, "message": "OK", "valid": "true", "signers": []},
        {"status": 200, "message": "OK", "valid": True},
        {"status": 200, "message": "OK", "valid": True, "signers": [{"certificates": [{"valid": True}]}]},
        [1, 2, 3],
    ],
)
def test_an_answer_of_another_shape_is_an_error(ncanode: tuple[str, Recorded], answer: object) -> None:
    url, recorded = ncanode
    recorded.body = json.dumps(answer).encode()
    with pytest.raises(SignatureServiceUnavailable):
        checker(url).check(DATA, SIGNATURE, iin=IIN)


def test_an_unreachable_service_is_an_error() -> None:
    with pytest.raises(SignatureServiceUnavailable):
        NcaNodeChecker("http://127.0.0.1:9", timeout=2).check(DATA, SIGNATURE, iin=IIN)


def test_the_iin_or_bin_is_required(ncanode: tuple[str, Recorded]) -> None:
    with pytest.raises(ValueError, match="IIN"):
        checker(ncanode[0]).check(DATA, SIGNATURE)
    assert ncanode[1].requests == []


def test_the_setting() -> None:
    assert load({}).ncanode_url is None
    assert load({"DOCGEN_NCANODE_URL": "http://ncanode:14579/"}).ncanode_url == "http://ncanode:14579"


def test_verify_request_says_ncanode_answered(
    ncanode: tuple[str, Recorded], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, recorded = ncanode
    monkeypatch.setattr("docgen.adapters.ncanode._utc_now", lambda: NOW)  # when the answers were recorded
    data, signature = tmp_path / "request.txt", tmp_path / "request.p7s"
    data.write_bytes(DATA)
    signature.write_bytes(SIGNATURE)
    arguments = ["--data", str(data), "--signature", str(signature), "--iin", IIN, "--lang", "ru"]
    runner = CliRunner(env={"DOCGEN_NCANODE_URL": None, "DOCGEN_PKI_DIR": str(tmp_path / "none")})

    recorded.serve("revoked.json")
    result = runner.invoke(verify_request_command, [*arguments, "--ncanode", url])
    assert result.exit_code == 1
    assert result.stdout == f"revoked: {MESSAGES['revoked']['ru']} [ncanode]\n"

    result = CliRunner(env={"DOCGEN_NCANODE_URL": url}).invoke(verify_request_command, arguments)
    assert result.exit_code == 1 and result.stdout.endswith("[ncanode]\n")

    recorded.serve("valid_gost.json")
    result = runner.invoke(
        verify_request_command, [*arguments[:-4], "--bin", "123456789012", "--ncanode", url]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "ok: ЕСЕНГАЛИЕВ НҰРЛАН (IIN 750304400117, BIN 123456789012) — "
        "ЭЦҚ расталды / ЭЦП подтверждена [ncanode]\n"
    )

    recorded.serve("error_500.json", status=500)
    result = runner.invoke(verify_request_command, [*arguments, "--ncanode", url])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("docgen: Служба проверки ЭЦП недоступна")

    result = runner.invoke(verify_request_command, [*arguments, "--ncanode", "ftp://ncanode"])
    assert result.exit_code == 2 and "--ncanode" in result.stderr


@pytest.mark.parametrize("url", [None, "http://127.0.0.1:14579"])
def test_the_application_checks_with_ncanode_when_configured(tmp_path: Path, url: str | None) -> None:
    from docgen.adapters.signing import LazyRequestChecker
    from docgen.bootstrap import build

    settings = replace(load({}), database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", instance_dir=tmp_path)
    built = build(replace(settings, ncanode_url=url))
    try:
        expected = NcaNodeChecker if url else LazyRequestChecker
        assert type(built.requests.checker) is expected
    finally:
        if built.engine is not None:
            built.engine.dispose()
