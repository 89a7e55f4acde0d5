"""Bulk approve from the queue: each ticked case is approved on its own, through the same service
as a single approval, so one refusal never blocks the others; the page reports both lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.cases.selectors import case_get_for
from anxin.cases.services import case_act
from anxin.core.actors import Actor
from anxin.core.errors import DomainError, NotFound

from ..common import MERCHANTS, actor, audience
from .queue import filter_query, render_queue

MAX_BULK = 200  # four pages of the queue; more than that is a mistake, not a decision
MAX_LISTED = 10  # failures named one by one in the flashed messages


@dataclass(frozen=True)
class BulkResult:
    approved: list[str]
    failed: list[tuple[str, str]]  # (case number, why)


def _parse(value: str) -> tuple[str, int | None]:
    """``AS2026…:3`` → (number, version the page showed); the version is optional."""
    number, _sep, version = value.partition(":")
    return number.strip(), int(version) if version.isascii() and version.isdigit() else None


def _error_text(error: DomainError) -> str:
    details = "; ".join(str(text) for text in error.fields.values())
    return f"{error.message} {details}".strip() if details else str(error.message)


def bulk_approve_cases(*, viewer: Actor, values: list[str], return_address: str) -> BulkResult:
    approved: list[str] = []
    failed: list[tuple[str, str]] = []
    for value in values:
        number, version = _parse(value)
        payload: dict[str, object] = {}
        if return_address:
            payload["return_address"] = return_address
        if version is not None:
            payload["version"] = version
        try:
            case = case_get_for(actor=viewer, number=number)
            case_act(actor=viewer, case=case, action="approve", payload=payload)
        except NotFound:
            failed.append((number, str(_("No such case."))))
        except DomainError as error:
            failed.append((number, _error_text(error)))
        else:
            approved.append(number)
    return BulkResult(approved=approved, failed=failed)


@require_POST
@audience(MERCHANTS)
def bulk_approve(request: HttpRequest) -> HttpResponse:
    query = filter_query(QueryDict(request.POST.get("query", "")))
    values = list(dict.fromkeys(v for v in request.POST.getlist("cases") if v.strip()))
    if not values or len(values) > MAX_BULK:
        text = (
            _("Tick the cases to approve first.")
            if not values
            else _("At most %(n)s cases at once.") % {"n": MAX_BULK}
        )
        messages.error(request, text)
        return render_queue(
            request, QueryDict(query), status=400, extra={"errors": {"cases": text}}
        )
    result = bulk_approve_cases(
        viewer=actor(request),
        values=values,
        return_address=request.POST.get("return_address", "").strip(),
    )
    if result.approved:
        messages.success(
            request,
            _("Approved %(n)s of %(total)s cases: %(numbers)s.")
            % {
                "n": len(result.approved),
                "total": len(values),
                "numbers": ", ".join(result.approved),
            },
        )
    for number, why in result.failed[:MAX_LISTED]:
        messages.error(
            request, _("Not approved: %(number)s — %(why)s") % {"number": number, "why": why}
        )
    if len(result.failed) > MAX_LISTED:
        messages.error(
            request,
            _("%(n)s more cases were not approved.") % {"n": len(result.failed) - MAX_LISTED},
        )
    url = reverse("merchant:queue")
    return redirect(f"{url}?{query}" if query else url)
