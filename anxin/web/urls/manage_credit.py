"""Credit thresholds, sanctions and appeals for administrators at /manage/credit/ (namespace "manage_credit")."""

from django.urls import path

from anxin.web.views.manage import credit

app_name = "manage_credit"
urlpatterns = [
    path("", credit.overview, name="overview"),
    path("thresholds/", credit.thresholds, name="thresholds"),
    path("thresholds/<slug:step>/", credit.threshold_save, name="threshold"),
    path("sanctions/", credit.sanctions, name="sanctions"),
    path("appeals/<uuid:public_id>/decision/", credit.appeal_decision, name="appeal_decision"),
    path("sanctions/<uuid:public_id>/exit/", credit.exit_decision, name="exit_decision"),
]
