"""load_thread: the one path every importer's records take into Rostra, idempotent and all-or-nothing."""

from collections.abc import Iterable

from django.db import transaction

from rostra.articles.models import Article
from rostra.articles.publish import free_slug, save_article
from rostra.discussion.create import create_comment
from rostra.discussion.models import Comment
from rostra.porting.records import ArticleRecord, CommentRecord, ImportReport, SourceError
from rostra.sites.models import Site


def load_thread(
    site: Site, article: ArticleRecord, comments: Iterable[CommentRecord],
    report: ImportReport | None = None,
) -> ImportReport:
    """Store an article and its comments (parents before replies) in one transaction.

    What an earlier import already stored (same source and source id) is left as it is and counted
    as existing, so running an import twice adds nothing.
    """
    report = report or ImportReport()
    with transaction.atomic():
        thread = Article.objects.filter(
            site=site, source=article.source, source_id=article.source_id
        ).first()
        if thread is None:
            thread = save_article(_new_article(site, article))
            report.articles_created += 1
        else:
            report.articles_existing += 1
        known = dict(
            Comment.objects.filter(thread=thread, source=article.source)
            .values_list("source_id", "pk")
        )
        for record in comments:
            if record.source_id in known:
                report.comments_existing += 1
                continue
            parent_id = None
            if record.parent_source_id is not None:
                parent_id = known.get(record.parent_source_id)
                if parent_id is None:
                    raise SourceError(
                        f"the comment by {record.author_name} replies to one not in the import",
                        line=record.line or None,
                    )
            created = create_comment(
                thread=thread,
                parent_id=parent_id,
                author_name=record.author_name,
                author_email=record.author_email,
                author_website=record.author_website,
                body=record.body,
                body_format=record.body_format,
                state=record.state,
                created=record.created,
                source=article.source,
                source_id=record.source_id,
                is_placeholder=record.is_placeholder,
                imported=True,
            ).comment
            known[record.source_id] = created.pk
            report.comments_created += 1
            report.placeholders_created += record.is_placeholder
    return report


def _new_article(site: Site, record: ArticleRecord) -> Article:
    return Article(
        site=site,
        slug=free_slug(record.slug),
        url=record.url,
        title=record.title,
        submitted_by=record.submitted_by,
        via=record.via,
        published=record.published,
        body_source=record.body,
        body_format=record.body_format,
        image_caption=record.image_caption,
        image_credit=record.image_credit,
        image_position=record.image_position,
        source=record.source,
        source_id=record.source_id,
    )
