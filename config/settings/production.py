"""Production: every secret must come from the environment; secure cookies and HSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_list

DEBUG = False
_secret = env("ANXIN_SECRET_KEY")
if not _secret:
    raise ImproperlyConfigured("ANXIN_SECRET_KEY must be set in production.")
SECRET_KEY = _secret
if not env_list("ANXIN_FIELD_KEYS"):
    raise ImproperlyConfigured("ANXIN_FIELD_KEYS must be set in production.")
if not env("ANXIN_LOOKUP_KEY"):
    raise ImproperlyConfigured("ANXIN_LOOKUP_KEY must be set in production.")

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
