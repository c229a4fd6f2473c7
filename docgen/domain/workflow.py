"""The workflow as data: states, transitions and outcomes, derived from a service.

Every seed draws the same journey (DOMAIN.md, "The request's journey"): the
request is filled in, paid for where the service charges, signed with an
electronic signature, registered under a number, reviewed against the
qualification requirements, and ends in the document or in a refusal. That
shared shape is the code below; what differs between services comes from the
service definition:

- ``channels``: on the portal the applicant fills in and signs the request; on
  the provider's, the local executive body's or the public service centre's
  channel a clerk or operator enters it, the state databases of individuals /
  legal entities are asked about the applicant, and the clerk or operator
  signs it (diagrams 2 and 3 of the seeds);
- ``payment.when``: ``before-review`` puts the payment before the signature,
  ``after-review`` after the qualification check (radio-spectrum permit),
  ``none`` leaves it out;
- ``[steps]``: per channel, the steps that only some seeds name (:data:`CHANNEL_STEPS`):
  the officer's check of the original documents (seed 004 item 6.1), the
  state-database check of the applicant, the entrant's own signature with their
  key, the hand-over of the result where the request was filed. A channel the
  section leaves out gets :func:`default_steps`.

Each failed check of the regulation is a refusal with its own outcome code,
reachable only from the state in which that check is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from docgen.domain.catalog import CatalogError, Service
from docgen.domain.errors import ChannelNotOffered
from docgen.domain.history import ACTOR_KINDS

__all__ = [
    "ACTORS",
    "ACTOR_KINDS",
    "APPLICANT_CONFIRMED",
    "AWAITING_PAYMENT",
    "CHANNEL_STEPS",
    "DATABASES",
    "DRAFT",
    "ENTRANT",
    "EVENTS",
    "IN_REVIEW",
    "ISSUED",
    "NOTES",
    "ORIGINALS_CHECKED",
    "OUTCOMES",
    "PAID",
    "REFUSED",
    "REGISTERED",
    "SIGNED",
    "STATES",
    "SUBMITTED",
    "Note",
    "Outcome",
    "OutcomeKind",
    "State",
    "Text",
    "Transition",
    "Workflow",
    "channel_steps",
    "default_steps",
    "steps_for",
]


@dataclass(frozen=True)
class Text:
    """A short text in both working languages; ``text["kk"]`` works as with the catalog's dicts."""

    kk: str
    ru: str

    def __getitem__(self, lang: str) -> str:
        if lang == "kk":
            return self.kk
        if lang == "ru":
            return self.ru
        raise KeyError(lang)

    def as_dict(self) -> dict[str, str]:
        return {"kk": self.kk, "ru": self.ru}


# -- states -------------------------------------------------------------------------------------

DRAFT = "draft"
ORIGINALS_CHECKED = "originals-checked"
SUBMITTED = "submitted"
APPLICANT_CONFIRMED = "applicant-confirmed"
AWAITING_PAYMENT = "awaiting-payment"
PAID = "paid"
SIGNED = "signed"
REGISTERED = "registered"
IN_REVIEW = "in-review"
ISSUED = "issued"
REFUSED = "refused"


@dataclass(frozen=True)
class State:
    code: str
    label: Text
    final: bool = False


STATES: dict[str, State] = {
    state.code: state
    for state in (
        State(DRAFT, Text("Жоба", "Черновик")),
        State(
            ORIGINALS_CHECKED,
            Text("Құжаттардың түпнұсқалығы тексерілді", "Подлинность документов проверена"),
        ),
        State(SUBMITTED, Text("Сұрау салу нысаны толтырылды", "Форма запроса заполнена")),
        State(
            APPLICANT_CONFIRMED,
            Text("Алушының деректері расталды", "Данные услугополучателя подтверждены"),
        ),
        State(AWAITING_PAYMENT, Text("Төлемді күтуде", "Ожидает оплаты")),
        State(PAID, Text("Төленді", "Оплачено")),
        State(SIGNED, Text("ЭЦҚ арқылы қол қойылды", "Подписано ЭЦП")),
        State(REGISTERED, Text("Тіркелді", "Зарегистрировано")),
        State(IN_REVIEW, Text("Қаралуда", "На рассмотрении")),
        State(ISSUED, Text("Нәтиже берілді", "Результат выдан"), final=True),
        State(REFUSED, Text("Бас тартылды", "Отказано"), final=True),
    )
}

