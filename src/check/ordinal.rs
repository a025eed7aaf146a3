//! Identities of a two-sided table's numbered lists: a heading (`一、`) is
//! the sum of the items listed under it (`1.` `2.` …), a side's total the
//! sum of its headings (checks.csv `children_sum` and `column_total`).

use crate::grammar::{Grammar, Measure};
use crate::model::{Row, Section, Table};
use crate::normalize;

use super::{cell, Identity, Rule, Subject};

/// The numbered lists of a two-sided table's sides (a summary's `一、本年收入`
/// over `1.一般公共预算拨款` … `5.单位资金`): a row numbered `一、` is the sum
/// of the rows numbered `1.` (or `(一)`) below it, `本年收入合计` the sum
/// of the `一、` rows above it, and the side's 总计 the sum of its `一、`
/// rows when every other row is one of their lists or a breakdown of a
/// numbered row (an unnumbered `年初结转和结余` may be added in: that sum
/// is [`balances_below`]'s). Unnumbered lines (`其中:…`) break a numbered
/// row down, perhaps only in part: they are summed only when they come
/// within [`BREAKDOWN_SLACK`] of their row (a complete breakdown, or one
/// whose line lost its last digit); one that does not fit
/// under its row is an item printed without its number, and its group is
/// not claimed, for good.
pub(super) fn ordinal_sums(g: &Grammar, ti: usize, table: &Table, out: &mut Vec<Identity>) {
    use normalize::OrdinalStyle::Chinese;
    for section in [Section::Income, Section::Expenditure] {
        let rows: Vec<usize> = (0..table.rows.len())
            .filter(|&i| table.rows[i].section == Some(section))
            .collect();
        // A list's head is the sum of the rows below it (children_sum); a
        // total, of the numbered rows above it (column_total).
        let push = |total: usize, parts: Vec<usize>, out: &mut Vec<Identity>| {
            let head = parts.first().is_some_and(|&p| p > total);
            for m in table.columns_of(Some(section)) {
                out.push(Identity {
                    rule: if head {
                        Rule::ChildrenSum
                    } else {
                        Rule::ColumnTotal
                    },
                    table: ti,
                    subject: if head {
                        Subject::Children {
                            row: total,
                            measure: m,
                            children: parts.len(),
                        }
                    } else {
                        Subject::Numbered {
                            row: total,
                            measure: m,
                            rows: parts.len(),
                        }
                    },
                    total: vec![cell(ti, total, m)],
                    parts: parts.iter().map(|&j| cell(ti, j, m)).collect(),
                });
            }
        };
        // Coded rows (`208 八、社会保障和就业支出`) are 类 rows: their sums
        // are column_total's and children_sum's, not tested twice.
        let coded = |i: &usize| table.rows[*i].code.is_some();
        // Lists are found by their sums: over the columns that add up.
        let summed: Vec<Measure> = table
            .columns_of(Some(section))
            .iter()
            .copied()
            .filter(|m| !g.identities.is_percentage(m))
            .collect();
        let lists = OrdinalLists::of(table, &rows, &summed);
        for (head, items) in &lists.groups {
            if !items.is_empty() && !coded(head) {
                push(*head, items.clone(), out);
            }
        }
        for (row, lines) in &lists.breakdowns {
            push(*row, lines.clone(), out);
        }
        let heads = |range: &[usize]| -> Vec<usize> {
            let heads: Vec<usize> = range
                .iter()
                .copied()
                .filter(|&i| ordinal_style(table, i) == Some(Chinese))
                .collect();
            if heads.iter().any(coded) {
                Vec::new()
            } else {
                heads
            }
        };
        let year = rows.iter().position(|&i| table.rows[i].is_year_subtotal());
        let total = rows.iter().rposition(|&i| table.rows[i].is_total());
        balances_below(ti, table, section, &rows, year, total, out);
        match year {
            Some(y) => {
                let above = heads(&rows[..y]);
                if !above.is_empty() {
                    push(rows[y], above, out);
                }
            }
            None => {
                let Some(total) = total else {
                    continue;
                };
                let above = heads(&rows[..total]);
                if above.len() >= 2 && lists.unaccounted == 0 {
                    push(rows[total], above, out);
                }
            }
        }
    }
}

