from .deposit import DepositAccount, DepositEntry, TopUpRequest
from .dispute import (
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    EvidenceRound,
    JuryVote,
    Proposal,
    Ruling,
)

__all__ = [
    "DepositAccount",
    "DepositEntry",
    "Dispute",
    "DisputeEvent",
    "DisputeEvidence",
    "EvidenceRound",
    "JuryVote",
    "Proposal",
    "Ruling",
    "TopUpRequest",
]
