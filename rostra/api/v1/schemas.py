"""The shapes the JSON API speaks, as typed schemas (they generate the OpenAPI document)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from rostra.core.converters import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ThreadOut(Schema):
    id: int
    site: str
    url: str = Field(description="The page the discussion belongs to (empty for Rostra-hosted articles).")
    title: str
    comment_count: int = Field(description="Visible comments, replies included.")
    comments_open: bool
    page_url: str = Field(description="Rostra's own page for this discussion.")


class CommentOut(Schema):
    id: int
    thread_id: int
    parent: int | None
    depth: int
    author_name: str = Field(description='"[deleted]" or "[removed]" for a comment that is not visible.')
    author_website: str
    body_html: str = Field(description="Sanitised HTML, rendered once when the comment was written.")
    body: str = Field(description="The text as its author wrote it (markdown, or plain for imports).")
    created: datetime | None = Field(description="Empty when the source of an import did not say.")
    edited: datetime | None
    state: Literal["visible", "deleted", "removed"] = Field(
        description='"removed": hidden by a moderator, kept only as the place its replies hang from.'
    )
    placeholder: bool = Field(description="Stands in for a comment an import named but did not hold.")
    score: int
    upvotes: int
    downvotes: int
    permalink: str


class CommentNode(CommentOut):
    replies: list["CommentNode"]
    continues: bool = Field(description="Replies deeper than the display depth exist: see `thread_url`.")
    more_replies: int = Field(description="Replies under this top-level comment cut from this page.")
    thread_url: str = Field(description="The API address of this comment's sub-thread.")


CommentNode.model_rebuild()


class CommentPage(Schema):
    thread: ThreadOut
    sort: Literal["oldest", "newest", "best"]
    items: list[CommentNode]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class SubThread(Schema):
    comment: CommentNode
    next_after: str | None = Field(description="Pass as `after` for the rest of a long sub-thread.")


class CommentIn(Schema):
    site: str = Field(description="The site's slug.")
    url: str = Field(description="The page being discussed; its thread is created on first comment.")
    title: str = Field("", description="The page's title, used when the thread is created.")
    parent: Id | None = Field(None, description="The comment replied to, or null.")
    body: str = Field(description="Markdown: emphasis, links, quotes, code, lists.")
    author_name: str
    author_email: str = ""
    author_website: str = ""


class CommentCreated(CommentOut):
    edit_token: str = Field(
        description="Send as `Authorization: Bearer …` to edit or delete within the edit window."
    )
    edit_expires: datetime


class CommentEdit(Schema):
    body: str


class VoteIn(Schema):
    value: Literal[1, -1, 0] = Field(description="1 up, -1 down, 0 take the vote back.")


class VoteOut(Schema):
    upvotes: int
    downvotes: int
    score: int
    mine: Literal[1, -1, 0]


class CountsIn(Schema):
    urls: list[str] = Field(max_length=200)
    site: str | None = Field(None, description="Limit to one site (slug).")


class CountsOut(Schema):
    counts: dict[str, int] = Field(description="URL → visible comments (replies included); 0 if none.")


class PreviewIn(Schema):
    body: str


class PreviewOut(Schema):
    body_html: str


class ProblemField(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None
