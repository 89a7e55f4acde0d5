"""A shop's own analytics at /shop/analytics/ (namespace "merchant_analytics"): the dashboard,
the cases behind any number, and the CSV/XLSX export of every table."""

from django.urls import path

from anxin.web.views.analytics import drilldown, export, merchant

app_name = "merchant_analytics"
urlpatterns = [
    path("", merchant.home, name="home"),
    path("cases/", drilldown.merchant_drilldown, name="drilldown"),
    path("export/", export.merchant_export, name="export"),
]
