"""The domain core imports only the standard library."""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "docgen" / "domain"


def test_domain_modules_import_only_the_standard_library_and_each_other() -> None:
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and not name.startswith("docgen.domain"):
                    offenders.append(f"{path.name}: {name}")
    assert DOMAIN.exists() and list(DOMAIN.rglob("*.py"))
    assert offenders == []
