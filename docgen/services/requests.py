"""The request's journey as use cases: each one unit of work, each a step of the regulation.

Every use case is called with the :class:`~docgen.domain.users.User` who
asks. It checks who may do it (:mod:`docgen.services.access`) and that the
step is allowed now (the domain workflow) before it renders or signs
anything, then applies the step and saves it in one unit of work. Issuing
renders, signs and stores the document and takes its number inside that same
unit: if rendering, signing or storing fails, nothing is kept - no number
consumed, no half-issued document, the request still in review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from docgen.documents import decisions
from docgen.documents.intake import intake_example, intake_schema
from docgen.documents.validation import clean, problems, text_problems
from docgen.domain.catalog import Catalog, Service
from docgen.domain.deadlines import WorkingCalendar, deadline_for
from docgen.domain.history import canonical_json
from docgen.domain.numbering import REQUEST_SERIES, request_number
from docgen.domain.ports import (
    CallbackRefused,
    Clock,
    NotaryRegistry,
    PaymentGateway,
    PaymentOrder,
    StateRegistry,
)
from docgen.domain.request import Request
from docgen.domain.seal import Seal, data_digest
from docgen.domain.signatures import RequestSignatureChecker
from docgen.domain.users import User
from docgen.errors import (
    AttachmentRejected,
    DocumentNotFound,
    EntrantSignatureMissing,
    InvalidData,
    InvalidRequest,
    NotAllowed,
    PaymentRejected,
    RefusalGroundMissing,
    RequestNotFound,
    SignatureMissing,
    SignatureNotForRequest,
    UnknownAction,
    UnknownRefusalGround,
    WrongLicense,
)
from docgen.services import access
from docgen.services.issuing import Issuer
from docgen.services.ports import (
    AttachmentStore,
    DatabaseOutbox,
    Outbox,
    RequestRecord,
    UnitOfWork,
    UnitOfWorkFactory,
)
from docgen.services.steps import SYSTEM, Step, domain_rules, load, opening_details, sealed, service_of

__all__ = ["HAND_OVER_METHODS", "MAX_ATTACHMENT_BYTES", "RegulationReads", "RequestService", "signed_payload"]

#: How a result is handed over where it was filed: "қолма-қол немесе электрондық поштаға жiберу арқылы"
#: (seed 004 items 6.11, 7.10).
HAND_OVER_METHODS = ("in-person", "e-mail")

#: The largest attachment accepted (a scan or a PDF).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

#: What an attachment's first bytes must be for the type it claims.
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class RegulationReads:
    """What the regulation says, read from the catalog alone: what a person fills in, the clerk's
    decision, the refusal grounds. No database, renderer or signer: ``docgen request example`` and
    its kin answer with this and start without importing them; :class:`RequestService` is one too."""

    catalog: Catalog

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def intake_schema(self, service_code: str) -> dict[str, Any]:
        """JSON Schema of what a person types (the system adds numbers, dates and signatures)."""
        return intake_schema(service_of(self.catalog, service_code))

    def intake_example(self, service_code: str) -> dict[str, Any]:
        return intake_example(service_of(self.catalog, service_code))

    def refusal_grounds(self, service_code: str) -> list[dict[str, Any]]:
        """The grounds a clerk may cite in SERVICE's reasoned refusal: code, paragraph, kk and ru, and
        the channels a ground is limited to (empty: every channel)."""
        return [
            {
                "code": g.code,
                "paragraph": dict(g.paragraph),
                "kk": g.kk,
                "ru": g.ru,
                "channels": list(g.channels),
            }
            for g in service_of(self.catalog, service_code).refusal_grounds
        ]

    def decision_schema(self, service_code: str, action: str) -> dict[str, Any]:
        """JSON Schema of the clerk's decision issuing ``action`` of the service."""
        service = service_of(self.catalog, service_code)
        if action not in service.actions:
            raise UnknownAction(service=service.code, action=action, known=", ".join(service.actions))
        return decisions.decision_schema(service, action)

    def decision_example(self, service_code: str, action: str) -> dict[str, Any]:
        """The service's example decision for ``action`` (``{}`` where issuing takes none)."""
        service = service_of(self.catalog, service_code)
        if action not in service.actions:
            raise UnknownAction(service=service.code, action=action, known=", ".join(service.actions))
        return decisions.decision_example(service, action)


