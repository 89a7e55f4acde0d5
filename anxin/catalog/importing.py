"""Bulk order intake from CSV or JSONL files: read, validate, upsert each order in its own transaction.

Two formats (samples in ``docs/examples/orders.{csv,jsonl}``), both UTF-8 with or without a BOM:

JSONL
    One order per line, exactly the body of ``POST /api/v1/orders`` (``OrderIn``), plus an optional
    ``"delivery"`` object in the ``DeliveryIn`` shape. Streamed line by line.

CSV
    One order *line* per row, with a header row (names case-insensitive, any column order; see
    ``COLUMNS``). Rows of one order must be **consecutive**: they are grouped as they stream by, so
    memory stays flat whatever the file size (only the ids already seen are kept, to reject an order
    whose rows are split). Order-level cells (customer, dates, ``tenders`` ...) are read from the
    first row that fills them; later rows of the order may leave them blank or repeat them.
    ``tenders`` is ``method:amount`` pairs separated by ``;`` (``alipay:150.00;coupon:30.00``),
    ``confirmations`` is kinds separated by ``;``. The delivery columns record one parcel holding
    the whole order. Promotions and partial parcels need JSONL.

Every order goes through ``order_upsert`` (and ``delivery_record``) as an admin-level operator, so
amounts, categories and merchants are checked exactly as for the API, and re-running a file changes
nothing. A bad order is reported with its file line(s) and fields; it never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic import ValidationError as ShapeError
from tqdm import tqdm

from anxin.core.actors import Actor, Role
from anxin.core.errors import DomainError, ValidationFailed
from anxin.core.validation import localized_field_errors

from . import services
from .inputs import DeliveryIn, OrderIn
from .models import Merchant

Outcome = Literal["created", "updated", "unchanged"]
IMPORT_ACTOR = Actor(role=Role.ADMIN, platform=True, label="import_orders")

# fmt: off
# Order-level columns may be blank on every row of an order but the first; line-level ones not.
ORDER_COLUMNS = (
    "merchant", "customer_id", "customer_name", "customer_phone", "customer_address", "currency",
    "placed_at", "status", "shipping_fee", "tenders",
    "carrier", "tracking_number", "shipped_at", "signed_at",
)
LINE_COLUMNS = (
    "line_id", "sku", "product_name", "category", "quantity", "unit_price", "paid_amount",
    "is_gift", "gift_value", "gift_for", "confirmations",
)
COLUMNS = ("order_id", *ORDER_COLUMNS, *LINE_COLUMNS)
# The columns without a default in OrderIn/LineIn: a file without them cannot import anything.
REQUIRED_COLUMNS = (
    "order_id", "customer_id", "placed_at", "tenders",
    "line_id", "sku", "product_name", "category", "quantity", "unit_price", "paid_amount",
)
# fmt: on
DELIVERY_COLUMNS = ("carrier", "tracking_number", "shipped_at", "signed_at")
MONEY_COLUMNS = {"shipping_fee", "unit_price", "paid_amount", "gift_value"}
DATE_COLUMNS = {"placed_at", "shipped_at", "signed_at"}
CUSTOMER_COLUMNS = {
    "customer_id": "external_id",
    "customer_name": "name",
    "customer_phone": "phone",
    "customer_address": "address",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header): nothing was imported."""


@dataclass(frozen=True)
class Problem:
    """One reason an order was rejected: where in the file, which field, and why."""

    line: int
    field: str
    reason: str


@dataclass(frozen=True)
class Reject:
    order_id: str
    lines: tuple[int, ...]
    problems: tuple[Problem, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "lines": list(self.lines),
            "errors": [
                {"line": p.line, "field": p.field, "reason": p.reason} for p in self.problems
            ],
        }


@dataclass
class SourceOrder:
    """One order as read from the file, before any validation.

    ``locate`` maps a field path of ``OrderIn`` (``lines.1.quantity``, ``delivery.signed_at``) to the
    file line and the name the file uses for it (the CSV column, or the JSON path).
    """

    order_id: str
    lines: tuple[int, ...]
    last_line: int
    order: dict[str, Any] | None
    delivery: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    locate: Callable[[str], tuple[int, str]] | None = None

    def where(self, path: str) -> tuple[int, str]:
        return self.locate(path) if self.locate else (self.lines[0], path)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejects)


# --- reading files --------------------------------------------------------------------------------


