from .desk import AssistantDay, DeskDay, TicketFact
from .facts import CaseFact, RefreshState
from .report import TransparencyReport
from .rollups import CaseDay, DeliveredDay, DeliveredSkuDay, MerchantDay, PlatformDay
from .targets import Target, TargetAlert

__all__ = [
    "AssistantDay",
    "CaseDay",
    "CaseFact",
    "DeliveredDay",
    "DeliveredSkuDay",
    "DeskDay",
    "MerchantDay",
    "PlatformDay",
    "RefreshState",
    "Target",
    "TargetAlert",
    "TicketFact",
    "TransparencyReport",
]
