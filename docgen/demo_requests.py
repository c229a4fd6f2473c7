"""``docgen demo --requests``: demo requests carried through the workflow, as people would carry them.

Only the application's use cases are called (``app.requests``, ``app.queries``, ``app.users``), as
the demo users of :func:`docgen.demo.demo_users`, with real CMS signatures made with the demo PKI's
keys (``applicants/<IIN or BIN>.p12``, ``staff/<login>.p12``, password ``demo``) and payments through
the sandbox gateway, exactly as ``docgen request pay`` does. What it makes:

- every service's example request carried to ``issued`` on a channel whose signer the demo PKI has a
  key for, with the service's example decision (a license service issues the license and its annex),
  and every further action the service offers (reissue, duplicate, withdrawal);
- a reasoned refusal per service (so one per seed), citing the regulation's first ground valid on the
  channel, with an explanation in kk and ru;
- the archaeology license filed at the Astana centre by ``operator-astana`` (signed with the
  operator's own key) and handed over there; the foreign-media certificate filed at the Mangystau
  local body by its officer (originals checked, officer's key) and handed over there;
- requests left in earlier states - a draft, one submitted, one in the clerk's queue (registered),
  one approved and awaiting payment - so a clerk's queue and an applicant's list are not empty.

It is idempotent: when any demo request exists (:func:`demo_requests_exist`) nothing is made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.domain.users import User
from docgen.domain.workflow import Workflow
from docgen.errors import UnknownUser, UserDisabled

if TYPE_CHECKING:
    from docgen.bootstrap import Application

__all__ = [
    "DEMO_CHANNELS",
    "DemoRequest",
    "demo_requests_exist",
    "make_demo_requests",
]

#: The channel each service's demo requests are filed on, and who files them: the portal where the
#: demo PKI holds the applicant's key, else the provider's own clerk, the Astana centre's operator or
#: the local body's officer (who sign with their own key where the seed says so).
DEMO_CHANNELS: dict[str, tuple[str, str]] = {
    "telecom-license": ("portal", "120340001230"),
    "numbering-resource": ("portal", "120340001230"),
    "tv-radio-license": ("portal", "130540013570"),
    "radio-device-permit": ("portal", "880501300124"),
    "radio-spectrum-permit": ("provider", "clerk-mtc-communications-committee"),
    "cotton-warehouse-license": ("provider", "clerk-almaty-region-agriculture"),
    "archaeology-license": ("centre", "operator-astana"),
    "foreign-media-registration": ("local-body", "clerk-mangystau-internal-policy"),
}

#: The explanation a demo refusal adds to the grounds it cites.
REFUSAL_EXPLANATION = {
    "kk": "Өтінішке қоса берілген құжаттардағы мәліметтер мемлекеттік дерекқордағы "
    "мәліметтерге сәйкес келмейді.",
    "ru": "Сведения в приложенных к заявлению документах не соответствуют сведениям "
    "государственной базы данных.",
}

#: A one-page PDF to attach as an electronic document (the attachment step of the portal).
_ATTACHMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoRequest:
    """One demo request and where it ended."""

    label: str
    """What it shows: ``issue``, ``reissue``, ``refusal``, ``draft``, …"""
    service: str
    action: str
    channel: str
    filed_by: str
    id: str
    state: str = "draft"
    number: str | None = None
    """The request's registration number (once registered)."""
    documents: list[tuple[str, str]] = field(default_factory=list)
    """(kind, number) of every document issued on it."""
    handed_over: str | None = None
    """The document number handed over at the centre or local body."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "service": self.service,
            "action": self.action,
            "channel": self.channel,
            "filed_by": self.filed_by,
            "id": self.id,
            "state": self.state,
            "number": self.number,
            "documents": [{"kind": kind, "number": number} for kind, number in self.documents],
            "handed_over": self.handed_over,
        }


def demo_requests_exist(app: Application) -> bool:
    """True when any demo user already filed a request (``make_demo_requests`` then makes none)."""
    logins = {login for _, login in DEMO_CHANNELS.values()}
    for login in sorted(logins):
        user = _user(app, login)
        if user is not None and app.queries.mine(user):
            return True
    return False


def _user(app: Application, login: str) -> User | None:
    try:
        return app.users.acting_as(login)
    except (UnknownUser, UserDisabled):  # not a demo installation's user
        return None


@dataclass
class _Carrier:
    """Carries requests through the use cases as the demo users, signing with the PKI's keys."""

    app: Application
    pki: Path
    made: list[DemoRequest] = field(default_factory=list)
    progress: Callable[[DemoRequest], None] | None = None

    def user(self, login: str) -> User:
        return self.app.users.acting_as(login)

    def clerk(self, service: str) -> User:
        return self.user(f"clerk-{self.app.catalog.get(service).provider_code}")

    # -- the steps --------------------------------------------------------------------------------
    def file(self, label: str, service: str, action: str, **changes: Any) -> DemoRequest:
        channel, login = DEMO_CHANNELS[service]
        data = self.app.requests.intake_example(service) | changes
        request_id = self.app.requests.new(self.user(login), service, action, channel, data)
        return DemoRequest(label, service, action, channel, login, request_id)

    def attach_first(self, request: DemoRequest) -> None:
        """Attach a PDF as the service's first required electronic document (the portal's step)."""
        service = self.app.catalog.get(request.service)
        code = next((a.code for a in service.attachments if a.required), None)
        if code is not None:
            self.app.requests.attach(
                self.user(request.filed_by), request.id, code, f"{code}.pdf", _ATTACHMENT, "application/pdf"
            )

    def steps(self, request: DemoRequest) -> tuple[str, ...]:
        return Workflow.for_service(self.app.catalog.get(request.service), request.channel).steps

    def submit(self, request: DemoRequest) -> str:
        who = self.user(request.filed_by)
        if "check-originals" in self.steps(request):
            self.app.requests.check_originals(who, request.id)
        state = self.app.requests.submit(who, request.id)
        if state == "awaiting-payment":
            state = self.pay(request)
        return state

    def pay(self, request: DemoRequest) -> str:
        """The portal: the sandbox gateway pays the order (``docgen request pay``); an assisted channel:
        the paper receipt is recorded."""
        who = self.user(request.filed_by)
        if request.channel == "portal":
            from docgen.adapters.outside import SandboxGateway

            gateway = self.app.gateway
            if not isinstance(gateway, SandboxGateway):
                raise RuntimeError("demo requests are paid through the sandbox payment gateway only")
            order = self.app.requests.order_payment(who, request.id)
            payload, signature = gateway.pay(order)
            return self.app.requests.payment_callback(payload, signature)
        receipt = "DEMO-" + hashlib.sha256(request.id.encode()).hexdigest()[:10]
        return self.app.requests.record_receipt(who, request.id, receipt)

    def sign(self, request: DemoRequest) -> str:
        from docgen.signing.request_signature import sign_request

        who = self.user(request.filed_by)
        key: Path | None = None
        if request.channel == "portal":
            key = self.pki / "applicants" / f"{who.holder}.p12"
        elif "entrant-signature" in self.steps(request):
            key = self.pki / "staff" / f"{who.login}.p12"
        signature = None
        if key is not None:
            payload = self.app.requests.payload(who, request.id)
            signature = sign_request(payload, key.read_bytes(), b"demo")
        return self.app.requests.sign(who, request.id, signature)

    def registered(self, request: DemoRequest) -> DemoRequest:
        self.submit(request)
        state = self.sign(request)
        if state != "registered":
            raise RuntimeError(
                f"demo request {request.service}/{request.label} ended {state!r}, not registered"
            )
        return request

    def issue(self, request: DemoRequest) -> DemoRequest:
        clerk = self.clerk(request.service)
        decision = self.app.requests.decision_example(request.service, request.action) or None
        number = self.app.requests.issue(clerk, request.id, decision)
        if number is None:  # paid after review (radio spectrum): approved, the applicant pays now
            self.pay(request)
            number = self.app.requests.issue(clerk, request.id, decision)
        return request

    def refuse(self, request: DemoRequest) -> DemoRequest:
        service = self.app.catalog.get(request.service)
        ground = next(g for g in service.refusal_grounds if g.applies_to(request.channel))
        self.app.requests.refuse(self.clerk(request.service), request.id, [ground.code], REFUSAL_EXPLANATION)
        return request

    def hand_over(self, request: DemoRequest) -> DemoRequest:
        if "hand-over" in self.steps(request):
            request.handed_over = self.app.requests.hand_over(self.user(request.filed_by), request.id)
        return request

    def done(self, request: DemoRequest) -> DemoRequest:
        """Read back where the request ended, as the one who filed it sees it."""
        shown = self.app.queries.show(self.user(request.filed_by), request.id)
        request.state = str(shown["state"])
        request.number = shown.get("number")
        request.documents = [(str(d["kind"]), str(d["number"])) for d in shown["documents"]]
        self.made.append(request)
        if self.progress:
            self.progress(request)
        return request

    def first_document(self, request: DemoRequest) -> str:
        return request.documents[0][1]


