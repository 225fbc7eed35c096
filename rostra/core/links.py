"""Links to one object by its id, reversed once per process: a thread's page or answer links each of
its hundreds of comments several times, and `reverse()` took a fifth of rendering them."""

from django.urls import get_script_prefix, get_urlconf, reverse

_SHAPES: dict[tuple, tuple[str, str]] = {}
_SAMPLE_ID = 987654321


def id_url_shape(viewname: str, kwarg: str = "comment_id") -> tuple[str, str]:
    """What comes before and after the id in `reverse(viewname, kwargs={kwarg: id})`, for the
    current script prefix and URL configuration."""
    key = (viewname, kwarg, get_script_prefix(), get_urlconf())
    shape = _SHAPES.get(key)
    if shape is None:
        url = reverse(viewname, kwargs={kwarg: _SAMPLE_ID})
        before, _, after = url.partition(str(_SAMPLE_ID))
        shape = _SHAPES[key] = (before, after)
    return shape


def id_url(viewname: str, object_id: int, kwarg: str = "comment_id") -> str:
    """`reverse(viewname, kwargs={kwarg: object_id})` for a whole-number id."""
    before, after = id_url_shape(viewname, kwarg)
    return f"{before}{int(object_id)}{after}"
