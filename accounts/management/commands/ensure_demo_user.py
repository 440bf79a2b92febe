"""python manage.py ensure_demo_user: the local demo logins, a listener and a curator, printed every time."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import demo_user_ensure

# (label, username, file under var/ that keeps its password, is it a curator, what it is for)
LOGINS = (("Demo login", "demo", "demo_password", False, "a listener"),
          ("Curator login", "curator", "curator_password", True, "opens /admin/: tracks and imports only"))


class Command(BaseCommand):
    help = "Create the local demo listener and demo curator once and print their logins (embedded default only)."

    def handle(self, *args, **options):
        for label, username, file_name, curator, purpose in LOGINS:
            password = demo_user_ensure(username=username, password_file=settings.VAR_DIR / file_name,
                                        curator=curator)
            self.stdout.write(f"{label}: username '{username}', password '{password}' ({purpose})")
