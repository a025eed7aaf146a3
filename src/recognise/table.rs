//! One table's rows → records: splits header from body, places the label and
//! amount columns, resolves measures, fills codes from parent rows.

use std::borrow::Cow;

use nom::{
    branch::alt,
    character::complete::{digit1, one_of, space0},
    combinator::{map, verify},
    multi::many1,
    sequence::{delimited, pair, terminated},
    IResult,
};

use crate::amount::Amount;
use crate::grammar::identities::{ItemSum, RowSum};
use crate::grammar::{
    Grammar, HeaderMeaning, Measure, Shape, TableKind, THREE_PUBLIC_VEHICLES,
    THREE_PUBLIC_VEHICLE_PARTS,
};
use crate::model::{
    Cell, CellStatus, Code, Document, Placement, Provenance, Row, Section, Sides, Table, TableNo,
    Unit, Value,
};
use crate::normalize;
use crate::solve::{
    self,
    categories::{self, HeaderHints},
    table::{settle, Resolution, SolveRow},
};

use super::columns::{self, Columns};

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

    /// A title with no rows is a table-of-contents entry, not a table.
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

/// Pads back the empty cells a dump trimmed off the ends of its rows
/// (exports that stop each row at its last filled cell). Such a table's
/// rows all end filled and differ in length, while empty cells before
/// filled ones (a 类 row's blank 款 and 项, a blank column between two
/// amounts, a header's blank cells under a group heading) show that the
/// dump keeps the blanks it does not trim: every cell is
/// still in its column, and the missing ones are the last columns'. A
/// dump that drops every blank cell has no empty cell before a filled
/// one, and is left as it is.
fn pad_trimmed_rows(header: &mut [Vec<Cell>], body: &mut [Vec<Cell>]) {
    let empty = |c: &Cell| c.text.trim().is_empty();
    let width = header
        .iter()
        .chain(body.iter())
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    // An empty cell before a filled one, in the header or the body.
    let keeps_blanks = |r: &Vec<Cell>| {
        r.iter()
            .position(empty)
            .is_some_and(|e| r[e..].iter().any(|c| !empty(c)))
    };
    let trimmed = !body.is_empty()
        && body.iter().all(|r| r.last().is_some_and(|c| !empty(c)))
        && body.iter().any(|r| r.len() < width)
        && header.iter().chain(body.iter()).any(keeps_blanks);
    if !trimmed {
        return;
    }
    for row in header.iter_mut().chain(body.iter_mut()) {
        if let Some(at) = row.last().map(|c| c.at) {
            row.resize_with(width, || Cell::new("", at));
        }
    }
}

/// A spreadsheet's empty first column (a margin): every row of the table,
/// header and body, starts with a blank cell. It is no column of the
/// table's: left in, it would put each amount one column to the right of
/// its header's (a “三公” table's header and its one row of amounts both
/// start after it; a coded table's 类 rows print their code there).
fn drop_margin_column(rows: &mut [Vec<Cell>]) {
    let margin = rows.iter().any(|r| r.len() > 1)
        && rows
            .iter()
            .all(|r| r.first().is_none_or(|c| c.text.trim().is_empty()));
    if margin {
        for r in rows.iter_mut().filter(|r| !r.is_empty()) {
            r.remove(0);
        }
    }
}

/// A cell of classification digits (`208`, `01`, `2080101`).
fn is_code_cell(c: &Cell) -> bool {
    let t = c.text.trim();
    (1..=7).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// The first half of a row cut in two: its label, with the codes before
/// it (which read as numbers), and no amount.
fn is_label_half(row: &[Cell]) -> bool {
    let ends_in_text = || {
        row.iter()
            .rev()
            .find(|c| !normalize::is_blank(&c.text))
            .is_some_and(|c| !holds_amount(c))
    };
    !row.iter().any(holds_amount)
        || (ends_in_text() && row.iter().all(|c| is_code_cell(c) || !holds_amount(c)))
}

/// In a dump that trims each row's trailing blanks, a row cut in two: its
/// label half, then its amounts on the next line, cut at a tab or inside
/// its label (a cell's text wrapped: `208 | 05 | | 行政事业单位` then
/// `养老支出 | 78.41 | …`). After a row that starts with a code, no row of
/// a table starts with an amount with decimals (its code or label comes
/// first), nor with bare text other than a total's and an amount right
/// after it; the halves together are no wider than the table.
fn rejoin_trimmed_split_rows(header: &[Vec<Cell>], rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    let width = header.iter().chain(&rows).map(Vec::len).max().unwrap_or(0);
    let decimal = |c: &Cell| c.text.contains(['.', ',']) && is_amount(c);
    let coded = |r: &[Cell]| {
        r.first().is_some_and(|c| {
            let t = c.text.trim();
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
        })
    };
    // Not a total row's label (`合计 | 3245.21 | …` printed without the
    // code cells its label spans).
    let label_rest = |r: &[Cell]| match r {
        [text, amount, ..] => {
            let label = normalize::label(&text.text);
            !label.is_empty()
                && !label.bytes().any(|b| b.is_ascii_digit())
                && !["合计", "总计", "小计"]
                    .iter()
                    .any(|t| label.starts_with(t))
                && decimal(amount)
        }
        _ => false,
    };
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        if let Some(next) = rows.peek() {
            // Cells of the joined row (the label's two parts are one).
            let joined = row.len() + next.len();
            // Only a coded row's halves: a transposed “三公” table's rows of
            // amounts follow a label line (`上年预算数`) of their own.
            if joined <= width + 1 && coded(&row) && is_label_half(&row) {
                if next.first().is_some_and(decimal) && joined <= width {
                    row.extend(rows.next().unwrap_or_default());
                } else if label_rest(next) {
                    let mut rest = rows.next().unwrap_or_default().into_iter();
                    if let (Some(label), Some(tail)) = (row.last_mut(), rest.next()) {
                        label.text.push_str(tail.text.trim());
                    }
                    row.extend(rest);
                }
            }
        }
        out.push(row);
    }
    out
}

/// Re-joins a row that a stray blank line cut in two: adjacent rows, both
/// shorter than the table, whose lengths add up to its width.
fn rejoin_split_rows(rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    let width = typical_width(&rows);
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        if let Some(next) = rows.peek() {
            if row.len() < width
                && next.len() < width
                && row.len() + next.len() == width
                && is_label_half(&row)
            {
                row.extend(rows.next().unwrap_or_default());
            }
        }
        out.push(row);
    }
    out
}

/// Re-joins a coded row whose name wrapped onto the next line. With the
/// amounts after the name's end: `208 | 01 | | 人力资源和社` over `| | |
/// 会保障管理事务 | 2945.64 | …` (the first row has codes and the name's
/// start but no amount; the second, blank code cells, the name's end in the
/// same column, then the amounts). Or with the name's start:
/// `| 01 | | 人力资源和社 | 2945.64 | …` over `| | | 会保障管理事务` (nothing
/// but the name's end). In a project table the name's end must have no
/// project beside it: a project's own row under its coded row has none
/// of the codes either.
fn rejoin_wrapped_names(rows: Vec<Vec<Cell>>, projects: bool) -> Vec<Vec<Cell>> {
    let blank = |c: &Cell| normalize::is_blank(&c.text);
    // A row's own label: its code (`210卫生健康支出`) or ordinal (`一、`).
    let starts_a_label = |t: &str| {
        let t = normalize::label(t);
        t.starts_with(|c: char| c.is_ascii_digit()) || normalize::strip_ordinal(&t).len() != t.len()
    };
    // The name's column of a row that starts with codes.
    let name_at = |r: &[Cell]| {
        let at = r.iter().position(|c| !blank(c) && !is_code_cell(c))?;
        (at > 0 && r[..at].iter().any(is_code_cell) && !holds_amount(&r[at])).then_some(at)
    };
    // A name's end in column `at`, blank before it; `with_amounts`: then
    // amounts (none otherwise).
    let name_end = |r: &[Cell], at: usize, with_amounts: bool| {
        let after = r.get(at + 1..).unwrap_or_default();
        r.len() > at
            && r[..at].iter().all(blank)
            && !blank(&r[at])
            && !holds_amount(&r[at])
            && !starts_a_label(&r[at].text)
            // A total's row (`合计`) ends no name: it is the table's own.
            && !crate::model::is_total_label(normalize::label(&r[at].text).as_ref())
            && (!projects || after.first().is_none_or(blank))
            && after.iter().any(holds_amount) == with_amounts
            && (with_amounts || after.iter().all(blank))
    };
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        if let Some(at) = name_at(&row) {
            let amounts_here = row[at + 1..].iter().any(holds_amount);
            if rows
                .peek()
                .is_some_and(|next| name_end(next, at, !amounts_here))
            {
                let next = rows.next().unwrap_or_default();
                let mut tail = next.into_iter().skip(at);
                if let Some(end) = tail.next() {
                    row[at].text.push_str(end.text.trim());
                }
                if !amounts_here {
                    row.truncate(at + 1);
                    row.extend(tail);
                }
            }
        }
        out.push(row);
    }
    out
}

/// The width of one panel when a table prints two or three side by side
/// (final accounts print 人员经费 | 公用经费, the national template 公用经费
/// over two panels): every leaf header row repeats itself after `p` cells
/// (`经济分类科目编码 科目名称 决算数 | 经济分类科目编码 科目名称 决算数`),
/// and every body row is `n·p` cells with a code or label starting each
/// panel. Rows naming the panels (`人员经费 | 公用经费`) are not compared.
fn panel_width(header: &[&[Cell]], body: &[Vec<Cell>]) -> Option<usize> {
    let width = typical_width(body);
    fn label(c: &Cell) -> std::borrow::Cow<'_, str> {
        normalize::label(&c.text)
    }
    (2..=3).find_map(|n: usize| {
        if width < 2 * n || !width.is_multiple_of(n) {
            return None;
        }
        let p = width / n;
        let leaves: Vec<&&[Cell]> = header.iter().filter(|r| is_panel_leaf(r, p)).collect();
        let repeats = !leaves.is_empty()
            && leaves.iter().all(|r| {
                r.len() == width
                    && (1..n).all(|j| (0..p).all(|k| label(&r[k]) == label(&r[k + j * p])))
            });
        let panels_start_alike = body.iter().filter(|r| r.len() == width).all(|r| {
            let coded = |c: &Cell| label(c).bytes().all(|b| b.is_ascii_digit());
            (1..n).all(|j| coded(&r[0]) == coded(&r[j * p]) || normalize::is_blank(&r[j * p].text))
        });
        (repeats && panels_start_alike).then_some(p)
    })
}

