"""The read layer cannot bypass scoping by accident: in selectors, stats, the API and the web views,
a model that declares a ``scope`` is read with ``objects.for_actor(actor)`` or, on purpose, with
``Model.unscoped`` — never with a bare ``Model.objects`` read (docs/decisions/0011-scoping.md)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from anxin.core.scoping import Scope

ROOT = Path(__file__).resolve().parents[2]
READ_LAYER = re.compile(r"/(selectors|stats|board|queues|lookup)\.py$|/api/|/views/")


def _scoped_models() -> list[str]:
    return sorted(
        model.__name__
        for model in apps.get_models()
        if isinstance(getattr(model, "scope", None), Scope)
    )


def _read_layer_files() -> list[Path]:
    return [
        path
        for path in ROOT.glob("*/**/*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and READ_LAYER.search(path.as_posix())
    ]


def test_the_read_layer_reads_scoped_models_only_through_for_actor_or_unscoped() -> None:
    # given every model with a scope declaration
    names = _scoped_models()
    assert {"Case", "Order", "Ticket", "Notification"} <= set(names)
    # (a manager chained on the next line counts too)
    bare = re.compile(rf"\b({'|'.join(names)})\.objects(\.(?!for_actor\b)|\s*$)")
    # when the read-layer modules are scanned
    found = [
        f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}"
        for path in _read_layer_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    # then none reads one of them with a bare manager
    assert not found, "use Model.objects.for_actor(actor) or Model.unscoped:\n" + "\n".join(found)


def test_the_scan_sees_the_read_layer() -> None:
    files = {p.as_posix() for p in _read_layer_files()}
    assert any(f.endswith("anxin/cases/selectors.py") for f in files)
    assert any("/web/views/" in f for f in files)
    assert any("/api/" in f for f in files)
