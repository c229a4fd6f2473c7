"""The applicant's signature over a request, as the workflow sees it: a check and its result.

The checking itself needs cryptography and lives in
:mod:`docgen.signing.request_signature`; the use cases depend only on the
interface and the result here, so they run without a PKI in the fast tests.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import asdict, dataclass, field

__all__ = ["CONFIRMED", "MESSAGES", "REASONS", "RequestSignatureCheck", "RequestSignatureChecker"]

#: The reason codes of a failed check (stable strings, stored by the workflow).
REASONS = (
    "untrusted",
    "expired",
    "not-yet-valid",
    "revoked",
    "revocation-unknown",
    "identity-mismatch",
    "bad-signature",
    "weak-algorithm",
    "key-usage",
    "unsupported-algorithm",
)

#: Human reasons, in Kazakh and Russian; ``{algorithm}`` names the algorithm concerned.
MESSAGES: dict[str, dict[str, str]] = {
    "untrusted": {
        "kk": "ЭЦҚ тіркеу куәлігін сенім білдірілген куәландырушы орталық бермеген "
        "(куәліктер тізбегі сенімді түбірлік куәлікке жетпейді)",
        "ru": "Регистрационное свидетельство ЭЦП выдано не доверенным удостоверяющим центром "
        "(цепочка свидетельств не доходит до доверенного корневого свидетельства)",
    },
    "expired": {
        "kk": "ЭЦҚ тіркеу куәлігінің жарамдылық мерзімі өтіп кеткен",
        "ru": "Истёк срок действия регистрационного свидетельства ЭЦП",
    },
    "not-yet-valid": {
        "kk": "ЭЦҚ тіркеу куәлігінің жарамдылық мерзімі әлі басталмаған",
        "ru": "Срок действия регистрационного свидетельства ЭЦП ещё не начался",
    },
    "revoked": {
        "kk": "ЭЦҚ тіркеу куәлігі кері қайтарылған (кері қайтарылғандар тізімінде бар)",
        "ru": "Регистрационное свидетельство ЭЦП отозвано (находится в списке отозванных)",
    },
    "revocation-unknown": {
        "kk": "ЭЦҚ тіркеу куәлігінің кері қайтарылмағанын тексеру мүмкін емес: кері қайтарылғандар "
        "тізімі жоқ, оқылмайды, сенімді куәландырушы орталық қол қоймаған немесе ескірген",
        "ru": "Невозможно проверить, что регистрационное свидетельство ЭЦП не отозвано: список "
        "отозванных отсутствует, не читается, не подписан доверенным удостоверяющим центром "
        "или устарел",
    },
    "identity-mismatch": {
        "kk": "Сұраныста көрсетілген ЖСН/БСН ЭЦҚ тіркеу куәлігінде көрсетілген ЖСН/БСН-ға сәйкес келмейді",
        "ru": "ИИН/БИН, указанный в запросе, не совпадает с ИИН/БИН, указанным "
        "в регистрационном свидетельстве ЭЦП",
    },
    "bad-signature": {
        "kk": "ЭЦҚ жарамсыз: сұраныс қол қойылғаннан кейін өзгертілген немесе қолтаңба бүлінген",
        "ru": "ЭЦП недействительна: запрос изменён после подписания или подпись повреждена",
    },
    "weak-algorithm": {
        "kk": "ЭЦҚ ескірген, сенімсіз алгоритммен жасалған ({algorithm}) және қабылданбайды",
        "ru": "ЭЦП выполнена устаревшим ненадёжным алгоритмом ({algorithm}) и не принимается",
    },
    "key-usage": {
        "kk": "ЭЦҚ тіркеу куәлігі қол қоюға арналмаған (кілтті пайдалану мақсатына "
        "электрондық цифрлық қолтаңба кірмейді)",
        "ru": "Регистрационное свидетельство ЭЦП не предназначено для подписи (назначение ключа "
        "не включает электронную цифровую подпись)",
    },
    "unsupported-algorithm": {
        "kk": "ЭЦҚ алгоритміне ({algorithm}) осы тексеру құралы қолдау көрсетпейді. Қолтаңба жарамсыз "
        "деп танылған жоқ: оны осы алгоритмді қолдайтын құралмен тексеру қажет",
        "ru": "Алгоритм ЭЦП ({algorithm}) не поддерживается этим средством проверки. Подпись "
        "не признана недействительной: её нужно проверить средством, поддерживающим этот алгоритм",
    },
}

#: The message of a successful check.
CONFIRMED = {"kk": "ЭЦҚ расталды", "ru": "ЭЦП подтверждена"}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# -- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestSignatureCheck:
    """The outcome of checking a request's signature, as the workflow stores it."""

    ok: bool
    reason: str | None
    """``None`` when ok, else one of :data:`REASONS`."""
    message: dict[str, str]
    """The human reason (or the confirmation) in ``kk`` and ``ru``."""
    signer: str | None = None
    """The signer's common name (CN), when the signer's certificate could be read."""
    signer_iin: str | None = None
    signer_bin: str | None = None
    certificate_serial: str | None = None
    """Serial number of the signer's certificate, upper-case hex."""
    signed_at: str | None = None
    """The signingTime the signer claims (ISO 8601), if any."""
    checked_at: str = field(default_factory=lambda: _utc_now().isoformat())
    checker: str = "local"
    """Which checker answered: ``local`` (:mod:`docgen.signing.request_signature`) or ``ncanode``
    (:mod:`docgen.adapters.ncanode`, the national CA's algorithms through an NCANode service)."""

    def text(self, lang: str = "kk+ru") -> str:
        """The message in ``kk``, ``ru`` or both (``kk+ru``)."""
        return " / ".join(self.message.get(part) or self.message["ru"] for part in lang.split("+"))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class RequestSignatureChecker(abc.ABC):
    """Checks an applicant's signature over a request; implementations for other algorithms plug in here."""

    @staticmethod
    def expected_identity(iin: str | None, bin: str | None) -> tuple[str | None, str | None]:
        """The IIN and BIN the signer's certificate must carry, as every checker reads its arguments:
        12 digits each (surrounding spaces dropped), at least one of them; ``ValueError`` otherwise
        (a caller's mistake, not the applicant's signature failing)."""
        expected = []
        for number, what in ((iin, "IIN"), (bin, "BIN")):
            if number is not None:
                number = number.strip()
                if not (len(number) == 12 and number.isascii() and number.isdigit()):
                    raise ValueError(f"the {what} of the request must be 12 digits, not {number!r}")
            expected.append(number)
        if expected == [None, None]:
            raise ValueError("give the IIN and/or the BIN of the request")
        return expected[0], expected[1]

    @staticmethod
    def moments(now: dt.datetime, at: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
        """``(checked_at, moment)``: when the check runs, and the moment the request counts as signed
        (``at``, else now), both timezone-aware (a naive time is taken as UTC)."""
        checked_at = _aware(now)
        return checked_at, (_aware(at) if at is not None else checked_at)

    @abc.abstractmethod
    def check(
        self,
        data: bytes,
        signature: bytes,
        *,
        iin: str | None = None,
        bin: str | None = None,
        at: dt.datetime | None = None,
    ) -> RequestSignatureCheck:
        """Check ``signature`` over ``data`` for the applicant with ``iin`` and/or ``bin``.

        ``at`` is the moment the request counts as signed (for example when it
        was received); the certificate must be valid then and at the claimed
        signing time. At least one of ``iin`` and ``bin`` is required; with
        both, both must match.
        """


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
