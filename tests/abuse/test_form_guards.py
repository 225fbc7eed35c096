"""The no-JS comment form's flood guards against the running server: a honeypot, a signed minimum
fill time, and duplicate words; each refusal says why and keeps what was typed."""

import time

from tests.abuse.conftest import WAIT_TO_FILL, Reader


def test_a_form_sent_sooner_than_a_person_could_is_refused_then_accepted_when_sent_again(reader):
    page = reader.form_page("quick")
    refused = page.post(body="Posted the moment the page appeared.", name="Bot Or Not")
    assert refused.status == 400
    assert "quicker than a person can write" in refused.text
    assert "Posted the moment the page appeared." in refused.text and "Bot Or Not" in refused.text
    time.sleep(WAIT_TO_FILL)
    again = page.post(body="Posted the moment the page appeared.", name="Bot Or Not")
    assert again.status == 302 and "#c" in again.headers["Location"]


def test_a_filled_honeypot_is_refused_with_the_text_kept_and_the_trap_emptied(reader):
    page = reader.form_page("honeypot")
    time.sleep(WAIT_TO_FILL)
    refused = page.post(body="Buy cheap watches.", name="Spammer", subject="Great offer")
    assert refused.status == 400 and "automated post" in refused.text
    assert "Buy cheap watches." in refused.text and "Great offer" not in refused.text


def test_a_forged_or_missing_render_stamp_is_refused(reader):
    page = reader.form_page("stamps")
    time.sleep(WAIT_TO_FILL)
    genuine = page.fields["rendered"]
    tampered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    older = genuine.replace(genuine.split(":")[0], "MTAwMA")  # "1000" (1970) under the old signature
    for stamp in (tampered, older, "", None):
        refused = page.post(body="Words from a script.", name="Script", rendered=stamp)
        assert refused.status == 400, refused
        assert "could not be checked" in refused.text and "Words from a script." in refused.text


def test_the_same_words_from_the_same_address_in_the_same_thread_are_refused(reader, make_reader):
    first = reader.post_api(story="dupes", body="Same words, pasted everywhere.", name="Copy")
    assert first.status == 201
    # Another name, another reply target: still the same words from the same address.
    again = reader.post_api(story="dupes", body="Same words, pasted everywhere.", name="Paste")
    assert again.status == 409 and "same words" in again.json()["detail"]
    isso = reader.post_isso(story="dupes", text="Same words, pasted everywhere.", author="Isso Paste")
    assert isso.status == 400 and "same words" in isso.text
    page = reader.form_page("dupes")
    time.sleep(WAIT_TO_FILL)
    form = page.post(body="Same words, pasted everywhere.", name="Form Paste")
    assert form.status == 400 and "same words" in form.text
    assert "Same words, pasted everywhere." in form.text
    # Someone else may say the same; so may the same person under another story.
    assert make_reader().post_api(story="dupes", body="Same words, pasted everywhere.",
                                  name="Other").status == 201
    assert reader.post_api(story="dupes-2", body="Same words, pasted everywhere.",
                           name="Copy").status == 201


def test_the_form_carries_the_trap_and_the_stamp(reader):
    page = reader.form_page("markup")
    assert 'name="subject"' in page.html and 'tabindex="-1"' in page.html
    assert page.fields["rendered"] and isinstance(reader, Reader)
