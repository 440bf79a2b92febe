"""Set-up and page timings: how fast `make setup` re-runs, and server time per page."""

import subprocess
import time

from common import ROOT, django_setup, emit, get_ok, p50_p95, timings_ms


def setup_rerun_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(["make", "-s", "setup"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    rerun = setup_rerun_seconds()  # before django_setup: it must use the developer's own settings
    django_setup()
    from django.test import Client

    from accounts.models import User

    user = User.objects.create_user("bench", "bench@example.com", "bench-Passw0rd")
    anonymous, member = Client(), Client()
    member.force_login(user)
    rows = [["`make setup` re-run (nothing to do)", f"{rerun:.2f} s", "", ""]]
    for label, client, path in [("home, anonymous", anonymous, "/"), ("log-in page", anonymous, "/accounts/login/"),
                                ("settings, logged in", member, "/accounts/profile/"),
                                ("/healthz", anonymous, "/healthz")]:
        p50, p95 = p50_p95(timings_ms(lambda c=client, p=path: get_ok(c, p), repeat=300))
        rows.append([f"GET {path} ({label})", f"{p50:.2f} ms", f"{p95:.2f} ms", "300"])
    emit("Set-up and pages", ["what", "p50", "p95", "runs"], rows,
         ["Page times are server time through Django's test client on SQLite, one process."])


if __name__ == "__main__":
    main()
