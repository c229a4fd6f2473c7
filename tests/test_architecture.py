"""The package's layers, read from its imports.

Every module under ``docgen/`` is parsed (not imported). An import counts
wherever it is written, at module level or inside a function (a lazy import
is still a dependency); only imports under ``if TYPE_CHECKING:`` are left
out, since they never run. Relative imports are resolved to absolute names.

For the graph, each module belongs to its first-level unit: a package
(``docgen.domain``, ``docgen.rendering``, ...) or a top-level module
(``docgen.errors``, ``docgen.config``, ...). The flat ``cli.py`` and
``cli_*.py`` modules count as one unit, ``docgen.cli``, which they are
becoming.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "docgen"

#: The composition roots: they may import anything, and nothing imports them
#: except the two front ends, the CLI and the web app factory, which import bootstrap.
ROOTS = ("docgen.cli", "docgen.web", "docgen.bootstrap")
#: The front ends, each building the application once: the CLI, the web, and the batch workers
#: (``celery -A docgen.worker worker``, one application per worker process).
FRONT_ENDS_BUILDING = {
    ("docgen.cli", "docgen.bootstrap"),
    ("docgen.web", "docgen.bootstrap"),
    ("docgen.worker", "docgen.bootstrap"),
}
#: What services must not reach for: frameworks, drivers and the outer layers.
#: They depend on the domain, docgen.errors, docgen.documents' pure parts and their ports.
KEPT_OUT_OF_SERVICES = (
    "sqlalchemy",
    "weasyprint",
    "pyhanko",
    "pyhanko_certvalidator",
    "cryptography",
    "flask",
    "docgen.adapters",
    "docgen.rendering",
    "docgen.signing",
    "docgen.cli",
    "docgen.bootstrap",
)
#: Imports of a composition root from elsewhere that are known debts, each with
#: its reason. The test fails when one is no longer true, so this only shrinks.
KNOWN_ROOT_IMPORTS = {
    ("docgen.batch", "docgen.bootstrap"): (
        "the batch worker initializer builds its process's renderer with make_renderer; "
        "to go when run_batch is handed the factory by the CLI"
    ),
}


@dataclass(frozen=True, order=True)
class Import:
    """``module`` (in the file ``path``, at ``line``) imports ``target`` (an absolute name)."""

    path: str
    line: int
    module: str
    target: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.module}) imports {self.target}"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def unit(name: str) -> str:
    """``docgen.rendering.core`` -> ``docgen.rendering``; ``docgen.cli_signing`` -> ``docgen.cli``."""
    parts = name.split(".")
    if len(parts) == 1:
        return name
    return "docgen.cli" if parts[1].startswith("cli_") else ".".join(parts[:2])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement anywhere in ``tree``, except under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(source: str, path: str, module: str, is_package: bool, known: set[str]) -> list[Import]:
    """The imports of one module, resolved against the names of the package's modules (``known``)."""
    found = []
    for node in _import_nodes(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # ``from docgen import errors`` imports the module docgen.errors.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
        found.extend(Import(path, node.lineno, module, target) for target in dict.fromkeys(targets))
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in files}
    known = modules | {
        name.rsplit(".", depth)[0] for name in modules for depth in range(1, name.count(".") + 1)
    }
    found: list[Import] = []
    for path in files:
        found += imports_of(
            path.read_text(encoding="utf-8"),
            str(path.relative_to(ROOT)),
            module_name(path),
            path.name == "__init__.py",
            known,
        )
    assert found, f"no imports found under {PACKAGE}"
    return tuple(sorted(found))


def report(offenders: Iterable[Import]) -> str:
    return "\n".join(["", *(f"  {offender}" for offender in offenders)])


