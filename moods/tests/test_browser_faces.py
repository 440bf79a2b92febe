"""A photo with two real faces in a real browser, at desktop and phone sizes: each face's box over the photo,
its emotion, which rule decided, and the same as a list in words."""

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import screenshot
from moods.models import MoodCapture
from moods.tests.images import two_faces_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def boxes_inside_the_photo(figure) -> list[tuple[float, float]]:
    """Each box's centre as a fraction of the photo's drawn size; fails if a box is not drawn over the photo."""
    photo = figure.locator("img").bounding_box()
    centres = []
    for box in figure.locator(".face-box").all():
        area = box.bounding_box()
        assert photo["x"] <= area["x"] and area["x"] + area["width"] <= photo["x"] + photo["width"] + 1
        assert photo["y"] <= area["y"] and area["y"] + area["height"] <= photo["y"] + photo["height"] + 1
        centres.append((round((area["x"] + area["width"] / 2 - photo["x"]) / photo["width"], 2),
                        round((area["y"] + area["height"] / 2 - photo["y"]) / photo["height"], 2)))
    return centres


def two_faces_sent(page, folder, faces_root, *, size: str, keep_images: bool = True):
    """Log a new listener in at that size and send the two-face photo from the capture page; return the figure
    the reading shows, its photo decoded."""
    page.set_viewport_size(SIZES[size])
    photo = folder / "two.jpg"
    photo.write_bytes(two_faces_jpeg(faces_root))
    log_in(page, UserFactory(keep_images=keep_images).username)
    page.goto("/capture/")
    page.get_by_label("Your photo").set_input_files(str(photo))
    page.get_by_role("button", name="Send photo").click()
    figure = page.locator("#capture-reading figure.face-figure")
    figure.locator("img").wait_for()
    figure.locator("img").evaluate("img => img.decode()")
    return figure


@pytest.mark.parametrize("size", SIZES)
def test_two_faces_show_their_boxes_emotions_and_the_deciding_rule(browser_page, shared_data, tmp_path, size):
    page = browser_page

    # sent from the capture page, the reading shows the faces without a reload
    figure = two_faces_sent(page, tmp_path, shared_data / "faces", size=size)

    assert page.locator("#capture-reading [data-emotion]").inner_text() == "happy"
    assert figure.locator("figcaption p").first.inner_text() == "2 faces: the largest face decided the reading."
    items = figure.locator("ol.face-list li").all_inner_texts()
    assert [item.split(":")[0] for item in items] == ["Face 1 (largest)", "Face 2"]
    assert items[0].startswith("Face 1 (largest): happy ") and items[0].endswith(" — decided the reading")
    assert items[1].startswith("Face 2: sad ")
    assert figure.locator(".face-tag").all_inner_texts() == ["1 happy", "2 sad"]
    (left_x, _), (right_x, _) = boxes_inside_the_photo(figure)
    assert left_x < 0.5 < right_x  # the happy face is on the left of the photo, the sad one on the right
    figure.scroll_into_view_if_needed()
    screenshot(page, f"faces-01-capture-page-{size}", full_page=False)

    # the capture's own page draws the same from the server's markup
    page.goto(f"/captures/{MoodCapture.objects.get().id}/")
    figure = page.locator("figure.face-figure")
    figure.locator("img").evaluate("img => img.decode()")
    assert figure.locator(".face-tag").all_inner_texts() == ["1 happy", "2 sad"]
    (left_x, _), (right_x, _) = boxes_inside_the_photo(figure)
    assert left_x < 0.5 < right_x
    figure.scroll_into_view_if_needed()
    screenshot(page, f"faces-02-detail-page-{size}", full_page=False)


def test_a_photo_that_is_not_kept_gets_its_boxes_over_the_browsers_own_copy(browser_page, shared_data, tmp_path):
    page = browser_page

    figure = two_faces_sent(page, tmp_path, shared_data / "faces", size="phone", keep_images=False)

    assert MoodCapture.objects.values_list("image", flat=True).get() == ""  # the server kept no photo
    assert figure.locator("img").get_attribute("src").startswith("blob:")
    assert figure.locator(".face-tag").all_inner_texts() == ["1 happy", "2 sad"]
    (left_x, _), (right_x, _) = boxes_inside_the_photo(figure)
    assert left_x < 0.5 < right_x
    figure.scroll_into_view_if_needed()
    screenshot(page, "faces-03-photo-not-kept-phone", full_page=False)
