#!/usr/bin/env python3
"""Unruled PDF tables whose names wrap in narrow cells set at the top, the
middle or the bottom of their rows (the last a spreadsheet's default), with
rows padded by 2, 4 or 8 pt: `tests/fixtures/pdf-unruled-wrapped/`.

    python3 tests/pdf/unruled_wrapped.py [OUT_DIR]

reportlab with `STSong-Light` (CID, UniGB-UCS2-H, not embedded), as the
`reportlab` style of `generate.py`; 10 pt type on a 12 pt leading, names
wrapped every five characters, codes and amounts on one line per row
(the cell's first, middle or last line), headings centred over their
amounts. `tests/pdf_unruled.rs` reads them back.
"""
import sys
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
ROWS = [
    ("208", "社会保障和就业支出", ("754.75", "754.75", "0.00")),
    ("20805", "行政事业单位养老支出", ("754.75", "754.75", "0.00")),
    ("2080501", "行政单位离退休", ("54.53", "54.53", "0.00")),
    ("2080502", "事业单位离退休", ("28.11", "28.11", "0.00")),
    ("2080505", "机关事业单位基本养老保险缴费支出", ("446.11", "446.11", "0.00")),
    ("2080506", "机关事业单位职业年金缴费支出", ("225.12", "225.12", "0.00")),
    ("2080599", "其他行政事业单位养老支出", ("0.88", "0.88", "0.00")),
    ("210", "卫生健康支出", ("236.64", "236.64", "0.00")),
    ("21011", "行政事业单位医疗", ("236.64", "236.64", "0.00")),
    ("2101101", "行政单位医疗", ("40.35", "40.35", "0.00")),
    ("2101102", "事业单位医疗", ("196.29", "196.29", "0.00")),
    ("212", "城乡社区支出", ("3832.36", "1572.70", "2259.65")),
    ("21201", "城乡社区管理事务", ("1092.80", "1084.02", "8.77")),
    ("2120101", "行政运行", ("1092.80", "1084.02", "8.77")),
    ("21202", "城乡社区规划与管理", ("2739.56", "488.68", "2250.88")),
    ("2120201", "城乡社区规划与管理", ("2739.56", "488.68", "2250.88")),
]
TOTAL = ("合计", ("4823.75", "2564.09", "2259.65"))
AMOUNT_RIGHT_EDGES = (330, 420, 510)


def make(path: Path, align: str, pad: float, width: int = 5, size: float = 10, lead: float = 12):
    c = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    c.setFont(FONT, 14)
    c.drawCentredString(297, 800, "一般公共预算财政拨款支出决算表")
    c.setFont(FONT, size)
    c.drawRightString(540, 780, "单位：万元")
    y = 755
    c.drawString(40, y, "科目编码")
    c.drawString(110, y, "科目名称")
    for x, heading in zip(AMOUNT_RIGHT_EDGES, ("合计", "基本支出", "项目支出")):
        c.drawCentredString(x - 25, y, heading)
    y -= lead + pad
    for code, name, amounts in ROWS + [("",) + TOTAL]:
        pieces = [name[i:i + width] for i in range(0, len(name), width)] if code else [name]
        lines = len(pieces)
        row_line = {"top": 0, "middle": (lines - 1) / 2, "bottom": lines - 1}[align]
        for i, piece in enumerate(pieces):
            c.drawString(110, y - i * lead, piece)
        at = y - row_line * lead
        c.drawString(40, at, code)
        for x, amount in zip(AMOUNT_RIGHT_EDGES, amounts):
            c.drawRightString(x, at, amount)
        y -= lines * lead + pad
    c.save()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/pdf-unruled-wrapped")
    out.mkdir(parents=True, exist_ok=True)
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    for align in ("top", "middle", "bottom"):
        for pad in (2, 4, 8):
            make(out / f"{align}_pad{pad}.pdf", align, pad)
    return 0


if __name__ == "__main__":
    sys.exit(main())
