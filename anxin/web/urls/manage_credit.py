"""Credit thresholds, sanctions and appeals for administrators at /manage/credit/ (namespace "manage_credit")."""

from django.urls import URLPattern

app_name = "manage_credit"
urlpatterns: list[URLPattern] = []
