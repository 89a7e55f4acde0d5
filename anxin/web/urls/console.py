"""The platform console (小二) at /console/: overview, all cases, the board, interventions, lookup."""

from django.urls import path

from anxin.web.views import case_messages
from anxin.web.views.console import cases as console_cases
from anxin.web.views.console import home as console
from anxin.web.views.console import lookup as console_lookup

app_name = "console"
urlpatterns = [
    path("", console.home, name="home"),
    path("cases/", console_cases.case_list, name="cases"),
    path("board/", console.board, name="board"),
    path("cases/<str:number>/", console_cases.case_detail, name="case"),
    path("cases/<str:number>/act/<slug:action>/", console_cases.case_act, name="case_act"),
    path(
        "cases/<str:number>/messages/",
        case_messages.message_post_for("console", console_cases.case_detail),
        name="case_message",
    ),
    path(
        "cases/<str:number>/evidence/<uuid:evidence_id>/",
        console_cases.evidence,
        name="evidence",
    ),
    path("lookup/", console_lookup.lookup_page, name="lookup"),
]
