#!/usr/bin/env python3
"""Render the text seeds in samples/ as PDF fixtures in three producer styles.

    python3 tests/pdf/generate.py                       # all 12 fixtures
    python3 tests/pdf/generate.py --style fpdf2 --seed 002

Output: tests/fixtures/pdf/<seedstem>.<style>.pdf

Seeds 000 and 004 are one cell per line; for them the generator reads
tests/pdf/rows/<stem>.txt instead, the rows budget-harvest's layout stage
rebuilds (`cargo run --release --example dump -- samples/<stem>.txt tsv`).

Seed format: a line containing TAB characters is one table row (cells split
on '\\t', empty cells kept in place).  Consecutive tab lines form one table;
blank lines inside such a run do not end it.  Every other non-empty line is a
text line (title, unit line, narrative paragraph, "表 2", ...).

Styles (see tests/pdf/README.md for the tools and versions):

* libreoffice - a flat ODF text document (.fodt) with ruled tables, converted
  by `soffice --headless --convert-to pdf`.  CJK text in Droid Sans Fallback,
  Latin/digits in DejaVu Serif (LibreOffice's glyph fallback adds a Noto CJK
  font for the few characters Droid lacks, e.g. “ ” ※).  LibreOffice 7.4
  writes every font as 256-glyph simple-font subsets (TrueType, or Type 1 for
  the CFF-based Noto) with arbitrary codes, so only ToUnicode gives the text.
  Not byte-deterministic (LibreOffice stamps the conversion time).
* fpdf2 - fpdf2 with WenQuanYi Zen Hei (TTC, TrueType outlines) added via
  add_font: Type0 / Identity-H / CIDFontType2, subset-embedded, ToUnicode.
  Ruled grid tables drawn with FPDF.table(), centred "- N -" page footer.
  Byte-deterministic.
* reportlab - reportlab with the non-embedded CID font STSong-Light
  (UniGB-UCS2-H); tables drawn WITHOUT any rules (aligned columns only).
  invariant=1, byte-deterministic.

Layout rules shared by all styles: A4 landscape, 15 mm margins, body text
10 pt (titles 14 pt, centred), table text 8 pt.  Column widths are computed
here from the font metrics of the style's font: an amount column is always
at least as wide as its widest amount (amounts never wrap), text columns get
the remaining width in proportion to their content, and text that does not
fit wraps inside its cell (CJK-aware line breaking).  If even the minimum
widths do not fit the page, the table font is reduced (8 -> 7 -> 6.5 -> 6 pt).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Union
from xml.sax.saxutils import escape as xml_escape

REPO = Path(__file__).resolve().parents[2]
SEEDS = [
    "000_530d8417aadfcef1",
    "002_ef8a97d7800bc6c6",
    "003_93f707ff5e41d323",
    "004_9cf6d38fe078751d",
]
STYLES = ["libreoffice", "fpdf2", "reportlab"]

# ---------------------------------------------------------------- geometry
MM = 72.0 / 25.4
PAGE_W, PAGE_H = 297 * MM, 210 * MM  # A4 landscape, in points
MARGIN = 15 * MM
USABLE_W = PAGE_W - 2 * MARGIN  # ~756.9 pt
BODY_PT = 10.0
TITLE_PT = 14.0
TABLE_PT = 8.0
TABLE_PT_FALLBACKS = [8.0, 7.0, 6.5, 6.0]
CELL_HPAD = 2.5  # left/right cell padding (pt)
RL_CELL_HPAD = 4.0  # reportlab: unruled columns get a little more air
CELL_VPAD = 1.5  # top/bottom cell padding (pt)
INDENT_EM = 2  # first-line indent of indented seed lines, in em

FIXED_DATE = _dt.datetime(2024, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)
AUTHOR = "budget-harvest fixture generator"

# libreoffice: CJK text in Droid Sans Fallback, Latin letters and digits in
# DejaVu Serif (the usual "SimSun + Times New Roman" mix of real documents)
FONT_LO_ASIAN_FAMILY = "Droid Sans Fallback"
FONT_LO_ASIAN_FILE = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
FONT_LO_WESTERN_FAMILY = "DejaVu Serif"
FONT_LO_WESTERN_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_WQY_TTC = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT_WQY_INDEX = 0  # WenQuanYi Zen Hei

# ------------------------------------------------------------------ parsing


@dataclass
class TextBlock:
    text: str  # leading/trailing whitespace removed
    indent: bool  # the seed line started with whitespace
    title: bool  # short line ending in 表: centred, larger


@dataclass
class TableBlock:
    rows: List[List[str]]  # padded to ncols; cells stripped of outer blanks
    ncols: int


Block = Union[TextBlock, TableBlock]

NUM_RE = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?")


def is_number(cell: str) -> bool:
    """Amount-like cell: 1,010.70  376.61  208  01  -3.5  100% ."""
    return bool(cell) and any(c.isdigit() for c in cell) and NUM_RE.fullmatch(cell) is not None


def is_title(text: str) -> bool:
    return (
        text.endswith("表")
        and len(text) <= 30
        and not text.startswith(("-", "表"))
        and "：" not in text
        and ":" not in text
    )


def parse_seed(path: Path) -> List[Block]:
    blocks: List[Block] = []
    cur: Optional[List[List[str]]] = None
    for raw in path.read_text(encoding="utf-8").split("\n"):
        raw = raw.rstrip("\r")
        if "\t" in raw:
            if cur is None:
                cur = []
            cur.append([c.strip() for c in raw.split("\t")])
            continue
        if raw.strip() == "":
            continue  # blank lines never end a table
        if cur is not None:
            blocks.append(_table(cur))
            cur = None
        text = raw.strip()
        indent = raw[:1].isspace()
        blocks.append(TextBlock(text=text, indent=indent, title=(not indent and is_title(text))))
    if cur is not None:
        blocks.append(_table(cur))
    return blocks


def _table(rows: List[List[str]]) -> TableBlock:
    n = max(len(r) for r in rows)
    return TableBlock(rows=[r + [""] * (n - len(r)) for r in rows], ncols=n)


# ------------------------------------------------------------ line breaking

# characters that must not start a line (attached to the preceding token)
NO_START = set("，。、；：？！）》」』】〕〉”’,.;:?!)]}%·…—")
# characters that must not end a line (attached to the following token)
NO_END = set("（《「『【〔〈“‘([{")


def _is_wide(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x2E80 and not (0xFF10 <= o <= 0xFF19)  # CJK & fullwidth forms


def tokenize(text: str) -> List[str]:
    """Split into break units: single CJK chars, runs of narrow non-space
    chars (numbers, Latin words), single spaces; then apply simple kinsoku."""
    toks: List[str] = []
    buf = ""
    for ch in text:
        if ch == " ":
            if buf:
                toks.append(buf)
                buf = ""
            toks.append(" ")
        elif _is_wide(ch):
            if buf:
                toks.append(buf)
                buf = ""
            toks.append(ch)
        else:
            buf += ch
    if buf:
        toks.append(buf)
    out: List[str] = []
    glue_next = False
    for t in toks:
        if out and t != " " and (glue_next or t[0] in NO_START) and out[-1] != " ":
            out[-1] += t
        else:
            out.append(t)
        glue_next = t != " " and t[-1] in NO_END
    return out


def wrap_text(text: str, width: float, measure: Callable[[str], float], first_indent: float = 0.0) -> List[str]:
    """Greedy CJK-aware wrap; every returned line measures <= width (a token
    wider than the whole width is split by characters)."""
    if text == "":
        return [""]
    lines: List[str] = []
    line = ""
    avail = width - first_indent
    for tok in tokenize(text):
        cand = line + tok
        if measure(cand) <= avail:
            line = cand
            continue
        if tok == " ":
            lines.append(line)
            line = ""
            avail = width
            continue
        if line.strip():
            lines.append(line.rstrip(" "))
            line = ""
            avail = width
        if measure(tok) <= avail:
            line = tok
            continue
        for ch in tok:  # token wider than the column: break anywhere
            if line and measure(line + ch) > avail:
                lines.append(line)
                line = ""
                avail = width
            line += ch
    if line.strip() or not lines:
        lines.append(line.rstrip(" "))
    return lines


def cell_lines(text: str, width: float, measure: Callable[[str], float]) -> List[str]:
    """wrap_text for a table cell, checking that nothing can overflow it."""
    lines = wrap_text(text, width, measure)
    for ln in lines:
        if measure(ln) > width + 1e-6:
            raise SystemExit(f"cell text {ln!r} overflows its {width:.1f} pt column")
    return lines


def min_token_width(text: str, measure: Callable[[str], float]) -> float:
    return max((measure(t) for t in tokenize(text) if t != " "), default=0.0)


# ------------------------------------------------------------ column widths


@dataclass
class TableLayout:
    font_pt: float
    widths: List[float]  # per column, points, including padding


def layout_table(tb: TableBlock, measure_at: Callable[[str, float], float], hpad: float = CELL_HPAD,
                 extra: float = 0.0, usable: float = USABLE_W,
                 label_em: Optional[float] = None) -> TableLayout:
    """hpad: left/right cell padding; extra: additional slack per column;
    label_em: columns of names at most this many em wide (names wrap in them;
    a column whose longest text would take more than four lines keeps its width)."""
    for pt in TABLE_PT_FALLBACKS:
        m = lambda s, pt=pt: measure_at(s, pt)  # noqa: E731
        pad = 2 * hpad + extra
        mins, maxs, keeps_width = [], [], []
        for j in range(tb.ncols):
            cells = [r[j] for r in tb.rows if r[j]]
            nums = [c for c in cells if is_number(c)]
            texts = [c for c in cells if not is_number(c)]
            num_need = max((m(c) for c in nums), default=0.0)
            text_nat = max((m(c) for c in texts), default=0.0)
            text_tok = max((min_token_width(c, m) for c in texts), default=0.0)
            floor = min(text_nat, 4 * pt)  # prefer >= 4 CJK chars for text
            lo = max(num_need, text_tok, floor, 2 * pt) + pad
            # amounts, or sentences: a column label_em leaves as wide as it is
            keeps_width.append(len(nums) >= len(texts) or text_nat > 4 * (label_em or 0) * pt)
            if len(nums) >= len(texts):
                # amount column: as wide as its widest amount (plus the floor);
                # its header cells wrap rather than take width from labels
                hi = lo
            else:
                hi = max(num_need, text_nat, 2 * pt) + pad
            mins.append(lo)
            maxs.append(max(hi, lo))
        if sum(mins) <= usable:
            break
    else:
        raise SystemExit(f"table with {tb.ncols} columns does not fit even at {pt} pt")
    if sum(maxs) <= usable:
        # everything fits on one line: stretch proportionally to the full width
        k = usable / sum(maxs)
        widths = [w * k for w in maxs]
    else:
        # distribute what is left after the minima in proportion to the wish
        # (capped so that one very long cell does not starve the others)
        cap = 0.45 * usable
        want = [max(0.0, min(hi, cap) - lo) for lo, hi in zip(mins, maxs)]
        room = usable - sum(mins)
        tot = sum(want)
        widths = [lo + (room * w / tot if tot else room / len(mins)) for lo, w in zip(mins, want)]
    if label_em is not None:
        cap = label_em * pt + 2 * hpad + extra
        widths = [w if kept else min(w, max(cap, lo))
                  for w, lo, kept in zip(widths, mins, keeps_width)]
    return TableLayout(font_pt=pt, widths=widths)


# ------------------------------------------------------------------ metrics


class TTFMeasure:
    """Advance-width measurement from a TrueType/OpenType font via fontTools."""

    def __init__(self, path: str, index: int = 0):
        from fontTools.ttLib import TTFont

        f = TTFont(path, fontNumber=index, lazy=True)
        self.upem = f["head"].unitsPerEm
        cmap = f.getBestCmap()
        hmtx = f["hmtx"]
        self.adv = {cp: hmtx[g][0] for cp, g in cmap.items()}
        self.default = self.upem
        self.cache: dict = {}

    def __call__(self, s: str, pt: float) -> float:
        w = self.cache.get(s)
        if w is None:
            w = sum(self.adv.get(ord(c), self.default) for c in s) / self.upem
            self.cache[s] = w
        return w * pt


class MixedMeasure:
    """LibreOffice picks the Asian font for CJK characters and the western
    font for the rest; for characters the chosen font lacks (glyph fallback)
    or whose script is ambiguous, assume the wider of the two."""

    def __init__(self, western: TTFMeasure, asian: TTFMeasure):
        self.w, self.a = western, asian
        self.cache: dict = {}

    def _adv(self, ch: str) -> float:
        o = ord(ch)
        aw = self.a.adv.get(o)
        ww = self.w.adv.get(o)
        a = aw / self.a.upem if aw is not None else None
        w = ww / self.w.upem if ww is not None else None
        if _is_wide(ch) and a is not None:
            return a
        if o < 0x80 and w is not None:
            return w
        return max(x for x in (a, w, 1.0) if x is not None)

    def __call__(self, s: str, pt: float) -> float:
        v = self.cache.get(s)
        if v is None:
            v = sum(self._adv(c) for c in s)
            self.cache[s] = v
        return v * pt


# ============================================================== libreoffice

# Rows may break across pages (fo:keep-together="auto", LibreOffice's default):
# with keep-together="always" LibreOffice 7.4 silently dropped all but the
# first row of 002's last table when that table started near a page bottom.
FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{title}</dc:title><meta:initial-creator>{author}</meta:initial-creator><dc:creator>{author}</dc:creator><meta:creation-date>2024-01-01T00:00:00</meta:creation-date><dc:date>2024-01-01T00:00:00</dc:date></office:meta>
<office:font-face-decls>
 <style:font-face style:name="{western}" svg:font-family="&apos;{western}&apos;" style:font-family-generic="roman" style:font-pitch="variable"/>
 <style:font-face style:name="{asian}" svg:font-family="&apos;{asian}&apos;" style:font-family-generic="system" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:hyphenation-ladder-count="no-limit" style:writing-mode="lr-tb" style:line-break="strict"/>
  <style:text-properties style:font-name="{western}" fo:font-size="{body}pt" style:font-name-asian="{asian}" style:font-size-asian="{body}pt" style:font-name-complex="{western}" style:font-size-complex="{body}pt" fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN" fo:hyphenate="false"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="297mm" fo:page-height="210mm" style:print-orientation="landscape" fo:margin-top="15mm" fo:margin-bottom="15mm" fo:margin-left="15mm" fo:margin-right="15mm"/>
 </style:page-layout>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="3pt" fo:line-height="135%" fo:text-align="start"/>
 </style:style>
 <style:style style:name="BodyIndent" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:text-indent="{indent}pt"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="6pt" fo:margin-bottom="6pt" fo:text-align="center"/>
  <style:text-properties fo:font-size="{title_pt}pt" style:font-size-asian="{title_pt}pt" style:font-size-complex="{title_pt}pt"/>
 </style:style>
 <style:style style:name="Gap" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="0pt"/>
  <style:text-properties fo:font-size="4pt" style:font-size-asian="4pt" style:font-size-complex="4pt"/>
 </style:style>
 <style:style style:name="Row" style:family="table-row">
  <style:table-row-properties fo:keep-together="auto"/>
 </style:style>
 <style:style style:name="Cell" style:family="table-cell">
  <style:table-cell-properties style:vertical-align="middle" fo:padding-left="{hpad}pt" fo:padding-right="{hpad}pt" fo:padding-top="{vpad}pt" fo:padding-bottom="{vpad}pt" fo:border="0.5pt solid #000000"/>
 </style:style>
{table_styles}
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1"/>
</office:master-styles>
<office:body>
<office:text>
"""

