"""With S3, a photo goes from the capture page straight to the bucket (moto's server) and ends read, with songs."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cloudscendo.security import content_security_policy
from conftest import players_answer, screenshot, wait_for
from moods.models import MoodCapture
from moods.tests.images import astronaut, astronaut_jpeg, y4m_video
from music.tests.test_browser_songs import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_photo_and_a_snapshot_go_from_the_page_to_the_bucket_and_end_read_with_songs(
        browser_launcher, live_server, s3_server, settings, tmp_path):
    # given the bucket's CORS rule from README ("Photos sent straight to S3"), for this site's origin
    s3_server.client.put_bucket_cors(Bucket=s3_server.bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [live_server.url], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3000}]})
    # and the CSP settings.py builds with STORAGE_BACKEND=s3 (the bucket's origin is moto's here)
    settings.CONTENT_SECURITY_POLICY = content_security_policy(image_hosts=(s3_server.url,),
                                                               upload_hosts=(s3_server.url,))
    call_command("load_default_catalogue", verbosity=0)
    video = tmp_path / "astronaut.y4m"
    video.write_bytes(y4m_video(astronaut()))
    page = browser_launcher("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}", allow_origins=(s3_server.url,))
    players_answer(page)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    log_in(page, UserFactory())
    photo = tmp_path / "me.jpg"
    photo.write_bytes(astronaut_jpeg())

    # when
    page.goto("/capture/")
    page.get_by_label("Your photo").set_input_files(str(photo))
    page.get_by_role("button", name="Send photo").click()

    # then the reading and its songs are shown
    page.locator("#capture-reading [data-emotion=HAPPY]").wait_for()
    page.locator("#capture-reading [data-player] iframe").wait_for()
    assert page.get_by_role("status").inner_text() == "Your reading is ready."
    screenshot(page, "capture-direct-upload-s3")
    capture = MoodCapture.objects.get()
    assert (capture.status, capture.emotion, capture.source) == ("done", "HAPPY", "upload")
    assert capture.playlists.exists()
    # the photo went to the bucket, never through this site, and only its clean copy is left there
    site = live_server.url
    assert [url for url in posts if not url.startswith(f"{site}/accounts/")] == [
        f"{site}/capture/upload/", f"{s3_server.url}/{s3_server.bucket}", f"{site}/captures/{capture.id}/uploaded"]
    keys = [item["Key"] for item in s3_server.client.list_objects_v2(Bucket=s3_server.bucket)["Contents"]]
    assert keys == [f"captures/{capture.image.name}"] and capture.image.name.startswith("photos/")

    # a webcam snapshot takes the same way
    posts.clear()
    page.get_by_role("button", name="Start camera").click()
    preview = page.locator("#camera-preview")
    wait_for(lambda: preview.evaluate("video => video.readyState >= 2"), timeout=10)
    page.get_by_role("button", name="Take photo").click()
    with page.expect_response(lambda response: response.url.endswith("/uploaded")) as confirmed:
        page.get_by_role("button", name="Send snapshot").click()
    snapshot_id = confirmed.value.json()["id"]
    # Its reading is shown with a link to its own songs (waited for in the page: Playwright's routes need its loop).
    page.locator(f"#capture-reading a[href='{reverse('music:capture_songs', args=[snapshot_id])}']").wait_for()
    snapshot = MoodCapture.objects.get(id=snapshot_id)
    assert (snapshot.source, snapshot.status) == ("camera", "done")
    assert snapshot.image.name.startswith("photos/")
    assert posts == [f"{site}/capture/upload/", f"{s3_server.url}/{s3_server.bucket}",
                     f"{site}/captures/{snapshot.id}/uploaded"]
