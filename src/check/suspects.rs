//! What a failing check says of its cells: a failure extraction more
//! likely caused than the publisher, cells every identity they take part in
//! contradicts alike, amounts read one column off. Such cells become
//! `uncertain`; a publisher's slip stays `ok` with its failing check.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::amount::Amount;
use crate::grammar::{Grammar, Measure};
use crate::model::{CellStatus, Document, Value};

use super::{
    occurrences, term_value, yuan_cents, yuan_factor, CellRef, Evaluation, Identity, Rule, Subject,
    Term, TermValue,
};

/// The failing identities of a comparison (this year's = last year's + the
/// change; a rate against the change) that fails row after row of its
/// table: with two different sums at least, and with as many as the rows
/// it holds on with every part printed and non-zero (a row without change
/// holds whichever way the columns are read). The columns are misread then
/// (增减额 and 增减率, or 上年 and 本年, headed the other way round, a block
/// of columns shifted), not the publisher's figures, which slip on a row
/// here and there (a slip copied down a chain of single children fails
/// with the same sums). Only comparisons: other row sums fail row after row
/// in print too (an income table whose total holds a source it has no
/// column for), and a swap of their columns has its own test
/// ([`extraction_suspect`]).
pub(super) fn systematic_failures<'a>(
    doc: &Document,
    g: &Grammar,
    evaluated: impl Iterator<Item = (&'a Identity, &'a Evaluation)>,
) -> Vec<&'a Identity> {
    let printed_nonzero = |t: &Term| t.printed(doc).is_some_and(|v| v.amount.cents != 0);
    #[derive(Default)]
    struct Tally<'a> {
        /// Rows it holds on with every part printed and non-zero.
        telling_holds: usize,
        /// (expected, actual) of the rows it fails on.
        sums: BTreeSet<(i128, i128)>,
        failing: Vec<&'a Identity>,
    }
    let mut rules: BTreeMap<(usize, Rule, &str), Tally> = BTreeMap::new();
    for (id, ev) in evaluated {
        let Subject::Row { tail, .. } = &id.subject else {
            continue;
        };
        if !id.cells().any(|c| g.identities.is_comparison(c.measure)) {
            continue;
        }
        let tally = rules.entry((id.table, id.rule, tail)).or_default();
        if !ev.holds {
            tally.sums.insert((ev.expected, ev.actual));
            tally.failing.push(id);
        } else if id.parts.iter().all(printed_nonzero) {
            tally.telling_holds += 1;
        }
    }
    rules
        .into_values()
        .filter(|t| t.sums.len() >= 2 && t.sums.len() >= t.telling_holds)
        .flat_map(|t| t.failing)
        .collect()
}

/// A table printed in another unit than its unit line states (amounts in
/// 元 under `单位：万元`): every figure other tables and the narrative give
/// for it is off by one power of ten, the same each time, and none agrees.
/// Its amounts are what it prints, in the unit it states; whether they are
/// is in doubt. Returns each such table with the power of ten by which its
/// amounts exceed the others' (negative: fall short).
pub(super) fn misstated_units<'a>(
    evaluated: impl Iterator<Item = (&'a Identity, &'a Evaluation)>,
) -> Vec<(usize, i32)> {
    #[derive(Default)]
    struct Tally {
        /// Powers of ten the table's side is off by, in failing comparisons.
        powers: BTreeSet<i32>,
        off_by_a_power: usize,
        /// Comparisons failing otherwise, and holding on a non-zero figure.
        failing_otherwise: usize,
        agreeing: usize,
    }
    let mut tallies: BTreeMap<usize, Tally> = BTreeMap::new();
    for (id, ev) in evaluated {
        if !matches!(id.rule, Rule::CrossTable | Rule::Narrative) {
            continue;
        }
        let tables = |terms: &[Term]| -> BTreeSet<usize> {
            terms
                .iter()
                .filter_map(|t| match t {
                    Term::Cell(c) => Some(c.table),
                    Term::Stated { .. } => None,
                })
                .collect()
        };
        let (left, right) = (tables(&id.total), tables(&id.parts));
        let sides = [
            (&left, &right, ev.expected, ev.actual),
            (&right, &left, ev.actual, ev.expected),
        ];
        for (mine, theirs, own, other) in sides {
            let (Some(&table), 1, true) = (mine.first(), mine.len(), mine.is_disjoint(theirs))
            else {
                continue;
            };
            let tally = tallies.entry(table).or_default();
            if ev.holds {
                tally.agreeing += usize::from(own != 0);
            } else if let Some(power) = power_of_ten_apart(own, other) {
                tally.powers.insert(power);
                tally.off_by_a_power += 1;
            } else {
                tally.failing_otherwise += 1;
            }
        }
    }
    tallies
        .into_iter()
        // Two witnesses at least: one narrative figure off by ten may be
        // its own slip.
        .filter(|(_, t)| {
            t.powers.len() == 1
                && t.agreeing == 0
                && t.off_by_a_power >= 2
                && t.off_by_a_power > t.failing_otherwise
        })
        .filter_map(|(table, t)| Some((table, *t.powers.first()?)))
        .collect()
}

