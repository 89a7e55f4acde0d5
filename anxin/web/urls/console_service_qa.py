"""Service QA (服务质检: review of agents' replies, not product quality) at /console/service-qa/:
the sampled queue, scorecards per ticket and per agent (supervisors only)."""

from django.urls import path

from anxin.web.views.console import service_qa as views

app_name = "console_service_qa"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("sample/", views.sample, name="sample"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("tickets/<str:number>/", views.ticket, name="ticket"),
]
