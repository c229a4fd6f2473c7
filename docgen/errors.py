"""One error hierarchy for the whole package.

Every error carries data (the document kind, the field, the line...) and
speaks both working languages: :meth:`DocgenError.message` gives the text in
Kazakh or Russian so that the CLI and the web layer can show the user what is
wrong in the user's own language. Library errors are wrapped with ``raise ...
from`` so the cause is kept for logs but never shown as a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docgen.domain.errors import Bilingual

if TYPE_CHECKING:
    from docgen.domain.errors import DomainError

__all__ = [
    "AssetRefused",
    "AttachmentRejected",
    "DatabaseNotReady",
    "DatabaseUnavailable",
    "DecisionMissing",
    "DocgenError",
    "DocumentNotFound",
    "DomainRefusal",
    "EntrantSignatureMissing",
    "InvalidData",
    "InvalidDate",
    "InvalidDecision",
    "InvalidRequest",
    "InvalidStatus",
    "MissingField",
    "NotAllowed",
    "OutputFailed",
    "PaymentRejected",
    "RenderFailed",
    "RenderTimeout",
    "RequestNotFound",
    "SignatureMissing",
    "SignatureNotForRequest",
    "SignatureServiceUnavailable",
    "SignerCertificateRefused",
    "UnauthorizedSigner",
    "UnknownAction",
    "UnknownKind",
    "UnknownService",
    "UnknownUser",
    "UnsupportedFormat",
    "UnsupportedLanguage",
    "UserDisabled",
    "UserExists",
    "WrongCredentials",
    "WrongLicense",
]

LANGS = ("kk", "ru")


class DocgenError(Bilingual):
    """Base of every error docgen raises on purpose.

    Subclasses set ``messages``: a format string per language; the keyword
    arguments given to the constructor fill it in (see :class:`Bilingual`).
    """

    code: ClassVar[str] = "error"


class UnknownKind(DocgenError):
    code = "unknown-kind"
    messages = {
        "kk": "Белгісіз құжат түрі: {kind}. Бар түрлері: {known}",
        "ru": "Неизвестный вид документа: {kind}. Есть виды: {known}",
    }


class UnknownService(DocgenError):
    code = "unknown-service"
    messages = {
        "kk": "Белгісіз қызмет коды: {service}. Бар кодтар: {known}",
        "ru": "Неизвестный код услуги: {service}. Есть коды: {known}",
    }


class UnsupportedLanguage(DocgenError):
    code = "unsupported-language"
    messages = {
        "kk": "Тіл қолдау көрсетілмейді: {lang} (kk, ru немесе kk+ru)",
        "ru": "Язык не поддерживается: {lang} (kk, ru или kk+ru)",
    }


class UnsupportedFormat(DocgenError):
    code = "unsupported-format"
    messages = {
        "kk": "Пішім қолдау көрсетілмейді: {format} (pdf, docx немесе html)",
        "ru": "Формат не поддерживается: {format} (pdf, docx или html)",
    }


class InvalidData(DocgenError):
    """The data given for a document does not fit the document's schema."""

    code = "invalid-data"
    messages = {
        "kk": "{kind}: «{field}» өрісі: {problem}",
        "ru": "{kind}: поле «{field}»: {problem}",
    }

    def __init__(self, *, kind: str, field: str, problem: dict[str, str]) -> None:
        self.kind = kind
        self.field = field
        self.problem = problem
        super().__init__(kind=kind, field=field, problem=problem)

    def message(self, lang: str = "ru") -> str:
        if "+" in lang:
            return " / ".join(self.message(part) for part in lang.split("+"))
        template = self.messages.get(lang) or self.messages["ru"]
        problem = self.problem.get(lang) or self.problem["ru"]
        return template.format(kind=self.kind, field=self.field, problem=problem)


class MissingField(InvalidData):
    """A field the document needs is absent (schema or template)."""

    code = "missing-field"

    def __init__(self, *, kind: str, field: str) -> None:
        super().__init__(
            kind=kind,
            field=field,
            problem={
                "kk": "міндетті өріс толтырылмаған",
                "ru": "не заполнено обязательное поле",
            },
        )


class AssetRefused(DocgenError):
    """The renderer tried to load something outside the template assets."""

    code = "asset-refused"
    messages = {
        "kk": "Рұқсат етілмеген ресурсқа сұраныс тоқтатылды: {url}",
        "ru": "Запрос к неразрешённому ресурсу остановлен: {url}",
    }


class RenderTimeout(DocgenError):
    code = "render-timeout"
    messages = {
        "kk": "{kind}: құжатты жасау {seconds} секундтан асып кетті және тоқтатылды",
        "ru": "{kind}: формирование документа превысило {seconds} с и остановлено",
    }


