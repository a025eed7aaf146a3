//! Stage 3 — recognise the document: parts, table titles, units, header and
//! body rows, metadata.
//!
//! Walks the layout items top to bottom. A title the grammar knows opens a
//! table; the rows after it belong to that table until the next title, part
//! heading or prose line. Titles with no rows after them are table-of-contents
//! entries and vanish.

mod absent;
mod columns;
pub mod doubt;
mod flow;
mod meta;
mod pages;
mod table;
mod title;
mod units;

use std::collections::HashMap;

use crate::amount::{self, Amount};
use crate::grammar::{Grammar, Shape, TitleMeaning};
use crate::layout::Item;
use crate::model::{Cell, Code, Document, Provenance, TableNo, Unit};
use crate::normalize;
use title::TitleLine;

pub use title::{standalone_narrative_heading, Part};

use table::Draft;

/// What a row turned out to be.
enum Placement {
    /// A title, table number or metadata line: handled.
    Consumed,
    /// A row of the open table, or a stray one-cell line.
    Body,
}

/// What rows after the current line belong to.
enum Target {
    /// No table open (prose, or before the first table).
    None,
    Table(Draft),
    /// A table we do not extract (绩效目标表, unknown titles): swallow its rows.
    Skip,
    /// An unnumbered title no kind matches but named like a budget table:
    /// listed as an unknown table once a row with an amount follows (a cover
    /// title or a contents line is not), its rows swallowed.
    Unknown(String),
}

struct Segmenter<'t> {
    g: &'static Grammar,
    /// The document's text, to count a line's copies.
    text: &'t str,
    /// How many times each line is printed, counted when first needed.
    line_counts: Option<HashMap<&'t str, u32>>,
    /// Lines found to be running page headers inside a table: the same
    /// line anywhere else is one too.
    page_headers: Vec<String>,
    doc: Document,
    target: Target,
    /// A bare `表 2` line waiting for its title.
    pending_number: Option<TableNo>,
    agencies: Vec<String>,
    part: Option<Part>,
    /// A table title was read since the last part heading (the tables'
    /// own heading may be lost: tables under 第一部分).
    titled_in_part: bool,
    overview: String,
    /// The line the overview's last line was printed on: blank lines
    /// between its lines (no items) are put back, where a page number
    /// stands apart from the figures it would run into.
    overview_at: Option<u32>,
    /// Per recognised table: whether it stated its own unit.
    unit_stated: Vec<bool>,
    /// Per recognised table: its amounts printed with a unit of their own.
    cell_units: Vec<Vec<units::CellUnit>>,
    /// The last unit stated outside a table (a part's heading).
    loose_unit: Option<Unit>,
    /// Flow layout: a table's lines are collected, not ended by prose.
    flow: bool,
    /// A tab-separated dump that trims each row's trailing blank cells
    /// (`layout::trims_trailing_blanks`): its tables' short rows are
    /// padded back (`table::build`).
    trimmed_rows: bool,
    /// The last item fed was a row (blank lines are no items): a line now
    /// comes straight after it.
    after_row: bool,
    /// A line named like a table inside a table's body, and the items after
    /// it, until they show whether it was a running page header.
    held: Option<Held>,
    /// Rows with a code and amounts that no table title went before: where
    /// the first was, and how many.
    stray: Option<(Provenance, usize)>,
    /// Rows of a label and decimal amounts (a two-sided table's `五、事业收入
    /// 85.20 … 105.90`) read in no table: where the first was, how many.
    stray_lines: Option<(Provenance, usize)>,
    /// The last title read opened no table the grammar extracts (an
    /// ignored or unknown one): the rows after it are that table's, not
    /// stray lines.
    after_unread_title: bool,
    /// Known titles with no rows after them: contents entries, or tables
    /// printed as images (`absent`).
    named: Vec<absent::Named>,
    /// In a document without parts, a narrative heading standing alone
    /// (`2025年部门预算编制说明`) opened the narrative; the next table title
    /// or part heading closes it.
    in_standalone_narrative: bool,
    /// A second disclosure's 第一部分, after this one's tables: where, and
    /// the heading. Nothing after it is read (see [`Segmenter::second_disclosure`]).
    second_disclosure: Option<(Provenance, String)>,
}

/// A line named like a table that came between an open table's rows: a
/// running page header (`某局2024年部门预算公开表` at the top of every page)
/// or the title of a table the grammar does not know. The items after it
/// decide: rows that continue the open table (after at most a repeat of its
/// header) make it a page header; anything else, a new table.
struct Held {
    /// The line as printed (trimmed).
    line: String,
    title: String,
    items: Vec<Item>,
}

/// What a held line turned out to be.
enum Verdict {
    PageHeader,
    NewTable,
}

/// Items a held line waits for at most: a page break's unit line, header
/// rows and column numbers come before the first row of amounts.
const HOLD_LIMIT: usize = 12;

/// How a document's issue ends that reports rows in no table.
const STRAY_ROWS: &str = "are in no table the grammar knows: not extracted";

/// Whether a document's issue reports rows of codes and amounts read in no
/// table (a second reading that placed them replaces it).
pub fn reports_stray_rows(issue: &str) -> bool {
    issue.ends_with(STRAY_ROWS)
}

/// The year and family a document's file name gives
/// (`2024年奇台县社会保险管理局部门预算.pdf`), for a document whose text
/// names neither: the last piece of `source` (a path, or an archive's
/// member after `!`).
pub fn year_and_kind_of_file(source: &str) -> (Option<u16>, Option<crate::model::DocKind>) {
    let name = source.rsplit(['/', '\\', '!']).next().unwrap_or(source);
    // A name naming two years (`2023年决算_2024年预算对比`) names neither.
    let mut years: Vec<&str> = name
        .match_indices("20")
        .filter_map(|(i, _)| name.get(i..i + 4))
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    years.sort_unstable();
    years.dedup();
    if years.len() > 1 {
        return (None, None);
    }
    meta::year_and_kind(name)
}

/// Recognises tables and metadata in the items of one document (taken by
/// value: table rows move into their tables).
pub fn recognise(g: &'static Grammar, mut items: Vec<Item>, text: &str) -> Document {
    // A text dump's lines come in the order its extractor wrote them; a
    // PDF's are read by position.
    if items
        .first()
        .is_some_and(|i| matches!(i.at(), Provenance::Line(_)))
    {
        pages::rejoin_titles_split_by_labels(g, &mut items);
        pages::raise_foot_titles(g, &mut items);
    }
    let flow = !items.iter().any(|i| matches!(i, Item::Row { .. }));
    let trimmed_rows = !flow && crate::layout::trims_trailing_blanks(text);
    let mut s = Segmenter {
        g,
        text,
        line_counts: None,
        page_headers: Vec::new(),
        doc: Document::default(),
        target: Target::None,
        pending_number: None,
        agencies: Vec::new(),
        part: None,
        titled_in_part: false,
        overview: String::new(),
        overview_at: None,
        unit_stated: Vec::new(),
        cell_units: Vec::new(),
        loose_unit: None,
        flow,
        trimmed_rows,
        after_row: false,
        held: None,
        stray: None,
        stray_lines: None,
        after_unread_title: false,
        named: Vec::new(),
        in_standalone_narrative: false,
        second_disclosure: None,
    };
    // The year first: a table's header may name years (`2023年执行数`).
    let (year, kind) = meta::year_and_kind(text);
    s.doc.year = year;
    // The kind too: a final account's unnamed amount columns are its outturn.
    s.doc.kind = kind;
    for item in items {
        if s.second_disclosure.is_some() {
            break;
        }
        s.feed(item);
    }
    s.release(Verdict::NewTable);
    s.close();
    if let Some((at, heading)) = &s.second_disclosure {
        let place = match at {
            Provenance::Line(n) => format!("line {n}"),
            Provenance::Page(n) => format!("page {n}"),
        };
        s.doc.issues.push(format!(
            "the file holds a second disclosure from {place} ({heading}): only the first was read; split the file to read the others"
        ));
    }
    s.inherit_units();
    s.report_stray_rows();
    if s.flow {
        flow::doubt_names_tables_disagree_on(g, &mut s.doc);
    }
    absent::report_missing(g, &mut s.doc, &s.named, text);
    s.doc.agency = meta::agency(
        &s.agencies,
        text.lines().take(200).find_map(meta::agency_from_heading),
    );
    s.doc.staffing = meta::staffing(&s.overview);
    s.doc
}

