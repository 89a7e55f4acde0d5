from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("anxin.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("my/", include("anxin.web.urls.consumer")),
    path("shop/", include("anxin.web.urls.merchant")),
    path("console/", include("anxin.web.urls.console")),
    path("manage/", include("anxin.web.urls.manage")),
    path("help/", include("anxin.web.urls.help")),
    path("contact/", include("anxin.web.urls.contact")),
    path("survey/", include("anxin.web.urls.survey")),
    path("console/kb/", include("anxin.web.urls.console_kb")),
    path("console/service-qa/", include("anxin.web.urls.console_service_qa")),
    path("console/assistant/", include("anxin.web.urls.console_assistant")),
    path("console/mail/", include("anxin.web.urls.console_mail")),
    path("console/tickets/", include("anxin.web.urls.console_tickets")),
    path("console/", include("anxin.web.urls.console_disputes")),
    path("my/feedback/", include("anxin.web.urls.consumer_feedback")),
    path("my/tickets/", include("anxin.web.urls.consumer_tickets")),
    path("my/", include("anxin.web.urls.consumer_disputes")),
    path("shop/tickets/", include("anxin.web.urls.merchant_tickets")),
    path("shop/", include("anxin.web.urls.merchant_disputes")),
    path("console/reviews/", include("anxin.web.urls.console_reviews")),
    path("console/quality/", include("anxin.web.urls.console_quality")),
    path("my/", include("anxin.web.urls.consumer_reviews")),
    path("shop/", include("anxin.web.urls.merchant_reputation")),
    path("manage/credit/", include("anxin.web.urls.manage_credit")),
    path("", include("anxin.web.urls.public")),
    path("", include("anxin.web.urls")),
]
