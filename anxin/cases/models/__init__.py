from .case import Case, CaseEvent, CaseMessage, Evidence, InboundEvent, ReturnAddress
from .ledger import LedgerEntry, LedgerKind, Refund, RefundStatus

__all__ = [
    "Case",
    "CaseEvent",
    "CaseMessage",
    "Evidence",
    "InboundEvent",
    "LedgerEntry",
    "LedgerKind",
    "Refund",
    "RefundStatus",
    "ReturnAddress",
]
