"""Disputes in the console: the mediation queue and the workspace at /console/disputes/, the
arbitrator's queue at /console/arbitration/ (mounted under /console/)."""

from django.urls import path

from anxin.web.views.console import arbitration
from anxin.web.views.console import disputes as views

app_name = "console_disputes"
urlpatterns = [
    path("disputes/", views.queue, name="queue"),
    path("disputes/<str:number>/", views.workspace, name="dispute"),
    path("disputes/<str:number>/act/<slug:action>/", views.act, name="act"),
    path("disputes/<str:number>/message/", views.message, name="message"),
    path("arbitration/", arbitration.queue, name="arbitration"),
]
