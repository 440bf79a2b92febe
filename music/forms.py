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


class MoodSongsForm(forms.Form):
    """A live session asks for the coming songs of the mood it settled on, without the one playing."""

    emotion = forms.ChoiceField(choices=Emotion.choices)
    playing = forms.IntegerField(required=False, min_value=1)
