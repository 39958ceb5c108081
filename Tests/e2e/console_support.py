"""Helpers for the moderator console tests: a participant speaking the websocket protocol with the
standard library only, the console in script mode, and the console full screen in tmux."""
import base64
import json
import os
import socket
import struct
import subprocess
import time
import urllib.parse
import zlib

from conftest import binary_path, ROOT


class Participant:
    """A participant joined over a raw websocket (RFC 6455 client frames, masked)."""

    def __init__(self, ws_url, code, name, role, organisation=None, language="en", tls=None, origin=None):
        """`tls` is an `ssl.SSLContext` for a wss URL; `origin` adds an Origin header, as browsers do."""
        url = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=10)
        if tls:
            self.sock = tls.wrap_socket(self.sock, server_hostname=url.hostname)
        self.handshake = upgrade(self.sock, url, origin)
        assert self.handshake.startswith(b"HTTP/1.1 101"), self.handshake
        self.buffer = self.handshake.split(b"\r\n\r\n", 1)[1]
        self.next_id = 1
        join = {"code": code, "name": name, "role": role, "language": language}
        if organisation:
            join["organisation"] = organisation
        answer = self.request({"join": join})
        assert "ack" in answer, answer
        self.id = answer["welcome"]["participant"]
        self.token = answer["welcome"]["token"]

    def request(self, body):
        """Sends a message and returns the ack or error that answers it (other messages are skipped)."""
        message_id = self.next_id
        self.next_id += 1
        self.send({"id": message_id, **body})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = self.receive()
            if message.get("ack") == message_id or message.get("error") == message_id:
                return message
        raise AssertionError(f"no answer to {body}")

    def command(self, command):
        return self.request({"command": command})

    def send(self, message):
        payload = json.dumps(message).encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        """The next message, as JSON: a text message, or a binary one (a catch-up's part sent
        compressed, `compress: "deflate-raw"`) inflated; `binary_bytes` counts what those took on the wire."""
        text = b""
        while True:
            while (frame := take_frame(self.buffer)) is None:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("connection closed")
                self.buffer += chunk
            first, payload, self.buffer = frame
            opcode = first & 0x0F
            if opcode == 8:
                raise ConnectionError("closed by the server")
            if opcode == 2 and first & 0x80:
                self.binary_bytes = getattr(self, "binary_bytes", 0) + len(payload)
                return binary_message(payload)
            if opcode in (1, 0):
                text += payload
                if first & 0x80:
                    return json.loads(text)

    def close(self):
        self.sock.close()


def take_frame(buffer):
    """The first whole frame a server sent in `buffer` (unmasked): its first byte, its payload and
    what follows it; None while the frame is incomplete."""
    if len(buffer) < 2:
        return None
    length, offset = buffer[1] & 0x7F, 2
    if length >= 126:
        size = 2 if length == 126 else 8
        if len(buffer) < 2 + size:
            return None
        length, offset = int.from_bytes(buffer[2:2 + size], "big"), 2 + size
    if len(buffer) < offset + length:
        return None
    return buffer[0], buffer[offset:offset + length], buffer[offset + length:]


def binary_message(payload):
    """A binary message as JSON: a catch-up's part sent compressed (`compress: "deflate-raw"`), inflated."""
    return json.loads(zlib.decompress(payload, -15))


def upgrade(sock, url, origin=None):
    """Sends a websocket upgrade request for `url` on `sock`; returns the response head (and what followed)."""
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  + (f"Origin: {origin}\r\n" if origin else "")
                  + "Sec-WebSocket-Protocol: atelier.v1\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        assert chunk, "the server closed during the handshake"
        response += chunk
    return response


def run_script(server, lines, *extra, key=None, env=None, timeout=60):
    """Runs `atelier moderate` in script mode with `lines` on standard input; returns the completed process."""
    environment = {**os.environ, "ATELIER_MODERATOR_KEY": key or server.key, **(env or {})}
    return subprocess.run([binary_path(), "moderate", server.ws_url, "--code", server.code, *extra],
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=environment)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports(count):
    """The first of `count` consecutive free ports, for a program that numbers its ports from one."""
    while True:
        first = free_port()
        probes = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()


class TmuxConsole:
    """The full-screen console in a detached tmux session on a private tmux server."""

    def __init__(self, server, width=100, height=30, env=None):
        self.socket = f"atelier-console-{os.getpid()}-{time.monotonic_ns()}"
        variables = {"ATELIER_MODERATOR_KEY": server.key, "NO_COLOR": "1", "LANG": "C.UTF-8", **(env or {})}
        exports = " ".join(f"{name}={value}" for name, value in variables.items())
        command = f"env {exports} {binary_path()} moderate {server.url}/ --code {server.code}"
        subprocess.run(["tmux", "-L", self.socket, "-u", "-f", "/dev/null", "new-session", "-d", "-s", "console",
                        "-x", str(width), "-y", str(height), command], check=True, cwd=ROOT)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "console", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "console", "-l", text)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "console").stdout

    def wait_for(self, predicate, timeout=15, what="the screen"):
        """Polls the screen until `predicate(screen)` holds; fails with the last screen."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def wait_text(self, text, timeout=15):
        return self.wait_for(lambda screen: text in screen, timeout, repr(text))

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
