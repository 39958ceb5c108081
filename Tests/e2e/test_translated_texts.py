"""Announcements and recommendations given in several languages: each reader sees theirs, else
the original marked with its `lang`, on a phone, a 1920×1080 page and the presenter view, in
English and French. Screenshots: Tests/artifacts/web-translated-*.png."""
import pytest

from test_web_session import DEMO, PHONE, browser, join, new_page  # noqa: F401 (the Chromium fixture)
from web_support import Moderator, shoot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
PROJECTOR = {"width": 1920, "height": 1080}


def readers_at_the_synthesis(browser, live_server_factory):
    """Anne on a phone in French, Bram at 1920×1080 in English and the presenter in French, the
    session at the synthesis slot: the moderator, the phone, the laptop and the screen."""
    server = live_server_factory(workshop=DEMO, extra=["--new-session"])
    moderator = Moderator(browser.new_context().new_page(), server)
    phone = new_page(browser, viewport=PHONE, locale="fr-BE")
    join(phone, server, "Anne", language="fr")
    laptop = new_page(browser, viewport=PROJECTOR)
    join(laptop, server, "Bram", language="en")
    screen = browser.new_context(viewport=PROJECTOR).new_page()
    screen.goto(f"{server.url}/screen?code={server.code}&lang=fr#key={server.key}")

    moderator.command("start")
    moderator.command("goToSlot", {"slot": "synthesis"})
    return moderator, phone, laptop, screen


def test_each_reader_sees_announcements_and_recommendations_in_their_language(browser, live_server_factory):
    moderator, phone, laptop, screen = readers_at_the_synthesis(browser, live_server_factory)
    # The plain text is the original, in the workshop's first language (English).
    moderator.command("announce", {"text": {"": "Coffee is served at the back", "fr": "Le café est servi au fond"}})
    moderator.command("draftRecommendation", {"text": {"": "Light the river path", "fr": "Éclairer le chemin du fleuve"},
                                              "sources": []})
    moderator.command("draftRecommendation", {"text": {"en": "Night buses every 20 minutes"}, "sources": []})
    # A plain string is still accepted: it is the original, in the workshop's first language.
    moderator.command("draftRecommendation", {"text": "A night mayor for the city", "sources": []})

    for page, shown, original in ((phone, "Le café est servi au fond", None),
                                  (laptop, "Coffee is served at the back", None),
                                  (screen, "Le café est servi au fond", None)):
        text = page.locator(".announcement-list li.latest .text, .screen-announcement .text").first
        expect(text).to_have_text(shown)
        assert text.get_attribute("lang") == original

    for page, texts, langs in (
        (phone, ["Éclairer le chemin du fleuve", "Night buses every 20 minutes", "A night mayor for the city"], [None, "en", "en"]),
        (laptop, ["Light the river path", "Night buses every 20 minutes", "A night mayor for the city"], [None, None, None]),
        (screen, ["Éclairer le chemin du fleuve", "Night buses every 20 minutes", "A night mayor for the city"], [None, "en", "en"]),
    ):
        recs = page.locator(".recommendations .rec-text, .screen-recs .rec-text")
        expect(recs).to_have_text(texts)
        assert [recs.nth(i).get_attribute("lang") for i in range(len(texts))] == langs

    # A translation into a language the workshop does not offer is refused with its code.
    answer = moderator.command("announce", {"text": {"de": "Kaffeepause"}}, expect_ok=False)
    assert answer.get("code") == "text.unknownLanguage", answer

    shoot(phone, "translated-phone-fr")
    shoot(laptop, "translated-laptop-en")
    shoot(screen, "translated-screen-fr")
    assert phone.errors == [] and laptop.errors == []


def test_recommendations_in_a_vote_and_its_ranking_carry_their_lang_when_not_in_the_readers_language(browser, live_server_factory):
    moderator, phone, laptop, screen = readers_at_the_synthesis(browser, live_server_factory)
    moderator.command("draftRecommendation", {"text": {"": "Light the river path", "fr": "Éclairer le chemin du fleuve"},
                                              "sources": []})
    moderator.command("draftRecommendation", {"text": {"en": "Night buses every 20 minutes"}, "sources": []})
    french = {"Éclairer le chemin du fleuve": None, "Night buses every 20 minutes": "en"}
    english = {"Light the river path": None, "Night buses every 20 minutes": None}

    def shown(locator, expected):
        expect(locator).to_have_count(len(expected))
        assert {locator.nth(i).inner_text(): locator.nth(i).get_attribute("lang") for i in range(len(expected))} == expected

    moderator.command("openVote", {"on": "recommendations", "hidden": False})
    shown(phone.locator(".vote-items .item-text"), french)
    shown(laptop.locator(".vote-items .item-text"), english)
    shown(screen.locator(".screen-panel .result-text"), french)
    shoot(phone, "translated-vote-phone-fr")
    shoot(screen, "translated-vote-screen-fr")

    moderator.command("closeVote", {"vote": moderator.events("voteOpened")[-1]["id"]})
    moderator.command("openVote", {"on": "recommendations", "hidden": True})
    shown(screen.locator(".vote-options li"), french)
    assert phone.errors == [] and laptop.errors == []
