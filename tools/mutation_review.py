#!/usr/bin/env python3
"""Mutation review: cuts one number, inserts one page number, breaks one
table over a page, slips or truncates one amount, or drops or inserts one
empty cell in copies of the cell-per-line and tab-separated seeds,
extracts them and the plain seeds, and counts the cells that came out wrong
but marked `ok`, the cells lost, the cells filed under another table number,
and the documents read with another number of tables.

    python3 tools/mutation_review.py [--seed N] [--per-seed 60] [--kinds cut|break|numbered-break|slip|truncate|shift|extra|cut,break] [--bin target/release/budget-harvest]

Kinds: `cut` (the default, the draws README quotes) cuts a number across
two lines or puts a page number after one; `break` puts a page break before
one of a table's rows (not its first): a page number, then the table's
header again, with or without its title and unit line above it, as a
spreadsheet printed with repeated title rows gives; `numbered-break` repeats
the table's number line (`表六：`) too; `slip` makes a publisher's mistake:
one table amount printed with its last decimal one off (`779.18` → `779.19`),
in the flow seed too. A slip must come out as printed (a different value is
a silent fix), change no other cell, and fail a check the plain seed passes
(or it went unreported). `truncate` drops an amount's last decimal
(`779.18` → `779.1`), as a cell cut at its edge: the value printed is not the
publisher's, and must not come out `ok`. `shift` drops an empty cell from a
row and `extra` inserts one before an amount: the cells after it move a
column, and must not come out `ok` in their new columns.

Each mutant holds one change, so a finding names its cause (listed per file,
and in changes.tsv in the work folder). Byte-identical mutants are written
once by the batch; their cells count as lost here and are left out of the
listing.
"""
import argparse, collections, csv, os, random, re, subprocess, sys, tempfile
from decimal import Decimal

SEEDS = {
    "000_530d8417aadfcef1.txt": "cell_per_line",
    "004_9cf6d38fe078751d.txt": "cell_per_line",
    "002_ef8a97d7800bc6c6.txt": "tabbed",
    "003_93f707ff5e41d323.txt": "tabbed",
    # Only `slip` mutates the flow dump (its tables run from 第二部分 to 第三部分).
    "001_49a4b981723e56f6.txt": "flow",
}
NUMBER = re.compile(r"^\d+(\.\d+)?$")
CENTS = re.compile(r"^\d+\.\d\d$")
FLOW_CENTS = re.compile(r"(?<![\d.])\d+\.\d\d(?![\d.])")


CODE = re.compile(r"^\d{3}$")
NUMBERED = re.compile(r"^表\s*[\d一二三四五六七八九十]+[：:]?$")
UNIT = re.compile(r"单位[:：]\s*(万元|元)")


def data_line(line, layout):
    """A table body line: a row's first line (cell-per-line: its 类 code)."""
    if layout == "cell_per_line":
        return line.startswith("\t") and bool(CODE.match(line[1:].strip(" \r")))
    cells = [c.strip() for c in line.split("\t")]
    return len(cells) > 2 and (bool(CODE.match(cells[0])) or cells[0] in ("合计", "总计") or cells[3:4] in (["合计"], ["总计"]))


def page_break(lines, layout, rng, styles):
    """A page break inside a table: before one of its rows (not the first),
    a page number and the table's header again, with or without the title
    and the unit line, as pdftotext prints a table that runs over a page."""
    spots = []
    for u, l in enumerate(lines):
        if not UNIT.search(l):
            continue
        d = next((j for j in range(u + 1, min(u + 40, len(lines))) if data_line(lines[j], layout)), None)
        if d is None:
            continue
        rows = [j for j in range(d + 1, min(d + 200, len(lines))) if data_line(lines[j], layout)]
        end = next((j for j in range(d + 1, len(lines)) if UNIT.search(lines[j])), len(lines))
        # A cell-per-line row opens after a blank line (`⇥297`, an amount, also reads as a 类 code).
        spots += [(u, d, j) for j in rows if j < end and (layout != "cell_per_line" or not lines[j - 1].strip(" \r"))]
    u, d, j = rng.choice(spots)
    title = next((lines[t] for t in range(u - 1, max(u - 6, 0), -1) if lines[t].strip().endswith("表")), None)
    number = next((lines[t] for t in range(u - 1, max(u - 9, 0), -1) if NUMBERED.match(lines[t].strip())), None)
    header = lines[u + 1 : d]
    if layout == "cell_per_line":
        j -= 1  # before the blank line that opens the row
        while header and not header[-1].strip():
            header = header[:-1]
    block = [str(rng.randint(2, 40))] if rng.random() < 0.8 else []
    style = rng.choice(styles)
    # A cell-per-line dump sets each row, title and unit line apart with a
    # blank line; a page number follows the page's last cell directly.
    gap = [""] if layout == "cell_per_line" else []
    if style == "numbered" and number:
        block += gap + [number]
    if style in ("title", "numbered") and title:
        block += gap + [title]
    if style in ("unit", "title", "numbered"):
        block += gap + [lines[u]]
    block += gap + header
    lines = lines[:j] + block + lines[j:]
    return lines, j + 1, f"page break ({style}, {len(block)} lines) before {lines[j + len(block)].strip()[:20]!r}"


