#!/usr/bin/env python3
"""Mutation review: cuts one number or inserts one page number in copies of
the cell-per-line and tab-separated seeds, extracts them and the plain seeds,
and counts the cells that came out wrong but marked `ok`, and the cells lost.

    python3 tools/mutation_review.py [--seed N] [--per-seed 60] [--bin target/release/budget-harvest]

Each mutant holds one change, so a finding names its cause (listed per file).
Byte-identical mutants are written once by the batch; their cells count as
lost here and are left out of the listing.
"""
import argparse, collections, csv, os, random, re, subprocess, sys, tempfile

SEEDS = {
    "000_530d8417aadfcef1.txt": "cell_per_line",
    "004_9cf6d38fe078751d.txt": "cell_per_line",
    "002_ef8a97d7800bc6c6.txt": "tabbed",
    "003_93f707ff5e41d323.txt": "tabbed",
}
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def mutate(lines, layout, rng):
    """One cut number or one page number; returns (lines, line number, what)."""
    lines = list(lines)
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
    out = collections.defaultdict(dict)
    for r in csv.DictReader(open(path, encoding="utf-8-sig")):
        key = (r["table_no"], r["table"], r["section"], r["code"], r["item"], r["project"], r["measure"])
        out[os.path.basename(r["source"])][key] = (r["amount"], r["status"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-seed", type=int, default=60)
    ap.add_argument("--bin", default="target/release/budget-harvest")
    ap.add_argument("--samples", default="samples")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="mutation-review-")
    inputs, plain_out, mut_out = (os.path.join(work, d) for d in ("in", "plain", "mut"))
    os.makedirs(inputs)
    what = {}
    for seed, layout in SEEDS.items():
        lines = open(os.path.join(a.samples, seed), encoding="utf-8").read().split("\n")
        for k in range(a.per_seed):
            mutated, line, change = mutate(lines, layout, rng)
            name = f"{seed[:3]}_m{k:03d}.txt"
            open(os.path.join(inputs, name), "w", encoding="utf-8").write("\n".join(mutated))
            what[name] = (seed, f"line {line}: {change}")
    for src, out in ((a.samples, plain_out), (inputs, mut_out)):
        subprocess.run([a.bin, "extract", src, "-o", out, "-q"], check=False)
    plain, mut = cells(os.path.join(plain_out, "line_items.csv")), cells(os.path.join(mut_out, "line_items.csv"))
    docs = {os.path.basename(r["source"]): r for r in csv.DictReader(open(os.path.join(mut_out, "documents.csv"), encoding="utf-8-sig"))}
    total = collections.Counter()
    for name in sorted(what):
        seed, change = what[name]
        p, m = plain[seed], mut.get(name, {})
        duplicate = "same bytes" in docs[name]["error"]
        wrong_ok = [(k, m[k], p.get(k)) for k in m if m[k][1] == "ok" and p.get(k, ("",))[0] != m[k][0]]
        lost = [] if duplicate else [k for k in p if k not in m]
        total.update(documents=1, wrong_but_ok=len(wrong_ok), lost=len(lost), duplicates=duplicate)
        total["status_" + docs[name]["status"]] += 1
        if wrong_ok or lost:
            print(f"{name} {change}: {len(wrong_ok)} wrong but ok {wrong_ok[:2]}, {len(lost)} lost, document {docs[name]['status']}")
    print(dict(total), "inputs in", inputs)
    return 1 if total["wrong_but_ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
