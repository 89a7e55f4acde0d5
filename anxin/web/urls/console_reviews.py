"""Review moderation in the console at /console/reviews/ (namespace "console_reviews")."""

from django.urls import path

from anxin.web.views.console import reviews

app_name = "console_reviews"
urlpatterns = [
    path("", reviews.queue, name="queue"),
    path("<int:pk>/", reviews.item, name="item"),
    path("<int:pk>/photos/<str:photo_id>", reviews.photo, name="photo"),
]
