"""The knowledge base in the console at /console/kb/: articles and canned replies."""

from django.urls import path

from anxin.web.views.console import kb as views

app_name = "console_kb"
urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.article_new, name="article_new"),
    path("canned/", views.canned_list, name="canned"),
    path("canned/new/", views.canned_new, name="canned_new"),
    path("canned/<int:pk>/", views.canned_edit, name="canned_edit"),
    path("a/<slug:slug>/", views.article_detail, name="article"),
    path("a/<slug:slug>/act/<slug:action>/", views.article_act, name="act"),
]