impl Segmenter<'_> {
    fn feed(&mut self, item: Item) {
        if self.held.is_some() {
            let verdict = self.judge(&item);
            if let Some(h) = &mut self.held {
                h.items.push(item);
            }
            if let Some(v) = verdict {
                self.release(v);
            }
            return;
        }
        match item {
            Item::Text { text, at } => {
                self.text(&text, at);
                self.after_row = false;
            }
            Item::Row { cells, at } => {
                self.row(cells, at);
                self.after_row = true;
            }
        }
    }

    /// What the next item says about the held line, if it decides.
    fn judge(&self, item: &Item) -> Option<Verdict> {
        let (Some(held), Target::Table(d)) = (&self.held, &self.target) else {
            return Some(Verdict::NewTable);
        };
        if held.items.len() >= HOLD_LIMIT {
            return Some(Verdict::NewTable);
        }
        let furniture = |line: &str| {
            normalize::is_blank(line)
                || normalize::is_page_marker(line)
                || normalize::is_page_number(line)
                || meta::unit_in(line).is_some()
                || meta::agency_in(line).is_some()
                || line.trim() == held.line
                || self.continues_open_table(&normalize::label(line))
        };
        let cells = match item {
            Item::Text { text, .. } => {
                return (!furniture(text)).then_some(Verdict::NewTable);
            }
            Item::Row { cells, .. } => cells,
        };
        let filled: Vec<&str> = cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !normalize::is_blank(t))
            .collect();
        match filled.as_slice() {
            [] => None,
            [only] if cells.len() == 1 && Amount::parse(only).is_none() => {
                (!furniture(only)).then_some(Verdict::NewTable)
            }
            _ if columns::is_column_number_row(cells) => None,
            _ if !filled.iter().any(|t| Amount::parse(t).is_some()) => {
                // A row of labels with blank amounts may be either table's;
                // a header other than the open table's, once its amounts
                // have begun, is a new table's.
                let other_header = table::is_repeated_header(self.g, cells)
                    && !d
                        .rows
                        .iter()
                        .take_while(|r| !r.iter().any(table::is_amount))
                        .any(|r| table::same_texts(r, cells));
                (other_header && d.amounts_seen).then_some(Verdict::NewTable)
            }
            _ => {
                // A row of amounts as wide as the open table's rows of
                // amounts (of its header rows, before its first amount).
                let continues = d.rows.iter().any(|r| {
                    r.len() == cells.len()
                        && !columns::is_column_number_row(r)
                        && (!d.amounts_seen || r.iter().any(table::is_amount))
                });
                Some(if continues {
                    Verdict::PageHeader
                } else {
                    Verdict::NewTable
                })
            }
        }
    }

    /// Acts on the held line's verdict, then reads the items held after it.
    fn release(&mut self, verdict: Verdict) {
        let Some(held) = self.held.take() else {
            return;
        };
        match verdict {
            Verdict::PageHeader => self.page_headers.push(held.line),
            Verdict::NewTable => {
                self.close();
                self.target = Target::Unknown(held.title);
            }
        }
        for item in held.items {
            self.feed(item);
        }
    }

    fn close(&mut self) {
        if let Target::Table(mut draft) = std::mem::replace(&mut self.target, Target::None) {
            let second = if draft.repeat_is_another_table() {
                draft.split_off_repeat(None)
            } else {
                None
            };
            for draft in std::iter::once(draft).chain(second) {
                if draft.is_phantom() {
                    self.named.push(absent::Named {
                        kind: draft.kind,
                        title: draft.title,
                        at: draft.at,
                    });
                } else {
                    let (line_unit, header_units) =
                        (draft.unit, units::header_units(self.g, &draft));
                    self.cell_units.push(units::cell_units(&draft));
                    let prints_decimals = prints_decimals(&draft);
                    let mut built = table::build(self.g, draft, &self.doc, self.trimmed_rows);
                    if prints_decimals && built.rows.iter().all(|r| r.values.is_empty()) {
                        built.issues.push(
                            "its rows print decimal numbers but no amount was read from them: not extracted"
                                .to_string(),
                        );
                    }
                    let stated = units::settle(self.g, &mut built, line_unit, &header_units);
                    self.unit_stated.push(stated);
                    self.doc.tables.push(built);
                }
            }
        }
    }

    /// A table that states no unit takes the one stated outside the
    /// tables (`第二部分 部门预算表（金额单位：元）`), else the unit most
    /// tables state (万元 when as many state it as another), unless the
    /// narrative's figures show it in another (`units::shown_by_narrative`:
    /// a 元 disclosure whose unit lines were lost). Then a table in a unit
    /// the output does not keep is given in 元.
    fn inherit_units(&mut self) {
        let stated = || {
            self.doc
                .tables
                .iter()
                .zip(&self.unit_stated)
                .filter(|(_, s)| **s)
                .map(|(t, _)| t.unit)
        };
        let count = |unit: Unit| stated().filter(|u| *u == unit).count();
        let most = stated()
            .map(|u| (count(u), u != Unit::WanYuan, u))
            .min_by_key(|&(n, not_wan, _)| (std::cmp::Reverse(n), not_wan))
            .map(|(_, _, u)| u);
        let default = self.loose_unit.or(most).unwrap_or_default();
        // The narrative's figures may show a table's unit: read once.
        let figures = if self.unit_stated.iter().any(|s| !s) {
            units::narrative_wan_figures(&self.doc.narrative)
        } else {
            Vec::new()
        };
        let stated_and_cells = self.unit_stated.iter().zip(&self.cell_units);
        for (t, (s, cells)) in self.doc.tables.iter_mut().zip(stated_and_cells) {
            if !s {
                t.unit = default;
                let shown = units::shown_by_narrative(&figures, std::slice::from_ref(t));
                if let Some((unit, n)) = shown.filter(|(unit, _)| *unit != default) {
                    t.unit = unit;
                    t.issues.push(format!(
                        "the table states no unit: {n} of the narrative's figures in 万元 are its amounts in {}, so it is read in {}",
                        unit.as_str(),
                        unit.as_str()
                    ));
                }
            }
            units::doubt_cell_units(self.g, t, cells);
            units::give_in_yuan(self.g, t);
        }
    }

    /// Records the open table's agency. After its title came again
    /// (`Draft::resumed`), another agency means another table of the same
    /// title (one per unit in a department's disclosure): the rows since
    /// the title are that table's.
    fn note_table_agency(&mut self, agency: &str) {
        let Target::Table(d) = &mut self.target else {
            return;
        };
        match (&d.agency, d.resumed) {
            // Straight after the repeated title (no row since).
            (Some(own), Some(r)) if own != agency && r.rows == d.rows.len() => {
                let next = d.split_off_repeat(Some(agency.to_string()));
                self.close();
                if let Some(next) = next {
                    self.doc.titles_seen += 1;
                    self.target = Target::Table(next);
                }
            }
            (None, _) => d.agency = Some(agency.to_string()),
            _ => {}
        }
    }

    fn note_metadata(&mut self, line: &str) -> bool {
        // Each test below needs 编制, 填报, 单位 or 部门. An ASCII cell (an
        // amount, a code: most cells) has none, and that is the cheapest test.
        if line.is_ascii() || !line.contains(['编', '填', '单', '部']) {
            return false;
        }
        let mut hit = false;
        if let Some(a) = meta::agency_in(line) {
            self.note_table_agency(&a);
            self.agencies.push(a);
            hit = true;
        }
        if let Some(u) = meta::unit_in(line) {
            match &mut self.target {
                Target::Table(d) => {
                    d.unit.get_or_insert(u);
                }
                _ => self.loose_unit = Some(u),
            }
            hit = true;
        }
        // An empty `编制部门：` (or `部门：`) line is metadata too.
        hit || (line.contains("编制") && {
            let norm = normalize::label(line);
            norm.starts_with("编制部门") || norm.starts_with("编制单位")
        }) || meta::starts_with_agency_label(line)
    }

    fn text(&mut self, line: &str, at: Provenance) {
        if self.part.is_none()
            && line.contains("说明")
            && title::standalone_narrative_heading(&normalize::label(line))
        {
            self.in_standalone_narrative = true;
        }
        match self.part {
            Some(Part::Overview) => {
                if let Provenance::Line(n) = at {
                    if self.overview_at.is_some_and(|last| n > last + 1) {
                        self.overview.push('\n');
                    }
                    self.overview_at = Some(n);
                }
                self.overview.push_str(line);
                self.overview.push('\n');
            }
            Some(Part::Narrative) => self.doc.narrative.push((at, line.to_string())),
            _ => {}
        }
        // A standalone narrative takes its lines unless one closes it (a
        // table's title or a part heading: either clears the flag, which is
        // only ever set outside parts).
        let structural = self.structural(line, at);
        if self.in_standalone_narrative {
            self.doc.narrative.push((at, line.to_string()));
        }
        if structural {
            return;
        }
        if self.flow {
            // The disclosure's title at the top of every page is no part
            // of a name.
            if matches!(self.target, Target::Table(_)) && self.is_running_title(line) {
                return;
            }
            match &mut self.target {
                // A page's footer (`第 7 页 共 48 页`, `7/48`) between a flow
                // table's lines is no part of a name. A bare number may be
                // an amount's tail (`942` / `3.7` / `9`): the reader decides.
                Target::Table(_)
                    if normalize::is_page_number(line) && !normalize::is_bare_page_number(line) =>
                {
                    return;
                }
                Target::Table(d) => {
                    d.lines.push((at, line.to_string()));
                    return;
                }
                Target::Unknown(_) => {
                    // A table row: a code and amounts, not a page number
                    // (`第 1 页 共 30 页`) or a date (`2023 年 2 月`).
                    let numbers: Vec<&str> = line
                        .split_whitespace()
                        .filter(|t| Amount::parse(t).is_some())
                        .collect();
                    let row_like = numbers
                        .iter()
                        .any(|t| t.contains(['.', ',']) || matches!(t.len(), 3 | 5 | 7));
                    if numbers.len() >= 2 && row_like {
                        self.confirm_unknown();
                    } else if is_prose(line) {
                        self.target = Target::None;
                    }
                    return;
                }
                _ => {}
            }
        }
        // A PDF's cells arrive whole (its layout joins wrapped cell text).
        if !matches!(at, Provenance::Page(_)) && self.continue_cell(line) {
            return;
        }
        if self.in_header(line) {
            self.note_heading(line);
            return;
        }
        // Prose after an unknown title: it was a cover or a heading.
        if matches!(self.target, Target::Unknown(_)) && is_prose(line) {
            self.target = Target::None;
        }
        if self.unknown_title_ends_table(line) {
            return;
        }
        // A page number between a table's rows, or between its header and
        // its first row (pdftotext prints the page's footer there), does
        // not end it, unless it may be the tail of an amount cut on the row
        // above (`82.4` / `6`).
        if matches!(&self.target, Target::Table(d) if !d.rows.is_empty() && !ends_cut(d))
            && normalize::is_page_number(line)
        {
            return;
        }
        if self.repeats_heading(line) {
            return;
        }
        // The disclosure's title over a new page, between a table's rows
        // (once is enough here: no name is wrapped onto a line of its own
        // in a layout of cells, and no table ends in a title).
        if matches!(&self.target, Target::Table(d) if d.amounts_seen)
            && has_running_title_shape(line)
        {
            return;
        }
        if self.bare_numbered_row(line, at) {
            return;
        }
        // Any other line inside a table's body ends it (prose follows); one
        // before its first row may be its header's.
        if matches!(&self.target, Target::Table(d) if d.rows.is_empty()) {
            self.note_heading(line);
        }
        self.end_body();
    }

    /// A heading printed apart from the header's cells (`部门预算经济分类科目`
    /// on a line of its own, between `项目 | …` and `编码 … | 合计 | …`): a
    /// line the grammar reads as a heading, after the first header row and
    /// before the table's first amount. It belongs to the header, and must
    /// not end the table (any other line does: what follows may be another
    /// table's rows).
    fn in_header(&self, line: &str) -> bool {
        let Target::Table(d) = &self.target else {
            return false;
        };
        !d.rows.is_empty() && !d.amounts_seen && self.g.is_heading(line)
    }

    /// A line of the open table's header, printed apart from its cells
    /// before its first row (`功能分类科目编码` on a line of its own), again
    /// between its rows: the header repeated over a new page, not the end
    /// of the table.
    fn repeats_heading(&self, line: &str) -> bool {
        let Target::Table(d) = &self.target else {
            return false;
        };
        if !d.amounts_seen || d.headings.is_empty() {
            return false;
        }
        let line = normalize::label(line);
        d.headings.iter().any(|h| normalize::label(h) == line)
    }

    /// A short fragment inside a table is the wrapped end of the cell above
    /// it (`科目` / `名称`, `公务用车购置及运行费` / `（小计）`), separated from
    /// it by a blank line in cell-per-line dumps; digits on the line after a
    /// tabbed row may be the rest of its last amount (`cut_amount`).
    fn continue_cell(&mut self, line: &str) -> bool {
        let Target::Table(d) = &mut self.target else {
            return false;
        };
        if let Some(cell) = cut_amount(d, line, self.after_row) {
            // The row's sums settle it (`recognise::table`).
            cell.joined_at = Some(cell.text.len());
            cell.text.push_str(line.trim());
            return true;
        }
        let short = (1..=8).contains(&normalize::label_len(line)) && Amount::parse(line).is_none();
        if !short {
            return false;
        }
        match d.rows.last_mut().and_then(|r| r.last_mut()) {
            // An amount never wraps into text.
            Some(cell) if table::is_amount(cell) => false,
            Some(cell) => {
                cell.text.push_str(line.trim());
                true
            }
            None => false,
        }
    }

    /// Handles a line that shapes the document: part heading, table number
    /// or title, unit/agency line, empty-table declaration, 备注. Returns
    /// false for anything else.
    fn structural(&mut self, line: &str, at: Provenance) -> bool {
        // A long line is a paragraph: only a part heading or an empty-table
        // declaration can matter there.
        if normalize::is_page_marker(line) {
            return true;
        }
        let long = line.len() > 240;
        if long && !line.trim_start().starts_with('第') && !line.contains("为空表") {
            return false;
        }
        if !long {
            if let Some((title, unit)) = meta::title_and_unit(line) {
                if self.structural(&title, at) {
                    match &mut self.target {
                        Target::Table(d) => {
                            if !d.amounts_seen {
                                d.unit.get_or_insert(unit);
                            }
                        }
                        // A part's heading (`第二部分 部门预算公开表（单位：元）`).
                        _ => self.loose_unit = Some(unit),
                    }
                    return true;
                }
            }
            if self.note_metadata(line) {
                return true;
            }
        }
        // A note under a table (`注：本表反映…`) ends its body, prose or not.
        if normalize::is_table_note(line) {
            // `注：本部门无政府性基金预算财政拨款安排的预算，故本表为空表。`
            self.end_body_declared(line.contains("为空表") || line.contains("本表无数据"));
            return true;
        }
        let trimmed = line.trim_start_matches(normalize::is_space);
        // Prose (most lines) can only be a part heading or an empty-table
        // declaration: test those cheaply before normalising anything.
        let prose = line.contains(['。', '，', '；', ';']);
        if prose && !trimmed.starts_with('第') && !line.contains("为空表") {
            return false;
        }
        let norm = normalize::label(line);
        if let Some(part) = title::parse_part(&norm) {
            if self.second_disclosure(part, &norm) {
                self.close();
                self.second_disclosure = Some((at, norm.into_owned()));
                return true;
            }
            self.close();
            self.in_standalone_narrative = false;
            self.part = Some(part);
            self.titled_in_part = false;
            self.pending_number = None;
            return true;
        }
        if norm.contains("为空表") {
            self.end_body_declared(true);
            return true;
        }
        if title::form_page_label(&norm) {
            return true;
        }
        if let Some(n) = title::template_table_label(&norm) {
            // Printed under the title it numbers (or above it, or at the
            // top of a continuation page): a table with no rows yet takes
            // the number; otherwise it is a bare table number.
            if let Target::Table(d) = &mut self.target {
                if !d.amounts_seen && d.number.is_none_or(|m| m == n) {
                    d.number = Some(n);
                    return true;
                }
            }
            return self.bare_table_number(n);
        }
        if let Some(t) = title::parse_title_line(&norm) {
            if t.text.is_empty() {
                if let Some(n) = t.number {
                    return self.bare_table_number(n);
                }
            } else if self.continues_open_table(t.text) || self.repeats_open_title(&t, at) {
                return true;
            } else if let Some(meaning) = self
                .g
                .match_title(t.text)
                .or_else(|| self.g.match_title(title::strip_continuation(t.text)?))
                .or_else(|| self.title_without_biao(&t, &norm))
            {
                self.close();
                self.in_standalone_narrative = false;
                // An ignored table (a performance table) is no budget table.
                if let TitleMeaning::Kind(_) = meaning {
                    self.doc.titles_seen += 1;
                }
                let number = t.number.or(self.pending_number.take());
                self.after_unread_title = matches!(meaning, TitleMeaning::Ignored);
                self.target = match meaning {
                    TitleMeaning::Kind(kind) => {
                        self.titled_in_part = true;
                        Target::Table(Draft::new(number, kind, t.text.to_string(), at))
                    }
                    TitleMeaning::Ignored => Target::Skip,
                };
                return true;
            } else if self.pending_number.is_some()
                && t.number.is_none()
                && self.is_page_header(line)
            {
                // A running page header between `表 2` and its title.
                return true;
            } else if t.number.is_some()
                || (self.pending_number.is_some() && t.text.ends_with('表'))
            {
                self.close();
                self.pending_number = None;
                self.note_unknown(t.text.to_string());
                self.after_unread_title = true;
                self.target = Target::Skip;
                return true;
            } else if title::names_a_budget_table(t.text)
                && self.may_start_unknown()
                && !self.is_page_header(line)
            {
                // No table is open here: nothing to close.
                self.after_unread_title = true;
                self.target = Target::Unknown(t.text.to_string());
                return true;
            }
        }
        false
    }

    /// Whether part heading `part` (`heading`, a label) opens a second
    /// disclosure bound into the same file (a 部门 budget followed by its
    /// units' own): a 第一部分 heading after a later part's heading and
    /// after tables with amounts. Its tables would pair with this
    /// document's in every check, under this document's agency and year.
    fn second_disclosure(&self, part: Part, heading: &str) -> bool {
        let amounts_read = self
            .doc
            .tables
            .iter()
            .any(|t| t.rows.iter().any(|r| !r.values.is_empty()))
            || matches!(&self.target, Target::Table(d) if d.amounts_seen);
        part == Part::Overview
            && self.part.is_some_and(|p| p > Part::Overview)
            && amounts_read
            && !heading.contains(['。', ','])
            && heading.chars().count() <= 40
    }

    /// A bare `表 2`: the title follows, or came just before. The open
    /// table's own number, once
    /// its rows have begun, may head its title repeated over a page
    /// (`repeats_open_title`): the table stays open until the title says
    /// otherwise.
    fn bare_table_number(&mut self, n: TableNo) -> bool {
        // Printed under its title (`部门支出总表` / `表3 单位：万元`): a table
        // with no rows and no number yet takes it, as it does a template's
        // `公开03表`.
        if let Target::Table(d) = &mut self.target {
            // (A flow table's lines are read when it closes: none may hold
            // a figure yet.)
            let no_figures = !d.amounts_seen
                && d.lines
                    .iter()
                    .all(|(_, l)| !l.bytes().any(|b| b.is_ascii_digit()));
            if no_figures && d.number.is_none() && self.pending_number.is_none() {
                d.number = Some(n);
                return true;
            }
        }
        let own = matches!(&self.target, Target::Table(d) if d.amounts_seen && d.number == Some(n));
        if !own {
            self.close();
            self.after_unread_title = true;
            self.target = Target::Skip;
        }
        self.pending_number = Some(n);
        true
    }

    /// The open table's title marked as continued (`…情况表(续)`, or a bare
    /// `续表`) on a later page: the table goes on. (Another table's continued
    /// title opens that table.)
    fn continues_open_table(&self, text: &str) -> bool {
        let Target::Table(d) = &self.target else {
            return false;
        };
        let Some(title) = title::strip_continuation(text) else {
            return false;
        };
        // A bare `续表` continues whatever table is open.
        title.is_empty()
            || matches!(self.g.match_title(title), Some(TitleMeaning::Kind(k)) if k.key == d.kind.key)
    }

    /// The open table's own title again, after its rows have begun, with
    /// no other number: printed again at the top of a page (a spreadsheet's
    /// print titles). The table goes on, unless another agency's line
    /// follows (`note_metadata`). Not in a flow dump, whose tables are read
    /// from their lines as a whole.
    fn repeats_open_title(&mut self, t: &TitleLine, at: Provenance) -> bool {
        let Target::Table(d) = &mut self.target else {
            return false;
        };
        let number = t.number.or(self.pending_number);
        let repeats = !self.flow
            && d.amounts_seen
            && t.text == d.title
            && (number.is_none() || number == d.number);
        if repeats {
            d.resumed = Some(table::Resumed {
                rows: d.rows.len(),
                at,
                number,
            });
            self.pending_number = None;
        }
        repeats
    }

    /// A known title printed without its final 表 (`财政拨款“三公”经费支出情况`),
    /// where no narrative heading can be: numbered (`表5 …情况`), or without
    /// an ordinal (`五、一般公共预算支出情况` is a heading) in the tables'
    /// part or, outside a flow dump (whose tables take prose lines), in a
    /// document without parts. Only a `…情况` or `…明细` line: a row label
    /// (`一般公共预算`) must not read as a title.
    fn title_without_biao(&self, line: &TitleLine, norm: &str) -> Option<TitleMeaning<'static>> {
        let text = line.text;
        let titled = text.ends_with("情况") || text.ends_with("明细");
        let ordinal = norm.trim_start_matches(['-', '•', '·']) != text;
        let placed = match self.part {
            Some(Part::Tables) => true,
            None => !self.flow,
            _ => false,
        };
        if !titled || !(line.number.is_some() || !ordinal && placed) {
            return None;
        }
        match self.g.match_title(&format!("{text}表"))? {
            TitleMeaning::Kind(kind) => Some(TitleMeaning::Kind(kind)),
            TitleMeaning::Ignored => None,
        }
    }

    /// Outside the overview (unless a table was titled in it), the
    /// narrative and the appendices: where a coded row with amounts can
    /// only be a table's.
    fn may_hold_tables(&self) -> bool {
        match self.part {
            // Tables after the overview whose 第二部分 heading was lost.
            Some(Part::Overview) => self.titled_in_part,
            Some(Part::Narrative | Part::Definitions) => false,
            _ => true,
        }
    }

    /// A table number, then amounts, and no title read between them (a
    /// title the grammar cannot read): the table is not extracted, and the
    /// document says so.
    fn report_untitled_amounts(&mut self, has_amount: bool, at: Provenance) {
        if let (Some(n), true) = (self.pending_number, has_amount) {
            self.pending_number = None;
            self.doc.issues.push(format!(
                "表{n} at line {at}: amounts under no title the grammar knows: not extracted"
            ));
        }
    }

    /// Rows of codes and amounts that no title went before are not
    /// extracted, and the document says so: a title the layout lost (or
    /// one the grammar cannot read) must not drop a table unsaid.
    fn report_stray_rows(&mut self) {
        if let Some((first, count)) = self.stray {
            self.doc.stray_rows = count;
            if count >= 2 {
                self.doc.issues.push(format!(
                    "{count} rows with codes and amounts, the first at line {first}, {STRAY_ROWS}"
                ));
            }
        }
        if let Some((first, count)) = self.stray_lines.filter(|&(_, n)| n >= 2) {
            self.doc.issues.push(format!(
                "{count} rows of a label and amounts, the first at line {first}, {STRAY_ROWS}"
            ));
        }
    }

    /// Whether an unnumbered unknown title starts an unknown table here:
    /// not in an open table (just titled, the line is its subtitle; with
    /// rows, it may be a running page header — [`Segmenter::text`] decides
    /// once nothing else takes the line), nor in a skipped table.
    fn may_start_unknown(&self) -> bool {
        matches!(self.target, Target::None | Target::Unknown(_))
    }

    /// A text line that would end the open table names an unknown table:
    /// the rows that follow are that table's, listed, not dropped unsaid.
    /// Among the table's amounts, the line is held until the items after it
    /// show whether it is a running page header instead.
    fn unknown_title_ends_table(&mut self, line: &str) -> bool {
        let amounts_seen = match &self.target {
            Target::Table(d) if !d.rows.is_empty() => d.amounts_seen,
            _ => return false,
        };
        if self.flow {
            return false;
        }
        let norm = normalize::label(line);
        let Some(t) = title::parse_title_line(&norm) else {
            return false;
        };
        if t.number.is_some() || !title::names_a_budget_table(t.text) {
            return false;
        }
        if self.is_page_header(line) {
            return true;
        }
        let title = t.text.to_string();
        // Only the disclosure's own title may be a page header; before the
        // first amount, only if it is printed more than once (on several
        // pages).
        let may_be_header = title::names_the_disclosure(&title, &self.agencies)
            && (amounts_seen || self.printed_repeatedly(line));
        if may_be_header {
            self.held = Some(Held {
                line: line.trim().to_string(),
                title,
                items: Vec::new(),
            });
        } else {
            self.close();
            self.after_unread_title = true;
            self.target = Target::Unknown(title);
        }
        true
    }

    /// Whether `line` is printed more than once in the document.
    fn printed_repeatedly(&mut self, line: &str) -> bool {
        self.copies(line) > 1
    }

    /// How many times `line` is printed in the document. The lines are
    /// counted once, when first asked.
    fn copies(&mut self, line: &str) -> u32 {
        let text = self.text;
        let counts = self.line_counts.get_or_insert_with(|| {
            let mut counts = HashMap::new();
            for l in text.lines() {
                *counts.entry(l.trim()).or_insert(0u32) += 1;
            }
            counts
        });
        counts.get(line.trim()).copied().unwrap_or(0)
    }

    /// Whether `line` is the disclosure's own title printed as a running
    /// page header (`上海市普陀区2026年区级单位预算`): a year's 部门 or 单位
    /// 预算 or 决算 (公开), no amount, printed three times or more (a
    /// project's name is printed in its table and again in its
    /// performance table: `2023年社保基金预算`). A table's title ends in 表
    /// and is read as one.
    fn is_running_title(&mut self, line: &str) -> bool {
        has_running_title_shape(line) && self.copies(line) >= 3
    }

    fn is_page_header(&self, line: &str) -> bool {
        let line = line.trim();
        self.page_headers.iter().any(|h| h == line)
    }

    /// Lists a table the grammar does not know (once, though several lines
    /// may name it).
    fn note_unknown(&mut self, title: String) {
        if !self.doc.unknown_tables.contains(&title) {
            self.doc.unknown_tables.push(title);
        }
    }

    /// An unknown title's table has shown an amount: it is listed, and its
    /// rows are swallowed.
    fn confirm_unknown(&mut self) {
        if let Target::Unknown(title) = std::mem::replace(&mut self.target, Target::Skip) {
            self.note_unknown(title);
        }
    }

    /// A two-sided table's numbered row whose cells after the label are all
    /// blank, printed by a dump that trims each row's trailing blanks
    /// (`四、财政专户管理资金收入` on a line of its own, the rows after it
    /// still to come): a row of the table, not the end of it (which lost
    /// the rows after it, the document still `ok`).
    fn bare_numbered_row(&mut self, line: &str, at: Provenance) -> bool {
        let Target::Table(d) = &mut self.target else {
            return false;
        };
        if d.kind.shape != Shape::TwoSided || !d.amounts_seen || is_prose(line) {
            return false;
        }
        let label = normalize::label(line);
        let unnumbered = normalize::strip_ordinal(&label);
        let numbered = unnumbered.len() < label.len()
            && !unnumbered.is_empty()
            && unnumbered.chars().count() <= 24
            && !unnumbered.bytes().any(|b| b.is_ascii_digit());
        if numbered {
            d.rows.push(vec![Cell::new(line.trim(), at)]);
        }
        numbered
    }

    /// Keeps a header line printed apart from the header's cells
    /// (`Draft::headings`).
    fn note_heading(&mut self, line: &str) {
        if let Target::Table(d) = &mut self.target {
            if !d.amounts_seen {
                d.headings.push(line.trim().to_string());
            }
        }
    }

    /// Ends the open table's body; `empty` when the line ending it says
    /// the table is empty (`…为空表`).
    fn end_body_declared(&mut self, empty: bool) {
        if let (true, Target::Table(d)) = (empty, &mut self.target) {
            d.declared_empty = true;
        }
        self.end_body();
    }

    /// Ends the open table's body: later rows belong to no table.
    fn end_body(&mut self) {
        let has_rows = match &self.target {
            Target::Table(d) => !d.rows.is_empty(),
            Target::Skip => true,
            Target::None | Target::Unknown(_) => false,
        };
        if has_rows {
            self.close();
            self.target = Target::None;
        }
    }

    fn row(&mut self, cells: Vec<Cell>, at: Provenance) {
        let filled: Vec<&str> = cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !normalize::is_blank(t))
            .collect();
        // What the row is, decided on borrowed cells; then they move.
        if let Placement::Consumed = self.placement(&filled, at) {
            return;
        }
        let has_amount = || filled.iter().any(|t| Amount::parse(t).is_some());
        match &mut self.target {
            Target::Table(d) => {
                // Another table's header after this one's rows: its title
                // was lost. Its rows are no one's, not more of this table's;
                // the document says so.
                if d.amounts_seen && !has_amount() && table::heads_another_table(self.g, d, &cells)
                {
                    let open = d
                        .number
                        .map_or_else(|| d.kind.key.to_string(), |n| format!("表{n}"));
                    self.doc.issues.push(format!(
                        "line {at}: another table's header under {open}'s rows (its title lost?): \
                         the rows after it are not extracted"
                    ));
                    self.close();
                    return;
                }
                // Only until the first amount: the header's rows are few.
                if !d.amounts_seen {
                    d.amounts_seen = !columns::is_column_number_row(&cells) && has_amount();
                }
                // A table number that did not head a title (the open
                // table's own, kept open) numbers nothing after its rows.
                if self.pending_number.is_some() && d.amounts_seen && has_amount() {
                    self.pending_number = None;
                }
                d.rows.push(cells);
            }
            Target::Skip => self.report_untitled_amounts(has_amount(), at),
            Target::Unknown(_) => {
                if has_amount() {
                    self.confirm_unknown();
                }
            }
            Target::None => {
                if let [only] = filled.as_slice() {
                    let only = only.to_string();
                    self.text(&only, at);
                } else if self.may_hold_tables() && is_coded_row(&filled) {
                    let (_, count) = self.stray.get_or_insert((at, 0));
                    *count += 1;
                } else if self.may_hold_tables()
                    && !self.after_unread_title
                    && is_labelled_amounts_row(&filled)
                {
                    let (_, count) = self.stray_lines.get_or_insert((at, 0));
                    *count += 1;
                } else if self.may_hold_tables() {
                    self.report_untitled_amounts(has_amount(), at);
                }
            }
        }
    }

    /// A row of a table number (`表1`, the national template's `公开02表`),
    /// a title and a unit cell, the number or the unit left out: handled as
    /// the lines they make.
    fn title_row(&mut self, filled: &[&str], at: Provenance) -> bool {
        let label = |t: &str| normalize::label(t).into_owned();
        let numbered =
            |t: &str| title::table_number(&label(t)).is_ok_and(|(left, _)| left.is_empty());
        let template = |t: &str| title::template_table_label(&label(t)).is_some();
        let (number, rest) = match filled {
            [n, rest @ ..] if numbered(n) || template(n) => (Some(*n), rest),
            _ => (None, filled),
        };
        let title = match rest {
            [title] if number.is_some() => title.to_string(),
            [title, unit] if meta::unit_in(unit).is_some() => {
                let line = format!("{title} {unit}");
                if meta::title_and_unit(&line).is_none() {
                    return false;
                }
                line
            }
            _ => return false,
        };
        match number {
            // A template label numbers the title after it, as on a line of
            // its own.
            Some(n) if template(n) => {
                if !self.structural(n, at) {
                    return false;
                }
                self.structural(&title, at);
                true
            }
            Some(n) => self.structural(&format!("{n} {title}"), at),
            None => self.structural(&title, at),
        }
    }

    /// Whether a row's filled cells were taken as structure or metadata.
    fn placement(&mut self, filled: &[&str], at: Provenance) -> Placement {
        // A one-cell row may be a title, a table number or a unit line.
        if let [only] = filled {
            if Amount::parse(only).is_none() && self.structural(only, at) {
                return Placement::Consumed;
            }
        } else {
            // A title set apart from its table number or its unit on one row
            // (`表6 | 一般公共预算基本支出情况表 | 单位：万元`; a PDF line cut
            // at the gaps).
            if self.title_row(filled, at) {
                return Placement::Consumed;
            }
            // Metadata sometimes shares a row with blank cells (`编制部门：X | 单位：万元`).
            let meta_cells = filled.iter().filter(|t| self.note_metadata(t)).count();
            if meta_cells > 0 && meta_cells == filled.len() {
                return Placement::Consumed;
            }
        }
        Placement::Body
    }
}

