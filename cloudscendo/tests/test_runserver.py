"""`manage.py runserver` sends each write at once (TCP_NODELAY) and keeps WhiteNoise's static handling."""

import socket

from django.core.management import get_commands, load_command_class

from cloudscendo.management.commands.runserver import NoDelayWSGIServer


def test_runserver_is_ours_on_top_of_whitenoises():
    command = load_command_class(get_commands()["runserver"], "runserver")
    parser = command.create_parser("manage.py", "runserver")

    assert get_commands()["runserver"] == "cloudscendo"
    assert command.server_cls is NoDelayWSGIServer
    assert parser.get_default("use_static_handler") is False  # WhiteNoise's --nostatic default, kept


def test_each_accepted_connection_has_nagles_algorithm_off():
    server = NoDelayWSGIServer(("127.0.0.1", 0), None)
    try:
        with socket.create_connection(server.server_address):
            connection, _ = server.get_request()
            with connection:
                assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        server.server_close()
