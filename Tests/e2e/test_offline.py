"""The offline app shell: once a participant has loaded the page, a reload without any network
shows the page (from the service worker's cache) with the changes waiting in its outbox, not the
browser's error page; when the network returns, the waiting note is sent once."""
import re

from test_web_session import add_note, bram_at_the_public_space_board, browser, server  # noqa: F401
from web_support import shoot

KEPT = """async () => (await (await caches.open('atelier-shell-1')).keys()).map((r) => new URL(r.url).pathname)"""
SHELL_KEPT = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open('atelier-shell-1');
  const kept = (await cache.keys()).map((request) => new URL(request.url).pathname);
  return ['/', '/js/app.js', '/css/atelier.css', '/i18n/en.json'].every((path) => kept.includes(path));
}"""


def test_a_reload_while_offline_shows_the_page_with_its_waiting_changes(browser, server):
    moderator, bram = bram_at_the_public_space_board(browser, server)
    bram.wait_for_function(SHELL_KEPT)
    # Only the pages and their static files are kept: no other answer of the server.
    assert bram.evaluate("() => fetch('/healthz').then((r) => r.status)") == 200
    kept = bram.evaluate(KEPT)
    assert all(path in ("/", "/screen") or re.search(r"\.(js|css|json|svg)$", path) for path in kept), kept
    assert "/healthz" not in kept and "/sw.js" not in kept

    bram.context.set_offline(True)
    bram.wait_for_selector("body[data-connection=offline]")
    add_note(bram, "change", "Typed in the underground car park")
    bram.reload()
    bram.wait_for_selector(".outbox-waiting li")
    assert bram.locator(".outbox-waiting li").all_inner_texts() == ["Typed in the underground car park"]
    assert bram.locator(".outbox-waiting h2").inner_text() == "1 change waiting to be sent"
    assert bram.locator("h1").count() == 1
    shoot(bram, "offline-reload-phone")

    bram.context.set_offline(False)
    bram.wait_for_selector("body[data-connection=online]")
    moderator.wait_for(lambda m: m.notes("Typed in the underground car park"), "the waiting note")
    bram.locator(".note:not(.pending) .note-text", has_text="Typed in the underground car park").wait_for()
    assert len(moderator.notes("Typed in the underground car park")) == 1
    assert bram.errors == []