/// The power of ten (1–4, or 8: 元, 千元, 万元, 亿元 apart) by which `own`
/// exceeds `other` (negative: falls short), to within a thousandth (a
/// figure rounded to its unit's hundredths).
fn power_of_ten_apart(own: i128, other: i128) -> Option<i32> {
    if own == 0 || other == 0 || own.signum() != other.signum() {
        return None;
    }
    let near = |big: i128, small: i128, p: u32| {
        let scaled = small.checked_mul(10_i128.pow(p));
        scaled.is_some_and(|s| (big - s).abs() * 1000 <= big.abs())
    };
    [1, 2, 3, 4, 8].into_iter().find_map(|p| {
        let power = i32::try_from(p).ok()?;
        if near(own, other, p) {
            Some(power)
        } else if near(other, own, p) {
            Some(-power)
        } else {
            None
        }
    })
}

/// The sure cells no holding identity confirms of the tables whose
/// placement needs it ([`Table::needs_confirmation`](crate::model::Table::needs_confirmation)).
pub(super) fn unconfirmed<'a>(
    doc: &'a Document,
    confirmed: &'a FxHashSet<CellRef>,
) -> impl Iterator<Item = CellRef> + 'a {
    doc.tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.needs_confirmation())
        .flat_map(move |(table, t)| {
            (0..t.rows.len()).flat_map(move |row| row_cells(doc, table, row))
        })
        .filter(|(_, v)| v.status != CellStatus::Uncertain)
        .map(|(c, _)| c)
        .filter(|c| !confirmed.contains(c))
}

/// Every cell of the rows `ids` are about (row identities): a row whose
/// comparison says its columns are misread may hold any of its amounts in
/// the wrong column.
pub(super) fn cells_of_rows<'a>(
    doc: &'a Document,
    ids: &'a [&Identity],
) -> impl Iterator<Item = CellRef> + 'a {
    ids.iter()
        .filter_map(|id| match id.subject {
            Subject::Row { row, .. } => Some((id.table, row)),
            _ => None,
        })
        .flat_map(move |(table, row)| row_cells(doc, table, row).map(|(c, _)| c))
}

/// The cells of row `row` of table `table`, with their values.
pub(super) fn row_cells(
    doc: &Document,
    table: usize,
    row: usize,
) -> impl Iterator<Item = (CellRef, &Value)> + '_ {
    doc.tables[table].rows[row].values.iter().map(move |v| {
        (
            CellRef {
                table,
                row,
                measure: v.measure,
            },
            v,
        )
    })
}

/// Whether a failure more likely comes from extraction than from the
/// publisher; `doubtful` are the repaired cells no identity backs, and the
/// cells of the rows whose comparisons fail row after row.
pub(super) fn extraction_suspect(
    doc: &Document,
    id: &Identity,
    doubtful: &FxHashSet<CellRef>,
) -> bool {
    let value = |c: &CellRef| c.value(doc);
    // A reconstructed cell the arithmetic does not back.
    if id.cells().any(|c| {
        doubtful.contains(c) || value(c).is_some_and(|v| v.status == CellStatus::Uncertain)
    }) {
        return true;
    }
    another_assignment_holds(doc, id)
}

/// Whether another column assignment of a row sum's amounts would make it
/// hold: the largest printed amount equals the sum of the others.
pub(super) fn another_assignment_holds(doc: &Document, id: &Identity) -> bool {
    let value = |c: &CellRef| c.value(doc);
    if id.rule != Rule::RowSum {
        return false;
    }
    let amounts: Vec<i64> = id
        .cells()
        .filter_map(|c| value(c).map(|v| v.amount.cents))
        .collect();
    largest_is_the_rest(&amounts)
}

/// Whether, of two amounts or more, the largest equals the sum of the
/// others: one of them may be the others' total.
pub(super) fn largest_is_the_rest(amounts: &[i64]) -> bool {
    let (Some(&max), true) = (amounts.iter().max(), amounts.len() >= 2) else {
        return false;
    };
    amounts.iter().sum::<i64>() - max == max
}

