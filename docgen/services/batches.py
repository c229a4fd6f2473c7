"""Batches: many documents made line by line, by any number of workers, each line exactly once.

A batch is recorded in the database when it is submitted (:meth:`BatchService.submit_render`,
:meth:`BatchService.submit_reissue`), every line with it; the broker only carries "make line N of
batch B". :meth:`BatchService.produce` is what a worker does with such a message, and it is safe to
call any number of times for the same line, from any machine:

1. it *claims* the line in one short transaction (a conditional update: of two workers handed the
   same line after a redelivery, one holds it; a claim older than the lease is taken over, its
   worker presumed dead);
2. it makes the line's document outside any transaction;
3. it records the result while it still holds the line.

A render line's number is reserved when the batch is submitted (``number``, a template over the
batch's own gapless sequence) and its file name is the line's, written atomically: a retry after a
crash writes the same file under the same number. A reissue line carries one request through the
workflow's own reissue path; the issuing step takes the new license's number in the same transaction
as its history entry, and the request's state says, on a retry, how far it got: an issued request is
never issued twice, whichever worker asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen.documents.intake import intake_schema
from docgen.documents.limits import load_json
from docgen.documents.validation import printable
from docgen.domain.catalog import Catalog
from docgen.domain.ports import Clock
from docgen.domain.users import User
from docgen.domain.workflow import Workflow
from docgen.errors import BatchNotFound, DocgenError, InvalidData, NotAllowed
from docgen.output import write_atomic
from docgen.services import access
from docgen.services.ports import BatchLine, BatchRecord, BatchRenderer, Signers, UnitOfWorkFactory
from docgen.services.requests import RequestService

__all__ = ["DEFAULT_LEASE_SECONDS", "BatchService", "BatchStatus", "file_name"]

#: How long a worker holds a line before another may take it over (its worker presumed dead). The
#: Celery app uses the same figure as the broker's visibility timeout (``DOCGEN_BATCH_LEASE``).
DEFAULT_LEASE_SECONDS = 3600

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

_NOT_AN_OBJECT = {
    "kk": "жолда бір JSON нысаны ({...}) болуы керек",
    "ru": "в строке должен быть один объект JSON ({...})",
}


@dataclass(frozen=True)
class BatchStatus:
    """Where a batch is: its record, the count of lines per status and the failed lines."""

    batch: BatchRecord
    counts: dict[str, int]
    failed: list[BatchLine] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return self.counts.get("done", 0) + self.counts.get("failed", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.batch.id,
            "kind": self.batch.kind,
            "params": self.batch.params,
            "created_by": self.batch.created_by,
            "created_at": self.batch.created_at.isoformat(),
            "total": self.batch.total,
            "counts": self.counts,
            "failed": [{"line": item.line, "reason": item.failure} for item in self.failed],
        }


def file_name(line: int, number: str | None, fmt: str) -> str:
    """The line's output file: its line number first (unique in the batch), then its number."""
    suffix = f"-{_SAFE.sub('_', number)[:60]}" if number else ""
    return f"{line:06d}{suffix}.{fmt}"


def _reason(error: BaseException) -> dict[str, str]:
    if isinstance(error, InvalidData):
        where = "" if error.field == "(root)" else f"«{error.field}»: "
        return {"kk": where + error.problem["kk"], "ru": where + error.problem["ru"]}
    if isinstance(error, DocgenError):
        return {"kk": printable(error.message("kk")), "ru": printable(error.message("ru"))}
    # a database library's message carries the statement's parameters (a line's personal data): its
    # type is said, not its text, which the worker's log keeps
    quiet = type(error).__module__.split(".")[0] in ("sqlalchemy", "psycopg", "sqlite3")
    detail = printable(type(error).__name__ if quiet else f"{type(error).__name__}: {error}")[:300]
    return {"kk": f"күтпеген қате: {detail}", "ru": f"непредвиденная ошибка: {detail}"}


