"""schemathesis against /api/v1/openapi.json: no input makes the API fail or break its own schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rostra.discussion.create import create_comment


@pytest.fixture
def api_schema(site, make_article):
    site.domains, site.origins = ["news.example.org"], ["https://blog.example.org"]
    site.save()
    thread = make_article(url="https://news.example.org/story/")
    top = create_comment(thread=thread, parent_id=None, author_name="Ana", body="Top").comment
    create_comment(thread=thread, parent_id=top.pk, author_name="Bo", body="Reply")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# Derandomised: CI sees the same inputs every run, so a failure reproduces.
# Raise max_examples (or drop derandomize) locally to search wider.
FUZZ = settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def test_every_operation_answers_within_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def check(case):
            # Rules a schema cannot state (limits configured at run time, Django's email rules, a URL
            # belonging to the site) may turn schema-valid input into a 422 problem, so the
            # "positive data is accepted" check is left out; every other check runs.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()


def test_stateful_sequences_follow_links_without_failing(api_schema):
    machine = api_schema.as_state_machine()
    machine.run(settings=settings(max_examples=15, stateful_step_count=6, deadline=None, derandomize=True,
                                  suppress_health_check=list(HealthCheck)))
