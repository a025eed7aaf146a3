//! One table's rows → records: splits header from body, places the label and
//! amount columns, resolves measures, fills codes from parent rows.

use std::borrow::Cow;

use crate::amount::Amount;
use crate::grammar::identities::RowSum;
use crate::grammar::{Grammar, HeaderMeaning, Measure, Shape, TableKind};
use crate::model::{
    Cell, CellStatus, Document, Placement, Provenance, Section, Table, TableNo, Unit, Value,
};
use crate::normalize;

use super::columns::{self, Columns};

mod coded;
mod codes;
mod rows;
mod three_public;
mod two_sided;

use coded::{coded, place_misfits, Layout};
use codes::split_code_prefix;
pub(super) use codes::{code_and_name, starts_with_code};
use rows::{
    drop_margin_column, drop_row_number_columns, expenditure_first, is_panel_leaf,
    pad_trimmed_rows, panel_width, rejoin_rows_cut_in_an_amount, rejoin_split_rows,
    rejoin_trimmed_split_rows, rejoin_wrapped_names, relative_years, rotate_rows, split_panels,
};
pub(super) use three_public::three_public;
use two_sided::two_sided;

/// A table as segmented from the document, before its rows are understood.
#[derive(Debug)]
pub struct Draft {
    pub number: Option<TableNo>,
    pub kind: &'static TableKind,
    pub title: String,
    pub unit: Option<Unit>,
    pub at: Provenance,
    pub rows: Vec<Vec<Cell>>,
    /// Flow layout: the table's text lines (it has no cell rows).
    pub lines: Vec<(Provenance, String)>,
    pub declared_empty: bool,
    /// A row with an amount has come (the header is over).
    pub amounts_seen: bool,
    /// The agency the table's `编制部门：` line names.
    pub agency: Option<String>,
    /// Where the table's title came again after its rows had begun: a
    /// page break, unless what follows shows another table of the same
    /// title (`Draft::split_off_repeat`, `Segmenter::note_table_agency`).
    pub resumed: Option<Resumed>,
    /// Lines of the header printed apart from its cells, before its first
    /// amount (a heading on a line of its own, a wrapped one): a text
    /// dump's “三公” header may name its categories there.
    pub headings: Vec<String>,
}

/// The open table's title printed again (see `Draft::resumed`).
#[derive(Clone, Copy, Debug)]
pub struct Resumed {
    /// The table's rows before it.
    pub rows: usize,
    pub at: Provenance,
    /// The number printed with it (the table's own, or none).
    pub number: Option<TableNo>,
}

impl Draft {
    pub fn new(
        number: Option<TableNo>,
        kind: &'static TableKind,
        title: String,
        at: Provenance,
    ) -> Self {
        Draft {
            number,
            kind,
            title,
            unit: None,
            at,
            rows: Vec::new(),
            lines: Vec::new(),
            declared_empty: false,
            amounts_seen: false,
            agency: None,
            resumed: None,
            headings: Vec::new(),
        }
    }

    /// The table this draft heads, before any row is read.
    pub fn empty_table(&self) -> Table {
        Table {
            number: self.number,
            kind: self.kind.key,
            title: self.title.clone(),
            unit: self.unit.unwrap_or_default(),
            at: self.at,
            rows: Vec::new(),
            declared_empty: self.declared_empty,
            columns: Vec::new(),
            sides: None,
            issues: Vec::new(),
            placement: Placement::Cells,
        }
    }

    /// The rows since the title came again, as a table of their own
    /// (`agency`: whose), when they are one: a second table of the same
    /// title, not the first one's next page.
    pub fn split_off_repeat(&mut self, agency: Option<String>) -> Option<Draft> {
        let r = self.resumed.take()?;
        let mut next = Draft::new(r.number, self.kind, self.title.clone(), r.at);
        next.rows = self.rows.split_off(r.rows);
        next.unit = self.unit;
        next.amounts_seen = next.rows.iter().any(|row| row.iter().any(is_amount));
        next.agency = agency;
        Some(next)
    }

    /// Whether the rows before and after the repeated title each hold a
    /// total row (合计, 总计 …) with amounts: two tables, each with its total
    /// (one per unit with no agency line to tell them apart), not a table
    /// and its next page.
    pub fn repeat_is_another_table(&self) -> bool {
        let Some(r) = self.resumed else {
            return false;
        };
        let total = |row: &Vec<Cell>| {
            row.iter()
                .any(|c| crate::model::is_total_label(&normalize::label(&c.text)))
                && row.iter().any(is_amount)
        };
        let (before, after) = self.rows.split_at(r.rows.min(self.rows.len()));
        before.iter().any(total) && after.iter().any(total)
    }

    /// A title with no rows is a table-of-contents entry, not a table.
    pub fn is_phantom(&self) -> bool {
        self.rows.is_empty() && self.lines.is_empty() && !self.declared_empty
    }
}

fn text(cells: &[Cell], i: usize) -> &str {
    cells.get(i).map_or("", |c| c.text.as_str())
}

pub fn is_amount(c: &Cell) -> bool {
    Reading::of(c).is_some()
}

/// An amount, or several printed in one cell.
fn holds_amount(c: &Cell) -> bool {
    is_amount(c) || merged_amounts(c).is_some()
}

/// The first row that carries data: an amount that is not a column number.
pub(super) fn first_data_row(rows: &[Vec<Cell>]) -> usize {
    rows.iter()
        .position(|r| r.iter().any(holds_amount) && !columns::is_column_number_row(r))
        .unwrap_or(rows.len())
}

