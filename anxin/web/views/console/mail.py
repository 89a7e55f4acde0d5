"""Console: inbound e-mail — what came in and what became of it, quarantined mail first.

Agents are platform staff: they see the sender's address. A quarantined mail can be released as a
new ticket (an address is asked for when it has no usable sender) or discarded with a note.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError
from anxin.tickets.choices import MailStatus
from anxin.tickets.mail.inbound import is_discarded, mail_discard, mail_release
from anxin.tickets.mail.parse import MailProblem, mail_parse, parse_headers, sender_of
from anxin.tickets.models import InboundMail

from ..common import PLATFORM_STAFF, actor, audience, flash_error
from .home import page

PAGE_SIZE = 50
PREVIEW_CHARS = 20000


def _get(mail_id: int) -> InboundMail:
    mail = InboundMail.objects.select_related("ticket").filter(pk=mail_id).first()
    if mail is None:
        raise Http404
    return mail


@audience(PLATFORM_STAFF)
def mail_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in MailStatus.values:
        status = ""
    mails = (
        InboundMail.objects.defer("raw")
        .select_related("ticket")
        .annotate(
            first=Case(
                When(status=MailStatus.QUARANTINED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("first", "-received_at", "-pk")
    )
    if status:
        mails = mails.filter(status=status)
    page_obj = Paginator(mails, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(m, is_discarded(m)) for m in page_obj.object_list]
    return page(
        request,
        "web/console/mail/list.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "status": status,
            "statuses": [("", _("All")), *MailStatus.choices],
        },
        nav="mail",
    )


def _detail_context(mail: InboundMail) -> dict[str, Any]:
    raw = bytes(mail.raw)
    message = parse_headers(raw)
    headers: list[tuple[str, str]] = []
    for name in message:
        try:
            value = str(message.get(name, ""))
        except Exception:  # an undecodable header: show it as stored
            value = "?"
        headers.append((name, value[:2000]))
    sender, sender_name = sender_of(message)
    try:
        parsed = mail_parse(raw, lenient=True)
        text, attachments = parsed.full_text, parsed.attachments
    except MailProblem:
        text, attachments = "", []
    except Exception:  # a mail too broken to read at all: its raw text is the preview
        text, attachments = raw.decode("utf-8", errors="replace"), []
    return {
        "mail": mail,
        "headers": headers,
        "sender": sender,
        "sender_name": sender_name,
        "text": (text or raw.decode("utf-8", errors="replace"))[:PREVIEW_CHARS],
        "attachments": [(a.name, a.content_type, len(a.content)) for a in attachments],
        "size": len(raw),
        "discarded": is_discarded(mail),
        "can_release": mail.status == MailStatus.QUARANTINED,
        "can_discard": mail.status in {MailStatus.QUARANTINED, MailStatus.IGNORED}
        and not is_discarded(mail),
    }


@audience(PLATFORM_STAFF)
def mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    mail = _get(mail_id)
    return page(request, "web/console/mail/detail.html", _detail_context(mail), nav="mail")


@audience(PLATFORM_STAFF)
@require_POST
def release(request: HttpRequest, mail_id: int) -> HttpResponse:
    mail = _get(mail_id)
    try:
        done = mail_release(
            actor=actor(request), mail=mail, address=request.POST.get("address", "")
        )
    except DomainError as error:
        fields = flash_error(request, error)
        context = _detail_context(_get(mail_id))
        context["address_error"] = fields.get("address", "")
        context["address"] = request.POST.get("address", "")
        return page(request, "web/console/mail/detail.html", context, nav="mail", status=400)
    number = done.ticket.number if done.ticket is not None else ""
    messages.success(request, _("Released as ticket %(number)s.") % {"number": number})
    return redirect(reverse("console_mail:detail", args=[mail_id]))


@audience(PLATFORM_STAFF)
@require_POST
def discard(request: HttpRequest, mail_id: int) -> HttpResponse:
    mail = _get(mail_id)
    try:
        mail_discard(actor=actor(request), mail=mail, note=request.POST.get("note", ""))
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Mail discarded."))
    return redirect(reverse("console_mail:detail", args=[mail_id]))
