"""Shared fixtures: the built atelier binary and the repository's folders."""
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import threading
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKSHOPS = ROOT / "Workshops"
SHIPPED = sorted(p for p in WORKSHOPS.glob("*.json") if p.name != "schema.json")

# The console keeps moderator tokens under $XDG_STATE_HOME: the tests' go to a folder of their own.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="atelier-tests-state-")


@pytest.fixture(scope="session")
def atelier():
    """Runs the atelier binary (ATELIER_BIN, else the debug build) and returns the completed process."""
    binary = binary_path()
    if not os.path.exists(binary):
        pytest.fail(f"atelier is not built at {binary}: run `swift build` first")

    def run(*args, check=False, **kwargs):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True, check=check,
                              timeout=120, cwd=ROOT, **kwargs)

    return run


def binary_path():
    return os.environ.get("ATELIER_BIN") or str(ROOT / ".build" / "debug" / "atelier")


class LiveServer:
    """A running `atelier serve` on a free port, with what its banner printed. Its standard error is
    read as it comes, line by line, so a server that logs a lot never waits on a full pipe."""

    def __init__(self, process, banner, database):
        self.process = process
        self.banner = banner
        self.database = database
        self.log = []
        self.reader = threading.Thread(target=self.log.extend, args=(process.stderr,), daemon=True)
        self.reader.start()
        # One block per session, the new one (if any) holding the key; tests use that one.
        blocks = re.split(r"^(?=Session )", banner, flags=re.M)[1:]
        block = next((b for b in blocks if "(new)" in b.splitlines()[0]), blocks[0])
        match = re.search(r"Participants: (https?://[^/\s]+)/\?code=(\w+)", block)
        self.url, self.code = match.group(1), match.group(2)
        self.ws_url = re.sub(r"^http", "ws", self.url) + "/ws"
        key = re.search(r"Moderator key: ([A-Z0-9-]{19})", block)
        self.key = key.group(1) if key else None

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.status, response.headers, response.read().decode()

    def logged(self, text):
        """How many lines of its log so far hold `text`."""
        return sum(text in line for line in self.log)

    def stop(self, sig=signal.SIGTERM):
        """Stops the server with `sig` and returns its exit code and standard error."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        return code, "".join(self.log)


def start_server(database, workshop=None, extra=()):
    """Starts `atelier serve --port 0` and waits for its banner (the line `Stop with Ctrl-C.`)."""
    args = [binary_path(), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(database),
            "--web", str(ROOT / "Web"), *extra]
    if workshop:
        args += ["--workshop", str(workshop)]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"atelier serve exited: {process.wait()} {process.stderr.read()}")
        lines.append(line)
        if line.startswith("Stop with Ctrl-C."):
            return LiveServer(process, "".join(lines), database)


@pytest.fixture
def live_server_factory(tmp_path):
    """Starts servers (`factory(workshop=…, database=…, extra=[…])`) and stops them after the test."""
    servers = []

    def factory(workshop=None, database=None, extra=()):
        server = start_server(database or tmp_path / "atelier.db", workshop, extra)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory):
    """A server with a new session of the default workshop."""
    return live_server_factory()
