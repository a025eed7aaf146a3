#!/usr/bin/env python3
"""Write the seeds' fixture PDFs as OFD documents (GB/T 33190), the format
some Chinese agencies publish in: tests/fixtures/ofd/<pdf stem>.ofd.

    pip install pymupdf
    python3 tests/ofd/generate.py

Each PDF page becomes an OFD page of the same size in millimetres (y down):
every text span a TextObject whose Boundary is the span's box, its
TextCode's X/Y the first glyph's origin inside the box and DeltaX the
advances between its glyphs as the PDF set them (runs of equal advances
written `g N d`); every straight line or thin rectangle the PDF draws a
PathObject (AbbreviatedData `M x y L x y`, or a box `M … L … L … L … C`).
Every other page's objects carry a CTM (a scaling) with the coordinates
scaled back inside it, and one page's ruling lines sit in a template page
its Content names, as OFD writers do. The text a reader recovers is the
PDF's. Output is ours (derived from samples/ by way of tests/pdf), not
third-party.

(easyofd's pdf2ofd was tried first: it stacks a line's spans at the line's
origin, so its text positions do not match the page.)
"""
import zipfile
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[2]
PDFS = REPO / "tests" / "fixtures" / "pdf"
OUT = REPO / "tests" / "fixtures" / "ofd"
SOURCES = [
    "002_ef8a97d7800bc6c6.libreoffice.pdf",
    "003_93f707ff5e41d323.reportlab.pdf",
]
MM = 25.4 / 72
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def num(v):
    return f"{v:.4f}".rstrip("0").rstrip(".")


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def delta_x(advances):
    """Advances in OFD's notation: equal runs as `g N d`."""
    out, i = [], 0
    while i < len(advances):
        j = i
        while j + 1 < len(advances) and abs(advances[j + 1] - advances[i]) < 1e-4:
            j += 1
        n = j - i + 1
        out.append(f"g {n} {num(advances[i])}" if n > 2 else " ".join([num(advances[i])] * n))
        i = j + 1
    return " ".join(out)


class Ids:
    def __init__(self):
        self.n = 10

    def __call__(self):
        self.n += 1
        return self.n


def text_objects(page, ids, scaled):
    """The page's spans as TextObjects; `scaled`: with a CTM of 2 (the
    coordinates inside halved)."""
    k = 0.5 if scaled else 1.0
    ctm = ' CTM="2 0 0 2 0 0"' if scaled else ""
    out = []
    for block in page.get_text("rawdict")["blocks"]:
        if block["type"] != 0:
            continue
        for line in block["lines"]:
            for span in line["spans"]:
                chars = [c for c in span["chars"]]
                if not chars:
                    continue
                x0, y0, x1, y1 = span["bbox"]
                ox, oy = chars[0]["origin"]
                advances = [
                    (b["origin"][0] - a["origin"][0]) * MM * k for a, b in zip(chars, chars[1:])
                ]
                text = "".join(c["c"] for c in chars)
                size = span["size"] * MM * k
                dx = f' DeltaX="{delta_x(advances)}"' if advances else ""
                out.append(
                    f'<ofd:TextObject ID="{ids()}" Boundary="{num(x0 * MM)} {num(y0 * MM)} '
                    f'{num((x1 - x0) * MM)} {num((y1 - y0) * MM)}" Font="1" Size="{num(size)}"{ctm}>'
                    f'<ofd:TextCode X="{num((ox - x0) * MM * k)}" Y="{num((oy - y0) * MM * k)}"{dx}>'
                    f"{esc(text)}</ofd:TextCode></ofd:TextObject>"
                )
    return out


def path_objects(page, ids):
    out = []
    for d in page.get_drawings():
        for item in d["items"]:
            if item[0] == "l":
                a, b = item[1], item[2]
                x0, y0 = min(a.x, b.x), min(a.y, b.y)
                w, h = abs(b.x - a.x), abs(b.y - a.y)
                data = f"M {num((a.x - x0) * MM)} {num((a.y - y0) * MM)} L {num((b.x - x0) * MM)} {num((b.y - y0) * MM)}"
            elif item[0] == "re":
                r = item[1]
                x0, y0, w, h = r.x0, r.y0, r.width, r.height
                W, H = num(w * MM), num(h * MM)
                data = f"M 0 0 L {W} 0 L {W} {H} L 0 {H} C"
            else:
                continue
            fill = ' Fill="true" Stroke="false"' if d.get("fill") and not d.get("color") else ""
            out.append(
                f'<ofd:PathObject ID="{ids()}" Boundary="{num(x0 * MM)} {num(y0 * MM)} '
                f'{num(max(w, 0.01) * MM)} {num(max(h, 0.01) * MM)}" LineWidth="{num((d.get("width") or 0.5) * MM)}"{fill}>'
                f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"
            )
    return out


def content(objects, template=None):
    tpl = f'<ofd:Template TemplateID="{template}" ZOrder="Background"/>' if template else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page {NS}>{tpl}<ofd:Content>'
        f'<ofd:Layer ID="1" Type="Body">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>\n'
    )


def convert(pdf_path, ofd_path):
    pdf = pymupdf.open(pdf_path)
    ids = Ids()
    parts = {}
    pages, templates = [], []
    for i, page in enumerate(pdf):
        texts = text_objects(page, ids, scaled=i % 2 == 1)
        paths = path_objects(page, ids)
        template = None
        if i == 1 and paths:
            # This page's rulings drawn by a template page.
            template = ids()
            loc = "Tpls/Tpl_0/Content.xml"
            parts[f"Doc_0/{loc}"] = content(paths)
            templates.append(f'<ofd:TemplatePage ID="{template}" BaseLoc="{loc}"/>')
            paths = []
        loc = f"Pages/Page_{i}/Content.xml"
        parts[f"Doc_0/{loc}"] = content(texts + paths, template)
        w, h = page.rect.width * MM, page.rect.height * MM
        pages.append(
            f'<ofd:Page ID="{ids()}" BaseLoc="{loc}"/>'
        )
    box = f"0 0 {num(pdf[0].rect.width * MM)} {num(pdf[0].rect.height * MM)}"
    parts["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document {NS}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{ids.n}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
        f'{"".join(templates)}</ofd:CommonData><ofd:Pages>{"".join(pages)}</ofd:Pages></ofd:Document>\n'
    )
    parts["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD {NS} Version="1.1" DocType="OFD"><ofd:DocBody>'
        "<ofd:DocInfo><ofd:DocID>budget-harvest-fixture</ofd:DocID><ofd:Creator>tests/ofd/generate.py</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n"
    )
    with zipfile.ZipFile(ofd_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["OFD.xml", "Doc_0/Document.xml"] + sorted(p for p in parts if p.startswith("Doc_0/") and p != "Doc_0/Document.xml"):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        stem = name[: -len(".pdf")]
        convert(PDFS / name, OUT / f"{stem}.ofd")
        print(OUT / f"{stem}.ofd")


if __name__ == "__main__":
    main()
