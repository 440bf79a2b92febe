"""gunicorn's settings for every way we serve the site (Procfile, Dockerfile): `gunicorn -c gunicorn.conf.py`.

Where the process binds, TLS and the worker count stay on the command line, which differs per place;
what bounds one request's cost, and the threads that hold the status long polls, live here, so every place
gets them.
https://docs.gunicorn.org/en/stable/settings.html
"""

# A request line of at most 4 KiB, at most 50 headers of at most 8 KiB each (gunicorn's defaults, but
# for 50 headers instead of 100): our pages, the API and a browser's cookies stay far below; a client
# sending more is answered 431 before Django reads anything.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# gunicorn has no body limit: Django refuses a body above REQUEST_BODY_MAX_BYTES from its Content-Length
# before reading it (cloudscendo.limits); a proxy in front may cap it too (README, "Abuse limits and API tokens").
timeout = 30

# Threads, so a status request held by its long poll (up to CAPTURE_STATUS_MAX_WAIT, 25 s, waiting on Redis,
# not on the CPU) does not hold a whole worker process: each of the command line's workers serves this many
# requests at once. Each thread keeps its own database connection (CONN_MAX_AGE), so workers x threads must
# stay under PostgreSQL's max_connections (100 by default) with the Celery workers' connections beside them.
worker_class = "gthread"
threads = 16