#: The participants (:data:`ACTOR_KINDS`) as they are named to a person.
ACTORS: dict[str, Text] = {
    "applicant": Text("Алушы", "Услугополучатель"),
    "clerk": Text("Қызмет көрсетушінің қызметкері", "Сотрудник услугодателя"),
    "operator": Text("ХҚКО операторы", "Оператор ЦОН"),
    "system": Text("Ақпараттық жүйе", "Информационная система"),
}

# -- events -------------------------------------------------------------------------------------

#: What each event is called where it is named to a person (errors, status pages).
EVENTS: dict[str, Text] = {
    "open": Text("Сұрау салу нысанын ашу", "Открытие формы запроса"),
    # Seed 004 item 6.1 (Kazakh only; the Russian is our translation).
    "check-originals": Text(
        "Өтініш пен құжаттардың түпнұсқалығын тексеру", "Проверка подлинности заявления и документов"
    ),
    "submit": Text("Сұрау салу нысанын толтыру", "Заполнение формы запроса"),
    "check-applicant": Text("Алушының деректерін тексеру", "Проверка данных услугополучателя"),
    "pay": Text("ЭҮТШ арқылы төлеу", "Оплата через ПШЭП"),
    "record-receipt": Text("Төлем туралы түбіртекті енгізу", "Внесение квитанции об оплате"),
    "sign": Text("ЭЦҚ арқылы қол қою", "Подписание ЭЦП"),
    "register": Text("Сұрау салуды тіркеу", "Регистрация запроса"),
    "start-review": Text("Қарауға алу", "Принятие к рассмотрению"),
    "approve": Text(
        "Біліктілік талаптарына сәйкестігін растау",
        "Подтверждение соответствия квалификационным требованиям",
    ),
    "issue": Text("Нәтижені беру", "Выдача результата"),
    "refuse": Text("Бас тарту", "Отказ"),
}

# -- outcomes -----------------------------------------------------------------------------------

#: The state databases asked about an applicant on the assisted channels.
DATABASES: dict[str, Text] = {
    "individuals": Text(
        "Жеке тұлғалар мемлекеттік деректер қоры", "Государственная база данных физических лиц"
    ),
    "legal-entities": Text(
        "Заңды тұлғалар мемлекеттік деректер қоры", "Государственная база данных юридических лиц"
    ),
    # A representative's power of attorney not notarised on paper is looked up in БНАЖ / ЕНИС.
    "notary": Text("Бірыңғай нотариаттық ақпараттық жүйе", "Единая нотариальная информационная система"),
}


