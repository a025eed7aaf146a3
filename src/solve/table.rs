//! Settling a whole table: each row's readings are narrowed by the rest of
//! the table.
//!
//! 1. The 合计 row's reading is chosen by evidence from other tables (the
//!    summary's 一般财力, 财政拨款结转 … figures) when its own identities
//!    leave it open.
//! 2. Columns blank in the 合计 row are blank in every row (amounts are not
//!    negative and 合计 is the sum of the 类 rows).
//! 3. A parent row and its children must agree column by column; among the
//!    combinations of readings, the one with the least deviation wins when it
//!    is unique (deviation, not equality, so a publisher's 0.01 slip does not
//!    derail the solver).

use super::{Reading, RowRule};
use crate::amount::Amount;
use crate::model::Code;

/// Largest number of child-reading combinations tried for one parent.
const MAX_COMBINATIONS: usize = 4096;

/// A row as the table solver sees it.
#[derive(Clone, Debug)]
pub struct SolveRow {
    pub code: Option<Code>,
    pub is_total: bool,
    /// Readings that satisfy the row's own identities.
    pub readings: Vec<Reading>,
}

/// How a row's reading was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// One reading fits everything known.
    Unique,
    /// Several readings fit; the first is reported.
    Ambiguous,
    /// No reading satisfied the row's identities.
    Inconsistent,
}

/// Children of each row, in print order (deeper codes under it, up to the
/// next row at its level); the 合计 row's children are the 类 rows.
fn children(rows: &[SolveRow]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if r.is_total {
            out[i] = (0..rows.len())
                .filter(|&j| rows[j].code.as_ref().is_some_and(|c| c.level() == 1))
                .collect();
            continue;
        }
        let Some(code) = &r.code else { continue };
        for (j, c) in rows.iter().enumerate().skip(i + 1) {
            let Some(cc) = &c.code else { break };
            if cc.level() <= code.level() || !cc.as_str().starts_with(code.as_str()) {
                break;
            }
            if cc.level() == code.level() + 1 {
                out[i].push(j);
            }
        }
    }
    out
}

/// The combinations of readings (parent's index first, then each child's)
/// whose column-by-column deviation from `parent = sum(children)` is least.
///
/// Walks the combinations as an odometer, keeping the children's column sums
/// up to date as the indices move: a combination costs a pass over the
/// columns (two when a child's index moves), and allocates only when it
/// matches or beats the least deviation so far.
fn least_deviation(options: &[Vec<Reading>], parent: usize, kids: &[usize]) -> Vec<Vec<usize>> {
    let members: Vec<usize> = std::iter::once(parent)
        .chain(kids.iter().copied())
        .collect();
    let columns = options[parent].first().map_or(0, |r| r.values.len());
    // Per member, its readings' values flattened: reading k, column c at k * columns + c.
    let values: Vec<Vec<i64>> = members
        .iter()
        .map(|&m| {
            options[m]
                .iter()
                .flat_map(|r| (0..columns).map(move |c| r.value(c)))
                .collect()
        })
        .collect();
    let reading = |slot: usize, k: usize| &values[slot][k * columns..(k + 1) * columns];
    let mut kid_sums = vec![0i64; columns];
    for slot in 1..members.len() {
        for (s, v) in kid_sums.iter_mut().zip(reading(slot, 0)) {
            *s += v;
        }
    }
    let mut best = i64::MAX;
    let mut winners: Vec<Vec<usize>> = Vec::new();
    let mut idx = vec![0usize; members.len()];
    loop {
        let d: i64 = reading(0, idx[0])
            .iter()
            .zip(&kid_sums)
            .map(|(p, s)| (p - s).abs())
            .sum();
        if d < best {
            best = d;
            winners.clear();
        }
        if d == best {
            winners.push(idx.clone());
        }
        // Next combination.
        let mut slot = 0;
        loop {
            let from = idx[slot];
            idx[slot] += 1;
            if idx[slot] == options[members[slot]].len() {
                idx[slot] = 0;
            }
            if slot > 0 {
                let to = idx[slot];
                for (c, s) in kid_sums.iter_mut().enumerate() {
                    *s += reading(slot, to)[c] - reading(slot, from)[c];
                }
            }
            if idx[slot] != 0 {
                break;
            }
            slot += 1;
            if slot == idx.len() {
                return winners;
            }
        }
    }
}