def scan_utf8(path: Path) -> int:
    """Count the lines of a file while checking it is UTF-8, before anything is imported.

    Excel in China often saves CSV as GBK; failing on the first byte is better than half an import.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, tail = 0, b""
    with path.open("rb") as raw:
        while True:
            chunk = raw.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                at = lines + chunk[: exc.start].count(b"\n") + 1
                raise ImportFileError(
                    _("Line %(line)s is not UTF-8. Save the file as UTF-8 (Excel: “CSV UTF-8”).")
                    % {"line": at}
                ) from exc
            if not chunk:
                break
            lines += chunk.count(b"\n")
            tail = chunk[-1:]
    return lines + (1 if tail and tail != b"\n" else 0)


def _check_csv(path: Path) -> None:
    """Parse the whole file once, so a broken quote or a huge cell stops the run before it starts."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        try:
            for _row in reader:
                pass
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(line)s cannot be read as CSV: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from exc


def read_jsonl(stream: Iterable[str], *, merchant: str | None = None) -> Iterator[SourceOrder]:
    """Yield one order per non-blank line; a line that is not a JSON object is yielded as a problem."""
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        text = text.lstrip("\ufeff")
        source = SourceOrder(order_id="", lines=(number,), last_line=number, order=None)
        try:
            body = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            source.problems.append(
                Problem(
                    number,
                    "json",
                    _("Not valid JSON: %(error)s (column %(column)s).")
                    % {"error": exc.msg, "column": exc.colno},
                )
            )
            yield source
            continue
        if not isinstance(body, dict):
            source.problems.append(Problem(number, "json", _("Each line must be a JSON object.")))
            yield source
            continue
        source.order_id = str(body.get("external_id") or "")
        source.delivery = body.pop("delivery", None)
        if merchant and body.get("merchant") in (None, ""):
            body["merchant"] = merchant
        source.order = body
        yield source


def _header(row: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in row]
    if not any(names):
        raise ImportFileError(_("The first row must name the columns."))
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown column(s): %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise ImportFileError(
            _("Repeated column(s): %(names)s.") % {"names": ", ".join(duplicated)}
        )
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise ImportFileError(_("Missing column(s): %(names)s.") % {"names": ", ".join(missing)})
    return names


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    extra: bool = False  # a filled cell under no column name: reported, never dropped


def read_csv(stream: Iterable[str], *, merchant: str | None = None) -> Iterator[SourceOrder]:
    """Yield one order per run of consecutive rows with the same order id (and merchant)."""
    reader = csv.reader(stream)
    try:
        names = _header(next(reader))
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    first_seen: dict[tuple[str, str], int] = {}
    group: list[_Row] = []
    group_merchant = ""
    repeated_at: int | None = None
    end = group_end = reader.line_num
    for raw in reader:
        start, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        row = _Row(start, {n: c.strip() for n, c in zip(names, raw, strict=False) if n})
        row.extra = any(
            cell.strip() and (i >= len(names) or not names[i]) for i, cell in enumerate(raw)
        )
        order_id, row_merchant = row.cells.get("order_id", ""), row.cells.get("merchant", "")
        if group and (
            order_id != group[0].cells.get("order_id", "")
            or (row_merchant and group_merchant and row_merchant != group_merchant)
        ):
            yield _csv_order(group, merchant, repeated_at, last_line=group_end)
            group, group_merchant = [], ""
        if not group:
            key = (row_merchant or merchant or "", order_id)
            repeated_at = first_seen.get(key)
            first_seen.setdefault(key, start)
        group_merchant = group_merchant or row_merchant
        group.append(row)
        group_end = end
    if group:
        yield _csv_order(group, merchant, repeated_at, last_line=group_end)