/// A header row repeated after a page break: no amounts, only header words.
pub fn is_repeated_header(g: &Grammar, cells: &[Cell]) -> bool {
    let filled: Vec<&Cell> = cells
        .iter()
        .filter(|c| !normalize::is_blank(&c.text))
        .collect();
    if filled.is_empty() || filled.iter().any(|c| is_amount(c)) {
        return false;
    }
    // Every cell a header word, or a label-column heading (项目, 类 …) beside
    // a group heading (`项目 | 一般公共预算支出`), with no code in the row.
    let no_code = || {
        filled.iter().all(|c| {
            !normalize::label(&c.text)
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
    };
    filled
        .iter()
        .all(|c| g.header(&c.text) != HeaderMeaning::Other)
        || (filled.len() <= 3 && g.header(&filled[0].text) == HeaderMeaning::Label && no_code())
}

/// A header row, in the body of the open table, that heads a label column
/// and names mostly amount columns its own header does not (`科目名称 |
/// 合计 | 基本支出 | 项目支出` under an income table's rows): the header of
/// a table whose title the dump lost. A header repeated at a page break
/// names the table's own columns, in part or in full (one of them perhaps
/// reworded); a table whose header named no column is not judged; a row of
/// labels that are also column names (a 决算 summary's `年初结转和结余 |
/// 年末结转和结余`) heads nothing.
pub fn heads_another_table(g: &Grammar, draft: &Draft, cells: &[Cell]) -> bool {
    // A label column's heading and a measure's: two cells at least (most
    // rows without amounts are blank or a label alone).
    if cells
        .iter()
        .filter(|c| !normalize::is_blank(&c.text))
        .count()
        < 2
    {
        return false;
    }
    let meanings: Vec<HeaderMeaning> = cells.iter().map(|c| g.header(&c.text)).collect();
    if !meanings.contains(&HeaderMeaning::Label) || !is_repeated_header(g, cells) {
        return false;
    }
    let measures = |meanings: Vec<HeaderMeaning>| -> Vec<Measure> {
        meanings
            .into_iter()
            .flat_map(|m| match m {
                HeaderMeaning::Measure(m) => vec![m],
                HeaderMeaning::Prefix(ms) => ms,
                _ => Vec::new(),
            })
            .collect()
    };
    let header = &draft.rows[..first_data_row(&draft.rows)];
    let own: Vec<Measure> = header
        .iter()
        .flat_map(|r| measures(r.iter().map(|c| g.header(&c.text)).collect()))
        .collect();
    // Most of what it names is new: a header repeated with one name
    // reworded (`财政拨款` for `财政拨款（补助）`) is the table's own.
    let mut named = measures(meanings);
    named.sort_unstable();
    named.dedup();
    let new = named.iter().filter(|m| !own.contains(m)).count();
    !own.is_empty() && !header.iter().any(|r| same_texts(r, cells)) && new * 2 > named.len()
}

/// Whether two rows print the same cells (blank cells ignored).
pub fn same_texts(a: &[Cell], b: &[Cell]) -> bool {
    fn filled(r: &[Cell]) -> impl Iterator<Item = &str> {
        r.iter()
            .map(|c| c.text.trim())
            .filter(|t| !normalize::is_blank(t))
    }
    filled(a).eq(filled(b))
}

/// The most common row length (ties: the longer).
fn typical_width(rows: &[Vec<Cell>]) -> usize {
    commonest_length(rows).map_or(0, |(len, _)| len)
}

/// The length of the longest header row, a column-number row left out.
fn widest_header_row<R: AsRef<[Cell]>>(header: &[R]) -> usize {
    header
        .iter()
        .map(AsRef::as_ref)
        .filter(|r| !columns::is_column_number_row(r))
        .map(<[Cell]>::len)
        .max()
        .unwrap_or(0)
}

/// The most common row length (ties: the longer) and how many rows have it.
fn commonest_length<R: AsRef<[Cell]>>(rows: &[R]) -> Option<(usize, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for r in rows {
        *counts.entry(r.as_ref().len()).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|(len, n)| (*n, *len))
}

/// Builds a table; `so_far` is the document read up to it (its tables and
/// kind: evidence for the flow solver; its year).
/// `trimmed_rows`: the dump trims each row's trailing blank cells
/// (`layout::trims_trailing_blanks`), so short rows are padded back.
pub fn build(g: &Grammar, draft: Draft, so_far: &Document, trimmed_rows: bool) -> Table {
    if draft.rows.is_empty() && !draft.lines.is_empty() {
        return super::flow::build(g, &draft, so_far);
    }
    let mut table = draft.empty_table();
    let mut rows = draft.rows;
    drop_margin_column(&mut rows);
    let split = first_data_row(&rows);
    // `rows` keeps the header; the body rows move out of it.
    // Header rows repeated at a page break go before rows are rejoined:
    // `项目 | 一般公共预算支出` and `编码 | 名称 | 合计 | …` may add up to
    // the table's width.
    // A lone header word (`合计`) may be the label half of a split row: it
    // is judged after rejoining.
    let mut body_owned = rows.split_off(split);
    body_owned.retain(|r| {
        let filled = r.iter().filter(|c| !normalize::is_blank(&c.text)).count();
        let repeats_header = (filled > 1 && is_repeated_header(g, r))
            || (filled > 0 && rows.iter().any(|h| same_texts(h, r)));
        !columns::is_column_number_row(r) && !repeats_header
    });
    body_owned = rejoin_rows_cut_in_an_amount(body_owned, widest_header_row(&rows));
    if trimmed_rows {
        body_owned = rejoin_trimmed_split_rows(&rows, body_owned);
        pad_trimmed_rows(&mut rows, &mut body_owned);
    }
    let mut body_owned = rejoin_split_rows(body_owned);
    if draft.kind.shape == Shape::Coded {
        body_owned = rejoin_wrapped_names(body_owned, draft.kind.has_project);
    }
    body_owned.retain(|r| !is_repeated_header(g, r));
    if body_owned.is_empty() {
        return table;
    }
    drop_row_number_columns(&mut rows, &mut body_owned, &draft.headings);
    relative_years(&mut rows, so_far.year);
    let slices: Vec<&[Cell]> = rows.iter().map(|r| r.as_slice()).collect();
    let joined = columns::join_wrapped_rows(g, &slices);
    let mut header: Vec<&[Cell]> = joined.iter().map(|r| &**r).collect();
    // Panels side by side (final accounts print 人员经费 | 公用经费 so): read
    // as one table, the left panel's rows before the right's.
    if draft.kind.shape == Shape::Coded {
        if let Some(p) = panel_width(&header, &body_owned) {
            header = header
                .iter()
                .filter(|r| is_panel_leaf(r, p))
                .map(|r| &r[..p.min(r.len())])
                .collect();
            let mut panels: Vec<Vec<Vec<Cell>>> = Vec::new();
            for r in body_owned {
                for (j, panel) in split_panels(r, p).into_iter().enumerate() {
                    if panels.len() <= j {
                        panels.push(Vec::new());
                    }
                    panels[j].push(panel);
                }
            }
            body_owned = panels
                .into_iter()
                .flatten()
                .filter(|r| r.iter().any(|c| !normalize::is_blank(&c.text)))
                .collect();
        }
    }
    match draft.kind.shape {
        Shape::Coded => coded(g, draft.kind, &header, &body_owned, &mut table),
        Shape::TwoSided => {
            // Sides printed expenditure first are read income first.
            let (header_rotated, body_rotated) = match expenditure_first(&header, &body_owned) {
                Some(at) => (rotate_rows(&header, at), rotate_rows(&body_owned, at)),
                None => (Vec::new(), Vec::new()),
            };
            let rotated = !header_rotated.is_empty();
            let header_rows: Vec<&[Cell]> = if rotated {
                header_rotated.iter().map(Vec::as_slice).collect()
            } else {
                header
            };
            two_sided(
                g,
                draft.kind,
                &header_rows,
                if rotated { &body_rotated } else { &body_owned },
                so_far.is_final_account(),
                &mut table,
            )
        }
        Shape::ThreePublic => three_public(
            g,
            draft.kind,
            &header,
            &draft.headings,
            &body_owned,
            false,
            &mut table,
        ),
    }
    if table.declared_empty && table.rows.iter().any(|r| !r.values.is_empty()) {
        table
            .issues
            .push("table is declared empty but prints amounts".to_string());
    }
    table
}

/// A row keyed by its label (no code) whose label cells the layout could
/// not tell from a neighbour's ([`Cell::label_in_doubt`]) is uncertain:
/// its amounts may be filed under another row's label.
fn label_floor(labels: &[Cell], floor: CellStatus, table: &mut Table) -> CellStatus {
    match labels.iter().find(|c| c.label_in_doubt) {
        Some(cell) => {
            table.issues.push(format!(
                "line {}: a label line printed between this row and the next may be either's: the row's amounts are uncertain",
                cell.at
            ));
            CellStatus::Uncertain
        }
        None => floor,
    }
}

/// Reads the amount cells `cells[from..from+cols.len()]` into values, no
/// surer than `floor` (a row whose cells do not line up is `Uncertain`).
fn values(
    g: &Grammar,
    section: Option<Section>,
    cells: &[Cell],
    from: usize,
    cols: &Columns,
    floor: CellStatus,
    table: &mut Table,
) -> Vec<Value> {
    let mut out = Vec::new();
    // Amounts the layout joined from two lines: (value index, first line's amount).
    let mut joined = Vec::new();
    // The amount cells read, (cell index past `from`, value index), kept
    // only for a row an aligned dump marked (`Cell::may_end_left_number`).
    let mut valued = Vec::new();
    let marked_split = cells.iter().skip(from).any(|c| c.may_end_left_number);
    // A percentage column's cells may print the sign (`-16.67%`), and a
    // `/` where there is no rate (nothing last year).
    let percentage = |m: Option<Measure>| m.is_some_and(|m| g.identities.is_percentage(m));
    let read = |cell: &Cell, measure: Option<Measure>| {
        Reading::of(cell).or_else(|| {
            percentage(measure)
                .then(|| Reading::of_percentage(cell))
                .flatten()
        })
    };
    let blank = |cell: &Cell, measure: Option<Measure>| {
        normalize::is_blank(&cell.text)
            || (percentage(measure) && matches!(cell.text.trim(), "/" | "／"))
    };
    // Text in an amount column: this row's cells have shifted, so none of
    // its amounts is where its header says.
    let text_in_amounts = cols.measures.iter().enumerate().any(|(i, m)| {
        cells
            .get(from + i)
            .is_some_and(|c| !blank(c, *m) && read(c, *m).is_none())
    });
    // An amount where the row's label belongs: its cells have shifted left.
    let amount_as_label = from
        .checked_sub(1)
        .and_then(|i| cells.get(i))
        .is_some_and(is_amount);
    let shifted = text_in_amounts || amount_as_label;
    // A row printing an amount in every column, and nothing after them,
    // shows its columns whatever the spacing: its amounts go in order.
    let fills_every_column = cells.len() == from + cols.measures.len()
        && cols.measures.iter().enumerate().all(|(i, m)| {
            cells
                .get(from + i)
                .is_some_and(|c| !blank(c, *m) && read(c, *m).is_some())
        });
    let floor = match cells.iter().find(|c| c.column_guessed) {
        Some(cell) if !fills_every_column => {
            table.issues.push(format!(
                "line {}: the dump's spacing does not show this row's columns: its amounts are uncertain",
                cell.at
            ));
            CellStatus::Uncertain
        }
        _ => floor,
    };
    let floor = if shifted {
        CellStatus::Uncertain
    } else {
        floor
    };
    for (i, measure) in cols.measures.iter().enumerate() {
        let Some(cell) = cells.get(from + i) else {
            continue;
        };
        if blank(cell, *measure) {
            continue;
        }
        let Some(reading) = read(cell, *measure) else {
            table.issues.push(format!(
                "line {}: '{}' in an amount column is not a number",
                cell.at,
                cell.text.trim()
            ));
            continue;
        };
        let amount = reading.amount();
        let Some(measure) = measure else {
            table.issues.push(format!(
                "line {}: amount {amount} in a column with no known header",
                cell.at
            ));
            continue;
        };
        let status = match reading {
            Reading::Printed(_) if cell.moved => CellStatus::Repaired,
            Reading::Printed(_) => CellStatus::Ok,
            Reading::Rebuilt(_) => CellStatus::Repaired,
            Reading::Either { head, .. } => {
                joined.push((out.len(), head));
                CellStatus::Ok
            }
        };
        if marked_split {
            valued.push((i, out.len()));
        }
        out.push(Value {
            measure,
            amount,
            status: cols.status.max(floor).max(status),
            at: cell.at,
            alternatives: cols.alternatives.get(i).cloned().unwrap_or_default(),
            restored_from: None,
        });
    }
    // Last first: settling may take a value out of the row.
    // A head joined to its tail is no tail of a piece before it (`1  2.3  4`).
    let mut consumed = None;
    for (k, &(i, tail)) in valued.iter().enumerate().rev() {
        let head_cell = k.checked_sub(1).map(|h| valued[h]);
        let marked = cells[from + i].may_end_left_number && consumed != Some(k);
        let Some((h, head)) = head_cell.filter(|_| marked) else {
            continue;
        };
        let either = |v: usize| joined.iter().any(|&(j, _)| j == v);
        let pieces = (&cells[from + h], &cells[from + i]);
        if settle_split(
            g,
            table,
            section,
            &mut out,
            (head, tail),
            pieces,
            either(head) || either(tail),
        ) {
            consumed = Some(k - 1);
            for (j, _) in joined.iter_mut().filter(|(j, _)| *j > head) {
                *j -= 1;
            }
        }
    }
    // Last first: settling may take a value out of the row.
    for (i, head) in joined.into_iter().rev() {
        settle_joined(g, table, section, &mut out, i, head);
    }
    // Amounts beyond the table's columns are not silently dropped.
    for cell in cells.iter().skip(from + cols.measures.len()) {
        if let Some(a) = Reading::of(cell).map(Reading::amount) {
            table.issues.push(format!(
                "line {}: amount {a} outside the table's columns",
                cell.at
            ));
        }
    }
    out
}

/// Settles two amounts an aligned dump printed two blanks or less apart,
/// each under a column of its own, that may be one number set apart in two
/// (`4  45.69`; [`Cell::may_end_left_number`]). When the row's sums hold
/// as printed they are two amounts; when they hold only for the number the
/// two make, placed where it ends (the head's column left empty), that is
/// the reading, `repaired`; otherwise both are `uncertain`. Returns whether
/// the head's value left the row.
fn settle_split(
    g: &Grammar,
    table: &mut Table,
    section: Option<Section>,
    values: &mut Vec<Value>,
    (head, tail): (usize, usize),
    (head_cell, tail_cell): (&Cell, &Cell),
    read_either_way: bool,
) -> bool {
    if row_sums_miss(g, table, section, values) == Some(0) {
        return false;
    }
    let line = tail_cell.at;
    let piece = |c: &Cell| c.text.trim_matches(normalize::is_space).to_string();
    let whole = format!("{}{}", piece(head_cell), piece(tail_cell));
    if let (Some(joined), false) = (Amount::parse(&whole), read_either_way) {
        let mut as_one = values.clone();
        as_one[tail].amount = joined;
        as_one[tail].status = as_one[tail].status.max(CellStatus::Repaired);
        as_one.remove(head);
        if row_sums_miss(g, table, section, &as_one) == Some(0) {
            table.issues.push(format!(
                "line {line}: '{}' and '{}' are one number set apart by a widened gap: {joined}, as the row's sums hold for it",
                piece(head_cell),
                piece(tail_cell)
            ));
            *values = as_one;
            return true;
        }
    }
    table.issues.push(format!(
        "line {line}: '{}' and '{}' may be one number set apart by a widened gap, and the row's sums hold for neither reading: both are uncertain",
        piece(head_cell),
        piece(tail_cell)
    ));
    for v in [head, tail] {
        values[v].status = values[v].status.max(CellStatus::Uncertain);
    }
    false
}

/// What an amount cell says.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reading {
    /// An amount printed on one line.
    Printed(Amount),
    /// Two lines of digits with one amount between them: a number cut
    /// across lines (`1536.` / `75`), or an amount and a page number that
    /// cannot be one number (`49.28` / `3`).
    Rebuilt(Amount),
    /// Two lines of digits that read both ways: one number that wrapped
    /// (`93` + `3` = 933) or an amount with a page number after it (93).
    /// With no `head` the first line was an empty cell (`⇥` / `27`): the
    /// cell's content on the next line, or an empty cell and a page number.
    Either {
        joined: Amount,
        head: Option<Amount>,
    },
}

impl Reading {
    /// `None` when the cell holds no amount.
    fn of(cell: &Cell) -> Option<Reading> {
        let whole = Amount::parse(&cell.text);
        let Some(k) = cell.joined_at else {
            return whole.map(Reading::Printed);
        };
        if k == 0 {
            return whole.map(|joined| Reading::Either { joined, head: None });
        }
        let head = cell.text.get(..k).and_then(Amount::parse);
        match (whole, head) {
            (Some(joined), Some(head)) => Some(Reading::Either {
                joined,
                head: Some(head),
            }),
            (Some(amount), None) | (None, Some(amount)) => Some(Reading::Rebuilt(amount)),
            (None, None) => None,
        }
    }

    /// A percentage printed with its sign (`-16.67%`, `5.2％`).
    fn of_percentage(cell: &Cell) -> Option<Reading> {
        let bare = cell
            .text
            .trim_matches(normalize::is_space)
            .strip_suffix(['%', '％'])?;
        Amount::parse(bare).map(Reading::Printed)
    }

    /// The reading kept until the row's sums are consulted: the joined one.
    fn amount(self) -> Amount {
        match self {
            Reading::Printed(a) | Reading::Rebuilt(a) => a,
            Reading::Either { joined, .. } => joined,
        }
    }
}

/// Settles an amount the layout joined from two lines (`93` + `3`): either a
/// number that wrapped, or an amount with a page number after it (with no
/// `head`: an empty cell and a page number, the value leaves the row). The
/// reading the row's sums hold for wins, flagged `repaired`. When they hold
/// for neither, the reading they miss by less stays (`345` + `13` in a row
/// whose publisher's sum is a cent out reads 345), `uncertain`; when they
/// hold for both or say nothing, the joined amount stays, `uncertain`.
fn settle_joined(
    g: &Grammar,
    table: &Table,
    section: Option<Section>,
    values: &mut Vec<Value>,
    i: usize,
    head: Option<Amount>,
) {
    let joined = values[i].amount;
    let joined_miss = row_sums_miss(g, table, section, values);
    let head_miss = match head {
        Some(head) => {
            values[i].amount = head;
            let miss = row_sums_miss(g, table, section, values);
            values[i].amount = joined;
            miss
        }
        None => {
            let taken = values.remove(i);
            let miss = row_sums_miss(g, table, section, values);
            values.insert(i, taken);
            miss
        }
    };
    let (take_head, status) = match (joined_miss, head_miss) {
        // `10.0` / `0`: the same amount either way.
        _ if head.is_some_and(|h| h.cents == joined.cents) => (false, CellStatus::Repaired),
        (Some(0), Some(h)) if h > 0 => (false, CellStatus::Repaired),
        (Some(j), Some(0)) if j > 0 => (true, CellStatus::Repaired),
        (Some(j), Some(h)) if h < j => (true, CellStatus::Uncertain),
        _ => (false, CellStatus::Uncertain),
    };
    if take_head {
        match head {
            Some(head) => values[i].amount = head,
            None if status == CellStatus::Repaired => {
                values.remove(i);
                return;
            }
            // An empty cell cannot be flagged: the amount stays, uncertain.
            None => {}
        }
    }
    values[i].status = values[i].status.max(status);
}

/// By how much the row sums of the table's kind that `values` print both
/// sides of miss, added up (0: all hold); `None` when none can be tested.
fn row_sums_miss(
    g: &Grammar,
    table: &Table,
    section: Option<Section>,
    values: &[Value],
) -> Option<i64> {
    let columns = table.columns_of(section);
    let has = |m: &Measure| columns.contains(m);
    let printed = |m: &Measure| {
        values
            .iter()
            .find(|v| v.measure == *m)
            .map(|v| v.amount.cents)
    };
    let mut miss = None;
    for rule in applicable_row_sums(g, table, section) {
        let parts: Vec<Option<i64>> = rule.parts.iter().filter(|m| has(m)).map(printed).collect();
        let Some(total) = printed(&rule.total) else {
            continue;
        };
        if parts.iter().all(Option::is_none) {
            continue;
        }
        let sum: i64 = parts.into_iter().flatten().sum();
        miss = Some(miss.unwrap_or(0) + (total - sum).abs());
    }
    miss
}

/// The row sums of the table's kind for `section` that its columns allow.
fn applicable_row_sums<'a>(
    g: &'a Grammar,
    table: &'a Table,
    section: Option<Section>,
) -> impl Iterator<Item = &'a RowSum> {
    let columns = table.columns_of(section);
    let kind = table.kind;
    g.identities.row_sums.iter().filter(move |rule| {
        rule.section == section && rule.applies(kind, |m: &Measure| columns.contains(m))
    })
}

