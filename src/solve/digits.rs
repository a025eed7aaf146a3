//! Digits lost at a cell's edge in a table read with its columns (a text
//! dump's cell, a PDF's glyphs clipped by the cell box): `79.75` printed
//! `79.7`.
//!
//! A short amount (one decimal; in a table of whole 元, a whole number) that
//! takes part in a failing identity is given each last digit in turn (a
//! whole number in a table where other amounts print decimals, each pair of
//! decimals: `22,118,861` for `22,118,861.34`); the one digit under which every identity
//! it takes part in holds, two of them at least, is restored and the cell
//! marked `repaired`. When a digit mends a failing identity but no single
//! digit proves itself so (one identity only, several digits or several
//! cells fit, or another identity still fails), the amount stays as printed
//! and is marked `uncertain`: a cut digit cannot be ruled out. A short
//! amount whose identities all hold is a publisher's format (`1897.5`) and
//! is left alone, as is every publisher's slip no single digit explains.

use rustc_hash::FxHashMap;

use crate::amount::Amount;
use crate::check::{CellRef, Evaluation, Identity};
use crate::model::{CellStatus, Document};

/// What the identities say about one short amount.
enum Finding {
    /// The one digit that makes all its identities hold.
    Restored(Amount),
    /// A digit mends a failing identity, but none proves itself.
    Doubtful,
}

/// Restores or flags the short amounts the failing identities among `ids`
/// point at (see the module documentation).
///
/// Returns the identities' evaluations when no amount was restored (they
/// still stand: the checks need not work them out again).
pub fn restore_cut_digits(doc: &mut Document, ids: &[Identity]) -> Option<Vec<Option<Evaluation>>> {
    let evaluations: Vec<Option<Evaluation>> = ids.iter().map(|id| id.evaluate(doc)).collect();
    let failing: Vec<&Identity> = ids
        .iter()
        .zip(&evaluations)
        .filter(|(_, e)| e.as_ref().is_some_and(|e| !e.holds))
        .map(|(id, _)| id)
        .collect();
    let mut suspects: Vec<CellRef> = Vec::new();
    for c in failing.iter().flat_map(|id| id.cells()) {
        if printed_short(doc, c) && !suspects.contains(c) {
            suspects.push(*c);
        }
    }
    let involved = involving(ids, &suspects);
    let findings: Vec<(CellRef, Finding)> = suspects
        .into_iter()
        .filter_map(|c| judge(doc, &involved[&c], c).map(|f| (c, f)))
        .collect();
    // Two cells of one failing identity each restorable: which one lost
    // its digit is not known.
    let restored = |c: &CellRef| {
        findings
            .iter()
            .any(|(x, f)| x == c && matches!(f, Finding::Restored(_)))
    };
    let contested = |c: &CellRef| {
        failing
            .iter()
            .any(|id| id.cells().any(|x| x == c) && id.cells().any(|x| x != c && restored(x)))
    };
    let decided: Vec<(CellRef, Option<Amount>)> = findings
        .iter()
        .map(|(c, f)| match f {
            Finding::Restored(a) if !contested(c) => (*c, Some(*a)),
            _ => (*c, None),
        })
        .collect();
    // (A status is no term of an identity: only an amount changes one.)
    let restores = decided.iter().any(|(_, restored)| restored.is_some());
    for (c, restored) in decided {
        if let Some(v) = c.value_mut(doc) {
            match restored {
                Some(amount) => {
                    v.amount = amount;
                    v.status = CellStatus::Repaired;
                }
                None => v.status = CellStatus::Uncertain,
            }
        }
    }
    (!restores).then_some(evaluations)
}

/// Puts each digit restored while a row was read (a flow dump's row rule,
/// a parent's column sum: `Value::restored_from`) before the whole
/// document's identities. The restored amount stands only when no identity
/// the cell takes part in holds with another reading of it (the amount as
/// printed, another last digit). One rule alone cannot tell a lost digit
/// from a publisher's slip elsewhere: `576.9` read as 576.94 because its
/// row's total is 0.01 off, while the column it sits in adds up to 576.95.
/// A contested restoration is undone: the amount as printed, `uncertain`.
pub fn confirm_restored(doc: &mut Document, ids: &[Identity]) {
    let restored: Vec<(CellRef, Amount, Amount)> = doc
        .tables
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| {
            t.rows.iter().enumerate().flat_map(move |(ri, r)| {
                r.values.iter().filter_map(move |v| {
                    let printed = v.restored_from?;
                    let cell = CellRef {
                        table: ti,
                        row: ri,
                        measure: v.measure,
                    };
                    Some((cell, v.amount, printed))
                })
            })
        })
        .collect();
    let cells: Vec<CellRef> = restored.iter().map(|(c, _, _)| *c).collect();
    let involved = involving(ids, &cells);
    for (c, amount, printed) in restored {
        let Some(v) = c.value_mut(doc) else {
            continue;
        };
        v.amount = printed;
        let proven = uncontested(doc, &involved[&c], c, amount);
        let Some(v) = c.value_mut(doc) else {
            continue;
        };
        if proven {
            v.amount = amount;
        } else {
            v.status = CellStatus::Uncertain;
        }
    }
}