def slip(lines, layout, rng, truncate=False):
    """A publisher's slip: one table amount's last decimal one off. Returns
    (lines, line number, what, (old, new))."""
    spots = []
    if layout == "flow":
        part = lambda l: l.strip().startswith(("第二部分", "第三部分"))
        marks = [i for i, l in enumerate(lines) if part(l)]
        start = next((i for i in marks if lines[i].strip().startswith("第二部分")), 0)
        end = next((i for i in marks if i > start and lines[i].strip().startswith("第三部分")), len(lines))
        for i in range(start, end):
            spots += [(i, m.start(), m.end()) for m in FLOW_CENTS.finditer(lines[i])]
    elif layout == "cell_per_line":
        for i, l in enumerate(lines):
            core = l[1:].strip("\u3000 \r")
            if l.startswith("\t") and CENTS.match(core):
                at = l.index(core)
                spots.append((i, at, at + len(core)))
    else:
        for i, l in enumerate(lines):
            at = 0
            for c in l.split("\t"):
                core = c.strip(" \r")
                if CENTS.match(core):
                    start = at + c.index(core)
                    spots.append((i, start, start + len(core)))
                at += len(c) + 1
    i, a, b = rng.choice(spots)
    old = lines[i][a:b]
    if truncate:
        # The cell's last digit lost at its edge: the value printed is not
        # the publisher's; the review compares with the plain seed.
        lines[i] = lines[i][:a] + old[:-1] + lines[i][b:]
        return lines, i + 1, f"truncate {old} -> {old[:-1]}", None
    last = int(old[-1])
    new = old[:-1] + str(last + 1 if last < 9 else last - 1)
    lines[i] = lines[i][:a] + new + lines[i][b:]
    return lines, i + 1, f"slip {old} -> {new}", (old, new)


def shift(lines, layout, rng):
    """An empty cell lost from a row (a tab dropped, a cell-per-line blank
    line missing): the cells after it move one column left."""
    if layout == "cell_per_line":
        # A blank cell (`⇥`) between two filled cells of one row.
        def row_rest(i):
            j = i + 1
            while j < len(lines) and lines[j].startswith("\t"):
                yield lines[j][1:].strip("\u3000 \r")
                j += 1
        spots = [i for i in range(1, len(lines) - 1)
                 if lines[i].startswith("\t") and not lines[i][1:].strip("\u3000 \r")
                 and lines[i - 1].startswith("\t")
                 and any(NUMBER.match(c) for c in row_rest(i))]
        i = rng.choice(spots)
        del lines[i]
        return lines, i + 1, "empty cell dropped"
    spots = []
    for i, l in enumerate(lines):
        cells = l.split("\t")
        for j in range(1, len(cells) - 1):
            rest = [c for c in cells[j + 1:] if c.strip()]
            if not cells[j].strip() and cells[j - 1].strip() and rest and NUMBER.match(rest[0].strip()):
                spots.append((i, j))
    i, j = rng.choice(spots)
    cells = lines[i].split("\t")
    del cells[j]
    lines[i] = "\t".join(cells)
    return lines, i + 1, f"empty cell {j} dropped"


def extra(lines, layout, rng):
    """A stray empty cell inserted before an amount (a tab doubled, a blank
    cell line too many): the cells after it move one column right."""
    if layout == "cell_per_line":
        spots = [i for i in range(1, len(lines))
                 if lines[i].startswith("\t") and lines[i - 1].startswith("\t")
                 and NUMBER.match(lines[i][1:].strip("\u3000 \r"))]
        i = rng.choice(spots)
        lines.insert(i, "\t")
        return lines, i + 1, "empty cell inserted"
    spots = []
    for i, l in enumerate(lines):
        cells = l.split("\t")
        spots += [(i, j) for j in range(1, len(cells)) if NUMBER.match(cells[j].strip())]
    i, j = rng.choice(spots)
    cells = lines[i].split("\t")
    cells.insert(j, "")
    lines[i] = "\t".join(cells)
    return lines, i + 1, f"empty cell inserted at {j}"