/// The first of `items` that stands in it more than once (a column, a
/// category named twice).
fn named_twice<T: PartialEq>(items: &[T]) -> Option<&T> {
    items
        .iter()
        .find(|x| items.iter().filter(|y| y == x).count() > 1)
}

/// A 款 or 项 code cell printed without its leading zero (`2`: a
/// spreadsheet cell formatted as a number), as its two digits; `None` for
/// anything else (`0` alone included).
fn zero_restored(level: &str) -> Option<String> {
    let digit = level.len() == 1 && level != "0" && level.bytes().all(|b| b.is_ascii_digit());
    digit.then(|| format!("0{level}"))
}

/// The table's note on a row whose code was read with a level's leading
/// zero restored (coded and flow tables say it alike).
fn zero_restored_note(at: Provenance, printed: &str, code: &Code) -> String {
    format!(
        "line {at}: code cells '{printed}' read as {}: a level printed without its leading zero",
        code.as_str()
    )
}

/// The cell a row's amount may have been cut from, when `line` may be its
/// tail: the line comes straight after the row's (blank lines between, as
/// at a page's foot, or none), the amount ends its line, and the two are
/// digits that can make one amount (`82.` / `46`, `82` / `.46`, `82.4` /
/// `6`, `54` / `0`). A bare number after two decimals (`82.46` / `6`), or
/// after the header's column numbers (`※ 1 2 3 4`), can only be a page
/// number. The row's sums settle the rest.
fn cut_amount<'d>(d: &'d mut Draft, line: &str, after_row: bool) -> Option<&'d mut Cell> {
    if !after_row || !amount::is_fragment(line) {
        return None;
    }
    let row = d.rows.last_mut()?;
    if columns::is_column_number_row(row) {
        return None;
    }
    let i = line_end_cell(row)?;
    let cell = &mut row[i];
    let head = cell.text.trim_matches(normalize::is_space);
    let cut = head
        .split_once('.')
        .is_none_or(|(_, decimals)| decimals.len() < 2);
    (cut && amount::is_fragment(head)).then_some(cell)
}

