"""The citizens' quality and accessibility survey at the end of every service, and its indicators.

The link token. One per request, 256 bits: ``Seal.survey_token(request_id)``, an HMAC of the
request id under the installation's audit key (kept outside the database). The database stores
only the token's SHA-256 (``survey_tokens.token_sha256``), to find the request when the link is
used. Because the token is *derived*, the applicant (or, for a request filed at a centre, its
operator printing a paper link or QR) can be given the same link again without it being stored:
a fresh random token per offer would either need storing in the clear or break the link already
printed on a paper result. Without the audit key, neither a copy of the database nor a guess
yields a working link.

The answers. ``survey_answers`` holds service, provider, day, the two answers (1..3) and the
channel (``link`` or ``paper``): no request id, no login, no IIN/BIN. Answering marks the token
used by a conditional update (``used_at IS NULL``) in the same transaction as the answer is
stored, so of two answers racing for one token exactly one is stored.

The indicators (:meth:`SurveyService.report`), per service and provider over a period:

* ``answers``: how many responses;
* ``q1`` / ``q2``: per answer 1..3 its ``count`` and ``share`` (percent of the responses, one decimal);
* ``quality`` (question 1: the process and result of the service) and ``accessibility``
  (question 2: the information about how it is provided): the mean answer on a 0..100 scale,
  answer 1 ("not satisfied") = 0, 2 ("partly satisfied") = 50, 3 ("satisfied") = 100, one decimal;
  ``None`` without answers;
* ``decided`` / ``on_time`` / ``on_time_share``: from the workflow history, the requests decided
  (issued or refused) within the period that have a due date, how many of them were decided on or
  before it, and that share in percent (``None`` when none was decided).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docgen.domain.catalog import Catalog
from docgen.domain.ports import Clock
from docgen.domain.seal import Seal
from docgen.domain.users import User
from docgen.domain.workflow import ISSUED, REFUSED
from docgen.errors import (
    NotAllowed,
    RequestNotFound,
    SurveyAlreadyAnswered,
    SurveyAnswerInvalid,
    SurveyNotOpen,
    SurveyTokenUnknown,
    UnknownKind,
    UnsupportedLanguage,
)
from docgen.services import access
from docgen.services.ports import (
    DocumentRenderer,
    RequestRecord,
    SurveyAnswer,
    SurveyToken,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = ["ANSWER_POINTS", "SurveyService", "token_hash"]

#: Points of answers 1, 2, 3 on the 0..100 score scale.
ANSWER_POINTS = {1: 0, 2: 50, 3: 100}
DECIDED = (ISSUED, REFUSED)
_MAX_TOKEN = 200


def token_hash(token: str) -> str:
    """What is stored of a survey link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _deny(user: User, kk: str, ru: str) -> NotAllowed:
    return NotAllowed(login=user.login, what={"kk": kk, "ru": ru})


