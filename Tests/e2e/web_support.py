"""Support for the browser tests: Debian's Chromium through Playwright, a scripted moderator
speaking the websocket protocol from a page, and screenshots kept in Tests/artifacts/ (ignored
by git). The server itself comes from conftest's `live_server_factory`."""
import json
import os
import pathlib
import shutil
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "Tests" / "artifacts"


def chromium_path():
    """Debian's Chromium: the real binary, not the shell launcher (CHROMIUM overrides)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


# A tiny protocol client evaluated in a page of the server's origin: the scripted moderator.
MODERATOR_JS = r"""
(() => {
  const client = { events: [], seen: new Set(), pending: new Map(), nextId: 1, synced: false, welcome: null };
  client.open = () => new Promise((resolve, reject) => {
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`, 'atelier.v1');
    client.socket = socket;
    const take = (m) => { if (!client.seen.has(m.seq)) { client.seen.add(m.seq); client.events.push(m); } };
    socket.onmessage = (frame) => {
      const m = JSON.parse(frame.data);
      if ('ack' in m || 'error' in m) {
        const p = client.pending.get(m.ack ?? m.error);
        if (p) { client.pending.delete(m.ack ?? m.error); p(m); }
      } else if (Array.isArray(m.events)) m.events.forEach(take);
      else if ('seq' in m) take(m);
      else if ('synced' in m) client.synced = true;
    };
    socket.onopen = () => resolve(true);
    socket.onerror = () => reject(new Error('websocket error'));
  });
  client.send = (kind, body) => new Promise((resolve) => {
    const id = client.nextId++;
    client.pending.set(id, resolve);
    client.socket.send(JSON.stringify({ id, [kind]: body }));
  });
  window.moderator = client;
})();
"""


class Moderator:
    """A scripted moderator: a websocket opened from a page, driven from Python."""

    def __init__(self, page, server, language="en"):
        self.page = page
        self.server = server
        page.goto(f"{server.url}/healthz")
        page.evaluate(MODERATOR_JS)
        page.evaluate("() => window.moderator.open()")
        answer = self.send("moderate", {"code": server.code, "key": server.key, "name": "Moderator", "language": language})
        assert "ack" in answer, answer
        self.page.wait_for_function("() => window.moderator.synced")

    def send(self, kind, body):
        return self.page.evaluate("([kind, body]) => window.moderator.send(kind, body)", [kind, body])

    def command(self, name, args=None, expect_ok=True):
        answer = self.send("command", {name: args or {}})
        if expect_ok:
            assert "ack" in answer, f"{name} refused: {answer}"
        return answer

    def events(self, name=None):
        messages = self.page.evaluate("() => window.moderator.events")
        if name is None:
            return messages
        return [m["event"][name] | {"_seq": m["seq"], "_results": m.get("results")} for m in messages if name in m["event"]]

    def wait_for(self, predicate, what, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = predicate(self)
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"moderator never saw {what}; events: {json.dumps(self.events())[-2000:]}")

    def notes(self, text=None):
        notes = self.events("noteAdded")
        deleted = {e["id"] for e in self.events("noteDeleted")}
        notes = [n for n in notes if n["id"] not in deleted]
        return [n for n in notes if text is None or n["text"] == text]


def join_url(server):
    """The participants' link the server printed."""
    return f"{server.url}/?code={server.code}"


def shoot(page, name):
    """Saves a full-page screenshot as Tests/artifacts/web-<name>.png and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"web-{name}.png"
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path



def axe_violations(page, screen):
    """Runs axe-core (the WCAG 2.1 A and AA rules and axe's best practices) on the page as it is
    now: one line per violation, naming the screen, the rule and the elements it found."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{screen}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:5]}" for v in violations]
