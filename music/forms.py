import re
import unicodedata

from django import forms

from accounts.models import Strategy
from moods.models import Emotion
from music.affect import Mood
from music.models import Recommendation


class SearchForm(forms.Form):
    q = forms.CharField(label="Describe what you want to hear", max_length=200, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. rainy sunday, acoustic"}))
    mood = forms.ChoiceField(choices=[("", "any mood"), *Mood.choices], required=False)


class SongsActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("strategy", "strategy"), ("new", "new songs"), ("more", "more like this"),
                                        ("search", "search"), ("retry", "try again")])
    strategy = forms.ChoiceField(choices=[("", ""), *Strategy.choices], required=False)
    seed = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(max_length=200, required=False, strip=True)


class FeedbackForm(forms.Form):
    feedback = forms.ChoiceField(choices=Recommendation.Feedback.choices)


# YouTube video ids are 11 characters of the URL-safe base64 alphabet
# (https://developers.google.com/youtube/v3/docs/videos#id and every watch?v= link).
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
# Line breaks would forge lines in the M3U export and rows in logs; bidi overrides make a name read backwards.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _one_line(value: str) -> str:
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS for char in value):
        raise forms.ValidationError("Use one line of text: no line breaks, tabs or control characters.",
                                    code="control_characters")
    return value


class TrackForm(forms.ModelForm):
    """A track as the admin edits it: one-line names and a real YouTube id, or none."""

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    def clean_artist(self) -> str:
        return _one_line(self.cleaned_data["artist"])

    def clean_album(self) -> str:
        return _one_line(self.cleaned_data["album"])

    def clean_video_id(self) -> str:
        video_id = self.cleaned_data["video_id"]
        if video_id and not YOUTUBE_ID.fullmatch(video_id):
            raise forms.ValidationError("A YouTube video id is 11 letters, digits, - or _ (as in watch?v=…).",
                                        code="youtube_id")
        return video_id


class MoodSongsForm(forms.Form):
    """A live session asks for the coming songs of the mood it settled on, without the one playing."""

    emotion = forms.ChoiceField(choices=Emotion.choices)
    playing = forms.IntegerField(required=False, min_value=1)