def merge(lines, layout, rng):
    """Two amounts in one cell (`779.18 779.17`): the tab between two cells
    printed as a space, or two cell-per-line cells on one line."""
    if layout == "cell_per_line":
        spots = [i for i in range(len(lines) - 1)
                 if lines[i].startswith("\t") and lines[i + 1].startswith("\t")
                 and NUMBER.match(lines[i][1:].strip("\u3000 \r"))
                 and NUMBER.match(lines[i + 1][1:].strip("\u3000 \r"))]
        i = rng.choice(spots)
        lines[i : i + 2] = [lines[i].rstrip("\r") + " " + lines[i + 1][1:]]
        return lines, i + 1, "two cells on one line"
    spots = []
    for i, l in enumerate(lines):
        cells = l.split("\t")
        spots += [(i, j) for j in range(len(cells) - 1)
                  if NUMBER.match(cells[j].strip()) and NUMBER.match(cells[j + 1].strip())]
    i, j = rng.choice(spots)
    cells = lines[i].split("\t")
    cells[j : j + 2] = [cells[j] + " " + cells[j + 1]]
    lines[i] = "\t".join(cells)
    return lines, i + 1, f"cells {j} and {j + 1} merged"


def zero(lines, layout, rng):
    """A 款 or 项 code cell printed without its leading zero (`01` → `1`),
    as a spreadsheet cell formatted as a number prints it: the row keeps
    its code (read back as `01`) or, out of order, loses it and says so."""
    code = lambda t: re.match(r"^\d{3}$", t) is not None
    level = lambda t: re.match(r"^0[1-9]$", t) is not None
    strip = lambda l: l[1:].strip("\u3000 \r")
    if layout == "flow":
        # A row's first line: `208 01 01 行政运行 499.91`, `208 05`.
        spots = [(i, k) for i, l in enumerate(lines)
                 for k, t in enumerate(l.split(" ")[1:3], 1)
                 if code(l.split(" ")[0]) and all(level(x) for x in l.split(" ")[1:k + 1])]
        i, k = rng.choice(spots)
        tokens = lines[i].split(" ")
        tokens[k] = tokens[k][1:]
        lines[i] = " ".join(tokens)
        return lines, i + 1, f"code {' '.join(tokens[:k + 1])!r} without a zero"
    if layout == "cell_per_line":
        spots = [i for i in range(2, len(lines))
                 if lines[i].startswith("\t") and level(strip(lines[i]))
                 and lines[i - 1].startswith("\t")
                 and (code(strip(lines[i - 1]))
                      or (level(strip(lines[i - 1])) and code(strip(lines[i - 2])))
                      and lines[i - 2].startswith("\t"))]
        i = rng.choice(spots)
        lines[i] = lines[i].replace("0", "", 1)
        return lines, i + 1, f"code cell {strip(lines[i])!r} without its zero"
    spots = []
    for i, l in enumerate(lines):
        cells = l.split("\t")
        if len(cells) > 3 and code(cells[0].strip()):
            spots += [(i, j) for j in (1, 2) if level(cells[j].strip())]
    i, j = rng.choice(spots)
    cells = lines[i].split("\t")
    cells[j] = cells[j].replace("0", "", 1)
    lines[i] = "\t".join(cells)
    return lines, i + 1, f"code cell {j} {cells[j]!r} without its zero"


def mutate(lines, layout, rng, kinds):
    """One change of a kind in `kinds`; returns (lines, line number, what,
    slip or None)."""
    lines = list(lines)
    kind = kinds[0] if len(kinds) == 1 else rng.choice(kinds)
    if kind == "shift":
        return shift(lines, layout, rng) + (None,)
    if kind == "extra":
        return extra(lines, layout, rng) + (None,)
    if kind == "merge":
        return merge(lines, layout, rng) + (None,)
    if kind == "zero":
        return zero(lines, layout, rng) + (None,)
    if kind in ("slip", "truncate"):
        return slip(lines, layout, rng, truncate=kind == "truncate")
    return mutate_layout(lines, layout, rng, kind) + (None,)


