"""A new user's first visit, in a real browser: sign up, log in, settings, log out, delete."""

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_in_change_strategy_log_out_and_delete_the_account(browser_page):
    page = browser_page
    page.goto("/")
    screenshot(page, "account-01-home")

    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    screenshot(page, "account-02-signup")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("Welcome, grace!").wait_for()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("navigation").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "account-03-login")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Signed in as grace").wait_for()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Lift my mood, step by step").check()
    page.get_by_label("keep my photos after analysis").uncheck()
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Your settings are saved.").wait_for()
    screenshot(page, "account-04-settings")
    assert User.objects.values_list("strategy", "keep_images").get(username="grace") == ("uplift", False)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("navigation").get_by_role("link", name="Log in").wait_for()
    page.get_by_role("navigation").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Delete my account").click()
    screenshot(page, "account-05-delete")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete everything").click()
    page.get_by_text("Your account, your history and your photos have been deleted.").wait_for()
    screenshot(page, "account-06-deleted")

    assert not User.objects.filter(username="grace").exists()
