import os

from django.core.wsgi import get_wsgi_application

from cloudscendo.celery import load_project_dotenv

load_project_dotenv()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
application = get_wsgi_application()
