#!/usr/bin/env python3
"""Writes tests/fixtures/fonts/embedded_cmap_no_tounicode.pdf: one line of
Chinese in an embedded CID TrueType subset (Identity-H) whose ToUnicode entry
is blanked out, so the text can only come from the font's own cmap.

Needs fpdf2 (PyPI) and Debian's fonts-droid-fallback (Apache-2.0, so the
subset may be committed). Blanking keeps every byte offset: the cross-reference
table stays valid.
"""
import datetime
import pathlib
import re

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
OUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures/fonts/embedded_cmap_no_tounicode.pdf"

pdf = FPDF()
# A fixed date: the file is the same on every run.
pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
pdf.add_page()
pdf.add_font("droid", fname=FONT)
pdf.set_font("droid", size=12)
pdf.cell(0, 10, "一般公共预算拨款（项目支出）")
data = bytes(pdf.output())
for entry in re.findall(rb"/ToUnicode \d+ 0 R", data):
    data = data.replace(entry, b" " * len(entry))
OUT.write_bytes(data)
print(f"{OUT}: {len(data)} bytes")
