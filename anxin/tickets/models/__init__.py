from .desk import AgentProfile, SlaPolicy, Team
from .followup import RevisitRule, RevisitTask
from .mail import ContactRequest, InboundMail
from .sla import SlaClock
from .ticket import Tag, Ticket, TicketAttachment, TicketEvent, TicketMessage

__all__ = [
    "AgentProfile",
    "ContactRequest",
    "InboundMail",
    "RevisitRule",
    "RevisitTask",
    "SlaClock",
    "SlaPolicy",
    "Tag",
    "Team",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
]
