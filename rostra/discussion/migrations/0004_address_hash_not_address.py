# Addresses stored before this version are dropped, not hashed: the hash is only ever needed for
# the last few minutes (duplicate and flood checks), and the point is that no address is kept.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('discussion', '0003_comment_html_body_format'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='comment',
            name='ip_address',
        ),
        migrations.AddField(
            model_name='comment',
            name='address_hash',
            field=models.CharField(blank=True, editable=False, help_text="Keyed hash of the author's network address, cleared after the retention period (never the address: see rostra/identity/addresses.py).", max_length=32),
        ),
    ]
