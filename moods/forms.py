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
