#!/usr/bin/env python3
"""Write the tab-separated seeds 002 and 003 as Word documents, the way
counties attach their disclosures: tests/fixtures/docx/<seed>.docx, written
by python-docx on Word's default template, and tests/fixtures/doc/<seed>.doc,
that document saved as Word 97 by LibreOffice.

    pip install python-docx
    apt-get install --no-install-recommends libreoffice-writer-nogui
    python3 tests/docx/generate.py

Each run of tab-separated lines is a Word table, every other line a
paragraph. In a table's header (its lines before the first amount) a cell
followed by empty cells is merged across them (`w:gridSpan`), and a cell
over empty cells in the header lines below is merged down them
(`w:vMerge`), as an agency merges its headings. A cell's text is split into
two runs (`一般公共` + `预算拨款`), as Word splits a text it has checked.
The text a copy of the document gives is the seed's. Output is ours
(derived from samples/), not third-party.
"""
import re
import subprocess
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "docx"
SEEDS = ["002_ef8a97d7800bc6c6", "003_93f707ff5e41d323"]
AMOUNT = re.compile(r"^-?[\d,]+\.\d+$")


def blocks(lines):
    """Runs of tab lines (tables) and single other lines (paragraphs)."""
    table = []
    for line in lines:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            yield table
            table = []
        yield line
    if table:
        yield table


def write_cell(cell, text):
    p = cell.paragraphs[0]
    half = len(text) // 2
    for part in (text[:half], text[half:]):
        if part:
            p.add_run(part)


def add_table(document, rows):
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    header = next((i for i, r in enumerate(rows) if any(AMOUNT.match(c) for c in r)), 0)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            write_cell(table.cell(i, j), text)
    merged = set()
    for i in range(header):
        for j, text in enumerate(rows[i]):
            if not text or (i, j) in merged:
                continue
            right = j
            while right + 1 < width and not rows[i][right + 1] and (i, right + 1) not in merged:
                right += 1
            # Only a heading's own empty cells: the header line below must
            # be empty under the whole span for a merge down.
            down = i
            while (
                down + 1 < header
                and all(not rows[down + 1][k] and (down + 1, k) not in merged for k in range(j, right + 1))
            ):
                down += 1
            if right > j or down > i:
                table.cell(i, j).merge(table.cell(down, right))
                merged.update((a, b) for a in range(i, down + 1) for b in range(j, right + 1))
    return table


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        text = (REPO / "samples" / f"{seed}.txt").read_text(encoding="utf-8")
        document = docx.Document()
        for block in blocks(text.splitlines()):
            if isinstance(block, list):
                add_table(document, block)
            else:
                document.add_paragraph(block)
        document.save(OUT / f"{seed}.docx")
        print(OUT / f"{seed}.docx")
        doc_dir = OUT.parent / "doc"
        doc_dir.mkdir(exist_ok=True)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "doc", "--outdir", str(doc_dir), str(OUT / f"{seed}.docx")],
            check=True,
        )


if __name__ == "__main__":
    main()
