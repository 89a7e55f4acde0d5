"""The consumer portal at /my/: overview, orders, requests (cases) and notifications."""

from django.urls import path

from anxin.web.views import case_messages, notifications
from anxin.web.views.consumer import case as consumer_case
from anxin.web.views.consumer import home as consumer
from anxin.web.views.consumer import request as consumer_request

app_name = "consumer"
urlpatterns = [
    path("", consumer.home, name="home"),
    path("orders/", consumer.orders, name="orders"),
    path("orders/<uuid:order_id>/", consumer.order, name="order"),
    path(
        "orders/<uuid:order_id>/lines/<path:line_ref>/request/",
        consumer_request.request_form,
        name="request",
    ),
    path(
        "orders/<uuid:order_id>/lines/<path:line_ref>/request/preview/",
        consumer_request.request_preview,
        name="request_preview",
    ),
    path("requests/", consumer_case.cases, name="cases"),
    path("requests/<str:number>/", consumer_case.case, name="case"),
    path("requests/<str:number>/act/<slug:action>/", consumer_case.case_act, name="case_act"),
    path("requests/<str:number>/label.pdf", consumer_case.case_label, name="case_label"),
    path("requests/<str:number>/photos/", consumer_case.evidence_add, name="case_photos"),
    path(
        "requests/<str:number>/messages/",
        case_messages.message_post_for("consumer", consumer_case.case),
        name="case_message",
    ),
    path(
        "requests/<str:number>/photos/<uuid:evidence_id>/",
        consumer_case.evidence_file,
        name="evidence",
    ),
    *notifications.routes("consumer"),
]
