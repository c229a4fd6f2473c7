"""Many documents of one kind from a JSON Lines file, in worker processes.

Each line is one document's data. Every line is rendered on its own: a bad
line — not UTF-8, too large or too deep, not JSON, not an object, data the
document refuses, or anything else going wrong with it — is recorded with its
line number and reason, and the others go on; the run always ends with its
summary. Lines are read as bytes and each is decoded and parsed by
:func:`~docgen.documents.limits.load_json`, so one line cannot stop the
reading of the rest. Workers build
their renderer once (fonts, stylesheet, templates) and reuse it, and write
their files themselves so no PDF bytes cross process boundaries.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from docgen.config import RenderSettings
from docgen.documents.limits import MAX_BYTES, load_json
from docgen.documents.validation import printable
from docgen.errors import DocgenError, InvalidData
from docgen.output import write_atomic

__all__ = ["BatchJob", "BatchResult", "LineFailure", "run_batch"]

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BatchJob:
    """What to render: one kind, one language, one format, into ``out_dir``."""

    kind: str
    lang: str
    fmt: str
    out_dir: Path
    service: str | None = None


@dataclass(frozen=True)
class LineFailure:
    line: int
    message: str


@dataclass
class BatchResult:
    total: int = 0
    rendered: int = 0
    seconds: float = 0.0
    failures: list[LineFailure] = field(default_factory=list)

    def summary(self, lang: str = "ru") -> str:
        """The closing report: how many, how long, which lines failed and why."""
        rate = self.rendered / self.seconds if self.seconds else 0.0
        if lang == "kk":
            head = (
                f"{self.total} құжаттың {self.rendered} жасалды, {self.seconds:.1f} с "
                f"(секундына {rate:.1f}); қате: {len(self.failures)}"
            )
            lines = [f"  {item.line}-жол: {item.message}" for item in self.failures]
        else:
            head = (
                f"сформировано {self.rendered} из {self.total} документов за {self.seconds:.1f} с "
                f"({rate:.1f} в секунду); ошибок: {len(self.failures)}"
            )
            lines = [f"  строка {item.line}: {item.message}" for item in self.failures]
        return "\n".join([head, *lines])


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines of a JSON Lines file (1-based, as editors count), as bytes: each is
    decoded on its own. A line over :data:`MAX_BYTES` is given cut short (and refused as too
    large), the rest of it skipped, so no line is ever held whole in memory however long it is."""
    with path.open("rb") as stream:
        number = 0
        while chunk := stream.readline(MAX_BYTES + 2):
            number += 1
            if not chunk.endswith(b"\n"):
                while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
            if chunk.strip():
                yield number, chunk.removesuffix(b"\n").removesuffix(b"\r")


_renderer = None


def _init_worker(settings: RenderSettings) -> None:
    global _renderer
    from docgen.bootstrap import make_renderer

    _renderer = make_renderer(settings)
    _renderer.pdf  # noqa: B018 - build fonts and stylesheet once, before the first line


def _file_name(line: int, data: object, fmt: str) -> str:
    number = data.get("number") if isinstance(data, dict) else None
    suffix = f"-{_SAFE.sub('_', str(number))[:60]}" if number else ""
    return f"{line:06d}{suffix}.{fmt}"


_NOT_AN_OBJECT = {
    "kk": "жолда бір JSON нысаны ({...}) болуы керек",
    "ru": "в строке должен быть один объект JSON ({...})",
}


def render_line(job: BatchJob, line: int, text: bytes | str) -> tuple[int, str | None]:
    """Render one line; return ``(line, None)`` or ``(line, error message)``. Never raises: whatever
    goes wrong with a line is that line's failure, and the batch goes on."""
    assert _renderer is not None
    lang = "kk" if job.lang.split("+")[0] == "kk" else "ru"
    try:
        try:
            data = load_json(text, job.kind)
        except InvalidData as error:
            where = "" if error.field == "(root)" else f"«{error.field}»: "
            return line, where + error.problem[lang]
        if not isinstance(data, dict):
            return line, _NOT_AN_OBJECT[lang]
        content = _renderer.render(job.kind, data, job.lang, job.fmt, job.service)
        write_atomic(job.out_dir / _file_name(line, data, job.fmt), content)
        return line, None
    except DocgenError as error:
        return line, printable(error.message(lang))
    except Exception as error:  # a bug shown on its line, never a run stopped with a traceback
        return line, _unexpected(error, lang)


def _unexpected(error: BaseException, lang: str) -> str:
    detail = printable(f"{type(error).__name__}: {error}")[:300]
    return f"күтпеген қате: {detail}" if lang == "kk" else f"непредвиденная ошибка: {detail}"


def run_batch(
    settings: RenderSettings,
    job: BatchJob,
    source: Path,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Render every line of ``source``; ``progress(n)`` is called as lines finish."""
    result = BatchResult()
    lines = list(read_lines(source))
    result.total = len(lines)
    started = time.perf_counter()
    job.out_dir.mkdir(parents=True, exist_ok=True)

    def record(line: int, error: str | None) -> None:
        if error is None:
            result.rendered += 1
        else:
            result.failures.append(LineFailure(line, error))
        if progress:
            progress(1)

    if workers <= 1:
        _init_worker(settings)
        for line, text in lines:
            record(*render_line(job, line, text))
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings,)) as pool:
            futures = {pool.submit(render_line, job, line, text): line for line, text in lines}
            for future in as_completed(futures):
                try:
                    record(*future.result())
                except BrokenProcessPool:
                    died = {"kk": "жұмыс процесі тоқтап қалды", "ru": "рабочий процесс аварийно завершился"}
                    record(futures[future], died["kk" if job.lang.startswith("kk") else "ru"])
                except Exception as error:  # the line could not reach its worker, or come back
                    record(futures[future], _unexpected(error, job.lang.split("+")[0]))
    result.failures.sort(key=lambda item: item.line)
    result.seconds = time.perf_counter() - started
    return result
