"""A comment and its replies as HTML: the markup of every thread page, sub-thread, embed and fragment.

Built in Python rather than by the template engine: a thread page shows a few hundred comments, and
Django's templates resolved some 55 variables for each (about 50 ms of a 1,000-comment thread's first
page, against the cold-read budget's 26 ms for the whole answer). What is the same for every comment
of a render (URL shapes, the CSRF input, the reader's votes and edit rights, the time zone) is worked
out once in `CommentMarkup`; each comment is then a few string joins.

Every value from a comment, the request or the context passes `escape` (what Django's autoescaping
applies, so the bytes are those the template gave), except `body_html`, which was sanitised when it
was written. `discussion/comment.html` renders these (its partials `votes` and `comment-main`, and
the whole comment), so views and templates keep asking for it by name.
"""

from html import escape
from urllib.parse import quote

from django.utils.timezone import get_current_timezone, localtime

from rostra.core.app_settings import app_settings
from rostra.core.dates import time_formatter
from rostra.core.links import id_url_shape
from rostra.core.markup import web_address

_LINKS = ("permalink", "vote", "reply", "edit", "delete", "subthread")


class CommentMarkup:
    """What every comment of one render shares, and the markup of a comment from it."""

    def __init__(self, *, embed=False, host_url="", base_url="", csrf_token=None, my_votes=None,
                 editable_ids=None, comments_open=False, zone=None):
        self.embed = bool(embed)
        self.my_votes = my_votes if hasattr(my_votes, "get") else {}
        self.editable_ids = editable_ids or ()
        self.comments_open = bool(comments_open)
        self.zone = zone or get_current_timezone()
        self.shown_time = time_formatter(app_settings.DATE_FORMAT)
        self.base_url = escape(str(base_url or ""))
        # Links to a comment: Rostra's permalink, or the host page's anchor inside an embed.
        self.href = (escape(str(host_url)) + "#c", "") if embed else _escaped_shape("permalink")
        self.urls = {name: _escaped_shape(name) for name in _LINKS}
        self._csrf_token = csrf_token
        self._csrf_input = None

    @classmethod
    def from_context(cls, context) -> "CommentMarkup":
        """The shared parts from a template context (what comment.html read from it)."""
        article, site = context.get("article"), context.get("site")
        return cls(
            embed=context.get("embed"), host_url=context.get("host_url", ""),
            base_url=context.get("base_url", ""), csrf_token=context.get("csrf_token"),
            my_votes=context.get("my_votes"), editable_ids=context.get("editable_ids"),
            comments_open=getattr(article, "comments_open", False),
            zone=site.tzinfo if site else None,
        )

    def tree(self, node, comment=None) -> str:
        """`comment` (node.comment by default) with the replies hanging under `node`, if any."""
        out = []
        self._tree(out, node, node.comment if comment is None else comment)
        return "".join(out)

    def trees(self, nodes) -> str:
        """Top-level nodes one after another, each as comment.html included for it gave them."""
        out = []
        for node in nodes:
            self._tree(out, node, node.comment)
        return "".join(out)

    def _tree(self, out: list, node, comment) -> None:
        pk = comment.pk
        classes = "comment"
        if comment.state != "visible":
            classes += " is-deleted"
        if comment.is_placeholder:
            classes += " is-placeholder"
        out.append(f'\n\n\n<article class="{classes}" id="c{pk}" data-depth="{comment.depth}">\n  ')
        out.append(self.main(comment))
        out.append(f'\n  <div class="reply-slot" id="reply-slot-c{pk}"></div>\n'
                   f'  <div class="replies" id="replies-c{pk}">')
        if node is not None:
            for child in node.children:
                self._tree(out, child, child.comment)
        out.append("</div>\n  ")
        if node is not None and node.continues:
            before, after = self.urls["subthread"]
            attribute = f' data-rostra-subthread="{pk}"' if self.embed else ""
            out.append(f'<p class="continue"><a href="{self.base_url}{before}{pk}{after}"{attribute}>'
                       "Continue this thread →</a></p>")
        out.append("\n  ")
        if node is not None and node.more_replies:
            before, after = self.urls["subthread"]
            more_after = str(node.more_after)
            attributes = (f' data-rostra-subthread="{pk}" data-rostra-after="{escape(more_after)}"'
                          if self.embed else "")
            count = node.more_replies
            out.append(f'<p class="more-replies"><a href="{self.base_url}{before}{pk}{after}?after='
                       f'{escape(quote(more_after))}"{attributes}>{count} more '
                       f'repl{"y" if count == 1 else "ies"} →</a></p>')
        out.append("\n</article>\n")

    def main(self, comment) -> str:
        """The comment's own part: author, time, words, "In reply to by", actions (partial
        comment-main, which an edit swaps in place)."""
        pk = comment.pk
        placeholder = comment.is_placeholder
        out = [f'\n<div class="comment-main" id="c{pk}-main">\n  ']
        stub = comment.state != "visible"
        if stub:
            label = "[deleted]" if comment.state == "deleted" else "[removed]"
            out.append(f'\n  <p class="comment-meta"><span class="author">{label}</span></p>\n'
                       f'  <div class="comment-body deleted"><p>{label}</p></div>\n  ')
        else:
            name = escape(comment.author_name)
            website = web_address(comment.author_website)
            if website and not placeholder:
                author = f'<a href="{escape(website)}" rel="nofollow ugc noopener">{name}</a>'
            else:
                author = name
            created = comment.created
            if created:
                local = localtime(created, self.zone)
                time = (f'<time datetime="{local.isoformat(timespec="seconds")}">'
                        f"{escape(self.shown_time(local))}</time>")
            else:
                time = ""
            edited = '<span class="edited" title="edited">(edited)</span>' if comment.edited else ""
            body = ('<p class="unavailable">This comment is not available.</p>' if placeholder
                    else comment.body_html)
            out.append(f'\n  <p class="comment-meta">\n    <span class="author">{author}</span>\n'
                       f"    {time}\n    {edited}\n"
                       f'    <a class="permalink" href="{self.href[0]}{pk}{self.href[1]}">Permalink</a>\n'
                       f'  </p>\n  <div class="comment-body">{body}</div>\n  ')
        out.append("\n  ")
        parent_id = comment.parent_id
        if parent_id:
            parent = comment.parent
            if parent.state == "visible":
                shown = (f'<a href="{self.href[0]}{int(parent_id)}{self.href[1]}">'
                         f"{escape(parent.author_name)}</a>")
            elif parent.state == "deleted":
                shown = f'<a href="{self.href[0]}{int(parent_id)}{self.href[1]}">[deleted]</a>'
            else:
                shown = "[removed]"
            out.append(f'\n  <p class="in-reply-to">In reply to by {shown}</p>\n  ')
        out.append("\n  ")
        if not stub and not placeholder:
            out.append('\n  <div class="comment-actions">\n    ')
            out.append(self.votes(comment))
            out.append("\n    ")
            if self.comments_open:
                if self.embed:
                    out.append(f'<button type="button" class="reply-link" data-rostra-reply="{pk}">'
                               "Reply</button>")
                else:
                    before, after = self.urls["reply"]
                    out.append(f'<a class="reply-link" href="{before}{pk}{after}" hx-get="{before}{pk}'
                               f'{after}" hx-target="#reply-slot-c{pk}" hx-swap="innerHTML">Reply</a>')
            out.append("\n    ")
            if pk in self.editable_ids:
                edit, delete = self.urls["edit"], self.urls["delete"]
                out.append(f'\n    <a class="edit-link" href="{edit[0]}{pk}{edit[1]}" hx-get="{edit[0]}'
                           f'{pk}{edit[1]}" hx-target="#c{pk}-main" hx-swap="outerHTML">Edit</a>\n'
                           f'    <a class="delete-link" href="{delete[0]}{pk}{delete[1]}">Delete</a>\n'
                           "    ")
            out.append("\n  </div>\n  ")
        out.append("\n</div>\n")
        return "".join(out)

    @property
    def csrf_input(self) -> str:
        """The vote form's CSRF field, as {% csrf_token %} writes it. Made when a vote form first needs
        it: reading the token makes the answer set the CSRF cookie, which an embed (votes without a
        form) or a page of stubs never asked for."""
        if self._csrf_input is None:
            token = self._csrf_token
            self._csrf_input = (
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
                if token and token != "NOTPROVIDED" else ""
            )
        return self._csrf_input

    def votes(self, comment) -> str:
        """The vote box (partial votes, which a vote swaps in place)."""
        pk = comment.pk
        tally = (f'<span class="score" title="{comment.upvotes} up, {comment.downvotes} down">'
                 f"{comment.score}</span>")
        if self.embed:
            return (f'\n\n<div class="votes" data-rostra-votes="{pk}">\n'
                    '  <button type="button" data-rostra-vote="1" class="vote-up" aria-label="Vote up"'
                    ' aria-pressed="false">▲</button>\n'
                    f"  {tally}\n"
                    '  <button type="button" data-rostra-vote="-1" class="vote-down" aria-label="Vote down"'
                    ' aria-pressed="false">▼</button>\n</div>\n\n')
        mine = self.my_votes.get(pk)
        before, after = self.urls["vote"]
        return (f'\n\n<form class="votes" id="votes-c{pk}" method="post" action="{before}{pk}{after}"\n'
                f'      hx-post="{before}{pk}{after}" hx-target="this" hx-swap="outerHTML">\n'
                f"  {self.csrf_input}\n"
                '  <button type="submit" name="value" value="up" class="vote-up" aria-label="Vote up"'
                f' aria-pressed="{"true" if mine == 1 else "false"}">▲</button>\n'
                f"  {tally}\n"
                '  <button type="submit" name="value" value="down" class="vote-down"'
                f' aria-label="Vote down" aria-pressed="{"true" if mine == -1 else "false"}">▼</button>\n'
                "</form>\n\n")


def _escaped_shape(name: str) -> tuple[str, str]:
    before, after = id_url_shape(f"discussion:{name}")
    return escape(before), escape(after)
