"""The anonymous contact form (/contact/): write, check your inbox, confirm the link → a ticket.

The confirmation link opens a page with a button rather than confirming on GET: mail scanners
follow links in e-mails, and must not be the ones to send the request.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from anxin.core.errors import DomainError
from anxin.core.validation import localized_field_errors
from anxin.tickets.choices import TicketType
from anxin.tickets.contact import (
    ContactIn,
    contact_request_confirm,
    contact_request_create,
    contact_request_peek,
)

from .common import flash_error

FIELD_NAMES = {"body": "message", "order": "order"}


class ContactForm(forms.Form):
    type = forms.ChoiceField(label=_("What is it about?"), choices=TicketType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    name = forms.CharField(label=_("Your name"), max_length=80, required=False)
    order = forms.CharField(label=_("Order number (optional)"), max_length=64, required=False)


def _language() -> str:
    return "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"


def form(request: HttpRequest) -> HttpResponse:
    contact_form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if contact_form.is_valid():
            data = contact_form.cleaned_data
            try:
                contact_request_create(
                    data=ContactIn(
                        type=data["type"],
                        subject=data["subject"],
                        body=data["message"],
                        email=data["email"],
                        name=data["name"],
                        order=data["order"],
                    ),
                    language=_language(),
                    base_url=request.build_absolute_uri("/"),
                )
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    field = FIELD_NAMES.get(name, name)
                    if field in contact_form.fields:
                        contact_form.add_error(field, text)
            except PydanticError as error:
                errors = localized_field_errors(list(error.errors()))  # type: ignore[arg-type]
                for name, text in errors.items():
                    field = FIELD_NAMES.get(name, name)
                    contact_form.add_error(field if field in contact_form.fields else None, text)
            else:
                return redirect(reverse("contact:sent"))
        status = 400
    return render(request, "web/contact/form.html", {"form": contact_form}, status=status)


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/contact/sent.html", {})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            ticket = contact_request_confirm(token=token)
        except DomainError as error:
            return render(
                request, "web/contact/problem.html", {"message": error.message}, status=error.status
            )
        return render(request, "web/contact/done.html", {"number": ticket.number})
    try:
        waiting = contact_request_peek(token=token)
    except DomainError as error:
        return render(
            request, "web/contact/problem.html", {"message": error.message}, status=error.status
        )
    return render(request, "web/contact/confirm.html", {"waiting": waiting})
