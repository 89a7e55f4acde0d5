"""The quality inspector's workspace at /console/quality/ (namespace "console_quality")."""

from django.urls import URLPattern

app_name = "console_quality"
urlpatterns: list[URLPattern] = []
