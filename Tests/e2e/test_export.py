"""atelier export and purge as an organiser runs them, and the HTML transcript as Chromium renders it."""
import datetime
import json
import pathlib
import re
import shutil
import sqlite3
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from conftest import ROOT, WORKSHOPS

ARTIFACTS = ROOT / "Tests" / "artifacts"
FORMATS = {"md", "html", "csv", "json"}
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Every mark some Markdown reader would take for syntax: citations, math, sub- and superscript, emphasis, a
# footnote, raw HTML, smart quotes and dashes, an emoji code, an example list's marker starting a line.
MARKS = ('@alice et @bob : $5 puis $6, H~2~O et x^2^, *pas en italique*, une note[^1], <b>pas en gras</b>, '
         '"guillemets" et l\'apostrophe -- deux tirets :fire:\n(@) une ligne qui commence par un exemple')


def word_document(docx):
    """The body of a .docx, as the XML Word reads."""
    with zipfile.ZipFile(docx) as archive:
        return ElementTree.fromstring(archive.read("word/document.xml"))


def word_text(element):
    """The text a reader sees in a paragraph or a table cell: its runs' text, a line break as a newline."""
    return "".join("\n" if node.tag == WORD + "br" else node.text or ""
                   for node in element.iter() if node.tag in (WORD + "t", WORD + "br"))


def to_pdf(docx):
    """The PDF LibreOffice makes of `docx`, beside it, with a profile of its own in the same folder."""
    folder = docx.parent
    converted = subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                                "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                               capture_output=True, text=True, timeout=180)
    assert converted.returncode == 0, converted.stderr
    return docx.with_suffix(".pdf")


