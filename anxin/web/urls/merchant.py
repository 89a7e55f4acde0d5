"""The merchant workbench, mounted at /shop/ (namespace "merchant")."""

from django.urls import path

from anxin.web.views import case_messages, notifications
from anxin.web.views.merchant import (
    addresses,
    bulk,
    case,
    dashboard,
    export,
    policy,
    queue,
    saved,
)

app_name = "merchant"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("policy/", policy.merchant_policy, name="policy"),
    path("cases/", queue.queue, name="queue"),
    path("cases/export.csv", export.queue_csv, name="queue_csv"),
    path("cases/approve/", bulk.bulk_approve, name="bulk_approve"),
    path("cases/views/", saved.view_save, name="view_save"),
    path("cases/views/<int:pk>/delete/", saved.view_delete, name="view_delete"),
    path("cases/<str:number>/", case.case_detail, name="case"),
    path("cases/<str:number>/act/", case.case_act, name="case_act"),
    path(
        "cases/<str:number>/messages/",
        case_messages.message_post_for("merchant", case.case_detail),
        name="case_message",
    ),
    path(
        "cases/<str:number>/evidence/<uuid:evidence_id>/",
        case.evidence,
        name="evidence",
    ),
    path("addresses/", addresses.addresses, name="addresses"),
    *notifications.routes("merchant"),
]