FODT_TAIL = """</office:text>
</office:body>
</office:document>
"""


def odf_text(s: str) -> str:
    """Escape for ODF paragraph content; runs of spaces kept via <text:s/>."""
    out = []
    i = 0
    while i < len(s):
        if s[i] == " ":
            j = i
            while j < len(s) and s[j] == " ":
                j += 1
            n = j - i
            if i == 0 or j == len(s):
                out.append(f'<text:s text:c="{n}"/>')
            elif n == 1:
                out.append(" ")
            else:
                out.append(f' <text:s text:c="{n - 1}"/>')
            i = j
        else:
            j = i
            while j < len(s) and s[j] != " ":
                j += 1
            out.append(xml_escape(s[i:j]))
            i = j
    return "".join(out)


def render_libreoffice(stem: str, blocks: List[Block], out_pdf: Path, keep_dir: Optional[Path]) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    measure = MixedMeasure(TTFMeasure(FONT_LO_WESTERN_FILE), TTFMeasure(FONT_LO_ASIAN_FILE))
    styles: List[str] = []
    body: List[str] = []
    tno = 0
    for b in blocks:
        if isinstance(b, TextBlock):
            st = "Title" if b.title else ("BodyIndent" if b.indent else "Body")
            body.append(f'<text:p text:style-name="{st}">{odf_text(b.text)}</text:p>\n')
            continue
        tno += 1
        # LibreOffice's line layout is a little wider than the raw advances
        # (border widths, justification rounding): keep 4 pt of slack per column
        lay = layout_table(b, measure, extra=4.0)
        tn = f"T{tno}"
        pt = lay.font_pt
        styles.append(
            f' <style:style style:name="{tn}" style:family="table"><style:table-properties '
            f'style:width="{sum(lay.widths):.2f}pt" table:align="left" fo:margin-top="2pt" fo:margin-bottom="4pt"/></style:style>\n'
        )
        for j, w in enumerate(lay.widths):
            styles.append(
                f' <style:style style:name="{tn}.C{j}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{w:.2f}pt"/></style:style>\n'
            )
        for al, name in (("start", "L"), ("end", "R")):
            styles.append(
                f' <style:style style:name="{tn}.{name}" style:family="paragraph" style:parent-style-name="Standard">'
                f'<style:paragraph-properties fo:text-align="{al}" fo:margin-top="0pt" fo:margin-bottom="0pt"/>'
                f'<style:text-properties fo:font-size="{pt}pt" style:font-size-asian="{pt}pt" style:font-size-complex="{pt}pt"/>'
                f"</style:style>\n"
            )
        body.append(f'<table:table table:name="{tn}" table:style-name="{tn}">\n')
        for j in range(b.ncols):
            body.append(f'<table:table-column table:style-name="{tn}.C{j}"/>\n')
        for row in b.rows:
            cells = []
            for c in row:
                ps = f"{tn}.R" if is_number(c) else f"{tn}.L"
                inner = f'<text:p text:style-name="{ps}">{odf_text(c)}</text:p>' if c else f'<text:p text:style-name="{ps}"/>'
                cells.append(f'<table:table-cell table:style-name="Cell" office:value-type="string">{inner}</table:table-cell>')
            body.append('<table:table-row table:style-name="Row">' + "".join(cells) + "</table:table-row>\n")
        body.append("</table:table>\n")
        body.append('<text:p text:style-name="Gap"/>\n')
    doc = FODT_HEAD.format(
        title=xml_escape(stem),
        author=xml_escape(AUTHOR),
        western=FONT_LO_WESTERN_FAMILY,
        asian=FONT_LO_ASIAN_FAMILY,
        body=BODY_PT,
        title_pt=TITLE_PT,
        indent=INDENT_EM * BODY_PT,
        hpad=CELL_HPAD,
        vpad=CELL_VPAD,
        table_styles="".join(styles),
    )
    doc += "".join(body) + FODT_TAIL
    with tempfile.TemporaryDirectory(prefix="bh-lo-") as tmp:
        tmpd = Path(tmp)
        src = tmpd / f"{out_pdf.stem}.fodt"  # <stem>.libreoffice.fodt
        src.write_text(doc, encoding="utf-8")
        if keep_dir is not None:
            keep_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, keep_dir / src.name)
        profile = tmpd / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(tmpd),
            str(src),
        ]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
        produced = tmpd / f"{out_pdf.stem}.pdf"
        if r.returncode != 0 or not produced.exists():
            raise SystemExit(f"soffice failed ({r.returncode}):\n{r.stdout}")
        shutil.move(str(produced), out_pdf)