@dataclass
class RequestService(RegulationReads):
    """Filing and carrying a request to its decision. Built by :func:`docgen.bootstrap.build`."""

    uow: UnitOfWorkFactory
    catalog: Catalog
    registry: StateRegistry
    gateway: PaymentGateway
    notary: NotaryRegistry
    calendar: WorkingCalendar
    checker: RequestSignatureChecker
    attachments: AttachmentStore
    issuer: Issuer
    clock: Clock
    seal: Seal
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES
    outbox: Outbox = field(default_factory=DatabaseOutbox)
    """Where the applicant's notification goes when a step decides a request."""

    # -- filing -----------------------------------------------------------------------------------
    def new(self, user: User, service_code: str, action: str, channel: str, data: dict[str, Any]) -> str:
        """A draft request. Every field error is reported at once; who may file for whom, and which
        license a reissue, duplicate or change may name, is checked here, before anything is paid."""
        service = service_of(self.catalog, service_code)
        if action not in service.actions:
            raise UnknownAction(service=service.code, action=action, known=", ".join(service.actions))
        data = clean(data)  # NFC, LF: what is stored, signed and rendered; refused characters below
        errors = problems("request", intake_schema(service), data)
        if errors:
            raise InvalidRequest(errors)
        applicant = data["applicant"]
        holder = applicant["bin"] if applicant["kind"] == "legal" else applicant["iin"]
        representative = data.get("representative")
        with self.uow(write=False) as uow:
            user = access.current(uow, user)
            access.may_file(user, service, channel, holder, representative["iin"] if representative else None)
            if action in ("reissue", "duplicate"):
                self._previous_license(uow, service, holder, data.get("license_number"))
        if user.role == "applicant" and holder != user.holder:
            self._check_power_of_attorney(user, representative, holder)
        today = self.clock.today()
        stored = dict(data) | {
            "service": service.code,
            "action": action,
            "channel": channel,
            "filed_on": today.isoformat(),
            "attachments": list(data.get("attachments") or []),
        }
        opened_at = self.clock.now()
        record = RequestRecord(
            id=str(uuid.uuid4()),
            service=service.code,
            provider=service.provider_code,
            action=action,
            channel=channel,
            state="draft",
            data=stored,
            created_at=opened_at,
            holder=holder,
            filed_by=user.login,
            centre=user.centre if user.role == "operator" else None,
        )
        with domain_rules():
            request = Request.open(
                service,
                request_id=record.id,
                action=action,
                channel=channel,
                applicant=applicant,
                actor=user.actor(),
                at=opened_at,
                details=opening_details(record),
            )
        head = sealed(request, self.seal)
        record = replace(
            record,
            state=request.state,
            created_at=request.opened_at,
            head=head["head"],
            head_seal=head["head_seal"],
        )
        with self.uow() as uow:
            uow.requests.add(request, record)
            uow.commit()
        return request.id

    def _check_power_of_attorney(
        self, user: User, representative: dict[str, Any] | None, holder: str
    ) -> None:
        """A representative files on the portal only under a power of attorney the notary system knows:
        a paper one cannot be shown to anybody there, so claiming ``notarized`` does not count."""
        attorney = (representative or {}).get("power_of_attorney") or {}
        if not self.notary.power_of_attorney_valid(
            str(attorney.get("number")),
            dt.date.fromisoformat(str(attorney.get("date"))),
            str(user.iin),
            holder,
        ):
            raise NotAllowed(
                login=user.login,
                what={
                    "kk": "сенімхат нотариаттық жүйеде табылмады",
                    "ru": "доверенность не найдена в нотариальной системе",
                },
            )

    def _previous_license(
        self, uow: UnitOfWork, service: Service, holder: str, number: Any, *, lock: bool = False
    ) -> Any:
        """The active license a reissue or duplicate names: of this service and provider, held by
        this licensee, not itself a duplicate."""
        if not isinstance(number, str) or not number.strip():
            raise DocumentNotFound(number="—")
        found = uow.documents.by_number(number, lock=lock)
        if found is None or found.status == "replaced":
            raise DocumentNotFound(number=number)
        wrong = None
        if found.kind != service.outputs[0] or found.service != service.code:
            wrong = {"kk": "басқа қызметтің құжаты", "ru": "документ другой услуги"}
        elif found.provider != service.provider_code:
            wrong = {"kk": "басқа қызмет берушінің құжаты", "ru": "документ другого услугодателя"}
        elif found.holder != holder:
            wrong = {"kk": "басқа лицензиаттың құжаты", "ru": "документ другого лицензиата"}
        elif found.duplicate:
            wrong = {
                "kk": "бұл телнұсқа, лицензияның өз нөмірін көрсетіңіз",
                "ru": "это дубликат, укажите номер самой лицензии",
            }
        elif found.status != "active":
            wrong = {
                "kk": f"лицензия әрекет етпейді ({found.status})",
                "ru": f"лицензия не действует ({found.status})",
            }
        if wrong:
            raise WrongLicense(number=number, problem=wrong)
        return found

    def attach(
        self, user: User, request_id: str, code: str, name: str, content: bytes, media_type: str
    ) -> str:
        """Attach a file to a draft: its type is read from its bytes, its size limited, its SHA-256
        recorded in the history. Returns the SHA-256."""
        size = len(content)
        if size == 0 or size > self.max_attachment_bytes:
            limit = self.max_attachment_bytes // (1024 * 1024)
            raise AttachmentRejected(
                name=name,
                problem={
                    "kk": f"көлемі 1 байттан {limit} МБ-қа дейін болуы керек",
                    "ru": f"размер должен быть от 1 байта до {limit} МБ",
                },
            )
        actual = next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)
        if actual is None or actual != media_type:
            raise AttachmentRejected(
                name=name,
                problem={
                    "kk": f"мазмұны {media_type} емес (PDF, JPEG немесе PNG қабылданады)",
                    "ru": f"содержимое не является {media_type} (принимаются PDF, JPEG или PNG)",
                },
            )
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            service = service_of(self.catalog, step.record.service)
            if code not in [item.code for item in service.attachments]:
                known = ", ".join(item.code for item in service.attachments) or "—"
                raise AttachmentRejected(
                    name=name,
                    problem={
                        "kk": f"белгісіз құжат коды {code} ({known})",
                        "ru": f"неизвестный код документа {code} ({known})",
                    },
                )
            sha256 = hashlib.sha256(content).hexdigest()
            entry = {"code": code, "form": "electronic", "media_type": actual, "size": size}
            data = step.record.data | {"attachments": [*step.record.data["attachments"], entry]}
            step.note(
                self.clock,
                "attach",
                step.actor,
                code=code,
                sha256=sha256,
                media_type=actual,
                size=size,
                data_sha256=data_digest(data),
            )
            key = self.attachments.put(content)
            step.columns["data"] = data
            step.save()
        return key

    def submit(self, user: User, request_id: str) -> str:
        """Submit; where the channel has the state-database step (``check-applicant``), also check
        the applicant in the state database and a representative's power of attorney in the notary
        system (unless notarised on paper)."""
        with self.uow(write=False) as uow:
            record = self._readable(uow, user, request_id)
            workflow = load(uow, self.catalog, self.seal, request_id).request.workflow
            checks_applicant = "check-applicant" in workflow.steps
        found, attorney_ok = (None, True)
        if checks_applicant:
            found, attorney_ok = self._lookup_applicant(record)  # outside systems, outside the transaction
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.apply(self.clock, "submit", step.actor)
            if step.request.state == "submitted" and checks_applicant:
                if found is None:
                    database = (
                        "legal-entities"
                        if step.record.data["applicant"]["kind"] == "legal"
                        else "individuals"
                    )
                    step.apply(self.clock, "refuse", SYSTEM, outcome="applicant-not-found", database=database)
                elif not attorney_ok:
                    step.apply(self.clock, "refuse", SYSTEM, outcome="applicant-not-found", database="notary")
                else:
                    step.apply(self.clock, "check-applicant", SYSTEM)
            step.save()
            return step.request.state

    def check_originals(self, user: User, request_id: str) -> str:
        """Seed 004 item 6.1: the local body's officer checks that the application and documents the
        applicant brought are the originals, before entering the request (a step of the channels
        whose ``[steps]`` name ``check-originals``)."""
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.apply(self.clock, "check-originals", step.actor)
            step.save()
            return step.request.state

    def _lookup_applicant(self, record: RequestRecord) -> tuple[Any, bool]:
        person = self.registry.find(record.holder)
        representative = record.data.get("representative")
        attorney_ok = True
        if representative and not representative["power_of_attorney"]["notarized"]:
            attorney = representative["power_of_attorney"]
            attorney_ok = self.notary.power_of_attorney_valid(
                attorney["number"],
                dt.date.fromisoformat(attorney["date"]),
                representative["iin"],
                record.holder,
            )
        return person, attorney_ok

    # -- paying -----------------------------------------------------------------------------------
    def order_payment(self, user: User, request_id: str) -> PaymentOrder:
        """Open a payment order at the gateway (portal): the applicant pays there, and the gateway's
        signed callback (:meth:`payment_callback`) moves the request on."""
        with self.uow(write=False) as uow:  # checked first, so the gateway is not asked for nothing
            step = self._step(uow, user, request_id)
            step.check(self.clock, "pay", SYSTEM)
            step.check_note(self.clock, "order-payment", step.actor, reference="-", amount="0")
        service = service_of(self.catalog, step.record.service)
        order = self.gateway.order(request_id, service.payment.fee or "0")  # outside the transaction
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.note(self.clock, "order-payment", step.actor, reference=order.reference, amount=order.amount)
            step.save()
            return order

    def payment_callback(self, payload: bytes, signature: str) -> str:
        """The gateway says an order was paid. Only a callback signed by the gateway, for an order
        this system opened, for the ordered amount, is accepted; a replayed one changes nothing."""
        try:
            paid = self.gateway.confirm(payload, signature)
        except CallbackRefused as error:
            raise PaymentRejected(problem={"kk": error.message("kk"), "ru": error.message("ru")}) from error
        with self.uow() as uow:
            if uow.requests.get(paid.request_id) is None:
                raise PaymentRejected(problem={"kk": "өтініш табылмады", "ru": "заявление не найдено"})
            step = load(uow, self.catalog, self.seal, paid.request_id, lock=True)
            history = step.request.history
            if any(e.event == "pay" and e.details.get("reference") == paid.reference for e in history):
                return step.request.state  # a replay: already recorded, nothing to do
            ordered = [
                e
                for e in history
                if e.event == "order-payment" and e.details.get("reference") == paid.reference
            ]
            if not ordered:
                raise PaymentRejected(
                    problem={
                        "kk": "мұндай төлем өкімі ашылмаған",
                        "ru": "такое платёжное поручение не открывалось",
                    }
                )
            if str(ordered[-1].details.get("amount")) != paid.amount:
                raise PaymentRejected(
                    problem={"kk": "сомасы өкімдегіден өзге", "ru": "сумма отличается от поручения"}
                )
            step.apply(self.clock, "pay", SYSTEM, reference=paid.reference, amount=paid.amount)
            step.save()
            return step.request.state

    def record_receipt(self, user: User, request_id: str, receipt: str) -> str:
        """Assisted channels: the clerk or operator records the paper receipt."""
        number = " ".join(str(receipt).split()).upper()
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.apply(self.clock, "record-receipt", step.actor, receipt=number)
            paid = uow.receipts.claim(step.record.provider, number, request_id)
            if paid != request_id:
                raise PaymentRejected(
                    problem={
                        "kk": f"№ {number} түбіртек басқа өтінішті төлеуге берілген",
                        "ru": f"квитанция № {number} уже учтена по другому заявлению",
                    }
                )
            step.save()
            return step.request.state

    def refuse_unpaid(self, user: User, request_id: str) -> str:
        """Assisted channels: the clerk or operator records that the payment did not come."""
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.apply(self.clock, "refuse", step.actor, outcome="no-payment")
            step.save()
            return step.request.state

    def expire_unpaid(self, request_id: str) -> str:
        """The portal: the payment gateway reported no payment, so the system refuses the request (the
        installation's job, not a person's: on the portal only the system records this refusal)."""
        with self.uow() as uow:
            step = load(uow, self.catalog, self.seal, request_id, lock=True, outbox=self.outbox)
            step.apply(self.clock, "refuse", SYSTEM, outcome="no-payment")
            step.save()
            return step.request.state

    # -- signing ----------------------------------------------------------------------------------
    def payload(self, user: User, request_id: str) -> bytes:
        """The exact bytes the applicant signs: this request (id, service, action, channel, the moment
        it was opened) and its data, so a signature cannot be carried over to another request."""
        with self.uow(write=False) as uow:
            self._readable(uow, user, request_id)
            step = load(uow, self.catalog, self.seal, request_id)
            return signed_payload(step.request, step.record.data)

    def sign(self, user: User, request_id: str, signature: bytes | None = None) -> str:
        """Sign and, when the signature holds, register (number and deadline).

        On the portal the applicant signs; where the channel's steps have ``entrant-signature`` (seed
        003 item 8, seed 004 items 6-7) the clerk, officer or operator who entered the request signs
        it with their own key, checked exactly as an applicant's is, against their own IIN."""
        with self.uow() as uow:
            stored = access.current(uow, user)
            step = self._step(uow, user, request_id)
            actor = step.actor
            check = None
            if step.request.workflow.signed_with_key:
                step.check(self.clock, "sign", actor, signature_sha256="-")
                if not signature:
                    raise (
                        SignatureMissing() if step.request.channel == "portal" else EntrantSignatureMissing()
                    )
                if step.request.channel == "portal":
                    applicant = step.record.data["applicant"]
                    legal = applicant["kind"] == "legal"
                    iin = None if legal else applicant.get("iin")
                    bin = applicant.get("bin") if legal else None
                else:
                    if not stored.iin:  # nobody's key can be checked against a person without an IIN
                        raise NotAllowed(
                            login=stored.login,
                            what={
                                "kk": "қызметкердің ЖСН-і тіркелмеген, ЭЦҚ-сын тексеру мүмкін емес",
                                "ru": "ИИН сотрудника не зарегистрирован, его ЭЦП нельзя проверить",
                            },
                        )
                    iin, bin = stored.iin, None
                check = self.checker.check(
                    signed_payload(step.request, step.record.data), signature, iin=iin, bin=bin
                )  # checked at the real present moment: a certificate must be valid now
                if check.reason == "bad-signature":
                    raise SignatureNotForRequest(id=request_id)  # another request's bytes: nothing stored
                step.columns["signature_check"] = check.to_dict()
                signed = {"signature_sha256": hashlib.sha256(signature).hexdigest()}
                if step.request.channel != "portal":
                    signed["signed_by"] = user.login
                step.apply(self.clock, "sign", actor, **signed)
            else:
                step.check(self.clock, "sign", actor)
                step.apply(self.clock, "sign", actor, signed_by=user.login)
            if check is not None and not check.ok:
                step.apply(
                    self.clock, "refuse", SYSTEM, outcome="signature-not-confirmed", reason=check.reason
                )
            else:
                self._register(step)
            step.save()
            return step.request.state

    def _register(self, step: Step) -> None:
        service = service_of(self.catalog, step.request.service)
        today = self.clock.today()
        sequence = step.uow.counters.next_value(service.provider_code, today.year, REQUEST_SERIES)
        step.apply(
            self.clock, "register", SYSTEM, number=request_number(service.provider_code, today.year, sequence)
        )
        deadline = deadline_for(service, step.request.action, today, self.calendar)
        step.columns.update(registered_on=today, due_on=deadline.due)

    # -- deciding ---------------------------------------------------------------------------------
    def issue(self, user: User, request_id: str, decision: dict[str, Any] | None = None) -> str | None:
        """Review and issue every output of the action, from the clerk's ``decision`` (checked against
        the service's decision schema, every bad field named at once, before a number is taken): the
        document and, for a license with an annex, the annex, each rendered, signed and stored with
        its own number. The deciding history entry (sealed) records the decision and its digest and
        names both documents. A duplicate and a service whose document the request fully determines
        take no decision. For a service paid after review, the first call approves (the applicant
        pays; no decision needed yet) and returns None."""
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            clerk = step.actor
            self._into_review(step, clerk)
            service = service_of(self.catalog, step.request.service)
            if step.request.state == "in-review" and service.payment.when == "after-review":
                step.apply(self.clock, "approve", clerk)
                step.save()
                return None
            step.check(self.clock, "issue", clerk, document="-")
            checked = decisions.check(service, step.request.action, decision)
            previous = None
            if step.request.action in ("reissue", "duplicate"):
                named = step.record.data.get("license_number")
                previous = self._previous_license(uow, service, step.record.holder, named, lock=True)
            issued = self.issuer.issue_outputs(step, service, previous, checked)
            if checked:
                issued |= {"decision": checked, "decision_sha256": data_digest(checked)}
            step.apply(self.clock, "issue", clerk, **issued)
            step.save()
            return str(issued["document"])

    def refuse(
        self,
        user: User,
        request_id: str,
        grounds: list[str] | tuple[str, ...],
        explanation: dict[str, str] | None = None,
    ) -> str:
        """The reasoned refusal, as a signed document: the clerk cites one or more of the grounds the
        service's regulation names (``Service.refusal_grounds``, by code) and may explain them in
        both languages. The history records the codes (``grounds``; ``reason``, which the outcome
        requires, names them too) and the ``explanation``."""
        text = _reason(explanation) if explanation is not None else None
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            clerk = step.actor
            service = service_of(self.catalog, step.request.service)
            codes = _grounds(service, step.request.channel, grounds)
            details: dict[str, Any] = {"grounds": codes, "reason": ", ".join(codes)}
            if text is not None:
                details["explanation"] = text
            self._into_review(step, clerk)
            step.check(self.clock, "refuse", clerk, outcome="qualification-not-met", **details)
            issued = self.issuer.issue(
                step,
                service,
                "refusal",
                None,
                grounds=codes,
                explanation=text,
                registered_on=step.record.registered_on,
            )
            step.apply(self.clock, "refuse", clerk, outcome="qualification-not-met", **details, **issued)
            step.save()
            return issued["document"]

    def _into_review(self, step: Step, clerk: Any) -> None:
        if step.request.state == "registered":
            step.apply(self.clock, "start-review", clerk)

    # -- handing over -----------------------------------------------------------------------------
    def hand_over(self, user: User, request_id: str, method: str = "in-person") -> str:
        """The operator of the centre (or the local body's officer) where the request was filed records
        that they gave the result - the document, or the reasoned refusal - to the applicant, in person
        or by e-mail (seed 003 item 8.11, seed 004 items 6.11, 7.10). Only on the channels whose
        ``[steps]`` name ``hand-over``; each document is handed over once. Returns its number."""
        if method not in HAND_OVER_METHODS:
            raise InvalidData(
                kind="request",
                field="method",
                problem={
                    "kk": f"беру тәсілі: {', '.join(HAND_OVER_METHODS)}",
                    "ru": f"способ выдачи: {', '.join(HAND_OVER_METHODS)}",
                },
            )
        with self.uow() as uow:
            step = self._step(uow, user, request_id)
            step.check_note(self.clock, "hand-over", step.actor, document="-", method=method)
            decided = step.request.outcome.details.get("document") if step.request.outcome else None
            if not decided or uow.documents.by_number(str(decided)) is None:
                raise DocumentNotFound(number=str(decided or "—"))  # a refusal with no document to give
            number = str(decided)
            handed = [e.details.get("document") for e in step.request.history if e.event == "hand-over"]
            if number in handed:
                raise NotAllowed(
                    login=user.login,
                    what={
                        "kk": f"№ {number} құжат алушыға бұрын берілген",
                        "ru": f"документ № {number} уже выдан услугополучателю",
                    },
                )
            step.note(self.clock, "hand-over", step.actor, document=number, method=method)
            step.save()
            return number

    # -- plumbing ---------------------------------------------------------------------------------
    def _readable(self, uow: UnitOfWork, user: User, request_id: str) -> RequestRecord:
        return self._seen(uow, access.current(uow, user), request_id)

    @staticmethod
    def _seen(uow: UnitOfWork, stored: User, request_id: str) -> RequestRecord:
        """The request's row, once ``stored`` (the user as stored now) may read it."""
        record = uow.requests.get(request_id)
        if record is None:
            raise RequestNotFound(id=request_id)
        access.may_read(stored, record)
        return record

    def _step(self, uow: UnitOfWork, user: User, request_id: str) -> Step:
        """The request, locked for this unit of work, once ``user`` (as stored now) may act on it."""
        stored = access.current(uow, user)
        self._seen(uow, stored, request_id)
        step = load(uow, self.catalog, self.seal, request_id, lock=True, outbox=self.outbox)
        access.may_act(stored, step.record)
        step.actor = stored.actor()
        return step


