"""Forms of the knowledge-base console: they parse; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.knowledge.choices import ArticleStatus
from anxin.knowledge.models import ArticleCategory
from anxin.tickets.models import Team


class ArticleForm(forms.Form):
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; it cannot change later."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    body_zh = forms.CharField(
        label=_("Text (Chinese)"), max_length=20000, required=False, widget=forms.Textarea
    )
    body_en = forms.CharField(
        label=_("Text (English)"), max_length=20000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, zh: bool, with_slug: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("(none)"))] + [
            (c.code, c.name_zh if zh else c.name_en) for c in ArticleCategory.objects.all()
        ]
        if not with_slug:
            del self.fields["slug"]


class CannedReplyForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120)
    title_en = forms.CharField(label=_("Title (English)"), max_length=120)
    body_zh = forms.CharField(label=_("Text (Chinese)"), max_length=5000, widget=forms.Textarea)
    body_en = forms.CharField(label=_("Text (English)"), max_length=5000, widget=forms.Textarea)
    team_code = forms.ChoiceField(label=_("Team"), required=False)
    active = forms.BooleanField(label=_("Offer this reply to agents"), required=False)

    def __init__(self, *args: Any, zh: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team_code"]).choices = [("", _("Every team"))] + [
            (t.code, t.name_zh if zh else t.name_en) for t in Team.objects.order_by("code")
        ]


STATUS_CHOICES = [("", _("All")), *ArticleStatus.choices]
