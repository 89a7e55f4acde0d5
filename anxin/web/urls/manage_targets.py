"""Service targets for administrators at /manage/targets/ (namespace "manage_targets")."""

from django.urls import path

from anxin.web.views.manage import targets

app_name = "manage_targets"
urlpatterns = [
    path("", targets.target_list, name="list"),
    path("save/", targets.target_save, name="save"),
    path("<int:pk>/delete/", targets.target_remove, name="delete"),
]
