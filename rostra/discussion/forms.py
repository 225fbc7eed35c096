"""The forms readers fill in. They validate at the edge; the verbs trust what they are given."""

import uuid

from django import forms
from django.core.validators import MaxLengthValidator, URLValidator

from rostra.core.app_settings import app_settings
from rostra.core.converters import MAX_ID
from rostra.discussion.create import create_comment


def _clean_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\x00", "").strip()


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
        name = " ".join(self.cleaned_data["author_name"].split())
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


class EditForm(forms.Form):
    body = BodyField(label="Comment", error_messages={"required": "Write something before saving."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].apply_limit(rows=6)