/// A header row naming a panel's columns (more than one cell in the first
/// panel), not the panels themselves (`人员经费 | 公用经费`).
fn is_panel_leaf(row: &[Cell], p: usize) -> bool {
    row[..p.min(row.len())]
        .iter()
        .filter(|c| !normalize::is_blank(&c.text))
        .count()
        > 1
}

/// Splits a row of side-by-side panels into one row per panel. A panel
/// with amounts but no label takes the label of the panel before it when
/// that one has no amounts: a total printed across two panels (`公用经费合计`
/// under the second, its amount under the third) closes the third.
fn split_panels(mut row: Vec<Cell>, p: usize) -> Vec<Vec<Cell>> {
    let mut panels = Vec::new();
    while row.len() > p {
        let rest = row.split_off(p);
        panels.push(row);
        row = rest;
    }
    panels.push(row);
    // A panel's label cells, then its amount in the last cell.
    let labelled = |r: &[Cell]| {
        r.split_last()
            .is_some_and(|(_, l)| l.iter().any(|c| !normalize::is_blank(&c.text)))
    };
    let priced = |r: &[Cell]| r.last().is_some_and(|c| !normalize::is_blank(&c.text));
    for j in (1..panels.len()).rev() {
        let (before, after) = panels.split_at_mut(j);
        let (prev, this) = (&mut before[j - 1], &mut after[0]);
        if !labelled(this) && priced(this) && labelled(prev) && !priced(prev) {
            // The total closes the last panel it spans: the label moves.
            let n = prev.len().min(this.len()) - 1;
            for (a, b) in prev[..n].iter_mut().zip(&mut this[..n]) {
                std::mem::swap(a, b);
            }
        }
    }
    panels
}

/// Header cells naming a year (`2024年预算数`, `2023年执行数`) said relative
/// to the document's year: its own year's drops the year (`预算数`), the
/// year before's reads `上年…` (`上年执行数`, last year's figure). Other
/// years, or a document whose year is not known, stay as printed (their
/// columns unknown). The year before alone, over the measure below it
/// (`2023年` / `预算数`), is `上年数`: last year's heading (before, its
/// column was read by the word below, as this year's budget). The
/// document's own year alone stays a heading: which measure it is (budget
/// or final) would rest on the document's kind, which a sentence of its
/// text may decide wrongly.
fn relative_years(rows: &mut [Vec<Cell>], year: Option<u16>) {
    other_years_over_columns(rows, year);
    let Some(year) = year else { return };
    for cell in rows.iter_mut().flatten() {
        let label = normalize::label(&cell.text);
        let Some((printed, rest)) = leading_year(&label) else {
            continue;
        };
        let relative = match printed {
            y if rest.is_empty() && y + 1 == year => Some("上年数".to_string()),
            _ if rest.is_empty() => None,
            y if y == year => Some(rest.to_string()),
            y if y + 1 == year => Some(format!("上年{rest}")),
            _ => None,
        };
        if let Some(text) = relative {
            cell.text = text;
        }
    }
}

/// The year a normalised header label starts with, and what follows it:
/// `2023年执行数` → (2023, `执行数`), `2022年度` → (2022, ``).
fn leading_year(label: &str) -> Option<(u16, &str)> {
    let digits = label.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let rest = label[digits..].strip_prefix('年')?;
    Some((
        label[..digits].parse().ok()?,
        rest.strip_prefix('度').unwrap_or(rest),
    ))
}

/// The year of a header cell that prints a year alone (`2022年`, `2022年度`).
fn bare_year(text: &str) -> Option<u16> {
    match leading_year(&normalize::label(text)) {
        Some((year, "")) => Some(year),
        _ => None,
    }
}

/// A year alone over the cells below it that is neither the document's nor
/// the year before (`2022年` over `决算数` in a 2024 budget), or any when
/// the document's year is not known: the cells below get the year
/// (`2022年决算数`), so that their columns stay unknown instead of reading
/// as this year's. It spans up to the next printed cell of its row.
fn other_years_over_columns(rows: &mut [Vec<Cell>], year: Option<u16>) {
    for r in 0..rows.len() {
        for j in 0..rows[r].len() {
            let Some(y) = bare_year(&rows[r][j].text) else {
                continue;
            };
            if year.is_some_and(|doc| doc == y || doc == y + 1) {
                continue;
            }
            let end = (j + 1..rows[r].len())
                .find(|&k| !normalize::is_blank(&rows[r][k].text))
                .unwrap_or(usize::MAX);
            for below in &mut rows[r + 1..] {
                let to = end.min(below.len());
                for cell in below.get_mut(j..to).into_iter().flatten() {
                    if !normalize::is_blank(&cell.text) {
                        cell.text = format!("{y}年{}", cell.text.trim());
                    }
                }
            }
        }
    }
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

/// Where the income side starts when a two-sided table prints its
/// expenditure side first (`支 出 | | 收 入 |`): the column of the header's
/// `收入` cell, right of its `支出` cell. `None` for the usual order.
fn expenditure_first<R: AsRef<[Cell]>>(header: &[R], body: &[Vec<Cell>]) -> Option<usize> {
    let side_of = |c: &Cell| {
        let t = normalize::label(&c.text);
        match (t.contains("收入"), t.contains("支出")) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    };
    header.iter().find_map(|r| {
        let r = r.as_ref();
        let first_income = r.iter().position(|c| side_of(c) == Some(true))?;
        let first_expenditure = r.iter().position(|c| side_of(c) == Some(false))?;
        // The income side must have room: its label and an amount.
        let widest = body.iter().map(Vec::len).max().unwrap_or(0);
        (first_expenditure < first_income && first_income + 1 < widest.max(r.len()))
            .then_some(first_income)
    })
}

/// Each row with its cells from `at` on moved before the others, both
/// parts padded to their widest (a dump drops a row's trailing blanks:
/// `201 一般公共服务支出 |` keeps its place on the right).
fn rotate_rows<R: AsRef<[Cell]>>(rows: &[R], at: usize) -> Vec<Vec<Cell>> {
    let right = rows
        .iter()
        .map(|r| r.as_ref().len().saturating_sub(at))
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|r| {
            let r = r.as_ref();
            let blank = Cell::new(
                String::new(),
                r.first().map_or(Provenance::Line(0), |c| c.at),
            );
            let (left, tail) = r.split_at(at.min(r.len()));
            let mut out: Vec<Cell> = tail.to_vec();
            out.resize(right, blank.clone());
            out.extend_from_slice(left);
            out.resize(right + at, blank);
            out
        })
        .collect()
}

/// Removes the `行次` columns of the national final-account template
/// (`项目 | 行次 | 金额 | 项目 | 行次 | 金额`): they number the rows and hold
/// no amounts. A row as wide as the header loses those columns, when every
/// such row has its row number (or nothing) there; a shorter row (its blank
/// cells dropped, or the layout lost) loses the cells that read as its row
/// numbers ([`super::row_numbers`]) and keeps its other cells in order. A
/// header with no `行次` cell may name it in a line of words (see
/// [`drop_row_numbers_under_words`]).
fn drop_row_number_columns(header: &mut [Vec<Cell>], body: &mut [Vec<Cell>], headings: &[String]) {
    let mut marked: Vec<usize> = header
        .iter()
        .filter(|r| !columns::is_column_number_row(r))
        .flat_map(|r| {
            r.iter()
                .enumerate()
                .filter(|(_, c)| normalize::label(&c.text) == "行次")
                .map(|(p, _)| p)
        })
        .collect();
    if marked.is_empty() {
        drop_row_numbers_under_words(header, body, headings);
        return;
    }
    marked.sort_unstable();
    marked.dedup();
    let width = widest_header_row(header);
    // A blank cell passes too (an empty string has no other byte).
    let row_number = |c: &Cell| super::is_row_number(&normalize::label(&c.text));
    let positional = body
        .iter()
        .filter(|r| r.len() >= width)
        .all(|r| marked.iter().all(|&p| r.get(p).is_none_or(row_number)));
    if !positional {
        return;
    }
    for r in header.iter_mut() {
        for &p in marked.iter().rev() {
            if p < r.len() {
                r.remove(p);
            }
        }
    }
    let decimals_only = prints_decimals_only(body, &marked);
    for r in body.iter_mut() {
        if r.len() >= width {
            if decimals_only && marked.iter().any(|&p| normalize::is_blank(&r[p].text)) {
                blank_displaced_row_numbers(r, &marked);
            }
            for &p in marked.iter().rev() {
                r.remove(p);
            }
        } else {
            drop_cells_read_as_row_numbers(r, |_| true);
        }
    }
}

/// Whether a table's amounts all print decimals (`15.00`): on the rows
/// whose `行次` cells (`marked`) all hold row numbers, some amount has a
/// point and every number outside those cells has one. A bare whole number
/// in an amount column of such a table is no amount.
fn prints_decimals_only(body: &[Vec<Cell>], marked: &[usize]) -> bool {
    let numbered = |r: &&Vec<Cell>| {
        marked.iter().all(|&p| {
            r.get(p).is_some_and(|c| {
                let t = normalize::label(&c.text);
                !t.is_empty() && super::is_row_number(&t)
            })
        })
    };
    let numbers = || {
        body.iter().filter(numbered).flat_map(|r| {
            r.iter()
                .enumerate()
                .filter(|(p, _)| !marked.contains(p))
                .map(|(_, c)| c.text.trim())
                .filter(|t| super::is_digit_run(t))
        })
    };
    numbers().next().is_some() && numbers().all(|t| t.contains('.'))
}

/// A row as wide as the header whose `行次` cell is blank while the row
/// numbers it ([`super::row_numbers`]) sit in amount columns (`政府性基金预算
/// 财政拨款 | 8 | 40 | | …`: the layout set the empty side's `40` a column
/// left of its own): those cells are blanked, not read as amounts.
fn blank_displaced_row_numbers(row: &mut [Cell], marked: &[usize]) {
    let texts: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
    let flags = super::row_numbers(&texts);
    for (p, flag) in flags.into_iter().enumerate() {
        if flag && !marked.contains(&p) {
            row[p].text.clear();
        }
    }
}

