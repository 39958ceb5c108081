"""The participant page around the end of a breakout and the results, drafts that are never lost,
the end screen, and languages: one language control, and a sentence in every language for every
refusal the server can send. Screenshots go to Tests/artifacts/web-room-*.png."""
import json
import re

import pytest

from test_web_session import PHONE, add_note, bram_at_the_public_space_board, browser, join, new_page, note, open_breakout, server  # noqa: F401 (fixtures)
from web_support import ROOT, Moderator, shoot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
PROJECTOR = {"width": 1920, "height": 1080}

SOURCES = ROOT / "Sources"
CATALOGS = {language: json.loads((ROOT / "Web" / "i18n" / f"{language}.json").read_text()) for language in ("fr", "nl", "en")}


# Codes of the protocol's list that never reach the page in an error message: the export throttle
# answers over HTTP, and the other two a client gives itself (docs/PROTOCOL.md).
NEVER_SENT = {"auth.tooManyKeys", "connection.lost", "transcript.incomplete"}


def refusal_codes():
    """Every code the server can put in an error: the engine's, the wire's and the protocol's
    enumerations, but the protocol's codes that are never sent."""
    codes = set()
    for path in (SOURCES / "AtelierCore" / "Session" / "Refusal.swift", SOURCES / "AtelierWire" / "WireError.swift",
                 SOURCES / "AtelierProtocol" / "ErrorCode.swift"):
        codes |= set(re.findall(r'case \w+ = "([a-z]+\.[a-zA-Z0-9]+)"', path.read_text()))
    assert NEVER_SENT <= codes
    return codes - NEVER_SENT


def test_every_refusal_the_server_can_send_has_a_sentence_in_every_language():
    codes = refusal_codes()
    assert len(codes) > 70 and {"vote.budgetExhausted", "json.syntax", "server.storeFailed", "protocol.notJoined"} <= codes
    missing = {language: sorted(c for c in codes if f"error.{c}" not in catalog) for language, catalog in CATALOGS.items()}
    assert missing == {"fr": [], "nl": [], "en": []}


def two_rooms_with_a_note_each(browser, server):
    """Anne on a phone in English in the night-economy room, Bram at 1920×1080 in French in the
    public-space room, each with a note on their board."""
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, PROJECTOR, locale="fr-BE")
    join(anne, server, "Anne")
    join(bram, server, "Bram", language="fr")
    open_breakout(moderator)
    anne.click("[data-room='night-economy']")
    bram.click("[data-room='public-space']")
    add_note(anne, "friction", "Queues at the night shop")
    add_note(bram, "works", "Les médiateurs du vendredi")
    note(anne, "Queues at the night shop").wait_for()
    note(bram, "Les médiateurs du vendredi").wait_for()
    return moderator, anne, bram


def test_when_the_rooms_close_everyone_is_told_and_can_read_every_rooms_board(browser, server):
    moderator, anne, bram = two_rooms_with_a_note_each(browser, server)
    moderator.command("closeRooms", {"afterSeconds": None})

    expect(anne.locator(".rooms-closed")).to_have_text("The rooms are closed. You can read every room's board.")
    expect(bram.locator(".rooms-closed")).to_have_text("Les ateliers sont terminés. Vous pouvez lire le tableau de chaque atelier.")
    for page in (anne, bram):
        assert page.get_by_text("The rooms open shortly").count() == 0
        assert page.get_by_text("Les ateliers vont bientôt ouvrir").count() == 0
    # Each first sees the room they were in, read only, then any other room.
    expect(anne.locator(".board")).to_have_attribute("data-board", "rooms/night-economy")
    note(anne, "Queues at the night shop").wait_for()
    expect(bram.locator(".board")).to_have_attribute("data-board", "rooms/public-space")
    assert anne.locator(".composer:visible").count() == 0 and bram.locator(".composer:visible").count() == 0
    shoot(anne, "room-01-rooms-closed-phone")
    anne.click("[data-browse-room='public-space']")
    note(anne, "Les médiateurs du vendredi").wait_for()
    expect(anne.locator("[data-browse-room='public-space']")).to_have_attribute("aria-pressed", "true")
    assert anne.evaluate("() => document.activeElement.dataset.browseRoom") == "public-space"
    bram.click("[data-browse-room='night-economy']")
    note(bram, "Queues at the night shop").wait_for()
    assert bram.locator(".composer:visible").count() == 0
    shoot(bram, "room-02-rooms-closed-projector-fr")
    assert anne.errors == [] and bram.errors == []


