"""Front door and language; each audience's pages live in a module of their own."""

from django.urls import path

from anxin.web.views import home

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("language/", home.language, name="language"),
]
