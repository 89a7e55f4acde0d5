"""Quality review in the console at /console/quality/: the sampled queue, scorecards per ticket
and per agent (supervisors only)."""

from django.urls import path

from anxin.web.views.console import quality as views

app_name = "console_quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("sample/", views.sample, name="sample"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("tickets/<str:number>/", views.ticket, name="ticket"),
]
