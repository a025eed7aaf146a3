//! Stage 5 — prove every number: the identities of `grammars/identities.toml`
//! tested on a document (checks.csv).
//!
//! An [`Identity`] says `sum(total) = sum(parts)` over cell references and
//! stated figures. The layout solver uses the same type to ask which
//! identities an assignment of cells satisfies ([`Identity::evaluate`]), and
//! by how much the others miss.
//!
//! Blank cells: the layouts print blanks for zero, so a blank cell in a column
//! the table has counts as 0; a measure the table has no column for is left
//! out of the sum; an identity none of whose cells is printed is not reported.

mod narrative;
mod ordinal;
mod suspects;

use std::collections::BTreeSet;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::amount::Amount;
use crate::grammar::identities::{Evidence, RowSelector, Side};
use crate::grammar::{Grammar, Measure};
use crate::model::{CellStatus, Code, Document, Placement, Row, Section, Table, Unit, Value};
use ordinal::ordinal_sums;
use suspects::{
    an_outside_amount_fits, another_assignment_holds, cells_of_rows, extraction_suspect,
    largest_is_the_rest, misstated_units, moved_between_columns, row_cells, singled_out,
    systematic_failures, unconfirmed,
};

/// The kind of identity (checks.csv `rule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    RowSum,
    ChildrenSum,
    ColumnTotal,
    CrossTable,
    Narrative,
    /// A percentage column against its part and base (`增减率` = 100 ×
    /// 增减额 / 上年数): `total` is the rate's cell, `parts` the part's and
    /// the base's.
    Ratio,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::RowSum => "row_sum",
            Rule::ChildrenSum => "children_sum",
            Rule::ColumnTotal => "column_total",
            Rule::CrossTable => "cross_table",
            Rule::Narrative => "narrative",
            Rule::Ratio => "ratio",
        }
    }
}

/// One cell: table index, row index, measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CellRef {
    pub table: usize,
    pub row: usize,
    pub measure: Measure,
}

impl CellRef {
    /// The cell's value in `doc`; `None` when blank (or not in `doc`).
    pub fn value<'d>(&self, doc: &'d Document) -> Option<&'d Value> {
        doc.tables
            .get(self.table)?
            .rows
            .get(self.row)?
            .value(self.measure)
    }

    pub fn value_mut<'d>(&self, doc: &'d mut Document) -> Option<&'d mut Value> {
        doc.tables
            .get_mut(self.table)?
            .rows
            .get_mut(self.row)?
            .value_mut(self.measure)
    }
}

/// A term of an identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    Cell(CellRef),
    /// A figure the narrative states.
    Stated {
        amount: Amount,
        unit: Unit,
    },
}

impl Term {
    /// The printed cell this term names; `None` for a blank cell or a
    /// stated figure.
    fn printed<'d>(&self, doc: &'d Document) -> Option<&'d Value> {
        match self {
            Term::Cell(c) => c.value(doc),
            Term::Stated { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub rule: Rule,
    /// The table the identity is reported under.
    pub table: usize,
    pub subject: Subject,
    pub total: Vec<Term>,
    pub parts: Vec<Term>,
}

/// What an identity is about (checks.csv `subject`). The words are written
/// only for the identities reported: two in five have no printed cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The row's label, then `tail` (`: total = basic + project`, shared by
    /// the rule's rows).
    Row {
        row: usize,
        tail: Arc<str>,
    },
    /// `<row label>: <measure> = sum of <n> rows below`.
    Children {
        row: usize,
        measure: Measure,
        children: usize,
    },
    /// `<total row's item>: <measure> = sum of <n> 类 rows`.
    Classes {
        row: usize,
        measure: Measure,
        classes: usize,
    },
    /// `<total row's item>: <measure> = sum of <n> numbered rows above`
    /// (a side's `一、` rows).
    Numbered {
        row: usize,
        measure: Measure,
        rows: usize,
    },
    Text(String),
}

impl Subject {
    /// The subject's words; rows are those of `table`.
    pub fn describe(&self, table: &Table) -> String {
        match self {
            Subject::Row { row, tail } => {
                // Every check describes its subject: one string, built once.
                let row = &table.rows[*row];
                let mut out =
                    String::with_capacity(row.item.len() + row.project.len() + tail.len() + 16);
                push_label(&mut out, row);
                out.push_str(tail);
                out
            }
            Subject::Children {
                row,
                measure,
                children,
            } => format!(
                "{}: {measure} = sum of {children} rows below",
                label(&table.rows[*row])
            ),
            Subject::Classes {
                row,
                measure,
                classes,
            } => format!(
                "{}: {measure} = sum of {classes} 类 rows",
                table.rows[*row].item
            ),
            Subject::Numbered { row, measure, rows } => format!(
                "{}: {measure} = sum of {rows} numbered rows above",
                table.rows[*row].item
            ),
            Subject::Text(text) => text.clone(),
        }
    }
}

/// The two sides of an identity, in hundredths of a 元 (so tables in 元 and
/// 万元 compare exactly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub expected: i128,
    pub actual: i128,
    pub holds: bool,
    /// Cells printed (not blank) among the identity's cells.
    pub printed: usize,
}

/// An identity's two sides summed, with the cells printed on each.
#[derive(Clone, Copy)]
struct Sums {
    expected: i128,
    actual: i128,
    printed_total: usize,
    printed_parts: usize,
}

enum TermValue {
    Printed(i128),
    Blank,
    Absent,
}

/// Hundredths of a 元 per hundredth of `unit`.
fn yuan_factor(unit: Unit) -> i128 {
    match unit {
        Unit::WanYuan => 10_000,
        Unit::Yuan => 1,
        Unit::QianYuan => 1_000,
        Unit::YiYuan => 100_000_000,
    }
}

fn yuan_cents(amount: Amount, unit: Unit) -> i128 {
    i128::from(amount.cents) * yuan_factor(unit)
}

/// How many times the cell `c` is among `terms`.
fn occurrences(terms: &[Term], c: &CellRef) -> usize {
    terms
        .iter()
        .filter(|t| matches!(t, Term::Cell(x) if x == c))
        .count()
}

fn term_value(doc: &Document, term: &Term) -> TermValue {
    match term {
        Term::Stated { amount, unit } => TermValue::Printed(yuan_cents(*amount, *unit)),
        Term::Cell(c) => {
            let table = &doc.tables[c.table];
            let row = &table.rows[c.row];
            match row.value(c.measure) {
                Some(v) => TermValue::Printed(yuan_cents(v.amount, table.unit)),
                None if table.columns_of(row.section).contains(&c.measure) => TermValue::Blank,
                None => TermValue::Absent,
            }
        }
    }
}

impl Identity {
    /// Sums both sides; `None` when a side has no term the tables have, or
    /// when no cell of the identity is printed.
    pub fn evaluate(&self, doc: &Document) -> Option<Evaluation> {
        if self.rule == Rule::Ratio {
            return self.evaluate_ratio(doc);
        }
        self.judge(self.sums(doc)?, self.rounding(doc))
    }

    /// The identity evaluated with each of `readings` in place of the
    /// printed cell `c` (one of its cells): what `evaluate` gives after
    /// writing each reading into the cell. The sides are summed once and
    /// shifted by each reading's difference from the printed amount (a
    /// sum is linear in its cells); a ratio is evaluated afresh each time.
    pub fn evaluate_readings(
        &self,
        doc: &mut Document,
        c: &CellRef,
        readings: &[Amount],
    ) -> Vec<Option<Evaluation>> {
        let Some(printed) = c.value(doc).map(|v| v.amount) else {
            return vec![None; readings.len()];
        };
        if self.rule == Rule::Ratio {
            let evaluations = readings
                .iter()
                .map(|&reading| {
                    c.value_mut(doc)?.amount = reading;
                    self.evaluate(doc)
                })
                .collect();
            if let Some(v) = c.value_mut(doc) {
                v.amount = printed;
            }
            return evaluations;
        }
        let unit = doc.tables[c.table].unit;
        let times = |terms: &[Term]| i128::try_from(occurrences(terms, c)).unwrap_or(0);
        let (in_total, in_parts) = (times(&self.total), times(&self.parts));
        let sums = self.sums(doc);
        let rounding = self.rounding(doc);
        readings
            .iter()
            .map(|&reading| {
                let sums = sums?;
                let delta = yuan_cents(reading, unit) - yuan_cents(printed, unit);
                let shifted = Sums {
                    expected: sums.expected + in_total * delta,
                    actual: sums.actual + in_parts * delta,
                    ..sums
                };
                self.judge(shifted, rounding)
            })
            .collect()
    }

    /// Both sides summed, in hundredths of a 元; `None` when a side has no
    /// term the tables have.
    fn sums(&self, doc: &Document) -> Option<Sums> {
        let side = |terms: &[Term]| -> Option<(i128, usize)> {
            let (mut sum, mut printed, mut present) = (0, 0, false);
            for t in terms {
                match term_value(doc, t) {
                    TermValue::Printed(v) => {
                        sum += v;
                        present = true;
                        printed += usize::from(matches!(t, Term::Cell(_)));
                    }
                    TermValue::Blank => present = true,
                    TermValue::Absent => {}
                }
            }
            present.then_some((sum, printed))
        };
        let (expected, printed_total) = side(&self.total)?;
        let (actual, printed_parts) = side(&self.parts)?;
        Some(Sums {
            expected,
            actual,
            printed_total,
            printed_parts,
        })
    }

    /// Whether the summed sides state something, and whether they agree
    /// (within `rounding`: see [`Identity::rounding`]).
    fn judge(&self, sums: Sums, rounding: Option<i128>) -> Option<Evaluation> {
        let Sums {
            expected,
            actual,
            printed_total,
            printed_parts,
        } = sums;
        let printed = printed_total + printed_parts;
        // Sums within a table need both sides printed: a subtotal row that
        // prints only its total (or a breakdown without its total) states
        // nothing to compare. Across tables and in the narrative a blank
        // cell is a claim of zero.
        let hierarchical = matches!(
            self.rule,
            Rule::RowSum | Rule::ChildrenSum | Rule::ColumnTotal
        );
        let stated = |terms: &[Term]| terms.iter().any(|t| matches!(t, Term::Stated { .. }));
        // A parent printing an amount over children that all leave its
        // column blank (but exist) contradicts them: an amount moved out of
        // its column, or a child's amount lost.
        let blank_children = self.rule == Rule::ChildrenSum && printed_total > 0 && expected != 0;
        let both_sides = (printed_total > 0 || stated(&self.total))
            && (printed_parts > 0 || stated(&self.parts) || blank_children);
        if printed == 0 || (hierarchical && !both_sides) {
            return None;
        }
        Some(Evaluation {
            expected,
            actual,
            holds: match rounding {
                // A cell rounded, or cut, to the stated figure's decimals.
                Some(half) => (-half..2 * half).contains(&(actual - expected)),
                None => expected == actual,
            },
            printed,
        })
    }

    /// Whether the sides may differ: they may not, but a figure the
    /// narrative states in 万元 for a table in 元 (Shanghai:
    /// `收入预算3,121.42万元` for 31,214,205.80 元) is that cell rounded, or
    /// cut (`87.70万元` for 877,080 元), to its printed decimals. Half a unit
    /// of its last decimal, in hundredths of a 元.
    fn rounding(&self, doc: &Document) -> Option<i128> {
        // Most identities state nothing: their cells are not looked at.
        let half = self
            .total
            .iter()
            .chain(&self.parts)
            .filter_map(|t| match t {
                Term::Stated {
                    amount,
                    unit: Unit::WanYuan,
                    // `half_unit` is in halves: half of it is half a unit.
                } => Some(Rounded::in_yuan(*amount, Unit::WanYuan).half_unit / 2),
                _ => None,
            })
            .max()?;
        let in_yuan_table = self.cells().any(|c| doc.tables[c.table].unit == Unit::Yuan);
        in_yuan_table.then_some(half)
    }