class RenderFailed(DocgenError):
    code = "render-failed"
    messages = {
        "kk": "{kind}: құжатты жасау сәтсіз аяқталды: {detail}",
        "ru": "{kind}: не удалось сформировать документ: {detail}",
    }


class OutputFailed(DocgenError):
    code = "output-failed"
    messages = {
        "kk": "Файлды жазу мүмкін емес: {path}: {detail}",
        "ru": "Не удалось записать файл: {path}: {detail}",
    }


class SigningKeyError(DocgenError):
    """A signing key (PKCS#12) cannot be read: missing file or wrong password."""

    code = "signing-key"
    messages = {
        "kk": "Қол қою кілтін оқу мүмкін емес: {path} ({detail})",
        "ru": "Не удалось прочитать ключ подписи: {path} ({detail})",
    }


class SigningFailed(DocgenError):
    code = "signing-failed"
    messages = {
        "kk": "Құжатқа қол қою сәтсіз аяқталды: {detail}",
        "ru": "Не удалось подписать документ: {detail}",
    }


class PkiError(DocgenError):
    """The trust material (roots, CRL, PKI folder) is missing or unusable."""

    code = "pki"
    messages = {
        "kk": "Сенім материалы қолжетімсіз: {detail}",
        "ru": "Недоступны доверенные сертификаты или список отзыва: {detail}",
    }


class UnknownAction(DocgenError):
    """The service has no such action (issue, reissue...)."""

    code = "unknown-action"
    messages = {
        "kk": "{service} қызметінде «{action}» әрекеті жоқ. Бар әрекеттері: {known}",
        "ru": "У услуги {service} нет действия «{action}». Есть действия: {known}",
    }


class InvalidDate(DocgenError):
    """A date given by the user is not a real date in YYYY-MM-DD form."""

    code = "invalid-date"
    messages = {
        "kk": "{option}: күн дұрыс емес: «{value}» (ЖЖЖЖ-АА-КК пішімі керек, мысалы 2025-12-12)",
        "ru": "{option}: неверная дата: «{value}» (нужен формат ГГГГ-ММ-ДД, например 2025-12-12)",
    }


class DomainRefusal(DocgenError):
    """A rule of the pure domain refused the operation.

    The domain (standard library only) raises its own
    :class:`docgen.domain.errors.DomainError`, which speaks the same protocol
    (``code``, ``params``, ``message(lang)``); the layers above wrap it here,
    ``raise DomainRefusal(error) from error``, and handle one hierarchy.
    """

    code = "domain-refusal"

    def __init__(self, error: DomainError) -> None:
        self.error = error
        self.params = dict(error.params)
        Exception.__init__(self, error.message("ru"))

    @property
    def reason(self) -> str:
        """The domain error's own code (``illegal-transition``, ``missing-detail``...)."""
        return self.error.code

    def message(self, lang: str = "ru") -> str:
        return self.error.message(lang)


class RequestNotFound(DocgenError):
    code = "request-not-found"
    messages = {"kk": "Өтініш табылмады: {id}", "ru": "Заявление не найдено: {id}"}


class DocumentNotFound(DocgenError):
    """A reissue or duplicate names a license this system has not issued, or one no longer active."""

    code = "document-not-found"
    messages = {
        "kk": "Әрекет етуші құжат табылмады: № {number}",
        "ru": "Действующий документ не найден: № {number}",
    }


# -- who may do what -----------------------------------------------------------------------------


class UnknownUser(DocgenError):
    code = "unknown-user"
    messages = {
        "kk": "«{login}» пайдаланушысы жоқ (docgen user list)",
        "ru": "Пользователя «{login}» нет (docgen user list)",
    }


class UserDisabled(DocgenError):
    code = "user-disabled"
    messages = {
        "kk": "«{login}» пайдаланушысы бұғатталған",
        "ru": "Пользователь «{login}» заблокирован",
    }


class UserExists(DocgenError):
    code = "user-exists"
    messages = {
        "kk": "«{login}» логині бос емес",
        "ru": "Логин «{login}» уже занят",
    }


class WrongCredentials(DocgenError):
    """Login or password wrong: one message for both, so logins cannot be guessed."""

    code = "wrong-credentials"
    messages = {
        "kk": "Логин немесе құпиясөз қате",
        "ru": "Неверный логин или пароль",
    }