/// A header read as lines, not cells (an unruled PDF's `-layout` dump:
/// `项目 行次 金额 项目 行次 合计 …`): each row's numbers are found by their
/// place beside its labels. A row number counts the rows of both sides:
/// one past that (a 总计's `900`, a last `137` after `8`) or a `0` is an
/// amount.
fn drop_row_numbers_under_words(header: &[Vec<Cell>], body: &mut [Vec<Cell>], headings: &[String]) {
    let names_row_numbers = |text: &str| {
        text.split_whitespace()
            .any(|t| normalize::label(t) == "行次")
    };
    let named = header.iter().flatten().any(|c| names_row_numbers(&c.text))
        || headings.iter().any(|h| names_row_numbers(h));
    if !named {
        return;
    }
    let most = 2 * body.len();
    for r in body.iter_mut() {
        drop_cells_read_as_row_numbers(r, |t| {
            normalize::label(t)
                .parse::<usize>()
                .is_ok_and(|n| (1..=most).contains(&n))
        });
    }
}

/// Drops the cells of `row` that read as its row numbers by their place
/// ([`super::row_numbers`]) and that `numbers_a_row` accepts.
fn drop_cells_read_as_row_numbers(row: &mut Vec<Cell>, numbers_a_row: impl Fn(&str) -> bool) {
    let flags: Vec<bool> = {
        let texts: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
        super::row_numbers(&texts)
            .into_iter()
            .zip(&texts)
            .map(|(flag, t)| flag && numbers_a_row(t))
            .collect()
    };
    let mut flags = flags.into_iter();
    row.retain(|_| !flags.next().unwrap_or(false));
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
    /// sums decide, see `reads_one_way`).
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

/// A two-sided row whose blank cells were dropped, rebuilt from what its
/// cells hold: `label | label | amount` is an income label without amount
/// beside an expenditure row; `label | amount` is expenditure when the label
/// names a 类 (or 支出总计), income otherwise. Rows that match no such
/// pattern are left alone (and reported uncertain).
/// A label and the amounts printed after it.
type Run<'a> = (&'a Cell, Vec<&'a Cell>);

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
            || split_code_prefix(&t).is_some()
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

/// Leading cells that hold classification digits (`208`, `01`), from the
/// `类 款 项` header row or, failing that, from the body.
fn code_columns(header: &[&[Cell]], body: &[Vec<Cell>]) -> usize {
    // 决算 templates print `类 款 项` in the 合计 row itself.
    let first_body = body.first().map(Vec::as_slice);
    for row in header.iter().copied().chain(first_body) {
        let labels: Vec<_> = row.iter().map(|c| normalize::label(&c.text)).collect();
        if labels.first().map(|l| &**l) == Some("类") || labels.iter().any(|l| l == "类") {
            return labels
                .iter()
                .filter(|l| matches!(&***l, "类" | "款" | "项"))
                .count();
        }
    }
    // A 合计 row may print its label in the code column (a merged cell).
    let is_code = |t: &str| {
        let t = normalize::label(t);
        t.is_empty()
            || (t.len() <= 7 && t.bytes().all(|b| b.is_ascii_digit()))
            || names_a_total(&t)
            // a template's elided rows
            || t.chars().all(|c| matches!(c, '…' | '.' | '⋯'))
    };
    let mut n = 0;
    while n < 3
        && body.iter().all(|r| is_code(text(r, n)))
        && body
            .iter()
            .any(|r| !normalize::label(text(r, n)).is_empty())
    {
        n += 1;
    }
    n
}

/// A total's label: 合计, 总计 … or a named one (`人员经费合计`, `公用经费合计`,
/// the two panels' totals of a final account's basic-expenditure table).
fn names_a_total(label: &str) -> bool {
    crate::model::is_total_label(label) || label.ends_with("合计") || label.ends_with("总计")
}

/// The digits a code level prints: 3 for the 类, 2 for a 款 or a 项.
fn level_digits(level: usize) -> usize {
    if level == 0 {
        3
    } else {
        2
    }
}

/// The text of the code cell of `level`, and whether it is a join of two
/// lines the width of the level cannot settle. When each level has its
/// column (`208 | 01 | 01`) the width decides: a full first line takes a
/// page number after it (`208` / `13`, dropped), a short one a wrapped digit
/// (`20` / `8`). In one code column a join (`20801` / `01` or `208` / `13`)
/// reads either way.
fn code_text(cell: Option<&Cell>, level: usize, code_cols: usize) -> (&str, bool) {
    let Some(cell) = cell else { return ("", false) };
    let Some(head) = cell.joined_at.and_then(|k| cell.text.get(..k)) else {
        return (&cell.text, false);
    };
    let fits = |t: &str| code_cols > 1 && normalize::label(t).len() == level_digits(level);
    if fits(head) {
        (head, false)
    } else {
        (&cell.text, !fits(&cell.text))
    }
}

/// Joins code cells, filling blank upper levels from the rows above.
struct CodeFiller {
    parts: Vec<String>,
}

/// A row's code, and whether a level of it was printed without its leading
/// zero (`301 | 2` for 301 02).
#[derive(Debug)]
struct Filled {
    code: Code,
    padded: bool,
}

impl CodeFiller {
    /// The code of a row's code cells, given normalised.
    fn next<S: AsRef<str>>(&mut self, cells: &[S]) -> Option<Filled> {
        let parts: Vec<&str> = cells.iter().map(AsRef::as_ref).collect();
        let deepest = parts.iter().rposition(|p| !p.is_empty())?;
        if parts[..=deepest]
            .iter()
            .any(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        // One cell holding the whole code (`2080101`).
        if deepest == 0 && parts[0].len() > level_digits(0) {
            return Code::new(parts[0]).map(|code| Filled {
                code,
                padded: false,
            });
        }
        let mut full = Vec::with_capacity(deepest + 1);
        let mut padded = false;
        for (i, p) in parts.iter().take(deepest + 1).enumerate() {
            let part = if p.is_empty() {
                self.parts.get(i)?.clone()
            } else if p.len() < level_digits(i) {
                // A 款 or 项 printed without its leading zero (a spreadsheet
                // cell formatted as a number: `301 | 2`) reads as `02` when
                // it follows the row before it in order. A 类 printed short
                // (`7 | 11 | 02` for 210 11 02) is a misprint: no code is
                // made up from it, and it is no parent either.
                if i == 0 {
                    return None;
                }
                padded = true;
                super::zero_restored(p)?
            } else {
                p.to_string()
            };
            full.push(part);
        }
        // Codes are printed in order: a level read with its zero restored
        // must not put the row before the one above it (a project table
        // repeats its rows' code).
        if padded && full < self.parts {
            return None;
        }
        let code = Code::new(&full.concat())?;
        self.parts = full;
        Some(Filled { code, padded })
    }
}

fn coded(g: &Grammar, kind: &TableKind, header: &[&[Cell]], body: &[Vec<Cell>], table: &mut Table) {
    let code_cols = code_columns(header, body);
    let numbered = header.iter().find_map(|r| columns::column_numbers(r));
    let mut project_col = kind.has_project.then_some(code_cols + 1);
    // A project table without a 项目名称 column: amounts right after the name.
    if let Some(p) = project_col {
        let numeric = body
            .iter()
            .filter(|r| r.get(p).is_some_and(is_amount))
            .count();
        let textual = body
            .iter()
            .filter(|r| {
                r.get(p)
                    .is_some_and(|c| !normalize::is_blank(&c.text) && !is_amount(c))
            })
            .count();
        if numeric > textual && numbered.is_none_or(|(first, _)| first <= p) {
            project_col = None;
        }
    }
    let (first, width) = numbered.unwrap_or_else(|| {
        let first = code_cols + 1 + usize::from(project_col.is_some());
        (first, typical_width(body).saturating_sub(first))
    });
    let mut cols = columns::resolve(g, header, 0, width, &kind.layouts);
    // Trailing columns blank in every row may be padding: drop them while that
    // makes the header fit.
    let mut w = width;
    while cols.problem.is_some()
        && w > 1
        && body
            .iter()
            .all(|r| normalize::is_blank(text(r, first + w - 1)))
    {
        w -= 1;
        let narrower = columns::resolve(g, header, 0, w, &kind.layouts);
        if narrower.problem.is_none() {
            cols = narrower;
        }
    }
    // Trailing columns every row leaves blank may be missing from the rows
    // (a `-layout` dump's blank cells at a row's end are no text): widen,
    // as far as the header's columns, to the widest that fits a layout.
    let header_width = widest_header_row(header);
    // Only rows that line up: a name in the name column, nothing but
    // amounts and blanks after it.
    let rows_line_up = || {
        body.iter().filter(|r| r.len() > first).all(|r| {
            let named = r
                .get(first - 1)
                .is_some_and(|c| !is_amount(c) && !normalize::is_blank(&c.text));
            named
                && r[first..]
                    .iter()
                    .all(|c| is_amount(c) || normalize::is_blank(&c.text))
        })
    };
    if cols.problem.is_some() && numbered.is_none() && first > 0 && rows_line_up() {
        if let Some(wider) = (width + 1..=header_width.saturating_sub(first))
            .rev()
            .map(|w| columns::resolve(g, header, 0, w, &kind.layouts))
            .find(|c| c.problem.is_none())
        {
            cols = wider;
        }
    }
    if let Some(p) = &cols.problem {
        table.issues.push(p.clone());
    }
    // Rows must span the label columns and every amount column the header
    // (or the column-number row) establishes.
    table.columns = cols.measures.iter().flatten().copied().collect();
    let expected = first + cols.measures.len();
    let usual = usual_length(body, expected);
    // The row realigned by `realign_coded`, if it changed it.
    let realign = |r: &[Cell]| match realign_coded(
        r,
        code_cols,
        project_col.is_some(),
        cols.measures.len(),
    ) {
        Cow::Owned(row) => Some(row),
        Cow::Borrowed(_) => None,
    };
    // Where the header's headings stand, when a header line prints one per
    // amount column (with blank cells between them where an unruled page's
    // spacing split its columns).
    let split_headings: Option<Vec<usize>> = header.iter().find_map(|h| {
        let places: Vec<usize> = filled_after(h, first).map(|(at, _)| at).collect();
        (places.len() == cols.measures.len()).then_some(places)
    });
    // A row rebuilt from its length, with the status that leaves it.
    let rebuild = |r: &[Cell]| -> Option<(Vec<Cell>, Option<CellStatus>)> {
        // A code piece sharing the name's cell, split off and put in place.
        if let Some(parted) = split_code_from_name(r, code_cols, expected) {
            let placed = realign(&parted)
                .or_else(|| restore_dropped_code_cells(&parted, code_cols, usual))
                .unwrap_or(parted);
            return Some((placed, Some(CellStatus::Repaired)));
        }
        if let Some(row) = realign(r) {
            return Some((row, None));
        }
        if let Some((row, status)) = split_merged_amounts(r, usual) {
            return Some((row, Some(status)));
        }
        if let Some(row) = split_headings
            .as_ref()
            .and_then(|headings| printed_in_order(r, first, headings))
        {
            // `repaired` when an amount moved; dashes (zeros) moving alone
            // leave the row as the page placed it.
            let moved = (first..row.len())
                .any(|i| !normalize::is_blank(&row[i].text) && row[i].text != text(r, i));
            return Some((row, moved.then_some(CellStatus::Repaired)));
        }
        restore_dropped_code_cells(r, code_cols, usual)
            // A blank name before a project is a merged 科目名称 cell.
            .or_else(|| match project_col {
                None => remove_stray_label_cell(r, code_cols, usual),
                Some(_) => None,
            })
            .map(|row| (row, Some(CellStatus::Repaired)))
    };
    let (body, rebuilt): (Vec<Cow<[Cell]>>, Vec<Option<CellStatus>>) = body
        .iter()
        .map(|r| match rebuild(r) {
            Some((row, status)) => (Cow::Owned(row), status),
            None => (Cow::Borrowed(r.as_slice()), None),
        })
        .unzip();
    let body = body.as_slice();
    let align = Alignment::new(body, expected, cols.problem.is_none(), true);
    let function_classes = kind.key != "general_budget_basic";
    let mut filler = CodeFiller { parts: Vec::new() };
    let mut misfits = Vec::new();
    for (cells, rebuilt) in body.iter().zip(rebuilt) {
        // The code cells, normalised once for every test below.
        let mut joined_code = false;
        let mut codes: Vec<Cow<str>> = (0..code_cols)
            .map(|i| {
                let (t, joined) = code_text(cells.get(i), i, code_cols);
                joined_code |= joined;
                normalize::label(t)
            })
            .collect();
        // The code columns' own headings (`类 款 项`) printed in this row.
        if codes
            .iter()
            .all(|t| matches!(&**t, "类" | "款" | "项" | ""))
        {
            codes = vec![Cow::Borrowed(""); code_cols];
        }
        // `合计` in a cell merged across the code and name columns sits in the
        // first code column (spreadsheet exports, ruled PDFs).
        let merged_total = code_cols > 0
            && names_a_total(&codes[0])
            && (1..=code_cols).all(|i| normalize::is_blank(text(cells, i)));
        if merged_total {
            codes = vec![Cow::Borrowed(""); code_cols];
        }
        let mut floor = align.floor(cells);
        if joined_code {
            floor = CellStatus::Uncertain;
        }
        // Text where a code digit belongs: the row's cells have shifted.
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if !codes.iter().all(|t| digits(t)) {
            floor = CellStatus::Uncertain;
        }
        let filled = filler.next(&codes);
        let zero_padded = filled.as_ref().is_some_and(|f| f.padded);
        let mut code = filled.map(|f| f.code);
        if let Some(status) = rebuilt {
            // Its cells rebuilt: `repaired`, unless its code digits now make
            // no code (they were not where the blanks went).
            let lost_code = code.is_none() && codes.iter().any(|t| !t.is_empty());
            floor = floor.max(if lost_code {
                CellStatus::Uncertain
            } else {
                status
            });
        }
        // Code cells with digits that made no code: reported when one level
        // is printed at its full width (`7 | 11 | 02`, `301 | 2`), so the
        // rest is a code's misprint; a serial-number column is not a code.
        let full_level = codes
            .iter()
            .enumerate()
            .any(|(i, t)| !t.is_empty() && digits(t) && t.len() == level_digits(i));
        // The row's code cells as printed, and where, for its notes.
        let printed = || {
            let at = cells.first().map_or(table.at, |c| c.at);
            let shown: Vec<&str> = codes
                .iter()
                .map(|t| &**t)
                .filter(|t| !t.is_empty())
                .collect();
            (at, shown.join(" "))
        };
        if code.is_none() && full_level && codes.iter().all(|t| digits(t)) {
            let (at, shown) = printed();
            table.issues.push(format!(
                "line {at}: code cells '{shown}' name no classification code: the row has none"
            ));
        }
        if let (true, Some(c)) = (zero_padded, &code) {
            let (at, shown) = printed();
            table.issues.push(super::zero_restored_note(at, &shown, c));
        }
        let mut item =
            normalize::label(text(cells, if merged_total { 0 } else { code_cols })).into_owned();
        let mut project = project_col
            .map(|p| normalize::label(text(cells, p)).into_owned())
            .unwrap_or_default();
        if item.is_empty() && crate::model::is_total_label(&project) {
            item = std::mem::take(&mut project);
        }
        if code.is_none() && code_cols == 0 {
            if let Some((c, name)) = split_code_prefix(&item) {
                code = Some(c);
                item = name;
            }
        }
        if code.is_none() && function_classes {
            code = g.class_code(&item).and_then(Code::new);
        }
        // A 类 in the 款 column (`| 201 | 03`), or code digits where the name
        // goes: the row's cells sit a column off the header's, and its
        // amounts may too.
        let shifted = code.is_none()
            && (codes
                .iter()
                .enumerate()
                .any(|(i, t)| i > 0 && digits(t) && t.len() > level_digits(i))
                || (!item.is_empty() && digits(&item) && item.len() <= 3)
                || (item.is_empty()
                    && !merged_total
                    && (code_cols + 1..first)
                        .filter(|&i| Some(i) != project_col)
                        .any(|i| !normalize::is_blank(text(cells, i)))));
        if shifted {
            let (at, shown) = printed();
            floor = CellStatus::Uncertain;
            table.issues.push(format!(
                "line {at}: code cells '{shown}' and name '{item}' sit off the header's columns: the row's amounts are uncertain"
            ));
        }
        if code.is_none() {
            floor = label_floor(&cells[..first.min(cells.len())], floor, table);
        }
        let mut values = values(g, None, cells, first, &cols, floor, table);
        if values.is_empty() && code.is_none() {
            continue;
        }
        if let Some(total) = blank_total(g, table, None, &values) {
            let at = cells.first().map_or(table.at, |c| c.at);
            table.issues.push(format!(
                "line {at}: the row prints parts of {total} but no {total}: its columns are uncertain"
            ));
            for v in &mut values {
                v.status = CellStatus::Uncertain;
            }
        }
        // Its labels in place (a name, code cells of digits), its amounts
        // maybe a column off.
        let labelled = !item.is_empty()
            && codes.iter().all(|t| digits(t))
            && (code.is_some() || codes.iter().all(|t| t.is_empty()));
        let only_length_in_doubt = align.table_floor == CellStatus::Ok && !joined_code;
        let guessed = cells.iter().any(|c| c.column_guessed);
        if !align.fits(cells) && rebuilt.is_none() && only_length_in_doubt && labelled && !guessed {
            misfits.push((table.rows.len(), cells.to_vec()));
        }
        table.rows.push(Row {
            section: None,
            code,
            item,
            project,
            values,
            at: cells.first().map_or(table.at, |c| c.at),
        });
    }
    let placed = match align.usual {
        Some(usual) => {
            let layout = Layout {
                kind: kind.key,
                section: None,
                cols: &cols,
                first,
                project: project_col,
                usual,
            };
            place_misfits(g, &layout, &misfits, table).len()
        }
        None => 0,
    };
    align.report(placed, table);
}

/// Where a coded table's amounts sit.
struct Layout<'a> {
    kind: &'a str,
    /// The side of a two-sided table the columns are, `None` otherwise.
    section: Option<Section>,
    cols: &'a Columns,
    /// The first amount column.
    first: usize,
    /// The 项目名称 column, before the amounts: a dropped blank there moves
    /// an amount into it.
    project: Option<usize>,
    /// The length nearly every row has.
    usual: usize,
}

impl Layout<'_> {
    /// A misfit row's cells with one stray blank cell taken out of its
    /// amounts, or one dropped blank put back among them (or in its
    /// project column), each way once; never an amount as the project.
    fn candidates(&self, cells: &[Cell]) -> Vec<Vec<Cell>> {
        let mut out: Vec<Vec<Cell>> = Vec::new();
        let mut keep = |c: Vec<Cell>| {
            let same = |o: &Vec<Cell>| o.iter().zip(&c).all(|(a, b)| a.text == b.text);
            let amount_as_project = self
                .project
                .is_some_and(|p| c.get(p).is_some_and(is_amount));
            if !amount_as_project && !out.iter().any(same) {
                out.push(c);
            }
        };
        let labels_end = self.project.unwrap_or(self.first);
        if cells.len() == self.usual + 1 {
            for i in (self.first..cells.len()).filter(|&i| normalize::is_blank(&cells[i].text)) {
                let mut c = cells.to_vec();
                c.remove(i);
                keep(c);
            }
        } else if cells.len() + 1 == self.usual && cells.len() >= labels_end {
            let at = cells.last().map_or(Provenance::Line(0), |c| c.at);
            for i in labels_end..=cells.len() {
                let mut c = cells.to_vec();
                c.insert(i, Cell::new(String::new(), at));
                keep(c);
            }
        }
        out
    }

    /// The amounts of `cells` as the solver reads them, one per column.
    fn reading(&self, cells: &[Cell]) -> solve::Reading {
        solve::Reading::printed((0..self.cols.measures.len()).map(|i| {
            cells
                .get(self.first + i)
                .and_then(Reading::of)
                .map(Reading::amount)
        }))
    }

    /// A built row's values, one per column.
    fn reading_of_row(&self, row: &Row) -> solve::Reading {
        solve::Reading::printed(
            self.cols
                .measures
                .iter()
                .map(|m| m.and_then(|m| row.value(m)).map(|v| v.amount)),
        )
    }
}