    /// A rate against its part and base, in hundredths of a percent: it
    /// holds when it is within one unit of its last printed decimal of 100 ×
    /// part / base for some part and base within the rounding of their own
    /// printed decimals (publishers round, or cut, and often work out rates
    /// from figures before rounding: a small base rounds a long way).
    /// `actual` is the rate of the printed figures, rounded to the rate's
    /// decimals. `None` without a printed rate and a printed base that
    /// cannot round to zero. A blank part is no change.
    fn evaluate_ratio(&self, doc: &Document) -> Option<Evaluation> {
        let printed = |t: &Term| t.printed(doc).map(|v| v.amount);
        let ([rate], [part, base]) = (self.total.as_slice(), self.parts.as_slice()) else {
            return None;
        };
        let rate = printed(rate)?;
        let base = Rounded::of(printed(base)?);
        let part = printed(part);
        let count = 2 + usize::from(part.is_some());
        rate_evaluation(rate, part.map_or(Rounded::ZERO, Rounded::of), base, count)
    }

    /// The cells the identity involves.
    pub fn cells(&self) -> impl Iterator<Item = &CellRef> {
        self.total
            .iter()
            .chain(&self.parts)
            .filter_map(|t| match t {
                Term::Cell(c) => Some(c),
                Term::Stated { .. } => None,
            })
    }
}

/// An amount known to within its printed rounding, doubled so that half a
/// unit of its last printed decimal stays whole: `twice` ± `half_unit`
/// (both in hundredths, of a 元 or of whatever unit all terms share).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rounded {
    pub twice: i128,
    pub half_unit: i128,
}

impl Rounded {
    const ZERO: Rounded = Rounded {
        twice: 0,
        half_unit: 0,
    };

    /// A printed amount, in hundredths of its unit: one unit of its last
    /// printed decimal, in hundredths, is half a unit in halves.
    pub fn of(a: Amount) -> Rounded {
        Rounded {
            twice: 2 * i128::from(a.cents),
            half_unit: last_unit(a),
        }
    }

    /// A printed amount of `unit`, in hundredths of a 元.
    pub fn in_yuan(a: Amount, unit: Unit) -> Rounded {
        let (r, k) = (Rounded::of(a), yuan_factor(unit));
        Rounded {
            twice: r.twice * k,
            half_unit: r.half_unit * k,
        }
    }
}

/// One unit of an amount's last printed decimal, in hundredths.
fn last_unit(a: Amount) -> i128 {
    10_i128.pow(u32::from(2 - a.decimals.min(2)))
}

/// A printed rate (hundredths of a percent) against its part and base: it
/// holds when it is within one unit of its last printed decimal of 100 ×
/// part / base for some part and base within their rounding. `actual` is
/// the rate of the printed figures, rounded to the rate's decimals. `None`
/// when the base can round to zero.
pub(super) fn rate_evaluation(
    rate: Amount,
    part: Rounded,
    base: Rounded,
    printed: usize,
) -> Option<Evaluation> {
    let (mut c2, hc) = (part.twice, part.half_unit);
    let (mut p2, hp) = (base.twice, base.half_unit);
    if p2 < 0 {
        (c2, p2) = (-c2, -p2);
    }
    if p2 - hp <= 0 {
        return None;
    }
    // 10_000 × part / base over the box of roundings: least and greatest
    // at its corners. The printed rate, ± `step`, must meet that range.
    let corners = [
        (c2 - hc, p2 - hp),
        (c2 - hc, p2 + hp),
        (c2 + hc, p2 - hp),
        (c2 + hc, p2 + hp),
    ];
    let step = last_unit(rate);
    let expected = i128::from(rate.cents);
    let holds = corners
        .iter()
        .any(|&(n, d)| 10_000 * n >= (expected - step) * d)
        && corners
            .iter()
            .any(|&(n, d)| 10_000 * n <= (expected + step) * d);
    Some(Evaluation {
        expected,
        actual: rounded_div(10_000 * c2, p2 * step) * step,
        holds,
        printed,
    })
}

/// Outcome of one tested identity (checks.csv `ok`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// A narrative figure no rule covers.
    Unchecked,
}

impl Outcome {
    /// A tested rule's outcome.
    pub fn of(holds: bool) -> Outcome {
        if holds {
            Outcome::Pass
        } else {
            Outcome::Fail
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "true",
            Outcome::Fail => "false",
            Outcome::Unchecked => "unchecked",
        }
    }
}

/// One row of checks.csv, before the document id is attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub table: &'static str,
    /// The table's printed number (`3` for 表3), when it has one.
    pub table_no: Option<crate::model::TableNo>,
    pub rule: Rule,
    pub subject: String,
    pub expected: String,
    pub actual: String,
    pub outcome: Outcome,
    /// The failure more likely comes from extraction than from the publisher:
    /// a cell involved is not `ok`, or another column assignment of the
    /// row's amounts would satisfy it.
    pub extraction_suspect: bool,
}

/// `n / d` rounded half away from zero (`d` ≠ 0).
fn rounded_div(n: i128, d: i128) -> i128 {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let q = (2 * n.abs() + d) / (2 * d);
    if n < 0 {
        -q
    } else {
        q
    }
}

/// Formats hundredths of a 元 in `unit`, exactly: at least two decimals,
/// more only when a 万元 amount needs them (`0.000005`).
pub fn format_in(yuan_cents: i128, unit: Unit) -> String {
    let scale: usize = match unit {
        Unit::Yuan => 2,
        Unit::QianYuan => 5,
        Unit::WanYuan => 6,
        Unit::YiYuan => 10,
    };
    // Every check formats two amounts: the digits are written by hand, not
    // through `format!`, and 128-bit division runs only beyond 64 bits.
    // Least significant first; positions never written read as `0`.
    let mut digits = [b'0'; 40];
    let mut len = 0;
    let mut v = yuan_cents.unsigned_abs();
    while v > u128::from(u64::MAX) {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
    }
    let mut small = v as u64;
    while small > 0 {
        digits[len] = b'0' + (small % 10) as u8;
        len += 1;
        small /= 10;
    }
    let whole_end = len.max(scale + 1);
    let trailing_zeros = (0..scale - 2).take_while(|&i| digits[i] == b'0').count();
    let mut out = String::with_capacity(whole_end + 2);
    if yuan_cents < 0 {
        out.push('-');
    }
    let digit = |i: usize| char::from(digits[i]);
    out.extend((scale..whole_end).rev().map(digit));
    out.push('.');
    out.extend((trailing_zeros..scale).rev().map(digit));
    out
}

/// Every identity the grammar declares for this document, in a stable order.
pub fn identities(doc: &Document, g: &Grammar) -> Vec<Identity> {
    let mut out = Vec::new();
    for (ti, table) in doc.tables.iter().enumerate() {
        row_sums(g, ti, table, &mut out);
        item_sums(g, ti, table, &mut out);
        children_sums(ti, table, &mut out);
        ordinal_sums(g, ti, table, &mut out);
        column_totals(ti, table, &mut out);
    }
    cross_tables(g, doc, &mut out);
    stated_items(g, doc, &mut out);
    same_lines(g, doc, &mut out);
    // Percentages do not add up: no sum is taken over a rate column.
    out.retain(|id| !id.cells().any(|c| g.identities.is_percentage(c.measure)));
    for (ti, table) in doc.tables.iter().enumerate() {
        ratios(g, ti, table, &mut out);
    }
    out
}

/// Each row's rate against its part and base, where the table has all three.
fn ratios(g: &Grammar, ti: usize, table: &Table, out: &mut Vec<Identity>) {
    for r in &g.identities.ratios {
        for (ri, row) in table.rows.iter().enumerate() {
            let has = |m: &Measure| table.columns_of(row.section).contains(m);
            if !(has(&r.rate) && has(&r.part) && has(&r.base)) {
                continue;
            }
            out.push(Identity {
                rule: Rule::Ratio,
                table: ti,
                subject: Subject::Row {
                    row: ri,
                    tail: format!(": {} = 100 × {} / {}", r.rate, r.part, r.base).into(),
                },
                total: vec![cell(ti, ri, r.rate)],
                parts: vec![cell(ti, ri, r.part), cell(ti, ri, r.base)],
            });
        }
    }
}

fn label(row: &Row) -> String {
    let mut out = String::new();
    push_label(&mut out, row);
    out
}

/// [`label`] onto `out`.
fn push_label(out: &mut String, row: &Row) {
    if let Some(c) = &row.code {
        out.push_str(c.as_str());
        out.push(' ');
    }
    out.push_str(&row.item);
    if row.code.is_some() && !row.project.is_empty() {
        out.push_str(" / ");
        out.push_str(&row.project);
    }
}

fn cell(table: usize, row: usize, measure: Measure) -> Term {
    Term::Cell(CellRef {
        table,
        row,
        measure,
    })
}

fn row_sums(g: &Grammar, ti: usize, table: &Table, out: &mut Vec<Identity>) {
    for rule in &g.identities.row_sums {
        let has = |m: &Measure| table.columns_of(rule.section).contains(m);
        if !rule.applies(table.kind, has) {
            continue;
        }
        let parts: Vec<Measure> = rule.parts.iter().copied().filter(has).collect();
        if parts.is_empty() {
            continue;
        }
        // `<row label>: total = basic + project`: the rule's half is the same on every row.
        let equation: Arc<str> = format!(": {} = {}", rule.total, parts.join(" + ")).into();
        for (ri, row) in table.rows.iter().enumerate() {
            if rule.section.is_some() && row.section != rule.section {
                continue;
            }
            out.push(Identity {
                rule: Rule::RowSum,
                table: ti,
                subject: Subject::Row {
                    row: ri,
                    tail: equation.clone(),
                },
                total: vec![cell(ti, ri, rule.total)],
                parts: parts.iter().map(|m| cell(ti, ri, m)).collect(),
            });
        }
    }
}

fn item_sums(g: &Grammar, ti: usize, table: &Table, out: &mut Vec<Identity>) {
    for rule in g.identities.item_sums_of(table.kind) {
        let find = |item: &str| table.rows.iter().position(|r| r.item == item);
        let Some(total) = find(&rule.total) else {
            continue;
        };
        // A part the table does not print stands for its own parts when
        // it has them (a 三公 table without the cars' 小计 row prints the
        // purchase and the running costs).
        let parts: Vec<usize> = rule
            .parts
            .iter()
            .flat_map(|p| match find(p) {
                Some(ri) => vec![ri],
                None => g
                    .identities
                    .item_sums_of(table.kind)
                    .find(|r| &r.total == p)
                    .map(|r| r.parts.iter().filter_map(|q| find(q)).collect())
                    .unwrap_or_default(),
            })
            .collect();
        if parts.is_empty() {
            continue;
        }
        for m in &table.columns {
            out.push(Identity {
                rule: Rule::RowSum,
                table: ti,
                subject: Subject::Text(format!("{}.{m} = {}", rule.total, rule.parts.join(" + "))),
                total: vec![cell(ti, total, m)],
                parts: parts.iter().map(|&ri| cell(ti, ri, m)).collect(),
            });
        }
    }
}

/// Rows below `i` that belong to it, in print order: deeper codes under its
/// code (and, for a 项 row, the projects of that 项), up to the next row at
/// its level or above.
fn scope(rows: &[Row], i: usize) -> Vec<usize> {
    let Some(code) = &rows[i].code else {
        return vec![];
    };
    let mut out = Vec::new();
    for (j, r) in rows.iter().enumerate().skip(i + 1) {
        let Some(c) = &r.code else { break };
        let deeper = c.level() > code.level() && c.as_str().starts_with(code.as_str());
        let project_of = c == code && rows[i].project.is_empty() && !r.project.is_empty();
        if !(deeper || project_of) {
            break;
        }
        out.push(j);
    }
    out
}

