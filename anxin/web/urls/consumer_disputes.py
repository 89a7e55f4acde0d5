"""The consumer's disputes and the public review panel, under /my/ (mounted beside the portal):
the dispute form of a request, my disputes, one dispute and its steps, and the panel."""

from django.urls import path

from anxin.web.views.consumer import disputes as views
from anxin.web.views.consumer import panel

app_name = "consumer_disputes"
urlpatterns = [
    path("cases/<str:number>/dispute/", views.dispute_new, name="open"),
    path("disputes/", views.dispute_list, name="list"),
    path("disputes/<str:number>/", views.dispute_detail, name="dispute"),
    path("disputes/<str:number>/steps/<slug:action>/", views.dispute_step, name="step"),
    path(
        "disputes/<str:number>/proposals/<int:proposal>/<slug:answer>/",
        views.proposal_reply,
        name="answer",
    ),
    path("disputes/<str:number>/evidence/", views.evidence_upload, name="evidence"),
    path("panel/", panel.panel_list, name="panel"),
    path("panel/<str:number>/", panel.panel_detail, name="panel_dispute"),
    path("panel/<str:number>/vote/", panel.panel_vote, name="vote"),
    path("panel/<str:number>/photos/<uuid:evidence_id>/", panel.panel_photo, name="panel_photo"),
]
