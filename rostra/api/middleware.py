"""The edge of the cross-origin surface (/api/, /embed/, /isso/): CORS for allowed origins, size and type
limits.

Browsers get CORS answers only for origins some site allows; the API itself then refuses writes whose
Origin is not one of the target site's (CORS alone is not a guard). Writes must be JSON, which a
cross-site HTML form cannot send, and bodies over the limit are refused before they are read. The
Isso-compatible API answers a body of another type itself (403, as Isso does) and exposes the
X-Set-Cookie header its client copies into the page's cookies.
"""

from django.http import HttpResponse

from rostra.api.problems import problem
from rostra.sites.origins import allowed_origins, request_origin

PREFIXES = ("/api/", "/embed/", "/isso/")
ISSO_PREFIX = "/isso/"
MAX_REQUEST_BYTES = 256 * 1024
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Rostra-Reader"
EXPOSED_HEADERS = "ETag, Date"
ISSO_EXPOSED_HEADERS = "X-Set-Cookie, Date"


class CrossOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIXES):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        cors_origin = origin if origin and self._allowed(request, origin) else None
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = self._preflight() if cors_origin else problem(403, "This origin may not call Rostra.")
        else:
            response = self._limits(request) or self.get_response(request)
            response = self._as_problem(request, response)
        if cors_origin:
            response["Access-Control-Allow-Origin"] = cors_origin
            response["Access-Control-Allow-Credentials"] = "true"
            response["Access-Control-Expose-Headers"] = (
                ISSO_EXPOSED_HEADERS if request.path.startswith(ISSO_PREFIX) else EXPOSED_HEADERS
            )
        vary = response.get("Vary")
        response["Vary"] = f"{vary}, Origin" if vary else "Origin"
        return response

    @staticmethod
    def _as_problem(request, response):
        """The API's 404s and 405s for paths and methods it does not have are problems too."""
        if not request.path.startswith("/api/") or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/problem+json"):
            return response
        if response.status_code == 404:
            return problem(404, "There is no such API address (see /api/v1/docs).")
        answer = problem(405, f"{request.method} is not allowed here.")
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer

    @staticmethod
    def _preflight():
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = "600"
        return response

    @staticmethod
    def _allowed(request, origin: str) -> bool:
        origin = origin.lower()
        return origin == request_origin(request) or origin in allowed_origins()

    @staticmethod
    def _limits(request):
        if request.method not in ("POST", "PATCH", "PUT"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "The Content-Length header is not a number.")
        if length > MAX_REQUEST_BYTES:
            return problem(413, f"Requests are limited to {MAX_REQUEST_BYTES // 1024} KiB.")
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json" and not request.path.startswith(ISSO_PREFIX):
            return problem(415, "Send the request body as JSON (Content-Type: application/json).")
        return None
