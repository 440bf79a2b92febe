"""`manage.py runserver` (what `make run` serves with), without a 40 ms stall on every response.

Django's development server (wsgiref underneath) sends a response's headers and its body in two writes.
With Nagle's algorithm on, the second write waits until the client acknowledges the first, and a client
with nothing to send delays that acknowledgement (40 ms on Linux, RFC 1122 4.2.3.2): on a kept-alive
connection the body of every response came ~40 ms after its headers (issue 15). TCP_NODELAY sends each
write at once. WhiteNoise's runserver (static files through its middleware, as in production) stays
underneath: this app comes before it in INSTALLED_APPS, so this command is the one Django runs.
"""

import socket

from django.core.servers.basehttp import WSGIServer
from whitenoise.runserver_nostatic.management.commands.runserver import Command as RunserverCommand


class NoDelayWSGIServer(WSGIServer):
    def get_request(self) -> tuple[socket.socket, tuple]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class Command(RunserverCommand):
    server_cls = NoDelayWSGIServer