def test_a_note_being_typed_survives_a_reload_and_the_rooms_closing(browser, server):
    moderator, anne, bram = two_rooms_with_a_note_each(browser, server)
    anne.locator(".column[data-prompt='presence'] textarea").fill("Night mediators with a phone line")
    bram.locator(".column[data-prompt='change'] textarea").fill("Des bancs à l’ombre")
    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    expect(anne.locator(".column[data-prompt='presence'] textarea")).to_have_value("Night mediators with a phone line")
    assert anne.locator(".drafts:visible").count() == 0

    # The rooms close before they send it: the text is offered back, in the page and after a reload.
    moderator.command("closeRooms", {"afterSeconds": None})
    for page, text, prompt in ((anne, "Night mediators with a phone line", "For: Who should be out at night, and with whom?"),
                               (bram, "Des bancs à l’ombre", "Pour : Que faut-il changer en priorité ?")):
        expect(page.locator(".drafts .draft-text")).to_have_value(text)
        expect(page.locator(".drafts .draft-prompt")).to_have_text(prompt)
    shoot(anne, "room-03-draft-offered-back-phone")
    shoot(bram, "room-04-draft-offered-back-projector-fr")
    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    expect(anne.locator(".drafts .draft-text")).to_have_value("Night mediators with a phone line")
    anne.click(".drafts .discard")
    expect(anne.locator(".drafts")).to_be_hidden()
    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    anne.locator(".rooms-closed").wait_for()
    assert anne.locator(".drafts:visible").count() == 0
    assert moderator.notes("Night mediators with a phone line") == []
    assert anne.errors == [] and bram.errors == []


def test_a_note_posted_on_a_phone_is_brought_into_view(browser, server):
    moderator, bram = bram_at_the_public_space_board(browser, server)
    for n in range(12):
        moderator.command("addNote", {"board": "rooms/public-space", "prompt": "works", "text": f"Earlier idea number {n + 1}"})
    note(bram, "Earlier idea number 12").wait_for()
    bram.evaluate("() => window.scrollTo(0, 0)")
    add_note(bram, "works", "Benches facing the playground")
    posted = note(bram, "Benches facing the playground")
    posted.wait_for()
    box = posted.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    assert bram.errors == []


def test_a_board_vote_during_breakouts_shows_each_room_its_own_ranking_with_texts_and_each_question_once(browser, server):
    moderator, anne, bram = two_rooms_with_a_note_each(browser, server)
    moderator.command("addNote", {"board": "rooms/night-economy", "prompt": "presence", "text": "Street lights on the square"})
    moderator.command("addNote", {"board": "rooms/night-economy", "prompt": "friction", "text": "Scooters on the pavement"})
    moderator.command("addNote", {"board": "rooms/public-space", "prompt": "change", "text": "Un passage sous la gare éclairé"})
    screen = new_page(browser, PROJECTOR)
    screen.goto(f"{server.url}/screen?code={server.code}#key={server.key}")
    moderator.command("openVote", {"on": "boards", "dotsPerPerson": 2, "maxDotsPerItem": 1, "hidden": False})

    # Each question is a heading once, above its notes.
    anne.wait_for_selector(".vote[data-status=open] .vote-item")
    expect(anne.locator(".vote .vote-item")).to_have_count(3)
    assert anne.locator(".vote .vote-question").all_inner_texts() == [
        "What causes friction at night?", "Who should be out at night, and with whom?"]
    assert anne.locator(".vote .vote-group").nth(0).locator(".vote-item").count() == 2
    assert anne.locator(".vote .vote-item", has_text="What causes friction").count() == 0
    shoot(anne, "room-05-vote-questions-phone")
    anne.locator(".vote-item", has_text="Scooters").locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='1']")
    bram.wait_for_selector(".vote[data-status=open] .vote-item")
    bram.locator(".vote-item", has_text="passage sous la gare").locator(".add-dot").click()
    bram.wait_for_selector(".dots-left[data-left='1']")
    bram.locator(".vote-item", has_text="médiateurs").locator(".add-dot").click()
    bram.wait_for_selector(".dots-left[data-left='0']")
    moderator.command("revealVote", {"vote": moderator.events("voteOpened")[-1]["id"]})

    # Anne sees her room's three notes ranked 1, 2, 2 by their texts, and nothing of the other room.
    anne.wait_for_selector(".vote[data-status=revealed] .results .result")
    assert anne.locator(".vote .room-result-title").all_inner_texts() == ["Night-time economy and noise"]
    assert anne.locator(".vote .result .result-text").all_inner_texts() == [
        "Scooters on the pavement", "Queues at the night shop", "Street lights on the square"]
    assert anne.locator(".vote .result .rank").all_inner_texts() == ["#1", "#2", "#2"]
    assert not [t for t in anne.locator(".vote .result-text").all_inner_texts() if re.fullmatch(r"n\d+", t)]
    bram.wait_for_selector(".vote[data-status=revealed] .results .result")
    assert bram.locator(".vote .room-result-title").all_inner_texts() == ["Éclairage et aménagement de l’espace public"]
    assert bram.locator(".vote .result").count() == 2
    # The presenter, a moderator, sees each room's ranking.
    screen.wait_for_selector(".room-result-title")
    assert screen.locator(".room-result-title").count() == 2
    shoot(anne, "room-06-room-ranking-phone")
    shoot(bram, "room-07-room-ranking-projector-fr")
    shoot(screen, "room-08-screen-room-rankings")
    assert anne.errors == [] and bram.errors == [] and screen.errors == []


