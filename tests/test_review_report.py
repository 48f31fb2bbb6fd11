"""The one-file HTML review report, opened in headless Chromium (a real browser): nothing wider than the screen on
a phone (390 px) or a desktop (1280 px), every chart drawn with its text alternative, printed to A4 on the pages
designed (the headline, two pages of charts, a page per section), the PDF holding the snapshot JSON's headline
figures; `xlreg snapshot --pdf` and `xlreg diff --format html`. Screenshots and the PDF's first pages are kept in
test-artefacts/ for people to look at."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.browser import Page, browser_or_skip
from xl_addin.cli import main
from xl_addin.engine.snapshot import ReviewTable, figure_text, review_sections
from xl_addin.resources import sample_path
from xl_addin.workbook.formats.snapshot_json import load_snapshot
from xl_addin.workbook.writing import pdf_print

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"
SECTIONS = 7  # the sample's: since the last review, overdue, priorities, effectiveness, by source, counts, quality
PRINTED_PAGES = 1 + 2 + SECTIONS  # the headline and what it rests on; charts two to a page; a page per section

# What the browser's layout says: the page's width and the width it scrolls to, what sticks out past the right
# edge (outside a table's own scroll box), and each chart's rendered width and text alternative.
MEASURE = """JSON.stringify((() => {
  const root = document.documentElement, width = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(element => !element.closest(".table-scroll") && element.getBoundingClientRect().right > width + 0.5)
    .map(element => element.tagName.toLowerCase() + "." + element.className.baseVal ?? element.className);
  const charts = [...document.querySelectorAll("figure svg")].map(svg => ({
    width: svg.getBoundingClientRect().width,
    role: svg.getAttribute("role"),
    text: (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean)
      .map(id => (document.getElementById(id) || {}).textContent || "")}));
  const tables = [...document.querySelectorAll("table")].map(table => ({
    caption: table.caption ? table.caption.textContent : "",
    headers: table.querySelectorAll("thead th[scope=col]").length,
    columns: table.rows.length ? table.rows[0].cells.length : 0}));
  return {width, scrollWidth: root.scrollWidth, wide, charts, tables};
})())"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("report")
    register = folder / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    code, text = run("snapshot", str(register), "--as-of", "2026-11-25T09:00", "--since", "2026-08-31")
    assert code == 0, text
    stem = folder / "snapshots" / "sample_register_2026-11-25_090000"
    assert f"Wrote {stem}.html" in text
    return stem.with_suffix(".html"), load_snapshot(stem.with_suffix(".json"))


def test_the_report_is_one_file_with_no_script_and_nothing_fetched(report: tuple[Path, dict]) -> None:
    page = report[0].read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//script") == [] and tree.xpath("//link") == [] and tree.xpath("//img") == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "url(" not in page  # no font or image in the styles either
    assert tree.get("lang") == "en" and tree.xpath("//meta[@name='viewport']")


@pytest.mark.parametrize("width", [390, 1280])
def test_nothing_is_wider_than_the_screen_and_every_chart_has_its_text(report: tuple[Path, dict], width: int) -> None:
    browser = browser_or_skip()
    page_path, document = report
    with Page(browser, page_path.resolve().as_uri(), width=width, mobile=width < 600) as page:
        measured = json.loads(page.evaluate(MEASURE))
        ARTEFACTS.mkdir(exist_ok=True)
        shot = page.screenshot(ARTEFACTS / f"review-report-{width}px.png")
    assert measured["width"] == width
    assert measured["scrollWidth"] <= width and measured["wide"] == [], measured["wide"]
    assert len(measured["charts"]) == 4
    for chart in measured["charts"]:
        assert chart["role"] == "img" and chart["width"] > min(width, 600) * 0.5
        title, description = chart["text"]
        assert title and description.startswith(title + ":")
    by_status = next(table for table in document["review"] if table["key"] == "by-status")
    assert measured["charts"][0]["text"][1] == "Items by status: " + ", ".join(f"{name} {count}" for name, count
                                                                              in by_status["rows"])
    shown = [table for table in document["review"] if table["rows"]]
    assert [table["caption"] for table in measured["tables"]] == [table["title"] for table in
                                                                  _in_section_order(shown)]
    assert all(table["headers"] == table["columns"] for table in measured["tables"])
    assert shot.stat().st_size > 10_000


