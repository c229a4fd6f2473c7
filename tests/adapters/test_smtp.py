"""The SMTP outbox delivers the applicant's notification to a mail server (a tiny one, in this process)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import socketserver
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from docgen.adapters.smtp import SmtpOutbox, SmtpSettings
from docgen.services.ports import Notification

NOTICE = Notification(
    request_id="5f1c6c1e-0000-4000-8000-000000000001",
    recipient="120340001230",
    kind="result-ready",
    message={
        "kk": "«Байланыс саласындағы лицензия» қызметіне өтінішіңіз бойынша нәтиже дайын: № LIC-1 құжат.",
        "ru": "По вашему заявлению на услугу «Лицензия в области связи» результат готов: документ № LIC-1.",
    },
    created_at=dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC),
    document="LIC-1",
    email="license@dalatelecom.kz",
)


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        self._say("220 test ESMTP")
        envelope: dict[str, list[str] | str] = {"rcpt": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-test\r\n250 8BITMIME")
            elif verb == "MAIL":
                envelope["from"] = command
                self._say("250 OK")
            elif verb == "RCPT":
                rcpt = envelope["rcpt"]
                assert isinstance(rcpt, list)
                rcpt.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                server.received.append((envelope, data))
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Smtp)
        self.received: list[tuple[dict[str, list[str] | str], bytes]] = []


@pytest.fixture
def mail_server() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_the_smtp_outbox_delivers_the_notification_in_both_languages(mail_server: _Server) -> None:
    port = mail_server.server_address[1]
    outbox = SmtpOutbox.from_url(f"smtp://127.0.0.1:{port}?from=noreply@docgen.kz")

    outbox.deliver(NOTICE)

    ((envelope, data),) = mail_server.received
    assert envelope["rcpt"] == ["license@dalatelecom.kz"]
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "license@dalatelecom.kz" and message["From"] == "noreply@docgen.kz"
    assert "LIC-1" in message["Subject"] and "Результат готов" in message["Subject"]
    body = message.get_content()
    assert NOTICE.message["kk"] in body and NOTICE.message["ru"] in body


def test_no_address_no_mail(mail_server: _Server) -> None:
    port = mail_server.server_address[1]
    SmtpOutbox.from_url(f"smtp://127.0.0.1:{port}").deliver(
        Notification(**{**NOTICE.__dict__, "email": None})
    )
    assert mail_server.received == []


def test_a_mail_server_that_is_down_does_not_undo_the_decision() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outbox = SmtpOutbox(SmtpSettings(host="127.0.0.1", port=port, timeout=2))
    outbox.deliver(NOTICE)  # logged, not raised: the notification stays recorded in the database
    with pytest.raises(OSError):
        outbox.send_email(NOTICE)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.kz", SmtpSettings("mail.example.kz", 25)),
        (
            "smtps://docgen:s%40cret@mail.example.kz?from=docgen@example.kz",
            SmtpSettings(
                "mail.example.kz", 465, "docgen@example.kz", ssl=True, user="docgen", password="s@cret"
            ),
        ),
        ("smtp://mail.example.kz:587?starttls=1", SmtpSettings("mail.example.kz", 587, starttls=True)),
    ],
)
def test_the_url_says_where_and_how(url: str, expected: SmtpSettings) -> None:
    assert SmtpSettings.from_url(url) == expected


def test_a_url_that_is_not_smtp_is_refused() -> None:
    with pytest.raises(ValueError, match="not an SMTP URL"):
        SmtpSettings.from_url("http://mail.example.kz")


def test_docgen_smtp_url_turns_the_smtp_outbox_on() -> None:
    from docgen.bootstrap import _outbox
    from docgen.config import load
    from docgen.services.ports import DatabaseOutbox

    assert type(_outbox(load({}))) is DatabaseOutbox
    outbox = _outbox(load({"DOCGEN_SMTP_URL": "smtp://mail.example.kz:2525?from=docgen@example.kz"}))
    assert isinstance(outbox, SmtpOutbox)
    assert outbox.settings == SmtpSettings("mail.example.kz", 2525, "docgen@example.kz")
