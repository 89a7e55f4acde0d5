"""The public transparency report at /transparency/ (namespace "public_transparency", no login):
the latest month and the archive, each month at /transparency/2026-11/ with .csv and .pdf."""

from django.urls import path, re_path

from anxin.web.views.public import transparency

MONTH = r"(?P<month>\d{4}-\d{2})"

app_name = "public_transparency"
urlpatterns = [
    path("", transparency.home, name="home"),
    re_path(rf"^{MONTH}/$", transparency.month, name="month"),
    re_path(rf"^{MONTH}\.csv$", transparency.month_csv, name="csv"),
    re_path(rf"^{MONTH}\.pdf$", transparency.month_pdf, name="pdf"),
]