/// A side's 总计 = its year's subtotal (`本年收入合计`, or `小计`) + the
/// balances below it (carried in: `年初结转和结余`; on the spending side,
/// carried forward: `年末结转和结余`). The balance is the one unnumbered
/// line between the two (a `一、` line under it is its breakdown), or the
/// `一、` lines when none is unnumbered; with more unnumbered lines nothing
/// is claimed. `year` and `total` are positions in the side's `rows`.
fn balances_below(
    ti: usize,
    table: &Table,
    section: Section,
    rows: &[usize],
    year: Option<usize>,
    total: Option<usize>,
    out: &mut Vec<Identity>,
) {
    let Some(sub) = year.or_else(|| rows.iter().position(|&i| table.rows[i].item == "小计"))
    else {
        return;
    };
    let Some(total) = total.filter(|&t| t > sub) else {
        return;
    };
    let between = &rows[sub + 1..total];
    let is_line = |i: &usize| {
        let item = &table.rows[*i].item;
        !is_total_line(&table.rows[*i]) && !item.starts_with("其中")
    };
    let unnumbered: Vec<usize> = between
        .iter()
        .copied()
        .filter(|&i| is_line(&i) && ordinal_style(table, i).is_none())
        .collect();
    // Two unnumbered lines may be a balance and its breakdown (`上年结转` /
    // `一般公共预算拨款`): which is which is not known, nothing is claimed.
    let carried = match unnumbered.len() {
        0 => between
            .iter()
            .copied()
            .filter(|&i| {
                is_line(&i) && ordinal_style(table, i) == Some(normalize::OrdinalStyle::Chinese)
            })
            .collect(),
        1 => unnumbered,
        _ => return,
    };
    let (total_row, sub_row) = (&table.rows[rows[total]], &table.rows[rows[sub]]);
    for m in table.columns_of(Some(section)) {
        out.push(Identity {
            rule: Rule::ColumnTotal,
            table: ti,
            subject: Subject::Text(format!(
                "{}: {m} = {} + {} balance rows below it",
                total_row.item,
                sub_row.item,
                carried.len()
            )),
            total: vec![cell(ti, rows[total], m)],
            parts: std::iter::once(rows[sub])
                .chain(carried.iter().copied())
                .map(|j| cell(ti, j, m))
                .collect(),
        });
    }
}

/// A total or subtotal line (`收入总计`, `小计`, `本年收入合计`): it ends a
/// side's lists.
fn is_total_line(row: &Row) -> bool {
    row.is_total() || row.item.ends_with("合计")
}

/// How row `i`'s label is numbered, if it is.
fn ordinal_style(table: &Table, i: usize) -> Option<normalize::OrdinalStyle> {
    normalize::ordinal(&table.rows[i].item).map(|(style, _)| style)
}

/// Largest gap, in hundredths, between a numbered row and the unnumbered
/// lines under it for the lines to be taken as its whole breakdown: a line
/// that lost its last digit (`5.24` printed `5.2`) or a publisher's slip
/// misses by less. A `其中` list that leaves items out leaves more out, save
/// by rare chance, which a gap of at most 1 % of the row makes rarer still;
/// a smaller row is met within the slack only where a cut digit explains
/// the gap (the short side printed with one decimal).
const BREAKDOWN_SLACK: i64 = 9;

/// Whether `lines` come close enough to `row` (both without signs) to be
/// its whole breakdown; `cut`: the side that falls short was printed with
/// one decimal.
fn within_slack(lines: i64, row: i64, cut: bool) -> bool {
    let gap = (row - lines).abs();
    gap == 0 || (gap <= BREAKDOWN_SLACK && (gap * 100 <= row || cut))
}

/// An amount of a row in one column: signed hundredths, and whether it
/// was printed with one decimal (a digit may have been cut off).
#[derive(Clone, Copy)]
struct Printed {
    cents: i64,
    short: bool,
}

/// A side's numbered lists: each `一、` row with the rows of the next
/// level below it (numbered from 1, strictly increasing), and how many rows
/// are neither numbered, nor totals, nor a breakdown of a numbered row.
struct OrdinalLists {
    groups: Vec<(usize, Vec<usize>)>,
    unaccounted: usize,
    /// Numbered rows with the unnumbered lines below them that add up to
    /// them within [`BREAKDOWN_SLACK`] in every column.
    breakdowns: Vec<(usize, Vec<usize>)>,
}

/// A numbered row and the unnumbered lines read below it so far.
struct Breakdown {
    row: usize,
    /// The row's amounts, column by column.
    amounts: Vec<Printed>,
    /// What the lines add up to, without their signs.
    sum: Vec<i64>,
    /// A line printed with one decimal, per column.
    short: Vec<bool>,
    /// A line's amount is of the other sign than the row's: the lines are
    /// no plain sum of it.
    mixed: bool,
    lines: Vec<usize>,
}

impl Breakdown {
    fn new(row: usize, amounts: Vec<Printed>) -> Self {
        let columns = amounts.len();
        Breakdown {
            row,
            amounts,
            sum: vec![0; columns],
            short: vec![false; columns],
            mixed: false,
            lines: Vec::new(),
        }
    }