def _in_section_order(tables: list[dict]) -> list[dict]:
    """The JSON's tables in the order the report's sections show them."""
    by_key = {table["key"]: table for table in tables}
    return [by_key[table.key] for _, found in _sections(tables) for table in found]


def _sections(tables: list[dict]) -> list[tuple[str, list[ReviewTable]]]:
    return review_sections([ReviewTable(table["key"], table["title"], tuple(table["columns"]),
                                       tuple(map(tuple, table["rows"]))) for table in tables])


def test_printed_to_a4_on_the_pages_designed_with_the_headline_figures(report: tuple[Path, dict]) -> None:
    browser = browser_or_skip()
    page_path, document = report
    ARTEFACTS.mkdir(exist_ok=True)
    pdf = pdf_print.print_to_pdf(page_path, ARTEFACTS / "review-report.pdf", browser)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(PRINTED_PAGES)
    assert "A4" in info
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = " ".join(pages[0].split())
    lines = [" ".join(line.split()) for line in pages[0].splitlines()]
    for figure in document["headline"]:  # each figure's label and value on one printed line
        shown = f"{figure['label']} {figure_text(figure['value'], figure['unit'])}"
        assert any(re.search(rf"(?<![\w]){re.escape(shown)}(?![\d%])", line) for line in lines), (shown, lines)
    assert "74%" in first and "95%" in first  # rates as percentages
    assert pages[1].lstrip().startswith("Charts") and "Items by status" in pages[1]
    assert "Entries raised per month" in pages[2] and "Overdue items by owner" in pages[2]
    for number, (title, _) in enumerate(_sections(document["review"]), start=4):
        assert pages[number - 1].lstrip().startswith(title), (number, title)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf),
                    str(ARTEFACTS / "review-report-page")], check=True)


def test_snapshot_pdf_prints_the_report_or_says_plainly_why_not(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    browser_or_skip()
    register = tmp_path / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    code, text = run("snapshot", str(register), "--as-of", "2026-11-25T09:00", "--pdf")
    pdf = tmp_path / "snapshots" / "sample_register_2026-11-25_090000.pdf"
    assert code == 0 and f"Wrote {pdf}" in text and pdf.read_bytes().startswith(b"%PDF")
    monkeypatch.setattr(pdf_print, "find_browser", lambda: None)
    code, text = run("snapshot", str(register), "--as-of", "2026-11-25T10:00", "--pdf")
    html = tmp_path / "snapshots" / "sample_register_2026-11-25_100000.html"
    assert code == 0
    assert (f"No PDF was made: no browser to print it with was found (install Chromium, Google Chrome or Microsoft "
            f"Edge). The report is {html}: open it and print it to PDF.") in text
    assert not html.with_suffix(".pdf").exists() and html.is_file()


def test_diff_as_html_lists_the_changes_in_the_reports_style(tmp_path: Path) -> None:
    from scripts.demo_fortnight import apply_review_changes
    from tests.conftest import AS_OF

    register = tmp_path / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    assert run("snapshot", str(register), "--as-of", "2026-11-25T09:00")[0] == 0
    apply_review_changes(register, AS_OF)
    assert run("snapshot", str(register), "--as-of", "2026-12-09T09:00")[0] == 0
    folder = tmp_path / "snapshots"
    old, new = (str(folder / f"sample_register_{day}_090000.json") for day in ("2026-11-25", "2026-12-09"))
    code, page = run("diff", old, new, "--format", "html")
    assert code == 0
    tree = lxml_html.fromstring(page)
    assert [caption.text_content() for caption in tree.xpath("//table/caption")] == [
        "New items", "Closed", "Status changes", "Target dates moved", "Priority changes", "Owner changes"]
    rows = {row.xpath("string(th)"): [cell.text_content() for cell in row.xpath("td")]
            for row in tree.xpath("//tbody/tr")}
    assert rows["IMP-0052"] == ["Target date", "2027-01-01", "2027-01-31", "30"]
    assert rows["IMP-0047"] == ["Status", "In progress", "Completed", ""]
    assert tree.xpath("//script") == []
