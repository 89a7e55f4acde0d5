"""The merchant workbench, mounted at /shop/ (namespace "merchant")."""

from django.urls import path

from anxin.web.views import (
    merchant_addresses,
    merchant_bulk,
    merchant_case,
    merchant_dashboard,
    merchant_export,
    merchant_queue,
    merchant_saved,
    notifications,
    policy_settings,
)

app_name = "merchant"
urlpatterns = [
    path("", merchant_dashboard.home, name="home"),
    path("policy/", policy_settings.merchant_policy, name="policy"),
    path("cases/", merchant_queue.queue, name="queue"),
    path("cases/export.csv", merchant_export.queue_csv, name="queue_csv"),
    path("cases/approve/", merchant_bulk.bulk_approve, name="bulk_approve"),
    path("cases/views/", merchant_saved.view_save, name="view_save"),
    path("cases/views/<int:pk>/delete/", merchant_saved.view_delete, name="view_delete"),
    path("cases/<str:number>/", merchant_case.case_detail, name="case"),
    path("cases/<str:number>/act/", merchant_case.case_act, name="case_act"),
    path(
        "cases/<str:number>/evidence/<uuid:evidence_id>/",
        merchant_case.evidence,
        name="evidence",
    ),
    path("addresses/", merchant_addresses.addresses, name="addresses"),
    *notifications.routes("merchant"),
]
