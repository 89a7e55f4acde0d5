"""Models of the knowledge app: bilingual help articles, their history and votes, and the canned
replies agents insert into tickets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.models import PublicModel, TimeStampedModel

from .choices import ArticleStatus


class ArticleCategory(models.Model):
    """A shelf of the help center (returns, refunds, delivery ...), shown in ``order``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code

    def name(self, zh: bool) -> str:
        return self.name_zh if zh else self.name_en


class Article(PublicModel):
    """A help article in Chinese and English. ``status`` changes only through ``article_act``
    (draft → in review → published → archived); only published articles are public. The
    ``search_*`` fields hold the tokens of both languages (jieba words and character bigrams),
    written by the services on every save."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.ForeignKey(
        ArticleCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("text (Chinese)"), max_length=20000, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=20000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    source_ticket_number = models.CharField(_("from ticket"), max_length=20, blank=True)
    search_title = models.TextField(_("title search tokens"), blank=True, editable=False)
    search_body = models.TextField(_("text search tokens"), blank=True, editable=False)
    helpful_yes = models.PositiveIntegerField(_("found it helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("did not find it helpful"), default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["slug"]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return self.slug

    def title(self, zh: bool) -> str:
        return (self.title_zh or self.title_en) if zh else (self.title_en or self.title_zh)

    def body(self, zh: bool) -> str:
        return (self.body_zh or self.body_en) if zh else (self.body_en or self.body_zh)


class ArticleEvent(models.Model):
    """One row of an article's history: created, edited, and every workflow step."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events", verbose_name=_("article")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.action}"


class ArticleVote(models.Model):
    """One reader's "was this helpful?" answer. ``voter_key`` is ``u:<user id>`` or a hash of
    the session key, so a reader has one vote per article and may change their mind."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    voter_key = models.CharField(_("voter"), max_length=80)
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "voter_key"], name="kb_one_vote_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


class CannedReply(TimeStampedModel):
    """A reply text agents insert into a ticket; ``{order_number}``-style placeholders are
    filled from the ticket. A ``team_code`` limits it to that team's agents (blank = everyone)."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_zh = models.TextField(_("text (Chinese)"), max_length=5000)
    body_en = models.TextField(_("text (English)"), max_length=5000)
    team_code = models.SlugField(_("team"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title_en", "pk"]

    def __str__(self) -> str:
        return self.title_en

    def title(self, zh: bool) -> str:
        return self.title_zh if zh else self.title_en
