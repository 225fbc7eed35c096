"""Guest identity: edit tokens are signed, scoped to one comment and expire; vote keys."""

import time
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from rostra.identity.guests import (
    READER_COOKIE,
    can_edit_comment,
    edit_cookie_name,
    editable_comment_ids,
    make_edit_token,
    reader_key,
)


def test_token_opens_its_own_comment_only(make_comment):
    mine, other = make_comment(), make_comment()
    token = make_edit_token(mine)
    assert can_edit_comment(mine, token=token)
    assert not can_edit_comment(other, token=token)
    assert not can_edit_comment(mine, token=token + "x")
    assert not can_edit_comment(mine, token=None)


def test_token_expires_with_the_edit_window(make_comment, settings):
    settings.ROSTRA_EDIT_WINDOW_SECONDS = 60
    comment = make_comment()
    with mock.patch("time.time", return_value=time.time() - 61):
        old = make_edit_token(comment)
    assert not can_edit_comment(comment, token=old)


def test_editable_ids_come_only_from_valid_cookies(make_comment):
    mine, other = make_comment(), make_comment()
    request = RequestFactory().get("/")
    request.COOKIES = {
        edit_cookie_name(mine.pk): make_edit_token(mine),
        edit_cookie_name(other.pk): make_edit_token(mine),  # a token moved to another cookie
        edit_cookie_name(999): "garbage",
    }
    assert editable_comment_ids(request) == {mine.pk}


def test_guest_vote_key_depends_on_reader_and_address(db):
    factory = RequestFactory()

    def key(ip, reader=""):
        request = factory.get("/", REMOTE_ADDR=ip)
        request.user = AnonymousUser()
        return reader_key(request, reader_id=reader)

    same = key("192.0.2.1", "r1")[0]
    assert same == key("192.0.2.1", "r1")[0]
    assert same != key("192.0.2.2", "r1")[0] and same != key("192.0.2.1", "r2")[0]
    fresh, cookie = key("192.0.2.1")
    assert cookie and fresh.startswith("g:")


def test_reader_cookie_is_signed(db):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    request.user = AnonymousUser()
    request.COOKIES[READER_COOKIE] = "forged-unsigned-value"
    _, new_cookie = reader_key(request)
    assert new_cookie  # an unsigned cookie is ignored and a new reader id issued
