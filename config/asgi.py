"""ASGI entry point (kept for completeness; hot paths are served over WSGI, see QUALITY.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_asgi_application()
