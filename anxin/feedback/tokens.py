"""The signed link of a satisfaction survey: the survey's public id, signed with a salt of its own.

The link is the only credential an e-mailed survey needs, so it must not be guessable or
editable; its age is checked by the signature (defence in depth) and, authoritatively, by the
survey's own ``expires_at`` on the platform clock.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core import signing

from .errors import FeedbackErrorCode, SurveyExpired
from .rules import survey_days

SALT = "anxin.feedback.survey"


def survey_token(public_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=SALT).sign(public_id.hex)


class BadSurveyLink(Exception):
    """The token was edited, truncated or signed with another key."""

    code = FeedbackErrorCode.SURVEY_LINK_INVALID


def survey_id_from_token(token: str) -> uuid.UUID:
    """The survey a token names; BadSurveyLink if tampered with, SurveyExpired if too old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=timedelta(days=survey_days() + 1))
    except signing.SignatureExpired as exc:
        raise SurveyExpired() from exc
    except signing.BadSignature as exc:
        raise BadSurveyLink() from exc
    try:
        return uuid.UUID(hex=value)
    except ValueError as exc:
        raise BadSurveyLink() from exc
