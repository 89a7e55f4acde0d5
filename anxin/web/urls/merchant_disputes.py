"""The merchant's disputes and deposit, mounted at /shop/ (namespace "merchant_disputes")."""

from django.urls import path

from anxin.web.views.merchant import deposit, disputes

app_name = "merchant_disputes"
urlpatterns = [
    path("disputes/", disputes.dispute_list, name="list"),
    path("disputes/<str:number>/", disputes.dispute_detail, name="detail"),
    path("disputes/<str:number>/act/", disputes.dispute_post, name="act"),
    path("deposit/", deposit.deposit, name="deposit"),
]
