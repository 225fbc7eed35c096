"""Rate limits against the running server: per author first, per address generously, per thread,
for every action, with 429, Retry-After and a message in each surface's own shape; the counts are
shared by both worker processes."""

import time

from tests.abuse.conftest import SITE_PAGES, WAIT_TO_FILL


def test_one_author_is_stopped_after_five_comments_a_minute_whichever_worker_answers(reader):
    statuses = [reader.post_api(story="one-author", body=f"Thought number {n}.",
                                name="Quick Quentin").status for n in range(12)]
    # Every request on a new connection, spread over both workers: shared counts allow five in all.
    assert statuses == [201] * 5 + [429] * 7
    refused = reader.post_api(story="one-author", body="One more.", name="Quick Quentin")
    assert refused.status == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 65
    problem = refused.json()
    assert problem["status"] == 429 and "faster than this site allows" in problem["detail"]
    assert problem["retry_after"] == int(refused.headers["Retry-After"])


def test_a_newsroom_behind_one_address_can_all_comment_until_the_generous_address_limit(reader):
    statuses = [reader.post_api(story="office", body=f"Reporter {n} has a view.",
                                name=f"Reporter {n}").status for n in range(61)]
    assert statuses == [201] * 60 + [429]


def test_the_html_form_over_the_limit_answers_429_with_the_text_kept(reader):
    page = reader.form_page("form-limit")
    time.sleep(WAIT_TO_FILL)
    statuses = [page.post(body=f"Typed by hand, number {n}.", name="Fast Fingers").status
                for n in range(5)]
    assert statuses == [302] * 5
    refused = page.post(body="Words I would hate to lose.", name="Fast Fingers")
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Words I would hate to lose." in refused.text and "Fast Fingers" in refused.text
    assert "faster than this site allows" in refused.text


def test_the_isso_api_answers_429_as_plain_text_with_retry_after(reader):
    statuses = [reader.post_isso(story="isso-limit", text=f"Isso comment {n}.", author="Iris").status
                for n in range(6)]
    assert statuses == [201] * 5 + [429]
    refused = reader.post_isso(story="isso-limit", text="And another.", author="Iris")
    assert refused.status == 429 and refused.headers["Content-Type"].startswith("text/plain")
    assert int(refused.headers["Retry-After"]) >= 1 and "faster" in refused.text


def test_votes_are_limited_per_reader(reader, make_reader):
    comment = make_reader().post_api(story="votes", body="Vote on me.", name="Target").json()
    path = f"/api/v1/comments/{comment['id']}/vote"
    statuses = [reader.json("POST", path, {"value": 1 if n % 2 == 0 else 0},
                            {"X-Rostra-Reader": "one-reader"}).status for n in range(61)]
    assert statuses == [200] * 60 + [429]
    isso_like = reader.json("POST", f"/isso/news/id/{comment['id']}/like")
    assert isso_like.status == 200  # Isso votes count per address, which has room left


def test_counts_are_limited_per_address_on_both_apis(reader):
    statuses = [reader.json("POST", "/api/v1/counts", {"urls": [f"{SITE_PAGES}/x/"]}).status
                for _ in range(20)]
    isso = reader.json("POST", "/isso/news/count", ["/x/"])
    api = reader.json("POST", "/api/v1/counts", {"urls": [f"{SITE_PAGES}/x/"]})
    assert statuses == [200] * 20 and isso.status == 429 and api.status == 429
    assert "Retry-After" in isso.headers and api.json()["status"] == 429


def test_edits_are_limited_per_comment_token(reader):
    created = reader.post_api(story="edits", body="First draft.", name="Editor").json()
    bearer = {"Authorization": f"Bearer {created['edit_token']}"}
    path = f"/api/v1/comments/{created['id']}"
    statuses = [reader.json("PATCH", path, {"body": f"Draft {n}."}, bearer).status for n in range(21)]
    assert statuses == [200] * 20 + [429]


def test_sign_in_attempts_are_limited_per_user_name_with_the_name_kept(reader):
    reader.request("GET", "/admin/login/")
    token = reader.cookies["csrftoken"]

    def attempt():
        return reader.request("POST", "/admin/login/", (
            f"csrfmiddlewaretoken={token}&username=guessed-editor&password=wrong&next=/admin/"),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"})

    statuses = [attempt().status for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = attempt()
    assert refused.status == 429 and 'value="guessed-editor"' in refused.text
    assert "faster than this site allows" in refused.text


def test_one_thread_takes_at_most_120_new_comments_a_minute(make_reader):
    readers = [make_reader() for _ in range(3)]
    statuses = [readers[n % 3].post_api(story="raid", body=f"Raid {n}.", name=f"Raider {n}").status
                for n in range(121)]
    assert statuses == [201] * 120 + [429]
    elsewhere = readers[0].post_api(story="calm", body="Meanwhile, another story.", name="Calm")
    assert elsewhere.status == 201
