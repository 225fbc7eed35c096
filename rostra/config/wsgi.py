"""WSGI entry point for pages and the API (served by granian: `rostra serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.config.settings.base")
django_application = get_wsgi_application()

from rostra.core.replay import ReplayReads  # noqa: E402 (needs the settings above)

# Anonymous reads of an unchanged thread are replayed ahead of Django (see rostra.core.replay).
application = ReplayReads(django_application)
