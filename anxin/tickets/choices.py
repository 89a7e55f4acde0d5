"""The service desk's vocabularies (docs/domain.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    INQUIRY = "inquiry", _("inquiry")
    COMPLAINT = "complaint", _("complaint")
    AFTER_SALES = "after_sales", _("after-sales help")
    LOGISTICS = "logistics", _("delivery and logistics")
    PAYMENT = "payment", _("payment")
    OTHER = "other", _("other")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    ASSISTANT = "assistant", _("assistant")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    API = "api", _("app / API")
    SOCIAL = "social", _("social media")


class TicketStatus(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING_CUSTOMER = "pending_customer", _("waiting on the customer")
    PENDING_INTERNAL = "pending_internal", _("waiting on a team")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


CLOSED_STATUSES = frozenset({TicketStatus.CLOSED})
OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.OPEN,
        TicketStatus.PENDING_CUSTOMER,
        TicketStatus.PENDING_INTERNAL,
    }
)


class Stage(models.TextChoices):
    """The five stages from intake to archive; derived from status and follow-up work."""

    RECEPTION = "reception", _("reception")
    HANDLING = "handling", _("diagnosis and handling")
    REVIEW = "review", _("review and feedback")
    FOLLOW_UP = "follow_up", _("follow-up")
    ARCHIVE = "archive", _("closed and archived")


class Verification(models.TextChoices):
    PENDING = "pending", _("not checked yet")
    VERIFIED = "verified", _("identity and order verified")
    UNVERIFIED = "unverified", _("unverified")


class TeamKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("customer service")
    TECHNICAL = "technical", _("technical support")
    LOGISTICS = "logistics", _("logistics coordination")
    DISPUTES = "disputes", _("dispute handling")


class AssignmentMode(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("round-robin")
    LEAST_LOADED = "least_loaded", _("least loaded")


class Availability(models.TextChoices):
    ONLINE = "online", _("online")
    AWAY = "away", _("away")
    OFF = "off", _("off duty")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("reply")
    INTERNAL = "internal", _("internal note")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    AGENT = "agent", _("agent")
    MERCHANT = "merchant", _("merchant")
    SYSTEM = "system", _("system")


class SlaMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    NEXT_RESPONSE = "next_response", _("next response")
    RESOLUTION = "resolution", _("resolution")


class SlaStatus(models.TextChoices):
    RUNNING = "running", _("running")
    WARNED = "warned", _("at risk")
    PAUSED = "paused", _("paused")
    BREACHED = "breached", _("breached")
    MET = "met", _("met")
    CANCELLED = "cancelled", _("cancelled")


class RevisitTrigger(models.TextChoices):
    REPAIR_COMPLETED = "repair_completed", _("a repair or warranty case completed")
    COMPLAINT_CLOSED = "complaint_closed", _("a complaint ticket closed")
    LOW_CSAT = "low_csat", _("a satisfaction answer of 2 stars or fewer")


class RevisitStatus(models.TextChoices):
    OPEN = "open", _("to do")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class MailStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    THREADED = "threaded", _("added to a ticket")
    IGNORED = "ignored", _("ignored (automatic reply)")
    QUARANTINED = "quarantined", _("quarantined")
