from django.urls import path

from rostra.discussion.views import manage, post, read, vote

app_name = "discussion"
urlpatterns = [
    path("c/<int:comment_id>", read.permalink, name="permalink"),
    path("c/<int:comment_id>/thread/", read.subthread, name="subthread"),
    path("c/<int:comment_id>/reply", post.reply_form, name="reply"),
    path("c/<int:comment_id>/edit", manage.edit, name="edit"),
    path("c/<int:comment_id>/delete", manage.delete, name="delete"),
    path("c/<int:comment_id>/vote", vote.vote, name="vote"),
    path("_/nothing", read.nothing, name="nothing"),
]