@dataclass
class BatchService:
    """Submitting batches, making their lines, and telling how far they got."""

    uow: UnitOfWorkFactory
    catalog: Catalog
    clock: Clock
    renderer: BatchRenderer
    signers: Signers
    requests: RequestService
    lease_seconds: int = DEFAULT_LEASE_SECONDS

    # -- submitting ---------------------------------------------------------------------------------
    def submit_render(
        self,
        user: User,
        kind: str,
        lines: Iterable[tuple[int, bytes]],
        *,
        out: Path,
        lang: str = "kk",
        fmt: str = "pdf",
        service: str | None = None,
        sign: str | None = None,
        number: str | None = None,
    ) -> str:
        """Record a render batch of ``lines`` (numbered lines of a JSON Lines file) and return its id.

        Every line is checked now: a line that is not a JSON object or whose data does not fit the
        kind is recorded failed with its reason, and takes no number. With ``number`` (a template
        such as ``LIC-2026-{n:06d}``) the good lines get the numbers 1, 2, 3... of this batch in
        order, printed as the document's number: gapless, and kept by a line whatever happens to it.
        ``sign``: the provider whose key signs each PDF."""
        with self.uow(write=False) as uow:
            stored = access.current(uow, user)
        if sign is not None and not (
            stored.role == "admin" or (stored.role == "clerk" and stored.provider == sign)
        ):  # a provider's key signs what its own clerk (or an administrator) sends, no one else's data
            raise NotAllowed(
                login=user.login,
                what={"kk": f"{sign} кілтімен қол қою", "ru": f"подпись ключом {sign}"},
            )
        if number is not None:
            _check_template(number)
        if sign is not None:
            self.signers.official(sign)  # an unknown provider or missing key is refused now, once
        now = self.clock.now()
        batch_id = str(uuid.uuid4())
        records: list[BatchLine] = []
        sequence = 0
        for line, text in lines:
            item = BatchLine(batch_id=batch_id, line=line, payload=bytes(text))
            try:
                data = load_json(text, kind)
                if not isinstance(data, dict):
                    raise InvalidData(kind=kind, field="(root)", problem=_NOT_AN_OBJECT)
                if number is not None:
                    data["number"] = number.format(n=sequence + 1)
                self.renderer.check(kind, data, service)
            except Exception as error:  # the line's failure, never the batch's
                records.append(
                    BatchLine(
                        batch_id=batch_id,
                        line=line,
                        payload=item.payload[:4096],
                        status="failed",
                        failure=_reason(error),
                        finished_at=now,
                    )
                )
                continue
            if number is not None:
                sequence += 1
                item = BatchLine(batch_id=batch_id, line=line, payload=item.payload, number=data["number"])
            records.append(item)
        params = {
            "kind": kind,
            "lang": lang,
            "fmt": fmt,
            "out": str(out.resolve()),  # the same absolute folder on every machine, not each one's cwd
            "service": service,
            "sign": sign,
            "number": number,
        }
        batch = BatchRecord(batch_id, "render", params, user.login, now, len(records))
        with self.uow() as uow:
            if number is not None:  # after the numbers earlier batches of this template took
                taken = sum(
                    1
                    for earlier in uow.batches.all()
                    if earlier.kind == "render" and earlier.params.get("number") == number
                    for item in uow.batches.lines(earlier.id)
                    if item.number is not None
                )
                records = _renumbered(records, number, taken)
            uow.batches.add(batch, records)
            uow.commit()
        return batch_id

    def submit_reissue(self, user: User, provider: str, *, out: Path | None = None) -> str:
        """Record a bulk reissue: every active license of ``provider`` (after a change of its name or
        requisites), one line each, carried through the workflow's reissue as ``user`` (a clerk of
        the provider) when a worker makes it. ``out``: a folder to also write each new license's
        PDF to."""
        services = [s for s in self.catalog if s.provider_code == provider and "reissue" in s.actions]
        now = self.clock.now()
        batch_id = str(uuid.uuid4())
        licenses: list[str] = []
        with self.uow(write=False) as uow:
            stored = access.current(uow, user)
            if stored.role != "clerk" or stored.provider != provider:
                raise NotAllowed(
                    login=user.login,
                    what={
                        "kk": f"қайта ресімдеуді тек {provider} қызметкері бастай алады",
                        "ru": f"переоформление может начать только сотрудник {provider}",
                    },
                )
            codes = {s.code: s for s in services}
            for record in uow.requests.find(provider=provider):
                service = codes.get(record.service)
                if service is None:
                    continue
                for document in uow.documents.for_request(record.id):
                    if (
                        document.kind == service.outputs[0]
                        and document.status == "active"
                        and not document.duplicate
                    ):
                        licenses.append(document.number)
        records = [
            BatchLine(batch_id=batch_id, line=index, payload=number.encode())
            for index, number in enumerate(sorted(licenses), start=1)
        ]
        params = {"provider": provider, "out": str(out.resolve()) if out else None}
        self._add(BatchRecord(batch_id, "reissue", params, user.login, now, len(records)), records)
        return batch_id

    def _add(self, batch: BatchRecord, lines: list[BatchLine]) -> None:
        with self.uow() as uow:
            uow.batches.add(batch, lines)
            uow.commit()

    # -- making a line ------------------------------------------------------------------------------
    def produce(self, batch_id: str, line: int, worker: str) -> str:
        """Make line ``line`` of the batch as ``worker`` (any name unique to the process); returns the
        line's status afterwards, or ``held`` when another live worker holds it. Idempotent."""
        now = self.clock.now()
        with self.uow() as uow:
            batch = uow.batches.get(batch_id)
            if batch is None:
                raise BatchNotFound(id=batch_id)
            claimed = uow.batches.claim(batch_id, line, worker, now, self._stale_before(now))
            item = uow.batches.line(batch_id, line)
            uow.commit()
        if item is None:
            raise BatchNotFound(id=f"{batch_id}:{line}")
        if not claimed:
            return "held" if item.status == "running" else item.status
        columns: dict[str, Any]
        try:
            if batch.kind == "render":
                columns = {"status": "done", "result": self._render(batch, item)}
            else:
                result = self._reissue(batch, item, worker)
                columns = {"status": "done", "result": result, "number": result["document"]}
        except Exception as error:  # the line's failure, recorded with its reason
            columns = {"status": "failed", "failure": _reason(error)}
        with self.uow() as uow:
            held = uow.batches.update(batch_id, line, worker, finished_at=self.clock.now(), **columns)
            uow.commit()
        return str(columns["status"]) if held else "held"

    def _stale_before(self, now: dt.datetime) -> dt.datetime:
        return now - dt.timedelta(seconds=self.lease_seconds)

    def _render(self, batch: BatchRecord, item: BatchLine) -> dict[str, Any]:
        params = batch.params
        if params.get("number") and item.number is None:  # failed its check when submitted
            raise InvalidData(kind=params["kind"], field="(root)", problem=_UNNUMBERED)
        data = load_json(item.payload, params["kind"])
        if item.number is not None:
            data["number"] = item.number
        content = self.renderer.render(params["kind"], data, params["lang"], params["fmt"], params["service"])
        if params.get("sign") and params["fmt"] == "pdf":
            content = self.signers.sign(params["sign"], content)
        number = item.number or (str(data["number"]) if data.get("number") else None)
        name = file_name(item.line, number, params["fmt"])
        write_atomic(_folder(batch) / name, content)
        return {"file": name, "sha256": hashlib.sha256(content).hexdigest()}

    def _reissue(self, batch: BatchRecord, item: BatchLine, worker: str) -> dict[str, Any]:
        """Carry the line's license through the workflow's reissue, from wherever a previous attempt
        left its request: open it (once: its id is recorded on the line), submit, pay by the
        batch's receipt where the channel takes a paper one, sign, issue."""
        clerk = _acting(self.requests, batch.created_by)
        number = item.payload.decode()
        request_id = item.request_id
        if request_id is None:
            request_id = self._open_reissue(clerk, number)
            with self.uow() as uow:
                if not uow.batches.update(batch.id, item.line, worker, request_id=request_id):
                    raise NotAllowed(
                        login=worker,
                        what={"kk": "жолды басқа өңдеуші алды", "ru": "строку взял другой обработчик"},
                    )
                uow.commit()
        steps = {
            "draft": lambda: self.requests.submit(clerk, request_id),
            "awaiting-payment": lambda: self.requests.record_receipt(
                clerk, request_id, f"BATCH-{batch.id[:8]}-{item.line}"
            ),
            "registered": lambda: self.requests.issue(clerk, request_id, self._decision(number)),
            "in-review": lambda: self.requests.issue(clerk, request_id, self._decision(number)),
            "approved": lambda: self.requests.issue(clerk, request_id, self._decision(number)),
        }
        for _ in range(10):
            state = self._state(request_id)
            if state == "issued":
                return self._issued(batch, item, request_id, number)
            if state == "refused":
                raise NotAllowed(
                    login=clerk.login,
                    what={"kk": "қайта ресімдеуден бас тартылды", "ru": "в переоформлении отказано"},
                )
            action: Callable[[], Any] | None = steps.get(state)
            if action is None:  # paid, confirmed: the next step is the entrant's signature
                action = lambda: self.requests.sign(clerk, request_id, None)  # noqa: E731
            action()
        raise NotAllowed(login=clerk.login, what={"kk": f"күйі: {state}", "ru": f"состояние: {state}"})

    def _open_reissue(self, clerk: User, number: str) -> str:
        """The reissue request of license ``number``: the one this clerk already opened and left
        open (a worker died after opening it and before recording it on the line), else a new one,
        so a retry leaves no orphan draft in the clerk's queue."""
        with self.uow(write=False) as uow:
            license = uow.documents.by_number(number)
            if license is None:
                raise BatchNotFound(id=number)
            original = uow.requests.get(license.request_id)
            assert original is not None
            opened = next(
                (
                    record.id
                    for record in uow.requests.find(
                        filed_by=clerk.login, provider=original.provider, open_only=True
                    )
                    if record.action == "reissue" and record.data.get("license_number") == number
                ),
                None,
            )
        if opened is not None:
            return opened
        service = self.catalog.get(original.service)
        allowed = set(intake_schema(service)["properties"])
        data = {key: value for key, value in original.data.items() if key in allowed}
        data["attachments"] = [
            {key: value for key, value in entry.items() if key in ("code", "form", "pages")}
            for entry in original.data.get("attachments") or []
            if entry.get("form") == "paper"
        ]
        data["license_number"] = number
        channel = "provider" if "provider" in service.channels else service.channels[0]
        if "entrant-signature" in Workflow.for_service(service, channel).steps:
            raise NotAllowed(
                login=clerk.login,
                what={
                    "kk": f"{channel} арнасында өтінішке қызметкердің ЭЦҚ-сы қажет",
                    "ru": f"на канале {channel} заявление подписывается ЭЦП сотрудника",
                },
            )
        return self.requests.new(clerk, service.code, "reissue", channel, data)

    def _decision(self, number: str) -> dict[str, Any] | None:
        """The decision the license being replaced was issued under (the sub-types, conditions and
        objects stay what they were: a change of the provider's name or requisites changes none of
        them), as far as the reissue's decision schema takes it; ``None`` where it takes none."""
        with self.uow(write=False) as uow:
            license = uow.documents.by_number(number)
            if license is None:
                raise BatchNotFound(id=number)
            history = uow.requests.history(license.request_id)
        service = self.catalog.get(license.service)
        schema = self.requests.decision_schema(service.code, "reissue")
        allowed = set(schema.get("properties") or {})
        if not allowed:
            return None
        issued = next(
            (e for e in history if e.event == "issue" and e.details.get("document") == number),
            None,
        )
        previous = (issued.details.get("decision") if issued else None) or {}
        return {key: value for key, value in previous.items() if key in allowed} or None

    def _state(self, request_id: str) -> str:
        with self.uow(write=False) as uow:
            record = uow.requests.get(request_id)
            return "missing" if record is None else record.state

    def _issued(self, batch: BatchRecord, item: BatchLine, request_id: str, replaced: str) -> dict[str, Any]:
        """What the line records of its issued request (found again on a retry, never made again)."""
        with self.uow(write=False) as uow:
            documents = uow.documents.for_request(request_id)
        issued = next(d for d in documents if d.kind not in ("license-annex", "refusal"))
        result = {
            "request": request_id,
            "document": issued.number,
            "replaces": replaced,
            "sha256": issued.sha256,
        }
        if batch.params.get("out"):
            name = file_name(item.line, issued.number, "pdf")
            write_atomic(_folder(batch) / name, issued.pdf)
            result["file"] = name
        return result

    # -- telling how far it got ---------------------------------------------------------------------
    def status(self, user: User, batch_id: str) -> BatchStatus:
        """How far the batch got, for whoever may see it (:meth:`_may_see`)."""
        with self.uow(write=False) as uow:
            batch = self._visible(uow, user, batch_id)
            return BatchStatus(batch, uow.batches.counts(batch_id), uow.batches.lines(batch_id, ("failed",)))

    def all(self, user: User) -> list[BatchStatus]:
        """The batches ``user`` may see, newest first."""
        with self.uow(write=False) as uow:
            stored = access.current(uow, user)
            return [
                BatchStatus(b, uow.batches.counts(b.id)) for b in uow.batches.all() if _may_see(stored, b)
            ]

    def pending(self, batch_id: str) -> list[int]:
        """The lines still to send to the workers (just after submitting: every good line)."""
        with self.uow(write=False) as uow:
            if uow.batches.get(batch_id) is None:
                raise BatchNotFound(id=batch_id)
            return [item.line for item in uow.batches.lines(batch_id, ("pending",))]

    def resume(self, user: User, batch_id: str, *, failed: bool = False) -> list[int]:
        """Put back to pending the lines a dead worker held past the lease (and, with ``failed``, the
        failed lines, under the numbers they had); returns every pending line, to send again. For
        whoever may see the batch."""
        with self.uow() as uow:
            self._visible(uow, user, batch_id)
            uow.batches.requeue(batch_id, ("failed",) if failed else (), self._stale_before(self.clock.now()))
            uow.commit()
        return self.pending(batch_id)

    @staticmethod
    def _visible(uow: Any, user: User, batch_id: str) -> BatchRecord:
        """The batch, if ``user`` may see it; another's batch is as unknown as a missing one (its
        settings, creator and failure reasons are not told)."""
        stored = access.current(uow, user)
        batch = uow.batches.get(batch_id)
        if batch is None or not _may_see(stored, batch):
            raise BatchNotFound(id=batch_id)
        return batch  # type: ignore[no-any-return]


