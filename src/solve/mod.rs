//! Stage 4 — solve: put numbers back where the layout lost them.
//!
//! A pdftotext-style flow dump drops empty cells and wraps narrow columns,
//! so a row arrives as a sequence of number fragments (`9509.1` `2` `942`
//! `3.7` `9` …). The solver enumerates the ways to (1) join consecutive
//! fragments into numbers and (2) place the numbers in the table's columns,
//! left to right, and keeps the assignments under which the row's identities
//! hold (`total = basic + project` …). Rows still ambiguous are settled with
//! the identities between rows (a 类 = the sum of its 款, 合计 = the 类 rows).
//!
//! Pruning that bounds the search: a wrapped number's pieces all have the
//! width of its column except the last (pdftotext wraps at a fixed width);
//! a number has at most one point and two decimals; column indices strictly
//! increase; at most [`MAX_NODES`] search nodes per row, beyond which the row
//! is reported uncertain.

use crate::amount::Amount;

pub mod categories;
pub mod digits;
pub mod table;

/// A cap on search nodes per row: the worst case is reported, not run forever.
pub const MAX_NODES: usize = 200_000;

/// `total = sum(parts)` over column indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRule {
    pub total: usize,
    pub parts: Vec<usize>,
    /// The total may be printed with every part blank (a subtotal printed
    /// without its breakdown): such a row satisfies the rule.
    pub parts_optional: bool,
}

impl RowRule {
    fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }

    /// Holds within `tolerance` hundredths, or none of its columns is
    /// printed, or (when parts are optional) none of its parts is.
    fn holds(&self, values: &[Option<Placed>], tolerance: i64) -> bool {
        let value = |c: usize| cents_at(values, c);
        !self.columns().any(|c| values[c].is_some())
            || (self.parts_optional && !self.parts.iter().any(|&c| values[c].is_some()))
            || (value(self.total) - self.parts.iter().map(|&c| value(c)).sum::<i64>()).abs()
                <= tolerance
    }
}

/// The amount in column `col`, 0 when blank.
fn cents_at(values: &[Option<Placed>], col: usize) -> i64 {
    values[col].map_or(0, |p| p.amount.cents)
}

/// `rules`, each keeping `parts_optional` (a subtotal printed with its
/// parts blank) only where the table's 合计 row has readings and none of
/// them prints one of its parts: a table printing its funds (`一般公共预算`
/// under `财政拨款(补助) 小计`) prints them under each row's subtotal, and a
/// row's one amount there is a fund's, or the subtotal's with its fund
/// lost — the sums cannot tell which.
pub fn parts_optional_where_the_total_row_leaves_them(
    mut rules: Vec<RowRule>,
    total_readings: &[Reading],
) -> Vec<RowRule> {
    for rule in rules.iter_mut().filter(|r| r.parts_optional) {
        let parts_blank = |r: &Reading| rule.parts.iter().all(|&c| r.values[c].is_none());
        rule.parts_optional = !total_readings.is_empty() && total_readings.iter().all(parts_blank);
    }
    rules
}

/// One way to read a row: a value per column (None = blank).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub values: Vec<Option<Placed>>,
    /// The identities hold only within a hundredth and an amount involved
    /// was printed short: a lost digit cannot be told from a publisher's slip.
    pub doubtful: bool,
}

/// A number placed in a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub amount: Amount,
    /// Fragments joined to make it (1 = printed whole).
    pub pieces: usize,
    /// Width of the fragments before the last (the column's wrap width).
    pub wrap: Option<usize>,
    /// The amount as printed, when a digit lost at the cell's edge was
    /// restored from an identity.
    pub restored_from: Option<Amount>,
}

impl Placed {
    /// An amount printed whole in its cell.
    pub fn printed(amount: Amount) -> Placed {
        Placed {
            amount,
            pieces: 1,
            wrap: None,
            restored_from: None,
        }
    }
}

impl Reading {
    /// A reading of amounts each printed whole (`None` = blank).
    pub fn printed(amounts: impl IntoIterator<Item = Option<Amount>>) -> Reading {
        Reading {
            values: amounts
                .into_iter()
                .map(|a| a.map(Placed::printed))
                .collect(),
            doubtful: false,
        }
    }

