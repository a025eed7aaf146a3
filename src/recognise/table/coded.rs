//! Coded tables (收入总表, 支出总表, 一般公共预算支出表 …): a classification
//! code and name per row, then amounts in the kind's standard columns.
//! Codes printed in level columns (`208 | 01 | 01`) or left out under a
//! parent are filled in from the rows above.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::grammar::{Grammar, Measure, TableKind};
use crate::model::{Cell, CellStatus, Code, Provenance, Row, Section, Table};
use crate::normalize;
use crate::solve::{
    self,
    table::{settle, Resolution, SolveRow},
};

use super::super::columns::{self, Columns};
use super::super::flow::row_rules;
use super::super::{zero_restored, zero_restored_note};
use super::{
    blank_total, filled_after, is_amount, label_floor, printed_in_order, realign_coded,
    remove_stray_label_cell, restore_dropped_code_cells, split_code_from_name, split_code_prefix,
    split_merged_amounts, text, typical_width, usual_length, values, widest_header_row, Alignment,
    Reading,
};

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
/// reads either way, as does a line of digits after an empty cell.
fn code_text(cell: Option<&Cell>, level: usize, code_cols: usize) -> (&str, bool) {
    let Some(cell) = cell else { return ("", false) };
    let Some(head) = cell.joined_at.and_then(|k| cell.text.get(..k)) else {
        return (&cell.text, false);
    };
    let fits = |t: &str| code_cols > 1 && normalize::label(t).len() == level_digits(level);
    // An empty cell, then a line of digits: the cell's content wrapped
    // whole, or a page number at a page's foot (`⇥` / `12`, under a 类
    // whose 款 is blank): either way it may be.
    if head.is_empty() {
        return (&cell.text, true);
    }
    if fits(head) {
        (head, false)
    } else {
        (&cell.text, !fits(&cell.text))
    }
}

/// A project-name cell's name; none when it prints a dash or a slash for
/// "no project" (the 合计 and 类 rows of a project table).
fn project_name(cell: &str) -> String {
    if normalize::is_blank(cell) || matches!(cell.trim(), "/" | "／") {
        String::new()
    } else {
        normalize::label(cell).into_owned()
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
    /// How many of its leading levels were blank, taken from the row above
    /// (`| 05 | 01` under 208: two).
    inherited: usize,
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
                inherited: 0,
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
                zero_restored(p)?
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
        let inherited = parts[..=deepest]
            .iter()
            .take_while(|p| p.is_empty())
            .count();
        Some(Filled {
            code,
            padded,
            inherited,
        })
    }

    /// A row's code its name told (a 类 row whose code cell was left
    /// blank): the rows under it take their leading levels from it.
    fn adopt(&mut self, code: &Code) {
        let digits = code.as_str();
        let mut parts = Vec::new();
        let mut at = 0;
        while let Some(part) = digits.get(at..at + level_digits(parts.len())) {
            at += part.len();
            parts.push(part.to_string());
        }
        self.parts = parts;
    }
}

