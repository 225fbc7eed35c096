"""rostra createsite: add a site, or add domains and origins to an existing one."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rostra.sites.models import Site, validate_timezone
from rostra.sites.origins import forget_allowed_origins


def normalise_origin(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise CommandError(f"{value!r} is not an origin: write scheme://host[:port], "
                           "for example https://news.example.org")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def normalise_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if not domain or "/" in domain or ":" in domain.split("]")[-1] and not domain.startswith("["):
        raise CommandError(f"{value!r} is not a host name (for example news.example.org)")
    return domain


class Command(BaseCommand):
    help = (
        "Create a site. Run again with an existing slug to add domains and origins to it; "
        "nothing else about it changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", help="Required for a new site.")
        parser.add_argument("--domain", action="append", default=[], dest="domains")
        parser.add_argument("--origin", action="append", default=[], dest="origins")
        parser.add_argument("--timezone", help="For a new site (default UTC).")

    def handle(self, *args, slug, name, domains, origins, timezone, **options):
        domains = [normalise_domain(d) for d in domains]
        origins = [normalise_origin(o) for o in origins]
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            if not name:
                raise CommandError(f"There is no site {slug!r} yet: give it a --name.")
            if timezone:
                try:
                    validate_timezone(timezone)
                except ValidationError as exc:
                    raise CommandError(exc.messages[0]) from None
            site = Site(slug=slug, name=name, timezone=timezone or "UTC")
            try:
                site.full_clean(exclude=["domains", "origins"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            verb = "Created"
        else:
            verb = "Updated"
        site.domains = [*site.domains, *(d for d in domains if d not in site.domains)]
        site.origins = [*site.origins, *(o for o in origins if o not in site.origins)]
        site.save()
        forget_allowed_origins()
        self.stdout.write(
            f"{verb} site {site.slug!r} ({site.name}); domains: {', '.join(site.domains) or '-'}; "
            f"origins: {', '.join(site.origins) or '-'}"
        )
