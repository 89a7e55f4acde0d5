"""Administration pages, mounted at /manage/ (namespace "manage"): administrators only."""

from django.urls import path

from anxin.web.views.manage import (
    calendar,
    categories,
    deposit,
    desk,
    home,
    merchants,
    policies,
    reasons,
    tokens,
    users,
    webhooks,
)

app_name = "manage"
urlpatterns = [
    path("", home.home, name="home"),
    path("policies/", policies.policies, name="policies"),
    path("policies/new/", policies.policy_new, name="policy_new"),
    path("policies/<int:pk>/", policies.policy_edit, name="policy_edit"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/clear/", calendar.calendar_clear, name="calendar_clear"),
    path("reasons/", reasons.reasons, name="reasons"),
    path("reasons/<int:pk>/", reasons.reason_edit, name="reason_edit"),
    path("categories/", categories.categories, name="categories"),
    path("categories/<slug:code>/", categories.category_flags, name="category_flags"),
    path("merchants/", merchants.merchants, name="merchants"),
    path("merchants/<slug:code>/", merchants.merchant_detail, name="merchant"),
    path("merchants/<slug:code>/act/", merchants.merchant_act, name="merchant_act"),
    path("merchants/<slug:code>/deposit/", deposit.merchant_deposit, name="merchant_deposit"),
    path("desk/", desk.desk, name="desk"),
    path("desk/sla/", desk.sla_save, name="desk_sla_new"),
    path("desk/sla/<int:pk>/", desk.sla_save, name="desk_sla"),
    path("desk/teams/<int:pk>/", desk.team_save, name="desk_team"),
    path("desk/rules/<int:pk>/", desk.rule_save, name="desk_rule"),
    path("users/", users.users, name="users"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path(
        "webhooks/deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.redeliver,
        name="redeliver",
    ),
]
