"""The default `make run` under parallel use, in its own process (test_parallel_make_run.py starts it).

Settings as `make run` has them (SQLite through cloudscendo.settings, tasks in-process, the local
emotion backend), on a database file of the test's own. N threads each send a photo through the
upload page, as N browser tabs do: the request's thread stores the capture and, after commit,
analyses it in-process. Then N threads pick a mood at once (writes only). Prints one JSON object.
"""

import json
import os
import sys
import threading
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]


def _in_parallel(count: int, work) -> list:
    """Run work(i) in `count` threads started together; each thread's answer, or its exception's name."""
    from django.db import connections

    start, answers = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            answers[i] = work(i)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            answers[i] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def main(count: int, photo: Path, reader: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
    django.setup()
    if reader == "fer":  # as on a machine where `npm ci` did not run: the local backend falls back to fer
        from moods.emotion import names

        names.model_dir = lambda: photo.parent / "no-npm-files"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from moods.models import MoodCapture

    call_command("migrate", verbosity=0)
    call_command("load_starter_catalogue", verbosity=0)
    users = [User.objects.create_user(f"tab{i}", f"tab{i}@example.com") for i in range(count)]
    image = photo.read_bytes()

    def client(i: int) -> Client:
        browser = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        browser.force_login(users[i])
        return browser

    def upload(i: int) -> int:
        from django.core.files.uploadedfile import SimpleUploadedFile

        photo_file = SimpleUploadedFile("me.jpg", image, content_type="image/jpeg")
        return client(i).post("/capture/", {"photo": photo_file, "source": "upload"}).status_code

    def pick(i: int) -> int:
        return client(i).post("/capture/mood/", {"emotion": "CALM"}).status_code

    uploads = _in_parallel(count, upload)
    analysed = sorted(MoodCapture.objects.filter(source="upload").values_list("status", "error"))
    picks = _in_parallel(count, pick)
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    from moods.emotion import get_detector

    return {"model": get_detector().model, "uploads": uploads, "analysed": analysed, "picks": picks,
            "journal_mode": journal, "picked": MoodCapture.objects.filter(source="manual", status="done").count()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])))
