"""The consumer's reviews, mounted at /my/ (namespace "consumer_reviews")."""

from django.urls import path

from anxin.web.views.consumer import reviews as views

app_name = "consumer_reviews"
urlpatterns = [
    path("reviews/", views.my_reviews, name="list"),
    path(
        "orders/<uuid:order_id>/lines/<path:line_ref>/review/",
        views.review_write,
        name="write",
    ),
    path("reviews/<uuid:review_id>/append/", views.review_append_view, name="append"),
    path("requests/<str:number>/service-review/", views.service_review, name="service"),
]
