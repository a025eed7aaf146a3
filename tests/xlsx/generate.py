#!/usr/bin/env python3
"""Write the tab-separated seeds 002 and 003 as spreadsheets, the way counties
attach their tables: tests/fixtures/xlsx/<seed>.xlsx (one sheet, the text's
lines as its rows), <seed>.sheets.xlsx (one sheet per table, split at each
`表X：` line, the text before the first on a sheet of its own) and
<seed>.xls (Excel 97, one sheet); for 002 also <seed>.hidden.xlsx: a hidden
first sheet holding last year's copy (amounts nine tenths), then the
visible sheet with every positive amount stored half a hundredth under
what it shows (`1008.925` shown `1008.93`, as a 元 figure turned into 万元
by a formula gives).

    pip install openpyxl xlwt
    python3 tests/xlsx/generate.py

A cell that reads as an amount (a decimal, or a whole number of four or more
digits) is stored as a number shown with two decimals; every other cell,
codes (`208`, `01`) included, as text. Output is ours (derived from
samples/), not third-party.
"""
import re
from pathlib import Path

import openpyxl
import xlwt

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "xlsx"
SEEDS = ["002_ef8a97d7800bc6c6", "003_93f707ff5e41d323"]
AMOUNT = re.compile(r"-?\d+\.\d+|-?[1-9]\d{3,}")


def cells(line):
    for j, c in enumerate(line.split("\t")):
        if c:
            yield j, (float(c) if AMOUNT.fullmatch(c.strip()) else c)


def write_rows(ws, lines, stored=lambda v: v):
    for i, line in enumerate(lines, 1):
        for j, v in cells(line):
            cell = ws.cell(i, j + 1, stored(v) if isinstance(v, float) else v)
            if isinstance(v, float):
                cell.number_format = "0.00"
            elif v.startswith("="):
                # Text (`=12次`, a target in a performance table), not a formula.
                cell.data_type = "s"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        lines = (REPO / "samples" / f"{seed}.txt").read_text(encoding="utf-8").split("\n")
        wb = openpyxl.Workbook()
        wb.active.title = "公开表"
        write_rows(wb.active, lines)
        wb.save(OUT / f"{seed}.xlsx")

        # One sheet per table: split before each `表X：` line of the tables.
        starts = [i for i, l in enumerate(lines) if re.match(r"^表[一二三四五六七八九十\d]+[：:]?\s*$", l)]
        bounds = [0] + starts + [len(lines)]
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for k in range(len(bounds) - 1):
            ws = wb.create_sheet(f"表{k}" if k else "说明")
            write_rows(ws, lines[bounds[k]:bounds[k + 1]])
        wb.save(OUT / f"{seed}.sheets.xlsx")

        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet("sheet1")
        two = xlwt.easyxf(num_format_str="0.00")
        for i, line in enumerate(lines):
            for j, v in cells(line):
                if isinstance(v, float):
                    ws.write(i, j, v, two)
                else:
                    ws.write(i, j, v)
        book.save(str(OUT / f"{seed}.xls"))

        if seed == SEEDS[0]:
            wb = openpyxl.Workbook()
            wb.active.title = "2023年"
            write_rows(wb.active, lines, lambda v: round(v * 0.9, 2))
            wb.active.sheet_state = "hidden"
            shown = wb.create_sheet("公开表")
            write_rows(shown, lines, lambda v: v - 0.005 if v > 0 else v)
            wb.active = 1
            wb.save(OUT / f"{seed}.hidden.xlsx")
        print("wrote", seed)


if __name__ == "__main__":
    main()