/// Rows one cell longer or shorter than their siblings (a stray blank cell,
/// or a dropped one, among the amounts): the ways to put them back that the
/// row's sums allow are narrowed by the rest of the table (parent = its
/// children, column by column). A row settled one way only gets its cells
/// placed so, `repaired`; any other stays as printed, uncertain.
fn place_misfits(
    g: &Grammar,
    layout: &Layout,
    misfits: &[(usize, Vec<Cell>)],
    table: &mut Table,
) -> Vec<usize> {
    if misfits.is_empty() {
        return Vec::new();
    }
    let column = |m: &Measure| {
        layout
            .cols
            .measures
            .iter()
            .position(|c| c.as_ref() == Some(m))
    };
    let rules = super::flow::row_rules(g, layout.kind, layout.section, column);
    // The section's rows (a two-sided table's other side has its own 合计).
    let members: Vec<usize> = (0..table.rows.len())
        .filter(|&i| table.rows[i].section == layout.section)
        .collect();
    // The other rows are the evidence: a doubtful one could steer a
    // placement wrong, so none is made.
    let doubtful = members.iter().any(|&i| {
        !misfits.iter().any(|(m, _)| *m == i)
            && table.rows[i]
                .values
                .iter()
                .any(|v| v.status == CellStatus::Uncertain)
    });
    if doubtful {
        return Vec::new();
    }
    let mut options: Vec<Option<Vec<Vec<Cell>>>> = vec![None; members.len()];
    let mut solve_rows: Vec<SolveRow> = members
        .iter()
        .map(|&i| {
            let row = &table.rows[i];
            SolveRow {
                code: row.code.clone(),
                is_total: row.is_total(),
                readings: vec![layout.reading_of_row(row)],
            }
        })
        .collect();
    for (row, cells) in misfits {
        let Some(i) = members.iter().position(|m| m == row) else {
            continue;
        };
        // Within a cent of the row's sums: a publisher's slip leaves the
        // placement to the table.
        let fitting: Vec<Vec<Cell>> = layout
            .candidates(cells)
            .into_iter()
            .filter(|c| layout.reading(c).satisfies(&rules, 1))
            .collect();
        if fitting.is_empty() {
            continue;
        }
        solve_rows[i].readings = fitting.iter().map(|c| layout.reading(c)).collect();
        options[i] = Some(fitting);
    }
    let settled = settle(&solve_rows, &[], &[], &rules);
    let mut placed = Vec::new();
    for (((settled, fitting), solve_row), i) in
        settled.iter().zip(options).zip(&solve_rows).zip(members)
    {
        let (Some(fitting), Some(chosen), Resolution::Unique) =
            (fitting, &settled.reading, settled.resolution)
        else {
            continue;
        };
        // The candidates' readings are the row's readings, in order.
        let Some(cells) = solve_row
            .readings
            .iter()
            .position(|r| r == chosen)
            .map(|k| &fitting[k])
        else {
            continue;
        };
        // The row's issues were reported when it was first read.
        let reported = table.issues.len();
        let values = values(
            g,
            layout.section,
            cells,
            layout.first,
            layout.cols,
            CellStatus::Repaired,
            table,
        );
        table.issues.truncate(reported);
        table.rows[i].values = values;
        if let Some(p) = layout.project {
            // A 合计 printed in the project column is the row's item.
            let project = normalize::label(text(cells, p));
            let row = &mut table.rows[i];
            row.project = if project == row.item.as_str() && row.is_total() {
                String::new()
            } else {
                project.into_owned()
            };
        }
        placed.push(i);
    }
    placed
}