@dataclass(frozen=True)
class OutcomeKind:
    """How a request can end: the document, or one refusal the regulation names."""

    code: str
    label: Text
    positive: bool = False
    requires: tuple[str, ...] = ()
    """Details the outcome must carry (the check's reason code, the clerk's reason...)."""
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Details whose value must be one of a fixed set."""


OUTCOMES: dict[str, OutcomeKind] = {
    kind.code: kind
    for kind in (
        OutcomeKind(
            "issued",
            Text("Электрондық мемлекеттік қызмет көрсетілді", "Электронная государственная услуга оказана"),
            positive=True,
        ),
        OutcomeKind(
            "authorization-refused",
            Text("Авторландырудан бас тарту", "Отказ в авторизации"),
        ),
        OutcomeKind(
            "no-payment",
            Text("Төлемнің болмауына байланысты бас тарту", "Отказ в связи с отсутствием оплаты"),
        ),
        OutcomeKind(
            "signature-not-confirmed",
            Text(
                "ЭЦҚ түпнұсқалығының расталмауына байланысты бас тарту",
                "Отказ в связи с неподтверждением подлинности ЭЦП",
            ),
            requires=("reason",),
        ),
        OutcomeKind(
            "applicant-not-found",
            Text(
                "ЖТ МДҚ/ЗТ МДҚ-да алушы деректерінің болмауына байланысты бас тарту",
                "Отказ в связи с отсутствием данных услугополучателя в ГБД ФЛ/ГБД ЮЛ",
            ),
            requires=("database",),
            choices=(("database", tuple(DATABASES)),),
        ),
        OutcomeKind(
            "qualification-not-met",
            Text(
                "Біліктілік талаптарына сәйкес келмеуіне байланысты негізделген бас тарту",
                "Мотивированный отказ в связи с несоответствием квалификационным требованиям",
            ),
            requires=("reason",),
        ),
    )
}


@dataclass(frozen=True)
class Outcome:
    """The outcome a request reached, with the details it carries (reason code, reason text...)."""

    code: str
    details: Mapping[str, Any]

    @property
    def kind(self) -> OutcomeKind:
        return OUTCOMES[self.code]

    @property
    def positive(self) -> bool:
        return self.kind.positive

    def label(self, lang: str) -> str:
        return self.kind.label[lang]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "details": dict(self.details)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(code=str(data["code"]), details=dict(data.get("details") or {}))


# -- notes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """What is recorded in a request's history without moving it on: a document attached to the
    draft, the payment order opened, an issued document handed over or downloaded, a change of
    the license's registry status, a new document timestamp on an issued document (its new file's
    SHA-256). Each says who may record it and in which states."""

    event: str
    label: Text
    actors: tuple[str, ...]
    states: tuple[str, ...]
    requires: tuple[str, ...] = ()
    entrant_only: bool = False
    """Of the people, only the one who enters the request on its channel (the applicant on the portal,
    the clerk or operator on theirs) may record it: a clerk cannot add to an applicant's draft."""
    optional: bool = False
    """Recorded only on the channels whose ``[steps]`` name it (:data:`CHANNEL_STEPS`)."""

    def actors_on(self, channel: str) -> tuple[str, ...]:
        if not self.entrant_only:
            return self.actors
        return tuple(kind for kind in self.actors if kind in (ENTRANT[channel], "system"))


NOTES: dict[str, Note] = {
    note.event: note
    for note in (
        Note(
            "attach",
            Text("Құжатты қоса тіркеу", "Прикрепление документа"),
            ("applicant", "clerk", "operator"),
            (DRAFT, ORIGINALS_CHECKED),
            ("code", "sha256", "media_type", "size"),
            entrant_only=True,
        ),
        Note(
            "order-payment",
            Text("Төлем туралы өкімді ашу", "Открытие платёжного поручения"),
            ("applicant", "clerk", "operator", "system"),
            (AWAITING_PAYMENT,),
            ("reference", "amount"),
            entrant_only=True,
        ),
        Note(
            "download",
            Text("Нәтижені алу", "Получение результата"),
            ("applicant", "clerk", "operator"),
            (ISSUED, REFUSED),
            ("document", "format", "lang", "copy"),
        ),
        # Seed 003 item 8.11, seed 004 items 6.11 and 7.10: the centre's operator (or the local
        # body's officer) gives the result to the applicant, in person or by e-mail.
        Note(
            "hand-over",
            Text("Нәтижені алушыға беру", "Выдача результата услугополучателю"),
            ("clerk", "operator"),
            (ISSUED, REFUSED),
            ("document", "method"),
            entrant_only=True,
            optional=True,
        ),
        Note(
            "registry-status",
            Text("Лицензия тізіліміндегі мәртебені өзгерту", "Изменение статуса в реестре лицензий"),
            ("clerk",),
            (ISSUED,),
            ("document", "status", "reason"),
        ),
        Note(
            "archive-timestamp",
            Text("Құжатқа мұрағаттық уақыт белгісін қою", "Архивная метка времени на документе"),
            ("system",),
            (ISSUED, REFUSED),
            ("document", "document_sha256", "previous_sha256"),
        ),
    )
}


# -- transitions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``event`` takes a request from ``sources`` to ``target``."""

    event: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    """Kinds of participant who may perform it (:data:`ACTOR_KINDS`)."""
    step: Text
    """The regulation's step it corresponds to."""
    outcome: str | None = None
    """The outcome reached (``issue`` and each ``refuse``)."""
    requires: tuple[str, ...] = ()
    """Details the event must carry (besides the outcome's own)."""

    @property
    def key(self) -> str:
        """``event``, or ``refuse:<outcome>`` for a refusal (refusals share the event)."""
        return f"{self.event}:{self.outcome}" if self.event == "refuse" else self.event

    def label(self, lang: str) -> str:
        """The event's name, with the outcome's for a refusal."""
        if self.event == "refuse" and self.outcome:
            return OUTCOMES[self.outcome].label[lang]
        return EVENTS[self.event][lang]


