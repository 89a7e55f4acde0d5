"""The reason-code tree: who is at fault, quality or not, selectable by consumers; add and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from anxin.core.errors import DomainError
from anxin.policies.choices import Fault
from anxin.policies.models import Reason
from anxin.policies.services import reason_create, reason_update

from ..common import ADMINS, actor, audience
from .common import INVALID, name_of, page, posted, refused

TEXT_FIELDS = ("code", "parent", "name_zh", "name_en", "fault")
FLAGS = ("is_quality", "selectable")
BLANK = {"code": "", "parent": "", "name_zh": "", "name_en": "", "fault": "consumer",
         "is_quality": False, "selectable": True}  # fmt: skip


def _tree() -> list[dict[str, Any]]:
    """Reasons in code order, each with its depth and how many cases use it."""
    reasons = Reason.objects.annotate(cases_count=Count("cases")).order_by("code")
    return [{"reason": r, "name": name_of(r), "depth": r.code.count("/")} for r in reasons]


def _payload(request: HttpRequest) -> dict[str, Any]:
    data = posted(request, TEXT_FIELDS, booleans=FLAGS)
    for name in ("code", "name_zh", "name_en", "fault"):
        data[name] = data[name] or ""
    return data


def _form_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in data.items()}


def _context(form: dict[str, Any], errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "errors": errors,
        "faults": Fault.choices,
        "parents": Reason.objects.filter(parent__isnull=True).order_by("code"),
        **extra,
    }


@audience(ADMINS)
def reasons(request: HttpRequest) -> HttpResponse:
    form, errors, status = dict(BLANK), {}, 200
    if request.method == "POST":
        data = _payload(request)
        try:
            reason = reason_create(actor=actor(request), data=data)
        except DomainError as error:
            form, errors, status = _form_values(data), refused(request, error), INVALID
        else:
            messages.success(request, _("Reason %(code)s added.") % {"code": reason.code})
            return redirect("manage:reasons")
    context = _context(form, errors, tree=_tree())
    return page(request, "web/manage/reasons.html", context, nav="reasons", status=status)


@audience(ADMINS)
def reason_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reason = get_object_or_404(Reason.objects.select_related("parent"), pk=pk)
    form: dict[str, Any] = {
        "code": reason.code,
        "parent": reason.parent.code if reason.parent else "",
        "name_zh": reason.name_zh,
        "name_en": reason.name_en,
        "fault": reason.fault,
        "is_quality": reason.is_quality,
        "selectable": reason.selectable,
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        # Code and parent are fixed: the form shows them, the service keeps them.
        data = {**_payload(request), "code": form["code"], "parent": form["parent"] or None}
        try:
            reason_update(actor=actor(request), reason=reason, data=data)
        except DomainError as error:
            form, errors, status = _form_values(data), refused(request, error), INVALID
        else:
            messages.success(request, _("Reason %(code)s saved.") % {"code": reason.code})
            return redirect("manage:reasons")
    context = _context(form, errors, reason=reason)
    return page(request, "web/manage/reason_form.html", context, nav="reasons", status=status)
