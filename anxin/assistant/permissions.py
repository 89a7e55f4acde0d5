"""Who may read bot conversations and correct intents: the platform's service staff."""

from anxin.core.actors import Actor, Role

REVIEWERS = frozenset({Role.AGENT, Role.ARBITRATOR, Role.QUALITY_INSPECTOR, Role.ADMIN})


def can_review(actor: Actor) -> bool:
    return actor.role in REVIEWERS


def can_talk_with_assistant(actor: Actor) -> bool:
    """The assistant talks with signed-in customers only (their orders are what it knows)."""
    return actor.role is Role.CONSUMER and actor.user_id is not None
