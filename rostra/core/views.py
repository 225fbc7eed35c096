"""Operational endpoints."""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 "ok" when the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy", never a 500
        return HttpResponse(f"database unavailable: {type(exc).__name__}", status=503,
                            content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