class NotAllowed(DocgenError):
    """The user may not do this: another provider's, another applicant's, another centre's."""

    code = "not-allowed"
    messages = {
        "kk": "«{login}» пайдаланушысына рұқсат жоқ: {what}",
        "ru": "Пользователю «{login}» не разрешено: {what}",
    }


class WrongLicense(DocgenError):
    """A reissue, duplicate or status change names a license it may not touch."""

    code = "wrong-license"
    messages = {
        "kk": "№ {number} лицензиясы бұл өтінішке жатпайды: {problem}",
        "ru": "Лицензия № {number} не относится к этому заявлению: {problem}",
    }


# -- the request's steps --------------------------------------------------------------------------


class InvalidRequest(DocgenError):
    """Every field error of a request at once, each with its path and kk/ru message."""

    code = "invalid-request"
    messages = {"kk": "Өтініш деректерінде қате бар: {list}", "ru": "Ошибки в данных заявления: {list}"}

    def __init__(self, errors: list[InvalidData]) -> None:
        self.errors = errors
        super().__init__(
            list={lang: "; ".join(f"«{e.field}»: {e.problem[lang]}" for e in errors) for lang in LANGS}
        )


class InvalidDecision(InvalidRequest):
    """Every field error of a clerk's decision at once (docgen.documents.decisions)."""

    code = "invalid-decision"
    messages = {"kk": "Шешім деректерінде қате бар: {list}", "ru": "Ошибки в данных решения: {list}"}


class DecisionMissing(DocgenError):
    """Issuing needs the clerk's decision (the data the document takes that a request cannot carry)."""

    code = "decision-missing"
    messages = {
        "kk": "«{service}» қызметі бойынша «{action}» нәтижесін беру үшін шешім керек "
        "(үлгісі: docgen request decision-example {service} {action}; "
        "docgen request issue ID --decision FILE)",
        "ru": "Для выдачи результата услуги «{service}» ({action}) нужно решение "
        "(образец: docgen request decision-example {service} {action}; "
        "docgen request issue ID --decision FILE)",
    }


class SignatureMissing(DocgenError):
    code = "signature-missing"
    messages = {
        "kk": "Порталдағы өтінішке қызмет алушының ЭЦҚ-сы (.p7s) керек",
        "ru": "Заявлению на портале нужна ЭЦП услугополучателя (.p7s)",
    }


class EntrantSignatureMissing(SignatureMissing):
    """A centre's operator or a local body's officer signs what they enter with their own key."""

    code = "entrant-signature-missing"
    messages = {
        "kk": "Өтінішке оны енгізген ХҚКО операторының немесе ЖАО қызметкерінің өз ЭЦҚ-сы (.p7s) керек",
        "ru": "Заявлению нужна собственная ЭЦП внёсшего его оператора ЦОН или сотрудника МИО (.p7s)",
    }


class SignatureNotForRequest(DocgenError):
    """The signature covers other bytes: another request, or this one's data before a change."""

    code = "signature-not-for-request"
    messages = {
        "kk": "ЭЦҚ осы өтінішке қойылмаған ({id}): қол қою үшін осы өтініштің деректерін алыңыз "
        "(docgen request payload)",
        "ru": "ЭЦП поставлена не под этим заявлением ({id}): подпишите данные именно этого заявления "
        "(docgen request payload)",
    }


class AttachmentRejected(DocgenError):
    code = "attachment-rejected"
    messages = {
        "kk": "«{name}» файлы қабылданбады: {problem}",
        "ru": "Файл «{name}» не принят: {problem}",
    }


class PaymentRejected(DocgenError):
    code = "payment-rejected"
    messages = {
        "kk": "Төлем туралы хабарлама қабылданбады: {problem}",
        "ru": "Уведомление об оплате не принято: {problem}",
    }


class InvalidStatus(DocgenError):
    code = "invalid-status"
    messages = {
        "kk": "Тізілім мәртебесі белгісіз: {status} (active, suspended, terminated)",
        "ru": "Неизвестный статус в реестре: {status} (active, suspended, terminated)",
    }


class BatchNotFound(DocgenError):
    code = "batch-not-found"
    messages = {"kk": "Топтама табылмады: {id}", "ru": "Пакет не найден: {id}"}


class BrokerUnavailable(DocgenError):
    """The batch broker (Redis) named by ``DOCGEN_BATCH_BROKER`` / ``REDIS_URL`` did not answer."""

    code = "broker-unavailable"
    messages = {
        "kk": "Топтама брокеріне қосылу мүмкін емес ({detail}); топтама сақталды, кейін: "
        "docgen batch resume {id} --as …",
        "ru": "Брокер пакетов недоступен ({detail}); пакет сохранён, позже: docgen batch resume {id} --as …",
    }


