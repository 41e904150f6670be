"""A new thread and a reply, each with up to a few files; the files are checked by the
service (type by extension and content, size, number), whose refusals land on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from rapport.messaging import attachments
from rapport.messaging.models import BODY_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is a Django upload, checked later by the service."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _attachment_help() -> str:
    return _(
        "Up to %(files)s files of at most %(size)s each: PDF, images (PNG, JPEG, GIF, WebP), "
        "text or CSV, Word, Excel, PowerPoint or OpenDocument."
    ) % {
        "files": settings.RAPPORT_ATTACHMENT_MAX_FILES,
        "size": filesizeformat(settings.RAPPORT_ATTACHMENT_MAX_BYTES),
    }


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachment_help()
        self.fields["attachments"].widget.attrs["accept"] = ",".join(
            f".{suffix}" for suffix in attachments.TYPES
        )


class ThreadForm(MessageForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)

    field_order = ["subject", "body", "attachments"]