/// The total of a row sum of the table's kind that the table has a column
/// for, left blank in a row that prints one of its parts above zero. A
/// table prints a row's total wherever it prints a part: a blank one means
/// the amounts are not in the columns the page's spacing gave them (an
/// amount set right under the next column's heading).
fn blank_total(
    g: &Grammar,
    table: &Table,
    section: Option<Section>,
    values: &[Value],
) -> Option<Measure> {
    let columns = table.columns_of(section);
    let printed = |m: &Measure| values.iter().find(|v| v.measure == *m);
    applicable_row_sums(g, table, section)
        .find(|rule| {
            columns.contains(&rule.total)
                && printed(&rule.total).is_none()
                && rule
                    .parts
                    .iter()
                    .any(|m| printed(m).is_some_and(|v| v.amount.cents > 0))
        })
        .map(|rule| rule.total)
}

/// How far a table's cell positions can be trusted. Dumps that drop empty
/// cells (pdftotext-like) shift amounts left; such rows are shorter than the
/// table. A row of the wrong length is uncertain; when many are, or the header
/// did not resolve, the whole table is.
struct Alignment {
    width: usize,
    /// The length nearly every row has (three in four at least), when it
    /// is the table's width or more (blank padding after the cells): a
    /// shorter row lost a cell somewhere, even if it still reaches the
    /// table's width.
    usual: Option<usize>,
    /// Rows must have the usual length exactly: in a coded or a transposed
    /// “三公” table a longer row whose extra cells are blank may hold a stray
    /// empty cell that moved the amounts after it right (two-sided tables
    /// print blank cells after a side's totals row: for them a longer row's
    /// sums decide, see `two_sided::reads_one_way`).
    exact: bool,
    table_floor: CellStatus,
    /// Rows that do not line up, of `rows`.
    misfit: usize,
    rows: usize,
}

