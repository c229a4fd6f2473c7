"""The outbox that also e-mails: each notification is written to the database (as the default outbox
does) and, once its decision is committed, sent to the applicant's e-mail address by SMTP.

Configured by one URL (``DOCGEN_SMTP_URL``, read by :mod:`docgen.config`):
``smtp://host:port`` (plain), ``smtp://host:587?starttls=1``, ``smtps://user:password@host:465``,
with ``?from=address`` for the sender (default ``docgen@localhost``). A notification whose request
gives no e-mail address is only written. A mail server that is down or refuses the message does not
undo the decision: the notification stays recorded, and the failure is logged.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from docgen.services.ports import DatabaseOutbox, Notification

__all__ = ["SmtpOutbox", "SmtpSettings", "email_for"]

log = logging.getLogger(__name__)

_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str = "docgen@localhost"
    ssl: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """``smtp://[user:password@]host[:port][?from=…&starttls=1]`` or ``smtps://…``."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an SMTP URL (smtp://host:port or smtps://host:port): {url!r}")
        query = parse_qs(parts.query)
        ssl = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if ssl else 25),
            sender=(query.get("from") or ["docgen@localhost"])[0],
            ssl=ssl,
            starttls=(query.get("starttls") or ["0"])[0].lower() in _TRUE,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def email_for(notification: Notification, sender: str) -> EmailMessage:
    """The e-mail of ``notification``: Kazakh first, then Russian, as the documents put them."""
    message = EmailMessage()
    subject = {
        "result-ready": "Нәтиже дайын / Результат готов",
        "refusal-ready": "Өтініш бойынша шешім / Решение по заявлению",
    }.get(notification.kind, "docgen")
    message["Subject"] = subject + (f" № {notification.document}" if notification.document else "")
    message["From"] = sender
    message["To"] = str(notification.email)
    message.set_content(f"{notification.message['kk']}\n\n{notification.message['ru']}\n")
    return message


class SmtpOutbox(DatabaseOutbox):
    """Written to the database in the deciding transaction; e-mailed after it is committed."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    @classmethod
    def from_url(cls, url: str) -> SmtpOutbox:
        return cls(SmtpSettings.from_url(url))

    def deliver(self, notification: Notification) -> None:
        if not notification.email:
            return
        try:
            self.send_email(notification)
        except (OSError, smtplib.SMTPException) as error:  # the decision stands; the message is recorded
            log.warning("notification of request %s not e-mailed: %s", notification.request_id, error)

    def send_email(self, notification: Notification) -> None:
        """Send the e-mail now; raises when the server cannot be reached or refuses it."""
        settings = self.settings
        client_class = smtplib.SMTP_SSL if settings.ssl else smtplib.SMTP
        with client_class(settings.host, settings.port, timeout=settings.timeout) as client:
            if settings.starttls:
                client.starttls()
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(email_for(notification, settings.sender))
