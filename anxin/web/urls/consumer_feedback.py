"""The consumer's surveys, NPS invitation and feedback points at /my/feedback/."""

from django.urls import path

from anxin.web.views.consumer import feedback as views

app_name = "consumer_feedback"
urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<uuid:survey_id>/", views.survey_answer, name="survey"),
    path("nps/<uuid:nps_id>/", views.nps_answer, name="nps"),
]