def signed_payload(request: Request, data: dict[str, Any]) -> bytes:
    """What an applicant signs: canonical JSON (UTF-8, sorted keys, no spaces) of the request's
    identity and its data, so signer and checker agree byte for byte and the signature is bound to
    this one request."""
    return canonical_json(
        {
            "request": {
                "id": request.id,
                "service": request.service,
                "action": request.action,
                "channel": request.channel,
                "opened_at": request.opened_at.isoformat(),
            },
            "data": data,
        }
    )


def _grounds(service: Service, channel: str, grounds: Any) -> list[str]:
    """The cited ground codes, each one of the service's grounds for a request on ``channel`` (in the
    order given, once each); none, or any other, is refused naming the ones that may be cited."""
    valid = [ground.code for ground in service.refusal_grounds if ground.applies_to(channel)]
    known = ", ".join(valid) or "—"
    codes = [grounds] if isinstance(grounds, str) else list(grounds or ())
    if not codes:
        raise RefusalGroundMissing(service=service.code, known=known)
    chosen: list[str] = []
    for code in map(str, codes):
        if code not in valid:
            raise UnknownRefusalGround(service=service.code, ground=code, known=known)
        if code not in chosen:
            chosen.append(code)
    return chosen


def _reason(explanation: Any) -> dict[str, str]:
    """The clerk's explanation of the grounds, in Kazakh and in Russian: both, as text, or none."""
    if (
        not isinstance(explanation, dict)
        or set(explanation) != {"kk", "ru"}
        or not all(isinstance(v, str) and v.strip() for v in explanation.values())
    ):
        raise InvalidData(
            kind="refusal",
            field="explanation",
            problem={
                "kk": "түсініктеме қазақ және орыс тілдерінде мәтінмен жазылуы керек",
                "ru": "пояснение должно быть указано текстом на казахском и русском языках",
            },
        )
    cleaned = clean({"kk": explanation["kk"].strip(), "ru": explanation["ru"].strip()})
    bad = text_problems("explanation", cleaned)
    if bad:
        raise InvalidRequest(bad)
    return {"kk": str(cleaned["kk"]), "ru": str(cleaned["ru"])}