def test_the_reader_sees_lazy_and_relative_imports_but_not_type_checking_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "from ..rendering import core\n"
        "if TYPE_CHECKING:\n"
        "    import sqlalchemy\n"
        "else:\n"
        "    import json\n"
        "def f():\n"
        "    from docgen import errors, __version__\n"
    )
    known = {"docgen", "docgen.errors", "docgen.documents", "docgen.documents.b", "docgen.rendering.core"}
    found = imports_of(source, "a.py", "docgen.documents.a", False, known)
    assert sorted(item.target for item in found) == [
        "docgen",
        "docgen.documents.b",
        "docgen.errors",
        "docgen.rendering.core",
        "json",
        "typing",
    ]
    assert [unit(name) for name in ("docgen.cli_workflow", "docgen.cli.common", "docgen.errors")] == [
        "docgen.cli",
        "docgen.cli",
        "docgen.errors",
    ]


def test_domain_keeps_out_everything_but_the_standard_library() -> None:
    domain = [item for item in all_imports() if within(item.module, "docgen.domain")]
    offenders = [
        item for item in domain if not (is_stdlib(item.target) or within(item.target, "docgen.domain"))
    ]
    assert domain, "no imports found in docgen/domain"
    assert offenders == [], "docgen.domain imports only the standard library and itself:" + report(offenders)


def test_services_keep_out_frameworks_adapters_rendering_signing_and_the_cli() -> None:
    offenders = [
        item
        for item in all_imports()
        if within(item.module, "docgen.services") and within(item.target, *KEPT_OUT_OF_SERVICES)
    ]
    assert offenders == [], "docgen.services depends only on the domain, errors and ports:" + report(
        offenders
    )


def test_errors_keep_out_everything_but_the_domain() -> None:
    offenders = [
        item
        for item in all_imports()
        if item.module == "docgen.errors"
        and not (is_stdlib(item.target) or within(item.target, "docgen.domain"))
    ]
    assert offenders == [], "docgen.errors imports only the standard library and docgen.domain:" + report(
        offenders
    )


def test_composition_roots_are_kept_out_of_everything_but_the_cli() -> None:
    imports_of_roots = [
        item
        for item in all_imports()
        if unit(item.target) in ROOTS
        and unit(item.module) != unit(item.target)
        and (unit(item.module), unit(item.target)) not in FRONT_ENDS_BUILDING
    ]
    offenders = [item for item in imports_of_roots if (item.module, item.target) not in KNOWN_ROOT_IMPORTS]
    stale = set(KNOWN_ROOT_IMPORTS) - {(item.module, item.target) for item in imports_of_roots}
    assert offenders == [], (
        "only the front ends (docgen.cli, docgen.web) may import docgen.bootstrap:" + report(offenders)
    )
    assert not stale, f"no longer imported, remove from KNOWN_ROOT_IMPORTS: {sorted(stale)}"


def cycles(edges: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """Every cycle through some edge, each as a path ``[a, b, ..., a]``, shortest first."""

    def shortest_path(start: str, goal: str) -> list[str] | None:
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                path = [node]
                while (previous := came_from[path[-1]]) is not None:
                    path.append(previous)
                return path[::-1]
            for following in sorted(edges.get(node, {})):
                if following not in came_from:
                    came_from[following] = node
                    queue.append(following)
        return None

    found: dict[tuple[str, ...], list[str]] = {}
    for source in sorted(edges):
        for target in sorted(edges[source]):
            back = shortest_path(target, source)
            if back is not None:
                ring = [source, *back[:-1]]
                turn = ring.index(min(ring))
                ring = ring[turn:] + ring[:turn]
                found.setdefault(tuple(ring), [*ring, ring[0]])
    return sorted(found.values(), key=lambda path: (len(path), path))


def test_no_import_cycles_between_packages() -> None:
    edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for item in all_imports():
        source, target = unit(item.module), unit(item.target)
        if within(item.target, "docgen") and source != target:
            edges[source][target].append(item)
    found = cycles(edges)
    lines = []
    for path in found:
        lines.append(" -> ".join(path))
        lines += [f"    {item}" for a, b in pairwise(path) for item in edges[a][b]]
    assert found == [], "import cycles between docgen's packages and modules:\n" + "\n".join(lines)