impl Alignment {
    fn new<R: AsRef<[Cell]>>(body: &[R], width: usize, header_ok: bool, exact: bool) -> Self {
        let usual = usual_length(body, width);
        let mut align = Alignment {
            width,
            usual,
            exact,
            table_floor: CellStatus::Ok,
            misfit: 0,
            rows: 0,
        };
        align.misfit = body.iter().filter(|r| !align.fits(r.as_ref())).count();
        align.rows = body.len();
        if !header_ok || align.misfit * 4 > body.len() {
            align.table_floor = CellStatus::Uncertain;
        }
        align
    }

    /// Reports the rows that do not line up, `placed` of them put in their
    /// columns by the table's sums.
    fn report(&self, placed: usize, table: &mut Table) {
        let (misfit, rows, width) = (self.misfit, self.rows, self.width);
        match placed {
            0 if misfit > 0 => table.issues.push(format!(
                "{misfit} of {rows} rows do not have the table's {width} cells: their columns are uncertain"
            )),
            0 => {}
            _ if placed == misfit => table.issues.push(format!(
                "{misfit} of {rows} rows do not have the table's {width} cells: the table's sums placed their amounts (repaired)"
            )),
            _ => table.issues.push(format!(
                "{misfit} of {rows} rows do not have the table's {width} cells: the table's sums placed {placed}'s amounts (repaired), the others' columns are uncertain"
            )),
        }
    }

    /// A row lines up when it has the table's cells; blank padding after
    /// them does not matter, unless nearly every row has one length and
    /// this one has another.
    fn fits(&self, cells: &[Cell]) -> bool {
        let width = self.width;
        let lines_up = cells.len() == width
            || (cells.len() > width && cells[width..].iter().all(|c| normalize::is_blank(&c.text)));
        lines_up
            && self
                .usual
                .is_none_or(|len| cells.len() == len || (!self.exact && cells.len() > len))
    }

    /// Longer than nearly every row (the extra cells blank): a two-sided
    /// row may print a blank cell after its amounts (000's 总计) or hold a
    /// stray one that moved them right; only the row's sums can tell.
    fn is_longer(&self, cells: &[Cell]) -> bool {
        self.usual.is_some_and(|len| cells.len() > len)
    }

    fn floor(&self, cells: &[Cell]) -> CellStatus {
        if self.fits(cells) {
            self.table_floor
        } else {
            CellStatus::Uncertain
        }
    }
}

/// A row wider than the table whose cells after the labels print exactly
/// one amount or dash per amount column, under a header that prints one
/// heading per column the same way (`headings`: where its headings stand):
/// those cells in order, the empty ones between them dropped. An unruled
/// page sets a dash left in its cell and an amount right (`1037421.86 -`,
/// pdftotext `-layout`), and the columns its spacing suggests split a
/// column in two. A cell under a heading must be that heading's; one in a
/// gap between headings, a neighbour's.
fn printed_in_order(row: &[Cell], first: usize, headings: &[usize]) -> Option<Vec<Cell>> {
    let printed = printed_cells(row, first, headings.len())?;
    let fits_headings =
        printed
            .iter()
            .enumerate()
            .all(|(k, &(at, _))| match headings.binary_search(&at) {
                Ok(h) => h == k,
                Err(_) => {
                    let after_previous = k == 0 || headings[k - 1] < at;
                    let before_next = headings.get(k + 1).is_none_or(|&next| at < next);
                    after_previous && before_next
                }
            });
    let amounts = printed
        .iter()
        .all(|(_, c)| normalize::is_blank(&c.text) || is_amount(c));
    (fits_headings && amounts).then(|| {
        row[..first]
            .iter()
            .chain(printed.into_iter().map(|(_, c)| c))
            .cloned()
            .collect()
    })
}

/// The cells after the labels that print something, with their places,
/// when the row is wider than the table and they are exactly as many as
/// its amount columns.
fn printed_cells(row: &[Cell], first: usize, amounts: usize) -> Option<Vec<(usize, &Cell)>> {
    if amounts == 0 || row.len() <= first + amounts {
        return None;
    }
    let printed: Vec<(usize, &Cell)> = filled_after(row, first).collect();
    (printed.len() == amounts).then_some(printed)
}

/// The cells from `first` on that print anything (a dash too), with their
/// places.
fn filled_after(row: &[Cell], first: usize) -> impl Iterator<Item = (usize, &Cell)> {
    row.iter()
        .enumerate()
        .skip(first)
        .filter(|(_, c)| !c.text.trim().is_empty())
}

/// A coded row that omits its empty code cells (`201 | 05 | 统计信息事务 |
/// amounts…` under 类 款 项) is padded back to the table's width — but only
/// when its whole amount block is printed, so every amount's column is
/// certain. Any other short row is left alone (and reported uncertain).
fn realign_coded(
    row: &[Cell],
    code_cols: usize,
    has_project: bool,
    amounts: usize,
) -> Cow<'_, [Cell]> {
    let labels = 1 + usize::from(has_project);
    if row.len() >= code_cols + labels + amounts || row.len() < labels + amounts {
        return Cow::Borrowed(row);
    }
    let name_at = row.len() - amounts - labels;
    let block_printed = row[row.len() - amounts..].iter().all(is_amount);
    let name_is_text = !normalize::is_blank(&row[name_at].text) && !is_amount(&row[name_at]);
    let codes_only = row[..name_at].iter().all(|c| {
        let t = normalize::label(&c.text);
        !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
    });
    if !(block_printed && name_is_text && codes_only) {
        return Cow::Borrowed(row);
    }
    let at = row.first().map_or(Provenance::Line(0), |c| c.at);
    let mut out = row[..name_at].to_vec();
    out.resize(code_cols, Cell::new(String::new(), at));
    out.extend_from_slice(&row[name_at..]);
    Cow::Owned(out)
}

/// The length nearly every row has (three in four at least), when it is
/// `width` or more.
fn usual_length<R: AsRef<[Cell]>>(body: &[R], width: usize) -> Option<usize> {
    commonest_length(body)
        .filter(|&(len, n)| len >= width && n * 4 >= body.len() * 3)
        .map(|(len, _)| len)
}

/// A row as many cells short of the rows' usual length as its cells hold
/// extra amounts (`779.18 779.17`: the tab between two cells printed as a
/// space) gets those cells split, one amount each.
/// The split row is `repaired`, or `uncertain` when a split cell also reads
/// as one amount a space cut (`22 0.62` is 220.62 or 22 and 0.62).
fn split_merged_amounts(row: &[Cell], usual: Option<usize>) -> Option<(Vec<Cell>, CellStatus)> {
    let missing = usual?.checked_sub(row.len())?;
    if missing == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(row.len() + missing);
    let mut status = CellStatus::Repaired;
    for c in row {
        match merged_amounts(c) {
            Some(parts) => {
                if is_amount(c) {
                    status = CellStatus::Uncertain;
                }
                out.extend(parts.map(|p| Cell::new(p, c.at)));
            }
            None => out.push(c.clone()),
        }
    }
    (out.len() == row.len() + missing).then_some((out, status))
}

/// The amounts of a cell that holds two or more, space-separated.
fn merged_amounts(c: &Cell) -> Option<std::str::SplitWhitespace<'_>> {
    let parts = c.text.split_whitespace();
    let merged = c.joined_at.is_none()
        && parts.clone().nth(1).is_some()
        && parts.clone().all(|p| Amount::parse(p).is_some());
    merged.then_some(parts)
}

