import os

from django.core.asgi import get_asgi_application

from cloudscendo.celery import load_project_dotenv

load_project_dotenv()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
application = get_asgi_application()