# ==================================================================== fpdf2


def render_fpdf2(stem: str, blocks: List[Block], out_pdf: Path, label_em: Optional[float] = None) -> None:
    import logging

    import fpdf
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    # fontTools' subsetter notes that it drops wqy-zenhei's bitmap strikes
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    class Doc(FPDF):
        def footer(self) -> None:
            self.set_y(PAGE_H - MARGIN + 12)
            self.set_font("wqy", size=9)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Doc(orientation="L", unit="pt", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0  # text lines start exactly at the margin (tables pad themselves)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("wqy", "", FONT_WQY_TTC, collection_font_number=FONT_WQY_INDEX)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(stem)
    pdf.set_author(AUTHOR)
    pdf.set_creator(AUTHOR)
    pdf.set_producer(f"PyFPDF/fpdf{fpdf.FPDF_VERSION}")  # fpdf2's own convention
    pdf.add_page()

    cache: dict = {}

    def measure_at(s: str, pt: float) -> float:
        key = (s, pt)
        w = cache.get(key)
        if w is None:
            if pdf.font_size_pt != pt:
                pdf.set_font("wqy", size=pt)
            w = pdf.get_string_width(s)
            cache[key] = w
        return w

    for b in blocks:
        if isinstance(b, TextBlock):
            size = TITLE_PT if b.title else BODY_PT
            lh = size * 1.4
            pdf.set_font("wqy", size=size)
            if b.title:
                pdf.ln(4)
            indent = INDENT_EM * size if b.indent else 0.0
            lines = wrap_text(b.text, USABLE_W, lambda s: measure_at(s, size), first_indent=indent)
            for i, ln in enumerate(lines):
                if b.title:
                    pdf.set_x(MARGIN)
                    pdf.cell(USABLE_W, lh, ln, align="C", new_x="LMARGIN", new_y="NEXT")
                else:
                    x = MARGIN + (indent if i == 0 else 0.0)
                    pdf.set_x(x)
                    pdf.cell(USABLE_W - (x - MARGIN), lh, ln, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("wqy", size=size)
            pdf.ln(3 if not b.title else 4)
            continue
        lay = layout_table(b, measure_at, label_em=label_em)
        pt = lay.font_pt
        pdf.set_font("wqy", size=pt)
        pdf.ln(2)
        with pdf.table(
            width=sum(lay.widths),
            col_widths=tuple(lay.widths),
            align="LEFT",
            first_row_as_headings=False,
            line_height=pt * 1.25,
            padding=(CELL_VPAD, CELL_HPAD, CELL_VPAD, CELL_HPAD),
            text_align="LEFT",
            v_align="MIDDLE",
            wrapmode=WrapMode.WORD,
            borders_layout="ALL",
        ) as table:
            for row in b.rows:
                r = table.row()
                for c, w in zip(row, lay.widths):
                    if is_number(c):
                        r.cell(c, align="RIGHT")
                    else:
                        # pre-wrap with our CJK-aware breaker; 0.5 pt slack so
                        # fpdf2 never re-wraps a line we measured as fitting
                        lines = cell_lines(c, w - 2 * CELL_HPAD - 0.5, lambda s: measure_at(s, pt))
                        r.cell("\n".join(lines), align="LEFT")
        pdf.set_font("wqy", size=BODY_PT)
        pdf.ln(5)
    pdf.output(str(out_pdf))


# ================================================================ reportlab

RL_FONT = "STSong-Light"
RL_FALLBACK_FONT = "Helvetica"  # for the odd char UniGB-UCS2-H lacks (e.g. U+00B7)


def _unigb_coverage() -> Optional[set]:
    """Code points mapped by UniGB-UCS2-H (from poppler-data, if installed)."""
    for p in (
        "/usr/share/poppler/cMap/Adobe-GB1/UniGB-UCS2-H",
        "/usr/share/fonts/cmap/adobe-gb1/UniGB-UCS2-H",
    ):
        if os.path.exists(p):
            txt = open(p, encoding="latin-1").read()
            cov = set()
            for a, b, _ in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>\s*(\d+)", txt):
                cov.update(range(int(a, 16), int(b, 16) + 1))
            for a, _ in re.findall(r"^<([0-9a-fA-F]{4})>\s*(\d+)\s*$", txt, re.M):
                cov.add(int(a, 16))
            return cov
    return None


def render_reportlab(stem: str, blocks: List[Block], out_pdf: Path) -> None:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(RL_FONT))
    coverage = _unigb_coverage()

    def covered(ch: str) -> bool:
        return coverage is None or ord(ch) < 0x80 or ord(ch) in coverage

    def markup(s: str) -> str:
        out = []
        for ch in s:
            e = xml_escape(ch)
            out.append(e if covered(ch) else f'<font name="{RL_FALLBACK_FONT}">{e}</font>')
        return "".join(out)

    cache: dict = {}

    def measure_at(s: str, pt: float) -> float:
        key = (s, pt)
        w = cache.get(key)
        if w is None:
            w = pdfmetrics.stringWidth(s, RL_FONT, pt)
            cache[key] = w
        return w

    body = ParagraphStyle("body", fontName=RL_FONT, fontSize=BODY_PT, leading=BODY_PT * 1.45,
                          alignment=TA_LEFT, wordWrap="CJK", spaceAfter=3)
    body_ind = ParagraphStyle("body_ind", parent=body, firstLineIndent=INDENT_EM * BODY_PT)
    title = ParagraphStyle("title", parent=body, fontSize=TITLE_PT, leading=TITLE_PT * 1.4,
                           alignment=TA_CENTER, spaceBefore=6, spaceAfter=6)

    story = []
    for b in blocks:
        if isinstance(b, TextBlock):
            st = title if b.title else (body_ind if b.indent else body)
            story.append(Paragraph(markup(b.text), st))
            continue
        lay = layout_table(b, measure_at, hpad=RL_CELL_HPAD)
        pt = lay.font_pt
        cell_style = ParagraphStyle("cell", fontName=RL_FONT, fontSize=pt, leading=pt * 1.25)
        data = []
        cmds = [
            ("FONTNAME", (0, 0), (-1, -1), RL_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), pt),
            ("LEADING", (0, 0), (-1, -1), pt * 1.25),
            ("LEFTPADDING", (0, 0), (-1, -1), RL_CELL_HPAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), RL_CELL_HPAD),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_VPAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_VPAD),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "LEFT"),
        ]
        for i, row in enumerate(b.rows):
            drow = []
            for j, (c, w) in enumerate(zip(row, lay.widths)):
                if is_number(c):
                    drow.append(c)
                    cmds.append(("ALIGN", (j, i), (j, i), "RIGHT"))
                    continue
                lines = cell_lines(c, w - 2 * RL_CELL_HPAD - 0.5, lambda s: measure_at(s, pt))
                if all(covered(ch) for ch in c):
                    drow.append("\n".join(lines))
                else:
                    drow.append(Paragraph("<br/>".join(markup(x) for x in lines), cell_style))
            data.append(drow)
        t = Table(data, colWidths=lay.widths, hAlign="LEFT", splitByRow=1)
        t.setStyle(TableStyle(cmds))  # no GRID / LINE* commands: unruled
        story.append(Spacer(1, 2))
        story.append(t)
        story.append(Spacer(1, 6))

    doc = BaseDocTemplate(
        str(out_pdf),
        pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=stem,
        author=AUTHOR,
        creator=AUTHOR,
        invariant=1,
        pageCompression=1,
    )
    frame = Frame(MARGIN, MARGIN, USABLE_W, PAGE_H - 2 * MARGIN, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story)