/// The nearest row from `from` up to `j` (exclusive) that `j` belongs to:
/// a shorter code it extends, or the same code without the project `j`
/// names.
fn parent_within(rows: &[Row], from: usize, j: usize) -> Option<usize> {
    let c: &Code = rows[j].code.as_ref()?;
    (from..j).rev().find(|&k| {
        let Some(ck) = &rows[k].code else {
            return false;
        };
        let holds_project = ck == c && rows[k].project.is_empty() && !rows[j].project.is_empty();
        holds_project || (ck.level() < c.level() && c.as_str().starts_with(ck.as_str()))
    })
}

fn children_sums(ti: usize, table: &Table, out: &mut Vec<Identity>) {
    let rows = &table.rows;
    // Each row's parent, found the first time the row is in a scope: a row
    // in the scope of `i` belongs to `i`, so its nearest parent from `i` on
    // is its nearest parent from any row whose scope it is in.
    let mut parent: Vec<Option<Option<usize>>> = vec![None; rows.len()];
    for i in 0..rows.len() {
        let children: Vec<usize> = scope(rows, i)
            .into_iter()
            .filter(|&j| *parent[j].get_or_insert_with(|| parent_within(rows, i, j)) == Some(i))
            .collect();
        if children.is_empty() {
            continue;
        }
        for m in &table.columns {
            if rows[i].section.is_some() {
                continue;
            }
            out.push(Identity {
                rule: Rule::ChildrenSum,
                table: ti,
                subject: Subject::Children {
                    row: i,
                    measure: m,
                    children: children.len(),
                },
                total: vec![cell(ti, i, m)],
                parts: children.iter().map(|&j| cell(ti, j, m)).collect(),
            });
        }
    }
}

/// The grand-total row of a table (of one side, for two-sided tables).
fn grand_total(table: &Table, section: Option<Section>) -> Option<usize> {
    table
        .rows
        .iter()
        .position(|r| r.is_total() && (section.is_none() || r.section == section))
}

/// The row that totals a side with the balances carried: its last total
/// row (`收入总计` after `小计`).
fn side_total(table: &Table, section: Option<Section>) -> Option<usize> {
    table
        .rows
        .iter()
        .rposition(|r| r.is_total() && (section.is_none() || r.section == section))
}

/// The row that totals the year's 类 rows: a side's 本年收入合计 / 本年支出合计
/// when it prints one (its 总计 adds the balances carried in or out), else
/// the grand total.
fn year_total(table: &Table, section: Option<Section>) -> Option<usize> {
    table
        .rows
        .iter()
        .position(|r| r.is_year_subtotal() && (section.is_none() || r.section == section))
        .or_else(|| grand_total(table, section))
}

/// What a cross-table comparison holds a left row against: the right
/// table's row, or the rows it sums (none: zero).
enum RightRows {
    Row(usize),
    Under(Vec<usize>),
}

/// The rows `table` (on `section`'s side) prints under `code` that no other
/// of them is under: what `code`'s row would sum (`20826` and `2080699`
/// under `208` when `20806` is not printed). Of the rows of one code, those
/// naming a project are read only when none names none (a 项 row over its
/// projects).
fn rows_under(table: &Table, section: Option<Section>, code: &Option<Code>) -> Vec<usize> {
    let Some(code) = code else {
        return vec![];
    };
    let code_of = |i: usize| table.rows[i].code.as_ref().map_or("", |c| c.as_str());
    let under: Vec<usize> = (0..table.rows.len())
        .filter(|&i| {
            let c = code_of(i);
            (section.is_none() || table.rows[i].section == section)
                && c.len() > code.as_str().len()
                && c.starts_with(code.as_str())
        })
        .collect();
    under
        .iter()
        .copied()
        .filter(|&i| {
            let c = code_of(i);
            let below_another = under.iter().any(|&j| {
                let p = code_of(j);
                p.len() < c.len() && c.starts_with(p)
            });
            let beside_its_total = !table.rows[i].project.is_empty()
                && under
                    .iter()
                    .any(|&j| code_of(j) == c && table.rows[j].project.is_empty());
            !below_another && !beside_its_total
        })
        .collect()
}

fn class_rows(table: &Table, section: Option<Section>) -> Vec<usize> {
    (0..table.rows.len())
        .filter(|&i| {
            let r = &table.rows[i];
            r.code.as_ref().is_some_and(|c| c.level() == 1)
                && (section.is_none() || r.section == section)
        })
        .collect()
}

fn column_totals(ti: usize, table: &Table, out: &mut Vec<Identity>) {
    let sections: &[Option<Section>] = if table.rows.iter().any(|r| r.section.is_some()) {
        &[Some(Section::Expenditure)]
    } else {
        &[None]
    };
    for &section in sections {
        let (Some(total), classes) = (year_total(table, section), class_rows(table, section))
        else {
            continue;
        };
        if classes.is_empty() {
            continue;
        }
        let measures: Vec<Measure> = table.rows[total].values.iter().map(|v| v.measure).collect();
        for m in table
            .columns
            .iter()
            .filter(|m| measures.contains(m) || section.is_none())
        {
            out.push(Identity {
                rule: Rule::ColumnTotal,
                table: ti,
                subject: Subject::Classes {
                    row: total,
                    measure: m,
                    classes: classes.len(),
                },
                total: vec![cell(ti, total, m)],
                parts: classes.iter().map(|&ri| cell(ti, ri, m)).collect(),
            });
        }
    }
}

fn find_table(doc: &Document, kind: &str) -> Option<usize> {
    doc.tables.iter().position(|t| t.kind == kind)
}

fn cross_tables(g: &Grammar, doc: &Document, out: &mut Vec<Identity>) {
    for rule in &g.identities.cross_tables {
        if rule
            .only_in
            .is_some_and(|k| doc.kind.is_some_and(|d| d != k))
        {
            continue;
        }
        let (Some(l), Some(r)) = (
            find_table(doc, &rule.left.table),
            find_table(doc, &rule.right.table),
        ) else {
            continue;
        };
        let (lt, rt) = (&doc.tables[l], &doc.tables[r]);
        // A table with nothing extracted (and not declared empty) proves
        // nothing: no rows, or rows none of whose amounts could be read
        // (a table printed blank, with no issue, is zeros).
        if [lt, rt].iter().any(|t| {
            !t.declared_empty
                && (t.rows.is_empty()
                    || !t.issues.is_empty() && t.rows.iter().all(|row| row.values.is_empty()))
        }) {
            continue;
        }
        // A rule names the measures of one layout; a table printed in another
        // (a summary whose expenditure side is total/personnel/…, not budget)
        // is not its subject. A column printed blank still counts (as zero).
        let prints = |t: &Table, side: &Side| {
            t.declared_empty
                || side
                    .measures
                    .iter()
                    .any(|m| t.columns_of(side.section).contains(m))
                || t.rows.iter().any(|row| {
                    (side.section.is_none() || row.section == side.section)
                        && row
                            .values
                            .iter()
                            .any(|v| side.measures.contains(&v.measure))
                })
        };
        if !prints(lt, &rule.left) || !prints(rt, &rule.right) {
            continue;
        }
        // Blank is no zero where a table fills a column made of the side's
        // and leaves all its parts blank in every row: it does not break
        // that column down (seed 000's 收入表 prints 财政拨款小计 and leaves
        // 一般公共预算 and the other grants blank; compared, its figures
        // failed against zero): `measure_parts`.
        let unstated = |t: &Table, side: &Side| {
            let blank = |m: &str| {
                !t.rows.iter().any(|row| {
                    (side.section.is_none() || row.section == side.section)
                        && row.value(m).is_some()
                })
            };
            !t.declared_empty
                && side.measures.iter().all(|m| blank(m))
                && g.identities.measure_parts.iter().any(|source| {
                    source.parts.iter().any(|p| side.measures.contains(p))
                        && source.parts.iter().all(|p| blank(p))
                        && !blank(source.whole)
                })
        };
        if unstated(lt, &rule.left) || unstated(rt, &rule.right) {
            continue;
        }
        let terms = |ti: usize, ri: usize, side: &Side| -> Vec<Term> {
            side.measures.iter().map(|m| cell(ti, ri, m)).collect()
        };
        let describe = |side: &Side| format!("{}.{}", side.table, side.measures.join("+"));
        let pairs: Vec<(usize, RightRows, String)> = match rule.rows {
            // The two sides of one table balance in their 总计; against
            // another table, a side's figure is the year's.
            RowSelector::GrandTotal => {
                let total = if l == r { side_total } else { year_total };
                match (total(lt, rule.left.section), total(rt, rule.right.section)) {
                    (Some(a), Some(b)) => vec![(a, RightRows::Row(b), "grand total".to_string())],
                    _ => vec![],
                }
            }
            RowSelector::Classes | RowSelector::Codes => {
                let left_rows: Vec<usize> = if rule.rows == RowSelector::Classes {
                    class_rows(lt, rule.left.section)
                } else {
                    (0..lt.rows.len())
                        .filter(|&i| lt.rows[i].code.is_some())
                        .collect()
                };
                // The n-th row of a code on the left meets the n-th on the right
                // (a publisher may print a class twice).
                let occurrences =
                    |t: &Table, section: Option<Section>, code: &Option<Code>| -> Vec<usize> {
                        (0..t.rows.len())
                            .filter(|&i| {
                                let x = &t.rows[i];
                                &x.code == code
                                    && x.project.is_empty()
                                    && (section.is_none() || x.section == section)
                            })
                            .collect()
                    };
                left_rows
                    .into_iter()
                    .map(|a| {
                        let code = lt.rows[a].code.clone();
                        let nth = occurrences(lt, rule.left.section, &code)
                            .iter()
                            .position(|&i| i == a)
                            .unwrap_or(0);
                        let right = occurrences(rt, rule.right.section, &code);
                        let b = match right.get(nth) {
                            Some(&b) => RightRows::Row(b),
                            // A class the right table does not print stands
                            // for the rows it prints under it (a project
                            // table listing 项 rows only), or for zero. A
                            // left row with no amount at all lost them.
                            None if right.is_empty() && !lt.rows[a].values.is_empty() => {
                                RightRows::Under(rows_under(rt, rule.right.section, &code))
                            }
                            None => RightRows::Under(vec![]),
                        };
                        (a, b, label(&lt.rows[a]))
                    })
                    .collect()
            }
        };
        for (a, b, what) in pairs {
            let right = match b {
                RightRows::Row(b) => terms(r, b, &rule.right),
                RightRows::Under(under) if !under.is_empty() => under
                    .iter()
                    .flat_map(|&ri| terms(r, ri, &rule.right))
                    .collect(),
                RightRows::Under(_) => vec![Term::Stated {
                    amount: Amount::from_cents(0),
                    unit: rt.unit,
                }],
            };
            out.push(Identity {
                rule: Rule::CrossTable,
                table: l,
                subject: Subject::Text(format!(
                    "{what}: {} = {}",
                    describe(&rule.left),
                    describe(&rule.right)
                )),
                total: terms(l, a, &rule.left),
                parts: right,
            });
        }
    }
}