/// The index of the row's last filled cell, when that cell ends the row's
/// line: where an amount cut at the line's end would be. In a cell-per-line
/// dump, `3.4` followed by a printed blank (`⇥\u{3000}`) was whole.
fn line_end_cell(row: &[Cell]) -> Option<usize> {
    let end = row.last()?.at;
    let i = row.iter().rposition(|c| !normalize::is_blank(&c.text))?;
    (row[i].at == end).then_some(i)
}

/// Whether the table's last cell may be an amount cut short, its tail
/// being a bare number: `82.4` / `6` (amounts print two decimals). (`82.`
/// is no amount: it is reported wherever its tail goes.) Only an amount
/// that ends its line can be cut (`line_end_cell`).
fn ends_cut(d: &Draft) -> bool {
    let Some(row) = d.rows.last() else {
        return false;
    };
    line_end_cell(row).is_some_and(|i| {
        row[i]
            .text
            .trim()
            .split_once('.')
            .is_some_and(|(_, decimals)| decimals.len() == 1)
    })
}

/// A table body's row: a classification code (`208`, `20801`, `2080101`, or
/// `208 社会保障和就业支出`) and an amount with decimals or separators
/// (`2,878,025`: a table in 元).
/// Whether a draft's cells (a flow table's lines) print a decimal number
/// (`376.61`, `376.61*`, `△9.60`), whether or not it reads as an amount.
fn prints_decimals(draft: &table::Draft) -> bool {
    let decimal = |t: &str| {
        let b = t.as_bytes();
        b.windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
    };
    draft.rows.iter().flatten().any(|c| decimal(&c.text))
        || draft.lines.iter().any(|(_, line)| decimal(line))
}

/// A year's 部门 or 单位 预算 or 决算 (公开), no amount: the disclosure's
/// own title (`上海市普陀区2026年区级单位预算`).
fn has_running_title_shape(line: &str) -> bool {
    // Most of a flow table's lines have no year: not normalised.
    if !line.contains('年') {
        return false;
    }
    let norm = normalize::label(line);
    let ends = [
        "部门预算",
        "部门决算",
        "单位预算",
        "单位决算",
        "部门预算公开",
        "部门决算公开",
        "单位预算公开",
        "单位决算公开",
    ];
    normalize::years_in(&norm).next().is_some()
        && ends.iter().any(|e| norm.ends_with(e))
        && !line.split_whitespace().any(|t| Amount::parse(t).is_some())
}

/// A label, then two amounts or more with decimals (a two-sided table's
/// line: `五、事业收入 | 5 | 85.20 | 五、住房保障支出 | 25 | 105.90`).
fn is_labelled_amounts_row(filled: &[&str]) -> bool {
    let decimals = |t: &&&str| t.contains('.') && Amount::parse(t).is_some();
    filled.first().is_some_and(|first| {
        Amount::parse(first).is_none() && !is_prose(first) && normalize::label_len(first) >= 2
    }) && filled.iter().filter(decimals).count() >= 2
}

fn is_coded_row(filled: &[&str]) -> bool {
    let coded = filled
        .first()
        .is_some_and(|first| table::starts_with_code(first));
    coded
        && filled
            .iter()
            .any(|t| t.contains(['.', ',']) && Amount::parse(t).is_some())
}

use normalize::is_prose;

