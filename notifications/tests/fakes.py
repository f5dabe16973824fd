"""Local fake servers for the outer boundaries we cannot run: an SMTP server and an SMS gateway.

Both listen on 127.0.0.1 on a free port, record what they receive and answer as told.
"""

import contextlib
import json
import socketserver
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSMSGateway:
    """HTTP gateway: records POSTs; `status`, `delay` and `body` decide the answer (`body` may
    contain "{phone}", replaced by the number posted, as real gateways echo it in errors)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.body = '{"status": "accepted"}'
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self.headers.get("Content-Type") == "application/json":
                    fields = json.loads(body)
                else:
                    fields = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                gateway.requests.append(
                    {"content_type": self.headers.get("Content-Type"), "fields": fields}
                )
                time.sleep(gateway.delay)
                # A client that timed out during `delay` has hung up: there is no one to answer.
                with contextlib.suppress(ConnectionError):
                    self.send_response(gateway.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    answer = gateway.body.replace("{phone}", fields.get("phone", ""))
                    self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class FakeSMTPServer:
    """A minimal SMTP server: answers `rcpt_code`/`data_code` and stores accepted messages.

    With `hold` set to an Event, a message is stored and then its "250" waits for the event
    (a server slow to confirm: the sender may die in between)."""

    def __init__(self):
        self.messages: list[dict] = []
        self.rcpt_code = 250
        self.data_code = 250
        self.hold: threading.Event | None = None
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str):
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                # The client may go away (or be killed) mid-session.
                with contextlib.suppress(OSError):
                    self.converse()

            def converse(self):
                self.reply("220 fake.smtp ESMTP")
                sender, recipients = None, []
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 fake.smtp")
                    elif verb == "MAIL":
                        sender, recipients = command, []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        code = smtp.rcpt_code
                        address = command.split(":", 1)[1].strip(" <>")
                        if code == 250:
                            recipients.append(address)
                        # Like Postfix, a refusal names the address it refuses.
                        refusal = f"<{address}>: Recipient address rejected, try later"
                        self.reply(f"{code} {'OK' if code == 250 else refusal}")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk.decode(errors="replace"))
                        if smtp.data_code == 250:
                            smtp.messages.append(
                                {"from": sender, "to": recipients, "data": "".join(data)}
                            )
                        if smtp.hold is not None:
                            smtp.hold.wait(timeout=60)
                        self.reply(
                            f"{smtp.data_code} {'queued' if smtp.data_code == 250 else 'no'}"
                        )
                    elif verb == "RSET":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class RaisingSMSBackend:
    """SMS_BACKEND = "notifications.tests.fakes.RaisingSMSBackend": send() raises `error`, as a
    gateway client with a bug does, or Celery's soft time limit firing in the middle of a send."""

    error: BaseException = RuntimeError("gateway client bug")

    def send(self, message) -> None:
        raise type(self).error
