from django.urls import path

from rostra.discussion.views import manage, post, read, vote

app_name = "discussion"
urlpatterns = [
    path("c/<id:comment_id>", read.permalink, name="permalink"),
    path("c/<id:comment_id>/thread/", read.subthread, name="subthread"),
    path("c/<id:comment_id>/reply", post.reply_form, name="reply"),
    path("c/<id:comment_id>/edit", manage.edit, name="edit"),
    path("c/<id:comment_id>/delete", manage.delete, name="delete"),
    path("c/<id:comment_id>/vote", vote.vote, name="vote"),
    path("_/nothing", read.nothing, name="nothing"),
]
