"""The known CSV schemas of Spotify track data, one module each, recognised by their columns.

A schema maps source columns onto Track fields; music.importers.frames turns a
chunk of a file into clean rows with it, and music.services.imports writes them.
"""

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.module_loading import import_string


class ImportRejected(Exception):
    """Permanent: this file cannot be imported as asked; nothing was written."""


class UnknownSchema(ImportRejected):
    """No known schema has this header's columns; each caller says how to map them (CLI flags, form fields)."""

    def __init__(self, columns: Collection[str]):
        self.columns = sorted(column.strip() for column in columns)
        super().__init__(f"not a known track schema (columns: {', '.join(self.columns) or 'none'}); "
                         f"known: {', '.join(SCHEMAS)}.")


class MissingColumns(ImportRejected):
    """The file was named as one schema but lacks some of its columns."""

    def __init__(self, format: str, missing: Collection[str]):
        self.format, self.missing = format, sorted(missing)
        super().__init__(f"not a {format} file: missing columns {', '.join(self.missing)}")


@dataclass(frozen=True)
class Schema:
    name: str
    columns: Mapping[str, str]  # source column -> Track field ("spotify_id" may hold a spotify:track: URI)
    signature: frozenset[str]  # columns that identify the schema
    exact: bool = False  # the header must be exactly the signature (our own starter file)
    constants: Callable[[Path], dict] = field(default=lambda path: {})  # fields that come from the file itself
    artist_separator: str | None = None  # "A;B" -> "A, B"

    def matches(self, header: Collection[str]) -> bool:
        header = {column.strip() for column in header}
        return header == self.signature if self.exact else self.signature <= header


SCHEMAS = {
    "moods": "music.importers.moods.SCHEMA",
    "hit_predictor": "music.importers.hit_predictor.SCHEMA",
    "tracks114k": "music.importers.tracks114k.SCHEMA",
    "labelled278k": "music.importers.labelled278k.SCHEMA",
    "starter": "music.importers.starter.SCHEMA",
    "catalogue": "music.importers.catalogue.SCHEMA",
}
FORMATS = ("auto", *SCHEMAS, "generic")


@functools.cache
def schema_get(name: str) -> Schema:
    """Return a known schema by name."""
    return import_string(SCHEMAS[name])


def schema_detect(header: Collection[str]) -> Schema:
    """Return the known schema whose columns the header has; raise UnknownSchema if none fits."""
    for name in SCHEMAS:
        if schema_get(name).matches(header):
            return schema_get(name)
    raise UnknownSchema(header)


def schema_choose(*, format: str, header: Collection[str], mapping: Mapping[str, str]) -> Schema:
    """Return the schema for a file: detected, named, or generic with a column mapping."""
    if format == "generic":
        from music.importers.generic import schema_generic

        return schema_generic(header=header, mapping=mapping)
    if format == "auto":
        return schema_detect(header)
    schema = schema_get(format)
    if not schema.matches(header):
        raise MissingColumns(format, schema.signature - {column.strip() for column in header})
    return schema
