"""Fail when code inside a function imports another Anxin app.

A function-level import between two apps is a dependency cycle in disguise: it runs only when the
function is called, so the module graph looks one-way while the apps need each other. The layers
contract in pyproject.toml (docs/decisions/0013-layers.md) says which app may import which; this
check keeps every import between apps at module level, where a reader and import-linter see it.

Tests, migrations and ``apps.py`` (whose ``ready()`` imports late by Django's design) are exempt.
Run from the repository root: ``python scripts/check_inner_imports.py``; exit status 1 on a hit.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "anxin"
EXEMPT_DIRS = frozenset({"tests", "migrations"})
EXEMPT_FILES = frozenset({"apps.py"})


def _imported_modules(node: ast.stmt, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == PACKAGE:
        yield from (f"{PACKAGE}.{alias.name}" for alias in node.names)  # from anxin import cases
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        yield node.module
    elif isinstance(node, ast.ImportFrom) and node.level > 0:
        # A relative import climbing out of the app ("from ...cases import x") names another app.
        parts = package.split(".")
        base = parts[: len(parts) - node.level + 1]
        yield ".".join([*base, node.module] if node.module else base)


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def inner_imports(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, imported module, enclosing function) of each import of another app in a function."""
    relative = path.relative_to(ROOT)
    app = relative.parts[1]
    package = ".".join(relative.with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
    seen: set[int] = set()  # a nested function's import is reported once, under the outer one
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in seen:
                continue
            for module in _imported_modules(node, package):
                other = _app_of(module)
                if other is not None and other != app:
                    seen.add(id(node))
                    yield node.lineno, module, function.name


def main() -> int:
    found = 0
    for path in sorted((ROOT / PACKAGE).glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if EXEMPT_DIRS.intersection(parts) or path.name in EXEMPT_FILES:
            continue
        for line, module, function in inner_imports(path):
            found += 1
            sys.stdout.write(
                f"{path.relative_to(ROOT)}:{line}: imports {module} inside {function}()\n"
            )
    if found:
        sys.stderr.write(
            f"{found} import(s) of another app inside a function: move them to module level "
            "(the layers contract in pyproject.toml must allow them) or invert the dependency.\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