    /// Whether every value sits in one of `columns`.
    pub fn uses_only(&self, columns: &[usize]) -> bool {
        self.values
            .iter()
            .enumerate()
            .all(|(c, v)| v.is_none() || columns.contains(&c))
    }

    /// The amount in column `col`, 0 when blank.
    pub fn value(&self, col: usize) -> i64 {
        cents_at(&self.values, col)
    }

    /// Whether every rule whose columns are printed holds, within
    /// `tolerance` hundredths.
    pub fn satisfies(&self, rules: &[RowRule], tolerance: i64) -> bool {
        rules.iter().all(|r| r.holds(&self.values, tolerance))
    }
}

/// A fragment can start a number (not `.09`) or continue one.
fn valid_number(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    valid_integer(int)
        && frac
            .is_none_or(|f| f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()) && !f.is_empty())
}

/// Digits, plain or grouped by thousands separators (`3,296,600`, how
/// tables in 元 print): a comma anywhere else belongs to no number. No
/// amount is printed with a leading zero: `02` is a code's level (a dump
/// that prints a column's cells apart from their rows).
fn valid_integer(int: &str) -> bool {
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    if first.len() > 1 && first.starts_with('0') {
        return false;
    }
    if !int.contains(',') {
        return digits(first);
    }
    first.len() <= 3 && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
}

/// The longest text a joined number can have: 15 integer digits (all
/// [`Amount::parse`] takes) with their four thousands separators, a point
/// and two decimals.
const MAX_NUMBER_LEN: usize = 22;

/// Every join of `tokens[i..j]` into one number that obeys the wrap rule.
fn joins(tokens: &[&str], i: usize) -> Vec<(usize, String, Option<usize>)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let width = tokens[i].chars().count();
    for (j, t) in tokens.iter().enumerate().skip(i) {
        let len = t.chars().count();
        // Pieces before the last share one width; the last is no wider.
        if j > i && (len > width || (j > i + 1 && tokens[j - 1].chars().count() != width)) {
            break;
        }
        text.push_str(t);
        // No amount is longer (15 digits, their separators, a point, 2 decimals): a row of
        // thousands of one-digit fragments must not join them all.
        if text.len() > MAX_NUMBER_LEN {
            break;
        }
        if valid_number(&text) {
            let wrap = (j > i).then_some(width);
            out.push((j + 1, text.clone(), wrap));
        }
    }
    out
}

/// All readings of `tokens` over `columns` columns satisfying `rules`.
/// `required` columns must hold a value whenever the row has numbers
/// (the `total` of a coded table). Returns `None` when the search was cut
/// off at [`MAX_NODES`].
pub fn readings(
    tokens: &[&str],
    columns: usize,
    rules: &[RowRule],
    required: &[usize],
) -> Option<Vec<Reading>> {
    readings_within(tokens, columns, rules, required, 0)
}

/// Like [`readings`], accepting rules that miss by at most `tolerance`
/// hundredths (a publisher's rounding slip).
pub fn readings_within(
    tokens: &[&str],
    columns: usize,
    rules: &[RowRule],
    required: &[usize],
    tolerance: i64,
) -> Option<Vec<Reading>> {
    bounded(
        tokens,
        columns,
        rules,
        required,
        tolerance,
        MAX_NODES,
        usize::MAX,
    )
}

/// The first `limit` readings within `max_nodes` search nodes (the fallback
/// paths of a row no reading fits need only a few, and must stay cheap).
pub fn first_readings(
    tokens: &[&str],
    columns: usize,
    rules: &[RowRule],
    required: &[usize],
    max_nodes: usize,
    limit: usize,
) -> Vec<Reading> {
    bounded(tokens, columns, rules, required, 0, max_nodes, limit).unwrap_or_default()
}

