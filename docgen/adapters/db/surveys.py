"""Survey tokens and anonymous answers in ``survey_tokens`` and ``survey_answers`` (see
:class:`~docgen.services.ports.Surveys`), on the unit of work's connection."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite

from docgen.adapters.db.tables import survey_answers, survey_tokens
from docgen.services.ports import SurveyAnswer, Surveys, SurveyToken

if TYPE_CHECKING:
    from docgen.adapters.db.uow import SqlUnitOfWork

__all__ = ["SqlSurveys"]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite keeps no offset: every moment is stored, and read back, in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


class SqlSurveys(Surveys):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add_token(self, token: SurveyToken) -> None:
        """Insert unless the request has its token (the unique request id decides under concurrency)."""
        dialect_insert = postgresql.insert if self._unit.dialect == "postgresql" else sqlite.insert
        self._unit.execute(
            dialect_insert(survey_tokens)
            .values(
                request_id=token.request_id,
                token_sha256=token.token_sha256,
                created_at=_utc(token.created_at),
                used_at=None if token.used_at is None else _utc(token.used_at),
            )
            .on_conflict_do_nothing(index_elements=["request_id"])
        )

    def token(self, token_sha256: str) -> SurveyToken | None:
        found = self._unit.execute(
            select(survey_tokens).where(survey_tokens.c.token_sha256 == token_sha256)
        ).first()
        return None if found is None else _token(found)

    def token_of(self, request_id: str) -> SurveyToken | None:
        found = self._unit.execute(
            select(survey_tokens).where(survey_tokens.c.request_id == request_id)
        ).first()
        return None if found is None else _token(found)

    def use(self, token_sha256: str, at: dt.datetime) -> bool:
        changed = self._unit.execute(
            update(survey_tokens)
            .where(survey_tokens.c.token_sha256 == token_sha256, survey_tokens.c.used_at.is_(None))
            .values(used_at=_utc(at))
        )
        return int(changed.rowcount) == 1

    def add_answer(self, answer: SurveyAnswer) -> None:
        self._unit.execute(
            survey_answers.insert().values(
                service=answer.service,
                provider=answer.provider,
                answered_on=answer.answered_on,
                q1=answer.q1,
                q2=answer.q2,
                channel=answer.channel,
            )
        )

    def answers(
        self,
        *,
        service: str | None = None,
        provider: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[SurveyAnswer]:
        query = select(survey_answers).order_by(survey_answers.c.id)
        if service is not None:
            query = query.where(survey_answers.c.service == service)
        if provider is not None:
            query = query.where(survey_answers.c.provider == provider)
        if start is not None:
            query = query.where(survey_answers.c.answered_on >= start)
        if end is not None:
            query = query.where(survey_answers.c.answered_on <= end)
        return [
            SurveyAnswer(row.service, row.provider, row.answered_on, row.q1, row.q2, row.channel)
            for row in self._unit.execute(query)
        ]


def _token(found: Row[Any]) -> SurveyToken:
    return SurveyToken(
        request_id=found.request_id,
        token_sha256=found.token_sha256,
        created_at=_utc(found.created_at),
        used_at=None if found.used_at is None else _utc(found.used_at),
    )
