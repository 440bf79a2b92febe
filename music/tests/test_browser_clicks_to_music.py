"""From the home page to a loaded player, counting clicks, as a new visitor and as a returning listener."""

import pytest

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import in_viewport, players_answer, screenshot, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


class Clicks:
    """Clicks through a page and counts them; typing into a form is not a click."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def at_home(page, size: str) -> Clicks:
    """The page at a screen size, with the players answering, on the home page: count clicks from here."""
    page.set_viewport_size(SIZES[size])
    players_answer(page)
    page.goto("/")
    return Clicks(page)


def loaded_player(page):
    """The first song's player under the reading, once it is there; it must be on screen as it stands."""
    frame = page.locator("#capture-reading [data-player] iframe")
    # Not a speed check: under `make test` another xdist worker may be running a browser test that keeps a
    # core busy (the live session reads faces at 5 fps), and Playwright's default 10 s was once not enough.
    frame.wait_for(timeout=30_000)
    assert frame.get_attribute("src").startswith("https://open.spotify.com/embed/track/")
    wait_for(lambda: in_viewport(page, frame), timeout=5)  # the page scrolls the reading into view itself
    return frame


@pytest.mark.parametrize("size", SIZES)
def test_a_returning_listener_hears_music_within_three_clicks_of_the_home_page(browser_page, default_catalogue,
                                                                                size):
    page = browser_page
    user = UserFactory()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    click = at_home(page, size)

    click(page.get_by_role("link", name="Capture your mood"))
    click(page.get_by_role("button", name="Happy", exact=True))
    loaded_player(page)

    assert click.count <= 3
    screenshot(page, f"first-song-returning-{size}", full_page=False)


@pytest.mark.parametrize("size", SIZES)
def test_a_new_visitor_hears_music_within_five_clicks_of_the_home_page(browser_page, default_catalogue, size):
    page = browser_page
    click = at_home(page, size)

    click(page.get_by_role("main").get_by_role("link", name="Create a free account"))
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    click(page.get_by_role("button", name="Sign up"))
    click(page.get_by_role("button", name="Calm", exact=True))
    loaded_player(page)

    assert click.count <= 5
    screenshot(page, f"first-song-new-visitor-{size}", full_page=False)


@pytest.mark.parametrize("size", SIZES)
def test_a_visitor_trying_it_without_an_account_hears_music_in_two_clicks(browser_page, default_catalogue, size):
    page = browser_page
    click = at_home(page, size)

    click(page.get_by_role("button", name="Try it now, no account"))
    click(page.get_by_role("button", name="Happy", exact=True))
    loaded_player(page)

    assert click.count == 2
    screenshot(page, f"first-song-trial-{size}", full_page=False)
    page.get_by_role("button", name="End the trial").click()
    page.get_by_text("Your trial has ended. Nothing of it was kept.").wait_for()