fn bounded(
    tokens: &[&str],
    columns: usize,
    rules: &[RowRule],
    required: &[usize],
    tolerance: i64,
    max_nodes: usize,
    limit: usize,
) -> Option<Vec<Reading>> {
    // Every token must land in a column, each column holding one number of
    // at most MAX_NUMBER_LEN one-character pieces: more tokens than that
    // cannot be read at all (and would cost a join table per token).
    if tokens.len() > columns.saturating_mul(MAX_NUMBER_LEN) {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut nodes = 0;
    let mut current = vec![None; columns];
    let mut closing = vec![Vec::new(); columns];
    for (i, r) in rules.iter().enumerate() {
        if let Some(last) = r.columns().max().filter(|&c| c < columns) {
            closing[last].push(i);
        }
    }
    let ctx = Search {
        tokens,
        joins: all_joins(tokens),
        closing,
        rules,
        required,
        tolerance,
        max_nodes,
        limit,
    };
    let complete = ctx.run(0, 0, &mut current, &mut out, &mut nodes);
    complete.then(|| without_zero_variants(out))
}

/// Restores a digit lost at a cell's edge, when the identities fix it.
///
/// For each rule the reading breaks, each amount printed with one decimal
/// may have lost its last digit: the digit that makes every rule hold is
/// tried. Returns the restored reading when exactly one restoration works.
pub fn restore_cut_digit(reading: &Reading, rules: &[RowRule]) -> Option<Reading> {
    let mut found: Vec<Reading> = Vec::new();
    // One working copy, each trial digit set and undone in place.
    let mut r = reading.clone();
    for (col, v) in reading.values.iter().enumerate() {
        let Some(p) = v else { continue };
        if p.amount.decimals != 1 {
            continue;
        }
        for d in 1..=9 {
            r.values[col] = Some(Placed {
                amount: Amount {
                    cents: p.amount.cents + d,
                    decimals: 2,
                },
                restored_from: Some(p.amount),
                ..*p
            });
            if r.satisfies(rules, 0) {
                found.push(r.clone());
            }
        }
        r.values[col] = *v;
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// Readings that differ only by zero cells state the same amounts (`21.1`
/// `0` is `21.10` wrapped): keep the one with the fewest cells.
fn without_zero_variants(mut readings: Vec<Reading>) -> Vec<Reading> {
    readings.sort_by_key(|r| r.values.iter().filter(|v| v.is_some()).count());
    // Many readings per row: a fast hasher (keys are not attacker-chosen
    // in a way that matters: a flooded set only slows this one row), and
    // one key buffer, copied only for the readings kept.
    let mut seen: rustc_hash::FxHashSet<Vec<(usize, i64)>> = Default::default();
    let mut key = Vec::new();
    readings.retain(|r| {
        key.clear();
        key.extend(r.values.iter().enumerate().filter_map(|(c, v)| {
            v.filter(|p| p.amount.cents != 0)
                .map(|p| (c, p.amount.cents))
        }));
        !seen.contains(key.as_slice()) && seen.insert(key.clone())
    });
    readings
}

/// The numbers that can start at each fragment: (end, amount, wrap width).
type Joins = Vec<Vec<(usize, Amount, Option<usize>)>>;

fn all_joins(tokens: &[&str]) -> Joins {
    (0..tokens.len())
        .map(|i| {
            joins(tokens, i)
                .into_iter()
                .filter_map(|(end, text, wrap)| Amount::parse(&text).map(|a| (end, a, wrap)))
                .collect()
        })
        .collect()
}

struct Search<'a> {
    tokens: &'a [&'a str],
    /// Computed once per row: the search revisits each position many times.
    joins: Joins,
    /// Per column, the rules whose right-most column it is: once the search
    /// has moved past it, their values are final and can be tested.
    closing: Vec<Vec<usize>>,
    rules: &'a [RowRule],
    required: &'a [usize],
    tolerance: i64,
    max_nodes: usize,
    /// Stop after this many readings (the search then counts as complete).
    limit: usize,
}

impl Search<'_> {
    fn run(
        &self,
        i: usize,
        next_col: usize,
        current: &mut Vec<Option<Placed>>,
        out: &mut Vec<Reading>,
        nodes: &mut usize,
    ) -> bool {
        *nodes += 1;
        if *nodes > self.max_nodes {
            return false;
        }
        if out.len() >= self.limit {
            return true;
        }
        if i == self.tokens.len() {
            let has_required =
                self.required.iter().all(|&c| current[c].is_some()) || self.tokens.is_empty();
            if has_required && self.rules.iter().all(|r| r.holds(current, self.tolerance)) {
                out.push(Reading {
                    values: current.clone(),
                    doubtful: false,
                });
            }
            return true;
        }
        let breaks = |col: usize, current: &[Option<Placed>]| {
            self.closing[col]
                .iter()
                .any(|&r| !self.rules[r].holds(current, self.tolerance))
        };
        for &(end, amount, wrap) in &self.joins[i] {
            for col in next_col..current.len() {
                // A required column cannot be skipped.
                if self.required.iter().any(|&r| r >= next_col && r < col) {
                    break;
                }
                // Rules wholly left of the next column are settled: prune.
                // Those closing at a column this number skipped (left blank)
                // stay broken for every later column.
                if col > next_col && breaks(col - 1, current) {
                    break;
                }
                current[col] = Some(Placed {
                    amount,
                    pieces: end - i,
                    wrap,
                    restored_from: None,
                });
                if breaks(col, current) {
                    current[col] = None;
                    continue;
                }
                let ok = self.run(end, col + 1, current, out, nodes);
                current[col] = None;
                if !ok {
                    return false;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(r: &Reading) -> Vec<Option<i64>> {
        r.values.iter().map(|v| v.map(|p| p.amount.cents)).collect()
    }

    /// 2023-style income columns: total, fiscal_subtotal, gb, gbt, gf, gft, sc, sct, special, unit, carry_f, carry_nf
    fn income_rules() -> Vec<RowRule> {
        vec![
            RowRule {
                total: 1,
                parts: vec![2, 3, 4, 5, 6, 7],
                parts_optional: false,
            },
            RowRule {
                total: 0,
                parts: vec![1, 8, 9, 10, 11],
                parts_optional: false,
            },
        ]
    }

    #[test]
    fn a_row_of_thousands_of_fragments_joins_only_number_lengths() {
        // 20,000 one-digit fragments of one width: each start joins at most
        // an amount's length, not the rest of the row (which took minutes).
        let tokens = vec!["1"; 20_000];
        let from_start = joins(&tokens, 0);
        assert_eq!(from_start.len(), MAX_NUMBER_LEN);
        assert_eq!(from_start.last().map(|j| j.1.len()), Some(MAX_NUMBER_LEN));
        assert_eq!(joins(&["12", "34", "5.6"], 0).len(), 2);
        assert_eq!(all_joins(&tokens).iter().map(Vec::len).max(), Some(15));
        // More fragments than the columns could hold: no reading, and no
        // search (a one-node budget would otherwise be cut off: None).
        assert_eq!(
            bounded(&tokens, 3, &[], &[], 0, 1, usize::MAX),
            Some(Vec::new())
        );
    }

    #[test]
    fn rebuilds_the_208_row_of_001_income() {
        // 001_…, table 2: `9509.1 2 942 3.7 9 2049 .09 7374.70 85. 33`
        let tokens = [
            "9509.1", "2", "942", "3.7", "9", "2049", ".09", "7374.70", "85.", "33",
        ];
        let rs = readings(&tokens, 12, &income_rules(), &[0]).unwrap();
        // Every reading joins the fragments the same way; only the fund
        // columns stay open (the table's other rows settle them).
        for r in &rs {
            let mut placed: Vec<i64> = r.values.iter().flatten().map(|p| p.amount.cents).collect();
            placed.sort();
            assert_eq!(placed, [8533, 204909, 737470, 942379, 950912]);
            assert_eq!((r.value(0), r.value(1)), (950912, 942379));
        }
        assert_eq!(rs.len(), 60);
        // Restricted to the columns the 合计 row uses, one reading is left.
        let active = [0, 1, 2, 3, 10];
        let left: Vec<&Reading> = rs.iter().filter(|r| r.uses_only(&active)).collect();
        assert_eq!(left.len(), 1);
        let want = [
            Some(950912),
            Some(942379),
            Some(204909),
            Some(737470),
            None,
            None,
            None,
            None,
            None,
            None,
            Some(8533),
            None,
        ];
        assert_eq!(cents(left[0]), want);
        assert_eq!(left[0].values[1].unwrap().pieces, 3);
        assert_eq!(left[0].values[1].unwrap().wrap, Some(3));
    }

    #[test]
    fn a_subtotal_printed_without_its_funds_is_a_reading_only_where_allowed() {
        // 000_…, table 2: `1536.75 1514.13 22 0.62` — 财政拨款(补助) 小计
        // printed, its funds left blank by the publisher.
        let tokens = ["1536.75", "1514.13", "22", "0.62"];
        let subtotal_alone = |rules: &[RowRule]| {
            readings(&tokens, 12, rules, &[0])
                .unwrap()
                .iter()
                .any(|r| r.value(1) == 151413 && (2..8).all(|c| r.values[c].is_none()))
        };
        assert!(!subtotal_alone(&income_rules()));
        let mut optional = income_rules();
        optional[0].parts_optional = true;
        assert!(subtotal_alone(&optional));
        // A part printed still has to add up to the subtotal.
        let rs = readings(&tokens, 12, &optional, &[0]).unwrap();
        assert!(rs.iter().all(|r| r.values[1].is_none()
            || (2..8).all(|c| r.values[c].is_none())
            || r.value(1) == (2..8).map(|c| r.value(c)).sum::<i64>()));
    }

    #[test]
    fn a_subtotal_stands_alone_only_where_the_total_row_prints_it_so() {
        // Income: total, fiscal_subtotal, general_budget, special_account,
        // unit_funds, carryover_fiscal.
        let rules = || {
            vec![
                RowRule {
                    total: 1,
                    parts: vec![2],
                    parts_optional: true,
                },
                RowRule {
                    total: 0,
                    parts: vec![1, 3, 4, 5],
                    parts_optional: false,
                },
            ]
        };
        let kept = |total_row: &[&str]| {
            let total_readings = readings(total_row, 6, &rules(), &[0]).unwrap();
            parts_optional_where_the_total_row_leaves_them(rules(), &total_readings)[0]
                .parts_optional
        };
        // 000's 合计: the subtotal printed, its fund blank in every reading.
        assert!(kept(&["1671.92", "1644.68", "22", "5.24"]));
        // 002's prints the fund under the subtotal: a row's one amount
        // there may be either.
        assert!(!kept(&["1010.70", "1010.39", "1010.39", "0.31"]));
        // No 合计 row to tell: the subtotal needs its parts.
        assert!(!parts_optional_where_the_total_row_leaves_them(rules(), &[])[0].parts_optional);
    }

    #[test]
    fn an_unsplit_row_with_a_lost_column_stays_ambiguous_alone() {
        // 001_…, table 3: `208 01 01 行政运行 499.91 499.91` — basic or project?
        let rules = vec![RowRule {
            total: 0,
            parts: vec![1, 2],
            parts_optional: false,
        }];
        let rs = readings(&["499.91", "499.91"], 3, &rules, &[0]).unwrap();
        assert_eq!(
            rs.iter().map(cents).collect::<Vec<_>>(),
            vec![
                vec![Some(49991), Some(49991), None],
                vec![Some(49991), None, Some(49991)],
            ]
        );
    }

    #[test]
    fn a_cut_digit_is_restored_only_when_the_identity_fixes_it() {
        // `1541.7` for 1541.71: total = basic + project pins the digit.
        let rules = vec![RowRule {
            total: 0,
            parts: vec![1, 2],
            parts_optional: false,
        }];
        let r = &readings_within(&["1541.7", "1244.71", "297"], 3, &rules, &[0], 1).unwrap()[0];
        let fixed = restore_cut_digit(r, &rules).unwrap();
        assert_eq!(
            (
                fixed.value(0),
                fixed.values[0].unwrap().restored_from.is_some()
            ),
            (154171, true)
        );
        // All amounts printed in full: a publisher's 0.01 slip, nothing to restore.
        let r = &readings_within(&["509.51", "506.00", "3.50"], 3, &rules, &[0], 1).unwrap()[0];
        assert_eq!(restore_cut_digit(r, &rules), None);
    }

    #[test]
    fn fragments_obey_the_wrap_width() {
        assert!(
            valid_number("9509.12")
                && valid_number("85")
                && !valid_number(".09")
                && !valid_number("1.234")
                && valid_number("3,296,600")
                && valid_number("38,454,900.00")
                && !valid_number("3,2966")
                && !valid_number("438,300438,300")
                && !valid_number(",300")
                && !valid_number("1234,567")
                && !valid_number("02")
                && valid_number("0.50")
                && valid_number("0")
        );
        let j: Vec<String> = joins(&["942", "3.7", "9"], 0)
            .into_iter()
            .map(|(_, t, _)| t)
            .collect();
        assert_eq!(j, ["942", "9423.7", "9423.79"]);
        // A middle piece wider than the first cannot belong to one number.
        let j: Vec<String> = joins(&["94", "23.7", "9"], 0)
            .into_iter()
            .map(|(_, t, _)| t)
            .collect();
        assert_eq!(j, ["94"]);
    }
}
