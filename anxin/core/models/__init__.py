from .audit import AuditChainHead, AuditEntry
from .base import PublicModel, TimeStampedModel
from .deadlines import Deadline, DeadlineState
from .idempotency import IdempotencyRecord
from .sequences import NumberSequence

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "Deadline",
    "DeadlineState",
    "IdempotencyRecord",
    "NumberSequence",
    "PublicModel",
    "TimeStampedModel",
]