# ===================================================================== main


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--style", action="append", choices=STYLES, help="only this style (repeatable)")
    ap.add_argument("--seed", action="append", help="only seeds whose stem starts with this (repeatable)")
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--rows", type=Path, default=REPO / "tests" / "pdf" / "rows",
                    help="row dumps used instead of a seed whose dump is one cell per line")
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "pdf")
    ap.add_argument("--keep-fodt", type=Path, default=None, help="also copy the .fodt sources here")
    ap.add_argument("--narrow-labels", type=float, default=None, metavar="EM",
                    help="fpdf2 only: text columns at most EM em wide, so names wrap around "
                         "their row's vertically centred amounts (output <stem>.fpdf2-narrow.pdf)")
    args = ap.parse_args(argv)

    styles = args.style or STYLES
    seeds = [s for s in SEEDS if not args.seed or any(s.startswith(p) for p in args.seed)]
    if not seeds:
        ap.error(f"no seed matches {args.seed}; known: {', '.join(SEEDS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for stem in seeds:
        # Seeds 000 and 004 print one cell per line; their tables come from
        # the layout stage's rows (`cargo run --example dump -- SEED tsv`).
        rows = args.rows / f"{stem}.txt"
        blocks = parse_seed(rows if rows.exists() else args.samples / f"{stem}.txt")
        for style in styles:
            out = args.out / f"{stem}.{style}.pdf"
            if style == "libreoffice":
                render_libreoffice(stem, blocks, out, args.keep_fodt)
            elif style == "fpdf2" and args.narrow_labels is not None:
                out = args.out / f"{stem}.fpdf2-narrow.pdf"
                render_fpdf2(stem, blocks, out, label_em=args.narrow_labels)
            elif style == "fpdf2":
                render_fpdf2(stem, blocks, out)
            else:
                render_reportlab(stem, blocks, out)
            print(f"{out.relative_to(REPO) if out.is_relative_to(REPO) else out}  {out.stat().st_size:>8} bytes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