/// Digits, points and thousands separators only: an amount as printed, or
/// a piece of one wrapped over lines.
pub(crate) fn is_digit_run(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

/// A row number (`行次`): up to three digits, nothing else.
pub(crate) fn is_row_number(t: &str) -> bool {
    t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Which of a row's cells (or tokens) are its row numbers, in a table that
/// numbers its rows (`项目 | 行次 | 金额`) but whose empty cells are gone
/// (`一、… 1 500.00 一、… 32 450.00`): the first bare integer of each side
/// (at the row's start or after a label), and a last one after the other
/// side's number or after an amount (the empty side's number: `政府性基金…
/// 8 40`, `一般公共预算财政拨款 7 15.00 39`; not `… 4 942 3.7 9`, an amount
/// wrapped over lines). Blank cells are passed over.
pub(crate) fn row_numbers<S: AsRef<str>>(cells: &[S]) -> Vec<bool> {
    let complete = |t: &str| t.split_once('.').is_some_and(|(_, d)| d.len() == 2);
    let last = cells
        .iter()
        .rposition(|c| !normalize::is_blank(c.as_ref()))
        .unwrap_or(0);
    let mut flags = vec![false; cells.len()];
    let mut previous: Option<&str> = None;
    let mut dropped_before = false;
    for (i, c) in cells.iter().enumerate() {
        let t = c.as_ref().trim();
        if normalize::is_blank(t) {
            continue;
        }
        let after_label = !dropped_before && previous.is_none_or(|p| !is_digit_run(p));
        let after_amount = !dropped_before && previous.is_some_and(complete);
        let is_number = is_row_number(t);
        if is_number && (after_label || (i == last && (dropped_before || after_amount))) {
            flags[i] = true;
            dropped_before = true;
        } else {
            previous = Some(t);
            dropped_before = false;
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{self, LayoutKind};
    use crate::model::CellStatus;

    #[test]
    fn a_file_name_gives_the_year_its_text_does_not() {
        use crate::model::DocKind;
        assert_eq!(
            year_and_kind_of_file("harvest/2024年奇台县社会保险管理局部门预算.txt"),
            (Some(2024), Some(DocKind::Budget))
        );
        assert_eq!(
            year_and_kind_of_file("a/2023年决算.zip!泗洪县卫健委2023年度部门决算.pdf"),
            (Some(2023), Some(DocKind::FinalAccount))
        );
        assert_eq!(
            year_and_kind_of_file("sh_putuo_2023_yusuan.txt"),
            (None, None)
        );
        assert_eq!(
            year_and_kind_of_file("2023年决算_2024年预算对比.txt"),
            (None, None)
        );
    }

    fn doc(text: &str) -> Document {
        let items = layout::items(text, LayoutKind::Tabbed);
        recognise(Grammar::global(), items, text)
    }

    /// Each table's kind and number of rows.
    fn kinds_and_rows(d: &Document) -> Vec<(&str, usize)> {
        d.tables.iter().map(|t| (t.kind, t.rows.len())).collect()
    }

    #[test]
    fn a_final_account_fund_table_reads_the_years_grants_apart_from_its_spending() {
        // The national 决算 template's 政府性基金 table: `本年收入` and
        // `本年支出 | 小计` both read `total` before (all 41 cells
        // uncertain, four false row_sum failures).
        let text = "政府性基金预算财政拨款收入支出决算表\n金额单位：万元\n\
            项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余\n\
            功能分类科目编码\t科目名称\t\t\t小计\t基本支出\t项目支出\t\n\
            \t合计\t12.50\t300.00\t290.00\t\t290.00\t22.50\n\
            212\t城乡社区支出\t12.50\t300.00\t290.00\t\t290.00\t22.50\n";
        let items = layout::items(text, LayoutKind::Tabbed);
        let d = recognise(Grammar::global(), items, text);
        assert_eq!(kinds_and_rows(&d), [("gov_fund", 2)]);
        let t = &d.tables[0];
        assert!(t.issues.is_empty(), "{:?}", t.issues);
        let values: Vec<(&str, i64, CellStatus)> = t.rows[1]
            .values
            .iter()
            .map(|v| (v.measure, v.amount.cents, v.status))
            .collect();
        use CellStatus::Ok;
        assert_eq!(
            values,
            [
                ("prior_carryover", 1250, Ok),
                ("fiscal_grant", 30000, Ok),
                ("total", 29000, Ok),
                ("project", 29000, Ok),
                ("year_end_carryover", 2250, Ok),
            ]
        );
    }

    #[test]
    fn a_running_title_between_two_sided_rows_is_skipped_and_rows_left_over_are_reported() {
        // A 决算 收支总表 with the disclosure's title printed over a new
        // page between its rows: before, the rows after it were lost unsaid.
        let text = |between: &str| {
            format!(
                "收入支出决算总表\n金额单位：万元\n项目\t行次\t决算数\t项目\t行次\t决算数\n\
                 一、一般公共预算财政拨款收入\t1\t1234.56\t一、社会保障和就业支出\t21\t133.14\n\
                 二、政府性基金预算财政拨款收入\t2\t300.00\t二、卫生健康支出\t22\t47.52\n\
                 {between}\n\
                 三、事业收入\t5\t85.20\t三、住房保障支出\t25\t105.90\n\
                 本年收入合计\t9\t1619.76\t本年支出合计\t29\t286.56\n"
            )
        };
        let tabbed = |text: &str| {
            let items = layout::items(text, LayoutKind::Tabbed);
            recognise(Grammar::global(), items, text)
        };
        let d = tabbed(&text("某县自然资源局2023年度部门决算"));
        assert_eq!(kinds_and_rows(&d), [("summary", 8)]);
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        // Another line ends the table: the rows after it are reported.
        let d = tabbed(&text("以下内容由某县财政局统一发布"));
        assert_eq!(kinds_and_rows(&d), [("summary", 4)]);
        assert_eq!(
            d.issues,
            ["2 rows of a label and amounts, the first at line 7, are in no table the grammar knows: not extracted"]
        );
    }

    #[test]
    fn tables_in_thousands_of_yuan_are_given_in_yuan_and_a_parts_unit_is_inherited() {
        let table = |unit_line: &str| {
            format!(
                "表1\n部门支出总体情况表\n{unit_line}\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296.6\t3,000.25\t296.35\n"
            )
        };
        let amounts = |d: &Document| -> Vec<String> {
            d.tables[0].rows[0]
                .values
                .iter()
                .map(|v| v.amount.to_string())
                .collect()
        };
        // 千元 is no unit of the output: the amounts are given in 元, exactly,
        // and the table says so (before 2026-12-03: read as 万元, `ok`).
        let d = doc(&table("单位：千元"));
        assert_eq!(d.tables[0].unit, Unit::Yuan);
        assert_eq!(amounts(&d), ["3296600", "3000250", "296350"]);
        assert!(
            d.tables[0].issues.iter().any(|i| i.contains("千元")),
            "{:?}",
            d.tables[0].issues
        );
        // A unit stated only in the part's heading is the tables'.
        let d = doc(&format!(
            "第二部分 2024年部门预算公开表（金额单位：元）\n{}",
            table("")
        ));
        assert_eq!(d.tables[0].unit, Unit::Yuan);
        assert_eq!(amounts(&d), ["3296.6", "3000.25", "296.35"]);
    }

    #[test]
    fn a_unit_printed_in_the_header_is_the_tables_unless_a_unit_line_disagrees() {
        let table = |unit_line: &str, total: &str, basic: &str| {
            format!(
                "表1\n部门支出总体情况表\n{unit_line}\n科目\t\t\t名称\t{total}\t{basic}\t项目支出\n\
                 类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296,600\t3,296,600\t\n"
            )
        };
        let statuses = |d: &Document| -> Vec<CellStatus> {
            d.tables[0].rows[0]
                .values
                .iter()
                .map(|v| v.status)
                .collect()
        };
        // No unit line: the header's unit is the table's, its names read.
        let d = doc(&table("", "合计（元）", "基本支出(元)"));
        assert_eq!(d.tables[0].unit, Unit::Yuan);
        assert!(d.tables[0].issues.is_empty(), "{:?}", d.tables[0].issues);
        let measures: Vec<&str> = d.tables[0].rows[0]
            .values
            .iter()
            .map(|v| v.measure)
            .collect();
        assert_eq!(measures, ["total", "basic"]);
        assert_eq!(statuses(&d), [CellStatus::Ok; 2]);
        // The same unit as the unit line's: nothing to say.
        let d = doc(&table("单位：元", "合计(单位:元)", "基本支出"));
        assert_eq!(d.tables[0].unit, Unit::Yuan);
        assert_eq!(statuses(&d), [CellStatus::Ok; 2]);
        // A column in 元 under `单位：万元`, or columns in both units: which
        // unit the amounts are in is not known.
        for (unit_line, total, basic, issue) in [
            (
                "单位：万元",
                "合计",
                "基本支出（元）",
                "header prints amounts in 元 but the unit line states 万元",
            ),
            (
                "",
                "合计（万元）",
                "基本支出（元）",
                "header prints amounts in 万元 and 元",
            ),
        ] {
            let d = doc(&table(unit_line, total, basic));
            assert_eq!(statuses(&d), [CellStatus::Uncertain; 2], "{basic}");
            assert_eq!(d.tables[0].issues, [format!("{issue}: amounts uncertain")]);
        }
    }

    #[test]
    fn the_headers_own_line_again_between_rows_is_a_page_break() {
        // Shanghai's tables as `pdftotext -layout` sets them: each page
        // prints `功能分类科目编码` on a line of its own over the header's
        // cells. Between the rows it is the header repeated, and the table
        // goes on (before: it ended the table, and the next page's rows
        // were dropped unsaid).
        let page = |first: &str| {
            format!(
                "                       项目                         一般公共预算支出\n\n{first}\n\
                 \x20                        功能分类科目名称   合计            基本支出       项目支出\n\
                 类     款    项\n\n"
            )
        };
        let rows = "\
201             一般公共服务支出              3,296,600           0    3,296,600
201   05        统计信息事务                 438,300            0      438,300
201   05   07   专项普查活动                 438,300            0      438,300
";
        let more = "\
204             公共安全支出              2,878,025                0    2,878,025
204   06        司法                    300,000                0      300,000
204   06   07   公共法律服务                300,000                0      300,000
";
        let title = "2025年部门一般公共预算支出功能分类预算表\n单位：元\n";
        let aligned = |text: &str| {
            let items = layout::items(text, LayoutKind::Aligned);
            recognise(Grammar::global(), items, text)
        };
        let text = |second: &str| {
            format!(
                "{title}{}{rows}\u{c}{}{more}",
                page("功能分类科目编码"),
                page(second)
            )
        };
        let d = aligned(&text("功能分类科目编码"));
        assert_eq!(kinds_and_rows(&d), [("general_budget", 6)]);
        let last = &d.tables[0].rows[5];
        let values: Vec<(&str, i64)> = last
            .values
            .iter()
            .map(|v| (v.measure, v.amount.cents))
            .collect();
        assert_eq!(
            values,
            [("total", 30_000_000), ("basic", 0), ("project", 30_000_000)]
        );
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        // Another line ends the table; the rows after it, amounts in 元
        // printed with separators, are reported (before: only amounts with
        // decimals made a stray row).
        let d = aligned(&text("其他说明：以下各行另见附件。"));
        assert_eq!(kinds_and_rows(&d), [("general_budget", 3)]);
        assert_eq!(
            d.issues,
            ["3 rows with codes and amounts, the first at line 18, are in no table the grammar knows: not extracted"]
        );
    }

    #[test]
    fn an_aligned_one_row_three_public_table_is_ordered_by_its_sums() {
        // `pdftotext -layout` of a Shanghai budget: the header stacked over
        // several lines, one row of amounts whose columns no other row
        // confirms. Its amounts are read as a flow row's, placed by the
        // sums (`repaired`; before: three cells, all `uncertain`).
        let header = "\
                       部门“三公”经费和机关运行经费预算表
编制部门：上海市普陀区人民政府万里街道办事处                    单位:万元

                               2024年“三公”经费预算数

                                                                                2024年机关运行经
                                                  公务用车购置及运行费
                                                                                    费预算数
   合计           因公出国(境)费       公务接待费
                                          小计           购置费        运行费


";
        let cells = |row: &str| {
            let text = format!("{header}{row}\n");
            let items = layout::items(&text, LayoutKind::Aligned);
            let d = recognise(Grammar::global(), items, &text);
            d.tables[0]
                .rows
                .iter()
                .flat_map(|r| {
                    r.values
                        .iter()
                        .map(move |v| (r.item.clone(), v.amount.cents, v.status))
                })
                .collect::<Vec<_>>()
        };
        let row = "        47.91              0       1.35        46.56         25         21.56         443.18";
        let repaired = |item: &str, cents| (item.to_string(), cents, CellStatus::Repaired);
        assert_eq!(
            cells(row),
            [
                repaired("合计", 4791),
                repaired("因公出国(境)费", 0),
                repaired("公务接待费", 135),
                repaired("公务用车购置及运行费", 4656),
                repaired("公务用车购置费", 2500),
                repaired("公务用车运行费", 2156),
                repaired("机关运行经费", 44318),
            ]
        );
        // Blank cells vanish from such a row: an amount the sums cannot
        // place (购置费 or 运行费, one of them blank) stays `uncertain`.
        let row = "        8.93                        6.93                   6.93          2";
        let got = cells(row);
        assert_eq!(got.len(), 4, "{got:?}");
        let uncertain: Vec<i64> = got
            .iter()
            .filter(|c| c.2 == CellStatus::Uncertain)
            .map(|c| c.1)
            .collect();
        assert_eq!(uncertain, [693], "{got:?}");
        assert!(got.contains(&repaired("合计", 893)), "{got:?}");
        assert!(
            got.contains(&repaired("公务用车购置及运行费", 693)),
            "{got:?}"
        );
    }

    #[test]
    fn an_aligned_row_printing_every_column_shows_its_columns() {
        // PyMuPDF's `get_text(sort=True)` of a Shanghai budget: spaces
        // stand for the page's gaps, but not to scale, so no two rows set
        // their amounts at the same places and the layout cannot tell the
        // columns. A row printing an amount in every column still shows
        // which is which; one with a blank cell does not.
        let text = |last_row: &str| {
            format!(
                "\
                  2026年部门收入预算总表

编制部门：上海市普陀区司法局                                            单位：元

            项目                            收入预算

功能分类科目编码                                          事业单位
             功能分类科目名称       合计    财政拨款收入   事业收入          其他收入
 类  款  项                                           经营收入

 204       公共安全支出                           87267272.44       87267272.44            0.00            0.00            0.00

 204   06    司法                                    87267272.44       87267272.44            0.00            0.00            0.00

 204   06    01 行政运行                                16726725.44       16726725.44            0.00            0.00            0.00

 204   06    04 基层司法业务                           21703947.00       21703947.00            0.00            0.00            0.00

{last_row}
"
            )
        };
        let cells = |text: &str| {
            let items = layout::items(text, LayoutKind::Aligned);
            let d = recognise(Grammar::global(), items, text);
            d.tables[0]
                .rows
                .iter()
                .flat_map(|r| {
                    r.values.iter().map(move |v| {
                        (
                            r.code.as_ref().map(|c| c.as_str().to_string()),
                            v.measure,
                            v.amount.cents,
                            v.status,
                        )
                    })
                })
                .collect::<Vec<_>>()
        };
        let last = " 204   06    05 普法宣传                                 1242900.00        1242900.00            0.00            0.00";
        let got = cells(&text(&format!("{last}            0.00")));
        assert_eq!(got.len(), 25, "{got:?}");
        assert!(got.iter().all(|c| c.3 == CellStatus::Ok), "{got:?}");
        let ok =
            |code: &str, measure, cents| (Some(code.to_string()), measure, cents, CellStatus::Ok);
        assert_eq!(got[21], ok("2040605", "fiscal_grant", 124_290_000));
        assert_eq!(got[24], ok("2040605", "other_income", 0));
        // The last row's last cell blank: which of its zeros is which is a
        // guess, and so are its columns.
        let got = cells(&text(last));
        assert_eq!(got.len(), 24, "{got:?}");
        assert!(got[..20].iter().all(|c| c.3 == CellStatus::Ok), "{got:?}");
        assert!(
            got[20..].iter().all(|c| c.3 == CellStatus::Uncertain),
            "{got:?}"
        );
    }

    #[test]
    fn a_title_with_its_unit_on_its_line_opens_its_table_in_that_unit() {
        for title in [
            "部门支出总体情况表（单位：元）",
            "部门支出总体情况表\t\t\t单位：元",
        ] {
            let text = format!(
                "{title}\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296,600\t3,296,600\t\n"
            );
            let d = doc(&text);
            assert_eq!(kinds_and_rows(&d), [("expenditure", 1)], "{title}");
            assert_eq!(d.tables[0].unit, Unit::Yuan, "{title}");
        }
    }

    #[test]
    fn a_title_row_with_its_number_and_unit_opens_its_table() {
        let text = "表1\t部门支出总体情况表\t单位：元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296,600\t3,296,600\t\n";
        let d = doc(text);
        assert_eq!(kinds_and_rows(&d), [("expenditure", 1)]);
        assert_eq!(
            (d.tables[0].number, d.tables[0].unit),
            (Some(1.into()), Unit::Yuan)
        );
    }

    #[test]
    fn a_flow_tables_header_units() {
        let text =
            "表1\n部门支出总体情况表\n科目编码 科目名称 合计（元） 基本支出（元） 项目支出（元）\n\
                    201 一般公共服务支出 3296600.00 3000000.00 296600.00\n";
        let items = layout::items(text, LayoutKind::Flow);
        let d = recognise(Grammar::global(), items, text);
        assert_eq!(d.tables[0].unit, Unit::Yuan);
        assert!(d.tables[0].issues.is_empty(), "{:?}", d.tables[0].issues);
        assert_eq!(
            d.tables[0].rows[0].value("total").map(|v| v.amount.cents),
            Some(329_660_000)
        );
    }

    #[test]
    fn a_flow_dumps_codes_printed_as_one_run_or_in_brackets() {
        // Three tables of one layout; the 项's name in 表3 took a fragment
        // printed after its amounts: the two other tables contradict it.
        // (On a line of its own the fragment would read past a name's end,
        // `doubt_names_read_past_their_end`.)
        let table = |n: u8, title: &str, row: &str| {
            format!(
                "表{n}\n{title}\n科目编码 科目名称 合计 基本支出 项目支出\n\
                 合计 10.00 6.00 4.00\n208 社会保障和就业支出 10.00 6.00 4.00\n\
                 20801 人力资源和社会保障管理事务 10.00 6.00 4.00\n{row}\n"
            )
        };
        let text = [
            table(1, "部门支出总体情况表", "2080101行政运行 10.00 6.00 4.00"),
            table(
                2,
                "一般公共预算支出情况表",
                "[2080101]行政运行 10.00 6.00 4.00",
            ),
            table(
                3,
                "政府性基金预算支出情况表",
                "【2080101】 行政运行 10.00 6.00 4.00 补助",
            ),
        ]
        .concat();
        let items = layout::items(&text, LayoutKind::Flow);
        let d = recognise(Grammar::global(), items, &text);
        let rows: Vec<(&str, Option<&str>, &str, Vec<CellStatus>)> = d
            .tables
            .iter()
            .flat_map(|t| t.rows.iter().map(move |r| (t.kind, r)))
            .filter(|(_, r)| r.code.as_ref().is_some_and(|c| c.level() == 3))
            .map(|(k, r)| {
                let statuses = r.values.iter().map(|v| v.status).collect();
                (
                    k,
                    r.code.as_ref().map(|c| c.as_str()),
                    r.item.as_str(),
                    statuses,
                )
            })
            .collect();
        let ok = vec![CellStatus::Ok; 3];
        assert_eq!(
            rows,
            [
                ("expenditure", Some("2080101"), "行政运行", ok.clone()),
                ("general_budget", Some("2080101"), "行政运行", ok),
                (
                    "gov_fund",
                    Some("2080101"),
                    "行政运行补助",
                    vec![CellStatus::Uncertain; 3]
                ),
            ]
        );
        assert!(
            d.tables[2]
                .issues
                .iter()
                .any(|i| i.contains("name '行政运行补助' is '行政运行' in another table")),
            "{:?}",
            d.tables[2].issues
        );
    }

    #[test]
    fn units_are_per_table_and_inherited_when_missing() {
        let text = "表1\n部门支出总体情况表\n金额单位：元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296,600\t3,296,600\t\n\
                    表2\n一般公共预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n201\t\t\t一般公共服务支出\t3,296,600\t3,296,600\t\n\
                    表3\n政府性基金预算支出情况表\n单位：万元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n212\t\t\t城乡社区支出\t5.5\t\t5.5\n\
                    表4\n国有资本经营预算支出情况表\n单位：元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n223\t\t\t国有资本经营预算支出\t100\t\t100\n";
        let d = doc(text);
        let units: Vec<(Option<u32>, &str)> = d
            .tables
            .iter()
            .map(|t| (t.number.map(|n| n.major), t.unit.as_str()))
            .collect();
        assert_eq!(
            units,
            [
                (Some(1), "元"),
                (Some(2), "元"),
                (Some(3), "万元"),
                (Some(4), "元")
            ]
        );
        assert_eq!(
            d.tables[0].rows[0].value("total").map(|v| v.amount.cents),
            Some(329_660_000)
        );
    }

    #[test]
    fn toc_entries_and_declared_empty_tables() {
        let text = "目录\n- 一、部门收支总体情况表\n- 二、部门支出总体情况表\n第二部分 表\n表1\n部门支出总体情况表\n单位：万元\n\
                    科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    国有资本经营预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                    本单位没有国有资本经营预算拨款，国有资本经营预算支出情况表为空表。\n\
                    表12\n部门采购预算明细表\n";
        let d = doc(text);
        let kinds: Vec<(&str, bool, usize)> = d
            .tables
            .iter()
            .map(|t| (t.kind, t.declared_empty, t.rows.len()))
            .collect();
        assert_eq!(
            kinds,
            [("expenditure", false, 1), ("state_capital", true, 0)]
        );
        assert_eq!(d.unknown_tables, ["部门采购预算明细表"]);
    }

    #[test]
    fn a_table_the_contents_name_but_the_document_lacks_is_reported() {
        // The contents name four tables: 收支总体 is nowhere, 政府性基金
        // is not printed but said to be empty, and the 国有资本经营 table's
        // note declares it empty.
        let text = "目录\n- 一、部门收支总体情况表\n- 二、部门支出总体情况表\n\
                    - 三、政府性基金预算支出情况表\n- 四、国有资本经营预算支出情况表\n\
                    第二部分 表\n表1\n部门支出总体情况表\n单位：万元\n\
                    科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n表3\n国有资本经营预算支出情况表\n\
                    科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    注:本部门无国有资本经营预算财政拨款安排的预算，故本表为空表。\n\
                    本部门没有政府性基金预算拨款安排的支出。\n";
        let d = doc(text);
        let kinds: Vec<(&str, bool)> = d
            .tables
            .iter()
            .map(|t| (t.kind, t.declared_empty))
            .collect();
        assert_eq!(kinds, [("expenditure", false), ("state_capital", true)]);
        assert_eq!(
            d.issues,
            [
                "not in the document (printed as images, or lost in extraction?): \
              部门收支总体情况表 (named at line 2)"
            ]
        );
        // Without the sentence, the 政府性基金 table is missing too.
        let d = doc(text.replace("没有", "有").as_str());
        assert_eq!(
            d.issues,
            [
                "not in the document (printed as images, or lost in extraction?): \
              部门收支总体情况表 (named at line 2), 政府性基金预算支出情况表 (named at line 4)"
            ]
        );
    }

    #[test]
    fn lines_named_like_tables_that_are_not_unknown_tables() {
        // A subtitle right after a title, and a table printed with its
        // header only, followed by a heading the grammar does not know and
        // another table's rows: neither takes or loses rows.
        let text = "部门支出总体情况表\n奇台县社会保险管理局2024年部门预算公开表\n\
                    科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    国有资本经营预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    部门预算支出明细(按功能分类)\n208\t\t\t社会保障和就业支出\t50\t30\t20\n";
        let d = doc(text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("expenditure", 1), ("state_capital", 0)]);
        assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
        // Nor is a page header printed as a row of the table's own cells,
        // or as a short line, between its rows.
        for header in [
            "奇台县社会保险管理局2024年部门预算公开表\t\t\t",
            "部门预算公开表",
        ] {
            let text = format!(
                "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10\t10\t\n{header}\n\
                 221\t\t\t住房保障支出\t5\t5\t\n合计\t\t\t\t15\t15\t\n"
            );
            let d = doc(&text);
            assert_eq!(
                d.tables[0].rows.len(),
                3,
                "{header}: {:?}",
                d.tables[0].rows
            );
            assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
        }
        // A running page header between a flow table's lines is no title.
        let flow = "一般公共预算支出情况表\n单位：万元\n208 社会保障和就业支出 10 10\n\
                    奇台县社会保险管理局2024年部门预算公开表\n221 住房保障支出 5 5\n合计 15 15\n";
        let items = layout::items(flow, LayoutKind::Flow);
        let d = recognise(Grammar::global(), items, flow);
        assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
        let lines: Vec<usize> = d.tables.iter().map(|t| t.rows.len()).collect();
        assert_eq!(lines, [3], "{:?}", d.tables);
    }

    #[test]
    fn a_running_page_header_between_rows_keeps_the_table() {
        // pdftotext prints the page's running header between a table's
        // rows, then the unit line and the table's header again; a row of
        // labels with blank amounts may come first. The rows after the
        // header are the table's, and the header is no unknown table.
        let header = "奇台县社会保险管理局2024年部门预算公开表";
        let text = format!(
            "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
             类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10\t10\t\n\
             {header}\n单位：万元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
             其中：\t\t\t\t\t\t\n221\t\t\t住房保障支出\t5\t5\t\n\
             {header}\n合计\t\t\t\t15\t15\t\n"
        );
        let d = doc(&text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("expenditure", 3)], "{:?}", d.tables[0].issues);
        assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
        // Printed on every page, it may fall inside the header too.
        let text = format!(
            "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n{header}\n\
             类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10\t10\t\n\
             {header}\n221\t\t\t住房保障支出\t5\t5\t\n"
        );
        let d = doc(&text);
        assert_eq!(d.tables[0].rows.len(), 2, "{:?}", d.tables[0].issues);
        assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
    }

    #[test]
    fn a_page_number_between_rows_keeps_the_table() {
        // After the header's column numbers, before the first row (seed 002's
        // “三公” table with a page number `22` there lost its rows unsaid).
        let text = "部门支出总体情况表\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
                    ※\t※\t1\t2\t3\n22\n208\t社会保障和就业支出\t10.00\t10.00\t\n";
        let d = doc(text);
        assert_eq!(kinds_and_rows(&d), vec![("expenditure", 1)]);
        for footer in ["3", "第 3 页", "第3页 共12页", "3/12"] {
            let text = format!(
                "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n{footer}\n\
                 221\t\t\t住房保障支出\t5.00\t5.00\t\n"
            );
            let d = doc(&text);
            assert_eq!(d.tables[0].rows.len(), 2, "{footer}");
        }
        // On the line after an amount that may be cut short, digits may be
        // its tail: the row's sums settle the number and the table goes on.
        // `10.0` / `0` and `10` / `.00` are 10.00 either way; `10.0` / `6`
        // sums to 10.06 (total = basic), a page number after 10.0 would not;
        // `5` / `4` is 54 when the total is 54, 5 (and a page number 4) when
        // it is 5.
        for (cut, amount) in [
            ("10.0\t\n0", 1000),
            ("10\t\n.00", 1000),
            ("10.0\t\n6", 1006),
            ("5\t\n4", 5400),
            ("5\t\n4", 500),
        ] {
            let text = format!(
                "第二部分 部门预算公开表\n部门支出总体情况表\n\
                 科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
                 208\t社会保障和就业支出\t{total}\t{cut}\n\
                 221\t住房保障支出\t5.00\t5.00\t\n22102\t住房改革支出\t5.00\t5.00\t\n",
                total = Amount::from_cents(amount)
            );
            let d = doc(&text);
            assert_eq!((d.tables[0].rows.len(), d.issues.len()), (3, 0), "{cut}");
            let basic = d.tables[0].rows[0].value("basic").unwrap();
            assert_eq!(
                (basic.amount.cents, basic.status),
                (amount, CellStatus::Repaired),
                "{cut}"
            );
        }
        // A bare number after a whole amount is a page number: the amount
        // stays as printed. After one that may be cut, a blank line apart
        // (the page's foot), the sums settle it as on the next line; the
        // table goes on either way.
        for (footer, status) in [
            ("10.00\t\n6", CellStatus::Ok),
            ("10.0\t\n\n6", CellStatus::Repaired),
        ] {
            let text = format!(
                "部门支出总体情况表\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
                 208\t社会保障和就业支出\t10.00\t{footer}\n\
                 221\t住房保障支出\t5.00\t5.00\t\n"
            );
            let d = doc(&text);
            assert_eq!((d.tables[0].rows.len(), d.issues.len()), (2, 0), "{footer}");
            let basic = d.tables[0].rows[0].value("basic").unwrap();
            assert_eq!(
                (basic.amount.cents, basic.status),
                (1000, status),
                "{footer}"
            );
        }
    }

    #[test]
    fn a_title_between_rows_followed_by_another_header_starts_a_table() {
        // The same place, but a header of other columns follows, as wide as
        // the open table: an unknown table, whose rows are not the open one's.
        let text = "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    一般公共预算基本支出经济科目明细表\n\
                    科目\t\t\t名称\t合计\t人员经费\t公用经费\n\
                    301\t\t\t工资福利支出\t8\t8\t\n";
        let d = doc(text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("expenditure", 1)]);
        assert_eq!(d.unknown_tables, ["一般公共预算基本支出经济科目明细表"]);
        // Even with the open table's own header and rows as wide (Xinjiang
        // templates share one header): a title that names its content is
        // never a page header.
        let text = "一般公共预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    一般公共预算支出功能分类明细表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    221\t\t\t住房保障支出\t5\t5\t\n";
        let d = doc(text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("general_budget", 1)]);
        assert_eq!(d.unknown_tables, ["一般公共预算支出功能分类明细表"]);
    }

    #[test]
    fn a_continued_title_continues_its_table() {
        for mark in [
            "一般公共预算支出情况表（续）",
            "续表",
            "一般公共预算支出情况表 续",
        ] {
            let text = format!(
                "一般公共预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 208\t\t\t社会保障和就业支出\t10\t10\t\n\
                 奇台县社会保险管理局2024年部门预算公开表\n{mark}\n单位：万元\n\
                 科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 221\t\t\t住房保障支出\t5\t5\t\n"
            );
            let d = doc(&text);
            let rows = kinds_and_rows(&d);
            assert_eq!(rows, [("general_budget", 2)], "{mark}");
            assert!(d.unknown_tables.is_empty(), "{:?}", d.unknown_tables);
        }
        // Another table's continued title opens that table.
        let text = "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    一般公共预算支出情况表(续)\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    221\t\t\t住房保障支出\t5\t5\t\n";
        let kinds: Vec<&str> = doc(text).tables.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, ["expenditure", "general_budget"]);
    }

    #[test]
    fn a_title_repeated_over_a_page_continues_its_table() {
        // A spreadsheet printed with its title rows repeated on each page:
        // a page number, the title, the unit line and the header again,
        // split words and all (`一般公共 预算拨款`, no grammar word).
        let header = "功能分类科目编码\t\t\t功能分类科目名称\t总 计\t一般公共 预算拨款\t政府基 金预 算拨 款\t\
                      财政 专户 管理 资金\t事 业 收 入\t事 业 单 位 经 营 收 入\t其 他 收 入\t\
                      用 事 业 基 金 弥 补 收 支 差 额\t单 位 上 年 结 余 (不 包 括 国 库 集 中 支 付 额 度 结 余)\n\
                      类\t款\t项\t\t\t\t\t\t\t\t\t\t\n";
        let text = format!(
            "表二：\n部门收入总体情况表\n编制部门：甲局\n单位：万元\n{header}\
             208\t\t\t社会保障和就业支出\t10.00\t10.00\t\t\t\t\t\t\t\n\
             11\n部门收入总体情况表\n单位：万元\n{header}\
             221\t\t\t住房保障支出\t5.00\t5.00\t\t\t\t\t\t\t\n"
        );
        let d = doc(&text);
        assert_eq!(kinds_and_rows(&d), [("income", 2)]);
        assert_eq!(d.tables[0].number, Some(2.into()));
        assert!(d.tables[0].issues.is_empty(), "{:?}", d.tables[0].issues);
        // The same title for another agency (a department printing one
        // table per unit) is another table.
        let text = format!(
            "表二：\n部门收入总体情况表\n编制部门：甲局\n单位：万元\n{header}\
             208\t\t\t社会保障和就业支出\t10.00\t10.00\t\t\t\t\t\t\t\n\
             部门收入总体情况表\n编制部门：乙所\n单位：万元\n{header}\
             221\t\t\t住房保障支出\t5.00\t5.00\t\t\t\t\t\t\t\n"
        );
        let d = doc(&text);
        assert_eq!(kinds_and_rows(&d), [("income", 1), ("income", 1)]);
        assert_eq!(d.tables[1].number, None);
        // With no agency line to tell them apart, two tables of one title
        // each with its own total row are two tables; a page break further
        // on in the first does not move its rows to the second.
        let table = |total: &str| {
            format!(
                "部门收入总体情况表\n单位：万元\n{header}\
                 \t\t\t合计\t{total}\t{total}\t\t\t\t\t\t\t\n\
                 208\t\t\t社会保障和就业支出\t{total}\t{total}\t\t\t\t\t\t\t\n"
            )
        };
        let next_page = format!(
            "3\n部门收入总体情况表\n单位：万元\n{header}\
             221\t\t\t住房保障支出\t1.00\t1.00\t\t\t\t\t\t\t\n"
        );
        let text = format!("表二：\n{}{next_page}{}", table("11.00"), table("5.00"));
        let d = doc(&text);
        assert_eq!(kinds_and_rows(&d), [("income", 3), ("income", 2)]);
        let numbers: Vec<_> = d.tables.iter().map(|t| t.number).collect();
        assert_eq!(numbers, [Some(2.into()), None]);
    }

    #[test]
    fn a_page_number_after_a_printed_blank_keeps_the_table() {
        // Cell-per-line: `3.4` is followed by a printed blank, so the page
        // number below cannot be its cut tail; the table goes on over the
        // repeated header (`项目 | 一般公共预算支出` and `编码 | 名称 | 合计 | …`
        // add up to the table's width, and are no row).
        let text = "一般公共预算支出情况表\n\t项目\n\t一般公共预算支出\n\n\t功能分类科目编码\n\t功能分类科目名称\n\t合计\n\t基本支出\n\t项目支出\n\n\
                    \t208\n\t05\n\t01\n\t行政单位离退休\n\t3.4\n\t3.4\u{3000}\n\t\u{3000}\n28\n\n\
                    \t项目\n\t一般公共预算支出\n\n\t功能分类科目编码\n\t功能分类科目名称\n\t合计\n\t基本支出\n\t项目支出\n\n\
                    \t208\n\t05\n\t05\n\t机关事业单位基本养老保险缴费支出\n\t98.56\n\t98.56\n\t\u{3000}\n\n";
        let items = layout::items(text, LayoutKind::CellPerLine);
        let d = recognise(Grammar::global(), items, text);
        assert_eq!(kinds_and_rows(&d), [("general_budget", 2)]);
        assert!(d.tables[0].issues.is_empty(), "{:?}", d.tables[0].issues);
        assert!(d.issues.is_empty(), "{:?}", d.issues);
    }

    #[test]
    fn a_page_number_after_a_row_settles_by_its_sums() {
        // Cell-per-line rows of an expenditure table (total = basic +
        // project) whose last line is a bare number.
        let read = |row: &str| {
            let text = format!(
                "部门支出总体情况表\n\t科目编码\n\t科目名称\n\t合计\n\t基本支出\n\t项目支出\n\n\
                 \t2080101\n\t行政运行\n{row}\n\n"
            );
            let items = layout::items(&text, LayoutKind::CellPerLine);
            let d = recognise(Grammar::global(), items, &text);
            let row = &d.tables[0].rows[0];
            ["total", "basic", "project"].map(|m| row.value(m).map(|v| (v.amount.cents, v.status)))
        };
        use CellStatus::*;
        // After an empty cell: the cell's content when the sum needs it…
        assert_eq!(
            read("\t801.18\n\t779.18\n\t\n22"),
            [Some((80118, Ok)), Some((77918, Ok)), Some((2200, Repaired))]
        );
        // … a page number when the sum holds without it.
        assert_eq!(
            read("\t0.54\n\t0.54\n\t\n27"),
            [Some((54, Ok)), Some((54, Ok)), None]
        );
        // After an amount, when the sum holds for neither reading (the
        // publisher's total is a cent out): the nearer one, uncertain.
        assert_eq!(
            read("\t1124.18\n\t779.17\n\t345\n13"),
            [
                Some((112418, Ok)),
                Some((77917, Ok)),
                Some((34500, Uncertain))
            ]
        );
    }

    #[test]
    fn a_narrative_heading_standing_alone_opens_the_narrative_until_a_table() {
        // Shanghai: no 第N部分; the narrative block comes before the tables,
        // another after them.
        let text = "一、部门主要职能\n负责财政工作。\n\
                    2025年部门预算编制说明\n\
                    2025年，某局收入预算10.00万元。\n\
                    部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n\
                    本表反映部门支出情况。\n\
                    其他相关情况说明\n\
                    一、2025年“三公”经费预算情况说明\n";
        let d = doc(text);
        assert_eq!(kinds_and_rows(&d), [("expenditure", 1)]);
        let narrative: Vec<&str> = d.narrative.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            narrative,
            [
                "2025年部门预算编制说明",
                "2025年，某局收入预算10.00万元。",
                "其他相关情况说明",
                "一、2025年“三公”经费预算情况说明",
            ]
        );
        // With parts, 第三部分 alone holds the narrative.
        let d = doc(&format!("第一部分 概况\n{text}"));
        assert!(d.narrative.is_empty(), "{:?}", d.narrative);
    }

    #[test]
    fn a_title_printed_without_its_final_biao_opens_its_table() {
        let tables = "第二部分 部门预算公开表\n\
                      部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                      208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n";
        let text = format!(
            "{tables}一般公共预算支出情况\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
             208\t\t\t社会保障和就业支出\t8.00\t8.00\t\n"
        );
        let d = doc(&text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("expenditure", 1), ("general_budget", 1)]);
        // A heading with an ordinal or in the narrative is no title; in a
        // document without parts an unnumbered one is, a numbered one always.
        for (prefix, heading, opens) in [
            (tables, "五、一般公共预算支出情况", false),
            ("第三部分 情况说明\n", "一般公共预算支出情况", false),
            ("第三部分 情况说明\n", "表5 一般公共预算支出情况", true),
            ("", "一般公共预算支出情况", true),
            ("", "五、一般公共预算支出情况", false),
        ] {
            let text = format!(
                "{prefix}{heading}\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                 208\t\t\t社会保障和就业支出\t8.00\t8.00\t\n"
            );
            let d = doc(&text);
            let kinds: Vec<&str> = d.tables.iter().map(|t| t.kind).collect();
            assert_eq!(
                kinds.contains(&"general_budget"),
                opens,
                "{heading}: {kinds:?}"
            );
        }
        // A flow dump's tables take prose lines: there, only in 第二部分.
        let flow = "一般公共预算支出情况\n208 社会保障和就业支出 8.00 8.00\n";
        let d = recognise(
            Grammar::global(),
            layout::items(flow, LayoutKind::Flow),
            flow,
        );
        assert!(d.tables.is_empty(), "{:?}", d.tables);
    }

    #[test]
    fn another_tables_header_ends_the_open_table() {
        // The expenditure table's title is lost: its header, under the
        // income table's rows, names columns the income table has not.
        // Its rows are not the income table's (a dump that trims trailing
        // blanks would pad them to its width); they are reported.
        let income =
            "部门收入总体情况表\n科目\t\t\t名称\t合计\t一般公共预算拨款\t政府性基金预算拨款\n\
                      类\t款\t项\t\t\t\t\n208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n\
                      208\t05\t\t行政事业单位养老支出\t10.00\t10.00\t\n";
        let expenditure = "科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                           208\t\t\t社会保障和就业支出\t10.00\t4.00\t6.00\n\
                           208\t05\t\t行政事业单位养老支出\t10.00\t4.00\t6.00\n";
        let d = doc(&format!("第二部分 部门预算公开表\n{income}{expenditure}"));
        assert_eq!(d.tables.len(), 1);
        assert_eq!(d.tables[0].rows.len(), 2, "{:?}", d.tables[0].rows);
        assert_eq!(
            d.issues,
            [
                "line 7: another table's header under income's rows (its title lost?): the rows after it are not extracted",
                "2 rows with codes and amounts, the first at line 9, are in no table the grammar knows: not extracted"
            ]
        );
        // The table's own header repeated at a page break, in full, in
        // part, or with one name reworded, does not end it.
        for repeat in [
            "科目\t\t\t名称\t合计\t一般公共预算拨款\t政府性基金预算拨款\n",
            "\t\t\t\t合计\t一般公共预算拨款\t\n",
            "科目\t\t\t名称\t合计\t一般公共预算拨款\t上级补助收入\n",
        ] {
            let rows =
                "221\t\t\t住房保障支出\t5.00\t5.00\t\n221\t02\t\t住房改革支出\t5.00\t5.00\t\n";
            let d = doc(&format!("第二部分 部门预算公开表\n{income}{repeat}{rows}"));
            assert_eq!(
                d.tables[0].rows.len(),
                4,
                "{repeat}: {:?}",
                d.tables[0].rows
            );
            assert!(d.issues.is_empty(), "{repeat}: {:?}", d.issues);
        }
        // A row of labels that are other tables' column names heads no
        // table: the 决算 summary goes on to its 总计 row.
        let summary =
            "第二部分 部门决算表\n收入支出决算总表\n收入\t\t支出\t\n项目\t决算数\t项目\t决算数\n\
                       一、一般公共预算财政拨款收入\t10.00\t一、一般公共服务支出\t10.00\n\
                       本年收入合计\t10.00\t本年支出合计\t10.00\n\
                       年初结转和结余\t-\t年末结转和结余\t-\n\
                       总计\t10.00\t总计\t10.00\n";
        let d = doc(summary);
        let totals = d.tables[0].rows.iter().filter(|r| r.item == "总计").count();
        assert_eq!(totals, 2, "{:?}", d.tables[0].rows);
    }

    #[test]
    fn a_three_public_label_wrapped_before_its_subtotal_mark() {
        // `公务用车购置及运行费` with its cells blank, then `（小计）` and the
        // amounts: the row is the category's, not one named `(小计)`.
        let text =
            "第二部分 部门预算公开表\n一般公共预算“三公”经费支出情况表\n项目\t合计\t一般公共预算\n\
                    合计\t38.32\t38.32\n因公出国（境）费\t0.00\t0.00\n\
                    公务用车购置及运行费\t\t\n（小计）\t34.56\t34.56\n\
                    其中：公务用车购置费\t20.42\t20.42\n公务用车运行费\t14.14\t14.14\n\
                    公务接待费\t3.76\t3.76\n";
        let d = doc(text);
        let items: Vec<&str> = d.tables[0].rows.iter().map(|r| r.item.as_str()).collect();
        assert_eq!(
            items,
            [
                "合计",
                "因公出国(境)费",
                "公务用车购置及运行费",
                "公务用车购置费",
                "公务用车运行费",
                "公务接待费"
            ]
        );
        assert_eq!(d.tables[0].rows[2].values[0].amount.cents, 3456);
    }

    #[test]
    fn amounts_after_a_table_number_without_a_title_are_reported() {
        // 表3's title is lost (or unreadable): its rows are not extracted,
        // and the document says so rather than staying `ok`.
        let text =
            "第二部分 部门预算公开表\n表3\n单位：万元\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                    208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n";
        let d = doc(text);
        assert!(d.tables.is_empty(), "{:?}", d.tables);
        assert_eq!(
            d.issues,
            ["表3 at line 5: amounts under no title the grammar knows: not extracted"]
        );
        // With its title, the table is read and nothing is said.
        let d = doc(&text.replace("表3\n", "表3\n部门支出总体情况表\n"));
        assert_eq!(d.tables.len(), 1);
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        // A title the grammar cannot read, over rows without codes (a
        // “三公” table's): said too. Before 2026-12-07 lost unsaid.
        let three_public = "第二部分 部门预算公开表\n表10\n“三公”经费支出情况一览\n单位：万元\n\
                    项目\t合计\t一般公共预算\n合计\t1.08\t1.08\n公务接待费\t1.08\t1.08\n";
        let d = doc(three_public);
        assert!(d.tables.is_empty(), "{:?}", d.tables);
        assert_eq!(
            d.issues,
            ["表10 at line 6: amounts under no title the grammar knows: not extracted"]
        );
    }

    #[test]
    fn a_table_whose_numbers_none_reads_says_so() {
        // Every amount of a summary printed with a footnote mark: before
        // 2026-12-07 the table was lost unsaid, the document ok.
        let text = "第二部分 部门预算公开表\n表1\n收支总体情况表\n单位：万元\n\
                    收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n\
                    一、一般公共预算拨款\t10.00*\t一、社会保障和就业支出\t10.00*\n\
                    收入总计\t10.00*\t支出总计\t10.00*\n";
        let d = doc(text);
        assert_eq!(d.tables.len(), 1);
        assert_eq!(
            d.tables[0].issues,
            ["its rows print decimal numbers but no amount was read from them: not extracted"]
        );
        let d = doc(&text.replace('*', ""));
        assert!(d.tables[0].issues.is_empty(), "{:?}", d.tables[0].issues);
        assert!(d.tables[0].rows.iter().any(|r| !r.values.is_empty()));
    }

    #[test]
    fn two_categories_run_together_leave_their_amounts_uncertain() {
        // An aligned dump of a row-wise “三公” table: 因公出国（境）费,
        // printed without amounts, is joined to the row under it.
        let text = "\
                  财政拨款“三公”经费支出情况表
编制单位：某局                                    单位：万元

“三公”经费支出内容                                合计            一般公共预算
合计                                     25.00             25.00
因公出国（境）费
公务接待费                                   5.00              5.00
公务用车购置及运行费（小计）                         20.00             20.00
其中：公务用车购置费                             13.00             13.00
公务用车运行费                                 7.00              7.00
";
        let items = layout::items(text, LayoutKind::Aligned);
        let d = recognise(Grammar::global(), items, text);
        let t = &d.tables[0];
        let rows: Vec<(&str, Vec<CellStatus>)> = t
            .rows
            .iter()
            .map(|r| (r.item.as_str(), r.values.iter().map(|v| v.status).collect()))
            .collect();
        let ok = vec![CellStatus::Ok; 2];
        assert_eq!(
            rows,
            [
                ("合计", ok.clone()),
                ("因公出国(境)费公务接待费", vec![CellStatus::Uncertain; 2]),
                ("公务用车购置及运行费", ok.clone()),
                ("公务用车购置费", ok.clone()),
                ("公务用车运行费", ok),
            ]
        );
        assert!(
            t.issues
                .iter()
                .any(|i| i.contains("runs two categories together")),
            "{:?}",
            t.issues
        );
    }

    #[test]
    fn coded_rows_after_no_title_are_reported() {
        // A sentence inside a table ends it; the coded rows after it belong
        // to no table. They are not extracted, and the document says so.
        let table = "部门支出总体情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n\
                     208\t\t\t社会保障和就业支出\t10.00\t10.00\t\n\
                     注释：机关运行经费是指行政单位的公用经费。\n\
                     221\t\t\t住房保障支出\t5.00\t5.00\t\n";
        let second = "221\t02\t\t住房改革支出\t5.00\t5.00\t\n";
        let d = doc(&format!("第二部分 部门预算公开表\n{table}{second}"));
        assert_eq!(d.tables[0].rows.len(), 1);
        assert_eq!(
            d.issues,
            ["2 rows with codes and amounts, the first at line 6, are in no table the grammar knows: not extracted"]
        );
        // Nor in a document without part headings.
        let d = doc(&format!("{table}{second}"));
        assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
        // One such row (a stray line of a contents page) is not reported,
        // nor are rows in the narrative (its own comparison tables).
        let d = doc(&format!("第二部分 部门预算公开表\n{table}"));
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        let d = doc(&format!("第三部分 情况说明\n{table}{second}"));
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        // Tables under the overview (their 第二部分 heading lost, as in a
        // `pdftotext -layout` dump of Shanghai's 决算): once a table is
        // titled there, its lost rows are reported too; before, a coded
        // line of the overview is not.
        let overview = "第一部分 某局概况\n一、主要职能\n";
        let d = doc(&format!("{overview}{table}{second}"));
        assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
        let d = doc(&format!(
            "{overview}{}{second}",
            &table[table.find("208").unwrap()..]
        ));
        assert!(d.issues.is_empty(), "{:?}", d.issues);
    }

    #[test]
    fn a_heading_on_its_own_line_inside_the_header_keeps_the_table() {
        // Shanghai dumps print 部门预算经济分类科目 apart from the header's cells.
        let text = "一般公共预算基本支出部门预算经济分类预算表\n项目\t一般公共预算基本支出\n\
                    部门预算经济分类科目\n编码\t经济分类科目名称\t合计\t人员经费\t公用经费\n\
                    301\t工资福利支出\t10\t10\t0\n合计\t\t10\t10\t0\n";
        let d = doc(text);
        let t = &d.tables[0];
        assert_eq!(
            (t.kind, t.rows.len()),
            ("general_budget_basic", 2),
            "{:?}",
            t.issues
        );
        assert_eq!(
            t.rows[0].value("personnel").map(|v| v.amount.cents),
            Some(1000)
        );
    }

    #[test]
    fn two_panels_with_named_totals_read_whole() {
        // A final account's basic-expenditure table: two panels side by
        // side, each closed by its own named total in the code column.
        let text = "一般公共预算财政拨款基本支出决算表\n单位：万元\n\
                    经济分类科目编码\t科目名称\t决算数\t经济分类科目编码\t科目名称\t决算数\n\
                    301\t工资福利支出\t10.00\t302\t商品和服务支出\t3.00\n\
                    30101\t基本工资\t10.00\t30201\t办公费\t3.00\n\
                    人员经费合计\t\t10.00\t公用经费合计\t\t3.00\n";
        let d = doc(text);
        let t = &d.tables[0];
        assert_eq!(
            (t.kind, t.issues.len()),
            ("general_budget_basic", 0),
            "{:?}",
            t.issues
        );
        let rows: Vec<(String, &str, i64)> = t
            .rows
            .iter()
            .map(|r| {
                let code = r.code.as_ref().map_or("", |c| c.as_str()).to_string();
                (code, r.item.as_str(), r.values[0].amount.cents)
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("301".to_string(), "工资福利支出", 1000),
                ("30101".to_string(), "基本工资", 1000),
                (String::new(), "人员经费合计", 1000),
                ("302".to_string(), "商品和服务支出", 300),
                ("30201".to_string(), "办公费", 300),
                (String::new(), "公用经费合计", 300),
            ]
        );
        assert!(t
            .rows
            .iter()
            .all(|r| r.values[0].status == crate::model::CellStatus::Ok));
    }

    #[test]
    fn an_unnumbered_unknown_title_is_listed_when_amounts_follow() {
        // A cover title and a contents line name tables too; only the title
        // whose rows print amounts is an unknown table. Its rows are not the
        // table before it, and the table after it is read.
        let text = "上海市XX局2024年度部门决算表\n目录\n- 一般公共预算基本支出经济科目明细表\n\
                    第二部分 表\n部门支出总体情况表\n单位：万元\n\
                    科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n\
                    一般公共预算基本支出经济科目明细表\n科目\t名称\t合计\t人员经费\t公用经费\n\
                    301\t工资福利支出\t8\t8\t\n302\t商品和服务支出\t2\t\t2\n\
                    部门预算08表\n\
                    一般公共预算支出情况表\n科目\t\t\t名称\t合计\t基本支出\t项目支出\n类\t款\t项\t\t\t\t\n\
                    208\t\t\t社会保障和就业支出\t10\t10\t\n";
        let d = doc(text);
        let rows = kinds_and_rows(&d);
        assert_eq!(rows, [("expenditure", 1), ("general_budget", 1)]);
        assert_eq!(d.unknown_tables, ["一般公共预算基本支出经济科目明细表"]);
    }

    #[test]
    fn code_cells_off_the_headers_columns_leave_the_row_uncertain() {
        // `类` printed left of the code column (a dump's header set apart
        // from its body): every code sits a cell to the right of the
        // header's 类, the 类 in the 款 column and a 项 where the name goes.
        // The rows were `ok` with no code and a digit for a name.
        let text = "支出决算表\n单位：万元\n\
                    类\t款\t项\t\t科目名称\t本年支出合计\t基本支出\t项目支出\n\
                    栏次\t\t\t\t\t1\t2\t3\n\
                    \t\t\t\t合计\t10.00\t6.00\t4.00\n\
                    \t201\t\t\t一般公共服务支出\t10.00\t6.00\t4.00\n\
                    \t201\t03\t\t政府办公厅(室)及相关机构事务\t10.00\t6.00\t4.00\n\
                    \t201\t03\t50\t事业运行\t10.00\t6.00\t4.00\n\
                    注：本表反映部门本年度各项支出情况。\n";
        let d = doc(text);
        let t = &d.tables[0];
        // The 合计 row too: its label is not where the header puts names.
        assert_eq!(t.rows.len(), 4, "{:?}", t.rows);
        assert!(t
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .all(|v| v.status == crate::model::CellStatus::Uncertain));
        assert!(t
            .issues
            .iter()
            .any(|i| i.contains("sit off the header's columns")));
    }
}
