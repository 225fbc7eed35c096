"""Rate limits against the running server: per author first, per address generously, per thread,
for every action, with 429, Retry-After and a message in each surface's own shape; the counts are
shared by both worker processes.

Counts are kept in fixed windows (a minute, an hour), and a window may end in the middle of a run of
requests, starting the count again. So each run is made with identities of its own and, if it does
not show the limit, made once more: two runs a few seconds long cannot both straddle a minute's end.
"""

import time

from tests.abuse.conftest import SITE_PAGES, WAIT_TO_FILL


def expect(run, expected) -> int:
    """Which run (0 or 1) showed `expected`: its identities are the ones over the limit now."""
    if run(0) == expected:
        return 0
    assert run(1) == expected
    return 1


def test_one_author_is_stopped_after_five_comments_a_minute_whichever_worker_answers(make_reader):
    # Every request on a new connection, spread over both workers: shared counts allow five in all.
    def run(attempt):
        reader = make_reader()
        return [reader.post_api(story="one-author", body=f"Thought {attempt}.{n}.",
                                name=f"Quick Quentin {attempt}").status for n in range(12)]

    expect(run, [201] * 5 + [429] * 7)
    reader = make_reader()
    for n in range(6):
        refused = reader.post_api(story="one-author", body=f"One more {n}.", name="Slow Sam")
    assert refused.status == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 65
    problem = refused.json()
    assert problem["status"] == 429 and "faster than this site allows" in problem["detail"]
    assert problem["retry_after"] == int(refused.headers["Retry-After"])


def test_a_newsroom_behind_one_address_can_all_comment_until_the_generous_address_limit(make_reader):
    def run(attempt):
        reader = make_reader()
        return [reader.post_api(story="office", body=f"Reporter {attempt}.{n} has a view.",
                                name=f"Reporter {attempt}.{n}").status for n in range(61)]

    expect(run, [201] * 60 + [429])


def test_the_html_form_over_the_limit_answers_429_with_the_text_kept(make_reader):
    pages = [make_reader().form_page("form-limit") for _ in range(2)]
    time.sleep(WAIT_TO_FILL)

    def run(attempt):
        return [pages[attempt].post(body=f"Typed by hand, {attempt}.{n}.",
                                    name=f"Fast Fingers {attempt}").status for n in range(6)]

    used = expect(run, [302] * 5 + [429])
    refused = pages[used].post(body="Words I would hate to lose.", name=f"Fast Fingers {used}")
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Words I would hate to lose." in refused.text and f"Fast Fingers {used}" in refused.text
    assert "faster than this site allows" in refused.text


def test_the_isso_api_answers_429_as_plain_text_with_retry_after(make_reader):
    readers = [make_reader(), make_reader()]

    def run(attempt):
        return [readers[attempt].post_isso(story="isso-limit", text=f"Isso comment {attempt}.{n}.",
                                           author=f"Iris {attempt}").status for n in range(6)]

    used = expect(run, [201] * 5 + [429])
    refused = readers[used].post_isso(story="isso-limit", text="And another.", author=f"Iris {used}")
    assert refused.status == 429 and refused.headers["Content-Type"].startswith("text/plain")
    assert int(refused.headers["Retry-After"]) >= 1 and "faster" in refused.text


def test_votes_are_limited_per_reader(make_reader):
    comment = make_reader().post_api(story="votes", body="Vote on me.", name="Target").json()
    path = f"/api/v1/comments/{comment['id']}/vote"

    def run(attempt):
        reader = make_reader()
        return [reader.json("POST", path, {"value": 1 if n % 2 == 0 else 0},
                            {"X-Rostra-Reader": f"one-reader-{attempt}"}).status for n in range(61)]

    expect(run, [200] * 60 + [429])
    isso_like = make_reader().json("POST", f"/isso/news/id/{comment['id']}/like")
    assert isso_like.status == 200  # Isso votes count per address, which has room left


def test_counts_are_limited_per_address_on_both_apis(make_reader):
    def run(attempt):
        reader = make_reader()
        statuses = [reader.json("POST", "/api/v1/counts", {"urls": [f"{SITE_PAGES}/x/"]}).status
                    for _ in range(20)]
        isso = reader.json("POST", "/isso/news/count", ["/x/"])
        api = reader.json("POST", "/api/v1/counts", {"urls": [f"{SITE_PAGES}/x/"]})
        assert "Retry-After" in isso.headers or isso.status != 429
        return statuses + [isso.status, api.status]

    expect(run, [200] * 20 + [429, 429])


def test_edits_are_limited_per_comment_token(make_reader):
    def run(attempt):
        reader = make_reader()
        created = reader.post_api(story="edits", body=f"First draft {attempt}.", name="Editor").json()
        bearer = {"Authorization": f"Bearer {created['edit_token']}"}
        path = f"/api/v1/comments/{created['id']}"
        return [reader.json("PATCH", path, {"body": f"Draft {n}."}, bearer).status for n in range(21)]

    expect(run, [200] * 20 + [429])


def test_sign_in_attempts_are_limited_per_user_name_with_the_name_kept(make_reader):
    reader = make_reader()
    reader.request("GET", "/admin/login/")
    token = reader.cookies["csrftoken"]

    def attempt(name):
        return reader.request("POST", "/admin/login/", (
            f"csrfmiddlewaretoken={token}&username={name}&password=wrong&next=/admin/"),
            {"Content-Type": "application/x-www-form-urlencoded"})

    used = expect(lambda n: [attempt(f"guessed-editor-{n}").status for _ in range(6)], [200] * 5 + [429])
    refused = attempt(f"guessed-editor-{used}")
    assert refused.status == 429 and f'value="guessed-editor-{used}"' in refused.text
    assert "faster than this site allows" in refused.text


def test_one_thread_takes_at_most_120_new_comments_a_minute(make_reader):
    def run(attempt):
        readers = [make_reader() for _ in range(3)]
        return [readers[n % 3].post_api(story=f"raid-{attempt}", body=f"Raid {n}.",
                                        name=f"Raider {n}").status for n in range(121)]

    expect(run, [201] * 120 + [429])
    elsewhere = make_reader().post_api(story="calm", body="Meanwhile, another story.", name="Calm")
    assert elsewhere.status == 201
