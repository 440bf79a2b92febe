"""The API's throttle rates are parsed strictly, like every other setting."""

import pytest

from cloudscendo.tests.test_settings import _django


@pytest.mark.parametrize(("env", "message"), [
    ({"CAPTURE_RATE": "lots"}, "CAPTURE_RATE='lots' is not a rate; use e.g. 30/min, 500/hour or 10/s."),
    ({"CAPTURE_RATE": "0/min"}, "CAPTURE_RATE='0/min' is not a rate"),
    ({"API_AUTH_RATE": "10/week"}, "API_AUTH_RATE='10/week' is not a rate"),
])
def test_a_bad_rate_stops_start_up_naming_the_variable(env, message):
    result = _django("check", **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_a_good_rate_is_taken():
    result = _django("shell", "-c", "from django.conf import settings; print(settings.CAPTURE_RATE)",
                     CAPTURE_RATE="5/h")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "5/h"
