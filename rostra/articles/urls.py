from django.urls import path

from rostra.articles import views
from rostra.discussion.views import post

app_name = "articles"
urlpatterns = [
    path("", views.front, name="front"),
    path("a/<slug:slug>/", views.article, name="article"),
    path("a/<slug:slug>/comments", post.post_comment, name="post-comment"),
]
