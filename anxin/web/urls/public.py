"""Public pages without login: the merchant page with its credit, product reviews, quality notices (namespace "public")."""

from django.urls import URLPattern

app_name = "public"
urlpatterns: list[URLPattern] = []
