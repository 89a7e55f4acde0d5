"""The merchant's credit, reviews and quality, mounted at /shop/ (namespace "merchant_reputation")."""

from django.urls import URLPattern

app_name = "merchant_reputation"
urlpatterns: list[URLPattern] = []