def _csv_order(
    rows: list[_Row], merchant: str | None, repeated_at: int | None, *, last_line: int
) -> SourceOrder:
    first = rows[0]
    order_id = first.cells.get("order_id", "")
    source = SourceOrder(
        order_id=order_id,
        lines=tuple(r.line for r in rows),
        last_line=last_line,
        order=None,
    )
    problems = source.problems
    if repeated_at is not None:
        problems.append(
            Problem(
                first.line,
                "order_id",
                _(
                    "This order already appeared at line %(line)s; rows of one order must be "
                    "consecutive."
                )
                % {"line": repeated_at},
            )
        )
    for row in rows:
        if row.extra:
            problems.append(Problem(row.line, "row", _("This row has cells under no column name.")))
    # Order-level cells: the first filled one counts; a different value later is a mistake.
    values: dict[str, str] = {}
    origin: dict[str, int] = {}
    for row in rows:
        for name in ORDER_COLUMNS:
            value = row.cells.get(name, "")
            if not value:
                continue
            if name not in values:
                values[name], origin[name] = value, row.line
            elif value != values[name]:
                problems.append(
                    Problem(
                        row.line,
                        name,
                        _("Differs from line %(line)s of the same order (%(value)s).")
                        % {"line": origin[name], "value": values[name]},
                    )
                )
    if not values.get("merchant") and merchant:
        values["merchant"] = merchant
    order: dict[str, Any] = {"external_id": order_id} if order_id else {}
    customer = {
        attr: values[column] for column, attr in CUSTOMER_COLUMNS.items() if column in values
    }
    order["customer"] = customer
    for name in ("merchant", "currency", "placed_at", "status", "shipping_fee"):
        if name in values:
            order[name] = _cell(name, values[name])
    if "tenders" in values:
        tenders = _tenders(values["tenders"])
        if tenders is None:
            problems.append(
                Problem(
                    origin["tenders"],
                    "tenders",
                    _(
                        "Write tenders as method:amount separated by “;”, e.g. "
                        "alipay:150.00;coupon:30.00."
                    ),
                )
            )
        else:
            order["tenders"] = tenders
    order["lines"] = [_csv_line(row.cells) for row in rows]
    source.order = order
    if any(name in values for name in DELIVERY_COLUMNS):
        source.delivery = {n: _cell(n, values[n]) for n in DELIVERY_COLUMNS if n in values}
    row_lines = [r.line for r in rows]

    def locate(path: str) -> tuple[int, str]:
        parts = path.split(".")
        head = parts[0]
        if head == "lines" and len(parts) > 1 and parts[1].isdigit():
            i = int(parts[1])
            name = parts[2] if len(parts) > 2 else "line_id"
            line = row_lines[i] if i < len(row_lines) else first.line
            return line, "line_id" if name == "external_id" else name
        if head == "customer":
            attr = parts[1] if len(parts) > 1 else "external_id"
            column = next((c for c, a in CUSTOMER_COLUMNS.items() if a == attr), "customer_id")
        elif head == "delivery":
            column = parts[1] if len(parts) > 1 else "carrier"
        elif head == "external_id":
            column = "order_id"
        elif head == "lines":
            column = "line_id"
        else:
            column = head
        return origin.get(column, first.line), column

    source.locate = locate
    return source


