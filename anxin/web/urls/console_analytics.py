"""The platform's analytics at /console/analytics/ (namespace "console_analytics"): the
dashboard, the cases behind any number, and the CSV/XLSX export of every table."""

from django.urls import path

from anxin.web.views.analytics import drilldown, export, platform

app_name = "console_analytics"
urlpatterns = [
    path("", platform.home, name="home"),
    path("cases/", drilldown.platform_drilldown, name="drilldown"),
    path("export/", export.platform_export, name="export"),
]