/// A short coded row whose code piece and name share a cell (`208 社会保障
/// 和就业支出`, `01 人力资源…`: the column border lost in extraction) gets
/// them in two cells, the piece where a code cell belongs; the caller puts
/// the row's cells back in place. A piece is 2 or 3 digits (a 类 or 款/项
/// level), so `2020年…` is a name.
fn split_code_from_name(row: &[Cell], code_cols: usize, expected: usize) -> Option<Vec<Cell>> {
    if code_cols == 0 || row.len() >= expected {
        return None;
    }
    let at = (0..=code_cols.min(row.len().saturating_sub(1))).find(|&i| {
        let t = normalize::label(&row[i].text);
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        matches!(digits, 2 | 3)
            && t[digits..].starts_with(|c: char| !c.is_ascii_digit() && c != '.' && c != ',')
    })?;
    let label = normalize::label(&row[at].text).into_owned();
    let digits = label.bytes().take_while(u8::is_ascii_digit).count();
    let (piece, name) = label.split_at(digits);
    let mut out = row[..at].to_vec();
    out.push(Cell::new(piece, row[at].at));
    out.push(Cell::new(name, row[at].at));
    out.extend_from_slice(&row[at + 1..]);
    Some(out)
}

/// A coded row `d` cells shorter than the rows' usual length whose name sits
/// `d` columns left, in a code column (`208 | | 社会保障和就业支出 | …` under
/// 类 款 项): the dropped cells were blank code cells, so the name and every
/// amount after it move back right by `d`. Any other short row is left to
/// [`realign_coded`] and the alignment check.
fn restore_dropped_code_cells(
    row: &[Cell],
    code_cols: usize,
    usual: Option<usize>,
) -> Option<Vec<Cell>> {
    let missing = usual?.checked_sub(row.len())?;
    if missing == 0 || missing > code_cols {
        return None;
    }
    let name_at = code_cols - missing;
    let name = row.get(name_at)?;
    let is_code = |c: &Cell| {
        let t = normalize::label(&c.text);
        t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
    };
    // A name that starts with digits (`01 行政运行`) holds a code of its
    // own: the row is not short of code cells.
    let starts_with_digit = normalize::label(&name.text).starts_with(|c: char| c.is_ascii_digit());
    if is_code(name) || is_amount(name) || starts_with_digit || !row[..name_at].iter().all(is_code)
    {
        return None;
    }
    let mut out = row.to_vec();
    let blank = Cell::new(String::new(), name.at);
    out.splice(name_at..name_at, std::iter::repeat_n(blank, missing));
    Some(out)
}

/// A coded row one cell longer than the rows' usual length whose name sits
/// one column right, a blank where it belongs (`208 | | | ⇥ | 社会保障和就业支出
/// | …`): a stray blank cell before the name moved it and every amount
/// after it right. Taken out, it puts them back — when every blank it can
/// be leaves the same code cells (`⇥ | | 05 | |` is 款 05 or 项 05: left
/// alone).
fn remove_stray_label_cell(
    row: &[Cell],
    code_cols: usize,
    usual: Option<usize>,
) -> Option<Vec<Cell>> {
    if usual? + 1 != row.len() || !normalize::is_blank(&row.get(code_cols)?.text) {
        return None;
    }
    let name = row.get(code_cols + 1)?;
    if normalize::is_blank(&name.text) || holds_amount(name) {
        return None;
    }
    let codes_without = |stray: usize| -> Vec<String> {
        (0..code_cols)
            .map(|i| if i < stray { i } else { i + 1 })
            .map(|i| normalize::label(&row[i].text).into_owned())
            .collect()
    };
    let placed = codes_without(code_cols);
    let blanks = (0..code_cols).filter(|&i| normalize::is_blank(&row[i].text));
    if blanks.map(codes_without).any(|codes| codes != placed) {
        return None;
    }
    let mut out = row.to_vec();
    out.remove(code_cols);
    Some(out)
}

/// A label and the amounts printed after it.
type Run<'a> = (&'a Cell, Vec<&'a Cell>);

/// A two-sided row whose blank cells were dropped, rebuilt from what its
/// cells hold: `label | label | amount` is an income label without amount
/// beside an expenditure row; `label | amount` is expenditure when the label
/// names a 类 (or 支出总计), income otherwise. Rows that match no such
/// pattern are left alone (and reported uncertain).
fn realign_two_sided<'r>(
    g: &Grammar,
    row: &'r [Cell],
    width: usize,
    split: usize,
) -> (Cow<'r, [Cell]>, CellStatus) {
    // A class, a code, words naming spending and no income (`本年支出
    // 合计` printed alone on the right), or a line only the expenditure
    // side prints (the year-end balance, 结余分配).
    let is_expenditure_label = |c: &Cell| {
        let t = normalize::label(&c.text);
        g.class_code(&t).is_some()
            || split_code_prefix(g, &t).is_some()
            || (t.contains("支出") && !t.contains("收入") && !t.contains("收支"))
            || normalize::names_expenditure_side_line(normalize::strip_ordinal(&t))
    };
    // A full-width row may be an expenditure row that lost its leading
    // blank cells and was padded at its end (`221 住房保障支出 | 80.72 | |`).
    let expenditure_on_the_left = row.first().is_some_and(is_expenditure_label)
        && row
            .get(split..)
            .is_some_and(|r| r.iter().all(|c| normalize::is_blank(&c.text)));
    if row.len() >= width && !expenditure_on_the_left {
        return (Cow::Borrowed(row), CellStatus::Ok);
    }
    if let Some(parted) = amount_run_into_expenditure_label(row, &is_expenditure_label) {
        // The amount goes to the income side by its place before the
        // label alone: the row is read `repaired`, for its sums to settle.
        let (out, status) = realign_two_sided(g, &parted, width, split);
        return (
            Cow::Owned(out.into_owned()),
            status.max(CellStatus::Repaired),
        );
    }
    let at = row.first().map_or(Provenance::Line(0), |c| c.at);
    let filled: Vec<&Cell> = row
        .iter()
        .filter(|c| !normalize::is_blank(&c.text))
        .collect();
    let kinds: Vec<bool> = filled.iter().map(|c| is_amount(c)).collect();
    let (income_width, exp_width) = (split - 1, width - split - 1);
    // Runs of the row: labels and the amounts after each.
    let mut runs: Vec<Run> = Vec::new();
    // Digits that are no amount (`77.65 77.65`, two cells in one) are no
    // label either: the row is left as it is, and reported.
    let numeric = |c: &Cell| {
        c.text
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | ',' | '-') || ch.is_whitespace())
    };
    if filled
        .iter()
        .zip(&kinds)
        .any(|(c, amount)| !amount && numeric(c))
    {
        return (Cow::Borrowed(row), CellStatus::Ok);
    }
    for (c, amount) in filled.iter().zip(&kinds) {
        match (amount, runs.last_mut()) {
            (true, Some((_, amounts))) => amounts.push(c),
            (true, None) => return (Cow::Borrowed(row), CellStatus::Ok),
            (false, _) => runs.push((c, Vec::new())),
        }
    }
    let (income, expenditure): (Option<&Run>, Option<&Run>) = match runs.as_slice() {
        [one] if is_expenditure_label(one.0) => (None, Some(one)),
        [one] => (Some(one), None),
        [inc, exp] => (Some(inc), Some(exp)),
        _ => return (Cow::Borrowed(row), CellStatus::Ok),
    };
    let mut out = vec![Cell::new(String::new(), at); width];
    let mut status = CellStatus::Ok;
    for (side, start, room) in [(income, 0, income_width), (expenditure, split, exp_width)] {
        let Some((label, amounts)) = side else {
            continue;
        };
        if amounts.len() > room {
            return (Cow::Borrowed(row), CellStatus::Ok);
        }
        // Several amounts left-aligned: a blank dropped between them cannot
        // be ruled out from the row alone.
        if amounts.len() > 1 && amounts.len() < room {
            status = CellStatus::Repaired;
        }
        out[start] = (*label).clone();
        for (i, c) in amounts.iter().enumerate() {
            out[start + 1 + i] = (*c).clone();
        }
    }
    (Cow::Owned(out), status)
}

