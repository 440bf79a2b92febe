"""axe-core on every page a listener, a visitor and a curator reach: no serious or critical violation.

axe-core comes from npm at set-up (package.json's devDependencies), like Chart.js; without it this
skips, or fails under REQUIRE_BROWSER=1.
"""

import importlib
import os
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import players_answer
from moods.tests.factories import MoodCaptureFactory
from music.services.recommendations import playlist_create
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = settings.NODE_MODULES_DIR / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => ["serious", "critical"].includes(v.impact))
  .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`)"""


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed (it needs npm): run `make setup`, which runs `npm ci`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(page, path: str, source: str) -> list[str]:
    page.goto(path)
    page.evaluate(source)
    return page.evaluate(RUN_AXE)


def log_in(page, username: str, password: str, *, at: str = "/accounts/login/") -> None:
    page.goto(at)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_no_page_has_a_serious_or_critical_accessibility_violation(browser_launcher, axe_source, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    track = TrackFactory.create_batch(12, valence=0.75, energy=0.72, mood="happy")[0]
    listener = UserFactory(share_corrections=True)
    capture = DoneCaptureFactory(user=listener, emotion="HAPPY", source="camera")
    playlist_create(capture=capture, strategy="match")
    # A photo with two faces (their boxes over it), corrected by its listener: the faces list and the admin's matrix.
    faces = [{"box": [0.1, 0.2, 0.3, 0.4], "scores": {"HAPPY": 61.0, "SAD": 39.0}},
             {"box": [0.6, 0.3, 0.2, 0.3], "scores": {"HAPPY": 5.0, "SAD": 95.0}}]
    two_faces = MoodCaptureFactory(user=listener, status="done", emotion="HAPPY", confidence=61.0, face_count=2,
                                   scores=faces[0]["scores"], faces=faces, model="face-api", correction="SAD")
    # The curator group comes from a data migration, which an earlier transactional test may have flushed.
    importlib.import_module("music.migrations.0003_curator_group").create_group(django_apps, None)
    call_command("ensure_demo_user", stdout=StringIO())  # the demo curator's login, under VAR_DIR
    curator_password = (tmp_path / "curator_password").read_text()
    found: dict[str, list[str]] = {}

    visitor = browser_launcher()
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/", "/privacy/"):
        found[path] = violations(visitor, path, axe_source)

    page = browser_launcher()
    players_answer(page)
    log_in(page, listener.username, PASSWORD)
    for path in ("/", "/capture/", f"/captures/{capture.id}/", f"/captures/{capture.id}/songs/",
                 "/music/search/?q=song", "/history/", f"/history/captures/{capture.id}/", "/accounts/profile/",
                 "/accounts/password_change/", "/accounts/delete/", "/api/docs/", f"/captures/{two_faces.id}/"):
        found[f"listener {path}"] = violations(page, path, axe_source)

    admin = browser_launcher()
    log_in(admin, "curator", curator_password, at="/admin/login/")
    for path in ("/admin/", "/admin/music/track/", f"/admin/music/track/{track.id}/change/",
                 "/admin/music/importjob/", "/admin/music/importjob/add/",
                 "/admin/music/track/preview/?emotion=SAD&strategy=uplift"):
        found[f"curator {path}"] = violations(admin, path, axe_source)

    staff = browser_launcher()
    UserFactory(username="root", is_staff=True, is_superuser=True)
    log_in(staff, "root", PASSWORD, at="/admin/login/")
    for path in ("/admin/moods/moodcapture/", "/admin/moods/moodcapture/corrections/"):
        found[f"staff {path}"] = violations(staff, path, axe_source)

    assert {path: problems for path, problems in found.items() if problems} == {}
