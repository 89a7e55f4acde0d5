"""The public help center at /help/: home, search, shelves and articles."""

from django.urls import path

from anxin.web.views import help as views

app_name = "help"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("c/<slug:code>/", views.category, name="category"),
    path("a/<slug:slug>/", views.article, name="article"),
    path("a/<slug:slug>/vote/", views.vote, name="vote"),
]
