"""Isso's paths, mounted per site at /isso/<site>/ and for the request's site at /isso/."""

from django.urls import include, path

from rostra.api.isso import views

endpoints = [
    path("", views.fetch, name="fetch"),
    path("new", views.new, name="new"),
    path("count", views.counts, name="count"),
    path("feed", views.feed, name="feed"),
    path("latest", views.latest, name="latest"),
    path("preview", views.preview, name="preview"),
    path("config", views.config, name="config"),
    path("info", views.info, name="info"),
    path("id/<id:comment_id>", views.comment, name="comment"),
    path("id/<id:comment_id>/like", views.like, name="like"),
    path("id/<id:comment_id>/dislike", views.dislike, name="dislike"),
    path("js/<str:name>", views.client_file, {"folder": "js"}, name="client-js"),
    path("css/<str:name>", views.client_file, {"folder": "css"}, name="client-css"),
]

app_name = "isso"
urlpatterns = [
    path("", include(endpoints)),
    path("<slug:site_slug>/", include(endpoints)),
]
