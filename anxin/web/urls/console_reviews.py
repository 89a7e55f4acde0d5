"""Review moderation in the console at /console/reviews/ (namespace "console_reviews")."""

from django.urls import URLPattern

app_name = "console_reviews"
urlpatterns: list[URLPattern] = []