class DatabaseNotReady(DocgenError):
    code = "database-not-ready"
    messages = {
        "kk": "Дерекқор сызбасы жаңартылмаған: алдымен docgen db upgrade орындаңыз ({detail})",
        "ru": "Схема базы данных не обновлена: сначала выполните docgen db upgrade ({detail})",
    }


class DatabaseUnavailable(DocgenError):
    """The database or its driver failed (unreachable server, locked or unreadable file...);
    ``detail`` is the driver's first line, any password masked."""

    code = "database-unavailable"
    messages = {
        "kk": "Дерекқорға қол жеткізу мүмкін емес: {detail}",
        "ru": "База данных недоступна: {detail}",
    }


class SignerCertificateRefused(SigningFailed):
    """The provider's signing certificate may not sign now: expired, not yet valid, revoked, or its
    revocation status cannot be known (no readable, genuine, fresh CRL). Checked before every
    signature, whatever ``DOCGEN_EMBED_REVOCATION`` says."""

    code = "signer-certificate"
    messages = {
        "kk": "Провайдердің қол қою сертификатымен қол қоюға болмайды ({provider}, № {serial}): {reason}",
        "ru": "Сертификатом подписи поставщика подписывать нельзя ({provider}, № {serial}): {reason}",
    }


class UnauthorizedSigner(DocgenError):
    """A signature by a certificate that is not a registered signing official's (of the provider that
    issued the document, when that is known): the reason ``unauthorized-signer`` of ``docgen verify``."""

    code = "unauthorized-signer"
    messages = {
        "kk": "Қол қоюшы бұл құжатқа қол қоюға уәкілетті емес: {detail}",
        "ru": "Подписант не уполномочен подписывать этот документ: {detail}",
    }


class SignatureServiceUnavailable(DocgenError):
    """The signature verification service (NCANode) cannot be reached, or answers something that is
    not a verification result; the signature is then neither accepted nor refused."""

    code = "signature-service-unavailable"
    messages = {
        "kk": "ЭЦҚ тексеру қызметі қолжетімсіз, қолтаңба тексерілмеді: {detail}",
        "ru": "Служба проверки ЭЦП недоступна, подпись не проверена: {detail}",
    }


class UnknownRefusalGround(DocgenError):
    """A reasoned refusal citing a ground the service's regulation does not name (``[[refusal_grounds]]``
    of its definition), or citing none."""

    code = "unknown-refusal-ground"
    messages = {
        "kk": "«{service}» қызметінің бас тарту негіздерінде «{ground}» жоқ. Бар негіздер: {known}",
        "ru": "Среди оснований отказа услуги «{service}» нет «{ground}». Есть основания: {known}",
    }


class RefusalGroundMissing(DocgenError):
    """A reasoned refusal with no ground: the clerk must cite at least one of the regulation's."""

    code = "refusal-ground-missing"
    messages = {
        "kk": "Бас тартудың кемінде бір негізін таңдаңыз («{service}» қызметі). Бар негіздер: {known}",
        "ru": "Выберите хотя бы одно основание отказа (услуга «{service}»). Есть основания: {known}",
    }


class SurveyTokenUnknown(DocgenError):
    """A survey link whose token this system never gave (mistyped, cut short or guessed)."""

    code = "survey-token-unknown"
    messages = {
        "kk": "Кешіріңіз, сауалнама сілтемесі табылмады. Сілтемені толық көшіргеніңізді тексеріңіз.",
        "ru": "Извините, ссылка на анкету не найдена. Проверьте, что ссылка скопирована полностью.",
    }


class SurveyAlreadyAnswered(DocgenError):
    """The survey of this request has been answered already: one response per request."""

    code = "survey-already-answered"
    messages = {
        "kk": "Осы өтініш бойынша сауалнамаға жауап берілген. Қатысқаныңызға рахмет!",
        "ru": "Анкета по этому заявлению уже заполнена. Спасибо за участие!",
    }


class SurveyNotOpen(DocgenError):
    """The request is not decided yet (no result nor refusal delivered), or its service has no survey."""

    code = "survey-not-open"
    messages = {
        "kk": "Сауалнама нәтиже берілгеннен кейін ғана ашылады: {id}",
        "ru": "Анкета доступна только после выдачи результата: {id}",
    }


class SurveyAnswerInvalid(DocgenError):
    """An answer outside 1..3."""

    code = "survey-answer-invalid"
    messages = {
        "kk": "Жауап 1, 2 немесе 3 болуы керек: {value}",
        "ru": "Ответ должен быть 1, 2 или 3: {value}",
    }
