"""The scoping mechanism, one test per kind of declaration (no database: the filters are data).

Which rows each real endpoint returns is proven end to end by the isolation matrix
(``anxin/cases/tests/test_api_isolation.py``); these tests pin what each declaration means.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from anxin.cases.models import Case, CaseEvent, Refund
from anxin.catalog.models import Customer, Order
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.scoping import Scope, ScopedQuerySet
from anxin.feedback.models import PointsEntry
from anxin.notifications.models import Notification, OutboxMessage
from anxin.tickets.models import Ticket

ADMIN = Actor(role=Role.ADMIN, user_id=1, platform=True)
MERCHANT = Actor(role=Role.MERCHANT_STAFF, user_id=2, merchant_ids=frozenset({7, 8}))
MERCHANT_TOKEN = Actor(role=Role.INTEGRATOR, token_id=3, merchant_ids=frozenset({7}))
CONSUMER = Actor(role=Role.CONSUMER, user_id=4, customer_ids=frozenset({40, 41}))
PLATFORM_TOKEN = Actor(role=Role.INTEGRATOR, token_id=5, platform=True)


def test_platform_staff_and_the_system_read_every_row_of_a_tenant_model():
    # given / when / then
    assert Order.scope.condition(ADMIN) == Q()
    assert Case.scope.condition(SYSTEM) == Q()
    assert not Case.objects.for_actor(ADMIN).query.where


def test_merchant_users_and_tokens_read_their_merchants_rows():
    # given / when / then
    assert Case.scope.condition(MERCHANT) == Q(merchant_id__in=frozenset({7, 8}))
    assert Order.scope.condition(MERCHANT_TOKEN) == Q(merchant_id__in=frozenset({7}))


def test_a_consumer_reads_the_rows_of_their_customer_records_along_the_declared_path():
    # given / when / then
    assert Order.scope.condition(CONSUMER) == Q(customer_id__in=frozenset({40, 41}))
    assert Refund.scope.condition(CONSUMER) == Q(case__customer_id__in=frozenset({40, 41}))
    assert Customer.scope.condition(CONSUMER) == Q(pk__in=frozenset({40, 41}))


def test_a_consumer_reads_the_tickets_they_requested():
    # given / when / then
    assert Ticket.scope.condition(CONSUMER) == Q(requester_id=4)
    assert Ticket.scope.condition(Actor(role=Role.CONSUMER)) is None


def test_owned_rows_are_personal_even_for_platform_staff():
    # given / when / then
    assert Notification.scope.condition(ADMIN) == Q(recipient_id=1)
    assert PointsEntry.scope.condition(MERCHANT) == Q(user_id=2)
    assert Notification.objects.for_actor(PLATFORM_TOKEN).query.is_empty()


def test_a_fixed_condition_holds_every_reader_platform_staff_included():
    # given
    deliveries = OutboxMessage.objects.for_actor(ADMIN)
    # when
    sql = str(deliveries.query)
    # then
    assert OutboxMessage.scope.condition(ADMIN) == Q()
    assert '"channel" = webhook' in sql.replace("'", "")


def test_nobody_else_reads_anything():
    # given
    stranger = Actor(role=Role.MERCHANT_STAFF, user_id=9)
    consumer_without_customers = Actor(role=Role.CONSUMER, user_id=10)
    # when / then
    assert Case.objects.for_actor(stranger).query.is_empty()
    assert Order.objects.for_actor(consumer_without_customers).query.is_empty()
    assert Refund.objects.for_actor(PLATFORM_TOKEN.__class__(role=Role.INTEGRATOR)).query.is_empty()


def test_for_actor_narrows_an_already_filtered_queryset():
    # given
    open_cases = Case.objects.filter(status="merchant_review")
    # when
    mine = open_cases.for_actor(MERCHANT)
    # then
    sql = str(mine.query)
    assert "status" in sql and "merchant_id" in sql


def test_a_model_without_a_declaration_cannot_be_read_for_an_actor():
    # given
    events = ScopedQuerySet(model=CaseEvent)
    # when / then
    with pytest.raises(ImproperlyConfigured):
        events.for_actor(ADMIN)


def test_an_owner_scope_does_not_mix_with_tenant_fields():
    # given / when / then
    with pytest.raises(ImproperlyConfigured):
        Scope(owner="user_id", merchant="merchant_id")
