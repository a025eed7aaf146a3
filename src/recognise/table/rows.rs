//! A table's rows before they are read: margins and row-number columns
//! dropped, side-by-side panels split into rows of their own, rows split
//! at a page break or wrapped rejoined, years named relative to the
//! document's, sides put income first.

use crate::model::{Cell, Provenance};
use crate::normalize;

use super::super::columns;
use super::super::{is_digit_run, is_row_number, row_numbers};
use super::{holds_amount, is_amount, typical_width, widest_header_row};

/// Pads back the empty cells a dump trimmed off the ends of its rows
/// (exports that stop each row at its last filled cell). Such a table's
/// rows all end filled and differ in length, while empty cells before
/// filled ones (a 类 row's blank 款 and 项, a blank column between two
/// amounts, a header's blank cells under a group heading) show that the
/// dump keeps the blanks it does not trim: every cell is
/// still in its column, and the missing ones are the last columns'. A
/// dump that drops every blank cell has no empty cell before a filled
/// one, and is left as it is.
pub(super) fn pad_trimmed_rows(header: &mut [Vec<Cell>], body: &mut [Vec<Cell>]) {
    let empty = |c: &Cell| c.text.trim().is_empty();
    // The table's width: the header's, or the widest two body rows reach.
    // A row filling the last column has its parents and the total filling
    // it too; a lone row wider than every other is one printed a cell off
    // (an extra tab), left for the table's reader to place, and sets no
    // width for the rest.
    let mut lengths: Vec<usize> = body.iter().map(Vec::len).collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    let body_width = lengths
        .get(if lengths.len() > 2 { 1 } else { 0 })
        .copied()
        .unwrap_or(0);
    let width = header
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(body_width);
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
        if let Some(at) = row.last().map(|c| c.at).filter(|_| row.len() < width) {
            row.resize_with(width, || Cell::new("", at));
        }
    }
}

