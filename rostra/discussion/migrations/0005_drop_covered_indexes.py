# The composite indexes (thread, path) and (root, path) serve every lookup these did.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_article_url_unique'),
        ('discussion', '0004_address_hash_not_address'),
    ]

    operations = [
        migrations.AlterField(
            model_name='comment',
            name='root',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, help_text="The top-level comment of this comment's subtree (itself when top-level).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='discussion.comment'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='thread',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='comments', to='articles.article'),
        ),
    ]