/// The cells that every identity they take part in, two at least,
/// contradicts, each by wanting the same other amount in the cell, whose
/// digits begin or end with the printed ones (`3` where the summary, the
/// expenditure side and the table of general budget spending all print
/// 3108.21: a number split over two lines, read up to the break). A cell
/// the identities want otherwise is the publisher's slip, left `ok` with
/// its failing checks. Identities stated to a rounding (a narrative's 万元
/// figure against a table in 元) and rates want no one amount: a cell one
/// of them contradicts is not singled out.
pub(super) fn singled_out<'a>(
    doc: &Document,
    evaluated: impl Iterator<Item = (&'a Identity, &'a Evaluation)>,
) -> Vec<CellRef> {
    /// Per cell: whether an identity holds on it, and what the failing
    /// ones want in it (in hundredths of the cell's unit): how many, the
    /// first's amount, and whether every other wants the same.
    #[derive(Default)]
    struct Verdicts {
        held: bool,
        failing: usize,
        first: Option<i64>,
        all_alike: bool,
    }
    let mut by_cell: FxHashMap<CellRef, Verdicts> = FxHashMap::default();
    for (id, ev) in evaluated {
        for c in id.cells() {
            let verdicts = by_cell.entry(*c).or_default();
            if ev.holds {
                verdicts.held = true;
                continue;
            }
            let wanted = wanted_in(doc, id, ev, c);
            if verdicts.failing == 0 {
                (verdicts.first, verdicts.all_alike) = (wanted, true);
            } else {
                verdicts.all_alike &= wanted == verdicts.first;
            }
            verdicts.failing += 1;
        }
    }
    by_cell
        .into_iter()
        .filter(|(c, v)| {
            let (false, Some(wanted)) = (v.held, v.first) else {
                return false;
            };
            v.failing >= 2
                && v.all_alike
                && c.value(doc)
                    .is_some_and(|p| part_of_the_digits(p.amount, Amount::from_cents(wanted)))
        })
        .map(|(c, _)| c)
        .collect()
}

/// Whether the digits of `printed`, as printed, begin or end those of
/// `wanted`, and are fewer (`3` and `108.21` of 3108.21, `108` of 3108,
/// `576.9` of 576.95: a number broken at a line or cell edge, or cut). Not
/// `27.70` for 27.71: a slip of the last digit is the publisher's. (Nor a
/// dropped leading digit, `58.96` for 758.96, which this cannot tell from
/// a cut one: left uncertain.) A fraction's trailing zeros are not digits
/// of `wanted`; an amount under 1 has no digits to share.
fn part_of_the_digits(printed: Amount, wanted: Amount) -> bool {
    if printed.cents.abs() < 100 {
        return false;
    }
    let digits = |text: &str| text.replace(['.', '-'], "");
    let p = digits(&printed.to_string());
    let wanted = Amount {
        decimals: 2,
        ..wanted
    }
    .to_string();
    let w = digits(wanted.trim_end_matches('0').trim_end_matches('.'));
    p.len() < w.len() && (w.starts_with(&p) || w.ends_with(&p))
}

/// The amount, in hundredths of its table's unit, that `c` would need for
/// the failing `id` to hold: `None` for a rate, an identity stated to a
/// rounding, a cell counted more than once, or an amount its unit cannot
/// print.
fn wanted_in(doc: &Document, id: &Identity, ev: &Evaluation, c: &CellRef) -> Option<i64> {
    if id.rule == Rule::Ratio || id.rounding(doc).is_some() {
        return None;
    }
    let printed = yuan_cents(c.value(doc)?.amount, doc.tables[c.table].unit);
    let off = ev.actual - ev.expected;
    let wanted = match (occurrences(&id.total, c), occurrences(&id.parts, c)) {
        (1, 0) => printed + off,
        (0, 1) => printed - off,
        _ => return None,
    };
    let factor = yuan_factor(doc.tables[c.table].unit);
    (wanted % factor == 0)
        .then(|| i64::try_from(wanted / factor).ok())
        .flatten()
}