def _csv_line(cells: dict[str, str]) -> dict[str, Any]:
    line: dict[str, Any] = {}
    for name in LINE_COLUMNS:
        value = cells.get(name, "")
        if not value:
            continue
        key = "external_id" if name == "line_id" else name
        if name == "confirmations":
            line[key] = [kind.strip() for kind in re.split(r"[;；]", value) if kind.strip()]
        elif name == "is_gift":
            line[key] = {"是": "true", "否": "false"}.get(value, value)
        else:
            line[key] = _cell(name, value)
    return line


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE = re.compile(r"^-?\d+\.0*$")
_SLASH_DATE = re.compile(
    r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def _money(value: str) -> str:
    value = value.lstrip("¥￥").strip()
    return value.replace(",", "") if _THOUSANDS.match(value) else value


def _cell(name: str, value: str) -> str:
    """Undo what spreadsheets do to numbers and dates (¥, 1,299.00, 2.0, 2026/11/20 9:05)."""
    if name in MONEY_COLUMNS:
        value = _money(value)
    elif name == "quantity" and _WHOLE.match(value):
        value = value.split(".")[0]
    elif name in DATE_COLUMNS and (m := _SLASH_DATE.match(value)):
        y, mo, d, h, mi, s = m.groups()
        value = f"{y}-{int(mo):02d}-{int(d):02d}"
        if h is not None:
            value += f"T{int(h):02d}:{mi}:{s or '00'}"
    return value


def _tenders(text: str) -> list[dict[str, str]] | None:
    tenders = []
    for part in re.split(r"[;；]", text):
        if not part.strip():
            continue
        method, sep, amount = part.replace("：", ":").partition(":")
        if not sep or not method.strip() or not amount.strip():
            return None
        tenders.append({"method": method.strip(), "amount": _money(amount.strip())})
    return tenders


# --- importing ------------------------------------------------------------------------------------


def _shape(model: type[BaseModel], body: object, prefix: str = "") -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate(body), {}
    except ShapeError as exc:
        errors = localized_field_errors([dict(e) for e in exc.errors()])
        # "body" is how the API names the object itself (e.g. a "delivery" that is not an object)
        return None, {
            (prefix.rstrip(".") or "json") if path == "body" else f"{prefix}{path}": reason
            for path, reason in errors.items()
        }


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _prefixed(exc: ValidationFailed, prefix: str) -> ValidationFailed:
    fields = {f"{prefix}{path}": reason for path, reason in exc.fields.items()}
    return ValidationFailed(exc.message, code=exc.code, fields=fields, data=exc.data)


def _domain_problems(exc: DomainError) -> dict[str, str]:
    fields = {path: str(reason) for path, reason in exc.fields.items()}
    missing = exc.data.get("missing")
    if missing and "lines" in fields:
        fields["lines"] += f" ({', '.join(map(str, missing))})"
    return fields or {"order": str(exc.message)}


def import_one(source: SourceOrder, *, actor: Actor = IMPORT_ACTOR) -> Outcome | Reject:
    """Validate and upsert one order (and its parcel) atomically: ``created``, ``updated``,
    ``unchanged``, or the reasons it was rejected."""
    fields: dict[str, str] = {}
    order_in = delivery_in = None
    if source.order is not None:
        order_in, fields = _shape(OrderIn, source.order)
        if source.delivery is not None:
            delivery_in, delivery_fields = _shape(DeliveryIn, source.delivery, "delivery.")
            fields.update(delivery_fields)
    if not source.problems and not fields and order_in is not None:
        try:
            with transaction.atomic():
                result = services.order_upsert(actor=actor, data=order_in)
                parcel_changed = False
                if delivery_in is not None:
                    try:
                        parcel = services.delivery_record(
                            actor=actor, order=result.order, data=delivery_in
                        )
                    except ValidationFailed as exc:
                        raise _prefixed(exc, "delivery.") from exc
                    parcel_changed = parcel.changed
        except DomainError as exc:
            fields = _domain_problems(exc)
        except (IntegrityError, DataError) as exc:
            fields = {"order": _("The database refused this order: %(error)s") % {"error": exc}}
        else:
            if result.created:
                return "created"
            return "updated" if result.changed or parcel_changed else "unchanged"
    problems = list(source.problems)
    for path, reason in fields.items():
        line, name = source.where(path)
        problems.append(Problem(line, name, reason))
    problems.sort(key=lambda p: p.line)
    return Reject(order_id=source.order_id, lines=source.lines, problems=tuple(problems))


def import_orders(
    sources: Iterable[SourceOrder],
    *,
    actor: Actor = IMPORT_ACTOR,
    dry_run: bool = False,
    on_progress: Callable[[SourceOrder, ImportReport], None] | None = None,
) -> ImportReport:
    """Import every order, each in its own transaction (a savepoint under ``dry_run``, where the
    whole run is rolled back at the end)."""
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic() if dry_run else nullcontext():
        for source in sources:
            outcome = import_one(source, actor=actor)
            if isinstance(outcome, Reject):
                report.rejects.append(outcome)
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
            if on_progress is not None:
                on_progress(source, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_file(
    path: Path,
    *,
    merchant: str | None = None,
    dry_run: bool = False,
    progress: TextIO | None = None,
) -> ImportReport:
    """Import a ``.csv`` or ``.jsonl`` file, with a progress bar on ``progress`` when it is a TTY."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise ImportFileError(_("Name the file .csv or .jsonl so its format is known."))
    if not path.is_file():
        raise ImportFileError(_("No such file: %(path)s") % {"path": path})
    if merchant and not Merchant.objects.filter(code=merchant).exists():
        raise ImportFileError(_("Unknown merchant: %(code)s") % {"code": merchant})
    total = scan_utf8(path)
    if suffix == ".csv":
        _check_csv(path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = read_csv if suffix == ".csv" else read_jsonl
        sources = reader(stream, merchant=merchant)
        with tqdm(total=total, unit="line", file=progress, disable=None, desc=path.name) as bar:

            def advance(source: SourceOrder, report: ImportReport) -> None:
                bar.update(max(source.last_line - bar.n, 0))
                bar.set_postfix(rejected=len(report.rejects), refresh=False)

            return import_orders(sources, dry_run=dry_run, on_progress=advance)


# --- reporting ------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def report_lines(report: ImportReport) -> list[str]:
    """The summary, then one table row per rejected field: line, order id, field, reason."""
    out = [
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.rejects)} (of {report.total} orders)"
    ]
    if report.dry_run:
        out.append("dry run: everything was rolled back, nothing was saved")
    if not report.rejects:
        return out
    rows = [("line", "order", "field", "reason")]
    for reject in report.rejects:
        for p in reject.problems:
            rows.append((str(p.line), reject.order_id or "-", p.field, p.reason))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    out.append("")
    out.extend(
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        for row in rows
    )
    return out


def rejects_write(rejects: Iterable[Reject], path: Path) -> int:
    """Write one JSON object per rejected order (id, file lines, errors) for fixing and re-running."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for reject in rejects:
            out.write(json.dumps(reject.as_json(), ensure_ascii=False) + "\n")
            count += 1
    return count
