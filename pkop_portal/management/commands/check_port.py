"""Fail early, with the fix, when the port `make run` wants is taken (before migrating)."""

import errno
import socket

from django.core.management.base import BaseCommand, CommandError

HOST = "127.0.0.1"


def port_problem(port: int, *, host: str = HOST) -> str | None:
    """Why `runserver host:port` could not listen, or None when it could.

    Binds the way runserver does (SO_REUSEADDR, so a socket lingering in TIME_WAIT after the
    previous server stopped does not count), then releases the port at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "in use"
            return exc.strerror or str(exc)
    return None


def port_next_free(port: int, *, host: str = HOST, tries: int = 50) -> int | None:
    """The first port after `port` that is free, among the next `tries`."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if port_problem(candidate, host=host) is None:
            return candidate
    return None


class Command(BaseCommand):
    help = "Exit non-zero, suggesting a free port, when 127.0.0.1:PORT cannot be listened on."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("port", type=int, help="the port `make run` will serve on")

    def handle(self, *args, **options):
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"PORT={port} is not a TCP port (1-65535).")
        problem = port_problem(port)
        if problem is None:
            return
        free = port_next_free(port)
        hint = f"run `PORT={free} make run`" if free else "set PORT to a free port"
        if problem == "in use":
            raise CommandError(
                f"Port {port} is in use (is another server running?): {hint}, "
                "or stop the other server."
            )
        raise CommandError(f"Cannot listen on {HOST}:{port} ({problem}): {hint}.")