/// Whether `restored` is the only reading of cell `c` (printed short, as it
/// is in `doc` now) that any identity holds with: some identity holds with
/// it, and none with the amount as printed or with another last digit.
fn uncontested(doc: &mut Document, involved: &[&Identity], c: CellRef, restored: Amount) -> bool {
    let Some((readings, outcomes)) = outcomes_by_reading(doc, involved, c) else {
        return false;
    };
    let supported: Vec<Amount> = readings
        .into_iter()
        .zip(&outcomes)
        .filter(|(_, holds)| holds.contains(&true))
        .map(|(reading, _)| reading)
        .collect();
    supported == [restored]
}

/// For each of `cells`, the identities it takes part in, in order (one
/// pass over the identities, however many cells).
fn involving<'i>(ids: &'i [Identity], cells: &[CellRef]) -> FxHashMap<CellRef, Vec<&'i Identity>> {
    let mut involved: FxHashMap<CellRef, Vec<&Identity>> =
        cells.iter().map(|c| (*c, Vec::new())).collect();
    for id in ids {
        for c in id.cells() {
            if let Some(list) = involved.get_mut(c) {
                // A cell named twice in one identity lists it once.
                if !list.last().is_some_and(|last| std::ptr::eq(*last, id)) {
                    list.push(id);
                }
            }
        }
    }
    involved
}

/// The readings of short cell `c` (as printed first, then with each last
/// digit) and, for each, whether each identity it takes part in
/// (`involved`) holds (those that state something). The cell is left as
/// printed.
fn outcomes_by_reading(
    doc: &mut Document,
    involved: &[&Identity],
    c: CellRef,
) -> Option<(Vec<Amount>, Vec<Vec<bool>>)> {
    let printed = c.value(doc)?.amount;
    let readings: Vec<Amount> = std::iter::once(printed)
        .chain(with_digits_more(printed, some_with_decimals(doc, c.table)))
        .collect();
    let mut outcomes = vec![Vec::with_capacity(involved.len()); readings.len()];
    for id in involved {
        let evaluations = id.evaluate_readings(doc, &c, &readings);
        for (holds, e) in outcomes.iter_mut().zip(evaluations) {
            holds.extend(e.map(|e| e.holds));
        }
    }
    Some((readings, outcomes))
}

/// `ok` and printed with one decimal (a second may have been cut off), or
/// as a whole number in a table of whole numbers (元 tables: a last digit)
/// or of decimals (`22,118,861` among `14,348,853.34`: the decimals).
fn printed_short(doc: &Document, c: &CellRef) -> bool {
    c.value(doc).is_some_and(|v| {
        // `0` is no number with its last digit cut off.
        v.status == CellStatus::Ok
            && v.amount.cents != 0
            && (v.amount.decimals == 1
                || (v.amount.decimals == 0
                    && (whole_numbers(doc, c.table) || some_with_decimals(doc, c.table))))
    })
}

/// Some of the table's amounts print decimals: a whole number among them
/// may have lost its own (`238` for `238.71`), even where the publisher
/// drops trailing zeros (`345`, `20.54`). Only a difference of less than
/// one makes it a suspect, and only all its identities restore it.
fn some_with_decimals(doc: &Document, table: usize) -> bool {
    doc.tables.get(table).is_some_and(|t| {
        t.rows
            .iter()
            .flat_map(|r| &r.values)
            .any(|v| v.amount.decimals > 0 && v.amount.cents % 100 != 0)
    })
}

/// Nearly every amount of the table is printed without decimals.
fn whole_numbers(doc: &Document, table: usize) -> bool {
    nearly_all_printed_with(doc, table, 0)
}

fn nearly_all_printed_with(doc: &Document, table: usize, decimals: u8) -> bool {
    let Some(t) = doc.tables.get(table) else {
        return false;
    };
    let (like, all) = t
        .rows
        .iter()
        .flat_map(|r| &r.values)
        .fold((0, 0), |(n, a), v| {
            (n + usize::from(v.amount.decimals == decimals), a + 1)
        });
    all > 0 && like * 10 >= all * 9
}

