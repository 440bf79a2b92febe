import pytest

from music.management.commands.load_starter_catalogue import STARTER
from music.services.catalogue import catalogue_load
from music.services.imports import tracks_import


@pytest.fixture
def starter_catalogue(db) -> None:
    tracks_import(paths=[STARTER], format="starter")


@pytest.fixture
def default_catalogue(db) -> None:
    """What `make setup` loads: our starter songs and the 20k chart hits (about 4 s).

    `db` follows the test's own marker, so this works in django_db(transaction=True) and live_server tests too.
    """
    catalogue_load()


@pytest.fixture
def moods_catalogue(db, shared_data) -> None:
    tracks_import(paths=[shared_data / "spotify" / "data_moods.csv"])


@pytest.fixture
def kendra(settings, monkeypatch):
    """A botocore Stubber on a real Kendra client, handed to the code through cloudscendo.aws.client."""
    import boto3
    from botocore.stub import Stubber

    from cloudscendo import aws
    from music.tests.kendra import INDEX_ID

    settings.SEARCH_BACKEND, settings.KENDRA_INDEX_ID = "kendra", INDEX_ID
    client = boto3.client("kendra", region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    monkeypatch.setattr(aws, "client", lambda service: client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def youtube(settings, monkeypatch):
    """Point VIDEO_BACKEND at YouTube, with the default daily budget, and hand it the transport a test gives."""
    from music.videos.youtube import YouTubeVideos

    settings.VIDEO_BACKEND, settings.YOUTUBE_API_KEY = "youtube", "test-key"
    settings.YOUTUBE_SEARCH_DAILY_LIMIT, settings.YOUTUBE_DAILY_UNITS = 100, 10_000
    settings.YOUTUBE_SEARCH_RATE = 100  # searches are paced (2/s by default): tests must not wait for turns

    def use(http):
        monkeypatch.setattr(YouTubeVideos, "http_factory", staticmethod(lambda: http))
        return http

    return use