def mutate_layout(lines, layout, rng, kind):
    if kind == "break":
        return page_break(lines, layout, rng, ["header", "unit", "title"])
    if kind == "numbered-break":
        return page_break(lines, layout, rng, ["numbered"])
    if layout == "cell_per_line":
        spots = [i for i, l in enumerate(lines) if l.startswith("\t") and NUMBER.match(l[1:].strip("\u3000 "))]
        i = rng.choice(spots)
        core = lines[i][1:].strip("\u3000 ")
        if rng.random() < 0.5 and len(core) >= 2:
            p = rng.randint(1, len(core) - 1)
            lines[i : i + 1] = ["\t" + core[:p], core[p:]]
            return lines, i + 1, f"cut {core!r} after {p}"
        page = str(rng.randint(1, 40))
        lines[i : i + 1] = [lines[i], page]
        return lines, i + 1, f"page {page} after {lines[i][1:]!r}"
    spots = []
    for i, l in enumerate(lines):
        if "\t" in l:
            cells = l.split("\t")
            filled = [j for j, c in enumerate(cells) if c.strip()]
            if filled and NUMBER.match(cells[filled[-1]].strip()):
                spots.append((i, filled[-1]))
    i, j = rng.choice(spots)
    cells = lines[i].split("\t")
    core = cells[j].strip()
    if rng.random() < 0.5 and len(core) >= 2:
        p = rng.randint(1, len(core) - 1)
        cells[j] = core[:p]
        lines[i : i + 1] = ["\t".join(cells), core[p:]]
        return lines, i + 1, f"cut {core!r} after {p}"
    page = str(rng.randint(1, 40))
    lines[i : i + 1] = [lines[i], page]
    return lines, i + 1, f"page {page} after a row ending {core!r}"


def cells(path):
    """Each document's cells by (table, section, code, item, project,
    measure, occurrence): the table's number is left out of the key and
    kept with the value, so that a table read with another number (or none)
    shows as renumbered, not as lost."""
    out = collections.defaultdict(dict)
    for r in csv.DictReader(open(path, encoding="utf-8-sig")):
        doc = out[os.path.basename(r["source"])]
        key = (r["table"], r["section"], r["code"], r["item"], r["project"], r["measure"])
        n = 0
        while key + (n,) in doc:
            n += 1
        doc[key + (n,)] = (r["amount"], r["status"], r["table_no"], r["line"])
    return out


def matches_other_occurrence(plain, key, value, slack=3):
    """A row whose key repeats (003 prints two `208` rows) is keyed by its
    occurrence; when the mutation loses the first, the second takes its key.
    It is the same cell when another occurrence of its key has its amount
    within a few lines of it."""
    return any(
        k[:-1] == key[:-1] and same_amount(v[0], value[0]) and abs(int(v[3]) - int(value[3])) <= slack
        for k, v in plain.items()
        if k[-1] != key[-1]
    )


def same_amount(a, b):
    """Equal as numbers (`137.0` is `137.00`: a cut trailing zero loses nothing)."""
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def failed_checks(path):
    """The failed checks of each document, by doc_id: (table, rule, subject,
    expected, actual)."""
    out = collections.defaultdict(set)
    for r in csv.DictReader(open(path, encoding="utf-8-sig")):
        if r["ok"] == "false":
            out[r["doc_id"]].add((r["table"], r["rule"], r["subject"], r["expected"], r["actual"]))
    return out


