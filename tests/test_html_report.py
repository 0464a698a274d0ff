"""The HTML report a facilitator reads: self-contained, accessible, true to the meeting."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.helpers import png_pixels
from voiceshare.analysis import analyze
from voiceshare.cli import main
from voiceshare.readers import read_meeting
from voiceshare.report.html import render_html
from voiceshare.report.tables import csv_tables

ZOOM = "transcripts/zoom/GMT20240124-202901_Recording.transcript.vtt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def planning_html() -> str:
    return render_html(analyze(read_meeting(SAMPLES / "2026-03-09_planning.txt")))


def test_the_page_loads_nothing_from_anywhere(planning_html: str) -> None:
    """No scripts, stylesheets, images or fonts from elsewhere, and a policy that forbids them."""
    assert "<script" not in planning_html
    assert "<link" not in planning_html
    assert "@import" not in planning_html and "url(" not in planning_html
    external = re.findall(r"""(?:src|href)\s*=\s*["']([^"'#][^"']*)""", planning_html)
    assert external == []
    assert "default-src 'none'" in planning_html


def test_the_page_is_accessible_and_in_order(planning_html: str) -> None:
    """One h1, sections in the promised order, every chart titled and backed by a table."""
    assert planning_html.count("<h1") == 1
    order = [
        "What stood out", "Suggestions for the facilitator", "Who held the floor",
        "Who spoke when", "Interruptions", "Questions", "Dismissals and credit",
        "Annotated transcript",
    ]  # fmt: skip
    positions = [planning_html.index(f">{heading}</h2>") for heading in order]
    assert positions == sorted(positions)
    assert planning_html.count("<svg") == planning_html.count("<title>") - 1  # + the page title
    assert planning_html.count('role="img"') >= 2
    assert planning_html.count("<caption>") >= 3
    assert 'lang="en"' in planning_html and 'name="viewport"' in planning_html


def test_findings_link_to_the_utterances_behind_them(planning_html: str) -> None:
    """Noor's interruptions are a finding whose links land on anchored transcript lines."""
    findings = planning_html[: planning_html.index('id="suggestions"')]
    item = re.search(r"<li class=\"finding finding-interrupted\">(.*?)</li>", findings, re.S)
    assert item is not None
    assert "Noor Haddad was interrupted 4 times, 3 of them by Greg Halvorsen." in item.group(1)
    links = re.findall(r'href="#(u\d+)">utterance', item.group(1))
    assert len(links) == 4
    for anchor in links:
        assert f'id="{anchor}"' in planning_html
    assert "Name the norm: let people finish" in planning_html


def test_questions_dismissals_and_credit_are_shown(planning_html: str) -> None:
    """The unanswered question, the dismissals and the uncredited echo appear with links."""
    assert "Noor Haddad&#39;s question at 4:51 went unanswered." in planning_html
    section = planning_html[
        planning_html.index('id="questions"') : planning_html.index('id="measured"')
    ]
    assert "unanswered" in section and "without naming them" in section
    # The two the sample's README describes: the rejection at 4:08 and the move at 5:06.
    dismissals = re.findall(
        r"<strong>([^<]+)</strong> (rejected|moved on from[a-z ]*) <strong>", section
    )
    assert dismissals == [
        ("Greg Halvorsen", "rejected"),
        ("Greg Halvorsen", "moved on from the question of"),
    ]
    assert "Follow up the unanswered questions" in planning_html


def test_invitations_and_hedged_openers_are_listed(planning_html: str) -> None:
    """Who invited whom and each hedged opener are listed with a link to the utterance, as the
    planning sample's README has them: Noor's two "Sorry, ..." openers, and Greg turning to
    Amara ("Amara, where are you on the quiet hours estimate?") right after Noor's question."""
    section = planning_html[
        planning_html.index('id="credit"') : planning_html.index('id="measured"')
    ]
    invited = re.findall(r"<strong>([^<]+)</strong> invited <strong>([^<]+)</strong>", section)
    assert ("Greg Halvorsen", "Amara Okonkwo") in invited
    assert ("Priya Raman", "Luis Ferreira") in invited
    hedges = section[section.index("<h3>Hedged openers</h3>") :]
    hedges = hedges[: hedges.index("</ol>")]
    assert re.findall(r'<a href="#u\d+">utterance \d+</a>: <strong>([^<]+)</strong>', hedges) == [
        "Noor Haddad",
        "Noor Haddad",
    ]


