"""Finding what a public page names: a shop by its code, a product by the shop's and its own code.
A shop still applying to the platform is not public: the same 404 as an unknown one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse

from anxin.catalog.models import Merchant, Sku
from anxin.catalog.selectors import merchant_public_get, sku_public_get
from anxin.core.errors import NotFound

View = TypeVar("View", bound=Callable[..., HttpResponse])


def public_or_404(view: View) -> View:
    """A public page: no sign-in; whatever the selectors do not find is the 404 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(str(error.message)) from error

    return wrapped  # type: ignore[return-value]


def public_merchant(code: str) -> Merchant:
    return merchant_public_get(code=code)


def public_sku(code: str, sku_code: str) -> Sku:
    return sku_public_get(merchant_code=code, code=sku_code)
