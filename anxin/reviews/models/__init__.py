from .moderation import ModerationEvent, ModerationItem
from .review import AppendedReview, MerchantReply, Review, ReviewPhoto
from .service import ServiceReview

__all__ = [
    "AppendedReview",
    "MerchantReply",
    "ModerationEvent",
    "ModerationItem",
    "Review",
    "ReviewPhoto",
    "ServiceReview",
]
