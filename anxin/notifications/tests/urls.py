"""The notifications router on its own API, so its tests do not depend on config/api.py."""

from django.urls import path
from ninja import NinjaAPI

from anxin.core.api.errors import install_error_handlers
from anxin.notifications.api.routes import router

api = NinjaAPI(title="Anxin notifications (tests)", version="test", urls_namespace="notif_test")
install_error_handlers(api)
api.add_router("", router)

urlpatterns = [path("api/v1/", api.urls)]