#: Who enters and signs the request on each channel.
ENTRANT = {"portal": "applicant", "provider": "clerk", "centre": "operator", "local-body": "clerk"}

_OPEN_STEP = {
    "portal": Text(
        "Алушының ЭҮП-те авторландырылуы, қызметті таңдауы және сұрау салу нысанын ашуы",
        "Авторизация услугополучателя на ПЭП, выбор услуги и открытие формы запроса",
    ),
    "provider": Text(
        "Қызмет көрсетуші қызметкерінің авторландырылуы, қызметті таңдауы және сұрау салу нысанын ашуы",
        "Авторизация сотрудника услугодателя, выбор услуги и открытие формы запроса",
    ),
    "centre": Text(
        "ХҚКО операторының авторландырылуы, қызметті таңдауы және сұрау салу нысанын ашуы",
        "Авторизация оператора ЦОН, выбор услуги и открытие формы запроса",
    ),
    "local-body": Text(
        "ЖАО қызметкерінің авторландырылуы, қызметті таңдауы және сұрау салу нысанын ашуы",
        "Авторизация сотрудника МИО, выбор услуги и открытие формы запроса",
    ),
}
_SUBMIT_STEP = {
    "portal": Text(
        "Алушының сұрау салу нысанын толтыруы және қажетті құжаттарды электрондық түрде бекітуі",
        "Заполнение услугополучателем формы запроса и прикрепление необходимых документов в электронном виде",
    ),
    "provider": Text(
        "Қызмет көрсетуші қызметкерінің алушының деректерін және өкілдің сенімхат деректерін енгізуі",
        "Ввод сотрудником услугодателя данных услугополучателя и данных доверенности представителя",
    ),
    "centre": Text(
        "ХҚКО операторының алушының деректерін және өкілдің сенімхат деректерін енгізуі",
        "Ввод оператором ЦОН данных услугополучателя и данных доверенности представителя",
    ),
    "local-body": Text(
        "ЖАО қызметкерінің алушының деректерін енгізуі және сканерленген құжаттарды бекітуі",
        "Ввод сотрудником МИО данных услугополучателя и прикрепление отсканированных документов",
    ),
}
_SIGN_STEP = {
    "portal": Text(
        "Алушының толтырылған сұрау салуды ЭЦҚ арқылы куәландыруы (қол қоюы)",
        "Удостоверение (подписание) услугополучателем заполненного запроса посредством ЭЦП",
    ),
    "provider": Text(
        "Қағаз құжаттарды белгілеу, сканерлеу және бекіту, сұрау салуды қызмет көрсетуші "
        "қызметкерінің ЭЦҚ арқылы куәландыруы",
        "Отметка бумажных документов, их сканирование и прикрепление, удостоверение запроса "
        "ЭЦП сотрудника услугодателя",
    ),
    "centre": Text(
        "Қағаз құжаттарды белгілеу, сканерлеу және бекіту, сұрау салуды ХҚКО операторының "
        "ЭЦҚ арқылы куәландыруы",
        "Отметка бумажных документов, их сканирование и прикрепление, удостоверение запроса "
        "ЭЦП оператора ЦОН",
    ),
    "local-body": Text(
        "Сұрау салудың толтырылған нысанына ЖАО қызметкерінің ЭЦҚ арқылы қол қоюы",
        "Подписание заполненной формы запроса ЭЦП сотрудника МИО",
    ),
}
#: Seed 004 item 6.1 (Kazakh only; the Russian is our translation): before the officer enters the
#: request, they check that the application and the documents brought are the originals.
_CHECK_ORIGINALS_STEP = {
    "local-body": Text(
        "Алушының өтiнiшi мен құжаттарының түпнұсқалығын ЖАО қызметкерiнiң тексеруі",
        "Проверка сотрудником МИО подлинности заявления и документов услугополучателя",
    ),
    "provider": Text(
        "Алушының өтiнiшi мен құжаттарының түпнұсқалығын қызмет көрсетуші қызметкерiнiң тексеруі",
        "Проверка сотрудником услугодателя подлинности заявления и документов услугополучателя",
    ),
    "centre": Text(
        "Алушының өтiнiшi мен құжаттарының түпнұсқалығын ХҚКО операторының тексеруі",
        "Проверка оператором ЦОН подлинности заявления и документов услугополучателя",
    ),
}
_CHECK_APPLICANT_STEP = Text(
    "ЭҮШ арқылы ЖТ МДҚ/ЗТ МДҚ-ға сұрау салу және алушы деректерінің бар болуын тексеру",
    "Запрос через ШЭП в ГБД ФЛ/ГБД ЮЛ и проверка наличия данных услугополучателя",
)
_PAY_STEP = Text("ЭҮТШ арқылы төлем", "Оплата через ПШЭП")
_RECEIPT_STEP = Text(
    "Алушы ұсынған төлем туралы түбіртекті (квитанцияны) қабылдау",
    "Прием представленной услугополучателем квитанции об оплате",
)
_REGISTER_STEP = Text(
    "ЭЦҚ тексерісінен кейін электрондық құжатты (сұрау салуды) тіркеу",
    "Регистрация электронного документа (запроса) после проверки ЭЦП",
)
_REVIEW_STEP = Text(
    "Сұрау салуды өңдеу: алушының біліктілік талаптарына және беру негіздеріне сәйкестігін тексеру",
    "Обработка запроса: проверка соответствия услугополучателя квалификационным требованиям "
    "и основаниям для выдачи",
)
_APPROVE_STEP = Text(
    "Алушы біліктілік талаптарына және беру негіздеріне сәйкес: төлемге жіберу",
    "Услугополучатель соответствует квалификационным требованиям и основаниям для выдачи: "
    "направление на оплату",
)
_ISSUE_STEP = Text(
    "Нәтижені қалыптастыру, оған қызмет көрсетушінің уәкілетті тұлғасының ЭЦҚ-сымен қол қою және беру",
    "Формирование результата, подписание его ЭЦП уполномоченного лица услугодателя и выдача",
)


