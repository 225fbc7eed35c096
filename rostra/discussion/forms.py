"""The forms readers fill in. They validate at the edge; the verbs trust what they are given."""

import re
import time
import uuid

from django import forms
from django.core import signing
from django.core.validators import MaxLengthValidator, URLValidator

from rostra.core.app_settings import app_settings
from rostra.core.converters import MAX_ID
from rostra.core.ratelimits import guards_on
from rostra.discussion.create import create_comment

# Control characters other than tab and newline (C0, DEL, C1): invisible, and some (NUL) unstorable.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean_text(value: str) -> str:
    """Text as it is stored: newlines as \\n, control characters removed, no outer blank space."""
    return CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class BodyField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return _clean_text(super().to_python(value) or "")

    def apply_limit(self, rows: int) -> None:
        """Take the length limit from the settings in force now (forms are defined at import)."""
        limit = app_settings.MAX_BODY_LENGTH
        self.max_length = limit
        self.validators.append(MaxLengthValidator(limit))
        self.error_messages["max_length"] = (
            f"Comments can be at most {limit:,} characters long (this one has %(show_value)s)."
        )
        self.widget.attrs.update({"rows": rows})  # no maxlength: a browser would cut a paste silently


class CommentForm(forms.Form):
    author_name = forms.CharField(label="Name")
    author_email = forms.EmailField(
        label="Email", required=False, help_text="Never shown."
    )
    author_website = forms.CharField(
        label="Website", required=False, help_text="Your name links to it."
    )
    body = BodyField(
        label="Comment",
        help_text="Markdown: *emphasis*, **strong**, [links](https://…), > quotes, `code`, lists.",
        error_messages={"required": "Write something before posting."},
    )
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=MAX_ID,
        error_messages={
            "invalid": "The comment you replied to could not be found.",
            "min_value": "The comment you replied to could not be found.",
            "max_value": "The comment you replied to could not be found.",
        },
    )
    submission = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    # Flood guards of the HTML form (see check_sent_by_a_person): a field people never see, so never
    # fill, and the signed moment the form was rendered.
    subject = forms.CharField(
        required=False, label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    rendered = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, parent_id=None, **kwargs):
        # A reply form sits on the page beside the main form: give its fields their own ids.
        if str(parent_id or "").isdigit():
            kwargs.setdefault("auto_id", f"id_%s_c{parent_id}")
        super().__init__(*args, **kwargs)
        max_name = app_settings.MAX_NAME_LENGTH
        name = self.fields["author_name"]
        name.max_length = max_name
        name.validators.append(MaxLengthValidator(max_name))
        name.error_messages["max_length"] = f"Keep your name to {max_name} characters or fewer."
        name.error_messages["required"] = "Tell us your name (any name you like)."
        self.fields["body"].apply_limit(rows=5)
        name.widget.attrs.update({"autocomplete": "name"})
        self.fields["author_email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["author_website"].widget.attrs.update(
            {"autocomplete": "url", "placeholder": "https://", "inputmode": "url"}
        )
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)
            self.initial["rendered"] = form_stamp()

    def check_sent_by_a_person(self) -> bool:
        """For the HTML form: refuse (as a form error, the reader's text kept) a form whose hidden
        field was filled in, or that comes back sooner than ROSTRA_MIN_FILL_SECONDS after it was
        rendered, or without a genuine render stamp. The form shown again can be sent as it is."""
        if not guards_on():
            return True
        rendered_at = read_form_stamp(self.data.get("rendered", ""))
        message = None
        if self.data.get("subject"):
            message = ("Rostra took this for an automated post (a field people do not see was filled "
                       "in). If you are a person, press the button again.")
        elif rendered_at is None:
            message = "This form could not be checked. Your text is kept: press the button again."
        elif time.time() - rendered_at < app_settings.MIN_FILL_SECONDS:
            message = ("That was quicker than a person can write. Your text is kept: read it over, "
                       "then press the button again.")
        if message is None:
            return True
        self.data = self.data.copy()
        self.data["subject"] = ""
        if rendered_at is None:
            self.data["rendered"] = form_stamp()
        self.add_error(None, message)
        return False

    def save(self, thread, request):
        """Store the valid form's comment in `thread` as posted by `request`'s reader (the verb may
        still refuse it: see create_comment)."""
        data = self.cleaned_data
        user = getattr(request, "user", None)
        return create_comment(
            thread=thread,
            parent_id=data["parent"],
            author_name=data["author_name"],
            author_email=data["author_email"],
            author_website=data["author_website"],
            body=data["body"],
            user=user if user is not None and user.is_authenticated else None,
            address=request.META.get("REMOTE_ADDR") or None,
            submission_key=data["submission"] or "",
        )

    def clean_author_name(self):
        name = " ".join(CONTROL_CHARACTERS.sub("", self.cleaned_data["author_name"]).split())
        if not name:
            raise forms.ValidationError("Tell us your name (any name you like).")
        return name

    def clean_author_website(self):
        website = self.cleaned_data["author_website"].strip()
        if not website:
            return ""
        if "://" not in website:
            website = "https://" + website
        try:
            URLValidator(schemes=["http", "https"])(website)
        except forms.ValidationError:
            raise forms.ValidationError(
                "That does not look like a web address (for example https://example.org)."
            ) from None
        if len(website) > 500:
            raise forms.ValidationError("Keep the web address to 500 characters or fewer.")
        return website

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


FORM_STAMP_SALT = "rostra.comment-form.rendered"
FORM_STAMP_MAX_AGE = 24 * 3600  # a robot cannot keep sending one form it waited for once


def form_stamp() -> str:
    """The signed moment a comment form is rendered (it cannot be forged to look older)."""
    return signing.dumps(round(time.time(), 3), salt=FORM_STAMP_SALT)


def read_form_stamp(stamp: str) -> float | None:
    try:
        value = signing.loads(stamp, salt=FORM_STAMP_SALT, max_age=FORM_STAMP_MAX_AGE)
    except signing.BadSignature:
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class EditForm(forms.Form):
    body = BodyField(label="Comment", error_messages={"required": "Write something before saving."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].apply_limit(rows=6)
