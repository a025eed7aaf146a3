"""Writes tests/fixtures/xlsx/003_93f707ff5e41d323.hidden_row.xlsx from the
seed's one-sheet-per-table workbook: in sheet 表5 an old 合计 row (last
year's figures) is inserted above the real one and hidden, as a county's
working copy keeps it. Run: python3 tests/xlsx/hidden_row.py (openpyxl)."""
from pathlib import Path

import openpyxl

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "xlsx"
SEED = "003_93f707ff5e41d323"

wb = openpyxl.load_workbook(FIXTURES / f"{SEED}.sheets.xlsx")
ws = wb["表5"]
total = next(
    r for r in range(1, ws.max_row + 1)
    if any(str(c.value or "").replace(" ", "") == "合计" for c in ws[r])
)
ws.insert_rows(total)
for c in ws[total + 1]:
    old = ws.cell(row=total, column=c.column)
    old.value = round(c.value * 0.9, 2) if isinstance(c.value, (int, float)) else c.value
ws.row_dimensions[total].hidden = True
wb.save(FIXTURES / f"{SEED}.hidden_row.xlsx")