/// A code's levels printed apart (`208 01 01`), or the 类 alone (`210`).
fn code_levels(i: &str) -> IResult<&str, String> {
    map(
        many1(terminated(
            verify(digit1, |d: &str| (2..=3).contains(&d.len())),
            space0,
        )),
        |levels: Vec<&str>| levels.concat(),
    )(i)
}

/// A code printed as one run of digits (`2080101`).
fn code_run(i: &str) -> IResult<&str, String> {
    map(
        terminated(verify(digit1, Code::is_valid), space0),
        str::to_string,
    )(i)
}

fn bare_code(i: &str) -> IResult<&str, String> {
    alt((code_levels, code_run))(i)
}

/// The digits of a code printed before a name: `208 01 01 行政运行`,
/// `2080101 行政运行`, `210卫生健康支出`, either in brackets
/// (`[2080101]行政运行`, `【208】社会保障和就业支出`, as some finance systems
/// export them).
fn printed_code(i: &str) -> IResult<&str, String> {
    let open = pair(one_of("[【"), space0);
    let close = pair(one_of("]】"), space0);
    alt((delimited(open, bare_code, close), bare_code))(i)
}

/// A valid code printed before a name, and the name (trimmed), if the text
/// starts so.
pub(super) fn code_and_name(text: &str) -> Option<(Code, &str)> {
    let (name, digits) = printed_code(text).ok()?;
    let name = name.trim();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some((Code::new(&digits)?, name))
}