@dataclass(frozen=True)
class _Check:
    """A check of the regulation: where it is made, who makes it, what a failure produces."""

    outcome: str
    state: str
    step: Text
    actors: tuple[str, ...] = ("system",)
    assisted_only: bool = False
    by_entrant: bool = False
    """On an assisted channel the clerk or operator may record the failure too."""


#: Each refusal the seeds name, and the state in which its check is made.
_CHECKS = (
    _Check(
        "authorization-refused",
        DRAFT,
        Text(
            "Деректерінде бұзушылықтар болуына байланысты авторландырудан бас тарту туралы хабарлама",
            "Уведомление об отказе в авторизации в связи с нарушениями в данных",
        ),
    ),
    _Check(
        "applicant-not-found",
        SUBMITTED,
        Text(
            "ЖТ МДҚ/ЗТ МДҚ-да алушы деректерінің болмауына байланысты деректерді алу мүмкін еместігі "
            "туралы хабарлама",
            "Уведомление о невозможности получения данных в связи с отсутствием данных "
            "услугополучателя в ГБД ФЛ/ГБД ЮЛ",
        ),
        assisted_only=True,
    ),
    _Check(
        "no-payment",
        AWAITING_PAYMENT,
        Text(
            "Төлемақының жоқтығына байланысты бас тарту туралы хабарлама",
            "Уведомление об отказе в связи с отсутствием оплаты",
        ),
        by_entrant=True,
    ),
    _Check(
        "signature-not-confirmed",
        SIGNED,
        Text(
            "ЭЦҚ түпнұсқалығының расталмауына байланысты бас тарту туралы хабарлама",
            "Уведомление об отказе в связи с неподтверждением подлинности ЭЦП",
        ),
    ),
    _Check(
        "qualification-not-met",
        IN_REVIEW,
        Text(
            "Алушының деректерінде бұзушылықтардың болуына байланысты негізделген бас тарту",
            "Мотивированный отказ в связи с нарушениями в данных услугополучателя",
        ),
        actors=("clerk",),
    ),
)


