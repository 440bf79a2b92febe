from django import forms

from moods.history.selectors import HistoryFilter
from moods.models import Emotion


class HistoryFilterForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    emotion = forms.ChoiceField(choices=[("", "every emotion"), *Emotion.choices], required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "The last day must not be before the first.")
        return cleaned

    def history_filter(self) -> HistoryFilter:
        """The filter to apply: the valid fields only (an invalid form shows its errors and everything)."""
        data = self.cleaned_data if self.is_valid() else {}
        return HistoryFilter(date_from=data.get("date_from"), date_to=data.get("date_to"),
                             emotion=data.get("emotion", ""))
