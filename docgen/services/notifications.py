"""The applicant is told when their result or refusal is ready.

The seeds end every channel with the result reaching the applicant: downloaded from the personal
cabinet on the portal, handed over at the centre or the local executive body "in person or by
e-mail" (seed 004 items 6.11, 7.10; seed 003 item 8.11). :func:`notification_for` writes that
message, in Kazakh and Russian, for a request that has just reached its decision; the one caller
is :meth:`docgen.services.steps.Step.save`, inside the deciding unit of work. The seeds give no
wording of the message: both languages are ours.
"""

from __future__ import annotations

import datetime as dt

from docgen.domain.catalog import Service
from docgen.domain.request import Request
from docgen.domain.workflow import ISSUED, REFUSED
from docgen.services.ports import Notification, RequestRecord

__all__ = ["REFUSAL_READY", "RESULT_READY", "notification_for"]

#: The survey offered with every decision of a service that has one: the link is on the request's page
#: (or on the invitation handed over at a centre); a message stored in the outbox must not carry it,
#: since only the token's hash is kept.
_SURVEY = {
    "kk": "Қызмет көрсету сапасы туралы сауалнамаға өтінішіңіздің бетінде жауап бере аласыз.",
    "ru": "Ответить на анкету о качестве оказания услуги можно на странице вашего заявления.",
}
_SURVEY_AT_CENTRE = {
    "kk": "Қызмет көрсету сапасы туралы сауалнамаға нәтижемен бірге берілетін шақырудағы QR-код "
    "арқылы жауап бере аласыз.",
    "ru": "Ответить на анкету о качестве оказания услуги можно по QR-коду приглашения, которое "
    "выдаётся вместе с результатом.",
}

RESULT_READY = "result-ready"
REFUSAL_READY = "refusal-ready"


def _where(service: Service, record: RequestRecord) -> dict[str, str]:
    """Where the applicant gets the document, by the channel the request was filed on."""
    if record.channel == "portal":
        return {
            "kk": "Құжатты «электрондық үкімет» порталындағы жеке кабинетіңізден жүктеп алуға болады.",
            "ru": "Документ можно скачать в личном кабинете на портале «электронного правительства».",
        }
    if record.channel == "centre":
        centre = record.centre or "—"
        return {
            "kk": f"Құжатты өтініш берілген халыққа қызмет көрсету орталығынан ({centre}) алуға болады.",
            "ru": "Документ можно получить в центре обслуживания населения, где подано заявление "
            f"({centre}).",
        }
    if record.channel == "local-body":
        return {
            "kk": f"Құжатты жергілікті атқарушы органнан ({service.provider['kk']}) алуға болады "
            "немесе ол электрондық поштаңызға жіберіледі.",
            "ru": f"Документ можно получить в местном исполнительном органе ({service.provider['ru']}) "
            "или он будет направлен на вашу электронную почту.",
        }
    return {
        "kk": f"Құжатты қызмет берушіден ({service.provider['kk']}) алуға болады.",
        "ru": f"Документ можно получить у услугодателя ({service.provider['ru']}).",
    }


def notification_for(
    service: Service, record: RequestRecord, request: Request, at: dt.datetime
) -> Notification | None:
    """The message for ``request`` if it has just been decided (issued or refused), else ``None``."""
    if request.state not in (ISSUED, REFUSED) or request.outcome is None:
        return None
    document = request.outcome.details.get("document")
    document = str(document) if document else None
    title = service.title
    number = request.number
    about = {
        "kk": f"«{title['kk']}» қызметіне" + (f" № {number}" if number else "") + " өтінішіңіз бойынша",
        "ru": "По вашему заявлению" + (f" № {number}" if number else "") + f" на услугу «{title['ru']}»",
    }
    if request.state == ISSUED:
        kind = RESULT_READY
        message = {
            "kk": f"{about['kk']} нәтиже дайын: № {document} құжат. ",
            "ru": f"{about['ru']} результат готов: документ № {document}. ",
        }
    else:
        kind = REFUSAL_READY
        label = request.outcome.kind.label
        if document:
            message = {
                "kk": f"{about['kk']} бас тарту туралы шешім қабылданды ({label['kk']}): "
                f"№ {document} дәлелді жауап. ",
                "ru": f"{about['ru']} принято решение об отказе ({label['ru']}): "
                f"мотивированный ответ № {document}. ",
            }
        else:
            message = {
                "kk": f"{about['kk']} бас тарту туралы шешім қабылданды ({label['kk']}).",
                "ru": f"{about['ru']} принято решение об отказе ({label['ru']}).",
            }
    if document:
        where = _where(service, record)
        message = {lang: message[lang] + where[lang] for lang in ("kk", "ru")}
    if service.survey is not None:  # the offer only: the link itself is not stored in the clear
        offer = _SURVEY_AT_CENTRE if record.channel == "centre" else _SURVEY
        message = {lang: f"{text.rstrip()} {offer[lang]}" for lang, text in message.items()}
    email = (record.data.get("applicant") or {}).get("email")
    return Notification(
        request_id=record.id,
        recipient=record.holder,
        kind=kind,
        message={lang: text.strip() for lang, text in message.items()},
        created_at=at,
        document=document,
        email=str(email) if email else None,
    )
