"""Public pages without login: the merchant page with its credit, product reviews, quality notices (namespace "public")."""

from django.urls import path

from anxin.web.views.public import merchant, notices, reviews

app_name = "public"
urlpatterns = [
    path("merchants/<slug:code>/", merchant.merchant_page, name="merchant"),
    path(
        "merchants/<slug:code>/products/<str:sku_code>/reviews/",
        reviews.product_reviews,
        name="product_reviews",
    ),
    path(
        "reviews/<uuid:review_id>/photos/<uuid:photo_id>/",
        reviews.review_photo,
        name="review_photo",
    ),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/<str:number>/", notices.notice_detail, name="notice"),
]