def failures(checks, doc):
    return checks.get(doc["doc_id"], set())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-seed", type=int, default=60)
    ap.add_argument("--bin", default="target/release/budget-harvest")
    ap.add_argument("--samples", default="samples")
    ap.add_argument("--kinds", default="cut", help="comma-separated: cut (a cut number or a page number), break (a page break repeating the header), numbered-break (with the table's number line), slip (a publisher's one-cent mistake), truncate (an amount's last digit lost), shift / extra (an empty cell dropped / inserted), zero (a code cell's leading zero dropped)")
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="mutation-review-")
    inputs, plain_out, mut_out = (os.path.join(work, d) for d in ("in", "plain", "mut"))
    os.makedirs(inputs)
    what = {}
    slips = {}
    for seed, layout in SEEDS.items():
        seed_kinds = [k for k in kinds if layout != "flow" or k in ("slip", "truncate", "zero")]
        if not seed_kinds:
            continue
        lines = open(os.path.join(a.samples, seed), encoding="utf-8").read().split("\n")
        for k in range(a.per_seed):
            mutated, line, change, slipped = mutate(lines, layout, rng, seed_kinds)
            name = f"{seed[:3]}_m{k:03d}.txt"
            open(os.path.join(inputs, name), "w", encoding="utf-8").write("\n".join(mutated))
            what[name] = (seed, f"line {line}: {change}")
            if slipped:
                slips[name] = slipped
    with open(os.path.join(work, "changes.tsv"), "w", encoding="utf-8") as f:
        f.writelines(f"{name}\t{seed}\t{change}\n" for name, (seed, change) in sorted(what.items()))
    for src, out in ((a.samples, plain_out), (inputs, mut_out)):
        subprocess.run([a.bin, "extract", src, "-o", out, "-q"], check=False)
    plain, mut = cells(os.path.join(plain_out, "line_items.csv")), cells(os.path.join(mut_out, "line_items.csv"))
    plain_checks, mut_checks = (failed_checks(os.path.join(o, "checks.csv")) for o in (plain_out, mut_out))
    docs = {os.path.basename(r["source"]): r for r in csv.DictReader(open(os.path.join(mut_out, "documents.csv"), encoding="utf-8-sig"))}
    plain_docs = {os.path.basename(r["source"]): r for r in csv.DictReader(open(os.path.join(plain_out, "documents.csv"), encoding="utf-8-sig"))}
    total = collections.Counter()
    for name in sorted(what):
        seed, change = what[name]
        p, m = plain[seed], mut.get(name, {})
        duplicate = "same bytes" in docs[name]["error"]
        slipped_cells = set()
        wrong_ok = [(k, m[k], p.get(k)) for k in m if m[k][1] == "ok" and not same_amount(p.get(k, ("",))[0], m[k][0]) and not matches_other_occurrence(p, k, m[k])]
        if name in slips:
            # The slipped cell, as printed: its plain amount ends in the old
            # digits and moved by the slip. A different value is a fix.
            old, new = slips[name]
            delta = Decimal(new) - Decimal(old)
            printed = [k for k in m if k in p and p[k][0].endswith(old) and Decimal(m[k][0]) - Decimal(p[k][0]) == delta]
            wrong_ok = [w for w in wrong_ok if w[0] not in printed[:1]]
            slipped_cells = set(printed[:1])
            # The plain seed's cells the slipped amount can be (a flow row's
            # line is its first line, not the amount's): none, and it was
            # no table cell (a 绩效目标 table, prose).
            line = int(change.split(":")[0].split()[1])
            layout = SEEDS[seed]
            # A tabbed row's line is the amount's; other layouts name the
            # row's first line, a few lines above.
            near = lambda at: int(at) == line if layout == "tabbed" else 0 <= line - int(at) <= 40
            cell = any(v[0].endswith(old) and near(v[3]) for v in p.values())
            fixed = cell and not printed and not duplicate
            total.update(outside_tables=not cell)
            failed = (failures(plain_checks, plain_docs[seed]), failures(mut_checks, docs[name]))
            unreported = bool(printed) and not (failed[1] - failed[0])
            total.update(fixed=fixed, unreported=unreported)
            if fixed or unreported:
                print(f"{name} {change}: {'not output as printed' if fixed else 'no new failed check'} (checks failed {len(failed[0])} -> {len(failed[1])}) {printed[:1]}")
        lost = [] if duplicate else [k for k in p if k not in m]
        renumbered = [k for k in m if k in p and m[k][2] != p[k][2]]
        tables = (plain_docs[seed]["tables"], docs[name]["tables"])
        retabled = not duplicate and tables[0] != tables[1]
        # Cells gone from a document that reports nothing new: no input
        # may be dropped without a word.
        silent = bool(lost) and docs[name]["status"] == "ok" and docs[name]["error"] == plain_docs[seed]["error"]
        # A repaired cell promises that every identity agreed: a wrong one
        # is counted too (not a failure: check_and_flag may not see it).
        wrong_repaired = [k for k in m if m[k][1] == "repaired" and not same_amount(p.get(k, ("",))[0], m[k][0]) and not matches_other_occurrence(p, k, m[k]) and k not in slipped_cells]
        if wrong_repaired:
            print(f"{name} {change}: {len(wrong_repaired)} wrong but repaired {[(k, m[k], p.get(k)) for k in wrong_repaired[:2]]}")
        total.update(documents=1, wrong_but_ok=len(wrong_ok), wrong_but_repaired=len(wrong_repaired), lost=len(lost), silently_lost=silent, renumbered=len(renumbered), other_table_count=retabled, duplicates=duplicate)
        total["status_" + docs[name]["status"]] += 1
        if wrong_ok or lost or renumbered or retabled:
            print(f"{name} {change}: {len(wrong_ok)} wrong but ok {wrong_ok[:2]}, {len(lost)} lost{' SILENTLY' if silent else ''} {lost[:2] if silent else ''}, {len(renumbered)} renumbered, tables {tables[0]} -> {tables[1]}, document {docs[name]['status']}")
    print(dict(total), "inputs in", inputs)
    return 1 if total["wrong_but_ok"] or total["fixed"] or total["silently_lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