/// A row of one table that states a figure of another table's total row
/// (the grammar's `evidence`: a summary's `一般财力` is the income table's
/// `general_budget` 合计). The solver trusts these figures; the checks test
/// them. A label met twice (a 上年结转 line under the year's income) counts
/// the first time: the year's figure comes before the balances carried in.
fn stated_items(g: &Grammar, doc: &Document, out: &mut Vec<Identity>) {
    for (ev, f, t) in evidence_tables(g, doc) {
        let (from, table) = (&doc.tables[f], &doc.tables[t]);
        // A side printing several columns (预算数 and 决算数) states which
        // one the other table's figure is? Not known: nothing is claimed.
        let [measure] = from.columns_of(ev.section) else {
            continue;
        };
        for (ri, m) in stated_lines(ev, from) {
            let row = &from.rows[ri];
            // In a two-sided table, the total row of the side that prints
            // the measure.
            let side = [Section::Income, Section::Expenditure]
                .into_iter()
                .find(|s| table.sides.is_some() && table.columns_of(Some(*s)).contains(&m));
            let Some(total) = year_total(table, side) else {
                continue;
            };
            if row.value(measure).is_none() || !table.columns_of(side).contains(&m) {
                continue;
            }
            out.push(Identity {
                rule: Rule::CrossTable,
                table: f,
                subject: Subject::Text(format!(
                    "{}: {}.{measure} = {}.{m}",
                    row.item, ev.from, ev.table
                )),
                total: vec![cell(f, ri, measure)],
                parts: vec![cell(t, total, m)],
            });
        }
    }
}

/// The grammar's evidence that applies to the document, with the indices
/// of the table stating the figures and of the table they are of.
fn evidence_tables<'g, 'd>(
    g: &'g Grammar,
    doc: &'d Document,
) -> impl Iterator<Item = (&'g Evidence, usize, usize)> + use<'g, 'd> {
    g.identities.evidence.iter().filter_map(|ev| {
        if ev.only_in.is_some_and(|k| doc.kind.is_some_and(|d| d != k)) {
            return None;
        }
        Some((ev, find_table(doc, &ev.from)?, find_table(doc, &ev.table)?))
    })
}

/// The lines of `from` that state a figure of `ev.table`'s total row, and
/// the measure each states: a label's first line, printed or blank (a
/// later one is a balance carried in). Below the first balance line
/// (`二、上年结转结余`), a line names a part of the balance (`单位资金` under
/// `非财政拨款结转结余`), not the year's figure, unless it is a balance
/// itself (`1.财政拨款结转`).
fn stated_lines(ev: &Evidence, from: &Table) -> Vec<(usize, Measure)> {
    let mut stated: Vec<(usize, Measure)> = Vec::new();
    let mut in_balances = false;
    let side_rows = from
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| ev.section.is_none() || r.section == ev.section);
    for (ri, row) in side_rows {
        in_balances |= row.is_balance();
        if in_balances && !row.is_balance() {
            continue;
        }
        for m in ev.measures_stated_by(&row.item) {
            if !stated.iter().any(|(_, s)| *s == m) {
                stated.push((ri, m));
            }
        }
    }
    stated
}

/// A column whose total is just what another table states for another
/// measure, while that table states nothing for the column itself, and the
/// other measure's column (if the table prints one) does not hold it: the
/// summary's `单位资金 0.96`, and an income table whose header was cut
/// before 单位资金, its amounts read under 政府性基金预算, the last heading
/// left (or amounts set off their headings). Each row's sum holds either
/// way. The column's heading is not its amounts': every amount of the
/// column is uncertain. A column's total is its total row's amount (a
/// blank one zero), or in a table without one the sum of its 类 rows'. A
/// funding source made of the other (`measure_parts`: 财政拨款 of
/// 一般公共预算) is no sign.
///
/// For layouts that place amounts by their position (an aligned or flow
/// dump): a table of explicit cells prints its amounts where they are, and
/// the summary's failing cross-table check reports the publisher's
/// inconsistency.
pub fn doubt_columns_stated_as_another_measure(doc: &mut Document, g: &Grammar) {
    let found: Vec<(&Evidence, usize, usize)> = evidence_tables(g, doc).collect();
    for (ev, f, t) in found {
        let (from, table) = (&doc.tables[f], &doc.tables[t]);
        let ([measure], None, true) = (from.columns_of(ev.section), &table.sides, f != t) else {
            continue;
        };
        let columns = table.columns_of(None);
        let lines = stated_lines(ev, from);
        // The total row's amount in the column (blank: zero), or without a
        // total row the sum of the 类 rows'.
        let total_rows = match year_total(table, None) {
            Some(total) => vec![total],
            None => class_rows(table, None),
        };
        let column_total = |m: Measure| -> Option<i128> {
            if !columns.contains(&m) || total_rows.is_empty() {
                return None;
            }
            let cents = total_rows.iter().filter_map(|&r| table.rows[r].value(m));
            Some(cents.map(|v| yuan_cents(v.amount, table.unit)).sum())
        };
        // Figures stated for measures whose column does not hold them.
        let unplaced: Vec<(i128, usize, Measure)> = lines
            .iter()
            .filter_map(|&(ri, m)| {
                let v = yuan_cents(from.rows[ri].value(measure)?.amount, from.unit);
                (v != 0 && column_total(m) != Some(v)).then_some((v, ri, m))
            })
            .collect();
        let doubted: Vec<(Measure, String)> = columns
            .iter()
            .filter(|c| ev.items.iter().any(|(_, m)| m == *c))
            .filter(|c| !lines.iter().any(|(_, m)| m == *c))
            .filter_map(|&c| {
                let total = column_total(c)?;
                let (_, ri, m) = unplaced
                    .iter()
                    .find(|(v, _, m)| *v == total && !g.identities.one_holds_the_other(c, m))?;
                let row = &from.rows[*ri];
                let stated = row.value(measure)?.amount;
                Some((
                    c,
                    format!(
                        "{} states {stated} for {m} ({}) and nothing for {c}, whose column \
                         adds up to that amount: the {c} column's amounts may not be its \
                         heading's (a heading cut or lost, amounts set off their headings, a \
                         publisher's slip); they are uncertain",
                        ev.from, row.item
                    ),
                ))
            })
            .collect();
        let table = &mut doc.tables[t];
        for (c, issue) in doubted {
            table.issues.push(issue);
            for row in table.rows.iter_mut().filter(|r| r.section.is_none()) {
                for v in row.values.iter_mut().filter(|v| v.measure == c) {
                    v.status = CellStatus::Uncertain;
                }
            }
        }
    }
}

/// The grammar's `same_line`s: the year's line of a label group on one
/// table's side against the other's. A side must print one column; a line
/// met again below the first balance line is a balance carried in, not the
/// year's.
fn same_lines(g: &Grammar, doc: &Document, out: &mut Vec<Identity>) {
    for rule in &g.identities.same_lines {
        let side = |(name, section): &(String, Option<Section>)| {
            let ti = find_table(doc, name)?;
            let table = &doc.tables[ti];
            let [measure] = table.columns_of(*section) else {
                return None;
            };
            // Each group's first line above the balances, if it has a value.
            let mut lines: Vec<Option<usize>> = vec![None; rule.labels.len()];
            let mut seen = vec![false; rule.labels.len()];
            for (ri, row) in table.rows.iter().enumerate() {
                if section.is_some() && row.section != *section {
                    continue;
                }
                if row.is_balance() {
                    break;
                }
                if let Some(gi) = rule.group_of(&row.item).filter(|&gi| !seen[gi]) {
                    seen[gi] = true;
                    lines[gi] = row.value(measure).is_some().then_some(ri);
                }
            }
            Some((ti, *measure, lines))
        };
        let (Some((lt, lm, left)), Some((rt, rm, right))) = (side(&rule.left), side(&rule.right))
        else {
            continue;
        };
        for (l, r) in left.into_iter().zip(right) {
            let (Some(l), Some(r)) = (l, r) else { continue };
            out.push(Identity {
                rule: Rule::CrossTable,
                table: lt,
                subject: Subject::Text(format!(
                    "{}: {}.{lm} = {}.{rm} ({})",
                    doc.tables[lt].rows[l].item,
                    rule.left.0,
                    rule.right.0,
                    doc.tables[rt].rows[r].item
                )),
                total: vec![cell(lt, l, lm)],
                parts: vec![cell(rt, r, rm)],
            });
        }
    }
}

/// Tests every identity of the document and the narrative figures.
pub fn check_document(doc: &Document, g: &Grammar) -> Vec<CheckResult> {
    evaluate_all(doc, g, identities(doc, g), None).0
}

/// Tests every identity, then marks `uncertain` each repaired cell that a
/// failing identity takes part in and no holding one does: `repaired`
/// promises the document's arithmetic backs the reconstructed value. A cell
/// that one identity confirms keeps its flag when another fails by a
/// publisher's rounding cent (seed 001).
/// `ids` are the document's [`identities`] (built once by the caller, which
/// may have used them to restore cut digits).
pub fn check_and_flag(doc: &mut Document, g: &Grammar, ids: Vec<Identity>) -> Vec<CheckResult> {
    check_and_flag_evaluated(doc, g, ids, None)
}

/// [`check_and_flag`], given `known`: the evaluations of `ids` on the
/// document as it stands, when the caller has them
/// ([`crate::solve::digits::restore_cut_digits`] returns them).
pub fn check_and_flag_evaluated(
    doc: &mut Document,
    g: &Grammar,
    ids: Vec<Identity>,
    known: Option<Vec<Option<Evaluation>>>,
) -> Vec<CheckResult> {
    let (results, contradicted, issues) = evaluate_all(doc, g, ids, known);
    for (table, issue) in issues {
        doc.tables[table].issues.push(issue);
    }
    for c in contradicted {
        if let Some(v) = c.value_mut(doc) {
            v.status = CellStatus::Uncertain;
        }
    }
    for table in &mut doc.tables {
        doubt_parts_holding_their_total(table, g);
        doubt_classes_in_each_others_columns(table, g);
    }
    results
}

/// A table whose rows of an economic class sit, row after row, in another
/// class's column (goods and services, 302, under 人员经费; wages, 301,
/// under 公用经费: `class_column` in identities.toml): the columns are
/// misread (a header printed or read swapped, a flow dump's amounts all
/// placed in one column). Each row's sum holds either way; the classes do
/// not. Three rows of a class at least, and more than sit in its own
/// column (some publishers count a row or two of 302, 福利费, as 人员经费).
/// Every amount of those columns is uncertain.
fn doubt_classes_in_each_others_columns(table: &mut Table, g: &Grammar) {
    let rules = &g.identities.class_columns;
    let measures: Vec<Measure> = rules.iter().map(|r| r.measure).collect();
    let rule_of = |row: &Row| {
        let class = row.code.as_ref()?.as_str().get(..3)?;
        rules
            .iter()
            .position(|r| r.classes.iter().any(|c| c == class))
    };
    let printed = |row: &Row, m: Measure| row.value(m).is_some_and(|v| v.amount.cents != 0);
    // Per rule: rows in their own column, rows in another's.
    let mut tally = vec![(0, 0); rules.len()];
    for row in &table.rows {
        let columns = table.columns_of(row.section);
        if !measures.iter().all(|m| columns.contains(m)) {
            continue;
        }
        let Some(r) = rule_of(row) else {
            continue;
        };
        if printed(row, rules[r].measure) {
            tally[r].0 += 1;
        } else if measures
            .iter()
            .any(|&m| m != rules[r].measure && printed(row, m))
        {
            tally[r].1 += 1;
        }
    }
    let misplaced: Vec<usize> = (0..rules.len())
        .filter(|&r| tally[r].1 >= 3 && tally[r].1 > tally[r].0)
        .collect();
    if misplaced.is_empty() {
        return;
    }
    let said: Vec<String> = misplaced
        .iter()
        .map(|&r| {
            let (own, other) = tally[r];
            format!(
                "{other} rows of {} print their amount outside {} ({own} in it)",
                rules[r].classes.join("/"),
                rules[r].measure
            )
        })
        .collect();
    // Every class misplaced: the columns are swapped, the totals' (合计)
    // with them. Otherwise only the misplaced classes' rows are in doubt.
    let swapped = misplaced.len() == rules.len();
    table.issues.push(format!(
        "{}: the {} columns are misread there; those rows' amounts in them{} are uncertain",
        said.join("; "),
        measures.join(" / "),
        if swapped { ", and the totals'," } else { "" }
    ));
    for row in &mut table.rows {
        let doubted = match rule_of(row) {
            Some(r) => misplaced.contains(&r),
            None => swapped,
        };
        if !doubted {
            continue;
        }
        for v in &mut row.values {
            if measures.contains(&v.measure) {
                v.status = CellStatus::Uncertain;
            }
        }
    }
}