#: The steps only some seeds name, which a service's ``[steps]`` lists per channel:
#:
#: - ``check-originals``: the entrant checks the originals of the application and documents before
#:   entering the request (seed 004 item 6.1, the local executive body);
#: - ``check-applicant``: the state databases of individuals / legal entities are asked about the
#:   applicant (seeds 000-003 on the assisted channels; seed 004 has no such step);
#: - ``entrant-signature``: the clerk, officer or operator signs the request with their own key, and
#:   the signature is checked as an applicant's is (seed 003 item 8.6, seed 004 items 6.6-6.8, 7.5-7.7);
#: - ``hand-over``: the result (or the reasoned refusal) is handed to the applicant where the request
#:   was filed (seed 003 item 8.11, seed 004 items 6.11, 7.10).
CHANNEL_STEPS = ("check-originals", "check-applicant", "entrant-signature", "hand-over")


def default_steps(channel: str) -> tuple[str, ...]:
    """A channel's optional steps when the service's ``[steps]`` does not list them: the state-database
    check on every assisted channel (the shape of seeds 000-003), nothing on the portal."""
    return () if channel == "portal" else ("check-applicant",)


def channel_steps(service: Service, channel: str) -> tuple[str, ...]:
    """The optional steps of ``service`` on ``channel``, from its ``[steps]`` (``forms/*.toml``).

    Raises :class:`~docgen.domain.catalog.CatalogError` for a step that is not one of
    :data:`CHANNEL_STEPS`, or one the portal cannot have (the applicant files there alone).
    """
    table = service.raw.get("steps") or {}
    if not isinstance(table, Mapping):
        raise CatalogError(f"{service.code}: [steps] must be a table of channel = [steps]")
    unknown_channels = [name for name in table if name not in service.channels]
    if unknown_channels:
        raise CatalogError(f"{service.code}: [steps] names channel {unknown_channels[0]!r} it does not offer")
    if channel not in table:
        return default_steps(channel)
    listed = tuple(str(item) for item in table[channel])
    for item in listed:
        if item not in CHANNEL_STEPS:
            raise CatalogError(
                f"{service.code}: [steps] {channel}: unknown step {item!r} "
                f"(known: {', '.join(CHANNEL_STEPS)})"
            )
        if channel == "portal":
            raise CatalogError(f"{service.code}: [steps] portal: {item!r} is a step of the assisted channels")
    return listed


def _path(channel: str, payment: str, steps: tuple[str, ...] | None = None) -> tuple[Transition, ...]:
    """The regulation's order of steps when every check passes."""
    who = ENTRANT[channel]
    assisted = channel != "portal"
    steps = default_steps(channel) if steps is None else steps
    rows: list[Transition] = []

    def add(event: str, actors: tuple[str, ...], step: Text, target: str, **extra: Any) -> None:
        rows.append(Transition(event, (), target, actors, step, **extra))

    def payment_due() -> None:
        """The step just added now leads to a request waiting for payment, which the next settles."""
        rows[-1] = replace(rows[-1], target=AWAITING_PAYMENT)
        if assisted:
            add("record-receipt", (who,), _RECEIPT_STEP, PAID, requires=("receipt",))
        else:
            add("pay", ("applicant", "system"), _PAY_STEP, PAID)

    if "check-originals" in steps:
        add("check-originals", (who,), _CHECK_ORIGINALS_STEP[channel], ORIGINALS_CHECKED)
    add("submit", (who,), _SUBMIT_STEP[channel], SUBMITTED)
    if "check-applicant" in steps:
        add("check-applicant", ("system",), _CHECK_APPLICANT_STEP, APPLICANT_CONFIRMED)
    if payment == "before-review":
        payment_due()
    keyed = not assisted or "entrant-signature" in steps
    signature = ("signature_sha256",) if assisted and keyed else ()
    add("sign", (who,), _SIGN_STEP[channel], SIGNED, requires=signature)
    add("register", ("system",), _REGISTER_STEP, REGISTERED, requires=("number",))
    add("start-review", ("clerk",), _REVIEW_STEP, IN_REVIEW)
    if payment == "after-review":
        add("approve", ("clerk",), _APPROVE_STEP, AWAITING_PAYMENT)
        payment_due()
    add("issue", ("clerk",), _ISSUE_STEP, ISSUED, outcome="issued")

    chained: list[Transition] = []
    state = DRAFT
    for row in rows:
        chained.append(replace(row, sources=(state,)))
        state = row.target
    return tuple(chained)


