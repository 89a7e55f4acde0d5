"""The arbitrator's queue at /console/arbitration/: disputes in arbitration or with a public review
panel, and appeals — those assigned to the viewer first, then by nearest deadline. The work itself
happens in the dispute workspace (``disputes.workspace``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from anxin.disputes.models import Dispute

from ..common import actor, audience
from .disputes import HANDLER_ROLES, queue_page

ARBITRATION_TABS: list[tuple[str, Any]] = [
    ("arbitration", gettext_lazy("In arbitration")),
    ("appeals", gettext_lazy("Appeals")),
    ("mine", gettext_lazy("Assigned to me")),
]


@audience(HANDLER_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    me = actor(request).user_id

    def mine_first(rows: QuerySet[Dispute]) -> QuerySet[Dispute]:
        assigned = Case(
            When(arbitrator_id=me, then=Value(0)),
            When(appeal_arbitrator_id=me, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return rows.order_by(assigned, F("due_at").asc(nulls_last=True), "-opened_at")

    return queue_page(
        request,
        tabs=ARBITRATION_TABS,
        default="arbitration",
        ordered=mine_first,
        template="web/console/disputes/arbitration.html",
        nav="arbitration",
    )
