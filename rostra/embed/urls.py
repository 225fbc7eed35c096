from django.urls import path

from rostra.embed import views

app_name = "embed"
urlpatterns = [
    path("embed.js", views.loader, name="loader"),
    path("embed/embed.css", views.stylesheet, name="stylesheet"),
    path("embed/thread", views.thread_fragment, name="thread"),
    path("embed/comments/<id:comment_id>/thread", views.subthread_fragment, name="subthread"),
    path("discuss", views.discuss, name="discuss"),
]
