from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "anxin.catalog"
    label = "catalog"
    verbose_name = _("Catalog and orders")

    def ready(self) -> None:
        from . import effects  # noqa: F401  (registers the merchant workflow with its hooks)
