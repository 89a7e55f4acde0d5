"""Administration pages, mounted at /manage/ (namespace "manage"): administrators only."""

from django.urls import path

from anxin.web.views import (
    manage,
    manage_calendar,
    manage_categories,
    manage_desk,
    manage_merchants,
    manage_policies,
    manage_reasons,
    manage_tokens,
    manage_users,
    manage_webhooks,
)

app_name = "manage"
urlpatterns = [
    path("", manage.home, name="home"),
    path("policies/", manage_policies.policies, name="policies"),
    path("policies/new/", manage_policies.policy_new, name="policy_new"),
    path("policies/<int:pk>/", manage_policies.policy_edit, name="policy_edit"),
    path("calendar/", manage_calendar.calendar, name="calendar"),
    path("calendar/clear/", manage_calendar.calendar_clear, name="calendar_clear"),
    path("reasons/", manage_reasons.reasons, name="reasons"),
    path("reasons/<int:pk>/", manage_reasons.reason_edit, name="reason_edit"),
    path("categories/", manage_categories.categories, name="categories"),
    path("categories/<slug:code>/", manage_categories.category_flags, name="category_flags"),
    path("merchants/", manage_merchants.merchants, name="merchants"),
    path("merchants/<slug:code>/", manage_merchants.merchant_detail, name="merchant"),
    path("merchants/<slug:code>/act/", manage_merchants.merchant_act, name="merchant_act"),
    path(
        "merchants/<slug:code>/deposit/", manage_merchants.merchant_deposit, name="merchant_deposit"
    ),
    path("desk/", manage_desk.desk, name="desk"),
    path("desk/sla/", manage_desk.sla_save, name="desk_sla_new"),
    path("desk/sla/<int:pk>/", manage_desk.sla_save, name="desk_sla"),
    path("desk/teams/<int:pk>/", manage_desk.team_save, name="desk_team"),
    path("desk/rules/<int:pk>/", manage_desk.rule_save, name="desk_rule"),
    path("users/", manage_users.users, name="users"),
    path("users/<int:pk>/", manage_users.user_edit, name="user_edit"),
    path("tokens/", manage_tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", manage_tokens.token_revoke, name="token_revoke"),
    path("webhooks/", manage_webhooks.webhooks, name="webhooks"),
    path(
        "webhooks/deliveries/<uuid:delivery_id>/redeliver/",
        manage_webhooks.redeliver,
        name="redeliver",
    ),
]