/// The cells of two columns whose sums under one row are off by the same
/// amount, one over and one short (`政府性基金` 756 over its 款, `单位资金`
/// 756 short): an amount read one column off, which a row sum cannot show.
/// Which cell moved is not known: the row's and its children's cells of
/// both columns. (Blank cells count as zero here: the column a moved
/// amount left is often blank.) Offsets of one unit in the last printed
/// digit are rounding, the publisher's.
pub(super) fn moved_between_columns(doc: &Document, all: &[Identity]) -> Vec<CellRef> {
    // Per parent row: each column's offset (total − parts) and identity.
    let mut by_row: BTreeMap<(usize, usize), Vec<(i128, &Identity)>> = BTreeMap::new();
    for id in all {
        let (Rule::ChildrenSum, Subject::Children { row, .. }) = (id.rule, &id.subject) else {
            continue;
        };
        let Some(sums) = id.sums(doc) else {
            continue;
        };
        let offset = sums.expected - sums.actual;
        if offset.abs() > last_digit(doc, id) {
            by_row
                .entry((id.table, *row))
                .or_default()
                .push((offset, id));
        }
    }
    // A row already in doubt explains its own sums: its children stand.
    let in_doubt = |id: &Identity| {
        id.total.iter().any(|t| {
            t.printed(doc)
                .is_some_and(|v| v.status == CellStatus::Uncertain)
        })
    };
    let mut moved = Vec::new();
    for offsets in by_row.values() {
        for (i, (offset_a, a)) in offsets.iter().enumerate() {
            for (offset_b, b) in &offsets[i + 1..] {
                if *offset_a == -*offset_b && !in_doubt(a) && !in_doubt(b) {
                    moved.extend(a.cells().chain(b.cells()).copied());
                }
            }
        }
    }
    moved
}

/// One unit in the last digit an identity's cells print, in 元-hundredths:
/// 1 元 where every amount is whole, else a hundredth of the table's unit.
fn last_digit(doc: &Document, id: &Identity) -> i128 {
    let whole = id
        .cells()
        .filter_map(|c| c.value(doc))
        .all(|v| v.amount.cents % 100 == 0);
    yuan_factor(doc.tables[id.table].unit) * if whole { 100 } else { 1 }
}

/// Whether a failing row sum would hold with an amount its row prints in
/// another column put in place of one of its cells (printed or blank): a
/// layout that set that amount one column off (`项目支出`'s amount under
/// 公用经费, its own column left blank).
pub(super) fn an_outside_amount_fits(doc: &Document, g: &Grammar, id: &Identity) -> bool {
    let Subject::Row { row, .. } = id.subject else {
        return false;
    };
    if id.rule != Rule::RowSum {
        return false;
    }
    let Some(sums) = id.sums(doc) else {
        return false;
    };
    let gap = sums.expected - sums.actual;
    // The identity's cells: (measure, amount in 元-hundredths, 0 when blank).
    let cells_of = |terms: &[Term]| -> Vec<(Measure, i128)> {
        terms
            .iter()
            .filter_map(|t| match (t, term_value(doc, t)) {
                (Term::Cell(c), TermValue::Printed(v)) => Some((c.measure, v)),
                (Term::Cell(c), _) => Some((c.measure, 0)),
                (Term::Stated { .. }, _) => None,
            })
            .collect()
    };
    let (totals, parts) = (cells_of(&id.total), cells_of(&id.parts));
    let own = || totals.iter().chain(&parts);
    // Within one in the last printed digit: the publisher's own slip may
    // sit on the same row (a total 1 元 off its parts). A sum off by no
    // more than that is the publisher's: no amount is out of place.
    let slip = last_digit(doc, id);
    let closes = |d: i128| gap.abs() > slip && (d - gap).abs() <= slip;
    // Amounts of money only (not a rate, nor last year's or the change),
    // in a column not the identity's, and new to it: 人员经费 equal to
    // 基本支出 would stand in for any total a slip left short.
    let candidate = |m: Measure, a: i128| {
        !g.identities.is_percentage(m)
            && !g.identities.is_comparison(m)
            && own().all(|(x, amount)| *x != m && *amount != a)
    };
    let unit = doc.tables[id.table].unit;
    row_cells(doc, id.table, row)
        .map(|(c, v)| (c.measure, yuan_cents(v.amount, unit)))
        .filter(|&(m, a)| a != 0 && candidate(m, a))
        .any(|(_, outside)| {
            parts.iter().any(|(_, a)| closes(outside - a))
                || totals.iter().any(|(_, a)| closes(a - outside))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_number_is_part_of_the_digits_a_slip_is_not() {
        let a = |s: &str| Amount::parse(s).unwrap();
        assert!(part_of_the_digits(a("3"), a("3108.21")));
        assert!(part_of_the_digits(a("108.21"), a("3108.21")));
        assert!(part_of_the_digits(a("576.9"), a("576.95")));
        assert!(part_of_the_digits(a("108"), a("3108")));
        assert!(!part_of_the_digits(a("0.62"), a("62.5")));
        // The publisher's slips: the last digit, or another number.
        assert!(!part_of_the_digits(a("27.70"), a("27.71")));
        assert!(!part_of_the_digits(a("22"), a("0.62")));
        assert!(!part_of_the_digits(a("3108.21"), a("3108.21")));
        assert!(!part_of_the_digits(a("0"), a("3108.21")));
    }
}
