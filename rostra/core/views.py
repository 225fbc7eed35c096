"""Operational endpoints."""

import json
import logging

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


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


CSP_REPORT_LIMIT = 16 * 1024
csp_log = logging.getLogger("rostra.csp")


@csrf_exempt
@require_POST
def csp_report(request):
    """Where browsers report what the Content-Security-Policy blocked (the policy's report-uri).

    Each report is logged as a warning on the `rostra.csp` logger (on a healthy site there are none:
    every one is either a bug in Rostra's pages or someone trying to inject script). Nothing is
    stored; a report over 16 KiB is not read.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = CSP_REPORT_LIMIT + 1
    if length > CSP_REPORT_LIMIT:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    body = report.get("csp-report", report) if isinstance(report, dict) else report
    csp_log.warning("CSP violation: %s", json.dumps(body, sort_keys=True)[:2000])
    return HttpResponse(status=204)