/// Whether a row's first cell starts with a code: alone (`208`), or
/// before its name.
pub(super) fn starts_with_code(text: &str) -> bool {
    printed_code(text.trim()).is_ok_and(|(rest, digits)| {
        let name = rest.trim();
        Code::is_valid(&digits)
            && (name.is_empty() || !name.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    })
}

/// `201 一般公共服务支出` / `208 01 行政运行` / `210卫生健康支出` /
/// `[2080101]行政运行` → code and name.
fn split_code_prefix(label: &str) -> Option<(Code, String)> {
    let (code, name) = code_and_name(label)?;
    Some((code, normalize::label(name).into_owned()))
}

fn split_code_prefix_raw(text: &str) -> (Option<Code>, String) {
    let spaced: String = text.trim().replace('\u{3000}', " ");
    match code_and_name(&spaced) {
        Some((c, name)) => (Some(c), normalize::label(name).into_owned()),
        None => (None, normalize::label(text).into_owned()),
    }
}

/// Income and expenditure side by side: `label amounts… label amounts…`.
fn two_sided(
    g: &Grammar,
    kind: &TableKind,
    header: &[&[Cell]],
    body: &[Vec<Cell>],
    final_account: bool,
    table: &mut Table,
) {
    // Full rows set the width (a dump may drop a row's blank cells), or the
    // header when trailing blank cells were trimmed from every row.
    // A header cell naming no measure (`金额`) still holds its column: the
    // last measure's position counts too, and so does a column-number row's
    // last number (`栏次 | 1 | 栏次 | 2 | 3 | 4 | 5`).
    let filled_width = |r: &[Cell]| {
        r.iter()
            .rposition(|c| !normalize::is_blank(&c.text))
            .map_or(0, |i| i + 1)
    };
    let header_width = header
        .iter()
        .map(|r| {
            if columns::is_column_number_row(r) {
                return filled_width(r);
            }
            let meanings: Vec<HeaderMeaning> = r.iter().map(|c| g.header(&c.text)).collect();
            let named = meanings
                .iter()
                .filter(|m| !matches!(m, HeaderMeaning::Other))
                .count();
            let last_measure = meanings
                .iter()
                .rposition(|m| matches!(m, HeaderMeaning::Measure(_)))
                .map_or(0, |p| p + 1);
            named.max(last_measure)
        })
        .max()
        .unwrap_or(0);
    let width = body
        .iter()
        .map(|r| filled_width(r))
        .max()
        .unwrap_or(0)
        .max(header_width);
    // The expenditure label column: the first column after the income amounts
    // that holds text in many rows.
    let split = (2..width).find(|&p| {
        let text_rows = body
            .iter()
            .filter(|r| {
                r.get(p)
                    .is_some_and(|c| !normalize::is_blank(&c.text) && !is_amount(c))
            })
            .count();
        text_rows >= 2.max(body.len() / 4)
    });
    let Some(split) = split else {
        table
            .issues
            .push("could not find the expenditure side of a two-sided table".into());
        return;
    };
    // Header measures left and right of the expenditure label.
    let best = header.iter().max_by_key(|r| {
        r.iter()
            .filter(|c| matches!(g.header(&c.text), HeaderMeaning::Measure(_)))
            .count()
    });
    let (mut left, mut right) = (Vec::new(), Vec::new());
    if let Some(row) = best {
        for (pos, c) in row.iter().enumerate() {
            if let HeaderMeaning::Measure(m) = g.header(&c.text) {
                if pos < split {
                    left.push(vec![m])
                } else {
                    right.push(vec![m])
                }
            }
        }
    }
    // Income amounts are `budget` (or `final` in a final account), whatever
    // the header calls them — the comparison columns (last year's, the
    // change) and a final account's own budget column (`年初预算数`) aside.
    let own = if final_account { "final" } else { "budget" };
    let income_measures: Vec<Vec<Measure>> = if left.len() == split - 1 {
        left.iter()
            .map(|c| match c[0] {
                m if m == "final" || m == "budget" || g.identities.is_comparison(m) => vec![m],
                _ => vec![own],
            })
            .collect()
    } else {
        vec![]
    };
    let mut income = columns::resolve_leaves(&income_measures, split - 1, &kind.layouts);
    let exp_width = width.saturating_sub(split + 1);
    let mut expenditure = columns::resolve_leaves(&right, exp_width, &kind.expenditure_layouts);
    // A side whose header names no measure (`金额`) takes the layout's, which
    // is the budget's: in a final account its amounts are the year's outturn.
    if final_account {
        for (cols, named) in [(&mut income, &income_measures), (&mut expenditure, &right)] {
            if named.is_empty() {
                for m in cols.measures.iter_mut().flatten() {
                    if *m == "budget" {
                        *m = "final";
                    }
                }
            }
        }
    }
    for p in [&income.problem, &expenditure.problem]
        .into_iter()
        .flatten()
    {
        table.issues.push(p.clone());
    }
    for m in income
        .measures
        .iter()
        .chain(&expenditure.measures)
        .flatten()
    {
        if !table.columns.contains(m) {
            table.columns.push(m);
        }
    }
    table.sides = Some(Sides {
        income: income.measures.iter().flatten().copied().collect(),
        expenditure: expenditure.measures.iter().flatten().copied().collect(),
    });
    let usual = usual_length(body, width);
    let (body, inferred): (Vec<Cow<[Cell]>>, Vec<CellStatus>) = body
        .iter()
        .map(|r| match split_merged_amounts(r, usual) {
            Some((split_row, status)) => (Cow::Owned(split_row), status),
            None => realign_two_sided(g, r, width, split),
        })
        .unzip();
    let body = body.as_slice();
    let header_ok = income.problem.is_none() && expenditure.problem.is_none() && width >= 4;
    let align = Alignment::new(body, width, header_ok, false);
    align.report(0, table);
    let mut longer = Vec::new();
    for (cells, inferred) in body.iter().zip(inferred) {
        let at = cells.first().map_or(table.at, |c| c.at);
        let floor = align.floor(cells).max(inferred);
        // Amounts under no label, or an income "amount" that is the code of
        // the class the expenditure label names (`221 住房保障支出` set one
        // space apart): the layout lost where the row's cells go.
        let exp_class = cells
            .get(split)
            .and_then(|c| g.class_code(&c.text))
            .filter(|code| text(cells, 1).trim() == *code);
        // A label that runs two rows' labels together (an aligned dump
        // joining `单位上年结余(…)` to the `收入总计` below it): its amount is
        // either row's.
        let run_together = super::flow::runs_labels_together(g, &normalize::label(text(cells, 0)));
        if run_together {
            table.issues.push(format!(
                "line {at}: income label '{}' runs several labels together: its amount is uncertain",
                normalize::label(text(cells, 0))
            ));
        }
        let income_floor =
            if normalize::is_blank(text(cells, 0)) || exp_class.is_some() || run_together {
                CellStatus::Uncertain
            } else {
                label_floor(&cells[..1.min(cells.len())], floor, table)
            };
        let income_values = values(
            g,
            Some(Section::Income),
            &cells[..split.min(cells.len())],
            1,
            &income,
            income_floor,
            table,
        );
        let label = normalize::label(text(cells, 0)).into_owned();
        if !income_values.is_empty() {
            table.rows.push(Row {
                section: Some(Section::Income),
                code: None,
                item: label,
                project: String::new(),
                values: income_values,
                at,
            });
        }
        let exp_label = cells.get(split..=split).unwrap_or_default();
        let exp_floor = if exp_label.iter().all(|c| normalize::is_blank(&c.text)) {
            // Amounts under no label: a label the layout could not place.
            CellStatus::Uncertain
        } else {
            label_floor(exp_label, floor, table)
        };
        let mut exp_values = values(
            g,
            Some(Section::Expenditure),
            cells,
            split + 1,
            &expenditure,
            exp_floor,
            table,
        );
        if exp_values.is_empty() {
            continue;
        }
        if align.is_longer(cells)
            && !reads_one_way(
                g,
                kind.key,
                Section::Expenditure,
                cells,
                split + 1,
                &expenditure,
            )
        {
            for v in &mut exp_values {
                v.status = CellStatus::Uncertain;
            }
            longer.push((table.rows.len(), cells.to_vec()));
        }
        let (mut code, item) = split_code_prefix_raw(text(cells, split));
        if code.is_none() {
            code = g.class_code(&item).and_then(Code::new);
        }
        table.rows.push(Row {
            section: Some(Section::Expenditure),
            code,
            item,
            project: String::new(),
            values: exp_values,
            at: cells.get(split).map_or(at, |c| c.at),
        });
    }
    // Longer rows whose sums did not settle them: the table's sums may.
    let placed = match align.usual {
        Some(usual) if !longer.is_empty() => {
            let layout = Layout {
                kind: kind.key,
                section: Some(Section::Expenditure),
                cols: &expenditure,
                first: split + 1,
                project: None,
                usual,
            };
            place_misfits(g, &layout, &longer, table)
        }
        _ => Vec::new(),
    };
    for &(i, _) in &longer {
        let at = table.rows[i].at;
        table.issues.push(if placed.contains(&i) {
            format!("line {at}: a row longer than the others: the table's sums placed its expenditure amounts (repaired)")
        } else {
            format!("line {at}: a row longer than the others, its sums not settling its expenditure columns: they are uncertain")
        });
    }
}

/// Whether a two-sided row longer than its siblings reads one way only on
/// `section`'s side (its amounts from `from` under `cols`): its row sums hold
/// as printed, and hold no more once a blank cell before an amount is taken
/// out (a stray cell that moved the amounts after it right). 000's 总计 row
/// prints one blank cell more, after its amounts: it passes.
fn reads_one_way(
    g: &Grammar,
    kind: &str,
    section: Section,
    cells: &[Cell],
    from: usize,
    cols: &Columns,
) -> bool {
    let measures: Vec<Measure> = cols.measures.iter().flatten().copied().collect();
    let rules: Vec<_> = g
        .identities
        .row_sums
        .iter()
        .filter(|r| r.section == Some(section) && r.applies(kind, |m| measures.contains(m)))
        .collect();
    let holds = |cells: &[Cell]| {
        let cents = |m: &Measure| {
            cols.measures
                .iter()
                .position(|c| c.as_ref() == Some(m))
                .and_then(|i| cells.get(from + i))
                .and_then(Reading::of)
                .map_or(0, |r| r.amount().cents)
        };
        rules
            .iter()
            .all(|r| cents(&r.total) == r.parts.iter().map(cents).sum::<i64>())
    };
    if !holds(cells) {
        return false;
    }
    let last_printed = cells.iter().rposition(|c| !normalize::is_blank(&c.text));
    let shifted_holds = (from..last_printed.unwrap_or(0))
        .filter(|&i| normalize::is_blank(&cells[i].text))
        .any(|i| {
            let mut without = cells.to_vec();
            without.remove(i);
            holds(&without)
        });
    !shifted_holds
}

/// The “三公” table: one row per category, or transposed (categories as columns).
///
/// `layout_lost`: the header's cells are a flow dump's words, in print
/// order but not on the amounts' columns. The header then only hints at the
/// categories; the table's sums place them (`repaired`), or they stay
/// `uncertain`.
/// Whether `label` is two “三公” categories' labels run together
/// (`因公出国(境)费公务接待费`).
fn runs_categories_together(g: &Grammar, label: &str) -> bool {
    label.char_indices().skip(1).any(|(at, _)| {
        g.three_public_category(&label[..at]).is_some()
            && g.three_public_category(&label[at..]).is_some()
    })
}

pub(super) fn three_public(
    g: &Grammar,
    kind: &TableKind,
    header: &[&[Cell]],
    headings: &[String],
    body: &[Vec<Cell>],
    layout_lost: bool,
    table: &mut Table,
) {
    let row_wise = body
        .iter()
        .filter(|r| g.three_public_category(text(r, 0)).is_some())
        .count()
        >= 2;
    if row_wise {
        let width = typical_width(body).saturating_sub(1);
        let cols = columns::resolve(g, header, 1, width, &kind.layouts);
        if let Some(p) = &cols.problem {
            table.issues.push(p.clone());
        }
        table.columns = cols.measures.iter().flatten().copied().collect();
        let usual = usual_length(body, width + 1);
        let (body, split): (Vec<Cow<[Cell]>>, Vec<CellStatus>) = body
            .iter()
            .map(|r| match split_merged_amounts(r, usual) {
                Some((split_row, status)) => (Cow::Owned(split_row), status),
                None => (Cow::Borrowed(r.as_slice()), CellStatus::Ok),
            })
            .unzip();
        let align = Alignment::new(&body, width + 1, cols.problem.is_none(), true);
        align.report(0, table);
        // A category printed without amounts, its label's wrapped end
        // (`（小计）`) starting the next row, which holds them.
        let mut wrapped: Option<&str> = None;
        for (cells, split) in body.iter().zip(split) {
            let raw = text(cells, 0);
            let category = g
                .three_public_category(raw)
                .or_else(|| wrapped.filter(|_| normalize::label(raw) == "(小计)"));
            let item = category.map_or_else(|| normalize::label(raw).into_owned(), str::to_string);
            let mut floor = align.floor(cells).max(split);
            // Two categories' labels on one row (an aligned dump joining a
            // category printed without amounts to the row under or over
            // it): the amounts are either's.
            if category.is_none() && runs_categories_together(g, &item) {
                let at = cells.first().map_or(table.at, |c| c.at);
                table.issues.push(format!(
                    "line {at}: '{item}' runs two categories together: its amounts are either's, uncertain"
                ));
                floor = CellStatus::Uncertain;
            }
            let values = values(g, None, cells, 1, &cols, floor, table);
            wrapped = category.filter(|_| values.is_empty());
            if values.is_empty() {
                continue;
            }
            table.rows.push(Row {
                section: None,
                code: None,
                item,
                project: String::new(),
                values,
                at: cells.first().map_or(table.at, |c| c.at),
            });
        }
        return;
    }
    // Transposed: the header names the categories, a data row holds the amounts.
    let width = typical_width(body);
    let on_columns = (!layout_lost)
        .then(|| column_categories(g, header, width))
        .flatten();
    let (columns, status) = match on_columns {
        Some(c) => (c, CellStatus::Ok),
        None => {
            let (cats, status) = transposed_categories(g, header, width);
            let status = if layout_lost {
                CellStatus::Uncertain
            } else {
                status
            };
            (cats.into_iter().map(|c| (c, "total")).collect(), status)
        }
    };
    let mut measures: Vec<Measure> = Vec::new();
    for (_, m) in &columns {
        if !measures.contains(m) {
            measures.push(m);
        }
    }
    table.columns = measures;
    let hints = header_hints(g, header, headings);
    let sums: Vec<&ItemSum> = g.identities.item_sums_of(kind.key).collect();
    // Only a header of categories alone (every measure `total`) leaves the
    // columns to the sums: one naming 预算数/决算数 or a year per column
    // would lose them.
    let categories_only = columns.iter().all(|(_, m)| *m == "total");
    // Measures printed per category (`预算数 | 决算数` under each), not one
    // heading over them all (`2023年“三公”经费预算数`).
    let measures_per_category = header
        .iter()
        .flat_map(|r| r.iter())
        .filter(|c| matches!(g.header(&c.text), HeaderMeaning::Measure(m) if m != "total"))
        .count()
        >= 2;
    let mut unsolved = false;
    let mut read_per_measure = false;
    for cells in body {
        let split = split_merged_amounts(cells, Some(columns.len()));
        let mut floor = match &split {
            Some((_, split_status)) => status.max(*split_status),
            None if cells.len() == columns.len() => status,
            None => CellStatus::Uncertain,
        };
        // Columns the layout guessed: sums that hold for one order of the
        // categories may hold for another with a blank elsewhere.
        let guessed = cells.iter().any(|c| c.column_guessed);
        if guessed {
            floor = CellStatus::Uncertain;
        }
        let cells = split.as_ref().map_or(&cells[..], |(c, _)| c.as_slice());
        let by_sums;
        // Amounts whose category another reading of the sums changes.
        let mut open = vec![false; cells.len()];
        // A row whose columns the layout guessed (one row: no other row
        // shows where its blank cells are) is read as a flow row is, its
        // blanks vanished.
        let by_sums_order = if floor == CellStatus::Ok || !categories_only {
            None
        } else if layout_lost || guessed {
            // A flow dump prints nothing for a blank cell: a row as wide as
            // an order may still have lost one of a longer order's. (Under
            // measures per category the blanks leave both the category and
            // the measure open.)
            (!measures_per_category)
                .then(|| categories_with_blanks(g, &sums, &hints, cells))
                .flatten()
                .map(|(order, agreed)| {
                    open = agreed.iter().map(|a| !a).collect();
                    order
                })
        } else {
            categories_by_sums(g, &sums, &hints, cells)
        };
        // Measures printed per category over a row the header's categories
        // do not cover (their headings wrapped over lines set apart):
        // each measure's amounts are read by the sums on their own.
        let paired = if by_sums_order.is_none() && measures_per_category && floor != CellStatus::Ok
        {
            categories_per_measure(g, header, &sums, &hints, cells)
        } else {
            None
        };
        let columns = match (by_sums_order, paired) {
            (None, Some(paired)) => {
                floor = CellStatus::Repaired;
                by_sums = paired;
                read_per_measure = true;
                for (_, m) in &by_sums {
                    if !table.columns.contains(m) {
                        table.columns.push(m);
                    }
                }
                &by_sums
            }
            (Some(order), _) => {
                // Columns inferred from arithmetic: `repaired`.
                floor = CellStatus::Repaired;
                by_sums = order.into_iter().map(|c| (c, "total")).collect::<Vec<_>>();
                if !table.columns.contains(&"total") {
                    table.columns.push("total");
                }
                &by_sums
            }
            (None, None) => {
                unsolved |= floor != CellStatus::Ok;
                &columns
            }
        };
        // One row per category, its measures in column order.
        let mut rows: Vec<Row> = Vec::new();
        for ((cell, (category, measure)), open) in cells.iter().zip(columns).zip(&open) {
            if normalize::is_blank(&cell.text) {
                continue;
            }
            let Some(reading) = Reading::of(cell) else {
                table.issues.push(format!(
                    "line {}: '{}' is not a number",
                    cell.at,
                    cell.text.trim()
                ));
                continue;
            };
            // No row sum runs across a category's cells to settle a join.
            let status = match reading {
                Reading::Printed(_) if cell.moved => CellStatus::Repaired,
                Reading::Printed(_) => CellStatus::Ok,
                Reading::Rebuilt(_) => CellStatus::Repaired,
                Reading::Either { .. } => CellStatus::Uncertain,
            };
            let status = if *open {
                CellStatus::Uncertain
            } else {
                floor.max(status)
            };
            let value = Value {
                measure,
                amount: reading.amount(),
                status,
                at: cell.at,
                alternatives: vec![],
                restored_from: None,
            };
            match rows.iter_mut().find(|r| r.item == *category) {
                Some(row) => row.values.push(value),
                None => rows.push(Row {
                    section: None,
                    code: None,
                    item: category.to_string(),
                    project: String::new(),
                    values: vec![value],
                    at: cell.at,
                }),
            }
        }
        table.rows.extend(rows);
        for cell in cells.iter().skip(columns.len()) {
            if let Some(a) = Reading::of(cell).map(Reading::amount) {
                table.issues.push(format!(
                    "line {}: amount {a} outside the table's columns",
                    cell.at
                ));
            }
        }
    }
    // The header's reading (one `total` per category named) may be no
    // row's once rows were read measure by measure.
    if read_per_measure {
        let rows = &table.rows;
        table.columns.retain(|m| {
            rows.iter()
                .any(|r| r.values.iter().any(|v| v.measure == *m))
        });
    }
    if status != CellStatus::Ok && unsolved {
        table.issues.push(if layout_lost {
            "flow layout: the “三公” sums do not fix which amount is which category: \
             categories uncertain"
                .to_string()
        } else if super::named_twice(&columns).is_some() {
            "“三公” header names a category twice (two blocks of categories whose \
             years or measures are not printed over them): categories uncertain"
                .to_string()
        } else {
            format!(
                "“三公” header names {} categories for {width} amount columns: categories uncertain",
                columns.len()
            )
        });
    }
}

/// The categories each header line names (a heading printed on a line of
/// its own among them), for the orders the table's sums choose among
/// ([`categories::order_by_sums`]).
fn header_hints(g: &Grammar, header: &[&[Cell]], headings: &[String]) -> HeaderHints {
    let rows = header
        .iter()
        .map(|r| r.iter().map(|c| c.text.as_str()).collect::<Vec<_>>())
        .chain(headings.iter().map(|h| vec![h.as_str()]));
    let mut unnamed = Vec::new();
    let mut lines = Vec::new();
    for texts in rows {
        let mut line: Vec<&'static str> = Vec::new();
        for t in texts {
            let named = g
                .three_public_heading(t)
                .or_else(|| g.three_public_heading_cut(t));
            match named {
                Some(c) if !line.contains(&c) => line.push(c),
                Some(_) => {}
                None => unnamed.push(normalize::label(t).into_owned()),
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    HeaderHints { lines, unnamed }
}

/// A flow row's categories by the table's sums, its blank cells vanished
/// ([`categories::categories_with_blanks`]), when every cell is an amount.
fn categories_with_blanks(
    g: &Grammar,
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<(Vec<&'static str>, Vec<bool>)> {
    let amounts: Vec<Amount> = cells
        .iter()
        .map(|c| Reading::of(c).map(Reading::amount))
        .collect::<Option<_>>()?;
    categories::categories_with_blanks(&g.three_public_orders, sums, hints, &amounts)
}

/// The (category, measure) of each cell of a row under a header whose
/// lowest line prints the same measures for every category (`预算数 决算数`
/// six times over in a final account): the cells of each measure are
/// ordered by the sums on their own ([`categories_by_sums`]), and every
/// measure must take the same order.
fn categories_per_measure(
    g: &Grammar,
    header: &[&[Cell]],
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<Vec<(&'static str, Measure)>> {
    let measures: Vec<Measure> = header.iter().rev().find_map(|r| {
        let printed: Vec<&Cell> = r.iter().filter(|c| !normalize::is_blank(&c.text)).collect();
        let measures: Vec<Measure> = printed
            .iter()
            .filter_map(|c| g.document_measure(&c.text))
            .collect();
        (measures.len() == cells.len() && measures.len() == printed.len()).then_some(measures)
    })?;
    // The measures' cycle: `预算数 决算数`, repeated.
    let period = (1..measures.len()).find(|&p| {
        measures.len().is_multiple_of(p)
            && measures.iter().skip(p).zip(&measures).all(|(a, b)| a == b)
    })?;
    if period < 2 || period == measures.len() {
        return None;
    }
    let orders: Vec<Vec<&'static str>> = (0..period)
        .map(|phase| {
            let own: Vec<Cell> = cells.iter().skip(phase).step_by(period).cloned().collect();
            categories_by_sums(g, sums, hints, &own)
        })
        .collect::<Option<_>>()?;
    if orders.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let order = &orders[0];
    Some(
        (0..cells.len())
            .map(|i| (order[i / period], measures[i % period]))
            .collect(),
    )
}

/// A row's categories by the table's sums, when every cell is an amount.
fn categories_by_sums(
    g: &Grammar,
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<Vec<&'static str>> {
    let amounts: Vec<Amount> = cells
        .iter()
        .map(|c| Reading::of(c).map(Reading::amount))
        .collect::<Option<_>>()?;
    categories::order_by_sums(&g.three_public_orders, sums, hints, &amounts)
}

/// The category (and measure) of each amount column of a transposed “三公”
/// table whose header rows are laid out on its columns (a ruled PDF, a
/// spreadsheet export): the headings over a column, lowest first, name it —
/// a `小计` read within the group heading that spans it (`公务用车购置及运行费`
/// over `小计 | 购置费 | 运行费`); a lowest heading `预算数` / `决算数` (final
/// accounts print both for every category) is the column's measure. `None`
/// unless every column is named, each (category, measure) once.
fn column_categories(
    g: &Grammar,
    header: &[&[Cell]],
    width: usize,
) -> Option<Vec<(&'static str, Measure)>> {
    const VEHICLES: &str = THREE_PUBLIC_VEHICLES;
    // Every header row on the body's columns (blank padding aside), or the
    // layout is lost and a column's heading cannot be told. A row of block
    // headings alone (`预算数 | … | 决算数`) may have had its trailing blank
    // cells trimmed; a row of categories so short has lost cells anywhere.
    let block_headings = |r: &[Cell]| {
        r.iter().all(|c| {
            normalize::is_blank(&c.text) || matches!(g.header(&c.text), HeaderMeaning::Measure(_))
        })
    };
    let fits = |r: &&[Cell]| {
        r.len() == width
            || (r.len() > width && r[width..].iter().all(|c| normalize::is_blank(&c.text)))
            || (r.len() < width && block_headings(r))
    };
    if width < 2 || header.is_empty() || !header.iter().all(fits) {
        return None;
    }
    let rows: Vec<&[Cell]> = header
        .iter()
        .filter(|r| !columns::is_column_number_row(r))
        .map(|r| &r[..width.min(r.len())])
        .collect();
    let blank = |r: &[Cell], j: usize| r.get(j).is_none_or(|c| normalize::is_blank(&c.text));
    // `2024年机关运行经费预算数` → 机关运行经费.
    let category = |text: &str| g.three_public_heading(text);
    let mut out: Vec<(&'static str, Measure)> = Vec::with_capacity(width);
    // Whether each column has a year heading (上年预算数, 本年预算数) over it.
    let mut years: Vec<bool> = Vec::with_capacity(width);
    // Whether each column stands under `预算数`, and under `决算数`.
    let mut under_budget: Vec<bool> = Vec::with_capacity(width);
    let mut under_final: Vec<bool> = Vec::with_capacity(width);
    for j in 0..width {
        let leaf_row = (0..rows.len()).rev().find(|&r| !blank(rows[r], j))?;
        let (measure, first) = match g.document_measure(&rows[leaf_row][j].text) {
            Some(m) => (m, leaf_row),
            None => ("total", leaf_row + 1),
        };
        // The headings over column j, lowest first: in each row above, the
        // nearest printed cell at or left of j, unless a heading higher up
        // starts between them (then the blanks are that heading's).
        let headings: Vec<&str> = (0..first)
            .rev()
            .filter_map(|r| {
                let start = (0..=j).rev().find(|&k| !blank(rows[r], k))?;
                let covered = (start + 1..=j).any(|c| (0..r).any(|above| !blank(rows[above], c)));
                (!covered).then(|| rows[r][start].text.as_str())
            })
            .collect();
        let lowest = headings.first()?;
        let above = headings[1..].iter().find_map(|h| category(h));
        // A block of categories under `上年预算数` beside this year's: the
        // comparison figures.
        let year_heading = |m: &'static str| {
            headings[1..]
                .iter()
                .any(|h| g.header(h) == HeaderMeaning::Measure(m))
        };
        // A block under `增减` (or `增减率`): the change from last year.
        let compared = g.identities.comparisons().find(|m| year_heading(m));
        let measure = match (measure, compared) {
            ("total", Some(m)) => m,
            (m, _) => m,
        };
        // In a table of two years, every column must sit under one of them
        // (or under the change): one whose year heading is not over it (a
        // heading shifted by the dump) could be either year's.
        years.push(compared.is_some() || year_heading("budget") || year_heading("final"));
        under_budget.push(measure == "total" && year_heading("budget") && !year_heading("final"));
        under_final.push(measure == "total" && year_heading("final") && !year_heading("budget"));
        let name = match (category(lowest), above) {
            (Some("合计"), Some(group)) if group != "合计" => group,
            (Some(c), _) => c,
            (None, Some(VEHICLES)) if lowest.contains("购置") => THREE_PUBLIC_VEHICLE_PARTS[0],
            (None, Some(VEHICLES)) if lowest.contains("运行") => THREE_PUBLIC_VEHICLE_PARTS[1],
            _ => return None,
        };
        out.push((name, measure));
    }
    // A final account's categories under `预算数` and again under `决算数`
    // (the national template): the blocks are `budget` and `final`, as
    // when each category prints both (SCHEMA.md).
    let budget_and_final = under_budget.iter().any(|&b| b) && under_final.iter().any(|&f| f);
    if budget_and_final {
        for (((_, m), &b), &f) in out.iter_mut().zip(&under_budget).zip(&under_final) {
            if b {
                *m = "budget";
            } else if f {
                *m = "final";
            }
        }
    }
    for (i, c) in out.iter().enumerate() {
        if out[..i].contains(c) {
            return None;
        }
    }
    let two_years = budget_and_final || out.iter().any(|(_, m)| g.identities.is_comparison(m));
    if two_years && !years.iter().all(|&under_year| under_year) {
        return None;
    }
    Some(out)
}

/// Category of each column of a transposed “三公” table. The top header row
/// gives the categories in order; when a lower row names the 购置/运行
/// sub-columns, 公务用车购置及运行费 carries them. A data row of another width
/// has lost or gained cells: its categories are a guess (`Uncertain`).
fn transposed_categories(
    g: &Grammar,
    header: &[&[Cell]],
    width: usize,
) -> (Vec<&'static str>, CellStatus) {
    const VEHICLES: &str = THREE_PUBLIC_VEHICLES;
    const PARTS: [&str; 2] = THREE_PUBLIC_VEHICLE_PARTS;
    let rows: Vec<Vec<&'static str>> = header
        .iter()
        .map(|r| {
            r.iter()
                .filter_map(|c| g.three_public_category(&c.text))
                .collect()
        })
        .collect();
    let Some(top_at) = rows.iter().position(|cats| cats.len() >= 2) else {
        // No usable header: the most common printed order, never `ok`.
        let standard = [
            "合计",
            "因公出国(境)费",
            VEHICLES,
            PARTS[0],
            PARTS[1],
            "公务接待费",
        ];
        return (standard.to_vec(), CellStatus::Uncertain);
    };
    let top = &rows[top_at];
    let parts_below = rows[top_at + 1..]
        .iter()
        .any(|cats| PARTS.iter().all(|p| cats.contains(p)));
    let mut cats: Vec<&'static str> = Vec::new();
    for c in top {
        cats.push(c);
        if *c == VEHICLES && (parts_below || top.len() + 2 == width) && !top.contains(&PARTS[0]) {
            cats.extend(PARTS);
        }
    }
    // A category named twice (two blocks of categories, for two years or
    // two measures, whose headings were not read) says which amounts are
    // whose only by position: never `ok`.
    let status = if cats.len() == width && super::named_twice(&cats).is_none() {
        CellStatus::Ok
    } else {
        CellStatus::Uncertain
    };
    (cats, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_whole_number_is_a_row_number_only_where_amounts_print_decimals() {
        let at = Provenance::Line(1);
        let row =
            |cells: &[&str]| -> Vec<Cell> { cells.iter().map(|t| Cell::new(*t, at)).collect() };
        // The national template's 财政拨款收入支出决算总表: 项目 | 行次 | 金额 |
        // 项目 | 行次 | 合计 | …, the empty side's 行次 set in the income
        // amount column.
        let marked = [1, 4];
        let body = vec![
            row(&[
                "一、一般公共预算财政拨款",
                "1",
                "500.00",
                "一、一般公共服务支出",
                "33",
                "410.00",
            ]),
            row(&["政府性基金预算财政拨款", "8", "40", "", "", ""]),
        ];
        assert!(prints_decimals_only(&body, &marked));
        let mut displaced = body[1].clone();
        blank_displaced_row_numbers(&mut displaced, &marked);
        assert_eq!(displaced[1].text, "8");
        assert_eq!(displaced[2].text, "");
        // A table printing some amounts whole (a spreadsheet's General
        // format): its bare numbers may be amounts.
        let mixed = vec![
            row(&[
                "一、一般公共预算财政拨款",
                "1",
                "1808.71",
                "一、一般公共服务支出",
                "33",
                "500",
            ]),
            row(&["政府性基金预算财政拨款", "8", "40", "", "", ""]),
        ];
        assert!(!prints_decimals_only(&mixed, &marked));
    }

    #[test]
    fn code_prefixes() {
        assert_eq!(
            split_code_prefix("210卫生健康支出").map(|(c, n)| (c.as_str().to_string(), n)),
            Some(("210".into(), "卫生健康支出".into()))
        );
        let (c, n) = split_code_prefix_raw("208 01 01 行政运行");
        assert_eq!(
            (c.map(|c| c.as_str().to_string()), n.as_str()),
            (Some("2080101".into()), "行政运行")
        );
        let (c, n) = split_code_prefix_raw("支出总计");
        assert_eq!((c, n.as_str()), (None, "支出总计"));
        // One run of digits, and the brackets some finance systems print.
        let split = |t: &str| {
            let (c, n) = split_code_prefix_raw(t);
            (c.map(|c| c.as_str().to_string()), n)
        };
        for printed in [
            "2080101 行政运行",
            "2080101行政运行",
            "[2080101]行政运行",
            "【2080101】 行政运行",
            "[208 01 01] 行政运行",
        ] {
            assert_eq!(
                split(printed),
                (Some("2080101".into()), "行政运行".into()),
                "{printed}"
            );
        }
        assert_eq!(
            split("[20805]行政事业单位养老支出"),
            (Some("20805".into()), "行政事业单位养老支出".into())
        );
        // Not codes: a year, a row number, an amount, digits with no name.
        for printed in [
            "2024年预算数",
            "1、一般公共预算拨款",
            "208.50",
            "20801 01 01 行政运行",
        ] {
            assert_eq!(split(printed).0, None, "{printed}");
        }
        assert!(starts_with_code("208") && starts_with_code("[2080101]行政运行"));
        assert!(
            starts_with_code("[208]") && !starts_with_code("2024") && !starts_with_code("2024年")
        );
    }

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

    /// The filler's next code and whether a level was padded.
    fn filled(f: &mut CodeFiller, cells: &[&str]) -> Option<(String, bool)> {
        f.next(cells)
            .map(|c| (c.code.as_str().to_string(), c.padded))
    }

    fn code(s: &str, padded: bool) -> Option<(String, bool)> {
        Some((s.to_string(), padded))
    }

    #[test]
    fn code_filler_uses_parent_rows() {
        let mut f = CodeFiller { parts: vec![] };
        let mut next = |cells: &[&str]| filled(&mut f, cells);
        assert_eq!(next(&["208", "", ""]), code("208", false));
        assert_eq!(next(&["", "01", ""]), code("20801", false));
        assert_eq!(next(&["208", "01", "01"]), code("2080101", false));
        assert_eq!(next(&["", "", "99"]), code("2080199", false));
        assert_eq!(next(&["", "", ""]), None);
        assert_eq!(next(&["2080101"]), code("2080101", false));
        // A 类 printed short names no code, and is no parent either.
        assert_eq!(next(&["210", "11", "01"]), code("2101101", false));
        assert_eq!(next(&["7", "11", "02"]), None);
        assert_eq!(next(&["", "", "02"]), code("2101102", false));
    }

    #[test]
    fn code_filler_reads_a_dropped_leading_zero_in_order() {
        // sh_putuo_wanlijiedao_2024_yusuan.pdf, p29: `301 | 2` and `301 | 7`
        // between 30101 and 30108.
        let mut f = CodeFiller { parts: vec![] };
        let mut next = |cells: &[&str]| filled(&mut f, cells);
        assert_eq!(next(&["301", ""]), code("301", false));
        assert_eq!(next(&["301", "01"]), code("30101", false));
        assert_eq!(next(&["301", "2"]), code("30102", true));
        assert_eq!(next(&["301", "7"]), code("30107", true));
        assert_eq!(next(&["301", "08"]), code("30108", false));
        // Out of order (after 30108) it is no code; nor is a lone 0.
        assert_eq!(next(&["301", "3"]), None);
        // The same code again (a project table's next project) is in order.
        assert_eq!(next(&["301", "8"]), code("30108", true));
        assert_eq!(next(&["301", "0"]), None);
        // A first child has no sibling before it.
        assert_eq!(next(&["302", ""]), code("302", false));
        assert_eq!(next(&["302", "1"]), code("30201", true));
        // A 项 row repeats its 款: its code follows its parent's.
        assert_eq!(next(&["208", "01", ""]), code("20801", false));
        assert_eq!(next(&["208", "1", "01"]), code("2080101", true));
        assert_eq!(next(&["208", "01", "2"]), code("2080102", true));
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
