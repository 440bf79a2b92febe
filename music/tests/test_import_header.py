"""The header of an uploaded CSV, read before it is stored, so the admin's form can judge the file at once."""

import gzip
import io

import pytest

from music.importers import ImportRejected
from music.importers.header import header_read


def test_the_columns_of_a_csv_are_read_stripped_and_the_file_left_at_its_start():
    file = io.BytesIO("\ufefftitle, singer ,\"a, b\"\r\nSong,Singer,x\r\n".encode())

    assert header_read(file=file, name="mine.csv") == ["title", "singer", "a, b"]
    assert file.tell() == 0


def test_a_gzipped_csv_is_read_through_its_compression():
    file = io.BytesIO(gzip.compress(b"spotify_id,name\n1dtKN6wwlolkM8XZy2y9C1,Song\n"))

    assert header_read(file=file, name="mine.csv.gz") == ["spotify_id", "name"]
    assert file.tell() == 0


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "empty.csv", "empty.csv has no header row: its first line should name the columns."),
    ("titre,chanteur\n".encode("utf-16"), "utf16.csv",
     "utf16.csv cannot be read as a CSV file (UTF-8 text, or gzip of it)."),
    (b"not gzip at all", "fake.csv.gz", "fake.csv.gz cannot be read as a CSV file (UTF-8 text, or gzip of it)."),
])
def test_a_file_with_no_readable_header_is_refused_with_its_name(content, name, message):
    with pytest.raises(ImportRejected) as error:
        header_read(file=io.BytesIO(content), name=name)

    assert str(error.value) == message
