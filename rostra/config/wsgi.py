"""WSGI entry point for pages and the API (served by granian: `rostra serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
application = get_wsgi_application()
