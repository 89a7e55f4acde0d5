"""The words of reviews: statuses, moderation reasons and signals, decisions, the parts of a review."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Short words that mean something else on other screens ("Published" is a notice's date there,
# "Review" a verb, "Reject" a merchant's answer to a request) carry a context of their own.


class ReviewStatus(models.TextChoices):
    """Where a review (or its 追评, the shop's reply, a service review) stands with moderation."""

    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", pgettext_lazy("review status", "Published")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REJECTED = "rejected", _("Rejected by a moderator")


class Part(models.TextChoices):
    """What a moderation item is about."""

    REVIEW = "review", pgettext_lazy("review part", "Review")
    APPENDED = "appended", _("Appended review")
    REPLY = "reply", _("Merchant reply")
    SERVICE = "service", _("Service review")


class ModerationReason(models.TextChoices):
    """Why something waits for a moderator. The first four are about the content and hold it back
    until a person decides; the last four are fraud signals, which never hold anything back
    (PIPL art. 24: no decision on an automated score alone)."""

    ABUSE = "abuse", _("Abusive, obscene or violent words")
    ADS = "ads", _("Advertising")
    PERSONAL_DATA = "personal_data", _("Personal data")
    IRRELEVANT = "irrelevant", _("Not about the purchase")
    BURST = "burst", _("Burst of reviews on one product")
    NEAR_DUPLICATE = "near_duplicate", _("Nearly the same text as another review")
    NEW_ACCOUNT = "new_account", _("Brand-new account")
    CLUSTER = "cluster", _("Many reviews from one address or device")


CONTENT_REASONS = frozenset(
    {
        ModerationReason.ABUSE,
        ModerationReason.ADS,
        ModerationReason.PERSONAL_DATA,
        ModerationReason.IRRELEVANT,
    }
)
SIGNAL_REASONS = frozenset(
    {
        ModerationReason.BURST,
        ModerationReason.NEAR_DUPLICATE,
        ModerationReason.NEW_ACCOUNT,
        ModerationReason.CLUSTER,
    }
)


class ModerationAction(models.TextChoices):
    PUBLISH = "publish", pgettext_lazy("moderation action", "Publish")
    HIDE = "hide", pgettext_lazy("moderation action", "Hide")
    REJECT = "reject", pgettext_lazy("moderation action", "Reject")


class ReviewFilter(models.TextChoices):
    """The tabs of a public review list."""

    ALL = "all", _("All")
    WITH_PHOTOS = "with_photos", _("With photos")
    APPENDED = "appended", pgettext_lazy("review filter", "Appended")
    NEGATIVE = "negative", pgettext_lazy("review filter", "Negative")