/// The amounts `printed` may have been before digits were cut off: its
/// last digit, or, a whole number in a table of decimals, its decimals.
fn with_digits_more(printed: Amount, hundredths: bool) -> Vec<Amount> {
    let sign = if printed.cents < 0 { -1 } else { 1 };
    match printed.decimals {
        // 22118861 → 22118861.01 … 22118861.99 (`.00` is as printed).
        0 if hundredths => (1..=99)
            .map(|d| Amount {
                cents: printed.cents + sign * d,
                decimals: 2,
            })
            .collect(),
        // 79.7 → 79.71 … 79.79 (79.70 is 79.7).
        1 => (1..=9)
            .map(|d| Amount {
                cents: printed.cents + sign * d,
                decimals: 2,
            })
            .collect(),
        // 1773773 → 17737730 … 17737739.
        _ => (0..=9)
            .map(|d| Amount {
                cents: printed.cents * 10 + sign * d * 100,
                decimals: 0,
            })
            .collect(),
    }
}

fn judge(doc: &mut Document, involved: &[&Identity], c: CellRef) -> Option<Finding> {
    let (readings, outcomes) = outcomes_by_reading(doc, involved, c)?;
    let failing = |holds: &[bool]| holds.iter().filter(|&&h| !h).count();
    // The first reading is the amount as printed.
    let before = failing(&outcomes[0]);
    let proven: Vec<Amount> = readings
        .iter()
        .zip(&outcomes)
        .skip(1)
        .filter(|(_, holds)| holds.len() >= 2 && failing(holds) == 0)
        .map(|(reading, _)| *reading)
        .collect();
    let mends = outcomes[1..].iter().any(|holds| failing(holds) < before);
    match proven.as_slice() {
        [one] => Some(Finding::Restored(*one)),
        _ if mends => Some(Finding::Doubtful),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::grammar::Grammar;
    use crate::model::{Code, Provenance, Row};

    /// A row of an expenditure table (total, basic, project), as printed.
    fn row(code: &str, item: &str, printed: [&str; 3]) -> Row {
        Row {
            section: None,
            code: Code::new(code),
            item: item.into(),
            project: String::new(),
            values: ["total", "basic", "project"]
                .into_iter()
                .zip(printed)
                .map(|(measure, text)| {
                    crate::testing::value(measure, Amount::parse(text).unwrap(), CellStatus::Ok)
                })
                .collect(),
            at: Provenance::Line(1),
        }
    }

    /// An expenditure table: 类 208 (total, basic, project) and its 合计
    /// when given, amounts as printed.
    fn expenditure(class: [&str; 3], total: Option<[&str; 3]>) -> Document {
        crate::testing::expenditure_document(
            std::iter::once(row("208", "社会保障和就业支出", class))
                .chain(total.map(|t| row("", "合计", t)))
                .collect(),
        )
    }

    fn restored(mut doc: Document) -> Vec<(String, CellStatus)> {
        let ids = check::identities(&doc, Grammar::global());
        restore_cut_digits(&mut doc, &ids);
        doc.tables[0].rows[0]
            .values
            .iter()
            .map(|v| (format!("{}", v.amount.cents), v.status))
            .collect()
    }

    #[test]
    fn a_digit_two_identities_agree_on_is_restored() {
        use CellStatus::{Ok, Repaired};
        // 10.1 + its row (5.05 + 5.06) and its 合计 (10.11): 1 restores it.
        let doc = expenditure(["10.1", "5.05", "5.06"], Some(["10.11", "5.05", "5.06"]));
        assert_eq!(
            restored(doc),
            [
                ("1011".into(), Repaired),
                ("505".into(), Ok),
                ("506".into(), Ok)
            ]
        );
    }

    #[test]
    fn a_digit_one_identity_asks_for_is_only_doubted() {
        use CellStatus::{Ok, Uncertain};
        // No 合计 to agree: the row alone cannot tell a cut from a slip.
        let doc = expenditure(["10.1", "5.05", "5.06"], None);
        assert_eq!(
            restored(doc),
            [
                ("1010".into(), Uncertain),
                ("505".into(), Ok),
                ("506".into(), Ok)
            ]
        );
        // Printed short and adding up: the publisher's format, left alone.
        let doc = expenditure(["10.1", "5.05", "5.05"], Some(["10.1", "5.05", "5.05"]));
        assert_eq!(
            restored(doc),
            [("1010".into(), Ok), ("505".into(), Ok), ("505".into(), Ok)]
        );
    }

    #[test]
    fn decimals_lost_from_a_whole_number_among_hundredths_are_restored() {
        use CellStatus::{Ok, Repaired};
        // sh_putuo_sifaju_2026_yusuan_danwei.pdf: the 合计 row's basic is
        // printed `22,118,861`, every other amount with two decimals; its
        // row (total − project) and its column (the 类 rows) both say .34.
        let table = |total: Option<[&str; 3]>| {
            let mut rows: Vec<Row> = [
                (
                    "204",
                    "公共安全支出",
                    ["79189400.34", "14348853.34", "64840547.00"],
                ),
                (
                    "20406",
                    "司法",
                    ["79189400.34", "14348853.34", "64840547.00"],
                ),
                (
                    "2040601",
                    "行政运行",
                    ["14348853.34", "14348853.34", "0.00"],
                ),
                (
                    "2040604",
                    "基层司法业务",
                    ["64840547.00", "0.00", "64840547.00"],
                ),
                (
                    "208",
                    "社会保障和就业支出",
                    ["7770008.00", "7770008.00", "0.00"],
                ),
            ]
            .into_iter()
            .map(|(code, item, printed)| row(code, item, printed))
            .collect();
            rows.extend(total.map(|t| row("", "合计", t)));
            crate::testing::expenditure_document(rows)
        };
        let total_basic = |mut doc: Document| {
            let ids = check::identities(&doc, Grammar::global());
            restore_cut_digits(&mut doc, &ids);
            let v = &doc.tables[0].rows[5].values[1];
            (v.amount.to_string(), v.status)
        };
        let doc = table(Some(["86959408.34", "22118861", "64840547.00"]));
        assert_eq!(total_basic(doc), ("22118861.34".into(), Repaired));
        // Its row asks for .34 but its column adds up as printed (the 类
        // rows say .00): a slip elsewhere, the amount stays as printed.
        let mut doc = table(Some(["86959408.34", "22118861", "64840547.00"]));
        doc.tables[0].rows[0].values[1].amount = Amount::parse("14348853.00").unwrap();
        doc.tables[0].rows[0].values[0].amount = Amount::parse("79189400.00").unwrap();
        assert_eq!(total_basic(doc), ("22118861".into(), Ok));
        // A whole amount that adds up is the publisher's format.
        let doc = table(Some(["86959408.34", "22118861", "64840547.34"]));
        assert_eq!(total_basic(doc).1, Ok);
    }

    #[test]
    fn decimals_lost_where_the_publisher_drops_trailing_zeros_are_restored() {
        use CellStatus::{Ok, Repaired, Uncertain};
        // Seed 000's project table prints `345`, `20.54`, `583.71`: its
        // 238.71 cut to `238` broke its row and its 合计's column, and was
        // read `ok` before 2026-12-03.
        let doc = expenditure(["583.71", "345", "238"], Some(["583.71", "345", "238.71"]));
        assert_eq!(
            restored(doc),
            [
                ("58371".into(), Ok),
                ("34500".into(), Ok),
                ("23871".into(), Repaired)
            ]
        );
        // One identity only: doubted, left as printed.
        let doc = expenditure(["583.71", "345", "238"], None);
        assert_eq!(restored(doc)[2], ("23800".into(), Uncertain));
        // A difference of one or more is no cut decimal: a slip, reported.
        let doc = expenditure(["584.71", "345", "238"], None);
        assert_eq!(restored(doc)[2], ("23800".into(), Ok));
    }

    /// The 合计 row's basic as a flow dump's row rule restored it: printed
    /// `printed`, read as `read`.
    fn with_restored_total_basic(class: [&str; 3], total: [&str; 3], printed: &str) -> Document {
        let mut doc = expenditure(class, Some(total));
        let v = &mut doc.tables[0].rows[1].values[1];
        v.restored_from = Amount::parse(printed);
        v.status = CellStatus::Repaired;
        doc
    }

    fn confirmed(mut doc: Document) -> (String, CellStatus) {
        let ids = check::identities(&doc, Grammar::global());
        confirm_restored(&mut doc, &ids);
        let v = &doc.tables[0].rows[1].values[1];
        (format!("{}", v.amount.cents), v.status)
    }

    #[test]
    fn a_restored_digit_every_identity_agrees_on_is_kept() {
        // 合计 100.00 = 59.95 + 40.05, and its 类 row's basic is 59.95.
        let doc = with_restored_total_basic(
            ["100.00", "59.95", "40.05"],
            ["100.00", "59.95", "40.05"],
            "59.9",
        );
        assert_eq!(confirmed(doc), ("5995".into(), CellStatus::Repaired));
    }

    #[test]
    fn a_restored_digit_the_column_contradicts_is_undone() {
        // The 合计 row's project is a publisher's 0.01 slip (40.01 for
        // 40.05): its row rule alone asked for 59.99, the 类 row's basic
        // says 59.95. No digit satisfies both: printed, uncertain.
        let doc = with_restored_total_basic(
            ["100.00", "59.95", "40.05"],
            ["100.00", "59.99", "40.01"],
            "59.9",
        );
        assert_eq!(confirmed(doc), ("5990".into(), CellStatus::Uncertain));
    }
}
