"""Input of the ticket pages: queue filters (GET) and the phone-call form (POST).

Plain Django forms used for validation only: a bad value is answered with the page, status 400 and
the message next to the field. Writes still go through the pydantic inputs of the tickets app.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.tickets.choices import Channel, Priority, TicketStatus, TicketType
from anxin.tickets.models import Team
from anxin.tickets.selectors import TicketFilters

ANY = ("", _("Any"))
SLA_CHOICES = [ANY, ("breached", _("SLA breached")), ("at_risk", _("SLA at risk"))]


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[ANY, ("open", _("All open")), *TicketStatus.choices],
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[ANY, *TicketType.choices])
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[ANY, *Priority.choices]
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[ANY, *Channel.choices])
    team = forms.ChoiceField(label=_("Team"), required=False)
    sla = forms.ChoiceField(label=_("SLA"), required=False, choices=SLA_CHOICES)
    q = forms.CharField(label=_("Ticket number or subject"), required=False, max_length=64)

    def __init__(self, *args: Any, zh: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("code").values_list("code", "name_zh", "name_en")
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ANY,
            *((c, zh_ if zh else en) for c, zh_, en in teams),
        ]

    def filters(self, *, view: str) -> TicketFilters:
        data = self.cleaned_data if self.is_bound else {}
        return TicketFilters(
            status=data.get("status") or ("open" if view != "all" else ""),
            type=data.get("type") or "",
            priority=data.get("priority") or "",
            channel=data.get("channel") or "",
            team=data.get("team") or "",
            sla=data.get("sla") or "",
            q=(data.get("q") or "").strip(),
            mine=view == "mine",
            unassigned=view == "unassigned",
            escalated=view == "escalated",
        )


class PhoneTicketForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("What the caller said"), max_length=10000, widget=forms.Textarea)
    order = forms.CharField(label=_("Order number"), required=False, max_length=64)
    contact_name = forms.CharField(label=_("Caller's name"), required=False, max_length=80)
    contact_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=32)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("zh-hans", "简体中文"), ("en", "English")]
    )
    verified = forms.BooleanField(
        label=_("Identity and order verified on the call"), required=False
    )