/// A code cell's digits, printed with separators (`208.01.01`,
/// `208-01-01`) or in brackets (`[208]`, `(2080101)`, `【208】`) as some
/// finance systems export them; other text as it is.
fn code_digits(t: Cow<'_, str>) -> Cow<'_, str> {
    let inner = t
        .strip_prefix(['[', '(', '【'])
        .and_then(|i| i.strip_suffix([']', ')', '】']))
        .unwrap_or(&t);
    let separated = inner.contains(['.', '-', '·']);
    let bracketed = inner.len() < t.len();
    // Separated: a 类's three digits, then levels of two (not an amount's
    // `637.5`); bracketed whole: a code's digits.
    let digits_only = inner.split(['.', '-', '·']).enumerate().all(|(i, g)| {
        let fits = match (separated, i) {
            (false, _) => (1..=7).contains(&g.len()),
            (true, 0) => g.len() == 3,
            (true, _) => g.len() == 2,
        };
        fits && g.bytes().all(|b| b.is_ascii_digit())
    });
    if !(separated || bracketed) || !digits_only {
        return t;
    }
    Cow::Owned(inner.chars().filter(char::is_ascii_digit).collect())
}

pub(super) fn coded(
    g: &Grammar,
    kind: &TableKind,
    header: &[&[Cell]],
    body: &[Vec<Cell>],
    table: &mut Table,
) {
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
    // A last column blank in every row and no heading over it, every
    // heading over a column before it: a layout fitting more columns than
    // the headings is no surer than the headings' own reading where the
    // two disagree (a heading lost from the middle, or a column blank at
    // the rows' end).
    let headed_but_last = || {
        columns::heading_cells(g, header, 0)
            .into_iter()
            .eq(first..first + width - 1)
    };
    if cols.problem.is_none()
        && cols.status == CellStatus::Ok
        && width > 1
        && headed_but_last()
        && body
            .iter()
            .all(|r| normalize::is_blank(text(r, first + width - 1)))
    {
        let narrower = columns::resolve(g, header, 0, width - 1, &kind.layouts);
        let disagree = narrower
            .measures
            .iter()
            .zip(&cols.measures)
            .any(|(n, c)| n.is_some() && n != c);
        if disagree {
            cols.status = CellStatus::Uncertain;
            table.issues.push(format!(
                "the header's {} headings stand over the first {} of {width} amount columns, the last blank in every row, and a standard layout of {width} reads them otherwise: amounts uncertain",
                width - 1,
                width - 1
            ));
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
    // Each row's count of leading code levels taken from the row above.
    let mut inherited = Vec::new();
    for (cells, rebuilt) in body.iter().zip(rebuilt) {
        // The code cells, normalised once for every test below.
        let mut joined_code = false;
        let mut codes: Vec<Cow<str>> = (0..code_cols)
            .map(|i| {
                let (t, joined) = code_text(cells.get(i), i, code_cols);
                joined_code |= joined;
                code_digits(normalize::label(t))
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
        let levels_inherited = filled.as_ref().map_or(0, |f| f.inherited);
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
            // With its 类 blank, no row above gave it one (a lost 类 row):
            // its key is then its name alone, where the table prints codes,
            // and its amounts may be another row's of that name. A 类
            // printed short is the publisher's misprint, as printed.
            let lost_parent = codes.first().is_some_and(|t| t.is_empty());
            let (at, shown) = printed();
            table.issues.push(if lost_parent {
                floor = CellStatus::Uncertain;
                format!("line {at}: code cells '{shown}' name no classification code, the rows above giving it none: its amounts are uncertain")
            } else {
                format!("line {at}: code cells '{shown}' name no classification code: the row has none")
            });
        }
        if let (true, Some(c)) = (zero_padded, &code) {
            let (at, shown) = printed();
            table.issues.push(zero_restored_note(at, &shown, c));
        }
        let mut item =
            normalize::label(text(cells, if merged_total { 0 } else { code_cols })).into_owned();
        let mut project = project_col
            .map(|p| project_name(text(cells, p)))
            .unwrap_or_default();
        if item.is_empty() && crate::model::is_total_label(&project) {
            item = std::mem::take(&mut project);
        }
        // The code printed in the name's cell: where the table has no code
        // columns, or its code cells are blank (`\t\t\t2080101行政运行`)
        // and the name is the code's (a 类's, an economic class's, a 项
        // the classification fixes), or the code goes on under the 类 of
        // the rows above. Not a name that starts with digits
        // (`301路公交补贴`, `211工程配套`).
        let codes_blank = codes.iter().all(|t| t.is_empty());
        if code.is_none() && (code_cols == 0 || codes_blank) {
            if let Some((c, name)) = split_code_prefix(g, &item) {
                let digits = c.as_str();
                let class = &digits[..3];
                let named = g.class_code(&name) == Some(class)
                    || g.names_economic_class(&name, class)
                    || g.names_subitem(&name, digits, None);
                let goes_on = digits.len() > 3 && filler.parts.first().is_some_and(|p| p == class);
                if code_cols == 0 || named || goes_on {
                    if code_cols > 0 {
                        filler.adopt(&c);
                    }
                    code = Some(c);
                    item = name;
                }
            }
        }
        if code.is_none() && function_classes {
            code = g.class_code(&item).and_then(Code::new);
            if let (Some(c), true) = (&code, codes_blank) {
                filler.adopt(c);
            }
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
        // A project's name joined with a line of project text under it
        // (`rows::rejoin_wrapped_names`): its end, or a project of its own.
        if let Some(cell) = project_col
            .and_then(|p| cells.get(p))
            .filter(|c| c.label_in_doubt)
        {
            floor = CellStatus::Uncertain;
            table.issues.push(format!(
                "line {}: the project line under this row may end its name or be a project printing no amounts: the row's amounts are uncertain",
                cell.at
            ));
        }
        // Amounts under no code and no name: the layout lost whose they are.
        let unkeyed = code.is_none() && item.is_empty() && project.is_empty();
        if unkeyed {
            floor = CellStatus::Uncertain;
        }
        let mut values = values(g, None, cells, first, &cols, floor, table);
        if unkeyed && !values.is_empty() {
            let at = cells.first().map_or(table.at, |c| c.at);
            table.issues.push(format!(
                "line {at}: amounts under no code and no name: whose they are is uncertain"
            ));
        }
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
        inherited.push(levels_inherited);
        table.rows.push(Row {
            section: None,
            code,
            item,
            project,
            values,
            at: cells.first().map_or(table.at, |c| c.at),
        });
    }
    doubt_orphans(&inherited, table);
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

/// Rows printed without their parent's levels (`| 11 | 01`, the 类 taken
/// from the row above) whose parent adds up without them: the first of its
/// children sum to its total and these come after. Their own parent's row
/// was lost (a page's first line dropped, a code cell blanked), so their
/// code is another parent's: they and the rows under them are `uncertain`.
/// (A parent adding up with no prefix of its children is the publisher's
/// sum, for the checks to report.)
fn doubt_orphans(inherited: &[usize], table: &mut Table) {
    // A table printing every row's code whole has no orphan.
    if !inherited.iter().any(|&n| n > 0) {
        return;
    }
    let total = |row: &Row| row.value("total").map(|v| v.amount.cents);
    // Each code's children, by index in print order (one pass, not one
    // per parent).
    let mut children_of: HashMap<Code, Vec<usize>> = HashMap::new();
    for (i, r) in table.rows.iter().enumerate() {
        if let Some(parent) = r.code.as_ref().and_then(Code::parent) {
            children_of.entry(parent).or_default().push(i);
        }
    }
    // The orphans' rows, by index: a code read twice is another row's too.
    let mut orphans: Vec<usize> = Vec::new();
    for parent in &table.rows {
        let (Some(code), Some(expected)) = (&parent.code, total(parent)) else {
            continue;
        };
        let level = usize::from(code.level());
        let Some(children) = children_of.get(code) else {
            continue;
        };
        let Some(sums) = children
            .iter()
            .map(|&i| total(&table.rows[i]))
            .collect::<Option<Vec<i64>>>()
        else {
            continue;
        };
        if sums.iter().sum::<i64>() == expected {
            continue;
        }
        let mut running = 0;
        let Some(kept) = sums.iter().position(|s| {
            running += s;
            running == expected
        }) else {
            continue;
        };
        orphans.extend(
            children[kept + 1..]
                .iter()
                .copied()
                .filter(|&i| inherited.get(i).is_some_and(|&n| n >= level)),
        );
    }
    orphans.sort_unstable();
    orphans.dedup();
    for i in orphans {
        let Some(orphan) = table.rows[i].code.clone() else {
            continue;
        };
        table.issues.push(format!(
            "line {}: {} was printed without its parent's code and its parent adds up \
             without it: its parent's row may be lost, its amounts are uncertain",
            table.rows[i].at,
            orphan.as_str()
        ));
        // The orphan and the rows under it, printed right after it.
        let under = table.rows[i + 1..].iter().take_while(|r| {
            r.code.as_ref().is_some_and(|c| {
                c.level() > orphan.level() && c.as_str().starts_with(orphan.as_str())
            })
        });
        let count = 1 + under.count();
        for row in &mut table.rows[i..i + count] {
            for v in &mut row.values {
                v.status = CellStatus::Uncertain;
            }
        }
    }
}

/// Where a coded table's amounts sit.
pub(super) struct Layout<'a> {
    pub(super) kind: &'a str,
    /// The side of a two-sided table the columns are, `None` otherwise.
    pub(super) section: Option<Section>,
    pub(super) cols: &'a Columns,
    /// The first amount column.
    pub(super) first: usize,
    /// The 项目名称 column, before the amounts: a dropped blank there moves
    /// an amount into it.
    pub(super) project: Option<usize>,
    /// The length nearly every row has.
    pub(super) usual: usize,
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
pub(super) fn place_misfits(
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
    let rules = row_rules(g, layout.kind, layout.section, column);
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
    // A subtotal stands alone only where the 合计 row, as printed or as
    // its cells may be put back, leaves the subtotal's parts blank.
    let total_readings: Vec<solve::Reading> = members
        .iter()
        .find(|&&i| table.rows[i].is_total() && rules.iter().any(|r| r.parts_optional))
        .map(|&i| match misfits.iter().find(|(m, _)| *m == i) {
            Some((_, cells)) => layout
                .candidates(cells)
                .iter()
                .map(|c| layout.reading(c))
                .filter(|r| r.satisfies(&rules, 1))
                .collect(),
            None => vec![layout.reading_of_row(&table.rows[i])],
        })
        .unwrap_or_default();
    let rules = solve::parts_optional_where_the_total_row_leaves_them(rules, &total_readings);
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
            let project = project_name(text(cells, p));
            let row = &mut table.rows[i];
            row.project = if project == row.item && row.is_total() {
                String::new()
            } else {
                project
            };
        }
        placed.push(i);
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filler's next code and whether a level was padded.
    fn filled(f: &mut CodeFiller, cells: &[&str]) -> Option<(String, bool)> {
        f.next(cells)
            .map(|c| (c.code.as_str().to_string(), c.padded))
    }

    fn code(s: &str, padded: bool) -> Option<(String, bool)> {
        Some((s.to_string(), padded))
    }

    #[test]
    fn code_cells_with_separators_or_brackets_give_their_digits() {
        let d = |t: &str| code_digits(Cow::Borrowed(t)).into_owned();
        assert_eq!(d("208.01.01"), "2080101");
        assert_eq!(d("208-01"), "20801");
        assert_eq!(d("[2080101]"), "2080101");
        assert_eq!(d("【208】"), "208");
        assert_eq!(d("(01)"), "01");
        // An amount, a name, a plain code: as they are.
        for t in ["637.5", "1,010.70", "行政运行", "208", "2080101", "20.8"] {
            assert_eq!(d(t), t);
        }
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
}