/// A two-sided row whose income amount was run into the expenditure label
/// beside it (`5.24 221 住房保障支出`: `pdftotext -fixed 8` sets one blank
/// between them), with the amount cut off into a cell of its own; `None`
/// when no cell is one.
fn amount_run_into_expenditure_label(
    row: &[Cell],
    is_expenditure_label: &impl Fn(&Cell) -> bool,
) -> Option<Vec<Cell>> {
    let parts = |c: &Cell| -> Option<(Cell, Cell)> {
        let (first, rest) = c.text.trim().split_once(char::is_whitespace)?;
        if !first.contains('.') {
            return None;
        }
        let mut amount = c.clone();
        amount.text = first.to_string();
        let mut label = c.clone();
        label.text = rest.trim_start().to_string();
        (is_amount(&amount) && !is_amount(&label) && is_expenditure_label(&label))
            .then_some((amount, label))
    };
    let parted: Vec<Option<(Cell, Cell)>> = row.iter().map(parts).collect();
    if parted.iter().all(Option::is_none) {
        return None;
    }
    let mut out = Vec::with_capacity(row.len() + 1);
    for (c, parts) in row.iter().zip(parted) {
        match parts {
            Some((amount, label)) => out.extend([amount, label]),
            None => out.push(c.clone()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(texts: &[&str]) -> Vec<Cell> {
        texts
            .iter()
            .map(|t| Cell::new(*t, Provenance::Line(1)))
            .collect()
    }

    fn texts(row: &[Cell]) -> Vec<&str> {
        row.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn a_row_printing_one_cell_per_column_is_read_in_order() {
        // `pdftotext -layout` of an unruled page: 项目支出's amount sits in
        // a span of its own, its dash in another, as does the next column's.
        let headings = [2, 3, 6, 8, 10, 12];
        let row = cells(&[
            "",
            "合计",
            "9429933.73",
            "8392511.87",
            "",
            "",
            "1037421.86",
            "-",
            "",
            "",
            "-",
            "",
            "-",
            "",
        ]);
        let read = printed_in_order(&row, 2, &headings).unwrap();
        assert_eq!(
            texts(&read),
            [
                "",
                "合计",
                "9429933.73",
                "8392511.87",
                "1037421.86",
                "-",
                "-",
                "-"
            ]
        );
        // A dash in the gap before 项目支出's heading is 项目支出's.
        let dashed = cells(&[
            "208", "名称", "1.00", "1.00", "-", "", "", "", "-", "", "-", "", "-", "",
        ]);
        let read = printed_in_order(&dashed, 2, &headings).unwrap();
        assert_eq!(texts(&read)[2..], ["1.00", "1.00", "-", "-", "-", "-"]);
        // An amount under 项目支出's heading is never read as 基本支出's,
        // even when a stray dash makes the count (it is past the last
        // heading).
        let stray = cells(&[
            "210", "名称", "1.00", "", "", "", "1.00", "-", "", "", "-", "", "-", "", "-",
        ]);
        assert!(printed_in_order(&stray, 2, &headings).is_none());
        // One cell short, or a word among them: no order.
        let short = cells(&[
            "", "合计", "1.00", "", "", "", "1.00", "-", "", "", "-", "", "", "",
        ]);
        assert!(printed_in_order(&short, 2, &headings).is_none());
        let worded = cells(&[
            "", "合计", "1.00", "注", "", "", "1.00", "-", "", "", "-", "", "-", "",
        ]);
        assert!(printed_in_order(&worded, 2, &headings).is_none());
    }

    #[test]
    fn rows_trimmed_of_their_trailing_blanks_are_padded_back() {
        let header = || vec![cells(&["科目", "", "名称", "合计", "基本支出", "项目支出"])];
        let body = || {
            vec![
                cells(&["208", "", "社会保障和就业支出", "10.00", "10.00"]),
                cells(&["208", "05", "行政事业单位养老支出", "10.00", "", "10.00"]),
            ]
        };
        let (mut h, mut b) = (header(), body());
        pad_trimmed_rows(&mut h, &mut b);
        assert_eq!(
            texts(&b[0]),
            ["208", "", "社会保障和就业支出", "10.00", "10.00", ""]
        );
        assert_eq!(b[1], body()[1]);
        // A row that ends blank: the dump does not trim.
        let (mut h, mut b) = (header(), body());
        b[1].push(Cell::new("", Provenance::Line(1)));
        pad_trimmed_rows(&mut h, &mut b);
        assert_eq!(b[0].len(), 5);
        // No empty cell before a filled one: the dump drops every blank
        // cell, and a short row's amounts may be any columns'.
        let (mut h, mut b) = (
            vec![cells(&["名称", "合计", "基本支出", "项目支出"])],
            vec![
                cells(&["社会保障和就业支出", "10.00", "10.00"]),
                cells(&["行政事业单位养老支出", "10.00", "4.00", "6.00"]),
            ],
        );
        pad_trimmed_rows(&mut h, &mut b);
        assert_eq!(b[0].len(), 3);
        // Rows that keep every cell, one of them a cell too wide (an extra
        // tab, Hunan's 收入总表): the rest keep the header's width, the
        // wide row its cells.
        let header = || vec![cells(&["科目", "名称", "合计", "基本支出", "项目支出"])];
        let (mut h, mut b) = (
            header(),
            vec![
                cells(&["", "合计", "10.00", "", "10.00", "0.00"]),
                cells(&["208", "社会保障和就业支出", "10.00", "10.00", "0.00"]),
                cells(&["20805", "行政事业单位养老支出", "10.00", "10.00", "0.00"]),
            ],
        );
        pad_trimmed_rows(&mut h, &mut b);
        assert_eq!(
            b.iter().map(Vec::len).collect::<Vec<_>>(),
            [6, 5, 5],
            "{b:?}"
        );
        // Two rows as wide: the table's width, the others padded to it.
        let (mut h, mut b) = (
            header(),
            vec![
                cells(&["", "合计", "10.00", "4.00", "6.00", "1.00"]),
                cells(&["208", "", "社会保障和就业支出", "10.00", "4.00", "6.00"]),
                cells(&["20805", "行政事业单位养老支出", "10.00", "4.00"]),
            ],
        );
        pad_trimmed_rows(&mut h, &mut b);
        assert_eq!(b[2].len(), 6);
    }

    #[test]
    fn a_row_cut_inside_an_amount_is_joined_for_its_sums_to_settle() {
        // Sichuan's 表5 row `210 | 11 | 01 | 行政单位医疗 | 13.15 | …` with
        // a line break after its first digit.
        let rows = vec![
            cells(&["210", "11", "01", "行政单位医疗", "1"]),
            cells(&["3.15", "13.15", "13.15", "0.00", "0.00"]),
            cells(&[
                "221",
                "",
                "",
                "住房保障支出",
                "36.11",
                "36.11",
                "36.11",
                "0.00",
                "0.00",
            ]),
        ];
        let joined = rejoin_rows_cut_in_an_amount(rows.clone(), 9);
        assert_eq!(joined.len(), 2);
        assert_eq!(
            texts(&joined[0]),
            [
                "210",
                "11",
                "01",
                "行政单位医疗",
                "13.15",
                "13.15",
                "13.15",
                "0.00",
                "0.00"
            ]
        );
        assert_eq!(joined[0][4].joined_at, Some(1));
        // Not when the halves are the table's width (a row split at a
        // tab, another reader's), nor when the second half has a label.
        assert_eq!(rejoin_rows_cut_in_an_amount(rows.clone(), 10).len(), 3);
        let mut labelled = rows;
        labelled[1][1] = Cell::new("合计", Provenance::Line(2));
        assert_eq!(rejoin_rows_cut_in_an_amount(labelled, 9).len(), 3);
    }

    #[test]
    fn two_pieces_of_a_number_under_two_columns_are_settled_by_the_row_sums() {
        // `445.69` set as `4  45.69` by `pdftotext -layout`, the `4` under
        // 基本支出 (empty in this row), `45.69` under 项目支出: the layout
        // marks the second piece, the row's sums decide.
        let g = Grammar::global();
        let read = |total: &str| {
            let kind = g.kind("general_budget").unwrap();
            let mut draft = Draft::new(
                Some(5.into()),
                kind,
                "一般公共预算支出表".into(),
                Provenance::Line(1),
            );
            draft.rows = vec![
                cells(&["科目编码", "科目名称", "合计", "基本支出", "项目支出"]),
                cells(&["208", "社会保障和就业支出", total, "4", "45.69"]),
                cells(&["20801", "人力资源事务", "100.00", "100.00", ""]),
            ];
            draft.rows[1][4].may_end_left_number = true;
            let table = build(g, draft, &Document::default(), false);
            let row = table
                .rows
                .into_iter()
                .find(|r| r.item == "社会保障和就业支出")
                .unwrap();
            let values: Vec<(&str, String, CellStatus)> = row
                .values
                .iter()
                .map(|v| (v.measure, v.amount.to_string(), v.status))
                .collect();
            (values, table.issues)
        };
        // The sums hold for the number the two make: it is read, repaired,
        // where it ends; 基本支出 is empty.
        let (values, issues) = read("445.69");
        assert_eq!(
            values,
            [
                ("total", "445.69".to_string(), CellStatus::Ok),
                ("project", "445.69".to_string(), CellStatus::Repaired)
            ],
            "{issues:?}"
        );
        // They hold as printed: two amounts.
        let (values, _) = read("49.69");
        assert!(values.iter().all(|v| v.2 == CellStatus::Ok), "{values:?}");
        assert_eq!(values[1].1, "4");
        // For neither: both pieces are uncertain.
        let (values, issues) = read("500.00");
        let statuses: Vec<CellStatus> = values.iter().map(|v| v.2).collect();
        assert_eq!(
            statuses,
            [CellStatus::Ok, CellStatus::Uncertain, CellStatus::Uncertain],
            "{issues:?}"
        );
    }

    #[test]
    fn amounts_alone_under_a_coded_row_join_it_moved() {
        let rows = vec![
            cells(&["208", "05", "01", "行政单位离退休", "", ""]),
            cells(&["", "", "", "", "28.46", "28.46"]),
            cells(&["208", "05", "05", "养老保险缴费", "", ""]),
            // A total's label in a later column: a row of its own.
            cells(&["", "", "", "", "合计", "98.56"]),
            cells(&["210", "11", "03", "公务员医疗补助", "", "", ""]),
            // The header's column numbers repeated under it: no amounts.
            cells(&["", "", "", "", "1", "2", "3"]),
        ];
        let joined = rejoin_wrapped_names(rows, false);
        assert_eq!(joined.len(), 5);
        assert_eq!(texts(&joined[4])[4..], ["1", "2", "3"]);
        assert_eq!(
            texts(&joined[0]),
            ["208", "05", "01", "行政单位离退休", "28.46", "28.46"]
        );
        assert!(joined[0][4].moved && joined[0][5].moved && !joined[0][3].moved);
        assert_eq!(texts(&joined[2])[4], "合计");
    }

    #[test]
    fn names_wrapped_over_three_lines_and_projects_wrapped_join_their_row() {
        // Before 2026-12-07 only one piece joined: the third was dropped,
        // the row's name cut short, ok.
        let rows = vec![
            cells(&["208", "05", "05", "机关事业单位", "49.82", "49.82"]),
            cells(&["", "", "", "基本养老保险", "", ""]),
            cells(&["", "", "", "缴费支出", "", ""]),
            cells(&["208", "01", "", "人力资源和", "", ""]),
            cells(&["", "", "", "社会保障管理", "10.00", "10.00"]),
            cells(&["", "", "", "事务", "", ""]),
        ];
        let joined = rejoin_wrapped_names(rows, false);
        assert_eq!(
            joined.iter().map(|r| texts(r)).collect::<Vec<_>>(),
            [
                [
                    "208",
                    "05",
                    "05",
                    "机关事业单位基本养老保险缴费支出",
                    "49.82",
                    "49.82"
                ],
                [
                    "208",
                    "01",
                    "",
                    "人力资源和社会保障管理事务",
                    "10.00",
                    "10.00"
                ],
            ]
        );
        // A project's name wrapped in its own column, after the amounts.
        let rows = vec![
            cells(&[
                "208",
                "06",
                "99",
                "其他企业改革发展补助",
                "2024年破产企业生活费",
                "82.46",
            ]),
            cells(&["", "", "", "", "(县级配套)", ""]),
            cells(&[
                "208",
                "06",
                "99",
                "其他企业改革发展补助",
                "另一项目",
                "1.00",
            ]),
        ];
        let joined = rejoin_wrapped_names(rows, true);
        assert_eq!(
            joined.iter().map(|r| texts(r)[4]).collect::<Vec<_>>(),
            ["2024年破产企业生活费(县级配套)", "另一项目"]
        );
        // Joined, it may be a project printing no amounts: in doubt. A
        // total's label is the table's own row.
        assert!(joined[0][4].label_in_doubt && !joined[1][4].label_in_doubt);
        let rows = vec![
            cells(&["208", "06", "99", "其他企业改革发展补助", "某项目", "82.46"]),
            cells(&["", "", "", "", "合计", ""]),
        ];
        assert_eq!(rejoin_wrapped_names(rows, true).len(), 2);
    }

    #[test]
    fn an_empty_first_column_is_a_margin() {
        let mut rows = vec![
            cells(&["", "合计", "因公出国(境)费", "公务接待费"]),
            cells(&["", "8.93", "", "2.00"]),
        ];
        drop_margin_column(&mut rows);
        assert_eq!(texts(&rows[0]), ["合计", "因公出国(境)费", "公务接待费"]);
        assert_eq!(texts(&rows[1]), ["8.93", "", "2.00"]);
        // A 类 row prints its code in the first column: no margin.
        let mut rows = vec![
            cells(&["", "01", "", "人力资源和社会保障管理事务", "10.00"]),
            cells(&["208", "", "", "社会保障和就业支出", "10.00"]),
        ];
        drop_margin_column(&mut rows);
        assert_eq!(rows[1].len(), 5);
    }

    #[test]
    fn a_row_cut_at_a_tab_is_joined_again() {
        let header = vec![cells(&["科目", "", "名称", "合计", "基本支出", "项目支出"])];
        let label_half = || cells(&["208", "05", "行政事业单位养老支出"]);
        // Trimmed: the amounts' line starts with an amount.
        let joined = rejoin_trimmed_split_rows(
            &header,
            vec![label_half(), cells(&["10.00", "4.00", "6.00"])],
        );
        assert_eq!(
            joined.iter().map(|r| texts(r)).collect::<Vec<_>>(),
            [["208", "05", "行政事业单位养老支出", "10.00", "4.00", "6.00"]]
        );
        // A row whose amounts are all blank, then the next row: not joined.
        let next = cells(&["208", "05", "01", "行政单位离退休", "10.00"]);
        assert_eq!(
            rejoin_trimmed_split_rows(&header, vec![label_half(), next.clone()]).len(),
            2
        );
        // A row of amounts after a full row (a transposed table's) is its
        // own; so are halves wider than the table together.
        let full = cells(&["208", "05", "行政事业单位养老支出", "10.00"]);
        assert_eq!(
            rejoin_trimmed_split_rows(&header, vec![full, cells(&["4.00", "6.00"])]).len(),
            2
        );
        // The label wrapped: its rest starts the amounts' line.
        let joined = rejoin_trimmed_split_rows(
            &header,
            vec![
                cells(&["208", "05", "行政事业单位"]),
                cells(&["养老支出", "10.00", "4.00", "6.00"]),
            ],
        );
        assert_eq!(
            joined.iter().map(|r| texts(r)).collect::<Vec<_>>(),
            [["208", "05", "行政事业单位养老支出", "10.00", "4.00", "6.00"]]
        );
        // Not after a row without a code (a two-sided table's `一、本年收入`
        // then `1.一般公共预算拨款 | 10.00`).
        let rows = vec![
            cells(&["一、本年收入"]),
            cells(&["一般公共预算拨款", "10.00"]),
        ];
        assert_eq!(rejoin_trimmed_split_rows(&header, rows).len(), 2);
        // Nor a transposed “三公” table's `上年预算数` and its amounts, nor a
        // total row's label after a coded row with blank amounts.
        let rows = vec![cells(&["上年预算数"]), cells(&["30000.00", "", "30000.00"])];
        assert_eq!(rejoin_trimmed_split_rows(&header, rows).len(), 2);
        let rows = vec![
            cells(&["221", "02", "住房公积金"]),
            cells(&["合计", "10.00", "4.00", "6.00"]),
        ];
        assert_eq!(rejoin_trimmed_split_rows(&header, rows).len(), 2);
        let wide = cells(&["10.00", "4.00", "6.00", "0.00"]);
        assert_eq!(
            rejoin_trimmed_split_rows(&header, vec![label_half(), wide]).len(),
            2
        );
        // As printed (blanks kept): the codes do not stop the label half
        // from taking the amounts half that completes the table's width.
        let row = cells(&["208", "05", "01", "行政单位离退休", "10.00", "4.00"]);
        let rows = vec![
            label_half(),
            cells(&["10.00", "4.00", "6.00"]),
            row.clone(),
            row,
        ];
        let joined = rejoin_split_rows(rows);
        assert_eq!(joined.iter().map(Vec::len).collect::<Vec<_>>(), [6, 6, 6]);
    }

    #[test]
    fn dropped_code_cells_are_put_back_before_the_name() {
        // 类 款 项 | name | 3 amounts: seven cells usually.
        let row = cells(&["208", "", "社会保障和就业支出", "1536.75", "", "22"]);
        let restored = restore_dropped_code_cells(&row, 3, Some(7)).unwrap();
        assert_eq!(
            texts(&restored),
            ["208", "", "", "社会保障和就业支出", "1536.75", "", "22"]
        );
        // Where the blanks went among the code cells is not known: `01` now
        // sits under 类, makes no code, and `coded` leaves the row uncertain.
        let kuan = cells(&["01", "人力资源和社会保障管理事务", "1146.18", "", ""]);
        assert_eq!(
            texts(&restore_dropped_code_cells(&kuan, 3, Some(7)).unwrap()),
            [
                "01",
                "",
                "",
                "人力资源和社会保障管理事务",
                "1146.18",
                "",
                ""
            ]
        );
        // A name that carries its own code (`01 行政运行`, two cells in one)
        // is not short of code cells.
        let own_code = cells(&["208", "01", "01 行政运行", "955.29", "955.29", ""]);
        assert!(restore_dropped_code_cells(&own_code, 3, Some(7)).is_none());
        // The name where it belongs: a cell was lost elsewhere.
        let late = cells(&["208", "", "", "社会保障和就业支出", "1536.75", "22"]);
        assert!(restore_dropped_code_cells(&late, 3, Some(7)).is_none());
        // An amount where the name would be, or no usual length: left alone.
        let shifted = cells(&["208", "", "1536.75", "", "22", "", ""]);
        assert!(restore_dropped_code_cells(&shifted[..6], 3, Some(7)).is_none());
        assert!(restore_dropped_code_cells(&row, 3, None).is_none());
    }

    #[test]
    fn a_stray_cell_before_the_name_is_taken_out_when_the_codes_agree() {
        let row = cells(&["208", "", "", "", "社会保障和就业支出", "1536.75", ""]);
        assert_eq!(
            texts(&remove_stray_label_cell(&row, 3, Some(6)).unwrap()),
            ["208", "", "", "社会保障和就业支出", "1536.75", ""]
        );
        // `05` is 款 or 项 depending on which blank was the stray one.
        let kuan = cells(&["", "", "05", "", "行政事业单位养老支出", "151.24", ""]);
        assert!(remove_stray_label_cell(&kuan, 3, Some(6)).is_none());
        // Not one cell longer than usual: left alone.
        assert!(remove_stray_label_cell(&row, 3, Some(7)).is_none());
    }

    #[test]
    fn a_code_piece_sharing_the_name_cell_is_split_off() {
        let kuan = cells(&[
            "208",
            "01 人力资源和社会保障管理事务",
            "376.92",
            "376.61",
            "0.31",
        ]);
        assert_eq!(
            texts(&split_code_from_name(&kuan, 3, 7).unwrap()),
            [
                "208",
                "01",
                "人力资源和社会保障管理事务",
                "376.92",
                "376.61",
                "0.31"
            ]
        );
        let lei = cells(&["208 社会保障和就业支出", "933.34"]);
        assert_eq!(
            texts(&split_code_from_name(&lei, 3, 7).unwrap()),
            ["208", "社会保障和就业支出", "933.34"]
        );
        // A year is no code piece, and a full row is left alone.
        let year = cells(&["2020年结转", "5"]);
        assert!(split_code_from_name(&year, 3, 7).is_none());
        let full = cells(&["208", "01", "", "01 行政运行", "1", "1", ""]);
        assert!(split_code_from_name(&full, 3, 7).is_none());
    }

    #[test]
    fn merged_amounts_are_split_when_the_row_is_short_by_as_many() {
        let row = cells(&["行政运行", "779.18\u{3000} 779.17\u{3000}", "", ""]);
        assert_eq!(
            texts(&split_merged_amounts(&row, Some(5)).unwrap().0),
            ["行政运行", "779.18", "779.17", "", ""]
        );
        assert_eq!(
            split_merged_amounts(&row, Some(5)).unwrap().1,
            CellStatus::Repaired
        );
        // `22 0.62` also reads as 220.62 (a number a space cut): split, but
        // uncertain.
        let either = cells(&["其他", "22 0.62", "", ""]);
        let (split, status) = split_merged_amounts(&either, Some(5)).unwrap();
        assert_eq!(texts(&split), ["其他", "22", "0.62", "", ""]);
        assert_eq!(status, CellStatus::Uncertain);
        // Short by another count, or not short: left alone.
        assert!(split_merged_amounts(&row, Some(6)).is_none());
        assert!(split_merged_amounts(&row, Some(4)).is_none());
        // Text with digits is no pair of amounts.
        let label = cells(&["第 1 2 项", "5", ""]);
        assert!(split_merged_amounts(&label, Some(4)).is_none());
    }

    #[test]
    fn digits_that_are_no_amount_are_no_two_sided_label() {
        // `221 住房保障支出 | 77.65 77.65` short of the table's 7 cells: the
        // second cell is no label, so the row is not rebuilt (its cell is
        // then reported as no number) rather than vanish as two labels.
        let row = cells(&["221 住房保障支出", "77.65 77.65"]);
        let (out, _) = realign_two_sided(Grammar::global(), &row, 7, 2);
        assert!(matches!(out, Cow::Borrowed(_)));
        let plain = cells(&["221 住房保障支出", "77.65", "77.65"]);
        let (out, _) = realign_two_sided(Grammar::global(), &plain, 7, 2);
        assert_eq!(
            texts(&out),
            ["", "", "221 住房保障支出", "77.65", "77.65", "", ""]
        );
    }

    #[test]
    fn an_income_amount_run_into_the_expenditure_label_goes_to_the_income_side() {
        // `pdftotext -fixed 8` of seed 000's summary: `其中：一般公共预算拨款
        // 5.24 221 住房保障支出 77.65`, one blank apart. Before, the label
        // read `5.24221住房保障支出`, ok, and the income row lost its amount.
        let g = Grammar::global();
        let row = cells(&["其中：一般公共预算拨款", "5.24 221 住房保障支出", "77.65"]);
        let (out, status) = realign_two_sided(g, &row, 4, 2);
        assert_eq!(
            texts(&out),
            [
                "其中：一般公共预算拨款",
                "5.24",
                "221 住房保障支出",
                "77.65"
            ]
        );
        assert_eq!(status, CellStatus::Repaired);
        // A label starting with a number is no amount run into it.
        let row = cells(&["5.单位资金", "22 212 城乡社区支出"]);
        assert!(amount_run_into_expenditure_label(&row, &|_| true).is_none());
    }

    #[test]
    fn a_spending_total_printed_alone_goes_to_the_expenditure_side() {
        // `pdftotext -layout`: `本年支出合计 1110.87` alone on its line
        // under the expenditure column (Sichuan's summary); income's own
        // totals and a 收支 balance stay on the income side.
        let g = Grammar::global();
        let row = cells(&["本年支出合计", "1110.87"]);
        let (out, _) = realign_two_sided(g, &row, 4, 2);
        assert_eq!(texts(&out), ["", "", "本年支出合计", "1110.87"]);
        for income in ["本年收入合计", "上年结转", "用事业基金弥补收支差额"] {
            let row = cells(&[income, "5.00"]);
            let (out, _) = realign_two_sided(g, &row, 4, 2);
            assert_eq!(texts(&out), [income, "5.00", "", ""]);
        }
    }

    #[test]
    fn row_number_columns_are_dropped() {
        let texts = |rows: &[Vec<Cell>]| -> Vec<Vec<String>> {
            rows.iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect()
        };
        let mut header = vec![cells(&["项目", "行次", "金额", "项目", "行次", "金额"])];
        let mut body = vec![
            cells(&[
                "一、一般公共预算财政拨款收入",
                "1",
                "500.00",
                "一、一般公共服务支出",
                "32",
                "450.00",
            ]),
            // Blank cells dropped: the row numbers go by what they read as.
            cells(&["二、政府性基金预算财政拨款", "2", "20"]),
            cells(&["款收入", "3", "三、社会保险基金支出", "17"]),
        ];
        drop_row_number_columns(&mut header, &mut body, &[]);
        assert_eq!(texts(&header), [["项目", "金额", "项目", "金额"]]);
        assert_eq!(
            texts(&body),
            vec![
                vec![
                    "一、一般公共预算财政拨款收入",
                    "500.00",
                    "一、一般公共服务支出",
                    "450.00"
                ],
                vec!["二、政府性基金预算财政拨款"],
                vec!["款收入", "三、社会保险基金支出"],
            ]
        );
        // An amount where the header has 行次: the columns are not the
        // header's, and nothing is dropped.
        let mut header = vec![cells(&["项目", "行次", "金额"])];
        let mut body = vec![cells(&["一、一般公共预算财政拨款收入", "500.00", ""])];
        drop_row_number_columns(&mut header, &mut body, &[]);
        assert_eq!(header[0].len(), 3);
        assert_eq!(body[0].len(), 3);
    }

    #[test]
    fn row_numbers_are_dropped_when_the_header_is_a_line_of_words() {
        // `pdftotext -layout` of an unruled national template: the header a
        // line of words, a row number beside an empty side's dash.
        let headings = vec!["项目 行次 金额 项目 行次 合计 政府性基金预算财政拨款".to_string()];
        let mut header: Vec<Vec<Cell>> = Vec::new();
        let mut body = vec![
            cells(&[
                "一、一般公共预算财政拨款",
                "1",
                "9051060.22",
                "一、社会保障和就业支出",
                "4",
                "1521482.80",
                "-",
            ]),
            cells(&[
                "二、政府性基金预算财政拨款",
                "2 -",
                "二、卫生健康支出",
                "5",
                "6713401.53",
                "-",
            ]),
            cells(&[
                "三、国有资本经营预算财政拨款",
                "3 -",
                "三、住房保障支出",
                "6",
                "816175.89",
                "-",
            ]),
            // No row number: a whole amount beside the label stays when it
            // is too large to number a row (a `7` could).
            cells(&["总计", "900", "总计", "900", "900", "-"]),
        ];
        let before = body.clone();
        drop_row_number_columns(&mut header, &mut body, &[]);
        assert_eq!(body, before, "no 行次 named: nothing dropped");
        // Amounts that read as row numbers beside a label but are too
        // large to number the table's rows (or zero) stay.
        let mut totals = vec![
            cells(&["总计", "900", "总计", "900", "900", "-"]),
            cells(&["三、其他收入", "3", "137", "二、经营支出", "4", "0"]),
        ];
        drop_row_number_columns(&mut Vec::new(), &mut totals, &headings);
        assert_eq!(
            totals.iter().map(|r| texts(r)).collect::<Vec<_>>(),
            vec![
                vec!["总计", "900", "总计", "900", "900", "-"],
                vec!["三、其他收入", "137", "二、经营支出", "0"],
            ]
        );
        drop_row_number_columns(&mut header, &mut body, &headings);
        assert_eq!(
            body.iter().map(|r| texts(r)).collect::<Vec<_>>(),
            vec![
                vec![
                    "一、一般公共预算财政拨款",
                    "9051060.22",
                    "一、社会保障和就业支出",
                    "1521482.80",
                    "-"
                ],
                vec![
                    "二、政府性基金预算财政拨款",
                    "2 -",
                    "二、卫生健康支出",
                    "6713401.53",
                    "-"
                ],
                vec![
                    "三、国有资本经营预算财政拨款",
                    "3 -",
                    "三、住房保障支出",
                    "816175.89",
                    "-"
                ],
                vec!["总计", "900", "总计", "900", "900", "-"],
            ]
        );
    }
}
