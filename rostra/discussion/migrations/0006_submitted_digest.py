# The digest of a new comment's words, and indexes for the check of a new comment against its
# author's earlier ones in the thread with the same words. The user's own foreign-key index gives way
# to comment_user_words, which starts with the same column: dropped by name rather than by altering
# the field, which SQLite would do by copying the whole comment table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

USER_INDEX = "discussion_comment_user_id_1aa237d0"


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_article_url_unique'),
        ('discussion', '0005_drop_covered_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='submitted_digest',
            field=models.BigIntegerField(blank=True, editable=False, help_text="Digest of the words as submitted (edits leave it): a new comment is checked against its author's earlier ones in the thread by it. Empty on imported comments.", null=True),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('address_hash', ''), _negated=True), fields=['address_hash', 'thread', 'submitted_digest'], name='comment_address_words'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('user__isnull', False)), fields=['user', 'thread', 'submitted_digest'], name='comment_user_words'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='comment',
                    name='user',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{USER_INDEX}" ON "discussion_comment" ("user_id")',
                ),
            ],
        ),
    ]