/// A settled row: the reading reported, how it was settled, and which of its
/// columns every surviving reading agrees on.
#[derive(Clone, Debug)]
pub struct Settled {
    pub reading: Option<Reading>,
    pub resolution: Resolution,
    pub certain: Vec<bool>,
}

/// Settles every row. `evidence` lists (column, amount) pairs other tables
/// state for the 合计 row. They only point at columns (the 合计 row keeps
/// its own table's print), so a line printed short states any last digit,
/// and one a cent off still points, more weakly. `prior` ranks the columns (lower = more often
/// used): among readings the arithmetic cannot separate, the one using the
/// best-ranked columns is reported first.
///
/// Every reading of every row has the table's number of columns.
pub fn settle(
    rows: &[SolveRow],
    evidence: &[(usize, Amount)],
    prior: &[usize],
    rules: &[RowRule],
) -> Vec<Settled> {
    settle_families(rows, &children(rows), evidence, prior, rules)
}

/// [`settle`] with each row's children given (`kids[i]`, the rows that add
/// up to row `i`): for tables whose rows are named, not coded (the “三公”
/// categories).
pub fn settle_families(
    rows: &[SolveRow],
    kids: &[Vec<usize>],
    evidence: &[(usize, Amount)],
    prior: &[usize],
    rules: &[RowRule],
) -> Vec<Settled> {
    let width = rows
        .iter()
        .find_map(|r| r.readings.first())
        .map(|r| r.values.len());
    debug_assert!(
        rows.iter()
            .flat_map(|r| &r.readings)
            .all(|r| Some(r.values.len()) == width),
        "readings of one table have one width"
    );
    let mut options: Vec<Vec<Reading>> = rows.iter().map(|r| r.readings.clone()).collect();

    // 1. The 合计 row, by evidence.
    if let Some(t) = rows.iter().position(|r| r.is_total) {
        if options[t].len() > 1 && !evidence.is_empty() {
            // A figure the other table states exactly (or cut short) counts
            // twice; one a cent off (a publisher's slip there) once.
            let score = |r: &Reading| -> usize {
                evidence
                    .iter()
                    .filter(|(c, _)| r.values[*c].is_some())
                    .map(|(c, v)| match r.value(*c) {
                        x if v.may_state(x) => 2,
                        x if (x - v.cents).abs() == 1 => 1,
                        _ => 0,
                    })
                    .sum()
            };
            let best = options[t].iter().map(score).max().unwrap_or(0);
            if best > 0 {
                options[t].retain(|r| score(r) == best);
            }
        }
        // 2. Columns the 合计 row leaves blank.
        if options[t].len() == 1 {
            let active: Vec<usize> = (0..options[t][0].values.len())
                .filter(|&c| options[t][0].values[c].is_some())
                .collect();
            for (i, o) in options.iter_mut().enumerate() {
                if i != t {
                    let kept: Vec<Reading> =
                        o.iter().filter(|r| r.uses_only(&active)).cloned().collect();
                    if !kept.is_empty() {
                        *o = kept;
                    }
                }
            }
        }
    }

    // 3. Parents and children, until nothing changes.
    // How often each row's readings were narrowed, and the sum of its
    // family's counts when a parent was last enumerated: a family nothing
    // has narrowed since gives the same winners again (the narrowing keeps
    // every winning combination), so it is not enumerated twice.
    let mut narrowed = vec![0usize; rows.len()];
    let mut enumerated_at: Vec<Option<usize>> = vec![None; rows.len()];
    let family_count = |narrowed: &[usize], p: usize, ch: &[usize]| {
        narrowed[p] + ch.iter().map(|&c| narrowed[c]).sum::<usize>()
    };
    for _ in 0..8 {
        let mut changed = false;
        // A column blank in a settled parent is blank in all its children
        // (amounts are not negative): no enumeration needed.
        for (p, ch) in kids.iter().enumerate() {
            if options[p].len() != 1 {
                continue;
            }
            let active: Vec<usize> = (0..options[p][0].values.len())
                .filter(|&c| options[p][0].values[c].is_some())
                .collect();
            for &c in ch {
                let kept = options[c].iter().filter(|r| r.uses_only(&active)).count();
                if kept > 0 && kept < options[c].len() {
                    options[c].retain(|r| r.uses_only(&active));
                    narrowed[c] += 1;
                    changed = true;
                }
            }
        }
        for (p, ch) in kids.iter().enumerate() {
            if ch.is_empty() || options[p].is_empty() || ch.iter().any(|&c| options[c].is_empty()) {
                continue;
            }
            if enumerated_at[p] == Some(family_count(&narrowed, p, ch)) {
                continue;
            }
            let combos = ch
                .iter()
                .try_fold(options[p].len(), |n, &c| n.checked_mul(options[c].len()));
            if !combos.is_some_and(|n| (2..=MAX_COMBINATIONS).contains(&n)) {
                continue;
            }
            let winners = least_deviation(&options, p, ch);
            // Keep, for each row, the readings some winning combination uses.
            let members: Vec<usize> = std::iter::once(p).chain(ch.iter().copied()).collect();
            for (slot, &row) in members.iter().enumerate() {
                let mut used: Vec<usize> = winners.iter().map(|w| w[slot]).collect();
                used.sort_unstable();
                used.dedup();
                if used.len() < options[row].len() {
                    options[row] = used.into_iter().map(|k| options[row][k].clone()).collect();
                    narrowed[row] += 1;
                    changed = true;
                }
            }
            enumerated_at[p] = Some(family_count(&narrowed, p, ch));
        }
        if !changed {
            break;
        }
    }

    let total_row = rows.iter().position(|r| r.is_total);
    restore_across(&mut options, kids, rules, total_row, evidence);
    let rank = |r: &Reading| -> usize {
        (0..r.values.len())
            .filter(|&c| r.values[c].is_some())
            .map(|c| prior.get(c).copied().unwrap_or(usize::MAX / 64))
            .sum()
    };
    for o in options.iter_mut().filter(|o| o.len() > 1) {
        o.sort_by_key(rank);
    }

    options
        .into_iter()
        .map(|o| Settled {
            resolution: match o.len() {
                0 => Resolution::Inconsistent,
                1 => Resolution::Unique,
                _ => Resolution::Ambiguous,
            },
            certain: certain_columns(&o),
            reading: o.into_iter().next(),
        })
        .collect()
}

