"""Write the .env.prod that `make run-prod` uses on this machine: local PostgreSQL and Redis, HTTPS on."""

import secrets
import sys

TEMPLATE = """\
# Written once by `make run-prod`; edit freely, it is never overwritten. Git-ignored.
DEBUG=0
SECRET_KEY={secret_key}
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=https://127.0.0.1:8443,https://localhost:8443
DATABASE_URL=postgres://postgres@127.0.0.1:5432/cloudscendo
CELERY_BROKER_URL=redis://127.0.0.1:6379/0
CACHE_URL=redis://127.0.0.1:6379/1
# gunicorn serves HTTPS itself with a self-signed certificate (var/tls/), so
# secure cookies, HSTS and the HTTPS redirect are all on, as in production.
"""


if __name__ == "__main__":
    sys.stdout.write(TEMPLATE.format(secret_key=secrets.token_urlsafe(50)))
