"""ASGI entry point, for the long-lived paths (server-sent events) that WSGI cannot hold."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
application = get_asgi_application()