def pdf_text(pdf):
    """A PDF's text as poppler lays it out on its pages."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def session(atelier, tmp_path_factory):
    """A scripted BeFUS session in a fresh database, with a fixed join code."""
    database = tmp_path_factory.mktemp("export") / "atelier.db"
    result = atelier("simulate", "--workshop", WORKSHOPS / "befus-25-ans.json", "--db", database,
                     "--participants", "10", "--join-code", "E2E001", "--session-id", "s-e2e-export")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        names = [row[0] for row in db.execute("SELECT name FROM participants")]
    return database, names


def test_export_writes_every_format_without_names(atelier, session, tmp_path):
    database, names = session
    result = atelier("export", "E2E001", "--db", database, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(["befus-25-ans-E2E001.md", "befus-25-ans-E2E001.html", "befus-25-ans-E2E001.json",
                            "befus-25-ans-E2E001-notes.csv", "befus-25-ans-E2E001-comments.csv",
                            "befus-25-ans-E2E001-votes.csv"])
    markdown = (tmp_path / "befus-25-ans-E2E001.md").read_text()
    assert "## État des lieux" in markdown and "## Mesures préconisées" in markdown
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        for name in names:
            assert name not in text, f"{path.name} names {name}"
    transcript = json.loads((tmp_path / "befus-25-ans-E2E001.json").read_text())
    assert transcript["namesIncluded"] is False and transcript["recommendations"]["items"]


def test_export_by_session_id_is_byte_identical_and_names_only_on_request(atelier, session, tmp_path):
    database, names = session
    first, second, named = tmp_path / "a", tmp_path / "b", tmp_path / "n"
    assert atelier("export", "E2E001", "--db", database, "--out", first, "--format", "md,json").returncode == 0
    assert atelier("export", "s-e2e-export", "--db", database, "--out", second, "--format", "md",
                   "--format", "json").returncode == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()
    assert atelier("export", "e2e001", "--db", database, "--out", named, "--format", "md", "--names").returncode == 0
    text = (named / "befus-25-ans-E2E001.md").read_text()
    assert any(name in text for name in names if name != "Modération")


def test_export_refuses_unknown_session_and_format(atelier, session, tmp_path):
    database, _ = session
    unknown = atelier("export", "NOPE42", "--db", database, "--out", tmp_path)
    assert unknown.returncode == 1
    assert 'No session "NOPE42"' in unknown.stderr
    bad = atelier("export", "E2E001", "--db", database, "--format", "pdf", "--out", tmp_path)
    assert bad.returncode != 0
    assert 'Unknown format "pdf"' in bad.stderr
    missing = atelier("export", "E2E001", "--db", tmp_path / "absent.db", "--out", tmp_path)
    assert missing.returncode == 1 and "No database at" in missing.stderr
    assert not (tmp_path / "absent.db").exists()
    assert list(tmp_path.iterdir()) == []


def test_purge_removes_names_and_says_what(atelier, session, tmp_path):
    source, names = session
    database = tmp_path / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(database) as dst:
        src.backup(dst)
    result = atelier("purge", "E2E001", "--db", database)
    assert result.returncode == 0, result.stderr
    assert "Removed 11 names and 10 organisations" in result.stdout
    assert "p2    removed name and organisation" in result.stdout
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT participant_id, name, organisation FROM participants").fetchall()
        assert all(name == pid and organisation is None for pid, name, organisation in rows)
        assert db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] > 0
    again = atelier("purge", "E2E001", "--db", database)
    assert again.returncode == 0 and "Nothing to remove" in again.stdout
    export = atelier("export", "E2E001", "--db", database, "--out", tmp_path / "out", "--names")
    assert export.returncode == 0, export.stderr
    for path in (tmp_path / "out").iterdir():
        text = path.read_text(encoding="utf-8-sig")
        assert not any(name in text for name in names)


def test_html_transcript_renders_in_chromium(atelier, session, tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    database, _ = session
    assert atelier("export", "E2E001", "--db", database, "--out", tmp_path, "--format", "html").returncode == 0
    page_path = tmp_path / "befus-25-ans-E2E001.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_path.as_uri())
            assert page.title() == "25 ans de transversalité pour le sentiment de sécurité"
            assert page.locator("h2").all_inner_texts() == ["CONTEXTE", "PARTICIPANTS", "PROGRAMME TEL QUE DÉROULÉ",
                                                             "ÉTAT DES LIEUX", "MESURES PRÉCONISÉES", "ANNEXE"]
            charts = page.locator("svg.chart")
            assert charts.count() == 3
            assert charts.first.bounding_box()["width"] > 600
            assert [url for url in requests if not url.startswith("file:")] == []
            page.screenshot(path=str(ARTIFACTS / "transcript.png"), full_page=True)
            page.locator("#votes article").first.screenshot(path=str(ARTIFACTS / "transcript-votes.png"))
            page.emulate_media(media="print")
            page.pdf(path=str(ARTIFACTS / "transcript.pdf"), format="A4")
        finally:
            browser.close()
    assert (ARTIFACTS / "transcript.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def curated(atelier, tmp_path_factory):
    """A 50-person BeFUS run whose moderator then wrote the synthesis (atelier simulate --curate)."""
    database = tmp_path_factory.mktemp("curated") / "atelier.db"
    result = atelier("simulate", "--workshop", WORKSHOPS / "befus-25-ans.json", "--db", database, "--participants", "50",
                     "--curate", "--join-code", "CUR050", "--session-id", "s-e2e-curated")
    assert result.returncode == 0, result.stderr
    assert "5 themes' findings, 10 quotes, 1 reservation." in result.stdout
    return database


def test_curated_run_exports_the_published_synthesis_in_every_format_and_as_an_office_document(atelier, curated, tmp_path):
    if shutil.which("pandoc") is None or shutil.which("libreoffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("pandoc, libreoffice and poppler-utils come with make test-deps")
    result = atelier("export", "CUR050", "--db", curated, "--out", tmp_path, "--format", "md,html,csv,json,docx")
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.iterdir())) == 7
    transcript = json.loads((tmp_path / "befus-25-ans-CUR050.json").read_text())
    assert all(theme["text"] and len(theme["quotes"]) == 2 for theme in transcript["findings"])
    assert transcript["introduction"] and transcript["conclusion"]
    assert all(item["addressee"] for item in transcript["recommendations"]["items"])
    pdf = to_pdf(tmp_path / "befus-25-ans-CUR050.docx")
    text = pdf_text(pdf)
    headings = ["Contexte", "constats et leurs mesures", "Participants", "État des lieux", "constats majeurs",
                "Ils et elles ont dit", "Mesures préconisées", "Commune", "Réserve", "Conclusion", "Annexe", "Votes par rôle"]
    position = 0
    for heading in headings:
        position = text.find(heading, position)
        assert position != -1, f"{heading} missing or out of order"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "transcript-curated-docx.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "6", str(pdf), str(ARTIFACTS / "transcript-curated-docx")],
                   check=True)


def test_curated_html_reads_on_a_phone_and_a_wide_screen(atelier, curated, tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    assert atelier("export", "CUR050", "--db", curated, "--out", tmp_path, "--format", "html").returncode == 0
    page_path = tmp_path / "befus-25-ans-CUR050.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            for width, height in ((360, 740), (1920, 1080)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_path.as_uri())
                assert page.locator("h2").all_inner_texts() == [
                    "CONTEXTE", "PARTICIPANTS", "PROGRAMME TEL QUE DÉROULÉ", "ÉTAT DES LIEUX", "MESURES PRÉCONISÉES",
                    "CONCLUSION", "ANNEXE"]
                assert page.locator("#findings figure.quote").count() == 10
                # Nothing wider than the screen but the tables, which scroll with the page on a phone.
                assert page.evaluate("document.querySelector('#findings').scrollWidth") <= width
                page.screenshot(path=str(ARTIFACTS / f"transcript-curated-{width}.png"))
                page.locator("#findings").screenshot(path=str(ARTIFACTS / f"transcript-curated-findings-{width}.png"))
                page.locator("#recommendations").screenshot(path=str(ARTIFACTS / f"transcript-curated-recommendations-{width}.png"))
                page.close()
        finally:
            browser.close()


def test_purge_expired_removes_names_of_sessions_past_their_retention_and_keeps_recent_ones(atelier, tmp_path):
    database = tmp_path / "retention.db"
    befus = WORKSHOPS / "befus-25-ans.json"
    recent = tmp_path / "recent.json"
    workshop = json.loads(befus.read_text())
    workshop["date"] = datetime.date.today().isoformat()
    recent.write_text(json.dumps(workshop))
    for path, code in ((befus, "OLD001"), (recent, "NEW001")):
        result = atelier("simulate", "--workshop", path, "--db", database, "--participants", "4",
                         "--join-code", code, "--session-id", f"s-{code.lower()}")
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        names = [row[0] for row in db.execute("SELECT name FROM participants")]
    result = atelier("purge", "--expired", "--db", database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Retention expired for session s-old001: removed 5 names and 4 organisations."]
    assert not any(name in result.stdout for name in names)
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT session_id, participant_id, name, organisation FROM participants").fetchall()
    assert all(name == pid and org is None for session, pid, name, org in rows if session == "s-old001")
    assert all(name != pid for session, pid, name, org in rows if session == "s-new001")
    again = atelier("purge", "--expired", "--db", database)
    assert again.stdout == "No expired session holds names or organisations.\n"


def test_docx_opens_in_libreoffice_with_the_documents_headings_and_tables(atelier, session, tmp_path):
    if shutil.which("pandoc") is None or shutil.which("libreoffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("pandoc, libreoffice and pdftotext come with make test-deps")
    database, names = session
    result = atelier("export", "E2E001", "--db", database, "--out", tmp_path, "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["befus-25-ans-E2E001.docx"]
    pdf = to_pdf(tmp_path / "befus-25-ans-E2E001.docx")
    text = pdf_text(pdf)
    headings = ["25 ans de transversalité", "Contexte", "Participants", "Programme tel que déroulé", "État des lieux",
                "Mesures préconisées", "Annexe", "Notes des salles", "Votes par rôle"]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions, [h for h, p in zip(headings, positions) if p == -1]
    assert positions == sorted(positions)
    # The participants' table stays a table: its header and a row on one line each.
    assert any("Rôle" in line and "Participants" in line for line in text.splitlines())
    assert not any(name in text for name in names)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "transcript-docx.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(ARTIFACTS / "transcript-docx")],
                   check=True)


def test_docx_carries_each_vote_chart_as_a_picture_libreoffice_draws(atelier, session, tmp_path):
    if shutil.which("pandoc") is None or shutil.which("libreoffice") is None or shutil.which("pdfimages") is None:
        pytest.skip("pandoc, libreoffice and poppler-utils come with make test-deps")
    database, _ = session
    result = atelier("export", "E2E001", "--db", database, "--out", tmp_path, "--format", "html,docx")
    assert result.returncode == 0, result.stderr
    charts = (tmp_path / "befus-25-ans-E2E001.html").read_text().count('<svg class="chart"')
    assert charts > 0
    with zipfile.ZipFile(tmp_path / "befus-25-ans-E2E001.docx") as docx:
        media = [name for name in docx.namelist() if name.startswith("word/media/")]
    # Each chart as SVG with a PNG beside it, which LibreOffice and older Word draw.
    assert sum(name.endswith(".png") for name in media) == charts, media
    assert sum(name.endswith(".svg") for name in media) == charts, media
    pdf = to_pdf(tmp_path / "befus-25-ans-E2E001.docx")
    images = subprocess.run(["pdfimages", "-list", str(pdf)],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(images) >= charts


def test_docx_without_pandoc_says_how_to_install_it_and_writes_nothing(atelier, session, tmp_path):
    database, _ = session
    empty = tmp_path / "bin"
    empty.mkdir()
    result = atelier("export", "E2E001", "--db", database, "--out", tmp_path / "out", "--format", "md,docx",
                     env={"PATH": str(empty)})
    assert result.returncode == 1
    assert "pandoc" in result.stderr and "apt-get install pandoc" in result.stderr
    assert not (tmp_path / "out").exists()


def test_docx_tables_give_each_column_the_width_its_text_needs(atelier, session, tmp_path):
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc comes with make test-deps")
    database, _ = session
    result = atelier("export", "E2E001", "--db", database, "--out", tmp_path, "--format", "docx")
    assert result.returncode == 0, result.stderr
    tables = list(word_document(tmp_path / "befus-25-ans-E2E001.docx").iter(WORD + "tbl"))
    votes = 0
    for table in tables:
        widths = [int(column.get(WORD + "w")) for column in table.iter(WORD + "gridCol")]
        rows = [[word_text(cell) for cell in row.iter(WORD + "tc")] for row in table.iter(WORD + "tr")]
        longest = [max(len(row[column]) for row in rows) for column in range(len(widths))]
        # The column with the longest text is the widest, and a vote's text is wider than its figures together.
        assert widths[longest.index(max(longest))] == max(widths), (rows[0], widths)
        if rows[0][:2] == ["Rang", "Proposition"]:
            votes += 1
            figures = [column for column in range(len(widths)) if all(row[column].isdigit() for row in rows[1:])]
            assert figures and widths[1] > sum(widths[column] for column in figures), (rows[0], widths)
    assert votes >= 3
    if shutil.which("libreoffice") is None or shutil.which("pdftotext") is None:
        return
    pdf = to_pdf(tmp_path / "befus-25-ans-E2E001.docx")
    text = pdf_text(pdf)
    # A figure with its unit stays on one line: no delay's "min" is left for the next.
    delays = [line for line in text.splitlines() if re.search(r"[+−]\d+ min\s*$", line)]
    assert delays and not [line for line in text.splitlines() if re.search(r"[+−]\d+\s*$", line)]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "8", str(pdf), str(ARTIFACTS / "transcript-docx-tables")],
                   check=True)


def test_docx_shows_peoples_text_exactly_as_written(atelier, tmp_path):
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc comes with make test-deps")
    workshop = json.loads((WORKSHOPS / "befus-25-ans.json").read_text())
    workshop["description"] = {"fr": MARKS}
    vote = next(slot for slot in workshop["agenda"] if slot["id"] == "vote-propositions")
    vote["title"] = {"fr": MARKS.splitlines()[0]}
    path = tmp_path / "marks.json"
    path.write_text(json.dumps(workshop, ensure_ascii=False))
    database = tmp_path / "atelier.db"
    result = atelier("simulate", "--workshop", path, "--db", database, "--participants", "4", "--join-code", "MARKS1")
    assert result.returncode == 0, result.stderr
    result = atelier("export", "MARKS1", "--db", database, "--out", tmp_path, "--format", "docx")
    assert result.returncode == 0, result.stderr
    document = word_document(tmp_path / "befus-25-ans-MARKS1.docx")
    described = [paragraph for paragraph in document.iter(WORD + "p") if word_text(paragraph) == MARKS]
    assert len(described) == 1, [word_text(paragraph) for paragraph in document.iter(WORD + "p")][:12]
    assert MARKS.splitlines()[0] in [word_text(cell) for cell in document.iter(WORD + "tc")]
    # Read as text throughout: no citation, math, footnote, sub- or superscript, bold or italics in it.
    assert not {node.tag for node in described[0].iter()} & {WORD + "vertAlign", WORD + "b", WORD + "i", WORD + "footnoteReference"}
    assert not [node for node in document.iter() if node.tag.endswith("}oMath") or node.tag == WORD + "footnoteReference"]