    /// Adds a line; whether the lines still fit under the row: they add up
    /// to no more than it (or within the slack), signs aside.
    fn add(&mut self, line: usize, amounts: Vec<Printed>) -> bool {
        self.lines.push(line);
        for (c, a) in amounts.iter().enumerate() {
            self.sum[c] += a.cents.abs();
            self.short[c] |= a.short;
            self.mixed |= a.cents.signum() * self.amounts[c].cents.signum() < 0;
        }
        (0..self.sum.len()).all(|c| self.sum[c] <= self.amounts[c].cents.abs() || self.close(c))
    }

    /// Whether the lines come within the slack of the row in column `c`.
    fn close(&self, c: usize) -> bool {
        let (lines, row) = (self.sum[c], self.amounts[c].cents.abs());
        let cut = if lines < row {
            self.short[c]
        } else {
            self.amounts[c].short
        };
        within_slack(lines, row, cut)
    }

    /// The row and its lines, when they add up to it (see
    /// [`BREAKDOWN_SLACK`]).
    fn complete(self) -> Option<(usize, Vec<usize>)> {
        let whole = (0..self.sum.len()).all(|c| self.close(c));
        (whole && !self.mixed && !self.lines.is_empty()).then_some((self.row, self.lines))
    }
}

impl OrdinalLists {
    /// `rows` are one side's rows of `table`, in order; `measures` its
    /// columns.
    fn of(table: &Table, rows: &[usize], measures: &[Measure]) -> Self {
        use normalize::OrdinalStyle::Chinese;
        let mut lists = OrdinalLists {
            groups: Vec::new(),
            unaccounted: 0,
            breakdowns: Vec::new(),
        };
        let amounts = |i: usize| -> Vec<Printed> {
            let row = &table.rows[i];
            measures
                .iter()
                .map(|m| {
                    row.value(m).map_or(
                        Printed {
                            cents: 0,
                            short: false,
                        },
                        |v| Printed {
                            cents: v.amount.cents,
                            short: v.amount.decimals == 1,
                        },
                    )
                })
                .collect()
        };
        // The list being read: its style and last number; whether the last
        // `一、` group is still open (a total row closes it).
        let mut level: Option<(normalize::OrdinalStyle, u32)> = None;
        let mut open = false;
        // The numbered row being broken down by the unnumbered lines below
        // it (`其中:一般财力` / `上级…转移支付`, or `单位资金` / `其他收入`),
        // and what they add up to so far.
        let mut breakdown: Option<Breakdown> = None;
        // Ends the breakdown being read, keeping it when it is complete.
        let close = |b: &mut Option<Breakdown>, lists: &mut OrdinalLists| {
            if let Some(done) = b.take().and_then(Breakdown::complete) {
                lists.breakdowns.push(done);
            }
        };
        for &i in rows {
            let row = &table.rows[i];
            match normalize::ordinal(&row.item) {
                _ if is_total_line(row) => {
                    level = None;
                    close(&mut breakdown, &mut lists);
                    open = false;
                }
                Some((Chinese, _)) => {
                    lists.groups.push((i, Vec::new()));
                    level = None;
                    close(&mut breakdown, &mut lists);
                    open = true;
                }
                Some((style, n)) => {
                    let next = match level {
                        None => n == 1,
                        Some((s, last)) => s == style && n > last,
                    };
                    match (next, lists.groups.last_mut().filter(|_| open)) {
                        (true, Some((_, items))) => {
                            items.push(i);
                            level = Some((style, n));
                            close(&mut breakdown, &mut lists);
                            breakdown = Some(Breakdown::new(i, amounts(i)));
                        }
                        // A list restarted, or of another style: the rows
                        // below the `一、` row are no plain breakdown of it;
                        // nothing is claimed for the group.
                        (_, group) => {
                            if let Some((_, items)) = group {
                                items.clear();
                            }
                            lists.unaccounted += 1;
                            level = Some((style, u32::MAX));
                            close(&mut breakdown, &mut lists);
                        }
                    }
                }
                // An unnumbered line breaks down the numbered row above it
                // while the lines add up to no more than that row; one that
                // would take them past it (or with no numbered row above
                // it) is an item printed without its number: the group's
                // numbered rows are not all of it.
                None => {
                    // A balance (`年初结转和结余`) breaks down only a balance.
                    let parent_ok = !row.is_balance()
                        || level.is_some()
                            && lists.groups.last().is_some_and(|(_, items)| {
                                items.last().is_some_and(|&p| table.rows[p].is_balance())
                            });
                    let fits =
                        parent_ok && breakdown.as_mut().is_some_and(|b| b.add(i, amounts(i)));
                    if !fits {
                        lists.unaccounted += 1;
                        breakdown = None;
                        if let Some((_, items)) = lists.groups.last_mut().filter(|_| open) {
                            items.clear();
                        }
                        // The group is withdrawn: numbered rows further
                        // down must not claim it again with part of its list.
                        open = false;
                    }
                }
            }
        }
        close(&mut breakdown, &mut lists);
        lists
    }
}
