"""Comments and threads as the API's JSON (dicts shaped like the schemas in `schemas.py`)."""

from rostra.articles.models import Article
from rostra.core.links import id_url
from rostra.core.markup import web_address
from rostra.discussion.models import Comment
from rostra.discussion.queries import Node


def thread_json(thread: Article) -> dict:
    return {
        "id": thread.pk,
        "site": thread.site.slug,
        "url": thread.url,
        "title": thread.title,
        "comment_count": thread.comment_count,
        "comments_open": thread.comments_open,
        "page_url": thread.get_absolute_url(),
    }


def comment_json(comment: Comment) -> dict:
    deleted = comment.is_stub
    return {
        "id": comment.pk,
        "thread_id": comment.thread_id,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author_name": comment.stub_label if deleted else comment.author_name,
        "author_website": "" if deleted or comment.is_placeholder else web_address(comment.author_website),
        "body_html": "" if deleted or comment.is_placeholder else comment.body_html,
        "body": "" if deleted or comment.is_placeholder else comment.body_source,
        "created": comment.created.isoformat() if comment.created else None,
        "edited": comment.edited.isoformat() if comment.edited else None,
        "state": "visible" if not deleted else ("deleted" if comment.is_deleted else "removed"),
        "placeholder": comment.is_placeholder,
        "score": comment.score,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "permalink": id_url("discussion:permalink", comment.pk),
    }


def node_json(node: Node) -> dict:
    return {
        **comment_json(node.comment),
        "replies": [node_json(child) for child in node.children],
        "continues": node.continues,
        "more_replies": node.more_replies,
        "thread_url": id_url("api-v1:comment_thread", node.pk)
        + (f"?after={node.more_after}" if node.more_replies else ""),
    }
