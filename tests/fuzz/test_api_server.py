"""schemathesis against a running `rostra serve`: the JSON API (its own OpenAPI document) and the
Isso-compatible API (docs/isso-openapi.yaml), operation by operation and in stateful sequences that
follow the documents' links (post a comment, then read, edit, vote on and delete it). Nothing may
answer 5xx, and the server's log must hold no traceback.

Derandomised, so a failure reproduces; raise the example counts locally to search wider.
"""

import http.client
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.concurrency.serving import REPO, SITE_PAGES, serving, site_environment

pytestmark = pytest.mark.slow
ISSO_DOCUMENT = REPO / "docs" / "isso-openapi.yaml"
EXAMPLES = 40
STATEFUL = settings(max_examples=20, stateful_step_count=6, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
# Rules no schema states (a page's URL must be on the site, the configured length limits, Django's
# email rules, Isso's "a parent elsewhere makes a top-level comment") turn some schema-valid input into
# 4xx and let some schema-invalid input through, so the two data-acceptance checks are left out.
LEFT_OUT = [positive_data_acceptance, negative_data_rejection]
UNIQUE = itertools.count()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("fuzz")
    env = site_environment(var_dir)
    log = var_dir / "server.log"
    with serving(env, log) as (base, _):
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port))
        connection.request("POST", "/api/v1/comments", json.dumps({
            "site": "news", "url": f"{SITE_PAGES}/story/", "title": "Story", "body": "First words",
            "author_name": "Desk"}), {"Content-Type": "application/json"})
        assert connection.getresponse().status == 201
        yield base, log
    assert "Traceback" not in log.read_text(), log.read_text()[-5000:]


def fuzz_operations(schema, tally: Counter) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call_and_validate(excluded_checks=LEFT_OUT)
            tally[response.status_code] += 1

        check()


def fuzz_sequences(schema, tally: Counter) -> None:
    machine = schema.as_state_machine()

    class Counted(machine):
        def before_call(self, case):
            # Words never posted before: a replayed step is answered as the first run was, not as
            # a repeat of the same words (which Rostra refuses).
            if isinstance(case.body, dict):
                for field in ("body", "text"):
                    if isinstance(case.body.get(field), str):
                        case.body[field] += f" #{next(UNIQUE)}"

        def validate_response(self, response, case, **kwargs):
            tally[response.status_code] += 1
            case.validate_response(response, checks=[not_a_server_error])

    Counted.run(settings=STATEFUL)


def isso_schema(base: str):
    document = yaml.safe_load(Path(ISSO_DOCUMENT).read_text())
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=f"{base}/isso/news")
    return schema


def json_api_schema(base: str):
    """The served document, with the site and page narrowed to ones that exist, so that posts get
    through (and the stateful runs have comments to follow links from)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", "/api/v1/openapi.json")
    document = json.loads(connection.getresponse().read())
    fields = document["components"]["schemas"]["CommentIn"]["properties"]
    fields["site"] = {"type": "string", "enum": ["news"]}
    fields["url"] = {"type": "string", "enum": [f"{SITE_PAGES}/story/", f"{SITE_PAGES}/other/"]}
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=base)
    return schema


@pytest.mark.parametrize(("name", "make_schema"), [("JSON API", json_api_schema), ("Isso API", isso_schema)])
def test_the_api_never_fails(server, name, make_schema):
    base, log = server
    schema = make_schema(base)
    tally: Counter = Counter()
    fuzz_operations(schema, tally)
    fuzz_sequences(schema, tally)
    print(f"{name}: {sum(tally.values())} requests, by status {dict(sorted(tally.items()))}")
    assert not [status for status in tally if status >= 500]
