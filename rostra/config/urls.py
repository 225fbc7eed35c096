from django.contrib import admin
from django.urls import include, path, register_converter

from rostra.api.v1.api import api as api_v1
from rostra.core.converters import IdConverter
from rostra.core.signin import admin_sign_in
from rostra.core.views import csp_report, healthz

register_converter(IdConverter, "id")

urlpatterns = [
    path("admin/login/", admin_sign_in),  # before the admin's own: counted against rate limits
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("csp-report", csp_report, name="csp-report"),
    path("api/v1/", api_v1.urls),
    path("isso/", include("rostra.api.isso.urls")),
    path("", include("rostra.embed.urls")),
    path("", include("rostra.discussion.urls")),
    path("", include("rostra.articles.urls")),
]

handler404 = "rostra.core.errorpages.not_found"
handler400 = "rostra.core.errorpages.bad_request"
handler403 = "rostra.core.errorpages.forbidden"
handler500 = "rostra.core.errorpages.server_error"