def test_the_join_form_has_one_language_control_and_the_interface_follows_it(browser, server):
    moderator = Moderator(new_page(browser), server)
    page = new_page(browser, PHONE, locale="nl-BE")
    # A language chosen on an earlier visit that this workshop (English and French) does not offer.
    page.goto(f"{server.url}/healthz")
    page.evaluate("() => localStorage.setItem('atelier:language', JSON.stringify('nl'))")
    page.goto(f"{server.url}/?code={server.code}")
    page.wait_for_selector("#join-name")
    assert page.locator("select:visible", has=page.locator("option[value=en]")).count() == 1
    assert page.locator("#join-language").input_value() == page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator("form.join label[for=join-name]").inner_text() == "Your name"

    page.select_option("#join-language", "fr")
    expect(page.locator("form.join label[for=join-name]")).to_have_text("Votre nom")
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    shoot(page, "room-09-join-one-language-phone-fr")
    page.fill("#join-name", "Chloé")
    page.select_option("#join-role", "resident")
    page.click("form.join button[type=submit]")
    page.wait_for_selector("body[data-phase=session][data-connection=online]")
    moderator.wait_for(lambda m: [e for e in m.events("participantJoined") if e["name"] == "Chloé" and e["language"] == "fr"], "Chloé in French")
    expect(page.locator("#language")).to_be_visible()
    assert page.locator("#language").input_value() == "fr"
    assert page.errors == []


def test_the_end_screen_shows_the_recommendations_and_no_way_to_leave_or_programme(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, PROJECTOR, locale="fr-BE")
    join(anne, server, "Anne")
    join(bram, server, "Bram", language="fr")
    moderator.command("start")
    moderator.command("draftRecommendation", {"text": "Light the underpass all night", "sources": []})
    moderator.command("draftRecommendation", {"text": "A night mayor for the city centre", "sources": []})
    moderator.command("end")
    for page, title, heading in ((anne, "The session has ended", "The workshop's recommendations"),
                                 (bram, "La session est terminée", "Les recommandations de l’atelier")):
        page.get_by_text(title).wait_for()
        expect(page.locator(".recs-block h3")).to_have_text(heading)
        assert page.locator(".recommendation .rec-text").all_inner_texts() == [
            "Light the underpass all night", "A night mayor for the city centre"]
        assert page.evaluate("() => getComputedStyle(document.querySelector('ol.recommendations')).listStyleType") == "decimal"
        assert page.locator(".footer button").count() == 0
        assert page.locator(".programme").count() == 0
    shoot(anne, "room-10-end-phone")
    shoot(bram, "room-11-end-projector-fr")
    assert anne.errors == [] and bram.errors == []


def test_the_end_screen_links_to_the_summary_which_names_nobody(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, PROJECTOR, locale="fr-BE")
    join(anne, server, "Anne Lambert", organisation="Ville de Liège")
    join(bram, server, "Bram Peeters", organisation="Stad Gent", language="fr")
    moderator.command("start")
    moderator.command("draftRecommendation", {"text": "Light the underpass all night", "sources": []})
    for page, link in ((anne, "Download the summary"), (bram, "Télécharger la synthèse")):
        expect(page.get_by_role("link", name=link)).to_have_count(0)
    moderator.command("end")
    for page, link, language, heading in ((anne, "Download the summary", "en", "Recommendations"),
                                          (bram, "Télécharger la synthèse", "fr", "Mesures préconisées")):
        summary = page.get_by_role("link", name=link)
        expect(summary).to_be_visible()
        with page.expect_download() as download:
            summary.click()
        document = open(download.value.path(), encoding="utf-8").read()
        assert download.value.suggested_filename.endswith(".html")
        assert f'<html lang="{language}"' in document and heading in document
        assert "Light the underpass all night" in document
        # Whole words: "Anne" alone is in the heading "Annex".
        for person in ("Anne", "Lambert", "Ville de Liège", "Bram", "Peeters", "Stad Gent"):
            assert not re.search(rf"\b{person}\b", document), person
    shoot(anne, "room-12-end-summary-phone")
    shoot(bram, "room-13-end-summary-projector-fr")
    assert anne.errors == [] and bram.errors == []
