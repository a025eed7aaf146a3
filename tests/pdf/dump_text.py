#!/usr/bin/env python3
"""Dump the reportlab PDF fixtures' text the way users' Python tools do.

    pip install pymupdf==2.0 pdfplumber==0.11.10
    apt-get install poppler-utils
    python3 tests/pdf/dump_text.py

Output: tests/fixtures/dumps/<seedstem>.<tool>.txt, for the four seeds'
`reportlab` PDFs (tests/fixtures/pdf), with

* pymupdf - `page.get_text()` (PyMuPDF 2.0): one text span a line, so a
  table prints each cell, each level of a code (`208` / `05` / `01`) and each
  amount on a line of its own; pages joined with a newline.
* pdfplumber - `page.extract_text()` (pdfplumber 0.11.10): one table row a line,
  cells apart by one space, empty cells dropped; pages joined with a newline.
* pdftotext - `pdftotext FILE.pdf` (poppler-utils 22.12, Debian 12), no
  options: text in reading order, which for these tables is often column
  by column, each cell a paragraph of its own.
* pdftotext-layout - `pdftotext -layout FILE.pdf`: rows kept on their lines,
  cells apart by runs of spaces.
* pdfminer - `pdf2txt.py -o OUT FILE.pdf` (pdfminer.six 20260107, as pdfplumber
  installs it), default layout analysis: text boxes in its reading order,
  so a table prints column by column and one column's amounts may fall
  between another's labels.

These are text dumps a user gets from the same PDFs that budget-harvest
reads itself (tests/e2e.rs compares the two readings).
"""

import pathlib
import subprocess

import pdfplumber
import pymupdf

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ["000_530d8417aadfcef1", "002_ef8a97d7800bc6c6", "003_93f707ff5e41d323", "004_9cf6d38fe078751d"]


def main() -> None:
    out = ROOT / "tests/fixtures/dumps"
    out.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        pdf = ROOT / f"tests/fixtures/pdf/{seed}.reportlab.pdf"
        with pymupdf.open(pdf) as doc:
            text = "\n".join(page.get_text() for page in doc)
        (out / f"{seed}.pymupdf.txt").write_text(text, encoding="utf-8")
        with pdfplumber.open(pdf) as doc:
            text = "\n".join(page.extract_text() or "" for page in doc.pages)
        (out / f"{seed}.pdfplumber.txt").write_text(text, encoding="utf-8")
        for tool, options in [("pdftotext", []), ("pdftotext-layout", ["-layout"])]:
            dump = out / f"{seed}.{tool}.txt"
            subprocess.run(["pdftotext", *options, str(pdf), str(dump)], check=True)
        dump = out / f"{seed}.pdfminer.txt"
        subprocess.run(["pdf2txt.py", "-o", str(dump), str(pdf)], check=True)


if __name__ == "__main__":
    main()