/// A table with no column for a row sum's total, whose rows show one of
/// the parts' columns holding the sum of the others: the header's columns
/// are not the amounts' (a garbled header read off its columns names the
/// 合计 column as a part). No identity can say which amount is which, so
/// every amount of the table is uncertain.
fn doubt_parts_holding_their_total(table: &mut Table, g: &Grammar) {
    let kind = table.kind;
    let mut found = None;
    for rule in &g.identities.row_sums {
        // Counted once per set of amounts: a 类 with one 款 of one 项
        // repeats a coincidence three times.
        let mut telling = BTreeSet::new();
        let mut holding = BTreeSet::new();
        for row in &table.rows {
            let columns = table.columns_of(row.section);
            let lost_total = rule.section == row.section
                && !columns.contains(&rule.total)
                && rule.applies(kind, |m| *m == rule.total || columns.contains(m));
            if !lost_total {
                continue;
            }
            let mut parts: Vec<i64> = rule
                .parts
                .iter()
                .filter_map(|m| row.value(m))
                .map(|v| v.amount.cents)
                .filter(|&c| c > 0)
                .collect();
            if parts.len() < 2 {
                continue;
            }
            parts.sort_unstable();
            if largest_is_the_rest(&parts) {
                holding.insert(parts.clone());
            }
            telling.insert(parts);
        }
        // Two sets of amounts at least, and half those with two parts or
        // more: one coincidence (two equal parts, or a third that happens
        // to add up) does not make a column.
        if holding.len() >= 2 && holding.len() * 2 >= telling.len() {
            found = Some((rule.total, holding.len()));
            break;
        }
    }
    let Some((total, rows)) = found else {
        return;
    };
    table.issues.push(format!(
        "the table has no {total} column, yet in {rows} row(s) one part's column holds the sum of the others: the header's columns are not the amounts'; every amount is uncertain"
    ));
    for v in table.rows.iter_mut().flat_map(|r| r.values.iter_mut()) {
        v.status = CellStatus::Uncertain;
    }
}

