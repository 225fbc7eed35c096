"""rostra demo: the demo site with the founding page imported (safe to run any number of times)."""

from importlib.resources import files

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rostra.sites.models import Site

DEMO_SLUG = "demo"
DEMO_PAGE = "raqqa-convoys.txt"


class Command(BaseCommand):
    help = "Create the demo site and import the founding page into it (idempotent)."

    def handle(self, *args, **options):
        if not Site.objects.filter(slug=DEMO_SLUG).exists():
            call_command(
                "createsite", slug=DEMO_SLUG, name="Rostra Demo News",
                timezone="America/New_York", domains=["127.0.0.1", "localhost"], stdout=self.stdout,
            )
        page = files("rostra.demo").joinpath(DEMO_PAGE)
        call_command("import", str(page), format="page", site=DEMO_SLUG, stdout=self.stdout)
