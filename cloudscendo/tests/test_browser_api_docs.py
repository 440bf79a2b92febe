"""The API reference page in a real browser, at desktop and phone sizes: every endpoint, reachable from its
contents, nothing wider than the screen, wide tables scrolling in their own focusable box."""

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from cloudscendo.tests.test_api_schema import ENDPOINTS
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
OPERATIONS = sum(len(methods) for methods in ENDPOINTS.values())  # every endpoint, counted per method


@pytest.mark.parametrize("size", SIZES)
def test_the_api_reference_reads_on_a_desktop_and_a_phone(browser_page, size):
    page = browser_page
    page.set_viewport_size(SIZES[size])
    page.goto("/accounts/login/?next=/api/docs/")
    page.get_by_label("Username").fill(UserFactory().username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Cloudscendo API 1.0.0", level=1).wait_for()
    screenshot(page, f"api-docs-01-top-{size}", full_page=False)

    contents = page.get_by_role("navigation", name="Contents")
    assert contents.get_by_role("link").filter(has_text="/api/").count() == OPERATIONS
    assert page.locator("article.api-operation").count() == OPERATIONS
    contents.get_by_role("link", name="POST /api/captures/", exact=True).click()
    operation = page.locator("article", has=page.get_by_role("heading", name="POST /api/captures/", exact=True))
    assert operation.get_by_role("table", name="Answers").locator("tbody tr th").all_inner_texts() == [
        "202", "201", "400", "401", "403", "413", "415", "429"]
    operation.get_by_role("link", name="CapturePhotoRequest").click()
    assert page.evaluate("location.hash") == "#type-CapturePhotoRequest"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    regions = page.get_by_role("region", name="Fields of CapturePhotoRequest")
    assert regions.get_attribute("tabindex") == "0"  # a table wider than a phone scrolls by keyboard too
    screenshot(page, f"api-docs-02-type-{size}", full_page=False)
