"""The admin's CSV import form: the command line's --format and --map, in the form's own words.

The header is judged when the file is sent, so a file the import would refuse is refused here, with what
to fill in, instead of ending as a failed job that speaks of command-line flags.
"""

from django import forms

from music.importers import FORMATS, SCHEMAS, ImportRejected, MissingColumns, UnknownSchema, schema_choose
from music.importers.generic import FIELDS
from music.importers.header import header_read

# The track fields a column can be mapped to, in the order a curator thinks of them, with their names in the form.
FIELD_LABELS = {
    "spotify_id": "Spotify track id", "name": "Song name", "artist": "Artist", "album": "Album",
    "release_date": "Release date", "year": "Year", "mood": "Mood (Happy, Sad, Energetic or Calm)",
    "valence": "Valence", "energy": "Energy", "danceability": "Danceability", "acousticness": "Acousticness",
    "instrumentalness": "Instrumentalness", "speechiness": "Speechiness", "liveness": "Liveness",
    "loudness": "Loudness", "tempo": "Tempo", "key": "Key", "mode": "Mode", "popularity": "Popularity",
    "duration_ms": "Duration (ms)", "video_id": "YouTube video id",
}
MAP_PREFIX = "map_"
HOW_TO_MAP = ("Under “Column mapping”, type the name of the column that holds the Spotify track id, or the "
              "columns that hold the song name and the artist, then send the file again.")


def _quoted(names) -> str:
    return ", ".join(f"“{name}”" for name in names) or "none"


class ImportUploadForm(forms.Form):
    upload = forms.FileField(label="CSV file", help_text="Any known Spotify schema, our starter format, "
                                                         "or any CSV whose columns you map below.")
    format = forms.ChoiceField(choices=[(name, name) for name in FORMATS if name != "generic"], initial="auto",
                               help_text="“auto” recognises the known schemas by their columns.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in FIELD_LABELS.items():
            self.fields[MAP_PREFIX + field] = forms.CharField(label=f"Column for “{label}”", required=False,
                                                              max_length=200)

    def mapping_fields(self) -> list:
        return [self[MAP_PREFIX + field] for field in FIELD_LABELS]

    def other_fields(self) -> list:
        return [self["upload"], self["format"]]

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("upload")
        if upload is None:
            return data
        try:
            header = header_read(file=upload, name=upload.name)
        except ImportRejected as error:
            raise forms.ValidationError(str(error)) from None
        columns = {field: data[MAP_PREFIX + field].strip() for field in FIELD_LABELS if data.get(MAP_PREFIX + field)}
        mapping = {column: field for field, column in columns.items()}
        if len(mapping) < len(columns):
            raise forms.ValidationError("Each column can be mapped to one field only.")
        data["mapping"] = mapping
        data["format"] = self._format(data.get("format", "auto"), header, mapping)
        return data

    def _format(self, format: str, header: list[str], mapping: dict[str, str]) -> str:
        """The format the job runs with: generic when columns are mapped; form errors for what cannot work."""
        if mapping:
            return self._generic(format, header, mapping)
        try:
            schema_choose(format=format, header=header, mapping={})
        except UnknownSchema as error:
            raise forms.ValidationError(
                f"This file's columns ({_quoted(error.columns)}) match none of the known formats "
                f"({', '.join(SCHEMAS)}). {HOW_TO_MAP}") from None
        except MissingColumns as error:
            raise forms.ValidationError(
                f"This is not a {error.format} file: it has no column {_quoted(error.missing)}. Choose “auto”, "
                f"or map its columns under “Column mapping”.") from None
        return format

    def _generic(self, format: str, header: list[str], mapping: dict[str, str]) -> str:
        if format != "auto":
            self.add_error("format", "A column mapping is for files of no known format: choose “auto”.")
        for column, field in mapping.items():
            if column not in header:
                self.add_error(MAP_PREFIX + field, f"The file has no column “{column}”; its columns are "
                                                   f"{_quoted(header)}.")
        fields = set(mapping.values()) | (set(header) & FIELDS)
        if "spotify_id" not in fields and not {"name", "artist"} <= fields:
            missing = [FIELD_LABELS[name] for name in ("name", "artist") if name not in fields]
            raise forms.ValidationError(
                f"Nothing tells the songs apart yet: map a column to “Spotify track id”, or to "
                f"{_quoted(missing)} too. {HOW_TO_MAP}")
        return "generic"
