import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import User

USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the local demo user once and print its credentials (embedded default only)."

    def handle(self, *args, **options):
        path = settings.VAR_DIR / "demo_password"
        user = User.objects.filter(username=USERNAME).first()
        if user is None or not path.exists() or not user.check_password(path.read_text().strip()):
            password = secrets.token_urlsafe(9)
            services.user_password_set(username=USERNAME, email="demo@example.com", password=password)
            settings.VAR_DIR.mkdir(exist_ok=True)
            path.write_text(password, encoding="utf-8")
            path.chmod(0o600)
        self.stdout.write(f"Demo login: username '{USERNAME}', password '{path.read_text().strip()}'")