def make_demo_requests(
    app: Application, pki: Path, progress: Callable[[DemoRequest], None] | None = None
) -> list[DemoRequest]:
    """Carry the demo requests through the workflow (see the module); ``[]`` when they exist already.

    Needs what ``docgen demo`` makes first: the schema, the state-database records, the demo PKI in
    ``pki`` and the demo users."""
    if demo_requests_exist(app):
        return []
    carrier = _Carrier(app, pki, progress=progress)
    for service in app.catalog:
        code = service.code
        actions = list(service.actions)
        first = carrier.file(actions[0], code, actions[0])
        if first.channel == "portal":
            carrier.attach_first(first)
        issued = carrier.done(carrier.hand_over(carrier.issue(carrier.registered(first))))
        license_number = carrier.first_document(issued)
        for action in actions[1:]:
            changes: dict[str, Any] = {}
            if action in ("reissue", "duplicate"):
                changes["license_number"] = license_number
            later = carrier.done(
                carrier.issue(carrier.registered(carrier.file(action, code, action, **changes)))
            )
            if action == "reissue":
                license_number = carrier.first_document(later)  # the original is replaced
        carrier.done(
            carrier.hand_over(carrier.refuse(carrier.registered(carrier.file("refusal", code, actions[0]))))
        )
    _earlier_states(carrier)
    return carrier.made


def _earlier_states(carrier: _Carrier) -> None:
    """Requests a clerk and an applicant find unfinished."""
    draft = carrier.file("draft", "telecom-license", "issue")
    carrier.done(draft)
    submitted = carrier.file("submitted", "numbering-resource", "allocate")
    carrier.submit(submitted)
    carrier.done(submitted)
    carrier.done(carrier.registered(carrier.file("registered", "tv-radio-license", "issue")))
    carrier.done(carrier.registered(carrier.file("registered", "cotton-warehouse-license", "issue")))
    approved = carrier.registered(carrier.file("approved", "radio-spectrum-permit", "issue"))
    carrier.app.requests.issue(
        carrier.clerk(approved.service),
        approved.id,
        carrier.app.requests.decision_example(approved.service, "issue"),
    )  # approved after review: the applicant's payment is awaited
    carrier.done(approved)
