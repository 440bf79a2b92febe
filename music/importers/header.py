"""The header row of an uploaded CSV, read before the file is stored, so a form can judge it at once."""

import csv
import gzip
import io
from typing import BinaryIO

from music.importers import ImportRejected

HEADER_MAX_BYTES = 64 * 1024  # a header row longer than this is not a track file


def header_read(*, file: BinaryIO, name: str) -> list[str]:
    """The column names of a CSV (or .csv.gz) upload, stripped; raise ImportRejected if it has none.

    Leaves the file at its start for whoever stores it next.
    """
    file.seek(0)
    try:
        source = gzip.GzipFile(fileobj=file) if name.lower().endswith(".gz") else file
        line = source.readline(HEADER_MAX_BYTES).decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError):
        raise ImportRejected(f"{name} cannot be read as a CSV file (UTF-8 text, or gzip of it).") from None
    finally:
        file.seek(0)
    columns = [column.strip() for column in next(csv.reader(io.StringIO(line)), [])]
    if not any(columns):
        raise ImportRejected(f"{name} has no header row: its first line should name the columns.")
    return columns
