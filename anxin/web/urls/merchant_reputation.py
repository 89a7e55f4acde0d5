"""The merchant's credit, reviews and quality, mounted at /shop/ (namespace "merchant_reputation")."""

from django.urls import path

from anxin.web.views.merchant import credit, quality, reviews

app_name = "merchant_reputation"
urlpatterns = [
    path("credit/", credit.credit_page, name="credit"),
    path("credit/sanctions/<uuid:public_id>/appeal/", credit.appeal_post, name="appeal"),
    path("quality/", quality.quality_page, name="quality"),
    path("quality/tasks/<str:number>/rectify/", quality.rectify_post, name="rectify"),
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/<uuid:public_id>/reply/", reviews.reply_post, name="reply"),
]