def _check_answer(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in ANSWER_POINTS:
        raise SurveyAnswerInvalid(value=value)
    return value


@dataclass
class SurveyService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    clock: Clock
    seal: Seal
    renderer: DocumentRenderer | None = None
    """Draws the printable report (kind ``survey-report``) and the invitation (``survey-invitation``)."""
    base_url: str = "http://127.0.0.1:5000"
    """The public site's address, which survey links start with (``DOCGEN_BASE_URL``)."""

    # -- the link -------------------------------------------------------------------------------

    def offer(self, user: User, request_id: str) -> str:
        """The survey link token of a decided request (result or refusal delivered), for its
        applicant (or representative) or, for a request filed at a centre, that centre's operator
        (who prints it or enters the paper answer). The same token every time; stored hashed."""
        with self.uow(write=False) as uow:
            record = self._decided(uow, request_id)
            user = access.current(uow, user)
            if not self._may_offer(user, record):
                raise _deny(user, "сауалнама сілтемесін алу", "получение ссылки на анкету")
            stored = uow.surveys.token_of(record.id) is not None
        token = self.seal.survey_token(record.id)
        if not stored:  # the first offer stores the hash (a racing first offer inserts nothing twice)
            with self.uow() as uow:
                uow.surveys.add_token(SurveyToken(record.id, token_hash(token), self.clock.now()))
                uow.commit()
        return token

    def address(self, token: str) -> str:
        """The survey page of ``token``: ``<base url>/survey/<token>``."""
        return f"{self.base_url.rstrip('/')}/survey/{token}"

    def invitation(self, user: User, request_id: str, lang: str) -> bytes:
        """The survey invitation (PDF, kind ``survey-invitation``) of a decided request: the link and
        its QR code with the service's survey questions on a half sheet, which a centre's operator
        hands over with the result to a person served in person (or an applicant prints). Who may
        have it is who may have the link (:meth:`offer`); the request's registration number and
        decision day are on it, the applicant's name is not."""
        if lang not in ("kk", "ru"):
            raise UnsupportedLanguage(lang=lang)
        token = self.offer(user, request_id)
        with self.uow(write=False) as uow:
            record = self._decided(uow, request_id)
            decided = next(
                (e.at.date() for e in reversed(uow.requests.history(record.id)) if e.to_state in DECIDED),
                self.clock.now().date(),
            )
        if self.renderer is None:
            raise UnknownKind(kind="survey-invitation", known="")
        data = {
            "service": record.service,
            "request": record.number or record.id,
            "decided_on": decided.isoformat(),
            "address": self.address(token),
        }
        return self.renderer.render("survey-invitation", data, lang, "pdf")

    def form(self, token: str, lang: str) -> dict[str, Any]:
        """The request's own service's survey in ``lang`` for a valid unused token: ``title``,
        ``service`` (its name), ``questions`` (two texts), ``answers`` (three ``{"value", "label"}``),
        ``lang``."""
        if lang not in ("kk", "ru"):
            raise UnsupportedLanguage(lang=lang)
        with self.uow(write=False) as uow:
            found = self._token(uow, token)
            record = uow.requests.get(found.request_id)
        if record is None:
            raise SurveyTokenUnknown()
        survey = self.catalog.get(record.service).survey
        if survey is None:
            raise SurveyNotOpen(id=record.id)
        return {
            "lang": lang,
            "title": survey.title[lang],
            "service": self.catalog.get(record.service).title[lang],
            "questions": [q[lang] for q in survey.questions],
            "answers": [{"value": n, "label": a[lang]} for n, a in enumerate(survey.answers, start=1)],
        }

    def answer(self, token: str, q1: int, q2: int) -> None:
        """Store the response (service, provider, day, answers; not who) and use the token up, in
        one transaction. A used token is refused (:class:`SurveyAlreadyAnswered`)."""
        q1, q2 = _check_answer(q1), _check_answer(q2)
        with self.uow() as uow:
            found = self._token(uow, token)
            record = uow.requests.get(found.request_id)
            if record is None:
                raise SurveyTokenUnknown()
            self._store(uow, found.token_sha256, record, q1, q2, "link")

    def enter_paper(self, user: User, request_id: str, q1: int, q2: int) -> None:
        """A paper answer collected at a centre, entered by that centre's operator; the request's
        one response like any other (a link answered already refuses it, and the other way)."""
        q1, q2 = _check_answer(q1), _check_answer(q2)
        with self.uow() as uow:
            record = self._decided(uow, request_id)
            user = access.current(uow, user)
            if user.role != "operator" or record.centre is None or record.centre != user.centre:
                raise _deny(user, "қағаз сауалнаманы енгізу", "ввод бумажной анкеты")
            digest = token_hash(self.seal.survey_token(record.id))
            if uow.surveys.token_of(record.id) is None:
                uow.surveys.add_token(SurveyToken(record.id, digest, self.clock.now()))
            self._store(uow, digest, record, q1, q2, "paper")

    # -- the indicators -------------------------------------------------------------------------

    def report(
        self,
        user: User,
        service: str | None = None,
        provider: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> dict[str, Any]:
        """Indicators per service and provider over ``start``..``end`` (inclusive; open when
        ``None``): see the module's text. An administrator sees every provider, a clerk only their
        own. ``{"period": {...}, "filters": {...}, "rows": [...], "total": {...}}``; each row
        names the service (code, title kk/ru) and provider code, never a person."""
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            if user.role == "clerk":
                if provider is not None and provider != user.provider:
                    raise _deny(
                        user, "басқа қызмет берушінің көрсеткіштері", "показатели другого услугодателя"
                    )
                provider = user.provider
            elif user.role != "admin":
                raise _deny(user, "сауалнама көрсеткіштері", "показатели анкетирования")
            answers = uow.surveys.answers(service=service, provider=provider, start=start, end=end)
            decided = self._decided_in(uow, service, provider, start, end)
        keys = sorted({(a.service, a.provider) for a in answers} | set(decided))
        rows = []
        for code, prov in keys:
            mine = [a for a in answers if (a.service, a.provider) == (code, prov)]
            title = dict(self.catalog.get(code).title) if code in self.catalog else {"kk": code, "ru": code}
            rows.append(
                {"service": code, "title": title, "provider": prov}
                | indicators(mine, decided.get((code, prov), []))
            )
        every_decision = [flag for flags in decided.values() for flag in flags]
        return {
            "period": {
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
            },
            "filters": {"service": service, "provider": provider},
            "rows": rows,
            "total": indicators(answers, every_decision),
        }

    def export(
        self,
        user: User,
        fmt: str,
        lang: str,
        service: str | None = None,
        provider: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> bytes:
        """:meth:`report` as a file: ``csv`` (UTF-8 with BOM, one row per service and provider,
        headings in ``lang``), ``json`` (the report itself) or ``pdf`` (the printable report in
        ``lang``, kind ``survey-report``, from the render core)."""
        if lang not in ("kk", "ru"):
            raise UnsupportedLanguage(lang=lang)
        found = self.report(user, service=service, provider=provider, start=start, end=end)
        if fmt == "json":
            return json.dumps(found, ensure_ascii=False, indent=2).encode()
        if fmt == "csv":
            return _csv(found, lang)
        if fmt == "pdf":
            if self.renderer is None:
                raise UnknownKind(kind="survey-report", known="")
            return self.renderer.render("survey-report", report_document(found), lang, "pdf")
        raise UnknownKind(kind=fmt, known="csv, json, pdf")

    # -- inside ---------------------------------------------------------------------------------

    def _decided(self, uow: UnitOfWork, request_id: str) -> RequestRecord:
        record = uow.requests.get(request_id)
        if record is None:
            raise RequestNotFound(id=request_id)
        if record.state not in DECIDED or self.catalog.get(record.service).survey is None:
            raise SurveyNotOpen(id=request_id)
        return record

    @staticmethod
    def _may_offer(user: User, record: RequestRecord) -> bool:
        if user.role == "applicant":
            return access.acts_for(user, record) or record.filed_by == user.login
        return user.role == "operator" and record.centre is not None and record.centre == user.centre

    @staticmethod
    def _token(uow: UnitOfWork, token: str) -> SurveyToken:
        if not token or len(token) > _MAX_TOKEN:
            raise SurveyTokenUnknown()
        found = uow.surveys.token(token_hash(token))
        if found is None:
            raise SurveyTokenUnknown()
        if found.used_at is not None:
            raise SurveyAlreadyAnswered()
        return found

    def _store(
        self, uow: UnitOfWork, digest: str, record: RequestRecord, q1: int, q2: int, channel: str
    ) -> None:
        now = self.clock.now()
        if not uow.surveys.use(digest, now):
            raise SurveyAlreadyAnswered()
        uow.surveys.add_answer(SurveyAnswer(record.service, record.provider, now.date(), q1, q2, channel))
        uow.commit()

    def _decided_in(
        self,
        uow: UnitOfWork,
        service: str | None,
        provider: str | None,
        start: dt.date | None,
        end: dt.date | None,
    ) -> dict[tuple[str, str], list[bool]]:
        """Per (service, provider): for each request decided in the period with a due date,
        whether it was decided on or before it (the day of the history entry that decided it)."""
        found: dict[tuple[str, str], list[bool]] = {}
        for record in uow.requests.find(provider=provider):
            if record.state not in DECIDED or record.due_on is None:
                continue
            if service is not None and record.service != service:
                continue
            day = next(
                (e.at.date() for e in reversed(uow.requests.history(record.id)) if e.to_state in DECIDED),
                None,
            )
            if day is None or (start and day < start) or (end and day > end):
                continue
            found.setdefault((record.service, record.provider), []).append(day <= record.due_on)
        return found


def _score(values: list[int]) -> float | None:
    return round(sum(ANSWER_POINTS[v] for v in values) / len(values), 1) if values else None


def _shares(values: list[int]) -> dict[str, dict[str, float | int]]:
    total = len(values)
    return {
        str(n): {"count": values.count(n), "share": round(100 * values.count(n) / total, 1) if total else 0.0}
        for n in ANSWER_POINTS
    }


def indicators(answers: Iterable[SurveyAnswer], decisions: list[bool]) -> dict[str, Any]:
    """The indicators of a set of answers and of decisions (``True``: decided within the deadline)."""
    answers = list(answers)
    q1 = [a.q1 for a in answers]
    q2 = [a.q2 for a in answers]
    on_time = sum(decisions)
    return {
        "answers": len(answers),
        "q1": _shares(q1),
        "q2": _shares(q2),
        "quality": _score(q1),
        "accessibility": _score(q2),
        "decided": len(decisions),
        "on_time": on_time,
        "on_time_share": round(100 * on_time / len(decisions), 1) if decisions else None,
    }


#: The headings of the CSV export, per language.
CSV_HEADINGS = {
    "kk": [
        "Қызмет коды", "Қызмет", "Қызмет беруші", "Жауаптар саны",
        "1-сұрақ: 1", "1-сұрақ: 2", "1-сұрақ: 3", "2-сұрақ: 1", "2-сұрақ: 2", "2-сұрақ: 3",
        "Сапа (0-100)", "Қолжетімділік (0-100)", "Шешілген өтініштер", "Мерзімінде", "Мерзімінде, %",
    ],
    "ru": [
        "Код услуги", "Услуга", "Услугодатель", "Число ответов",
        "Вопрос 1: 1", "Вопрос 1: 2", "Вопрос 1: 3", "Вопрос 2: 1", "Вопрос 2: 2", "Вопрос 2: 3",
        "Качество (0-100)", "Доступность (0-100)", "Решено заявлений", "В срок", "В срок, %",
    ],
}  # fmt: skip


def _cells(row: dict[str, Any]) -> list[Any]:
    """Per answer: its count and share as ``count (share%)``."""

    def blank(value: Any) -> Any:
        return "" if value is None else value

    shares = [f"{row[q][n]['count']} ({row[q][n]['share']}%)" for q in ("q1", "q2") for n in ("1", "2", "3")]
    return [
        row["answers"],
        *shares,
        blank(row["quality"]),
        blank(row["accessibility"]),
        row["decided"],
        row["on_time"],
        blank(row["on_time_share"]),
    ]


def _csv(found: dict[str, Any], lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADINGS[lang])
    for row in found["rows"]:
        writer.writerow([row["service"], row["title"][lang], row["provider"], *_cells(row)])
    total = {"kk": "Барлығы", "ru": "Итого"}[lang]
    writer.writerow(["", total, "", *_cells(found["total"])])
    return out.getvalue().encode("utf-8-sig")


def report_document(found: dict[str, Any]) -> dict[str, Any]:
    """The data of a ``survey-report`` document: the report's period, filters, rows (each service's
    title in both languages: each template prints its own) and total."""
    return {key: found[key] for key in ("period", "filters", "rows", "total")}