/// The columns every surviving reading fills with the same amount (or
/// leaves blank): those cells are known even when the row is ambiguous.
fn certain_columns(readings: &[Reading]) -> Vec<bool> {
    let Some(first) = readings.first() else {
        return vec![];
    };
    (0..first.values.len())
        .map(|c| {
            readings.iter().all(|r| {
                r.values[c].map(|v| v.amount.cents) == first.values[c].map(|v| v.amount.cents)
            })
        })
        .collect()
}

/// A digit lost at a cell's edge, found by a parent/children sum: in a column
/// that does not add up, the one amount printed with a single decimal whose
/// restored digit closes the gap exactly is restored. When no single digit
/// closes it and a short amount is involved, the rows are doubtful: a lost
/// digit cannot be told from a publisher's slip.
fn restore_across(
    options: &mut [Vec<Reading>],
    kids: &[Vec<usize>],
    rules: &[RowRule],
    total_row: Option<usize>,
    evidence: &[(usize, Amount)],
) {
    for (p, ch) in kids.iter().enumerate() {
        if ch.is_empty() || options[p].is_empty() || ch.iter().any(|&c| options[c].is_empty()) {
            continue;
        }
        let columns = options[p][0].values.len();
        for col in 0..columns {
            let sum: i64 = ch.iter().map(|&c| options[c][0].value(col)).sum();
            let diff = options[p][0].value(col) - sum;
            if diff == 0 || options[p][0].values[col].is_none() {
                continue;
            }
            // (row, digit) that would close the gap.
            let short =
                |row: usize| options[row][0].values[col].is_some_and(|v| v.amount.decimals == 1);
            let mut fixes: Vec<(usize, i64)> = Vec::new();
            if short(p) && (1..=9).contains(&-diff) {
                fixes.push((p, -diff));
            }
            for &c in ch {
                if short(c) && (1..=9).contains(&diff) {
                    fixes.push((c, diff));
                }
            }
            // A restoration must keep the row's own identities: a trailing
            // zero lost at the edge (`9466.1`) under a publisher's 0.01 slip
            // in the column sum must not become a wrong digit.
            let restored = |row: usize, d: i64| -> Option<Vec<Reading>> {
                let mut fixed = options[row].clone();
                for r in fixed.iter_mut() {
                    let v = r.values[col].as_mut()?;
                    v.restored_from = v.restored_from.or(Some(v.amount));
                    v.amount = Amount {
                        cents: v.amount.cents + d,
                        decimals: 2,
                    };
                }
                fixed.iter().all(|r| r.satisfies(rules, 0)).then_some(fixed)
            };
            let fixes: Vec<(usize, Vec<Reading>)> = fixes
                .into_iter()
                .filter_map(|(row, d)| restored(row, d).map(|f| (row, f)))
                .collect();
            match fixes.as_slice() {
                [(row, fixed)] => options[*row] = fixed.clone(),
                _ => {
                    // A short amount whose row's own identities hold exactly
                    // did not lose a digit (that would break them): the gap is
                    // a publisher's slip elsewhere. Without such identities
                    // (a single-column table), a lost digit cannot be ruled out.
                    // Two short amounts could have lost the same digit and
                    // still agree, so at most one may be unconfirmed (an
                    // amount another table states is confirmed).
                    let proven = |row: usize| {
                        options[row].iter().all(|r| {
                            let unconfirmed = (0..r.values.len())
                                .filter(|&c| r.values[c].is_some_and(|v| v.amount.decimals == 1))
                                .filter(|&c| {
                                    !(Some(row) == total_row
                                        && evidence
                                            .iter()
                                            .any(|&(ec, a)| ec == c && a.cents == r.value(c)))
                                })
                                .count();
                            !rules.is_empty() && r.satisfies(rules, 0) && unconfirmed <= 1
                        })
                    };
                    let doubtful: Vec<usize> = std::iter::once(p)
                        .chain(ch.iter().copied())
                        .filter(|&r| short(r) && !proven(r))
                        .collect();
                    for row in doubtful {
                        options[row].iter_mut().for_each(|r| r.doubtful = true);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::readings;
    use super::*;

    fn row(code: &str, tokens: &[&str]) -> SolveRow {
        let rules = [RowRule {
            total: 0,
            parts: vec![1, 2],
            parts_optional: false,
        }];
        SolveRow {
            code: Code::new(code),
            is_total: code.is_empty(),
            readings: readings(tokens, 3, &rules, &[0]).unwrap(),
        }
    }

    #[test]
    fn children_settle_on_their_parent() {
        // 001_…, table 3: 20801 = 499.91 basic + 9.60 project; its 项 rows print one amount each.
        let rows = vec![
            row("20801", &["509.51", "499.91", "9.60"]),
            row("2080101", &["499.91", "499.91"]),
            row("2080109", &["9.60", "9.60"]),
        ];
        let settled = settle(&rows, &[], &[], &[]);
        let cols = |i: usize| {
            settled[i]
                .reading
                .as_ref()
                .map(|r| (r.value(1), r.value(2)))
        };
        assert_eq!(
            settled.iter().map(|s| s.resolution).collect::<Vec<_>>(),
            vec![Resolution::Unique; 3]
        );
        assert_eq!((cols(1), cols(2)), (Some((49991, 0)), Some((0, 960))));
    }

    #[test]
    fn evidence_cut_short_or_a_cent_off_still_points_at_its_column() {
        // A 合计 row of one amount in three columns; the summary states the
        // second column's figure.
        let total = SolveRow {
            code: None,
            is_total: true,
            readings: readings(&["115.23"], 3, &[], &[]).unwrap(),
        };
        let column_of = |stated: &str| {
            let evidence = [(1, Amount::parse(stated).unwrap())];
            let settled = settle(std::slice::from_ref(&total), &evidence, &[], &[]);
            let s = &settled[0];
            let r = s.reading.as_ref().unwrap();
            (s.resolution, (0..3).find(|&c| r.values[c].is_some()))
        };
        assert_eq!(column_of("115.23"), (Resolution::Unique, Some(1)));
        assert_eq!(column_of("115.2"), (Resolution::Unique, Some(1)));
        assert_eq!(column_of("115.24"), (Resolution::Unique, Some(1)));
        assert_eq!(column_of("115.26").0, Resolution::Ambiguous);
    }

    #[test]
    fn a_digit_cut_in_a_child_is_restored_from_the_parent() {
        let one = |code: &str, t: &str| SolveRow {
            code: Code::new(code),
            is_total: code.is_empty(),
            readings: readings(&[t], 1, &[], &[0]).unwrap(),
        };
        // 支出总计 1541.71 over 1371.3 (cut from 1371.37) + 79.75 + 90.59.
        let rows = vec![
            one("208", "1371.3"),
            one("210", "79.75"),
            one("221", "90.59"),
            one("", "1541.71"),
        ];
        let settled = settle(&rows, &[], &[], &[]);
        let v = settled[0].reading.as_ref().unwrap().values[0].unwrap();
        assert_eq!((v.amount.cents, v.restored_from.is_some()), (137137, true));
        // Two short amounts could each close the gap: neither is trusted.
        let rows = vec![
            one("208", "1371.3"),
            one("210", "79.7"),
            one("221", "90.59"),
            one("", "1541.71"),
        ];
        let settled = settle(&rows, &[], &[], &[]);
        assert!(
            settled[0].reading.as_ref().unwrap().doubtful
                && settled[1].reading.as_ref().unwrap().doubtful
        );
    }

    #[test]
    fn least_deviation_keeps_every_tying_combination() {
        // Parent 509.51 = 499.91 + 9.60, one reading; each child read two
        // ways (basic or project): only the combination that adds up column
        // by column wins.
        let rows = [
            row("20801", &["509.51", "499.91", "9.60"]),
            row("2080101", &["499.91", "499.91"]),
            row("2080109", &["9.60", "9.60"]),
        ];
        let options: Vec<Vec<Reading>> = rows.iter().map(|r| r.readings.clone()).collect();
        assert_eq!(options.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 2]);
        let winners = least_deviation(&options, 0, &[1, 2]);
        assert_eq!(winners.len(), 1);
        let chosen = &winners[0];
        assert_eq!(options[1][chosen[1]].value(1), 49991);
        assert_eq!(options[2][chosen[2]].value(2), 960);
    }

    #[test]
    fn a_lone_ambiguous_row_stays_ambiguous() {
        let rows = vec![row("2080101", &["499.91", "499.91"])];
        let s = &settle(&rows, &[], &[], &[])[0];
        assert_eq!(s.resolution, Resolution::Ambiguous);
        // The total is the same in both readings; basic/project is not.
        assert_eq!(s.certain, vec![true, false, false]);
    }
}