/// A spreadsheet's empty first column (a margin): every row of the table,
/// header and body, starts with a blank cell. It is no column of the
/// table's: left in, it would put each amount one column to the right of
/// its header's (a “三公” table's header and its one row of amounts both
/// start after it; a coded table's 类 rows print their code there).
pub(super) fn drop_margin_column(rows: &mut [Vec<Cell>]) {
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
pub(super) fn rejoin_trimmed_split_rows(
    header: &[Vec<Cell>],
    rows: Vec<Vec<Cell>>,
) -> Vec<Vec<Cell>> {
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

/// Re-joins a row a line break cut inside an amount (`行政单位医疗 | 1`
/// then `3.15 | 13.15 | …`): a row with a label that ends in digits, then a
/// row of nothing but amounts that starts with digits, as wide together as
/// the table and one cell more (the cut cell is in both). The cut cell's
/// halves are joined with [`Cell::joined_at`] set, so the row's sums choose
/// between the number wrapped (`13.15`) and an amount with a stray line
/// after it (`1`). `width` is the table's: its header's widest row.
pub(super) fn rejoin_rows_cut_in_an_amount(rows: Vec<Vec<Cell>>, width: usize) -> Vec<Vec<Cell>> {
    let blank = |c: &Cell| normalize::is_blank(&c.text);
    let fragment = |c: &Cell| crate::amount::is_fragment(&c.text);
    let labelled = |r: &[Cell]| {
        r.iter()
            .any(|c| !blank(c) && !fragment(c) && !holds_amount(c))
    };
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        let cut = rows.peek().is_some_and(|next| {
            width > 0
                && row.len() < width
                && next.len() < width
                && row.len() + next.len() == width + 1
                && labelled(&row)
                && row.last().is_some_and(fragment)
                && next.first().is_some_and(fragment)
                && next
                    .iter()
                    .all(|c| blank(c) || holds_amount(c) || fragment(c))
        });
        if cut {
            let mut rest = rows.next().unwrap_or_default().into_iter();
            if let (Some(head), Some(tail)) = (row.last_mut(), rest.next()) {
                let head_text = head.text.trim().to_string();
                head.joined_at = Some(head_text.len());
                head.text = head_text + tail.text.trim();
            }
            row.extend(rest);
        }
        out.push(row);
    }
    out
}

/// Re-joins a row that a stray blank line cut in two: adjacent rows, both
/// shorter than the table, whose lengths add up to its width.
pub(super) fn rejoin_split_rows(rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
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
/// but the name's end). Or with the amounts alone on the next line:
/// `208 | 01 | | 人力资源和社会保障管理事务` over `| | | | 2945.64 | …`.
/// In a project table the name's end must have no
/// project beside it: a project's own row under its coded row has none
/// of the codes either.
pub(super) fn rejoin_wrapped_names(rows: Vec<Vec<Cell>>, projects: bool) -> Vec<Vec<Cell>> {
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
    // Text that may end a name wrapped above it: not an amount, not a
    // label of its own, not a total's row (`合计`: the table's own).
    let wrapped_end = |c: &Cell| {
        !blank(c)
            && !holds_amount(c)
            && !starts_a_label(&c.text)
            && !crate::model::is_total_label(normalize::label(&c.text).as_ref())
    };
    // A name's end in column `at`, blank before it; `with_amounts`: then
    // amounts (none otherwise).
    let name_end = |r: &[Cell], at: usize, with_amounts: bool| {
        let after = r.get(at + 1..).unwrap_or_default();
        r.len() > at
            && r[..at].iter().all(blank)
            && wrapped_end(&r[at])
            && (!projects || after.first().is_none_or(blank))
            && after.iter().any(holds_amount) == with_amounts
            && (with_amounts || after.iter().all(blank))
    };
    // Amounts alone, the code and name cells blank: a row whose name was
    // set at the top of its cell and its amounts at the middle (a tool
    // writing each line of the PDF's row as a row).
    let amounts_alone = |r: &[Cell], at: usize| {
        let after = r.get(at + 1..).unwrap_or_default();
        // Not the header's column numbers (`1 | 2 | 3`) under the row.
        !columns::is_column_number_row(r)
            && r.get(..=at).is_some_and(|head| head.iter().all(blank))
            && after.iter().any(holds_amount)
            && after.iter().all(|c| blank(c) || holds_amount(c))
    };
    // A line with text in the project's column `p` only.
    let project_end = |r: &[Cell], p: usize| {
        r.get(p).is_some_and(wrapped_end) && r.iter().enumerate().all(|(k, c)| k == p || blank(c))
    };
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        if let Some(at) = name_at(&row) {
            let amounts_here = row[at + 1..].iter().any(holds_amount);
            if !amounts_here && rows.peek().is_some_and(|next| amounts_alone(next, at)) {
                // Moved onto the row: no surer than `repaired` (the row may
                // print no amount, and these be a row's that lost its label).
                // The row's own cells (a project's name) stay.
                for (k, mut c) in rows
                    .next()
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .skip(at + 1)
                {
                    c.moved = !blank(&c);
                    if row.len() <= k {
                        row.resize_with(k + 1, || Cell::new("", c.at));
                    }
                    if blank(&row[k]) {
                        row[k] = c;
                    }
                }
                out.push(row);
                continue;
            }
            let mut amounts_here = amounts_here;
            // The name's pieces, as many lines as it wrapped over
            // (`机关事业单位` / `基本养老保险` / `缴费支出`): the amounts on
            // the first line or on the one after it.
            while rows
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
                    amounts_here = true;
                }
            }
            // A project's name wrapped in its own column, the line naming
            // nothing else: after the row's amounts, its end. Or a project
            // of its own printing no amounts: the row's amounts are then
            // another project's, and uncertain.
            while projects
                && amounts_here
                && rows.peek().is_some_and(|next| project_end(next, at + 1))
            {
                let next = rows.next().unwrap_or_default();
                if let (Some(own), Some(end)) = (row.get_mut(at + 1), next.get(at + 1)) {
                    own.text.push_str(end.text.trim());
                    own.label_in_doubt = true;
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
pub(super) fn panel_width(header: &[&[Cell]], body: &[Vec<Cell>]) -> Option<usize> {
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
pub(super) fn is_panel_leaf(row: &[Cell], p: usize) -> bool {
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
pub(super) fn split_panels(mut row: Vec<Cell>, p: usize) -> Vec<Vec<Cell>> {
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
pub(super) fn relative_years(rows: &mut [Vec<Cell>], year: Option<u16>) {
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

/// Where the income side starts when a two-sided table prints its
/// expenditure side first (`支 出 | | 收 入 |`): the column of the header's
/// `收入` cell, right of its `支出` cell. `None` for the usual order.
pub(super) fn expenditure_first<R: AsRef<[Cell]>>(
    header: &[R],
    body: &[Vec<Cell>],
) -> Option<usize> {
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
pub(super) fn rotate_rows<R: AsRef<[Cell]>>(rows: &[R], at: usize) -> Vec<Vec<Cell>> {
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
/// numbers ([`super::super::row_numbers`]) and keeps its other cells in order. A
/// header with no `行次` cell may name it in a line of words (see
/// [`drop_row_numbers_under_words`]).
pub(super) fn drop_row_number_columns(
    header: &mut [Vec<Cell>],
    body: &mut [Vec<Cell>],
    headings: &[String],
) {
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
    let row_number = |c: &Cell| is_row_number(&normalize::label(&c.text));
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
                !t.is_empty() && is_row_number(&t)
            })
        })
    };
    let numbers = || {
        body.iter().filter(numbered).flat_map(|r| {
            r.iter()
                .enumerate()
                .filter(|(p, _)| !marked.contains(p))
                .map(|(_, c)| c.text.trim())
                .filter(|t| is_digit_run(t))
        })
    };
    numbers().next().is_some() && numbers().all(|t| t.contains('.'))
}

/// A row as wide as the header whose `行次` cell is blank while the row
/// numbers it ([`super::super::row_numbers`]) sit in amount columns (`政府性基金预算
/// 财政拨款 | 8 | 40 | | …`: the layout set the empty side's `40` a column
/// left of its own): those cells are blanked, not read as amounts.
fn blank_displaced_row_numbers(row: &mut [Cell], marked: &[usize]) {
    let texts: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
    let flags = row_numbers(&texts);
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
/// ([`super::super::row_numbers`]) and that `numbers_a_row` accepts.
fn drop_cells_read_as_row_numbers(row: &mut Vec<Cell>, numbers_a_row: impl Fn(&str) -> bool) {
    let flags: Vec<bool> = {
        let texts: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
        row_numbers(&texts)
            .into_iter()
            .zip(&texts)
            .map(|(flag, t)| flag && numbers_a_row(t))
            .collect()
    };
    let mut flags = flags.into_iter();
    row.retain(|_| !flags.next().unwrap_or(false));
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
}
