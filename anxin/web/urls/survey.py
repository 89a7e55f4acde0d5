"""The satisfaction survey behind the e-mailed signed link, at /survey/<token>/."""

from django.urls import path

from anxin.web.views import survey

app_name = "survey"
urlpatterns = [
    path("<str:token>/", survey.answer, name="answer"),
    path("<str:token>/thanks/", survey.thanks, name="thanks"),
]
