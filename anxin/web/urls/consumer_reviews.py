"""The consumer's reviews, mounted at /my/ (namespace "consumer_reviews")."""

from django.urls import URLPattern

app_name = "consumer_reviews"
urlpatterns: list[URLPattern] = []
