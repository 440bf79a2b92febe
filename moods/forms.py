from django import forms
from django.conf import settings

from moods.models import Emotion, MoodCapture
from moods.photos import upload_messages

PHOTO_SOURCES = [(MoodCapture.Source.CAMERA.value, MoodCapture.Source.CAMERA.label),
                 (MoodCapture.Source.UPLOAD.value, MoodCapture.Source.UPLOAD.label)]


def upload_rules() -> dict:
    """The limits and refusal messages of a photo upload, for the server and the page's script alike."""
    return {"max_bytes": settings.UPLOAD_MAX_BYTES, "max_pixels": settings.UPLOAD_MAX_PIXELS,
            "types": ["image/jpeg", "image/png", "image/webp"],
            "messages": upload_messages(max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS)}


class PhotoForm(forms.Form):
    # accept/capture: phones offer the front camera first; the server still checks the format.
    photo = forms.FileField(label="Your photo", help_text="A JPEG, PNG or WebP photo of your face.",
                            widget=forms.FileInput(attrs={"accept": "image/*", "capture": "user"}))
    source = forms.ChoiceField(choices=PHOTO_SOURCES, initial=MoodCapture.Source.UPLOAD, widget=forms.HiddenInput)
    group = forms.BooleanField(label="Several people: average all faces", required=False)

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        # Checked before reading the file into memory.
        if photo.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(upload_rules()["messages"]["too_big"])
        return photo


class MoodForm(forms.Form):
    emotion = forms.ChoiceField(choices=Emotion.choices)


class DirectUploadForm(forms.Form):
    """What the page declares before sending a photo straight to the bucket; the bucket's policy enforces it."""

    source = forms.ChoiceField(choices=PHOTO_SOURCES)
    group = forms.BooleanField(required=False)
    content_type = forms.CharField(max_length=100, required=False)  # a browser may know no type: not an image
    size = forms.IntegerField()

    def clean_content_type(self):
        value, messages = self.cleaned_data["content_type"], upload_rules()["messages"]
        if not value.startswith("image/"):
            raise forms.ValidationError(messages["not_image"])
        if value not in upload_rules()["types"]:
            raise forms.ValidationError(messages["unsupported"].format(format=value.removeprefix("image/").upper()))
        return value

    def clean_size(self):
        value, messages = self.cleaned_data["size"], upload_rules()["messages"]
        if value < 1:
            raise forms.ValidationError(messages["empty"])
        if value > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(messages["too_big"])
        return value