def test_what_cannot_be_measured_is_said_plainly(shared_data: Path) -> None:
    """A timing-only source (RTTM) has no words: questions and credit say why they are absent."""
    html = render_html(analyze(read_meeting(shared_data / "audio/pyannote_sample/sample.rttm")))
    assert html.count("The source has no words, so what was said cannot be analysed.") >= 2


def test_real_zoom_export_names_everyone_and_leads_with_the_host(shared_data: Path) -> None:
    """The real Zoom meeting's report names all five speakers and leads with the host's
    share of the talk, which is true of that meeting."""
    report = analyze(read_meeting(shared_data / ZOOM))
    html = render_html(report)
    for name in (
        "Srijani Ghosh",
        "Conor Healy",
        "Dr. Melissa Ko",
        "Shreeharsh Kelkar",
        "Ryan Sloan",
    ):
        assert name in html
    first = report.findings[0]
    assert first.kind == "dominance" and first.speakers == ("Conor Healy",)
    assert report.speaker("Conor Healy").share > 0.5
    first_finding = re.search(r'<li class="finding[^"]*">\s*<p>([^<]+)</p>', html)
    assert first_finding is not None and first_finding.group(1).startswith("Conor Healy spoke 72%")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_chromium_renders_the_report_without_network(tmp_path: Path) -> None:
    """Headless Chromium renders the sample report, requests nothing but the file itself, and
    the screenshot is a real page (many non-white pixels in several colours), not a blank."""
    from playwright.sync_api import sync_playwright

    out = tmp_path / "out"
    assert (
        main(
            ["analyze", str(SAMPLES / "2026-03-02_standup.vtt"), "-o", str(out), "--format", "html"]
        )
        == 0
    )
    page_path = out / "2026-03-02_standup.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_path.as_uri())
        screenshot = page.screenshot()
        svg_boxes = page.evaluate(
            "[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().height)"
        )
        browser.close()
    (tmp_path / "report.png").write_bytes(screenshot)
    assert requests == [page_path.as_uri()]
    assert all(height > 50 for height in svg_boxes) and len(svg_boxes) >= 2
    width, height, pixels = png_pixels(screenshot)
    assert (width, height) == (1100, 1400)
    ink = [p for p in pixels if sum(p) < 600]
    assert len(ink) > 0.02 * len(pixels)
    assert len({(r // 32, g // 32, b // 32) for r, g, b in ink}) > 8  # text and chart colours


def test_csv_tables_are_tidy_and_complete() -> None:
    """One row per person, utterance and interruption, each with the meeting id."""
    report = analyze(read_meeting(SAMPLES / "2026-03-09_planning.txt"))
    tables = {
        name: list(csv.DictReader(io.StringIO(text))) for name, text in csv_tables(report).items()
    }
    assert set(tables) == {"speakers", "utterances", "interruptions", "questions"}
    assert len(tables["speakers"]) == len(report.speakers)
    assert len(tables["utterances"]) == len(report.utterances)
    assert len(tables["interruptions"]) == len(report.interruptions) == 5
    assert {row["meeting_id"] for rows in tables.values() for row in rows} == {report.meeting.id}
    noor = next(row for row in tables["speakers"] if row["name"] == "Noor Haddad")
    assert noor["interruptions_received"] == "4"
    cut = [row for row in tables["utterances"] if row["interrupted_by"]]
    assert len(cut) == 5 and cut[0]["interrupted_by"] == "Greg Halvorsen"


def test_pseudonymised_html_and_csv_hold_no_real_name(tmp_path: Path) -> None:
    """With --pseudonymize, no participant name appears in any file written, in any format."""
    source = SAMPLES / "2026-03-09_planning.txt"
    out = tmp_path / "out"
    code = main(
        ["analyze", str(source), "-o", str(out), "--format", "html,csv,json,md", "--pseudonymize"]
    )
    assert code == 0
    people = {u.speaker for u in read_meeting(source).utterances}
    parts = {part for name in people for part in name.split()}
    assert len(list(out.iterdir())) == 7
    for written in out.iterdir():
        text = written.read_text()
        for part in parts:
            assert part not in text, f"{part} in {written.name}"
        if not written.name.endswith("questions.csv"):  # header only: no questions measured yet
            assert "Participant " in text
