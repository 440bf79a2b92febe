import pytest

from music.management.commands.load_starter_catalogue import STARTER
from music.services.imports import tracks_import


@pytest.fixture
def starter_catalogue(db) -> None:
    tracks_import(paths=[STARTER], format="starter")


@pytest.fixture
def moods_catalogue(db, shared_data) -> None:
    tracks_import(paths=[shared_data / "spotify" / "data_moods.csv"])