/// The results, and the repaired cells (and `ok` ones a flow dump's order
/// placed) that failing identities take part in and no holding identity
/// does.
fn evaluate_all(
    doc: &Document,
    g: &Grammar,
    mut all: Vec<Identity>,
    known: Option<Vec<Option<Evaluation>>>,
) -> (Vec<CheckResult>, Vec<CellRef>, Vec<(usize, String)>) {
    let (stated, narrative_results) = narrative::figures(doc, g);
    let given = all.len();
    all.extend(stated);
    // A repaired amount, or one a flow dump's order placed: only as sure
    // as the identities it takes part in.
    let placed = |c: &CellRef| {
        c.value(doc).is_some_and(|v| {
            v.status == CellStatus::Repaired
                || (v.status == CellStatus::Ok && doc.tables[c.table].placement != Placement::Cells)
        })
    };
    let evaluations: Vec<Option<Evaluation>> = match known {
        Some(known) if known.len() == given => known
            .into_iter()
            .chain(all[given..].iter().map(|id| id.evaluate(doc)))
            .collect(),
        _ => all.iter().map(|id| id.evaluate(doc)).collect(),
    };
    let evaluated = || {
        all.iter()
            .zip(&evaluations)
            .filter_map(|(id, ev)| ev.as_ref().map(|ev| (id, ev)))
    };
    let mut contradicted = FxHashSet::default();
    let mut confirmed = FxHashSet::default();
    for (id, ev) in evaluated() {
        let repaired = id.cells().filter(|c| placed(c)).copied();
        if ev.holds {
            confirmed.extend(repaired);
        } else {
            contradicted.extend(repaired);
        }
    }
    let mut doubtful: FxHashSet<CellRef> = contradicted.difference(&confirmed).copied().collect();
    doubtful.extend(unconfirmed(doc, &confirmed));
    let misread = systematic_failures(doc, g, evaluated());
    doubtful.extend(cells_of_rows(doc, &misread));
    let rescaled = misstated_units(evaluated());
    for &(table, _) in &rescaled {
        let rows = 0..doc.tables[table].rows.len();
        doubtful.extend(rows.flat_map(|row| row_cells(doc, table, row).map(|(c, _)| c)));
    }
    // A row sum that another column assignment of the row's amounts would
    // make hold: the row's columns are in doubt (a layout that lost them,
    // or a publisher's swap: either way not sure).
    let reassignable: Vec<&Identity> = evaluated()
        .filter(|(id, ev)| {
            !ev.holds && (another_assignment_holds(doc, id) || an_outside_amount_fits(doc, g, id))
        })
        .map(|(id, _)| id)
        .collect();
    doubtful.extend(cells_of_rows(doc, &reassignable));
    doubtful.extend(moved_between_columns(doc, &all));
    doubtful.extend(singled_out(doc, evaluated()));
    let mut out: Vec<CheckResult> = evaluated()
        .map(|(id, ev)| {
            let table = &doc.tables[id.table];
            // A rate is in hundredths of a percent whatever the table's unit.
            let unit = match id.rule {
                Rule::Ratio => Unit::Yuan,
                _ => table.unit,
            };
            CheckResult {
                table: table.kind,
                table_no: table.number,
                rule: id.rule,
                subject: id.subject.describe(table),
                expected: format_in(ev.expected, unit),
                actual: format_in(ev.actual, unit),
                outcome: Outcome::of(ev.holds),
                extraction_suspect: !ev.holds && extraction_suspect(doc, id, &doubtful),
            }
        })
        .collect();
    out.extend(narrative_results);
    let issues = rescaled
        .into_iter()
        .map(|(table, power)| {
            let unit = doc.tables[table].unit.as_str();
            let factor = 10_i128.pow(power.unsigned_abs());
            let ratio = if power > 0 {
                format!("{factor} times")
            } else {
                format!("1/{factor} of")
            };
            (
                table,
                format!(
                    "its amounts are {ratio} what the other tables and the narrative state for \
                     them: they may be in another unit than the {unit} it states; they are \
                     uncertain"
                ),
            )
        })
        .collect();
    (out, doubtful.into_iter().collect(), issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{DocKind, Provenance, Sides};

    /// The statuses of the first table's `row`'s cells, in order.
    fn row_statuses(doc: &Document, row: usize) -> Vec<CellStatus> {
        doc.tables[0].rows[row]
            .values
            .iter()
            .map(|v| v.status)
            .collect()
    }

    fn expenditure_row(total: i64, basic: i64, project: i64, status: CellStatus) -> Document {
        let v = |measure, cents| crate::testing::value(measure, Amount::from_cents(cents), status);
        let row = Row {
            section: None,
            code: Code::new("208"),
            item: "社会保障和就业支出".into(),
            project: String::new(),
            values: vec![v("total", total), v("basic", basic), v("project", project)],
            at: Provenance::Line(1),
        };
        crate::testing::expenditure_document(vec![row])
    }

    /// `check_and_flag` as the pipeline calls it.
    fn flag(doc: &mut Document) -> Vec<CheckResult> {
        let ids = identities(doc, Grammar::global());
        check_and_flag(doc, Grammar::global(), ids)
    }

    fn only_result(doc: &Document) -> CheckResult {
        let results = check_document(doc, Grammar::global());
        assert_eq!(results.len(), 1, "{results:?}");
        results.into_iter().next().unwrap()
    }

    #[test]
    fn a_figure_in_wan_yuan_is_its_yuan_cell_rounded() {
        // Shanghai: tables in 元, the narrative in 万元 to two decimals.
        let narrated = |total_cents: i64, stated: &str| {
            let mut doc = expenditure_row(total_cents, total_cents, 0, CellStatus::Ok);
            doc.tables[0].unit = Unit::Yuan;
            doc.tables[0].rows[0].code = None;
            doc.tables[0].rows[0].item = "合计".into();
            doc.narrative = vec![
                (
                    Provenance::Line(2),
                    "三、关于某局2025年支出预算情况说明".into(),
                ),
                (
                    Provenance::Line(3),
                    format!("2025年支出预算{stated}，其中："),
                ),
            ];
            check_document(&doc, Grammar::global())
                .into_iter()
                .filter(|r| r.rule == Rule::Narrative)
                .map(|r| (r.outcome, r.actual))
                .collect::<Vec<_>>()
        };
        let held = |actual: &str| vec![(Outcome::Pass, actual.to_string())];
        // 31,214,205.80 元 is 3,121.420580 万元: 3,121.42 万元 rounded.
        assert_eq!(narrated(3_121_420_580, "3,121.42万元"), held("31214205.80"));
        assert_eq!(narrated(3_121_424_999, "3,121.42万元"), held("31214249.99"));
        // Cut, not rounded (Shanghai's 财政局 cuts): 3,121.4299 万元.
        assert_eq!(narrated(3_121_429_900, "3,121.42万元"), held("31214299.00"));
        // 3,121.43 万元, or 3,121.4149 (3,121.41 either way): a mismatch.
        for cents in [3_121_430_000, 3_121_414_900] {
            let r = narrated(cents, "3,121.42万元");
            assert_eq!(r.len(), 1);
            assert_eq!(r[0].0, Outcome::Fail, "{cents}");
        }
        // Stated in 元, or in 万元 of a table in 万元: exact.
        assert_eq!(
            narrated(3_121_420_580, "31,214,205.00元"),
            vec![(Outcome::Fail, "31214205.80".to_string())]
        );
    }

    #[test]
    fn failures_are_attributed_to_extraction_or_publisher() {
        // total and basic swapped: another column assignment would hold.
        let r = only_result(&expenditure_row(500, 1000, 500, CellStatus::Ok));
        assert_eq!((r.outcome, r.extraction_suspect), (Outcome::Fail, true));
        // Off by 0.01: a publisher's slip.
        let r = only_result(&expenditure_row(1000, 500, 499, CellStatus::Ok));
        assert_eq!(
            (
                r.outcome,
                r.extraction_suspect,
                r.expected.as_str(),
                r.actual.as_str()
            ),
            (Outcome::Fail, false, "10.00", "9.99")
        );
        // Any uncertain cell involved: extraction.
        let r = only_result(&expenditure_row(1000, 500, 499, CellStatus::Uncertain));
        assert!(r.extraction_suspect);
        let r = only_result(&expenditure_row(1000, 500, 500, CellStatus::Ok));
        assert_eq!(r.outcome, Outcome::Pass);
    }

    /// A row of `measures` (amounts in cents), all printed `ok`.
    fn row_of(code: &str, measures: &[(Measure, i64)]) -> Row {
        Row {
            section: None,
            code: Code::new(code),
            item: "社会保障和就业支出".into(),
            project: String::new(),
            values: measures
                .iter()
                .map(|&(measure, cents)| {
                    crate::testing::value(measure, Amount::from_cents(cents), CellStatus::Ok)
                })
                .collect(),
            at: Provenance::Line(1),
        }
    }

    #[test]
    fn a_row_sum_an_amount_in_another_column_would_make_hold_is_uncertain() {
        // Shanghai's 一般公共预算支出表 in a `pdftotext -fixed 3` dump: 项目支出
        // read under 公用经费, its own column blank.
        let all_columns = || vec!["total", "basic", "personnel", "public_funds", "project"];
        let statuses = |total: i64, basic: i64, public_funds: i64| {
            general_budget_row_statuses(
                Unit::Yuan,
                all_columns(),
                "208",
                &[
                    ("total", total),
                    ("basic", basic),
                    ("public_funds", public_funds),
                ],
            )
        };
        let uncertain = vec![CellStatus::Uncertain; 3];
        assert_eq!(
            statuses(2_707_323_600, 1_828_573_600, 878_750_000),
            uncertain
        );
        // The publisher's total 1 元 off its parts besides.
        assert_eq!(
            statuses(9_499_579_000, 7_738_154_600, 1_761_424_300),
            uncertain
        );
        // No amount of the row fills the gap: as printed.
        assert_eq!(statuses(10_000, 6_000, 3_000), vec![CellStatus::Ok; 3]);
        // The largest amount is the others' sum: read one column off.
        let mut doc = expenditure_row(500, 1000, 500, CellStatus::Ok);
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Uncertain; 3]);
        // A rate is no amount of money: 4.17 % does not fill 5 元.
        let statuses = general_budget_row_statuses(
            Unit::Yuan,
            vec!["total", "basic", "project", "change_rate"],
            "208",
            &[("total", 100_000), ("basic", 99_500), ("change_rate", 417)],
        );
        assert_eq!(statuses, vec![CellStatus::Ok; 3]);
        // 人员经费 equal to 基本支出 (no 公用经费, no 项目支出) under a
        // publisher's wrong total: it stands in for nothing new.
        let statuses = general_budget_row_statuses(
            Unit::WanYuan,
            all_columns(),
            "20808",
            &[("total", 12_000), ("basic", 10_000), ("personnel", 10_000)],
        );
        assert_eq!(statuses, vec![CellStatus::Ok; 3]);
    }

    /// The statuses, once flagged, of the one row `code` printing `amounts`
    /// in a 一般公共预算支出 table in `unit` with `columns`.
    fn general_budget_row_statuses(
        unit: Unit,
        columns: Vec<Measure>,
        code: &str,
        amounts: &[(Measure, i64)],
    ) -> Vec<CellStatus> {
        let mut doc = crate::testing::expenditure_document(vec![row_of(code, amounts)]);
        let table = &mut doc.tables[0];
        table.kind = "general_budget";
        table.unit = unit;
        table.columns = columns;
        flag(&mut doc);
        row_statuses(&doc, 0)
    }

    #[test]
    fn an_amount_read_one_column_off_under_holding_row_sums_is_uncertain() {
        // 201's 项目支出 read under 基本支出 (its own column blank): the row
        // sum holds, the two columns' sums over its 款 are off by 400 each
        // way.
        let rows = |parent: &[(Measure, i64)]| {
            vec![
                row_of("201", parent),
                row_of("20101", &[("total", 150), ("project", 150)]),
                row_of("20102", &[("total", 250), ("project", 250)]),
            ]
        };
        let statuses = |doc: &Document| -> Vec<Vec<CellStatus>> {
            (0..3).map(|r| row_statuses(doc, r)).collect()
        };
        let mut doc = crate::testing::expenditure_document(rows(&[("total", 400), ("basic", 400)]));
        flag(&mut doc);
        use CellStatus::{Ok, Uncertain};
        assert_eq!(
            statuses(&doc),
            [
                vec![Ok, Uncertain],
                vec![Ok, Uncertain],
                vec![Ok, Uncertain]
            ]
        );
        // Read right: nothing in doubt.
        let mut doc =
            crate::testing::expenditure_document(rows(&[("total", 400), ("project", 400)]));
        flag(&mut doc);
        assert_eq!(statuses(&doc), [vec![Ok, Ok], vec![Ok, Ok], vec![Ok, Ok]]);
        // Off by 0.01 each way: the publisher's rounding, as printed.
        let child = |code| row_of(code, &[("total", 150), ("basic", 50), ("project", 100)]);
        let mut doc = crate::testing::expenditure_document(vec![
            row_of("201", &[("total", 300), ("basic", 101), ("project", 199)]),
            child("20101"),
            child("20102"),
        ]);
        flag(&mut doc);
        assert!(doc.tables[0]
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .all(|v| v.status == Ok));
        // The parent already in doubt (its own reading) explains the sums:
        // its children stand.
        let mut doc = crate::testing::expenditure_document(rows(&[("total", 400), ("basic", 400)]));
        for v in &mut doc.tables[0].rows[0].values {
            v.status = Uncertain;
        }
        flag(&mut doc);
        assert_eq!(
            statuses(&doc),
            [vec![Uncertain, Uncertain], vec![Ok, Ok], vec![Ok, Ok]]
        );
    }

    #[test]
    fn a_table_whose_part_column_holds_the_others_sum_is_uncertain() {
        // 支出决算表 of a garbled header: no 合计 column, and the column read
        // as 对附属单位补助支出 holds 项目支出 + 上缴上级支出.
        let table = |columns: Vec<Measure>, rows: Vec<Row>| {
            let mut doc = crate::testing::expenditure_document(rows);
            doc.tables[0].columns = columns;
            flag(&mut doc);
            doc.tables.remove(0)
        };
        let garbled = vec!["affiliate_subsidy", "project", "remit_to_superior", "basic"];
        let t = table(
            garbled.clone(),
            vec![
                row_of(
                    "201",
                    &[
                        ("affiliate_subsidy", 210_666),
                        ("project", 150_352),
                        ("remit_to_superior", 60_314),
                    ],
                ),
                row_of(
                    "2010601",
                    &[
                        ("affiliate_subsidy", 151_189),
                        ("project", 150_352),
                        ("remit_to_superior", 837),
                    ],
                ),
            ],
        );
        assert!(t
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .all(|v| v.status == CellStatus::Uncertain));
        assert!(t.issues[0].contains("no total column"), "{:?}", t.issues);
        // Two equal parts down one chain of codes, among rows that differ:
        // one coincidence, not a column.
        let rows = vec![
            row_of("208", &[("basic", 32_672), ("project", 32_672)]),
            row_of("20805", &[("basic", 32_672), ("project", 32_672)]),
            row_of("2080501", &[("basic", 32_672), ("project", 32_672)]),
            row_of("210", &[("basic", 6_099), ("project", 100)]),
            row_of("221", &[("basic", 44_569), ("project", 2_000)]),
        ];
        let t = table(vec!["basic", "project"], rows);
        assert!(t.issues.is_empty(), "{:?}", t.issues);
        assert!(t
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .all(|v| v.status == CellStatus::Ok));
    }

    #[test]
    fn a_repaired_cell_a_failing_identity_contradicts_becomes_uncertain() {
        // The identity holds: repaired stays repaired.
        let mut doc = expenditure_row(1000, 500, 500, CellStatus::Repaired);
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Repaired; 3]);
        // It fails by 0.01: a repaired cell is now doubtful, and the failure
        // is put down to extraction, not to the publisher.
        let mut doc = expenditure_row(1000, 500, 499, CellStatus::Repaired);
        let results = flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Uncertain; 3]);
        assert!(results[0].extraction_suspect);
        // Printed cells stay as printed.
        let mut doc = expenditure_row(1000, 500, 499, CellStatus::Ok);
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Ok; 3]);
        // The row's sum holds, its 款 below add up to 0.01 less (a
        // publisher's rounding): the row sum confirms the repaired cells.
        let mut doc = expenditure_row(1000, 500, 500, CellStatus::Repaired);
        let mut child = expenditure_row(999, 500, 499, CellStatus::Ok).tables[0].rows[0].clone();
        child.code = Code::new("20801");
        doc.tables[0].rows.push(child);
        let results = flag(&mut doc);
        assert!(results.iter().any(|r| r.outcome == Outcome::Fail));
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Repaired; 3]);
    }

    #[test]
    fn an_ok_cell_a_flow_dumps_order_placed_is_as_sure_as_its_identities() {
        let mut doc = expenditure_row(1000, 500, 499, CellStatus::Ok);
        doc.tables[0].placement = Placement::Order;
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Uncertain; 3]);
        // Its identity holds: it stays `ok`.
        let mut doc = expenditure_row(1000, 500, 500, CellStatus::Ok);
        doc.tables[0].placement = Placement::Order;
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![CellStatus::Ok; 3]);
    }

    #[test]
    fn a_sure_cell_of_a_broken_order_positions_in_order_or_two_sided_flow_table_holds_only_where_an_identity_confirms_it(
    ) {
        // A cell no identity takes part in (a measure the table's rules do
        // not name) beside three its row sum confirms.
        let with_unchecked_cell = |placement| {
            let mut doc = expenditure_row(1000, 500, 500, CellStatus::Ok);
            let mut lone = doc.tables[0].rows[0].values[0].clone();
            lone.measure = "personnel";
            doc.tables[0].rows[0].values.push(lone);
            doc.tables[0].placement = placement;
            doc
        };
        let mut doc = with_unchecked_cell(Placement::BrokenOrder);
        flag(&mut doc);
        use CellStatus::{Ok, Uncertain};
        assert_eq!(row_statuses(&doc, 0), vec![Ok, Ok, Ok, Uncertain]);
        // Placed by an order the dump kept: only failing identities demote.
        let mut doc = with_unchecked_cell(Placement::Order);
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![Ok; 4]);
        // ... unless the table has two sides, whose labels and amounts
        // interleave in a flow dump: then only the arithmetic places them.
        let mut doc = with_unchecked_cell(Placement::Order);
        doc.tables[0].sides = Some(Sides::default());
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![Ok, Ok, Ok, Uncertain]);
        // So too when words laid out by position were read in order (a
        // tall row's amount printed half a line off its code).
        let mut doc = with_unchecked_cell(Placement::PositionsReadInOrder);
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![Ok, Ok, Ok, Uncertain]);
        // A repaired cell of a broken order no identity backs: uncertain.
        let mut doc = with_unchecked_cell(Placement::BrokenOrder);
        doc.tables[0].rows[0].values[3].status = CellStatus::Repaired;
        flag(&mut doc);
        assert_eq!(row_statuses(&doc, 0), vec![Ok, Ok, Ok, Uncertain]);
    }

    /// An `ok` value of `amount` whole units (元 or 万元, the table's).
    fn v(measure: Measure, amount: i64) -> Value {
        Value {
            measure,
            amount: Amount::from_cents(amount * 100),
            status: CellStatus::Ok,
            at: Provenance::Line(1),
            alternatives: vec![],
            restored_from: None,
        }
    }

    fn row(section: Option<Section>, code: &str, item: &str, values: Vec<Value>) -> Row {
        Row {
            section,
            code: Code::new(code),
            item: item.into(),
            project: String::new(),
            values,
            at: Provenance::Line(1),
        }
    }

    fn table(
        kind: &'static str,
        unit: Unit,
        rows: Vec<Row>,
        columns: Vec<Measure>,
        sides: Option<Sides>,
    ) -> Table {
        Table {
            number: None,
            kind,
            title: String::new(),
            unit,
            at: Provenance::Line(1),
            rows,
            declared_empty: false,
            columns,
            sides,
            issues: vec![],
            placement: Placement::Cells,
        }
    }

    #[test]
    fn a_parent_amount_over_children_that_leave_its_column_blank_fails() {
        // Seed 002's 行政运行 with its amount moved from basic to project
        // (`208 01 01 行政运行 | 376.61 | | 376.61`): the 款 prints basic
        // 376.61 over a 项 with none. Before 2026-12-03 nothing was tested.
        let rows = vec![
            row(
                None,
                "20801",
                "人力资源和社会保障管理事务",
                vec![v("total", 376), v("basic", 376)],
            ),
            row(
                None,
                "2080101",
                "行政运行",
                vec![v("total", 376), v("project", 376)],
            ),
        ];
        let doc = Document {
            tables: vec![table(
                "expenditure",
                Unit::Yuan,
                rows,
                vec!["total", "basic", "project"],
                None,
            )],
            ..Document::default()
        };
        assert_eq!(
            outcomes(&doc, &[Rule::ChildrenSum]),
            [
                "20801 人力资源和社会保障管理事务: total = sum of 1 rows below true",
                "20801 人力资源和社会保障管理事务: basic = sum of 1 rows below false"
            ]
        );
    }

    /// `subject outcome` of each check of `rules` on `doc`.
    fn outcomes(doc: &Document, rules: &[Rule]) -> Vec<String> {
        check_document(doc, Grammar::global())
            .into_iter()
            .filter(|r| rules.contains(&r.rule))
            .map(|r| format!("{} {}", r.subject, r.outcome.as_str()))
            .collect()
    }

    /// The income side of a summary: `items` as (label, 元).
    fn income_side(items: &[(&str, i64)]) -> Document {
        let income = Some(Section::Income);
        let rows = items
            .iter()
            .map(|(label, amount)| row(income, "", label, vec![v("budget", *amount)]))
            .collect();
        Document {
            tables: vec![table("summary", Unit::Yuan, rows, vec!["budget"], None)],
            ..Document::default()
        }
    }

    fn every_cell_ok(doc: &Document) -> bool {
        doc.tables
            .iter()
            .flat_map(|t| &t.rows)
            .flat_map(|r| &r.values)
            .all(|v| v.status == CellStatus::Ok)
    }

    /// A general_budget table of 万元 with last year's figure, this year's,
    /// the change and its rate, one row per (code, prior, total, rate as
    /// printed: hundredths of a percent and decimals).
    fn compared(rows: &[(&str, i64, i64, (i64, u8))]) -> Document {
        let in_cents: Vec<_> = rows
            .iter()
            .map(|&(code, prior, total, rate)| (code, prior * 100, total * 100, rate))
            .collect();
        compared_cents(&in_cents)
    }

    /// As [`compared`], amounts in hundredths.
    fn compared_cents(rows: &[(&str, i64, i64, (i64, u8))]) -> Document {
        let rows = rows
            .iter()
            .map(|&(code, prior, total, (rate, decimals))| {
                let amount = |measure, cents| Value {
                    amount: Amount::from_cents(cents),
                    ..v(measure, 0)
                };
                let mut values = vec![
                    amount("prior_year", prior),
                    amount("total", total),
                    amount("change", total - prior),
                ];
                values.push(Value {
                    amount: Amount {
                        cents: rate,
                        decimals,
                    },
                    ..v("change_rate", 0)
                });
                row(None, code, "", values)
            })
            .collect();
        let columns = vec!["prior_year", "total", "change", "change_rate"];
        Document {
            tables: vec![table("general_budget", Unit::WanYuan, rows, columns, None)],
            ..Document::default()
        }
    }

    #[test]
    fn a_rate_worked_out_before_rounding_holds() {
        // 1.35 → 1.06 万元 (1.3549 → 1.0612 before rounding): -21.68% from
        // the 元 figures, -21.48% from the printed ones. Any base and change
        // within their rounding that give the printed rate make it hold;
        // one beyond them does not.
        for (rate, holds) in [(-2168, true), (-2148, true), (-2210, false)] {
            let doc = compared_cents(&[("208", 135, 106, (rate, 2))]);
            let results = check_document(&doc, Grammar::global());
            let ratio: Vec<_> = results.iter().filter(|r| r.rule == Rule::Ratio).collect();
            assert_eq!(ratio[0].outcome == Outcome::Pass, holds, "{rate}");
        }
    }

    #[test]
    fn a_slip_copied_down_a_chain_is_the_publishers() {
        // 210 > 21011 > 2101101, one child each: the same misprinted change
        // on the three rows fails with the same sums — a slip, not misread
        // columns. Cells stay as printed.
        let mut doc = compared(&[
            ("208", 300, 200, (-3333, 2)),
            ("20801", 300, 200, (-3333, 2)),
            ("210", 400, 300, (-2000, 2)),
            ("21011", 400, 300, (-2000, 2)),
            ("2101101", 400, 300, (-2000, 2)),
        ]);
        for row in &mut doc.tables[0].rows[2..] {
            row.values[2].amount = Amount::from_cents(-1000);
        }
        let results = flag(&mut doc);
        assert_eq!(
            results
                .iter()
                .filter(|r| r.outcome == Outcome::Fail)
                .count(),
            6
        );
        assert!(results.iter().all(|r| !r.extraction_suspect));
        assert!(every_cell_ok(&doc));
    }

    #[test]
    fn a_rate_is_checked_against_its_change_and_base_and_never_summed() {
        // 208 = 20801 + 20802 in every amount column; the rates do not add up.
        let doc = compared(&[
            ("208", 300, 200, (-3333, 2)),
            ("20801", 100, 50, (-500, 1)),
            ("20802", 200, 150, (-2500, 0)),
        ]);
        let results = check_document(&doc, Grammar::global());
        let got: Vec<String> = results
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r.subject,
                    r.expected,
                    r.actual,
                    r.outcome.as_str()
                )
            })
            .collect();
        let rate = |code: &str| {
            got.iter()
                .find(|s| {
                    s.starts_with(code) && s.contains("change_rate = 100 × change / prior_year")
                })
                .cloned()
        };
        // -100/300 = -33.333…%: -33.33 printed, two decimals.
        assert_eq!(
            rate("208 ").as_deref(),
            Some("208 : change_rate = 100 × change / prior_year -33.33 -33.33 true")
        );
        // -50/100 = -50%: `-5.0` is a misprint (or a misread column).
        assert_eq!(
            rate("20801").as_deref(),
            Some("20801 : change_rate = 100 × change / prior_year -5.00 -50.00 false")
        );
        // -50/200 = -25%, printed whole.
        assert_eq!(
            rate("20802").as_deref(),
            Some("20802 : change_rate = 100 × change / prior_year -25.00 -25.00 true")
        );
        // This year's = last year's + the change, on every row.
        assert!(got.contains(&"208 : total = prior_year + change 200.00 200.00 true".to_string()));
        // The change adds up like any amount; the rate never does.
        assert!(
            got.contains(&"208 : change = sum of 2 rows below -100.00 -100.00 true".to_string())
        );
        assert!(
            !got.iter().any(|s| s.contains("change_rate = sum")),
            "{got:#?}"
        );
    }

    #[test]
    fn a_rate_holds_within_one_unit_of_its_last_printed_decimal() {
        // -1/3 = -33.333…%: publishers round (-33.33, -33.3, -33) or cut.
        for (rate, holds) in [
            ((-3333, 2), true),
            ((-3334, 2), true),
            ((-3330, 1), true),
            ((-3300, 0), true),
            ((-3335, 2), false),
            ((-3320, 1), false),
            ((3333, 2), false),
        ] {
            let doc = compared(&[("208", 300, 200, rate)]);
            let results = check_document(&doc, Grammar::global());
            let ratio: Vec<_> = results.iter().filter(|r| r.rule == Rule::Ratio).collect();
            assert_eq!(ratio.len(), 1, "{rate:?}");
            assert_eq!(ratio[0].outcome == Outcome::Pass, holds, "{rate:?}");
        }
        // No base, no rate to check.
        let doc = compared(&[("208", 0, 200, (0, 2))]);
        let results = check_document(&doc, Grammar::global());
        assert!(!results.iter().any(|r| r.rule == Rule::Ratio));
    }

    #[test]
    fn a_comparison_failing_row_after_row_makes_its_cells_uncertain() {
        // 增减额 and 增减率 headed the other way round: every row's change
        // holds its rate and the other way round.
        let rows = [
            ("208", 300, 200, (-3333, 2)),
            ("20801", 100, 50, (-5000, 2)),
            ("20802", 200, 150, (-2500, 2)),
        ];
        let mut doc = compared(&rows);
        for row in &mut doc.tables[0].rows {
            let [.., change, rate] = row.values.as_mut_slice() else {
                unreachable!()
            };
            std::mem::swap(&mut change.amount, &mut rate.amount);
        }
        let results = flag(&mut doc);
        assert!(results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .all(|r| r.extraction_suspect));
        // (20801's change is -50.00 and its rate -50.00%: it reads the
        // same either way, and holds.)
        assert_eq!(row_statuses(&doc, 0), [CellStatus::Uncertain; 4]);
        assert_eq!(row_statuses(&doc, 1), [CellStatus::Ok; 4]);
        assert_eq!(row_statuses(&doc, 2), [CellStatus::Uncertain; 4]);
        // One row's rate misprinted: the publisher's slip, cells as printed.
        let mut doc = compared(&[
            ("208", 300, 200, (-3333, 2)),
            ("20801", 100, 50, (-500, 2)),
            ("20802", 200, 150, (-2500, 2)),
        ]);
        let results = flag(&mut doc);
        let failed: Vec<_> = results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .collect();
        assert_eq!(failed.len(), 1);
        assert!(!failed[0].extraction_suspect);
        assert!(every_cell_ok(&doc));
    }

    #[test]
    fn rounded_division_rounds_half_away_from_zero() {
        assert_eq!(rounded_div(5, 2), 3);
        assert_eq!(rounded_div(-5, 2), -3);
        assert_eq!(rounded_div(4, 3), 1);
        assert_eq!(rounded_div(-4, -3), 1);
        assert_eq!(rounded_div(5, -2), -3);
    }

    #[test]
    fn numbered_lists_of_a_side_are_summed() {
        let rules = [Rule::ChildrenSum, Rule::ColumnTotal];
        // 000's income side: `其中` lines adding up to their row are its
        // breakdown; 收入总计 is the sum of the `一、` rows, every other row
        // being in their lists.
        let doc = income_side(&[
            ("一、本年收入", 110),
            ("1.一般公共预算拨款", 100),
            ("其中:一般财力", 60),
            ("上级一般公共预算安排转移支付", 40),
            ("2.单位资金", 10),
            ("二、上年结转结余", 5),
            ("1.财政拨款结转", 5),
            ("收入总计", 116),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            [
                "一、本年收入: budget = sum of 2 rows below true",
                "二、上年结转结余: budget = sum of 1 rows below true",
                "1.一般公共预算拨款: budget = sum of 2 rows below true",
                "收入总计: budget = sum of 2 numbered rows above false",
            ]
        );
        // An unnumbered line outside any list (a balance carried in): the
        // total is not claimed; a list that restarts is no breakdown of its
        // head; 本年收入合计 sums the `一、` rows above it.
        let doc = income_side(&[
            ("一、财政拨款收入", 100),
            ("1.一般公共预算", 100),
            ("1.政府性基金", 7),
            ("二、事业收入", 20),
            ("本年收入合计", 120),
            ("年初结转和结余", 9),
            ("总计", 129),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            [
                "总计: budget = 本年收入合计 + 1 balance rows below it true",
                "本年收入合计: budget = sum of 2 numbered rows above true"
            ]
        );
        // A balance line inside a list is no breakdown of a numbered row:
        // neither its group nor the side's total is claimed.
        let doc = income_side(&[
            ("一、财政拨款收入", 100),
            ("1.一般公共预算", 100),
            ("年初结转和结余", 9),
            ("二、事业收入", 20),
            ("收入总计", 129),
        ]);
        assert_eq!(outcomes(&doc, &rules), Vec::<String>::new());
    }

    #[test]
    fn a_breakdown_is_summed_only_when_it_comes_within_a_cut_digit() {
        let rules = [Rule::ChildrenSum];
        let with_cents = |lines: &[(&str, i64)]| {
            let mut doc = income_side(
                &lines
                    .iter()
                    .map(|(label, _)| (*label, 0))
                    .collect::<Vec<_>>(),
            );
            for (row, (_, cents)) in doc.tables[0].rows.iter_mut().zip(lines) {
                row.values[0].amount = Amount::from_cents(*cents);
            }
            doc
        };
        // `5.24` printed `5.2` (000's 其中 line): 0.04 short, claimed, and
        // failing, so the cut amount is doubted.
        let doc = with_cents(&[
            ("二、上年结转结余", 524),
            ("1.财政拨款结转", 524),
            ("其中:一般公共预算拨款", 520),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            [
                "二、上年结转结余: budget = sum of 1 rows below true",
                "1.财政拨款结转: budget = sum of 1 rows below false"
            ]
        );
        // A `其中` list naming only part of its row claims nothing.
        let doc = with_cents(&[
            ("一、本年收入", 10_000),
            ("1.一般公共预算拨款", 10_000),
            ("其中:一般财力", 6_000),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            ["一、本年收入: budget = sum of 1 rows below true"]
        );
        // A small row: a gap of 0.02 is more than 1 % of it, so the line
        // below is no cut breakdown of it (an item printed without its
        // number, say): nothing is claimed for the row.
        let doc = with_cents(&[
            ("一、本年收入", 112),
            ("1.财政专户核拨", 12),
            ("用事业基金弥补收支差额", 10),
            ("2.其他收入", 100),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            ["一、本年收入: budget = sum of 2 rows below true"]
        );
        // Unless the short side was printed with one decimal: 002's
        // `单位资金 0.31` over `其他收入` printed `0.3`.
        let mut doc = with_cents(&[("一、本年收入", 31), ("1.单位资金", 31), ("其他收入", 30)]);
        doc.tables[0].rows[2].values[0].amount.decimals = 1;
        assert_eq!(
            outcomes(&doc, &rules),
            [
                "一、本年收入: budget = sum of 1 rows below true",
                "1.单位资金: budget = sum of 1 rows below false"
            ]
        );
        // A line of the other sign: the lines are no plain sum of the row.
        let doc = with_cents(&[
            ("一、本年收入", 1000),
            ("1.事业收入", 1000),
            ("其中:收费", 1500),
            ("退费", -500),
        ]);
        assert_eq!(outcomes(&doc, &rules), Vec::<String>::new());
    }

    #[test]
    fn a_list_withdrawn_by_a_line_that_does_not_fit_stays_withdrawn() {
        // `用事业基金弥补收支差额` goes past 4.财政专户核拨: an item printed
        // without its number. 一、 is more than its numbered rows, and the
        // `5.` row below must not claim it again with part of its list.
        let doc = income_side(&[
            ("一、本年收入", 1017),
            ("1.一般公共预算拨款", 1000),
            ("4.财政专户核拨", 5),
            ("用事业基金弥补收支差额", 9),
            ("5.单位资金", 3),
            ("收入总计", 1017),
        ]);
        assert_eq!(
            outcomes(&doc, &[Rule::ChildrenSum, Rule::ColumnTotal]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unnumbered_lines_claim_nothing_they_may_not_hold() {
        let rules = [Rule::ChildrenSum, Rule::ColumnTotal];
        // `财政专户核拨` and `单位资金` printed without their numbers: the
        // 其中 lines of 1、 already add up to it, so they are items, and
        // 一、 is more than its numbered rows. Nothing is claimed for it.
        let doc = income_side(&[
            ("一、本年收入", 1017),
            ("1、一般公共预算拨款", 1010),
            ("其中:一般财力", 1008),
            ("上级一般公共预算安排转移支付", 2),
            ("财政专户核拨", 4),
            ("单位资金", 3),
            ("收入总计", 1017),
        ]);
        assert_eq!(outcomes(&doc, &rules), Vec::<String>::new());
        // A balance and its breakdown below 本年收入合计 (`上年结转` /
        // `一般公共预算拨款`): which line is the balance is not known.
        let doc = income_side(&[
            ("一、一般公共预算拨款", 1010),
            ("二、政府性基金预算拨款", 0),
            ("本年收入合计", 1010),
            ("上年结转", 20),
            ("一般公共预算拨款", 20),
            ("收入总计", 1030),
        ]);
        assert_eq!(
            outcomes(&doc, &rules),
            ["本年收入合计: budget = sum of 2 numbered rows above true"]
        );
    }

    /// A Shanghai 财务收支预算总表 (income in `budget`; expenditure split
    /// into total/personnel/public_funds/project) and the expenditure table.
    fn shanghai_summary(sides: Option<Sides>) -> Document {
        let (income, spending) = (Some(Section::Income), Some(Section::Expenditure));
        let summary = vec![
            row(income, "", "一、财政拨款收入", vec![v("budget", 1000)]),
            row(spending, "208", "社会保障和就业支出", {
                vec![v("total", 1000), v("personnel", 600), v("project", 400)]
            }),
            row(income, "", "收入总计", vec![v("budget", 1000)]),
            row(spending, "", "支出总计", {
                vec![v("total", 1000), v("personnel", 600), v("project", 400)]
            }),
        ];
        let columns = vec!["budget", "total", "personnel", "public_funds", "project"];
        let expenditure = vec![
            row(None, "208", "社会保障和就业支出", {
                vec![v("total", 1000), v("basic", 600), v("project", 400)]
            }),
            row(None, "", "合计", {
                vec![v("total", 1000), v("basic", 600), v("project", 400)]
            }),
        ];
        let basic = vec!["total", "basic", "project"];
        Document {
            tables: vec![
                table("summary", Unit::Yuan, summary, columns, sides),
                table("expenditure", Unit::Yuan, expenditure, basic, None),
            ],
            ..Document::default()
        }
    }

    #[test]
    fn a_measure_only_the_other_side_prints_is_absent_not_zero() {
        let subjects = |doc: &Document| outcomes(doc, &[Rule::CrossTable]);
        let sides = Sides {
            income: vec!["budget"],
            expenditure: vec!["total", "personnel", "public_funds", "project"],
        };
        assert_eq!(
            subjects(&shanghai_summary(Some(sides))),
            [
                "208 社会保障和就业支出: summary.total = expenditure.total true",
                "grand total: summary.budget = summary.total true",
            ]
        );
        // Without the sides, the expenditure side's missing `budget` read as
        // zero, and the rules for the other summary layout failed.
        let merged = subjects(&shanghai_summary(None));
        assert!(
            merged.contains(
                &"208 社会保障和就业支出: summary.budget = expenditure.total false".into()
            ),
            "{merged:?}"
        );
    }

    #[test]
    fn a_final_accounts_year_totals_are_what_its_classes_sum_to() {
        // 决算 summary: the 类 rows sum to 本年支出合计; 总计 adds the
        // balance carried forward. Income and spending differ by the
        // year's balance, which is no error in a final account; the two
        // sides' 总计 are equal all the same.
        let (income, spending) = (Some(Section::Income), Some(Section::Expenditure));
        let summary = vec![
            row(
                income,
                "",
                "一、一般公共预算财政拨款收入",
                vec![v("final", 100)],
            ),
            row(spending, "201", "一般公共服务支出", vec![v("final", 60)]),
            row(spending, "208", "社会保障和就业支出", vec![v("final", 30)]),
            row(income, "", "本年收入合计", vec![v("final", 100)]),
            row(spending, "", "本年支出合计", vec![v("final", 90)]),
            row(spending, "", "年末结转和结余", vec![v("final", 10)]),
            row(income, "", "总计", vec![v("final", 100)]),
            row(spending, "", "总计", vec![v("final", 100)]),
        ];
        let coded = |kind, total| {
            let rows = vec![row(None, "", "合计", vec![v("total", total)])];
            table(kind, Unit::WanYuan, rows, vec!["total"], None)
        };
        let mut doc = Document {
            tables: vec![
                table("summary", Unit::WanYuan, summary, vec!["final"], None),
                coded("income", 100),
                coded("expenditure", 90),
            ],
            kind: Some(DocKind::FinalAccount),
            ..Document::default()
        };
        let results = |doc: &Document| outcomes(doc, &[Rule::ColumnTotal, Rule::CrossTable]);
        assert_eq!(
            results(&doc),
            [
                "总计: final = 本年收入合计 + 0 balance rows below it true",
                "本年收入合计: final = sum of 1 numbered rows above true",
                "总计: final = 本年支出合计 + 1 balance rows below it true",
                "本年支出合计: final = sum of 2 类 rows true",
                "grand total: summary.final = summary.final true"
            ]
        );
        // The 总计 of one side a cent off: reported.
        doc.tables[0].rows[6].values[0].amount = Amount::from_cents(9_999);
        assert!(
            results(&doc).contains(&"grand total: summary.final = summary.final false".to_string())
        );
        doc.tables[0].rows[6].values[0].amount = Amount::from_cents(10_000);
        // In a budget, income and spending must meet.
        doc.kind = Some(DocKind::Budget);
        assert!(results(&doc)
            .contains(&"grand total: income.total = expenditure.total false".to_string()));
    }

    #[test]
    fn formats_like_the_decimal_definition() {
        // The definition: the value at `scale` decimals, trailing zeros
        // dropped down to two decimals.
        let reference = |v: i128, unit: Unit| {
            let scale = if unit == Unit::Yuan { 2 } else { 6 };
            let abs = v.unsigned_abs();
            let p = 10u128.pow(scale);
            let mut frac = format!("{:0w$}", abs % p, w = scale as usize);
            while frac.len() > 2 && frac.ends_with('0') {
                frac.pop();
            }
            format!("{}{}.{frac}", if v < 0 { "-" } else { "" }, abs / p)
        };
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Small and large magnitudes, both signs, beyond 64 bits too.
            let v = match i % 4 {
                0 => i128::from(x % 1_000),
                1 => -i128::from(x % 100_000_000),
                2 => i128::from(x) * 10_000,
                _ => -(i128::from(x) * i128::from(x >> 3)),
            };
            for unit in [Unit::Yuan, Unit::WanYuan] {
                assert_eq!(format_in(v, unit), reference(v, unit), "{v} {unit:?}");
            }
        }
    }

    #[test]
    fn formats_exact_amounts_in_units() {
        assert_eq!(format_in(101_070 * 10_000, Unit::WanYuan), "1010.70");
        assert_eq!(format_in(5, Unit::WanYuan), "0.000005");
        assert_eq!(format_in(-12_345, Unit::Yuan), "-123.45");
        assert_eq!(format_in(0, Unit::Yuan), "0.00");
        assert_eq!(format_in(0, Unit::WanYuan), "0.00");
        assert_eq!(format_in(7, Unit::Yuan), "0.07");
        assert_eq!(format_in(-120_000, Unit::WanYuan), "-0.12");
        assert_eq!(format_in(123_450_000, Unit::WanYuan), "123.45");
        assert_eq!(format_in(123_456_700, Unit::WanYuan), "123.4567");
        assert_eq!(format_in(i128::MIN, Unit::Yuan).len(), 41);
        // Beyond 64 bits (sums of sums): the slow path, same digits.
        assert_eq!(
            format_in(i128::from(u64::MAX) * 10 + 1, Unit::Yuan),
            "1844674407370955161.51"
        );
    }

    /// `evaluate_readings` gives what writing each reading into the cell
    /// and evaluating gives: every identity of the real samples, each of its
    /// printed cells, readings around and far from the printed amount.
    #[test]
    fn readings_evaluated_as_if_written() {
        let mut compared = 0;
        for text in crate::testing::sample_texts() {
            let mut doc = crate::pipeline::document(text.as_bytes()).expect("a sample");
            let ids = identities(&doc, Grammar::global());
            for id in &ids {
                for c in id.cells() {
                    let Some(printed) = c.value(&doc).map(|v| v.amount) else {
                        continue;
                    };
                    let readings: Vec<Amount> = [0, 1, -7, 99, 123_456]
                        .iter()
                        .map(|d| Amount {
                            cents: printed.cents + d,
                            decimals: 2,
                        })
                        .collect();
                    let shifted = id.evaluate_readings(&mut doc, c, &readings);
                    for (reading, got) in readings.iter().zip(shifted) {
                        let v = c.value_mut(&mut doc).expect("printed");
                        v.amount = *reading;
                        assert_eq!(got, id.evaluate(&doc), "{:?} {c:?}", id.subject);
                        compared += 1;
                    }
                    c.value_mut(&mut doc).expect("printed").amount = printed;
                }
            }
        }
        assert!(compared > 10_000, "{compared} readings compared");
    }
}
