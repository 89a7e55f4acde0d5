"""/api/v1/surveys/{token}/answer (the signed link is the credential), /api/v1/me/points and
/api/v1/me/surveys (the signed-in person's own)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden

from .. import selectors, services
from ..choices import AnswerChannel
from ..models import COMMENT_MAX, Survey
from ..tokens import survey_token

router = Router(tags=["feedback"])
NO_PERSON = _("Points and surveys belong to a person: sign in as that person.")


class AnswerIn(Schema):
    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: str = Field(default="", max_length=COMMENT_MAX)


class SurveyOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    subject_type: str
    number: str = Field(validation_alias="subject_number")
    sent_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    score: int | None
    points: int


class OpenSurveyOut(SurveyOut):
    token: str = Field(description="POST /surveys/{token}/answer to answer it")


class PointsEntryOut(Schema):
    delta: int
    balance_after: int
    reason: str
    created_at: datetime


class PointsOut(Schema):
    balance: int
    entries: list[PointsEntryOut]


def _person(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if actor.user_id is None or actor.token_id is not None:
        raise Forbidden(NO_PERSON)
    return actor


@router.post(
    "/surveys/{token}/answer",
    response=SurveyOut,
    auth=None,
    summary="Answer a satisfaction survey through its signed link",
)
def survey_answer(request: HttpRequest, token: str, payload: AnswerIn) -> Survey:
    """One answer per survey (409 on a second one); 404 for a link that was tampered with,
    410 once the survey expired (30 days). The recipient's feedback points are credited."""
    survey = selectors.survey_get_by_token(token=token)
    return services.survey_answer(
        survey=survey,
        score=payload.score,
        comment=payload.comment,
        channel=AnswerChannel.EMAIL_LINK,
    )


@router.get("/me/points", response=PointsOut, auth=API_AUTH, summary="My feedback points")
def my_points(request: HttpRequest) -> dict[str, Any]:
    actor = _person(request)
    assert actor.user_id is not None
    return {
        "balance": selectors.points_balance(actor.user_id),
        "entries": selectors.points_ledger_for(actor=actor, limit=100),
    }


@router.get(
    "/me/surveys",
    response=list[OpenSurveyOut],
    auth=API_AUTH,
    summary="My satisfaction surveys waiting for an answer",
)
def my_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _person(request)
    return [
        {
            **{f: getattr(s, f) for f in SurveyOut.model_fields if f not in {"id", "number"}},
            "public_id": s.public_id,
            "subject_number": s.subject_number,
            "token": survey_token(s.public_id),
        }
        for s in selectors.surveys_open_for(actor=actor)[:100]
    ]