def _may_see(user: User, batch: BatchRecord) -> bool:
    """An administrator sees every batch, anyone their own, a clerk their provider's (signed with its
    key, or its bulk reissue)."""
    if user.role == "admin" or batch.created_by == user.login:
        return True
    provider = batch.params.get("sign") or batch.params.get("provider")
    return user.role == "clerk" and provider is not None and provider == user.provider


def _check_template(template: str) -> None:
    first, detail = "", ""
    if len(template) <= _MAX_NUMBER:
        try:
            first = template.format(n=1)
        except Exception as error:  # KeyError, AttributeError ({n.x}), ValueError, ...: all the user's
            detail = printable(str(error))[:100]
    if not first or len(first) > _MAX_NUMBER or first == template.format(n=2):
        raise InvalidData(
            kind="batch",
            field="--number",
            problem={
                "kk": f"нөмір үлгісінде {{n}} болуы керек, мысалы LIC-2026-{{n:06d}} {detail}".strip(),
                "ru": f"в шаблоне номера должно быть {{n}}, например LIC-2026-{{n:06d}} {detail}".strip(),
            },
        )


def _acting(requests: RequestService, login: str) -> User:
    with requests.uow(write=False) as uow:
        user = uow.users.get(login)
    if user is None:
        raise NotAllowed(login=login, what={"kk": "пайдаланушы жоқ", "ru": "пользователь не найден"})
    return user


#: The longest document number a template may make (and the longest template).
_MAX_NUMBER = 64

_UNNUMBERED = {
    "kk": "жол жіберілгенде тексеруден өтпеді, нөмір алған жоқ: оны жаңа топтамада жіберіңіз",
    "ru": "строка не прошла проверку при отправке и не получила номера: отправьте её в новом пакете",
}


def _folder(batch: BatchRecord) -> Path:
    """Where a batch writes its files: a folder of its own under ``--out``, so a later batch into the
    same folder cannot replace them."""
    return Path(batch.params["out"]) / batch.id


def _renumbered(records: list[BatchLine], template: str, taken: int) -> list[BatchLine]:
    """The numbered lines' numbers 1, 2, 3... moved past the ``taken`` ones earlier batches of the
    same template hold: one series per template, gapless across batches."""
    sequence = taken
    renumbered = []
    for item in records:
        if item.number is not None:
            sequence += 1
            item = replace(item, number=template.format(n=sequence))
        renumbered.append(item)
    return renumbered
