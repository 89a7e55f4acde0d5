"""The service desk's figures for the supervisor at /console/analytics/desk/ (platform staff):
the page and the CSV/XLSX export of each of its tables."""

from django.urls import path

from anxin.web.views import analytics_desk as views

app_name = "console_analytics_desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
]
