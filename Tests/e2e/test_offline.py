"""The offline app shell: once a participant has loaded the page, a reload without any network
shows the page (from the service worker's cache) with the changes waiting in its outbox, not the
browser's error page; when the network returns, the waiting note is sent once."""
from test_web_session import PHONE, add_note, browser, join, new_page, open_breakout, server  # noqa: F401
from web_support import Moderator, shoot

SHELL_KEPT = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open('atelier-shell-1');
  const kept = (await cache.keys()).map((request) => new URL(request.url).pathname);
  return ['/', '/js/app.js', '/css/atelier.css', '/i18n/en.json'].every((path) => kept.includes(path));
}"""


def test_a_reload_while_offline_shows_the_page_with_its_waiting_changes(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    join(anne, server, "Anne")
    open_breakout(moderator)
    anne.click("[data-room='night-economy']")
    anne.wait_for_selector(".column[data-prompt='friction']")
    anne.wait_for_function(SHELL_KEPT)

    anne.context.set_offline(True)
    anne.wait_for_selector("body[data-connection=offline]")
    add_note(anne, "friction", "Typed in the underground car park")
    anne.reload()
    anne.wait_for_selector(".outbox-waiting li")
    assert anne.locator(".outbox-waiting li").all_inner_texts() == ["Typed in the underground car park"]
    assert anne.locator(".outbox-waiting h2").inner_text() == "1 change waiting to be sent"
    assert anne.locator("h1").count() == 1
    shoot(anne, "offline-reload-phone")

    anne.context.set_offline(False)
    anne.wait_for_selector("body[data-connection=online]")
    moderator.wait_for(lambda m: m.notes("Typed in the underground car park"), "the waiting note")
    anne.locator(".note:not(.pending) .note-text", has_text="Typed in the underground car park").wait_for()
    assert len(moderator.notes("Typed in the underground car park")) == 1
    assert anne.errors == []
