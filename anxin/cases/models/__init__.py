from .case import Case, CaseEvent, Evidence, InboundEvent, ReturnAddress
from .ledger import LedgerEntry, LedgerKind, Refund, RefundStatus

__all__ = [
    "Case",
    "CaseEvent",
    "Evidence",
    "InboundEvent",
    "LedgerEntry",
    "LedgerKind",
    "Refund",
    "RefundStatus",
    "ReturnAddress",
]