def _refusals(channel: str, path: tuple[Transition, ...]) -> tuple[Transition, ...]:
    assisted = channel != "portal"
    present = {DRAFT} | {row.target for row in path}
    events = {row.event for row in path}
    rows = []
    for check in _CHECKS:
        if check.state not in present or (check.assisted_only and not assisted):
            continue
        if check.outcome == "applicant-not-found" and "check-applicant" not in events:
            continue  # no state-database step on this channel, so no refusal of it
        actors = (*check.actors, ENTRANT[channel]) if check.by_entrant and assisted else check.actors
        rows.append(
            Transition(
                "refuse",
                (check.state,),
                REFUSED,
                actors,
                check.step,
                outcome=check.outcome,
                requires=OUTCOMES[check.outcome].requires,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class Workflow:
    """The transitions of one service on one channel."""

    service: str
    channel: str
    payment: str
    opening: Transition
    """How a request comes into being (``open``, into ``draft``); not an event of :meth:`find`."""
    path: tuple[Transition, ...]
    """The regulation's order when every check passes, ending in ``issued``."""
    refusals: tuple[Transition, ...]
    steps: tuple[str, ...] = ()
    """The optional steps this channel has (:data:`CHANNEL_STEPS`, from the service's ``[steps]``)."""

    @classmethod
    def for_service(cls, service: Service, channel: str) -> Workflow:
        if channel not in service.channels:
            raise ChannelNotOffered(service=service.code, channel=channel, known=", ".join(service.channels))
        steps = channel_steps(service, channel)
        path = _path(channel, service.payment.when, steps)
        return cls(
            service=service.code,
            channel=channel,
            payment=service.payment.when,
            opening=Transition("open", (), DRAFT, (ENTRANT[channel],), _OPEN_STEP[channel]),
            path=path,
            refusals=_refusals(channel, path),
            steps=steps,
        )

    @property
    def notes(self) -> dict[str, Note]:
        """What may be recorded without a step on this channel: every note but the optional ones
        (the hand-over) its ``[steps]`` do not name."""
        return {code: note for code, note in NOTES.items() if not note.optional or code in self.steps}

    @property
    def signed_with_key(self) -> bool:
        """Whether the one who enters the request signs it with a key that is checked (the applicant
        on the portal; the clerk, officer or operator where ``entrant-signature`` is a step)."""
        return self.channel == "portal" or "entrant-signature" in self.steps

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """Every row of the table: the path, then the refusals."""
        return self.path + self.refusals

    @property
    def states(self) -> tuple[str, ...]:
        """The states a request of this workflow can be in, in the regulation's order."""
        found = [DRAFT]
        for row in self.transitions:
            if row.target not in found:
                found.append(row.target)
        return tuple(found)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(row.outcome for row in self.transitions if row.outcome)

    def allowed(self, state: str) -> tuple[Transition, ...]:
        """What may happen to a request in ``state``."""
        return tuple(row for row in self.transitions if state in row.sources)

    def find(self, state: str, event: str, outcome: str | None = None) -> Transition | None:
        """The row for ``event`` from ``state`` (for ``refuse``, the one reaching ``outcome``)."""
        for row in self.allowed(state):
            if row.event == event and (event != "refuse" or row.outcome == outcome):
                return row
        return None

    def describe(self) -> str:
        """The table, one row a line: ``from --event [actors]--> to  (step)``."""
        lines = [f"{self.service} / {self.channel} (payment: {self.payment})"]
        for row in (self.opening, *self.transitions):
            source = "|".join(row.sources) or "-"
            lines.append(f"  {source} --{row.key} [{', '.join(row.actors)}]--> {row.target}  ({row.step.ru})")
        for code, note in self.notes.items():
            if note.optional:
                actors = ", ".join(note.actors_on(self.channel))
                lines.append(f"  {'|'.join(note.states)} --{code} [{actors}]--  ({note.label.ru})")
        return "\n".join(lines)


def steps_for(service: Service, channel: str) -> tuple[Transition, ...]:
    """The regulation's order of steps for ``service`` on ``channel`` when every check passes."""
    return Workflow.for_service(service, channel).path
