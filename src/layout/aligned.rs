//! Aligned text dumps (`pdftotext -layout`, a spreadsheet printed to
//! text): one table row per line, columns kept apart by runs of spaces, an
//! empty cell left as spaces. Splitting a row at its gaps would lose those
//! empty cells and shift every later amount one column left, so columns
//! come from the whole table body instead: a character position that no
//! body line prints on is a gutter, and the runs between gutters are the
//! columns. Positions count characters, as the dump printed them; a header
//! word (centred, its Chinese characters narrower than printed) goes to the
//! column where it starts.

use std::collections::HashMap;

use crate::amount::{self, is_number, Amount};
use crate::grammar::{Grammar, HeaderMeaning};
use crate::model::{Cell, Provenance};
use crate::normalize;

use super::Item;

mod names;

use names::{names_around, names_below, right_under, unnamed_at, Around};

/// Non-body lines (headers) above a table body that join its block.
const MAX_HEADER_LINES: usize = 8;
/// Columns between a centred name's pieces that still set them in one
/// column (`-fixed` dumps round wide characters differently line by line).
const NEAR: usize = 4;

/// Amounts a digit width must line up, at least, to be taken for a
/// fixed-pitch dump's (and twice as many as the dump lines up as printed).
const MIN_LINED_UP: usize = 10;

/// Body lines a block needs to show its columns on its own: with fewer,
/// an empty cell's gap cannot be told from a gutter.
const MIN_BODY_LINES: usize = 3;

/// Text between runs of two or more spaces, at its character positions.
#[derive(Debug, Clone, PartialEq)]
struct Segment<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    /// The line an amount was printed on, when `rows_take_offset_amounts`
    /// moved it onto the row of another line.
    moved_from: Option<Provenance>,
}

struct Line<'a> {
    at: Provenance,
    /// Form feeds before this line: pdftotext sets each page at its own
    /// offset, so a table's columns are found page by page.
    page: usize,
    segments: Vec<Segment<'a>>,
}

impl Line<'_> {
    /// A table body line: two cells or more, one of them an amount.
    fn is_body(&self) -> bool {
        self.segments.len() >= 2 && self.segments.iter().any(|s| is_number(s.text))
    }

    /// A table header line: two cells or more, no amount.
    fn is_header_line(&self) -> bool {
        self.segments.len() >= 2 && !self.is_body()
    }
}

impl Segment<'_> {
    /// Where the text lies on the page: pdftotext gives a Chinese
    /// character one column though it is set two wide.
    fn printed_span(&self) -> (usize, usize) {
        (self.start, self.start + printed_width(self.text))
    }
}

/// A heading the grammar reads as naming a label column (`功能分类科目名称`,
/// `科目编码`): over the codes and names however far right it is centred.
fn is_label_heading(text: &str) -> bool {
    matches!(
        Grammar::global().header(&normalize::label(text)),
        HeaderMeaning::Label
    )
}

/// A word or two on a line of their own (`项目` over a repeated header):
/// too short for a table's title.
fn is_lone_heading(line: &Line) -> bool {
    matches!(line.segments.as_slice(), [only] if only.text.chars().count() <= 4 && !is_number(only.text))
}

/// A page number or footer on a line of its own (`3`, `第 3 页`, `- 3 -`).
fn is_page_number(line: &Line) -> bool {
    matches!(line.segments.as_slice(), [only]
        if normalize::is_page_number(only.text) || normalize::is_page_marker(only.text))
}

/// Cuts a line at runs of two or more blanks, and at a single blank
/// between an amount and text (`31,214,205.80 一、一般公共服务支出`: a
/// tight column left pdftotext one space), between two amounts
/// (`82,096,797.42 82,096,797.42`), between code cells and a name, or
/// after a dash past the line's first cell (`- 二、卫生健康支出`);
/// positions in characters.
fn segments(line: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let gaps = gapped(line);
    // A part's heading spread across the page (`第三部分      上海市X局
    // 2024   年度部门决算`, pdftotext `-fixed`) is one piece: no row whose
    // year is an amount, no label the row above could take.
    if let [first, .., last] = gaps.as_slice() {
        if opens_part(first.text) {
            return vec![Segment {
                start: first.start,
                end: last.end,
                text: line.trim(),
                moved_from: None,
            }];
        }
    }
    for s in gaps {
        let mut rest = s;
        while let Some(cut) = amount_text_cut(rest.text, !out.is_empty()) {
            let (head, tail) = rest.text.split_at(cut);
            let head_chars = head.chars().count();
            out.push(Segment {
                start: rest.start,
                end: rest.start + head_chars,
                text: head,
                moved_from: None,
            });
            rest = Segment {
                start: rest.start + head_chars + 1,
                end: rest.end,
                text: &tail[1..],
                moved_from: None,
            };
        }
        out.push(rest);
    }
    out
}

/// An amount as printed in a table: digits with a point or separators.
fn is_printed_amount(word: &str) -> bool {
    is_number(word) && word.contains(['.', ','])
}

/// Where a single space parts an amount from text or from another
/// amount, or code cells from a name, in bytes. Past the line's first cell
/// (`after_first`), a printed dash (a blank amount, after nothing but
/// numbers and dashes) parts from what follows too (`2            - 二、
/// 卫生健康支出`): there a dash is no bullet before a label, and a hyphen
/// inside a label (`城市更新 - 老旧小区改造`) stays in it.
fn amount_text_cut(text: &str, after_first: bool) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(' ') {
        let at = from + at;
        let before = text[..at].rsplit(' ').next().unwrap_or("");
        let after = text[at + 1..].split(' ').next().unwrap_or("");
        // Code cells before a name (`17 公务接待费`, `201 05 07 专项普查活动`):
        // a narrow code column left one space.
        let codes = text[..at]
            .split(' ')
            .all(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_digit()));
        if (is_printed_amount(before) && !is_number(after))
            || (!is_number(before) && is_printed_amount(after))
            || (is_printed_amount(before) && is_printed_amount(after))
            || (codes && after.starts_with(|c: char| !c.is_ascii()))
            || (after_first
                && normalize::is_dash(before)
                && numbers_or_dashes(&text[..at])
                && !after.is_empty())
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Words that are all numbers or dashes (`-`, `2 -`): a row number and a
/// blank amount set one blank apart, no words of a label (`城市更新 -`).
fn numbers_or_dashes(text: &str) -> bool {
    text.split(' ')
        .all(|w| normalize::is_dash(w) || (!w.is_empty() && is_number(w)))
}

/// Cuts a line at runs of two or more blanks.
fn gapped(line: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    // (char position, byte offset) of the current segment's start and end.
    let mut open: Option<(usize, usize)> = None;
    let mut last_end = (0, 0);
    let mut blanks = 0;
    for (column, (offset, c)) in line.char_indices().enumerate() {
        if c.is_whitespace() {
            blanks += 1;
            continue;
        }
        match open {
            Some((start, from)) if blanks >= 2 => {
                out.push(Segment {
                    start,
                    end: last_end.0,
                    text: &line[from..last_end.1],
                    moved_from: None,
                });
                open = Some((column, offset));
            }
            None => open = Some((column, offset)),
            Some(_) => {}
        }
        blanks = 0;
        last_end = (column + 1, offset + c.len_utf8());
    }
    if let Some((start, from)) = open {
        out.push(Segment {
            start,
            end: last_end.0,
            text: &line[from..last_end.1],
            moved_from: None,
        });
    }
    out
}

/// Column spans of a table body: runs of character positions that some
/// body line prints on (a segment's inner single spaces count as printed).
/// A run of text on one line or two beside the label column (`合计`
/// centred across the code and name columns), after it or before it, is
/// part of that column, not a column of its own that would move every
/// amount of its row one place right.
fn columns(body: &[&Line]) -> Vec<(usize, usize)> {
    let width = body
        .iter()
        .flat_map(|l| l.segments.iter().map(|s| s.end))
        .max()
        .unwrap_or(0);
    let mut printed = vec![false; width];
    // Whether some segment prints on both position i and i + 1: a segment
    // ending right where another line's starts (an amount pdftotext set a
    // character wider, `96,282,213.44 一、公共安全支出` over `0.00 二、社会
    // 保障和就业支出`) leaves no blank between them, but is no run with it.
    let mut joined = vec![false; width];
    // A column-number row's markers (`※ ※ ※ 1 2 3`) are centred in the
    // label columns, off the codes and names they head: they would cut
    // gutters of their own there.
    for s in body
        .iter()
        .flat_map(|l| &l.segments)
        .filter(|s| !matches!(s.text, "※" | "栏次" | "行次"))
    {
        printed[s.start..s.end].iter_mut().for_each(|p| *p = true);
        if let Some(last) = s.end.checked_sub(1).filter(|&l| l >= s.start) {
            joined[s.start..last].iter_mut().for_each(|p| *p = true);
        }
    }
    // An amount column abutting a label column: at i + 1 segments end that
    // are all amounts and start that are all labels, and none runs across.
    // Per position: whether a segment ends (starts) there, and whether all
    // that do are amounts (labels).
    let mut ends = vec![(false, true); width + 1];
    let mut starts = vec![(false, true); width + 1];
    for s in body.iter().flat_map(|l| &l.segments) {
        let end = &mut ends[s.end];
        *end = (true, end.1 && is_printed_amount(s.text));
        let start = &mut starts[s.start];
        *start = (true, start.1 && s.text.starts_with(|c: char| !c.is_ascii()));
    }
    let abutting =
        |i: usize| !joined[i] && ends[i + 1] == (true, true) && starts[i + 1] == (true, true);
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &p) in printed.iter().chain([&false]).enumerate() {
        match (p, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
        if p && i + 1 < width && printed[i + 1] && abutting(i) {
            if let Some(s) = start.take() {
                runs.push((s, i + 1));
            }
        }
    }
    let runs = split_code_levels(runs, body);
    // Per run: lines printing text there, lines printing a number there.
    let tally = |&(a, b): &(usize, usize)| {
        let within = |s: &&Segment| a <= s.start && s.start < b;
        let count = |number: bool| {
            body.iter()
                .filter(|l| {
                    l.segments
                        .iter()
                        .filter(within)
                        .any(|s| is_number(s.text) == number)
                })
                .count()
        };
        (count(false), count(true))
    };
    // Text on a line or few, no amount: a total's label.
    let few = |(text, numbers): (usize, usize)| numbers == 0 && text * 4 <= body.len().max(4);
    let mut out: Vec<((usize, usize), (usize, usize))> = Vec::new();
    for run in runs {
        let (text, numbers) = tally(&run);
        match out.last_mut() {
            Some((last, (_, 0))) if few((text, numbers)) => {
                last.1 = run.1;
            }
            _ => out.push((run, (text, numbers))),
        }
    }
    // A total's label before the label column: after the code columns, the
    // name column narrower than the label centred across both.
    let totals_only = |(a, b): (usize, usize)| {
        body.iter()
            .flat_map(|l| &l.segments)
            .filter(|s| a <= s.start && s.start < b)
            .all(|s| is_total(s.text))
    };
    let mut k = 1;
    while k < out.len() {
        let (run, tally) = out[k - 1];
        let (next, (text, numbers)) = out[k];
        if few(tally) && totals_only(run) && numbers == 0 && !few((text, numbers)) {
            out[k - 1] = ((run.0, next.1), (tally.0 + text, 0));
            out.remove(k);
        } else {
            k += 1;
        }
    }
    out.into_iter()
        .map(|(run, _)| run)
        .filter(|&run| !is_spaced_number_piece(run, body))
        .collect()
}

/// Whether only one line of a body of four or more prints in `run`, and
/// there a piece of a number pdftotext set apart by a widened gap (`0.0  0`,
/// `4  9.28`, `0.  6`): its end pushed right, or its start pushed left (the
/// start lacks decimals the two pieces make together). No column of the
/// table's: its line's pieces then share a column, and the line is read as
/// a row that does not fit.
fn is_spaced_number_piece((a, b): (usize, usize), body: &[&Line]) -> bool {
    let within = |s: &Segment| a <= s.start && s.start < b;
    let mut printing = body.iter().filter(|l| l.segments.iter().any(within));
    let (true, Some(line), None) = (body.len() >= 4, printing.next(), printing.next()) else {
        return false;
    };
    let segments = &line.segments;
    segments
        .iter()
        .enumerate()
        .filter(|(_, s)| within(s))
        .all(|(i, piece)| {
            let ends = i > 0 && continues_number(&segments[i - 1], piece);
            let starts = segments
                .get(i + 1)
                .is_some_and(|tail| continues_number(piece, tail));
            ends || starts
        })
}

/// Whether `tail` ends the number `head` starts, two blanks apart at most
/// (`0.0` and `0`, `4` and `9.28`): digits both, and the two together an
/// amount with more decimals than `head`'s (two at most).
fn continues_number(head: &Segment, tail: &Segment) -> bool {
    // The cheap tests first: every label segment of a line comes here.
    if tail.start.saturating_sub(head.end) > 2
        || !amount::is_fragment(head.text)
        || !amount::is_fragment(tail.text)
    {
        return false;
    }
    let decimals = |t: &str| t.split_once('.').map_or(0, |(_, d)| d.len());
    let joined = format!("{}{}", head.text, tail.text);
    decimals(head.text) < decimals(&joined) && decimals(&joined) <= 2 && is_printed_amount(&joined)
}

/// A body line whose pieces do not fit the columns, read again with each
/// number pdftotext set apart in two (`4  9.28`) joined and placed by its
/// end, the join kept in [`Cell::joined_at`] for the row's sums to settle
/// (`49.28`, or `4` and a stray `9.28`). `None` when nothing joins or the
/// pieces still share a column.
fn with_spaced_numbers_joined(line: &Line, block: &BlockColumns) -> Option<Vec<Cell>> {
    let columns = &block.spans;
    let mut cells: Vec<Option<Cell>> = vec![None; columns.len()];
    let mut joined_any = false;
    let mut i = 0;
    while i < line.segments.len() {
        let s = &line.segments[i];
        let joins = line
            .segments
            .get(i + 1)
            .is_some_and(|tail| continues_number(s, tail));
        let (placed_by, mut cell) = if joins {
            let tail = &line.segments[i + 1];
            joined_any = true;
            i += 2;
            let mut cell = Cell::new(format!("{}{}", s.text, tail.text), line.at);
            cell.joined_at = Some(s.text.len());
            (tail, cell)
        } else {
            i += 1;
            (s, Cell::new(s.text, s.moved_from.unwrap_or(line.at)))
        };
        cell.moved = placed_by.moved_from.is_some();
        cell.column_guessed = block.guessed;
        let slot = cells.get_mut(column_of(columns, placed_by))?;
        if slot.is_some() {
            return None;
        }
        *slot = Some(cell);
    }
    joined_any.then(|| {
        cells
            .into_iter()
            .map(|c| {
                c.unwrap_or_else(|| Cell {
                    column_guessed: block.guessed,
                    ..Cell::new("", line.at)
                })
            })
            .collect()
    })
}

/// Runs where a code level and a name both start on one line (`01 行政运行`
/// beside `社会保障和就业支出`, a 类 row's name starting under the 项 rows'
/// codes: LibreOffice's PDFs as pdftotext sets them) are cut where the
/// codes end, so the 项 column and the name column stay apart; a run is
/// cut only where no other text starts inside the codes' span.
fn split_code_levels(runs: Vec<(usize, usize)>, body: &[&Line]) -> Vec<(usize, usize)> {
    let is_level = |t: &str| (1..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::with_capacity(runs.len());
    for (a, b) in runs {
        let within = |s: &Segment| a <= s.start && s.start < b;
        // The ends of code levels followed on their line by a name in the run.
        let ends: Vec<usize> = body
            .iter()
            .flat_map(|l| l.segments.windows(2))
            .filter(|w| {
                within(&w[0]) && within(&w[1]) && is_level(w[0].text) && !is_number(w[1].text)
            })
            .map(|w| w[0].end)
            .collect();
        let Some(&cut) = ends.iter().max() else {
            out.push((a, b));
            continue;
        };
        let apart = body
            .iter()
            .flat_map(|l| &l.segments)
            .filter(|s| within(s))
            .all(|s| {
                if is_level(s.text) {
                    s.end <= cut
                } else {
                    s.start >= cut
                }
            });
        if apart && a < cut && cut < b {
            out.push((a, cut));
            out.push((cut, b));
        } else {
            out.push((a, b));
        }
    }
    out
}

/// The body's columns with a column of its own for each heading that stands
/// over none of them: a column every row of the table leaves empty (事业收入,
/// 其他收入 in most income tables) shows only in the header. Only the
/// amounts' part of the table counts: from the first column that prints
/// an amount with a point or separators (codes have neither), under the
/// headings that start right of the label columns. Pieces are matched on
/// where they print (a Chinese character two columns wide). `None` when
/// those headings fit the amount columns, or when a heading stands over
/// two amount columns, or an amount column under two headings or none
/// (a short amount set right in a wide column could be the heading's
/// before it or after it): then where the amounts stand cannot be told
/// from the page. `header`: the block's lines above its first body line.
fn with_heading_columns(
    header: &[&Line],
    body: &[&Line],
    spans: &[(usize, usize)],
) -> Option<Vec<(usize, usize)>> {
    let widest = header.iter().max_by_key(|l| l.segments.len())?;
    let prints_amount = |&(a, b): &(usize, usize)| {
        body.iter()
            .flat_map(|l| &l.segments)
            .any(|s| a <= s.start && s.start < b && is_printed_amount(s.text))
    };
    let first_amount = spans.iter().position(prints_amount)?;
    let (labels, amounts) = spans.split_at(first_amount);
    let labels_end = labels.last().map_or(0, |&(_, end)| end);
    // A label column's heading centred past the names' end, before the
    // first amounts (short names under a wide `功能分类科目名称`), heads no
    // empty column; a two-sided table's second `项目` is a column's.
    let first_amount_start = amounts.first().map_or(usize::MAX, |&(a, _)| a);
    let headings: Vec<&Segment> = widest
        .segments
        .iter()
        .filter(|s| {
            s.start >= labels_end && !(s.start < first_amount_start && is_label_heading(s.text))
        })
        .collect();
    let printed = Segment::printed_span;
    let overlaps = |(a, b): (usize, usize), (c, d): (usize, usize)| a < d && c < b;
    // A heading set between two of the widest line's, on a line above or
    // below it (`附属单位` / `上缴收入`, a cell of two lines centred where
    // the widest line's cells have one).
    let mut between: Vec<(usize, usize)> = Vec::new();
    for (k, s) in header
        .iter()
        .enumerate()
        .flat_map(|(k, l)| l.segments.iter().map(move |s| (k, s)))
    {
        let span = printed(s);
        // Its other line starts where it does.
        let partnered = header
            .iter()
            .enumerate()
            .any(|(j, l)| j != k && l.segments.iter().any(|p| p.start.abs_diff(s.start) <= 1));
        let apart = partnered
            && s.text.chars().count() >= 2
            && s.start >= labels_end
            && !is_number(s.text)
            && !is_label_heading(s.text)
            && headings.iter().all(|h| !reaches_into(printed(h), span))
            && amounts.iter().all(|&c| !overlaps(span, c))
            && between.iter().all(|&b| !overlaps(b, span))
            && headings.iter().any(|h| h.start < s.start)
            && headings
                .iter()
                .any(|h| h.start > s.start || printed(h).1 + 1 < s.start);
        if apart {
            between.push(span);
        }
    }
    // A heading of one line on another line than the widest (`基本支出`
    // set at the middle of a band of two-line headings): over an amount
    // column none of the widest line's headings stands over.
    let unheaded = |c: &(usize, usize)| headings.iter().all(|h| !overlaps(printed(h), *c));
    let lone: Vec<(usize, usize)> = header
        .iter()
        .filter(|l| !std::ptr::eq(**l, *widest))
        .flat_map(|l| &l.segments)
        .filter(|s| {
            s.text.chars().count() >= 2
                && s.start >= labels_end
                && !is_number(s.text)
                && !is_label_heading(s.text)
        })
        .map(printed)
        .filter(|&span| {
            let over: Vec<&(usize, usize)> =
                amounts.iter().filter(|&&c| overlaps(span, c)).collect();
            matches!(over.as_slice(), [c] if unheaded(c))
        })
        .collect();
    if headings.len() + between.len() <= amounts.len() {
        return None;
    }
    let mut out: Vec<(usize, usize)> = spans.to_vec();
    for s in &headings {
        match amounts.iter().filter(|&&c| overlaps(printed(s), c)).count() {
            0 => out.push(printed(s)),
            1 => {}
            _ => return None,
        }
    }
    let headed_once = amounts.iter().all(|&c| {
        let over = |&span: &(usize, usize)| overlaps(span, c);
        headings
            .iter()
            .map(|s| printed(s))
            .chain(lone.iter().copied())
            .filter(over)
            .count()
            == 1
    });
    out.extend(&between);
    out.sort_unstable();
    // A heading printed wider than the dump set it (a small font) reaches
    // into the next heading's column: each heading's own column ends
    // where the next one starts.
    let heading_column = |c: &(usize, usize)| !spans.contains(c);
    for i in 1..out.len() {
        let (before, after) = (out[i - 1], out[i]);
        if heading_column(&before) && heading_column(&after) && before.1 > after.0 {
            out[i - 1].1 = after.0;
        }
    }
    let apart = out.windows(2).all(|w| w[0].1 <= w[1].0);
    (headed_once && apart).then_some(out)
}

/// Whether two printed spans share more than pdftotext's rounding: each
/// piece's place is rounded, so a piece apart from another may reach a
/// column into it from either side, no further.
fn reaches_into((a, b): (usize, usize), (c, d): (usize, usize)) -> bool {
    !(d <= a + 1 || b <= c + 1)
}

/// Columns a text takes on the page: a Chinese character two.
fn printed_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Whether each column prints an amount on some body line.
fn numeric_columns(body: &[&Line], columns: &[(usize, usize)]) -> Vec<bool> {
    let mut out = vec![false; columns.len()];
    for s in body
        .iter()
        .flat_map(|l| &l.segments)
        .filter(|s| is_number(s.text))
    {
        out[column_of(columns, s)] = true;
    }
    out
}

/// The column a segment goes to: the one it starts in, else (it starts in
/// a gutter) the first one it reaches, else the nearest.
fn column_of(columns: &[(usize, usize)], s: &Segment) -> usize {
    // Where the text ends on the page: a heading centred over its column
    // starts in the gutter before it and reaches it only as printed.
    let (_, end) = s.printed_span();
    columns
        .iter()
        .position(|&(a, b)| a <= s.start && s.start < b)
        .or_else(|| columns.iter().position(|&(a, _)| s.start < a && a < end))
        .or_else(|| {
            let distance = |&(a, b): &(usize, usize)| {
                if end <= a {
                    a - end
                } else {
                    s.start.saturating_sub(b)
                }
            };
            (0..columns.len()).min_by_key(|&i| distance(&columns[i]))
        })
        .unwrap_or(0)
}

/// A line as a row of the block's columns. Two segments that land in one
/// column mean the columns do not fit this line (a page set at another
/// offset, a label run into the amounts): the line keeps its own segments
/// as cells, which the recogniser flags as a row not of the table's width
/// rather than read amounts out of their place.
///
/// A header line's piece set where a piece of the header line above it is
/// set (same start, or same middle: a name wrapped in its cell, left or
/// centred) goes to that piece's column: over a column the body leaves
/// empty, its own place may be nearer the column beside. `stacked` is
/// where the header line above put its pieces; the return value, where
/// this line put its own (nothing for a body line, or a line whose pieces
/// kept their own cells).
fn row(line: &Line, block: &BlockColumns, stacked: &[Placed]) -> (Item, Vec<Placed>) {
    let columns = &block.spans;
    let mut cells = vec![String::new(); columns.len()];
    // The line a cell's amount was moved from, if it was.
    let mut moved_from = vec![None; columns.len()];
    let mut fits = true;
    let mut shared_amount_column = false;
    let heading = !line.is_body();
    let mut placed = Vec::new();
    // Each segment's column, in line order.
    let mut columns_taken = Vec::with_capacity(line.segments.len());
    for s in &line.segments {
        let (start, end) = s.printed_span();
        let middle = (start + end) / 2;
        let at = stacked
            .iter()
            .find(|p| heading && (p.start == s.start || p.middle.abs_diff(middle) <= 1))
            .map_or_else(|| column_of(columns, s), |p| p.column);
        if heading {
            placed.push(Placed {
                start: s.start,
                middle,
                column: at,
            });
        }
        let cell = &mut cells[at];
        if !cell.is_empty() {
            fits = false;
            shared_amount_column |= block.numeric.get(at).copied().unwrap_or(false);
            cell.push(' ');
        }
        cell.push_str(s.text);
        moved_from[at] = moved_from[at].or(s.moved_from);
        columns_taken.push(at);
    }
    // Headings may share a column: a level no row uses (`项` over a table
    // of 类 and 款) joins its neighbour harmlessly; two headings over one
    // column of amounts (a column every row left empty, lost) keep their
    // own cells, and the header no longer fits the table's columns.
    if !fits && line.is_body() {
        if let Some(cells) = with_spaced_numbers_joined(line, block) {
            let item = Item::Row { cells, at: line.at };
            return (item, placed);
        }
    }
    if !fits && (line.is_body() || shared_amount_column) {
        cells = line.segments.iter().map(|s| s.text.to_string()).collect();
        moved_from = line.segments.iter().map(|s| s.moved_from).collect();
        placed.clear();
    }
    let guessed = block.guessed || (!fits && line.is_body());
    let cell = |(text, from): (String, Option<Provenance>)| Cell {
        column_guessed: guessed,
        moved: from.is_some(),
        ..Cell::new(text, from.unwrap_or(line.at))
    };
    let mut cells: Vec<Cell> = cells.into_iter().zip(moved_from).map(cell).collect();
    if fits && line.is_body() {
        // A number set apart in two whose pieces each found a column.
        for (k, pair) in line.segments.windows(2).enumerate() {
            if continues_number(&pair[0], &pair[1]) {
                cells[columns_taken[k + 1]].may_end_left_number = true;
            }
        }
    }
    let item = Item::Row { cells, at: line.at };
    (item, placed)
}

/// Where a header line's piece of text went: its start and middle on the
/// line, and its column.
struct Placed {
    start: usize,
    middle: usize,
    column: usize,
}

/// Whether the lines' segments fall in a column each, overlapping no other
/// column, each amount ending where its column's amounts end: a label
/// longer, or an amount wider, than any on the page the columns come from
/// still fits them.
fn fit_loosely(lines: &[&Line], columns: &[(usize, usize)]) -> bool {
    lines.iter().all(|l| {
        !collides(l, columns)
            && l.segments.iter().all(|s| {
                let own = column_of(columns, s);
                // Amounts are set flush right: one that does not end where
                // its column's amounts end is in another column. (pdftotext
                // rounds each piece's place: a column's right edge wavers
                // by a character, for an amount with a point or separators;
                // a bare number may be a code.)
                let end = columns[own].1;
                let flush = !is_number(s.text)
                    || end == s.end
                    || (is_printed_amount(s.text) && end.abs_diff(s.end) <= 1);
                flush
                    && columns
                        .iter()
                        .enumerate()
                        .all(|(i, &(a, b))| i == own || s.end <= a || b <= s.start)
            })
    })
}

/// Offsets to try between a table's previous page and this one: the shift
/// of a header line both print (the header repeated), else none, then a
/// character or two either way.
fn page_offsets(above: &[Line], here: &[Line]) -> impl Iterator<Item = isize> {
    let same = |a: &Line, b: &Line| {
        a.segments
            .iter()
            .map(|s| s.text)
            .eq(b.segments.iter().map(|s| s.text))
    };
    let repeated = here.iter().filter(|l| !l.is_body()).find_map(|l| {
        above
            .iter()
            .find(|p| !p.is_body() && same(p, l))
            .map(|p| l.segments[0].start as isize - p.segments[0].start as isize)
    });
    repeated.into_iter().chain([0, -1, 1, -2, 2])
}

/// Columns moved `by` characters (right when positive).
fn shifted(columns: &[(usize, usize)], by: isize) -> Vec<(usize, usize)> {
    let at = |x: usize| x.saturating_add_signed(by);
    columns.iter().map(|&(a, b)| (at(a), at(b))).collect()
}

/// Whether two segments of a line fall in one column.
fn collides(line: &Line, columns: &[(usize, usize)]) -> bool {
    let mut used: Vec<usize> = line
        .segments
        .iter()
        .map(|s| column_of(columns, s))
        .collect();
    let n = used.len();
    used.dedup();
    used.len() != n
}

/// Widths, in halves of a column, that a fixed-pitch dump may give a
/// digit (`pdftotext -fixed 3` sets a 9-point digit two columns wide).
const FIXED_PITCH_DIGIT_WIDTHS: [usize; 4] = [3, 4, 5, 6];

/// A fixed-pitch dump (`pdftotext -fixed N`) starts each piece where the
/// page does, but prints it a character a column however wide its glyphs
/// are: amounts set flush right in one column end at different places by
/// their length (`0` at 219, `259,320` at 213, `13,755,600` at 210). The
/// digit width that lines up the ends of amounts of different lengths is
/// the dump's, and each amount then spans what it covers on the page. A
/// dump that keeps the page's alignment (`-layout`) lines them up as
/// printed, and is left alone.
fn widen_amounts_to_their_printed_width(lines: &mut [Line]) {
    let end_at = |s: &Segment, half_columns: usize| {
        s.start + (half_columns * s.text.chars().count()).div_ceil(2)
    };
    // Which segments are amounts does not depend on the width: (line,
    // segment) of each, found once.
    let amounts: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .flat_map(|(k, l)| {
            (0..l.segments.len())
                .filter(|&i| is_flush_right(&l.segments, i))
                .map(move |i| (k, i))
        })
        .collect();
    // Amounts ending where another of a different length ends, or `None`
    // when at this width more than one amount in twenty would run into the
    // piece after it: amounts set flush left or centred line up across
    // columns by chance at some width, where they overlap their
    // neighbours. (A real dump's rounding overlaps a few.)
    let lined_up = |half_columns: usize| {
        // Per page and right edge: the lengths of the amounts ending there.
        let mut ends: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut overlapping = 0;
        for &(k, i) in &amounts {
            let (l, s) = (&lines[k], &lines[k].segments[i]);
            let end = end_at(s, half_columns);
            if l.segments.get(i + 1).is_some_and(|next| end > next.start) {
                overlapping += 1;
            }
            ends.entry((l.page, end))
                .or_default()
                .push(s.text.chars().count());
        }
        if overlapping * 20 > amounts.len() {
            return None;
        }
        Some(
            ends.values()
                .filter(|lengths| lengths.iter().any(|&n| n != lengths[0]))
                .map(Vec::len)
                .sum::<usize>(),
        )
    };
    let as_printed = lined_up(2).unwrap_or(0);
    let Some((width, best)) = FIXED_PITCH_DIGIT_WIDTHS
        .iter()
        .filter_map(|&w| lined_up(w).map(|n| (w, n)))
        .max_by_key(|&(_, n)| n)
    else {
        return;
    };
    if best < MIN_LINED_UP || best <= 2 * as_printed {
        return;
    }
    for (k, i) in amounts {
        let s = &mut lines[k].segments[i];
        s.end = end_at(s, width);
    }
}

/// Whether `segments[i]` is an amount, not a code set flush left: a bare
/// number before the row's name (`201  05  07  专项普查活动`, `30108  446.11
/// 30206  电费`), or right before a name (the other side's code) is a code.
fn is_flush_right(segments: &[Segment], i: usize) -> bool {
    let s = &segments[i];
    let digits_only = s.text.bytes().all(|b| b.is_ascii_digit());
    let is_text = |t: &Segment| !is_number(t.text);
    let code = digits_only
        && (!segments[..i].iter().any(is_text) || segments.get(i + 1).is_some_and(is_text));
    is_number(s.text) && !code
}

/// Amounts printed half a line off their row, on a line of their own
/// (`1,503.52` over `201 06 01 行政运行  1,511.89  8.37`: the PDF set those
/// cells' text higher than the row's, pdftotext put it on a line of its
/// own), join the row right over or under them whose sums they complete:
/// the row's amounts alone do not add up, and with the line's they do (its
/// largest amount is the sum of others, each moved amount among them). Not
/// when the line's amounts add up on their own (a row whose label is
/// printed elsewhere), nor when they fit the rows on both sides. The moved
/// amounts keep their printed line and are no surer than repaired: the
/// check stage confirms them by the table's identities or marks them
/// uncertain.
fn rows_take_offset_amounts(lines: &mut Vec<Line>) {
    let mut k = 0;
    while k < lines.len() {
        if !prints_only_amounts(&lines[k]) || adds_up(&amounts_of(&lines[k]), 0) {
            k += 1;
            continue;
        }
        let completes = |t: usize| completes_row(&lines[k], &lines[t]);
        let up = k.checked_sub(1).filter(|&t| completes(t));
        let down = Some(k + 1).filter(|&t| t < lines.len() && completes(t));
        let target = match (up, down) {
            (Some(t), None) | (None, Some(t)) => t,
            _ => {
                k += 1;
                continue;
            }
        };
        let moved = lines.remove(k);
        let row = &mut lines[if target > k { target - 1 } else { target }];
        let from = Some(moved.at);
        row.segments
            .extend(moved.segments.into_iter().map(|s| Segment {
                moved_from: from,
                ..s
            }));
        row.segments.sort_by_key(|s| s.start);
    }
}

/// A line of nothing but printed amounts (`1,503.52   603.14`).
fn prints_only_amounts(line: &Line) -> bool {
    line.segments.iter().enumerate().all(|(i, s)| {
        is_printed_amount(s.text)
            // The end of a number set apart from its start (`2,946  .25`).
            || i.checked_sub(1)
                .is_some_and(|h| continues_number(&line.segments[h], s))
    })
}

/// A line's printed amounts, in cents, in order.
fn amounts_of(line: &Line) -> Vec<i64> {
    line.segments
        .iter()
        .filter(|s| is_printed_amount(s.text))
        .filter_map(|s| Amount::parse(s.text).map(|a| a.cents))
        .collect()
}

/// Whether the amounts of `line`, on the line right over or under `row`,
/// complete that row's sums: `row` prints a label or code and amounts that
/// do not add up, no amount of `line` sits where `row` prints, and the two
/// lines' amounts add up together, each of `line`'s taking part.
fn completes_row(line: &Line, row: &Line) -> bool {
    let (Provenance::Line(a), Provenance::Line(b)) = (line.at, row.at) else {
        return false;
    };
    let apart = line.segments.iter().all(|s| {
        row.segments
            .iter()
            .all(|t| s.end < t.start || t.end < s.start)
    });
    if line.page != row.page || a.abs_diff(b) != 1 || !row.is_body() || !apart {
        return false;
    }
    let own = amounts_of(row);
    if adds_up(&own, 0) {
        return false;
    }
    let moved = amounts_of(line);
    let n = moved.len();
    let together = [moved, own].concat();
    // Two lines of amounts alone (a total over its parts, each half a
    // line off the label): three amounts at least, as two equal amounts
    // on lines of their own are more likely two rows.
    let labelled = row.segments.iter().any(|s| !is_printed_amount(s.text));
    (labelled || together.len() >= 3) && adds_up(&together, n)
}

/// Most amounts a row's sums are sought among (2^(n-1) subsets).
const MAX_ROW_AMOUNTS: usize = 12;

/// Whether the largest of `amounts` is the sum of some of the others, the
/// first `must` of them (when not the largest) among those.
fn adds_up(amounts: &[i64], must: usize) -> bool {
    let n = amounts.len();
    if !(2..=MAX_ROW_AMOUNTS).contains(&n) {
        return false;
    }
    let Some((top, &total)) = amounts.iter().enumerate().max_by_key(|&(_, a)| *a) else {
        return false;
    };
    let others: Vec<usize> = (0..n).filter(|&i| i != top).collect();
    let required: u32 = others
        .iter()
        .enumerate()
        .filter(|&(_, &i)| i < must)
        .map(|(bit, _)| 1 << bit)
        .sum();
    (1u32..1 << others.len()).any(|mask| {
        mask & required == required
            && others
                .iter()
                .enumerate()
                .filter(|&(bit, _)| mask & (1 << bit) != 0)
                .map(|(_, &i)| amounts[i])
                .sum::<i64>()
                == total
    })
}

/// Table blocks, as ranges of `lines`: runs of body lines on one page, with
/// the lines between them and the header lines above the first; a one-cell
/// line (a title, a page number, a sentence) ends a block, unless it is a
/// label wrapped from the row above or a name under its unnamed row
/// (`names`: [`names::names_below`]).
fn blocks(lines: &[Line], names: &[bool]) -> Vec<(usize, usize)> {
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].is_body() {
            i += 1;
            continue;
        }
        let mut start = i;
        let floor = blocks.last().map_or(0, |&(_, end)| end);
        while start > floor
            && i - start < MAX_HEADER_LINES
            && lines[start - 1].page == lines[i].page
            && (lines[start - 1].is_header_line()
                || names[start - 1]
                || ends_wrapped_heading(&lines[..start])
                || heads_label_column(&lines[..start])
                || opens_wrapped_heading(&lines[start - 1..])
                || heads_header_line(&lines[start - 1..])
                || (start == i
                    && matches!(
                        label_line(
                            start.checked_sub(2).map(|a| &lines[a]),
                            &lines[start - 1],
                            Some(&lines[start]),
                            None,
                        ),
                        Some(LabelLine::Head { .. })
                    )))
        {
            start -= 1;
        }
        let mut end = i + 1;
        while end < lines.len()
            && lines[end].page == lines[i].page
            && (lines[end].segments.len() >= 2
                || names[end]
                || total_between_rows(&lines[end..])
                || label_line(
                    Some(&lines[end - 1]),
                    &lines[end],
                    lines.get(end + 1),
                    head_taken(lines, end - 1),
                )
                .is_some())
        {
            end += 1;
        }
        blocks.push((start, end));
        i = end;
    }
    blocks
}

/// Whether the first of `lines` is a total's label alone on its line
/// (`合计`) over a table row on its page: the label of a row whose amounts
/// were set apart from it (over the header's last line), not the end of
/// the table.
fn total_between_rows(lines: &[Line]) -> bool {
    let [first, next, ..] = lines else {
        return false;
    };
    let total = matches!(first.segments.as_slice(), [only] if is_total(only.text));
    total && next.page == first.page && next.is_body()
}

/// The line of amounts whose label line `k` is: a total's label alone on
/// its line over a table row (`total_between_rows`), under a line of
/// amounts only, or under a header line under one (`2,940.05  2,336.91` /
/// `类  款  项` / `合计`: the total row's amounts set over the header's last
/// line).
fn total_label_of(lines: &[Line], k: usize) -> Option<usize> {
    if !total_between_rows(&lines[k..]) {
        return None;
    }
    let amounts = |l: &Line| l.is_body() && prints_only_amounts(l);
    let same_page = |j: usize| lines[j].page == lines[k].page;
    let above = k.checked_sub(1).filter(|&j| same_page(j))?;
    if amounts(&lines[above]) {
        return Some(above);
    }
    let two_above = above.checked_sub(1).filter(|&j| same_page(j))?;
    (lines[above].is_header_line() && amounts(&lines[two_above])).then_some(two_above)
}

/// Whether the last of `lines` is the end of a header cell wrapped in a
/// narrow column (`对附属单` / `位补助支` / `出`, `功能分` / `类科目` /
/// `编码`): a word or two under a header line's cell on its page, or under
/// such a word under it.
fn ends_wrapped_heading(lines: &[Line]) -> bool {
    let Some((last, above)) = lines.split_last() else {
        return false;
    };
    let ([piece], true) = (last.segments.as_slice(), is_lone_heading(last)) else {
        return false;
    };
    let under = |l: &Line| {
        l.segments
            .iter()
            .any(|s| s.start <= piece.start && piece.start < s.end.max(s.start + 2))
    };
    let Some(up) = above.last().filter(|l| l.page == last.page && under(l)) else {
        return false;
    };
    up.is_header_line() || ends_wrapped_heading(above)
}

/// Whether the last of `lines` is a label column's heading on a line of
/// its own (`科目编码` set low in a tall header cell) under a header line
/// of several cells on its page, or under such headings under one
/// (`功能分类` / `科目名称` / `科目编码`, each on its own line).
fn heads_label_column(lines: &[Line]) -> bool {
    let Some((last, above)) = lines.split_last() else {
        return false;
    };
    let Some(up) = above.last().filter(|l| l.page == last.page) else {
        return false;
    };
    is_lone_label_heading(last)
        && (up.is_header_line() || (is_lone_label_heading(up) && heads_label_column(above)))
}

/// Whether the first of `lines` is a label column's heading on a line of
/// its own (`项目`, centred over the code and name columns at the top of a
/// page) over a header line of several cells.
fn heads_header_line(lines: &[Line]) -> bool {
    let [first, header, ..] = lines else {
        return false;
    };
    first.page == header.page && is_lone_label_heading(first) && header.is_header_line()
}

/// A label column's heading (`项目`, `科目编码`, `功能分类科目编码`) alone
/// on its line.
fn is_lone_label_heading(line: &Line) -> bool {
    matches!(line.segments.as_slice(), [only]
        if only.text.chars().count() <= 10 && !is_number(only.text) && is_label_heading(only.text))
}

/// Whether the first of `lines` is the start of a header cell set on three
/// lines (`附属单位` / the header line / `上缴收入`): a word or two on a line
/// of its own, over a gap of the header line below it, where the line
/// under that starts a piece too.
fn opens_wrapped_heading(lines: &[Line]) -> bool {
    let [first, header, end, ..] = lines else {
        return false;
    };
    let ([piece], true) = (first.segments.as_slice(), is_lone_heading(first)) else {
        return false;
    };
    let on_page = first.page == header.page && header.page == end.page;
    let header_line = header.is_header_line() && !end.is_body();
    let in_gap = header
        .segments
        .iter()
        .all(|s| !reaches_into(s.printed_span(), piece.printed_span()));
    let wraps_below = end
        .segments
        .iter()
        .any(|s| s.start.abs_diff(piece.start) <= 1);
    on_page && header_line && in_gap && wraps_below
}

/// Where the head that line `k` took from the line above it starts.
fn head_taken(lines: &[Line], k: usize) -> Option<usize> {
    let h = k.checked_sub(1)?;
    let head = label_line(
        h.checked_sub(1).map(|a| &lines[a]),
        &lines[h],
        lines.get(k),
        None,
    );
    matches!(head, Some(LabelLine::Head { .. })).then(|| lines[h].segments[0].start)
}

/// A block's columns: their spans, whether each prints an amount in the
/// block's body, and whether they are a guess.
struct BlockColumns {
    spans: Vec<(usize, usize)>,
    numeric: Vec<bool>,
    guessed: bool,
    /// How many columns the body prints in, when the columns only the
    /// header shows all come after them (else all of them).
    printed: usize,
}

/// Each block's columns. A block of a few rows (a table's last rows on a
/// new page, a one-row “三公” table) cannot show its empty cells' columns:
/// it keeps the previous block's columns when they fit it, else its
/// columns are a guess.
fn block_columns(lines: &[Line], blocks: &[(usize, usize)]) -> Vec<BlockColumns> {
    let mut out: Vec<BlockColumns> = Vec::new();
    for (n, &(a, b)) in blocks.iter().enumerate() {
        let body: Vec<&Line> = lines[a..b].iter().filter(|l| l.is_body()).collect();
        let printed_by_body = columns(&body);
        // Header lines: those above the block's first body line.
        let header: Vec<&Line> = lines[a..b].iter().take_while(|l| !l.is_body()).collect();
        let own = with_heading_columns(&header, &body, &printed_by_body)
            .unwrap_or_else(|| printed_by_body.clone());
        let printed = if own.starts_with(&printed_by_body) {
            printed_by_body.len()
        } else {
            own.len()
        };
        let few = body.len() < MIN_BODY_LINES;
        // Only a table going on after a page break: a title or a sentence
        // between the blocks starts another table.
        let previous = n
            .checked_sub(1)
            .map(|p| (&out[p], blocks[p]))
            .filter(|&(_, (_, end))| {
                lines[end..a]
                    .iter()
                    .all(|l| l.segments.len() >= 2 || is_page_number(l) || is_lone_heading(l))
            })
            .map(|(columns, (start, end))| (columns, &lines[start..end]));
        let (spans, guessed, printed) = match previous {
            Some((columns, above)) if columns.spans.len() > own.len() || few => {
                // The previous page's columns, moved to this page's offset
                // (pdftotext sets every page at its own), when this page's
                // rows fit them: an amount column empty on this page alone
                // keeps its place.
                match page_offsets(above, &lines[a..b])
                    .map(|d| shifted(&columns.spans, d))
                    .find(|c| fit_loosely(&body, c))
                {
                    Some(c) => (c, false, columns.printed),
                    // This page set its columns narrower (pdftotext's
                    // scale), the same ones the previous page's body
                    // printed in, its columns named by the header alone
                    // coming after them: the rows keep their order.
                    None if !few
                        && own.len() == columns.printed
                        && columns.printed < columns.spans.len() =>
                    {
                        // Those header columns stay, blank, past this page's.
                        let end = own.last().map_or(0, |&(_, b)| b);
                        let blank = (1..=columns.spans.len() - columns.printed)
                            .map(|k| (end + 2 * k - 1, end + 2 * k));
                        let mut spans = own;
                        spans.extend(blank);
                        (spans, false, columns.printed)
                    }
                    None => (own, true, printed),
                }
            }
            // The table goes on with other columns than its previous page:
            // the recogniser reads it on the first page's header, so which
            // column is which is a guess.
            Some((columns, _)) => {
                let guessed = columns.spans.len() != own.len();
                (own, guessed, printed)
            }
            None => (own, few, printed),
        };
        out.push(BlockColumns {
            numeric: numeric_columns(&body, &spans),
            printed,
            spans,
            guessed,
        });
    }
    out
}

/// Splits an aligned dump into items: table blocks as rows on their body's
/// columns, other lines as text. A form feed (page break) is a blank.
pub fn items(text: &str) -> Vec<Item> {
    let mut page = 0;
    let mut lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            page += l.matches('\u{c}').count();
            Line {
                at: Provenance::Line(i as u32 + 1),
                page,
                // pdftotext ends a page with a form feed: the next page's
                // first line starts with it, its columns counted after it.
                segments: segments(l.trim_start_matches('\u{c}')),
            }
        })
        .filter(|l| !l.segments.is_empty())
        .collect();
    widen_amounts_to_their_printed_width(&mut lines);
    rows_take_offset_amounts(&mut lines);
    let names = names_below(&lines);
    let around = names_around(&lines, &names);
    let claimed: Vec<bool> = names
        .iter()
        .zip(&around)
        .map(|(n, a)| *n || a.is_some())
        .collect();
    let blocks = blocks(&lines, &claimed);
    let mut in_block = vec![None; lines.len()];
    for (n, &(start, end)) in blocks.iter().enumerate() {
        for slot in &mut in_block[start..end] {
            *slot = Some(n);
        }
    }
    let columns = block_columns(&lines, &blocks);
    let mut out: Vec<Item> = Vec::with_capacity(lines.len());
    // A label's head held for the row below; a column whose label the row
    // below shares in doubt with the row above.
    let mut head: Vec<&Segment> = Vec::new();
    let mut doubt: Vec<&Segment> = Vec::new();
    // Where the last row's head, taken from the line above it, starts.
    let mut headed_at: Option<usize> = None;
    // Which line last made a row, and where it put its header pieces.
    let mut stacked: (Option<usize>, Vec<Placed>) = (None, Vec::new());
    for (k, (line, slot)) in lines.iter().zip(&in_block).enumerate() {
        let item = match slot {
            Some(b) => {
                let block = &columns[*b];
                let above = k
                    .checked_sub(1)
                    .filter(|&a| in_block[a] == *slot)
                    .map(|a| &lines[a]);
                let below_in_block = in_block.get(k + 1) == Some(slot);
                if let Some(at) = total_label_of(&lines, k).map(|r| lines[r].at) {
                    let piece = &line.segments[0];
                    let row = out.iter_mut().rev().find(|it| it.at() == at);
                    if let Some(Item::Row { cells, .. }) = row {
                        if let Some(cell) = cells.get_mut(column_of(&block.spans, piece)) {
                            cell.text.push_str(piece.text);
                            continue;
                        }
                    }
                }
                if around[k] == Some(Around::Head) && below_in_block {
                    head.extend(line.segments.first());
                    continue;
                }
                // A name's piece under its row (`names_below`, or the end
                // of a centred name) joins that row's name.
                let ends_name = names[k] || around[k] == Some(Around::Tail);
                if let (true, Some(Item::Row { cells, .. })) = (ends_name, out.last_mut()) {
                    let piece = &line.segments[0];
                    if let Some(cell) = cells.get_mut(column_of(&block.spans, piece)) {
                        cell.text.push_str(piece.text);
                        continue;
                    }
                }
                match label_line(above, line, lines.get(k + 1), headed_at) {
                    Some(LabelLine::Head { in_doubt }) if below_in_block => {
                        head = line.segments.first().into_iter().collect();
                        doubt.extend(head.iter().filter(|_| in_doubt));
                        continue;
                    }
                    Some(LabelLine::Tail { in_doubt }) => {
                        let piece = &line.segments[0];
                        let at = column_of(&block.spans, piece);
                        if let Some(Item::Row { cells, .. }) = out.last_mut() {
                            if let Some(cell) = cells.get_mut(at) {
                                cell.text.push_str(piece.text);
                                cell.label_in_doubt |= in_doubt;
                                if in_doubt {
                                    doubt.push(piece);
                                }
                                continue;
                            }
                        }
                    }
                    _ => {}
                }
                // Label pieces of both sides between two rows (wrapped
                // labels side by side): heads or tails, the layout cannot
                // tell; the rows around them are in doubt.
                // Pieces that each open an item over labels that do too
                // (`使用非财政拨款结余  结余分配`) are rows of their own.
                let goes_on = |s: &Segment| {
                    !opens_item(s.text)
                        || lines
                            .get(k + 1)
                            .and_then(|b| text_starting_at(b, s.start))
                            .is_some_and(|t| !opens_item(t))
                };
                let labels_only = line.segments.len() >= 2
                    && line.segments.iter().all(|s| !is_number(s.text))
                    && line.segments.iter().any(goes_on);
                let between_rows = above.is_some_and(|a| a.is_body())
                    && below_in_block
                    && lines.get(k + 1).is_some_and(|b| b.is_body());
                let mut carried: Vec<&Segment> = Vec::new();
                if labels_only && between_rows {
                    if let Some(Item::Row { cells, .. }) = out.last_mut() {
                        for s in &line.segments {
                            if let Some(cell) = cells.get_mut(column_of(&block.spans, s)) {
                                cell.label_in_doubt = true;
                            }
                        }
                    }
                    carried.extend(&line.segments);
                }
                let above_placed = match stacked {
                    (Some(a), ref placed) if above.is_some() && a + 1 == k => placed.as_slice(),
                    _ => &[],
                };
                let (mut item, placed) = row(line, block, above_placed);
                stacked = (Some(k), placed);
                headed_at = head.first().map(|h| h.start);
                if let Item::Row { cells, .. } = &mut item {
                    // A head of several lines joins in print order.
                    for h in head.drain(..).rev() {
                        if let Some(cell) = cells.get_mut(column_of(&block.spans, h)) {
                            cell.text.insert_str(0, h.text);
                        }
                    }
                    for d in doubt.drain(..) {
                        if let Some(cell) = cells.get_mut(column_of(&block.spans, d)) {
                            cell.label_in_doubt = true;
                        }
                    }
                }
                doubt.extend(carried);
                item
            }
            None => {
                head.clear();
                headed_at = None;
                doubt.clear();
                Item::Text {
                    text: line
                        .segments
                        .iter()
                        .map(|s| s.text)
                        .collect::<Vec<_>>()
                        .join(" "),
                    at: line.at,
                }
            }
        };
        out.push(item);
    }
    join_centred_headings(&mut out);
    out
}

/// A header cell of two lines set at the middle of a header band whose
/// other cells have one (`附属单位` / `上缴收入` around `经营收入  其他收入`):
/// its lines fall above and below the band's widest line, which leaves that
/// column blank. The two pieces join there, when together they name a
/// measure the first piece alone does not.
fn join_centred_headings(items: &mut [Item]) {
    let line_of = |item: &Item| match item {
        Item::Row {
            at: Provenance::Line(n),
            ..
        } => Some(*n),
        _ => None,
    };
    let holds_amount = |item: &Item| matches!(item, Item::Row { cells, .. } if cells.iter().any(|c| is_number(&c.text)));
    let filled = |item: &Item| match item {
        Item::Row { cells, .. } => cells.iter().filter(|c| !c.text.is_empty()).count(),
        Item::Text { .. } => 0,
    };
    let g = Grammar::global();
    let mut i = 1;
    while i + 1 < items.len() {
        let trio = [&items[i - 1], &items[i], &items[i + 1]];
        let lines = trio.map(line_of);
        let header = trio.iter().all(|it| !holds_amount(it));
        let adjacent = matches!(lines, [Some(a), Some(b), Some(c)] if a + 1 == b && b + 1 == c);
        let widest = filled(&items[i]) > filled(&items[i - 1]).max(filled(&items[i + 1]));
        if !(header && adjacent && widest) {
            i += 1;
            continue;
        }
        let (before, rest) = items.split_at_mut(i);
        let (middle, after) = rest.split_at_mut(1);
        let (
            Item::Row { cells: above, .. },
            Item::Row { cells: row, .. },
            Item::Row { cells: below, .. },
        ) = (&mut before[i - 1], &mut middle[0], &mut after[0])
        else {
            i += 1;
            continue;
        };
        if above.len() == row.len() && row.len() == below.len() {
            for c in 0..row.len() {
                if !row[c].text.is_empty() || above[c].text.is_empty() || below[c].text.is_empty() {
                    continue;
                }
                let joined = format!("{}{}", above[c].text, below[c].text);
                let names = |t: &str| matches!(g.header(t), HeaderMeaning::Measure(_));
                if names(&joined) && !names(&above[c].text) {
                    row[c].text = joined;
                    above[c].text.clear();
                    below[c].text.clear();
                }
            }
        }
        i += 1;
    }
}

/// What a line of one piece of text and no amount is to the table rows
/// around it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LabelLine {
    /// The start of the row below's label, wrapped above it (the row's
    /// amounts set at the cell's middle, the label's second line on theirs).
    /// `in_doubt` when it reads whole: it may be a row of its own.
    Head { in_doubt: bool },
    /// The end of the row above's label. `in_doubt` when the label above
    /// reads whole and the line could as well start the row below's label
    /// (which opens no item) or be a row of its own (it reads whole too).
    Tail { in_doubt: bool },
    /// A row of its own, its amounts left blank: it opens an item, between
    /// two rows of the table.
    Own,
}

/// Classifies a line of one piece of text between table lines;
/// `above_head` is where a head the line above took starts.
///
/// A tail starts where the body line above starts a piece of text and
/// opens no item (`十、…`, `（一）…`, a code, `本年…`, `年初…`) — unless the
/// body line below prints a cell before it (its code) and nothing there:
/// then the label is set around that row's middle, half above it and half
/// below, and is not the upper row's. A head
/// sits over a label piece of the body line below that opens no item (or
/// over a line of amounts only, the label set around them), and
/// either opens an item itself (`十一、援助其他地`, `年初财政拨`) or sits
/// under a total, which never goes on (`合计` / `社会保障和` / `208 就业支出`);
/// a head that reads as a whole label (`…收入`, `…拨款`) may be a row of its
/// own. Another line that opens an item between two rows is a row of its
/// own, its amounts left blank.
fn label_line<'a>(
    above: Option<&Line<'a>>,
    line: &Line<'a>,
    below: Option<&Line<'a>>,
    above_head: Option<usize>,
) -> Option<LabelLine> {
    let [only] = line.segments.as_slice() else {
        return None;
    };
    if is_number(only.text) || is_note(only.text) {
        return None;
    }
    let label_at = |l: &Line<'a>| text_starting_at(l, only.start);
    let above_body = above.filter(|a| a.is_body());
    let above_label = above_body.and_then(label_at);
    let below_label = below.filter(|b| b.is_body()).and_then(label_at);
    let below_goes_on = below_label.is_some_and(|t| !opens_item(t));
    // The row below prints only amounts, or a code and amounts with
    // nothing where the label stands: the label is set around them.
    let below_unlabelled = below.is_some_and(|b| {
        b.is_body()
            && (b
                .segments
                .iter()
                .all(|s| s.start > only.start && is_number(s.text))
                || unnamed_at(b, only))
    });
    let whole = reads_whole(only.text);
    let opens = opens_item(only.text) && !only.text.starts_with(|c: char| c.is_ascii_digit());
    if (below_goes_on || below_unlabelled)
        && (opens || (!whole && above_label.is_some_and(is_total)))
    {
        return Some(LabelLine::Head { in_doubt: whole });
    }
    if opens {
        let between_rows = above_body.is_some() && below.is_some_and(|b| b.is_body());
        return between_rows.then_some(LabelLine::Own);
    }
    let above_labelled =
        above_label.is_some() || (above_body.is_some() && above_head == Some(only.start));
    // A wrapped label's lines come one under the other; after a blank line
    // the text is the page's own (`第三部分 …情况说明` under the last row).
    let tail = above_labelled
        && above.is_some_and(|a| right_under(a, line))
        && below.is_none_or(|b| {
            !b.is_body() || below_label.is_some() || b.segments.iter().all(|s| s.start > only.start)
        });
    tail.then(|| LabelLine::Tail {
        in_doubt: above_label.is_some_and(reads_whole) && (below_goes_on || whole),
    })
}

/// The piece of text (no amount) a line prints from character `start`.
fn text_starting_at<'a>(line: &Line<'a>, start: usize) -> Option<&'a str> {
    line.segments
        .iter()
        .find(|s| s.start == start && !is_number(s.text))
        .map(|s| s.text)
}

/// Text that opens an item: an enumeration (`十、`, `（一）`, `1.`), a code,
/// or one of the lines every summary prints (`本年收入合计`, `年初结转和结余`).
fn opens_item(text: &str) -> bool {
    starts_item(text) || normalize::opens_summary_line(text)
}

/// A total's label: no label goes on after it.
fn is_total(text: &str) -> bool {
    ["合计", "总计", "小计"].iter().any(|w| text.ends_with(w))
}

/// A label that reads as a whole item: it ends the way items end.
fn reads_whole(text: &str) -> bool {
    [
        "收入", "支出", "合计", "总计", "小计", "结余", "拨款", "经费",
    ]
    .iter()
    .any(|w| text.ends_with(w))
}

/// A note under a table (`注：本表反映…`), a sentence, a part's heading
/// (`第三部分 2024年部门预算情况说明` right under the last row) or the next
/// table's title (a dump without page breaks sets it right under the last
/// row, `合计` / `2026年部门政府性基金预算支出功能分类预算表`): no label's end.
fn is_note(text: &str) -> bool {
    let t = text.trim_start();
    normalize::is_table_note(t)
        || ["说明:", "说明："].iter().any(|p| t.starts_with(p))
        || t.contains('。')
        || opens_part(t)
        || numbers_a_table(t)
        || titles_a_table(t)
}

/// A title the grammar knows (`2026年部门政府性基金预算支出功能分类预算表`).
fn titles_a_table(text: &str) -> bool {
    let label = normalize::label(text);
    label.chars().count() >= 6 && Grammar::global().match_title(&label).is_some()
}

/// A table's number on a line of its own (`表2`, `表3-1`): the next
/// table's, no label's end.
fn numbers_a_table(text: &str) -> bool {
    text.strip_prefix('表').is_some_and(|n| {
        !n.is_empty()
            && n.split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `第三部分…`, `第3部分…`.
fn opens_part(text: &str) -> bool {
    text.strip_prefix('第').is_some_and(|rest| {
        let numeral = rest
            .trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
        numeral.len() < rest.len() && numeral.starts_with("部分")
    })
}

/// Text that opens an item: an enumeration (`十、`, `（一）`, `1.`) or a
/// code.
fn starts_item(text: &str) -> bool {
    let numerals = |t: &str| {
        t.chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .count()
    };
    let t = text.trim_start_matches(['（', '(']);
    text.starts_with(|c: char| c.is_ascii_digit())
        || (numerals(t) > 0
            && t[numerals(t) * '一'.len_utf8()..].starts_with(['、', '）', ')', '.', '．']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(items: &[Item]) -> Vec<Vec<&str>> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Row { cells, .. } => Some(cells.iter().map(|c| c.text.as_str()).collect()),
                Item::Text { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_headings_wrapped_pieces_stay_in_its_column() {
        // Names wrapped in narrow columns, set at the column's left; the
        // body leaves 上级补助收入 and 事业收入 empty, so only the column
        // numbers place those columns. `收入` under `上级补助` was nearer
        // the column before (its own piece collided there and the line
        // kept its pieces as cells); `出`, alone on its line, ended the
        // header's lines.
        let text = "\
收入决算表
科目名称                本年收入        财政拨款        上级补助        事业收入        对附属单
                    合计          收入          收入                      位补助支
                                                                    出
栏次                          1           2           3           4           5
一般公共服务支出               440.00      400.00                               40.00
财政事务                   440.00      400.00                               40.00
行政运行                   440.00      400.00                               40.00
";
        let items = items(text);
        let rows = rows(&items);
        assert_eq!(
            rows[0],
            [
                "科目名称",
                "本年收入",
                "财政拨款",
                "上级补助",
                "事业收入",
                "对附属单"
            ]
        );
        assert_eq!(rows[1], ["", "合计", "收入", "收入", "", "位补助支"]);
        assert_eq!(rows[2], ["", "", "", "", "", "出"]);
        assert_eq!(rows[4][0], "一般公共服务支出");
    }

    #[test]
    fn a_label_heading_centred_past_short_names_heads_no_empty_column() {
        // Shanghai's 支出预算总表 as `pdftotext -layout` sets it: the names
        // on the page are short, so `功能分类科目名称`, centred over its
        // column, ends right of every name, just before `合计`. It is a
        // label column's heading, not one over a column every row left
        // empty (before: it took a column of its own, `合计` with it, and
        // every amount of the table stood in a column with no heading).
        let text = "\
                              2025年部门支出预算总表
                         功能分类科目名称       合计           基本支出       项目支出
类     款    项

201             一般公共服务支出                 3,296,600          0    3,296,600

201   05        统计信息事务                    438,300           0      438,300

201   05   07   专项普查活动                    438,300           0      438,300
";
        let got = items(text);
        let got = rows(&got);
        // The header's pieces apart: the recogniser reads them by name.
        assert_eq!(got[0], ["功能分类科目名称", "合计", "基本支出", "项目支出"]);
        assert_eq!(
            got[4],
            ["201", "05", "07", "专项普查活动", "438,300", "0", "438,300"]
        );
    }

    #[test]
    fn a_heading_over_no_amount_is_a_column_of_its_own() {
        // An income table whose rows leave 政府性基金预算, 事业收入 and
        // 其他收入 empty: the body shows two amount columns, the header
        // five headings. Each heading over no amount is a column of its
        // own, so the header and the rows have one width (before: the
        // header kept its pieces as seven cells, the rows four).
        let text = "\
部门收入总表
科目编码        科目名称                     合计        一般公共预算       政府性基金预算          事业收入          其他收入
201         一般公共服务支出                   440.00        440.00
20101       人大事务                       440.00        440.00
208         社会保障和就业支出                   60.00         60.00
";
        let got = items(text);
        let got = rows(&got);
        assert_eq!(
            got[0],
            [
                "科目编码",
                "科目名称",
                "合计",
                "一般公共预算",
                "政府性基金预算",
                "事业收入",
                "其他收入"
            ]
        );
        assert_eq!(
            got[1],
            ["201", "一般公共服务支出", "440.00", "440.00", "", "", ""]
        );
        // An amount under no heading (between 事业收入 and 其他收入): which
        // heading's it is cannot be told, the columns stay the body's.
        let text = "\
部门收入总表
科目编码        科目名称                     合计        一般公共预算       政府性基金预算          事业收入          其他收入
201         一般公共服务支出                   440.00        440.00
20101       人大事务                       440.00        440.00
208         社会保障和就业支出                   60.00         60.00
209         其他支出                       440.00        430.00                           10.00
";
        let got = items(text);
        let got = rows(&got);
        assert_eq!(got[1].len(), 5);
        assert_eq!(got[4], ["209", "其他支出", "440.00", "430.00", "10.00"]);
    }

    #[test]
    fn a_header_wrapped_on_three_lines_after_a_page_break_heads_its_rows() {
        // 26_mof_aligned of the review corpus: the 支出总表 goes on after a
        // page break under its header again, `功能分` / `类科目` / `编码`
        // wrapped in the code column. The form feed opening the page
        // counted as a column (every piece of that line one place right of
        // its column), and a lone `编码` under a lone `类科目` ended the
        // header's lines: the header was read as text, the table closed,
        // and its 22 rows on that page were reported as rows of no table.
        let text = concat!(
            "\u{c}功能分                  功能分类科目名称                        合计       基本支出       项目支出\n",
            "类科目\n",
            " 编码\n",
            " 栏次                                                   1          2          3\n",
            "2110101   　　行政运行                                    1311.31    1311.31\n",
            "2110104   　　生态环境保护宣传                                 457.92       0.00     457.92\n",
            "2110199   　　其他环境保护管理事务支出                             474.33       0.00     474.33\n",
        );
        let got = items(text);
        let got = rows(&got);
        assert_eq!(got[0][0], "功能分");
        assert_eq!(got[1][0], "类科目");
        assert_eq!(got[2][0], "编码");
        assert_eq!(got[4][..3], ["2110101", "行政运行", "1311.31"]);
    }

    #[test]
    fn segments_are_cut_at_two_blanks() {
        let s = segments("201   05  统计信息 事务    438,300");
        let texts: Vec<&str> = s.iter().map(|s| s.text).collect();
        assert_eq!(texts, ["201", "05", "统计信息 事务", "438,300"]);
        assert_eq!((s[3].start, s[3].end), (21, 28));
    }

    #[test]
    fn a_dash_one_blank_before_a_label_is_a_cell_of_its_own() {
        // A final account's 财政拨款收支总表 re-rendered and read by
        // pdftotext: the income side's blank amount set one blank before
        // the expenditure label.
        let texts = |line| -> Vec<&str> { segments(line).iter().map(|s| s.text).collect() };
        assert_eq!(
            texts("二、政府性基金预算财政拨款   2   - 二、卫生健康支出   5   6713401.53 - -"),
            [
                "二、政府性基金预算财政拨款",
                "2",
                "-",
                "二、卫生健康支出",
                "5",
                "6713401.53",
                "-",
                "-"
            ]
        );
        // A line's first cell may open with a dash as a bullet, and a label
        // may hold one.
        assert_eq!(texts("- 其中：培训费   1.00"), ["- 其中：培训费", "1.00"]);
        assert_eq!(
            texts("合计   1.00   城市更新 - 老旧小区改造   1.00"),
            ["合计", "1.00", "城市更新 - 老旧小区改造", "1.00"]
        );
    }

    #[test]
    fn two_amounts_one_blank_apart_are_two_cells() {
        // A wide amount in a tight column leaves pdftotext one blank
        // before the next (Shanghai's 收入预算总表: 合计 | 财政拨款收入).
        let s = segments("201   03   01   行政运行               12,029,501.84 12,029,501.84");
        let texts: Vec<&str> = s.iter().map(|s| s.text).collect();
        assert_eq!(
            texts,
            [
                "201",
                "03",
                "01",
                "行政运行",
                "12,029,501.84",
                "12,029,501.84"
            ]
        );
        assert_eq!((s[5].start, s[5].end), (49, 62));
        // Not digits a blank apart that are no printed amounts.
        let s = segments("二〇二五年 1 2 3");
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn an_amount_column_abutting_a_label_column_is_two_columns() {
        // Shanghai's 财政拨款收支预算总表 as `pdftotext -layout` prints it
        // (sh_putuo_sifaju_2026_yusuan_bumen.pdf, the amounts made up): the
        // first income amount ends a character right of the others, right
        // where the other rows' expenditure labels start. No blank parts the
        // two columns; before, they ran together and every row's columns
        // were guessed.
        let text = "\
2026年部门财政拨款收支预算总表
            财政拨款收入                                          财政拨款支出
     项目              预算数                   项目      合计             一般公共预算           政府性基金预算   国有资本经营预算
一、一般公共预算              51,234,567.89 一、公共安全支出      46,219,626.89    46,219,626.89
二、政府性基金预算                     0.00 二、社会保障和就业支出     3,114,941.00     3,114,941.00
三、国有资本经营预算                    0.00 三、卫生健康支出        1,000,000.00     1,000,000.00
                                      四、住房保障支出       900,000.00       900,000.00

";
        let items = items(text);
        let rows = rows(&items);
        assert_eq!(
            rows[2],
            [
                "一、一般公共预算",
                "51,234,567.89",
                "一、公共安全支出",
                "46,219,626.89",
                "46,219,626.89",
                "",
                ""
            ]
        );
        assert_eq!(
            rows[3],
            [
                "二、政府性基金预算",
                "0.00",
                "二、社会保障和就业支出",
                "3,114,941.00",
                "3,114,941.00",
                "",
                ""
            ]
        );
        assert_eq!(guessed(&items), vec![false; rows.len()]);
    }

    #[test]
    fn blank_cells_keep_their_column() {
        // From `pdftotext -layout` of a 2025 Shanghai budget: 基本支出 is
        // blank in the first row, 项目支出 in the second.
        let text = "\
2025年部门支出预算总表
                   项目                     合计        基本支出        项目支出

201             一般公共服务支出              3,296,600                 3,296,600

201   05   01   行政运行                    438,300      438,300

208             社会保障和就业支出            16,091,895   13,755,695    2,336,200
";
        let items = items(text);
        assert!(matches!(&items[0], Item::Text { text, .. } if text == "2025年部门支出预算总表"));
        assert_eq!(
            rows(&items),
            [
                vec!["", "", "", "项目", "合计", "基本支出", "项目支出"],
                vec![
                    "201",
                    "",
                    "",
                    "一般公共服务支出",
                    "3,296,600",
                    "",
                    "3,296,600"
                ],
                vec!["201", "05", "01", "行政运行", "438,300", "438,300", ""],
                vec![
                    "208",
                    "",
                    "",
                    "社会保障和就业支出",
                    "16,091,895",
                    "13,755,695",
                    "2,336,200"
                ],
            ]
        );
    }

    fn guessed(items: &[Item]) -> Vec<bool> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Row { cells, .. } => Some(cells.iter().any(|c| c.column_guessed)),
                Item::Text { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_wrapped_label_joins_its_row_and_a_centred_one_does_not() {
        // pdftotext -layout of a 2024 Shanghai final account.
        let text = "\
2080502   事业单位离退休           28.11      28.11       0.00
2080505   机关事业单位基本养老保      446.11     446.11       0.00
          险缴费支出
2080506   机关事业单位职业年金缴      225.12     225.12       0.00
          费支出
2080599   其他行政事业单位养老支出        0.88       0.88       0.00
30107    绩效工资           1594.02
         机关事业单位基本养老保
30108                    446.11
";
        let items = items(text);
        let rows = rows(&items);
        assert_eq!(
            rows[1],
            [
                "2080505",
                "机关事业单位基本养老保险缴费支出",
                "446.11",
                "446.11",
                "0.00"
            ]
        );
        assert_eq!(
            rows[2],
            [
                "2080506",
                "机关事业单位职业年金缴费支出",
                "225.12",
                "225.12",
                "0.00"
            ]
        );
        // Set around the middle of the row below: not the row above's.
        assert_eq!(rows[4][1], "绩效工资");
        assert!(items
            .iter()
            .any(|i| matches!(i, Item::Text { text, .. } if text == "机关事业单位基本养老保")));
    }

    #[test]
    fn code_levels_and_column_markers_keep_the_label_columns_apart() {
        // Seed 002's income table from its LibreOffice PDF, as `pdftotext
        // -layout` prints it: the 项 codes (`01 行政运行`) start two
        // characters left of where the 类 rows' names start, and the
        // column-number row centres its `※` in the code columns. Before,
        // the 项 codes and the names shared a column (every 项 row's
        // columns `guessed`), and the `※` cut columns of their own, away
        // from the codes.
        let text = r"                   单位收入总体情况表
编制单位：奇台县社会保险管理局

单位：万元
                                                                                                              财政专户                   非财政拨
功能分类                                                        财政拨款                                                            财政拨款
                          功能分类科目名称             总计                                                             （教育收   单位资金            款结转结
科                                                           （补助）                                                            结转
                                                                                                              费）                     余
                                                                                                                                             上级国有
                                                                                                上级政府
                                                            财政拨款                                                                             资本经营
                                                                  一般公共预 上级一般             政府性基   性基金安   国有资本
类          款        项                                       （补助）小                                                                            预算安排
                                                                  算     公共预算             金预算    排的转移   经营预算
                                                            计                                                                                的转移支
                                                                                                支付
                                                                                                                                             付
※          ※        ※     ※                            1           2         3      4       5      6      7      8      9      10       11      12
                          总计                   1,010.70     1,010.39   1,008.93   1.46                                        0.31
     208                  社会保障和就业支出             933.34       933.03     931.57    1.46                                        0.31
     208       01         人力资源和社会保障管理事务         376.92       376.61     376.61                                                0.31
     208       01       01 行政运行                 376.61       376.61     376.61
     208       01       99 其他人力资源和社会保障管理事务支出         0.31                                                                     0.31
     208       05         行政事业单位养老支出                78.41     78.41      78.41
     208       05       01 行政单位离退休                   3.68       3.68       3.68
";
        let items = items(text);
        let rows = rows(&items);
        let row = |name: &str| {
            rows.iter().find(|r| r.contains(&name)).map(|r| {
                r.iter()
                    .filter(|c| !c.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            row("行政运行"),
            Some(vec![
                "208",
                "01",
                "01",
                "行政运行",
                "376.61",
                "376.61",
                "376.61"
            ])
        );
        assert_eq!(
            row("社会保障和就业支出"),
            Some(vec![
                "208",
                "社会保障和就业支出",
                "933.34",
                "933.03",
                "931.57",
                "1.46",
                "0.31"
            ])
        );
        // The 项 code and the 类 row's name each keep their own column.
        // The last cell holding `text` (the 项 code is the second `01`).
        let column = |name: &str, text: &str| {
            rows.iter()
                .find(|r| r.contains(&name))
                .and_then(|r| r.iter().rposition(|c| *c == text))
        };
        assert_eq!(
            column("行政运行", "01").map(|c| c + 1),
            column("行政运行", "行政运行")
        );
        assert_eq!(
            column("行政运行", "行政运行"),
            column("社会保障和就业支出", "社会保障和就业支出")
        );
        // The column numbers' `※` head the 类, 款, 项 and name columns, one each.
        assert_eq!(rows[0][..5], ["※", "※", "※", "※", "1"]);
        assert!(guessed(&items).iter().all(|g| !g));
    }

    #[test]
    fn a_one_row_table_has_its_columns_guessed() {
        // A “三公” table: three amounts under seven headings.
        let text = "\
2025年部门“三公”经费和机关运行经费预算表
   合计          因公出国(境)费   公务接待费
                                     小计      购置费       运行费

        0.95                  0.95                                229.43
";
        let items = items(text);
        assert_eq!(guessed(&items).last(), Some(&true));
    }

    /// A table's first page, set two characters in.
    const FIRST_PAGE: &str = "\
  功能分类科目名称                  合计         基本支出          项目支出
  201 一般公共服务支出           3,296,600                   3,296,600
  201 统计信息事务               438,300       438,300
  208 社会保障和就业支出         16,091,895    13,755,695     2,336,200
";

    #[test]
    fn a_table_going_on_keeps_its_columns_at_the_new_pages_offset() {
        // The second page sets everything two characters further left and
        // none of its rows has a 基本支出.
        let text = format!(
            "{FIRST_PAGE}\u{c}
功能分类科目名称                  合计         基本支出          项目支出
210 卫生健康支出             3,216,973                   3,216,973
212 城乡社区支出           154,369,326                 154,369,326
221 住房保障支出             9,364,732                   9,364,732
"
        );
        let items = items(&text);
        let rows = rows(&items);
        assert_eq!(
            rows[5],
            ["210", "卫生健康支出", "3,216,973", "", "3,216,973"]
        );
        assert!(guessed(&items).iter().all(|g| !g));
    }

    #[test]
    fn a_page_set_narrower_is_not_fitted_to_the_previous_pages_columns() {
        // pdftotext set the second page tighter: its 项目支出 amounts end
        // under the first page's 基本支出. Fitted by where pieces start, they
        // would be read as 基本支出; they end nowhere the first page's
        // amounts end, so their columns are a guess.
        let text = format!(
            "{FIRST_PAGE}\u{c}
210 卫生健康支出           3,216,973      3,216,973
212 城乡社区支出         154,369,326    154,369,326
221 住房保障支出           9,364,732      9,364,732
"
        );
        let items = items(&text);
        let guessed = guessed(&items);
        assert_eq!(guessed.len(), 7);
        assert!(
            guessed[..4].iter().all(|g| !g) && guessed[4..].iter().all(|g| *g),
            "{guessed:?} {:?}",
            rows(&items)
        );
    }

    #[test]
    fn a_note_under_a_table_is_no_wrapped_label() {
        assert!(is_note(
            "注：本表反映部门本年度的总收支和年末结转结余情况。"
        ));
        assert!(is_note("备注：无"));
        assert!(!is_note("款收入"));
        assert!(!is_note("注册登记事务"));
        assert!(is_note("第三部分 2024年部门预算情况说明"));
        assert!(is_note("第3部分 名词解释"));
        assert!(!is_note("第一"));
        assert!(is_note("表2"));
        assert!(is_note("表3-1"));
        assert!(!is_note("表"));
        assert!(is_note("2026年部门政府性基金预算支出功能分类预算表"));
        assert!(!is_note("住房公积金"));
    }

    #[test]
    fn the_next_tables_title_under_a_total_is_no_wrapped_label() {
        // `pdftotext -fixed 4` of a 2026 Shanghai budget with its page
        // breaks taken out: the next table's title, centred, starts where
        // the 合计 row's label does. Before, it was read as the label's
        // tail (`合计2026年部门政府性基金…`, ok) and its empty table lost.
        let text = "\
      221   02   03   购房补贴            2433600.00      2433600.00         0.00
                      合计               96282213.44     25741666.44  70540547.00
                      2026年部门政府性基金预算支出功能分类预算表
";
        let items = items(text);
        assert_eq!(
            rows(&items)[1],
            ["合计", "96282213.44", "25741666.44", "70540547.00"]
        );
        assert!(items.iter().any(
            |i| matches!(i, Item::Text { text, .. } if text == "2026年部门政府性基金预算支出功能分类预算表")
        ));
    }

    #[test]
    fn a_part_heading_spread_across_the_page_is_one_line_of_text() {
        // pdftotext `-fixed 3` of a contents page: the heading's year sits
        // in a column of its own, under the last contents entry.
        let text = "      八、政府性基金预算财政拨款收入支出决算表\n\n      九、国有资本经营预算财政拨款收入支出决算表\n\n      \
                    第三部分         上海市X局                2024        年度部门决算\n\n      情况说明\n";
        let items = items(text);
        let texts: Vec<&str> = items
            .iter()
            .map(|i| match i {
                Item::Text { text, .. } => text.as_str(),
                Item::Row { .. } => "(row)",
            })
            .collect();
        assert_eq!(
            texts,
            [
                "八、政府性基金预算财政拨款收入支出决算表",
                "九、国有资本经营预算财政拨款收入支出决算表",
                "第三部分         上海市X局                2024        年度部门决算",
                "情况说明",
            ]
        );
    }

    /// A fixed-pitch dump's line: each piece at its column, amounts
    /// starting where a digit two columns wide starts them flush right at
    /// `ends`.
    fn fixed_pitch_line(code: &str, name: &str, amounts: &[&str], ends: &[usize]) -> String {
        let mut line = format!("  {code:<12}{name}");
        for (a, end) in amounts.iter().zip(ends) {
            let start = end - 2 * a.len();
            let width = line.chars().count();
            line.push_str(&" ".repeat(start.saturating_sub(width).max(2)));
            line.push_str(a);
        }
        line
    }

    #[test]
    fn a_fixed_pitch_dumps_amounts_line_up_at_the_width_their_digits_are_printed() {
        // `pdftotext -fixed 3`: `0`, `438,300` and `3,296,600` are flush
        // right in one column, but each ends where its characters run out.
        // The next page prints amounts of other lengths in those columns.
        let ends = [80, 110, 140];
        let printed: [(&str, &str, [&str; 3]); 8] = [
            ("201", "一般公共服务支出", ["3,296,600", "0", "3,296,600"]),
            ("20105", "统计信息事务", ["438,300", "0", "438,300"]),
            ("2010507", "专项普查活动", ["438,300", "0", "438,300"]),
            ("20129", "群众团体事务", ["2,858,300", "0", "2,858,300"]),
            (
                "208",
                "社会保障和就业支出",
                ["16,091,800", "13,755,600", "2,336,200"],
            ),
            (
                "20805",
                "行政事业单位养老支出",
                ["7,589,470", "7,589,470", "0"],
            ),
            ("2080501", "行政单位离退休", ["259,320", "259,320", "0"]),
            (
                "20899",
                "其他社会保障和就业支出",
                ["8,502,330", "6,166,130", "2,336,200"],
            ),
        ];
        let mut text = String::from(
            "  功能分类科目编码    功能分类科目名称              合计              基本支出              项目支出\n",
        );
        for (k, (code, name, amounts)) in printed.iter().enumerate() {
            if k == 4 {
                text.push('\u{c}');
            }
            text.push_str(&fixed_pitch_line(code, name, amounts, &ends));
            text.push('\n');
        }
        let read = items(&text);
        let got = rows(&read);
        let want: Vec<Vec<&str>> = printed
            .iter()
            .map(|(code, name, a)| vec![*code, *name, a[0], a[1], a[2]])
            .collect();
        assert_eq!(&got[1..], &want[..], "{text}");
    }

    #[test]
    fn amounts_set_flush_left_are_not_widened_where_they_line_up_by_chance() {
        // At two columns a digit, each 12-character amount would end where
        // the `0.00` sixteen columns to its right ends: it would run over
        // it. A `-layout` dump's columns stay as printed.
        let text: String = (0..12)
            .map(|k| {
                format!(
                    "2010{k:02}  行政运行{k:<6}          {:<16}0.00            {:<12}\n",
                    "1,234,567.89", "1,234,567.89"
                )
            })
            .collect();
        let mut lines = lines_of(&text);
        let spans = |lines: &[Line]| -> Vec<Vec<(usize, usize)>> {
            lines
                .iter()
                .map(|l| l.segments.iter().map(|s| (s.start, s.end)).collect())
                .collect()
        };
        let before = spans(&lines);
        widen_amounts_to_their_printed_width(&mut lines);
        assert_eq!(before, spans(&lines), "{text}");
    }

    #[test]
    fn a_long_label_heading_alone_over_the_header_heads_the_code_columns() {
        // `功能分类科目编码` set high in a tall header cell, on a line of its
        // own: the header's, over the code columns, not a line of text.
        let text = "\
                   项目                                     支出预算
  功能分类科目编码
                       功能分类科目名称              合计         基本支出           项目支出
   类     款     项
  201                  一般公共服务支出         3,296,600             0      3,296,600
  201    05            统计信息事务             438,300             0        438,300
  201    05    07      专项普查活动             438,300             0        438,300
";
        let read = items(text);
        let got = rows(&read);
        assert_eq!(got.len(), 7, "{read:?}");
        assert_eq!(got[1][0], "功能分类科目编码");
        assert_eq!(got[3][..3], ["类", "款", "项"]);
        assert_eq!(
            got[6],
            ["201", "05", "07", "专项普查活动", "438,300", "0", "438,300"]
        );
    }

    fn labels_in_doubt(items: &[Item]) -> Vec<bool> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Row { cells, .. } => Some(cells.iter().any(|c| c.label_in_doubt)),
                Item::Text { .. } => None,
            })
            .collect()
    }

    /// A dump from lines of pieces at character columns, as pdftotext sets
    /// them.
    fn dump(lines: &[&[(usize, &str)]]) -> String {
        let mut out = String::new();
        for pieces in lines {
            let mut line = String::new();
            for (at, text) in pieces.iter() {
                let len = line.chars().count();
                line.extend(std::iter::repeat_n(
                    ' ',
                    at.saturating_sub(len).max(usize::from(len > 0) * 2),
                ));
                line.push_str(text);
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    #[test]
    fn a_heading_set_on_three_lines_joins_on_the_middle_one() {
        // A final account's 收入决算表 header (Shanghai, pdftotext -layout):
        // `附属单位` / `上缴收入` above and below the line of the other
        // headings, between 经营收入 and 其他收入; `科目编码` alone below.
        // Only the first two amount columns print; the rest are headed only.
        let text = dump(&[
            &[(73, "附属单位")],
            &[
                (2, "功能分类"),
                (26, "本年收入合计"),
                (38, "财政拨款收入"),
                (50, "上级补助收入"),
                (59, "事业收入"),
                (66, "经营收入"),
                (80, "其他收入"),
            ],
            &[(17, "科目名称"), (73, "上缴收入")],
            &[(2, "科目编码")],
            &[],
            &[
                (0, "208"),
                (10, "社会保障和就业支出"),
                (29, "754.75"),
                (41, "754.75"),
            ],
            &[
                (0, "20805"),
                (10, "行政事业单位养老支出"),
                (29, "754.75"),
                (41, "754.75"),
            ],
            &[
                (0, "2080501"),
                (10, "行政单位离退休"),
                (30, "54.53"),
                (42, "54.53"),
            ],
        ]);
        let items = items(&text);
        let rows = rows(&items);
        assert_eq!(
            rows[1],
            [
                "功能分类",
                "",
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入"
            ]
        );
        assert!(rows[0].iter().all(|c| c.is_empty()), "{rows:?}");
        assert_eq!(rows[3][0], "科目编码");
        assert_eq!(
            rows[4],
            [
                "208",
                "社会保障和就业支出",
                "754.75",
                "754.75",
                "",
                "",
                "",
                "",
                ""
            ]
        );
    }

    #[test]
    fn a_label_wrapped_above_its_row_heads_that_row() {
        // A two-sided summary whose cells centre their text: a label's first
        // line prints above the row's amounts, its second line on theirs.
        let text = dump(&[
            &[
                (0, "本年收入合计"),
                (14, "4"),
                (20, "264300"),
                (30, "本年支出合计"),
                (44, "25"),
                (50, "261800"),
            ],
            &[(0, "年初财政拨")],
            &[
                (0, "款结转和结余"),
                (14, "5"),
                (23, "300"),
                (30, "年末财政拨款结转和结余"),
                (44, "26"),
                (52, "2800"),
            ],
            &[
                (0, "九、其他收入"),
                (14, "6"),
                (23, "100"),
                (30, "九、农林水支出"),
                (44, "27"),
                (53, "100"),
            ],
            &[(30, "十一、援助其他地")],
            &[
                (14, "7"),
                (24, "10"),
                (30, "区支出"),
                (44, "28"),
                (54, "10"),
            ],
        ]);
        let items = items(&text);
        let rows = rows(&items);
        assert_eq!(rows[0][0], "本年收入合计");
        assert_eq!(rows[1][0], "年初财政拨款结转和结余");
        assert_eq!(rows[3][3], "十一、援助其他地区支出");
        assert!(labels_in_doubt(&items).iter().all(|d| !d));
    }

    #[test]
    fn a_label_under_a_total_heads_the_row_below() {
        // `合计` never goes on: the line under it starts the next row's label.
        let text = dump(&[
            &[
                (10, "合计"),
                (26, "90,722.22"),
                (37, "80,276.17"),
                (48, "10,446.05"),
            ],
            &[(10, "社会保障和")],
            &[
                (2, "208"),
                (10, "就业支出"),
                (26, "90,722.22"),
                (37, "80,276.17"),
                (48, "10,446.05"),
            ],
            &[
                (2, "20805"),
                (10, "养老支出"),
                (26, "87,444.63"),
                (37, "76,998.58"),
                (48, "10,446.05"),
            ],
        ]);
        let read = items(&text);
        let rows = rows(&read);
        assert_eq!(rows[0][1], "合计");
        assert_eq!(rows[1][..2], ["208", "社会保障和就业支出"]);
    }

    #[test]
    fn a_label_set_around_a_line_of_amounts_is_that_lines() {
        // pdftotext -layout of a 2023 Shanghai budget: a three-line cell,
        // the amounts on the middle line alone.
        let text = dump(&[
            &[
                (0, "一、一般公共预算资金"),
                (14, "164,978,640"),
                (28, "一、一般公共服务支出"),
                (44, "2,976,800"),
                (56, "2,976,800"),
            ],
            &[
                (0, "二、政府性基金"),
                (28, "二、公共安全支出"),
                (44, "1,252,300"),
                (56, "1,252,300"),
            ],
            &[
                (0, "三、国有资本经营预算"),
                (28, "三、科学技术支出"),
                (46, "100,000"),
                (58, "100,000"),
            ],
            &[(28, "四、文化旅游体育与传媒")],
            &[(46, "200,000"), (58, "200,000")],
            &[(28, "支出")],
            &[
                (28, "五、社会保障和就业支出"),
                (43, "27,073,236"),
                (55, "27,073,236"),
            ],
        ]);
        let read = items(&text);
        let rows = rows(&read);
        let labelled = rows.iter().find(|r| r.contains(&"200,000")).unwrap();
        assert!(
            labelled.contains(&"四、文化旅游体育与传媒支出"),
            "{labelled:?}"
        );
    }

    #[test]
    fn a_label_line_either_row_could_own_leaves_both_in_doubt() {
        // `政府性基金` ends the whole label above it, or starts the one below.
        let text = dump(&[
            &[
                (0, "年初财政拨款结转和结余"),
                (16, "7"),
                (22, "5000"),
                (30, "年末结转和结余"),
                (44, "25"),
                (50, "100"),
            ],
            &[
                (0, "一般公共预算财政拨款"),
                (16, "8"),
                (22, "5000"),
                (44, "26"),
            ],
            &[(0, "政府性基金")],
            &[(0, "预算财政拨款"), (16, "9"), (44, "27")],
            &[
                (0, "总计"),
                (16, "11"),
                (22, "5100"),
                (30, "总计"),
                (44, "29"),
                (50, "5100"),
            ],
        ]);
        assert_eq!(labels_in_doubt(&items(&text)), [false, true, true, false]);
        // Both sides' tails on one line: neither row's label is sure.
        let text = dump(&[
            &[
                (0, "一、一般公共预算"),
                (16, "1"),
                (22, "500.00"),
                (30, "一、一般公共服务"),
                (44, "32"),
                (50, "450.00"),
            ],
            &[(0, "财政拨款收入"), (30, "支出")],
            &[
                (0, "二、其他收入"),
                (16, "2"),
                (22, "50.00"),
                (30, "二、外交支出"),
                (44, "33"),
                (50, "50.00"),
            ],
        ]);
        assert_eq!(labels_in_doubt(&items(&text)), [true, false, true]);
        // Rows of their own, side by side, leave no doubt.
        let text = dump(&[
            &[
                (0, "本年收入合计"),
                (16, "1"),
                (22, "500.00"),
                (30, "本年支出合计"),
                (44, "32"),
                (50, "450.00"),
            ],
            &[(0, "使用非财政拨款结余"), (30, "结余分配")],
            &[
                (0, "年初结转和结余"),
                (16, "2"),
                (22, "50.00"),
                (30, "年末结转和结余"),
                (44, "33"),
                (50, "50.00"),
            ],
        ]);
        assert!(labels_in_doubt(&items(&text)).iter().all(|d| !d));
        // The classic wrap, a label cut mid-word, is no doubt.
        let text = "\
2080505   机关事业单位基本养老保      446.11     446.11       0.00
          险缴费支出
2080506   机关事业单位职业年金缴      225.12     225.12       0.00
          费支出
2080599   其他行政事业单位养老支出        0.88       0.88       0.00
";
        assert!(labels_in_doubt(&items(text)).iter().all(|d| !d));
    }

    #[test]
    fn an_item_without_amounts_between_rows_is_a_row_of_its_own() {
        // No `行次`, zeros left blank: `二、政府性基金` is a row, not the tail
        // of the row above, and the table goes on past it.
        let text = dump(&[
            &[
                (0, "一、一般公共预算资金"),
                (14, "164,978,640"),
                (28, "一、一般公共服务支出"),
                (44, "2,976,800"),
            ],
            &[(0, "二、政府性基金")],
            &[
                (0, "三、国有资本经营预算"),
                (20, "1,000"),
                (28, "二、公共安全支出"),
                (44, "1,252,300"),
            ],
            &[
                (0, "四、其他收入"),
                (20, "2,000"),
                (28, "三、科学技术支出"),
                (46, "100,000"),
            ],
        ]);
        let read = items(&text);
        let rows = rows(&read);
        assert_eq!(rows[0][0], "一、一般公共预算资金");
        assert_eq!(rows[1][0], "二、政府性基金");
        assert_eq!(rows[2][0], "三、国有资本经营预算");
    }

    #[test]
    fn a_name_under_its_unnamed_row_is_that_rows() {
        // pdftotext -layout of a 2024 Shanghai final account: a row's code
        // and amounts at the top of a cell its name makes two lines high,
        // the name under them.
        let text = concat!(
            "208   05        行政事业单位养老支出       326.72       326.72\n",
            "208   05   01   行政单位离退休           84.65        84.65\n",
            "\n",
            "208   05   05                   160.75       160.75\n",
            "                机关事业单位基本养老保险\n",
            "                缴费支出\n",
            "\n",
            "208   05   06                    80.38        80.38\n",
            "                机关事业单位职业年金缴费\n",
            "                支出\n",
            "208   05   99   其他行政事业单位养老支出      0.94         0.94\n",
        );
        let read = items(text);
        assert!(
            read.iter().all(|i| matches!(i, Item::Row { .. })),
            "{read:?}"
        );
        let rows = rows(&read);
        let named = |amount: &str| rows.iter().find(|r| r.contains(&amount)).unwrap()[3];
        assert_eq!(named("84.65"), "行政单位离退休");
        assert_eq!(named("160.75"), "机关事业单位基本养老保险缴费支出");
        assert_eq!(named("80.38"), "机关事业单位职业年金缴费支出");
        assert_eq!(named("0.94"), "其他行政事业单位养老支出");
    }

    #[test]
    fn names_centred_on_unnamed_rows_are_not_read_under_them() {
        // The same year's final account of another bureau: each name set
        // around its row, a line over it and a line under. The line under
        // a row is no name of its own.
        let text = CENTRED_NAMES;
        let read = items(text);
        for row in rows(&read) {
            assert!(!row.iter().any(|c| c.contains("业支出行政")), "{row:?}");
        }
    }

    #[test]
    fn a_total_centred_before_a_narrow_name_column_is_in_that_column() {
        // `总计` centred across the code and name columns starts left of
        // the names: no column of its own, or its amounts would shift.
        let text = concat!(
            "               科目名称             总计       人员经费      公用经费\n",
            " 类      款\n",
            "            总计                   927.93    905.30      22.63\n",
            " 301                             506.07    506.07\n",
            "               工资福利\n",
            "               支出\n",
            " 301    01     基本工资              129.10    129.10\n",
            " 301    02     津贴补贴               93.29     93.29\n",
            " 301    03     奖金                 99.96     99.96\n",
            " 301    07     绩效工资               30.52     30.52\n",
        );
        let read = items(text);
        let rows = rows(&read);
        let row = |text: &str| rows.iter().find(|r| r.contains(&text)).unwrap();
        let (total, named) = (row("927.93"), row("基本工资"));
        let at = |row: &Vec<&str>, text: &str| row.iter().position(|c| *c == text);
        assert_eq!(total.len(), named.len(), "{rows:?}");
        assert_eq!(at(total, "总计"), at(named, "基本工资"), "{rows:?}");
        assert_eq!(at(total, "927.93"), at(named, "129.10"), "{rows:?}");
    }

    #[test]
    fn a_label_heading_over_a_repeated_header_is_the_headers() {
        // A page's top: the header again, `项目` on a line of its own over
        // the line naming the columns. It stays in the table's block.
        let text = concat!(
            "    302   06     电费                   10                       10\n",
            "    302   07     邮电费                 7.4                      7.4\n",
            "    302   08     取暖费               46.59                    46.59\n",
            "\u{c}                    \n",
            "             项目\n",
            "                 科目名称           总计        人员经费         公用经费\n",
            "    类     款\n",
            "    302   09     物业管理费               0.2                      0.2\n",
        );
        let read = items(text);
        assert!(
            read.iter().all(|i| matches!(i, Item::Row { .. })),
            "{read:?}"
        );
    }

    /// Lines of the 2024 Shanghai 财政局 final account's 支出决算表 as
    /// pdftotext -layout set them: the basic and project amounts of rows
    /// whose both are filled half a line over their row.
    const OFFSET_AMOUNTS: &str = concat!(
        "                                           1,503.52   603.14\n",
        "201             一般公共服务支出        2,106.66\n",
        "                                           1,503.52   603.14\n",
        "201   06        财政事务            2,106.66\n",
        "                                           1,503.52\n",
        "201   06   01   行政运行            1,511.89               8.37\n",
        "201   06   02   一般行政管理事务          10.00               10.00\n",
        "                                                      135.25\n",
        "201   06   07   信息化建设            135.25\n",
        "208             社会保障和就业支出        326.72    326.72\n",
        "208   05        行政事业单位养老支出       326.72    326.72\n",
    );

    #[test]
    fn amounts_set_half_a_line_over_their_row_join_it() {
        let read = items(OFFSET_AMOUNTS);
        let rows = rows(&read);
        let row = |code: &str, name: &str| {
            rows.iter()
                .find(|r| r.contains(&code) && r.contains(&name))
                .unwrap_or_else(|| panic!("{name}: {rows:?}"))
                .iter()
                .filter(|t| t.contains('.'))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            row("201", "一般公共服务支出"),
            ["2,106.66", "1,503.52", "603.14"]
        );
        assert_eq!(row("01", "行政运行"), ["1,511.89", "1,503.52", "8.37"]);
        assert_eq!(row("07", "信息化建设"), ["135.25", "135.25"]);
        // Every line of amounts went to its row: no row without a label.
        assert_eq!(rows.len(), 7, "{rows:?}");
        // The moved amounts keep their own line and are marked moved; the
        // row's own are not.
        let moved: Vec<(String, Provenance)> = read
            .iter()
            .filter_map(|i| match i {
                Item::Row { cells, .. } => Some(cells),
                Item::Text { .. } => None,
            })
            .flatten()
            .filter(|c| c.moved)
            .map(|c| (c.text.clone(), c.at))
            .collect();
        assert_eq!(
            moved,
            [
                ("1,503.52".to_string(), Provenance::Line(1)),
                ("603.14".to_string(), Provenance::Line(1)),
                ("1,503.52".to_string(), Provenance::Line(3)),
                ("603.14".to_string(), Provenance::Line(3)),
                ("1,503.52".to_string(), Provenance::Line(5)),
                ("135.25".to_string(), Provenance::Line(8)),
            ]
        );
    }

    #[test]
    fn amounts_that_complete_no_row_or_add_up_alone_stay_apart() {
        // A line of amounts that adds up on its own is a row of its own
        // (its label printed elsewhere), and one whose amounts complete
        // neither row beside it stays where it is.
        let text = concat!(
            "201             一般公共服务支出        2,106.66\n",
            "                                2,106.66   1,503.52   603.14\n",
            "201   06        财政事务            2,106.66\n",
            "                                           1,000.00\n",
            "201   06   01   行政运行            1,511.89               8.37\n",
        );
        let read = items(text);
        assert!(
            read.iter()
                .flat_map(|i| match i {
                    Item::Row { cells, .. } => cells.as_slice(),
                    Item::Text { .. } => &[],
                })
                .all(|c| !c.moved),
            "{read:?}"
        );
    }

    #[test]
    fn a_number_set_apart_in_two_is_joined_for_the_sums_to_settle() {
        // `2,946.25` set as `2,946  .25` on a total's row whose label is
        // printed two lines under it (上海 财政局 2024's 收入决算表, a
        // fuzzing review's case): the row keeps its label, the two pieces
        // one cell, joined where the piece ends (`joined_at`).
        let text = concat!(
            "                     科目名称      本年收入      财政拨款收入      其他收入\n",
            "\n",
            "                               2,946  .25    2,940.05                  6.20\n",
            " 类   款  项\n",
            "                     合计\n",
            "\n",
            "201             一般公共服务支出         2,112.86     2,106.66          6.20\n",
            "201   01        人大事务                 833.39       833.39\n",
            "201   01  01    行政运行                 500.00       500.00\n",
            "208             社会保障和就业支出          833.39       833.39\n",
        );
        let read = items(text);
        let total = read
            .iter()
            .find_map(|i| match i {
                Item::Row { cells, .. } if cells.iter().any(|c| c.text == "合计") => Some(cells),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{:?}", rows(&read)));
        let joined = total
            .iter()
            .find(|c| c.text == "2,946.25")
            .unwrap_or_else(|| panic!("{total:?}"));
        assert_eq!(joined.joined_at, Some(5));
        assert!(!total.iter().any(|c| c.text == ".25"));
    }

    #[test]
    fn a_number_whose_start_was_set_apart_makes_no_column() {
        // `850.57` set as `8  50.57` (002's 支出总表 as `pdftotext -layout`
        // sets it, a gap widened by a fuzzing review): the lone `8` made a
        // column of its own, the headings moved one column over it, and
        // every 项 row's 基本支出 was read as 项目支出, `ok`. The start of
        // a number is no column: the two pieces are one cell.
        let text = concat!(
            "        科目名称                  合计        基本支出        项目支出
",
            "208     社会保障和就业支出        933.34       8  50.57          82.77
",
            "20801   人力资源管理事务          376.92         376.61           0.31
",
            "2080101 行政运行                  376.61         376.61
",
            "2080199 其他事务                    0.31                          0.31
",
            "20805   行政事业单位养老支出       78.41          78.41
",
        );
        let items = items(text);
        let read = rows(&items);
        assert!(read.iter().all(|r| r.len() == read[0].len()), "{read:?}");
        let basic = read[1].iter().position(|c| *c == "850.57");
        assert_eq!(
            basic,
            read[0].iter().position(|c| *c == "基本支出"),
            "{read:?}"
        );
        assert_eq!(
            basic,
            read[3].iter().rposition(|c| *c == "376.61"),
            "{read:?}"
        );
    }

    #[test]
    fn pieces_of_a_number_under_two_columns_are_marked_for_the_sums() {
        // `4  45.69` where a column left empty stands over the `4`: the
        // line fits the columns, but the two may be one number (445.69).
        // The amount after the gap says so, for the row's sums to settle.
        let text = concat!(
            "科目名称                  合计      基本支出    项目支出\n",
            "一般公共服务            445.69          4  45.69\n",
            "人大事务              100.00    100.00\n",
            "行政运行               50.00     50.00\n",
            "机关服务               50.00             50.00\n",
            "政协事务              245.69    245.69\n",
        );
        let read = items(text);
        let marked: Vec<&str> = read
            .iter()
            .flat_map(|i| match i {
                Item::Row { cells, .. } => cells.as_slice(),
                Item::Text { .. } => &[],
            })
            .filter(|c| c.may_end_left_number)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(marked, ["45.69"], "{:?}", rows(&read));
    }

    #[test]
    fn a_total_set_apart_from_its_amounts_labels_them() {
        // The same table's header and 合计 row: the row's amounts set over
        // the header's last line (`类 款 项`), its label under it; the
        // header's cells of one line and of two centred in one band.
        let text = concat!(
            "                                支出决算表\n",
            "\n",
            "                项目                                                           对附属单位\n",
            "                                本年支出合                 项目支      上缴上级支   经营支\n",
            "   支出功能分类                                  基本支出                                补\n",
            "                       科目名称       计                    出         出      出\n",
            "    科目编码                                                                      助支出\n",
            "                                           2,336.91   603.14\n",
            "                                2,940.05\n",
            " 类    款   项\n",
            "                        合计\n",
            "                                           1,503.52   603.14\n",
            "201             一般公共服务支出        2,106.66\n",
            "201   06   02   一般行政管理事务          10.00               10.00\n",
            "208             社会保障和就业支出        326.72    326.72\n",
            "208   05        行政事业单位养老支出       326.72    326.72\n",
        );
        let read = items(text);
        let rows = rows(&read);
        let total = rows
            .iter()
            .find(|r| r.contains(&"合计"))
            .unwrap_or_else(|| panic!("{rows:?}"));
        let at = |t: &str| total.iter().position(|c| *c == t);
        assert!(at("2,940.05") < at("2,336.91") && at("2,336.91") < at("603.14"));
        // The header's headings over their own columns: 基本支出 over the
        // basic amounts, the three empty columns after the project column.
        let column = |t: &str| {
            rows.iter()
                .find_map(|r| r.iter().position(|c| c.contains(t)))
                .unwrap_or_else(|| panic!("{t}: {rows:?}"))
        };
        assert_eq!(column("基本支出"), column("2,336.91"));
        assert_eq!(column("项目支"), column("603.14"));
        assert_eq!(column("本年支出合"), column("2,940.05"));
        assert!(column("项目支") < column("上缴上级支"));
        assert!(column("上缴上级支") < column("经营支"));
        assert!(column("经营支") < column("对附属单位"));
        // The table is one block: every row on its columns.
        assert!(read
            .iter()
            .filter(|i| matches!(i, Item::Row { .. }))
            .all(|i| matches!(i, Item::Row { cells, .. } if cells.len() == total.len())));
    }

    #[test]
    fn a_title_after_a_tables_last_row_leaves_names_under_rows_read() {
        let text = concat!(
            "208   05   01   行政单位离退休           84.65        84.65\n",
            "208   05   05                   160.75       160.75\n",
            "                机关事业单位基本养老保险\n",
            "                缴费支出\n",
            "221   02   03   购房补贴           258.50   258.50\n",
            "                            财政拨款收入支出决算总表\n",
        );
        let read = items(text);
        let rows = rows(&read);
        assert!(
            rows.iter()
                .any(|r| r.contains(&"机关事业单位基本养老保险缴费支出")),
            "{read:?}"
        );
    }

    /// pdftotext -layout of the 2024 Shanghai 规划资源局 final account's
    /// 一般公共预算财政拨款支出决算表: rows two lines high, each name
    /// centred in its cell, the code and amounts between a two-line name's
    /// lines; a one-line name over its row (`行政运行`).
    const CENTRED_NAMES: &str = concat!(
        "                       合计          基本支出       项目支出\n",
        " 功能分类\n",
        "               科目名称\n",
        " 科目编码\n",
        "\n",
        "           社会保障和就\n",
        "208                     754.75       754.75      0.00\n",
        "           业支出\n",
        "           行政事业单位\n",
        "20805                   754.75       754.75      0.00\n",
        "           养老支出\n",
        "           行政单位离退\n",
        "2080501                  54.53        54.53      0.00\n",
        "           休\n",
        "           事业单位离退\n",
        "2080502                  28.11        28.11      0.00\n",
        "           休\n",
        "           机关事业单位\n",
        "2080505    基本养老保险       446.11       446.11      0.00\n",
        "           缴费支出\n",
        "           机关事业单位\n",
        "2080506    职业年金缴费       225.12       225.12      0.00\n",
        "           支出\n",
        "           其他行政事业\n",
        "2080599                     0.88       0.88      0.00\n",
        "           单位养老支出\n",
        "210        卫生健康支出       236.64       236.64      0.00\n",
        "           行政事业单位\n",
        "21011                   236.64       236.64      0.00\n",
        "           医疗\n",
        "2101101    行政单位医疗        40.35        40.35      0.00\n",
        "\n",
        "2101102    事业单位医疗       196.29       196.29      0.00\n",
        "\n",
        "212        城乡社区支出      3832.36      1572.70    2259.65\n",
        "           城乡社区管理\n",
        "21201                  1092.80      1084.02      8.77\n",
        "           事务\n",
        "           行政运行\n",
        "2120101                1092.80      1084.02      8.77\n",
        "           城乡社区规划\n",
        "21202                  2739.56       488.68    2250.88\n",
        "           与管理\n",
    );

    #[test]
    fn names_centred_on_their_rows_are_read_whole() {
        let read = items(CENTRED_NAMES);
        let names = names_read(CENTRED_NAMES);
        let name = |code: &str| {
            names
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.as_str())
                .unwrap_or_else(|| panic!("{code}: {names:?}"))
        };
        assert_eq!(name("208"), "社会保障和就业支出");
        assert_eq!(name("2080505"), "机关事业单位基本养老保险缴费支出");
        assert_eq!(name("2080599"), "其他行政事业单位养老支出");
        assert_eq!(name("210"), "卫生健康支出");
        assert_eq!(name("21201"), "城乡社区管理事务");
        assert_eq!(name("2120101"), "行政运行");
        assert_eq!(name("21202"), "城乡社区规划与管理");
        // The header's label headings on lines of their own stay in it:
        // the table is one block, its rows on the header's columns.
        assert!(
            read.iter().all(|i| matches!(i, Item::Row { .. })),
            "{read:?}"
        );
    }

    /// A two-sided 基本支出 table as pdftotext `-fixed 3` sets it: the left
    /// side's 30108 prints its name around its line, the right side's
    /// name beside it.
    const TWO_SIDED_CENTRED: &str = "\
  经济分类                                                      经济分类
  科目编码        科目名称                           决算数            科目编码        科目名称                           决算数
  301         工资福利支出                     4816.14            302         商品和服务支出                     440.90
  30107       绩效工资                       1594.02            30205       水费                            0.92
                机关事业单位基本养老保
  30108                                   446.11            30206       电费                           18.86
             险缴费
  30109       职业年金缴费                      225.12            30207       邮电费                           8.05
";

    #[test]
    fn a_name_centred_on_its_row_beside_the_other_sides_name_is_read_whole() {
        let read = items(TWO_SIDED_CENTRED);
        let rows = rows(&read);
        let row = |code: &str| {
            rows.iter()
                .find(|r| r.first() == Some(&code))
                .unwrap_or_else(|| panic!("{code}: {rows:?}"))
                .clone()
        };
        assert_eq!(
            row("30108"),
            [
                "30108",
                "机关事业单位基本养老保险缴费",
                "446.11",
                "30206",
                "电费",
                "18.86"
            ]
        );
        assert_eq!(
            row("30107"),
            ["30107", "绩效工资", "1594.02", "30205", "水费", "0.92"]
        );
        assert_eq!(
            row("30109"),
            ["30109", "职业年金缴费", "225.12", "30207", "邮电费", "8.05"]
        );
        // One block: no line of the table is left as text.
        assert_eq!(rows.len(), 6, "{rows:?}");
    }

    #[test]
    fn a_name_centred_on_a_row_between_named_rows_is_read_whole() {
        // The right side's 31007 prints no name; the rows over and under it
        // print theirs in the column: the pieces around it are its own.
        // (The left side's centred name, in another column, keeps the run
        // rules from reading the stretch.)
        let text = "\
  30107       绩效工资                       1594.02            30205       水费                            0.92
                机关事业单位基本养老保
  30108                                   446.11            30206       电费                           18.86
             险缴费
  30109       职业年金缴费                      225.12            31003       专用设备购置                        0.00
                                                                        信息网络及软件购置
                                                            31007                                     0.00
                                                                          更新
                                                            31013       公务用车购置                        0.00
";
        let lines = lines_of(text);
        let around = names_around(&lines, &vec![false; lines.len()]);
        assert_eq!(
            around,
            [
                None,
                Some(Around::Head),
                None,
                Some(Around::Tail),
                None,
                Some(Around::Head),
                None,
                Some(Around::Tail),
                None
            ]
        );
    }

    #[test]
    fn a_piece_either_row_could_own_leaves_centred_names_unread() {
        // `业支出` ends 208's name or is 20805's, which prints none: the
        // run is not read as centred names (the old rules take it).
        let text = concat!(
            "           社会保障和就\n",
            "208                     754.75       754.75      0.00\n",
            "           业支出\n",
            "20805                   754.75       754.75      0.00\n",
            "           行政单位离退\n",
            "2080501                  54.53        54.53      0.00\n",
            "           休\n",
        );
        let lines = lines_of(text);
        let around = names_around(&lines, &vec![false; lines.len()]);
        assert!(around.iter().all(Option::is_none), "{around:?}");
    }

    /// The lines of `text`, numbered from 1, on one page.
    fn lines_of(text: &str) -> Vec<Line<'_>> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Line {
                at: Provenance::Line(i as u32 + 1),
                page: 0,
                segments: segments(l),
            })
            .collect()
    }

    /// Panics unless the coded rows of `text` are read under `want`'s
    /// names, in order.
    fn assert_names(text: &str, want: &[(&str, &str)]) {
        let read = names_read(text);
        let read: Vec<(&str, &str)> = read.iter().map(|(c, n)| (c.as_str(), n.as_str())).collect();
        assert_eq!(read, want);
    }

    /// The name each coded row of `text` is read under.
    fn names_read(text: &str) -> Vec<(String, String)> {
        rows(&items(text))
            .iter()
            .filter(|r| {
                r.first()
                    .is_some_and(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(|r| {
                let name = r[1..].iter().find(|c| !c.is_empty() && !is_number(c));
                (r[0].to_string(), name.map_or("", |n| n).to_string())
            })
            .collect()
    }

    #[test]
    fn names_set_over_their_rows_and_ending_on_them_are_read_whole() {
        // A spreadsheet's cells, text at the bottom: a name's last piece
        // on its row's line, the rest over it; a row printing no name has
        // its whole name over it. Before 2026-12-05 each piece went to the
        // row above (`就业支出行政事业单`) and `位基本养老` ended the table.
        let text = concat!(
            "           科目名称        合计          基本支出       项目支出
",
            "           社会保障和
",
            "208        就业支出        754.75       754.75      0.00
",
            "           行政事业单
",
            "20805      位养老支出       754.75       754.75      0.00
",
            "           机关事业单
",
            "           位基本养老
",
            "           保险缴费支
",
            "2080505    出           446.11       446.11      0.00
",
            "           行政运行
",
            "2080506                 308.64       308.64      0.00
",
            "           合计           754.75       754.75      0.00
",
        );
        assert_names(
            text,
            &[
                ("208", "社会保障和就业支出"),
                ("20805", "行政事业单位养老支出"),
                ("2080505", "机关事业单位基本养老保险缴费支出"),
                ("2080506", "行政运行"),
            ],
        );
    }

    #[test]
    fn names_wrapped_under_their_rows_over_several_lines_are_read_whole() {
        // Text at the top of its cell: a name's first piece on its row's
        // line, two more under it. Before 2026-12-05 the row kept its
        // first piece under it only and the third ended the table.
        let text = concat!(
            "           科目名称        合计          基本支出       项目支出
",
            "208        社会保障和就       754.75       754.75      0.00
",
            "           业支出
",
            "2080505    机关事业单位       446.11       446.11      0.00
",
            "           基本养老保险
",
            "           缴费支出
",
            "2080506    机关事业单位       308.64       308.64      0.00
",
            "           职业年金缴费
",
            "           支出
",
            "           合计           754.75       754.75      0.00
",
        );
        assert_names(
            text,
            &[
                ("208", "社会保障和就业支出"),
                ("2080505", "机关事业单位基本养老保险缴费支出"),
                ("2080506", "机关事业单位职业年金缴费支出"),
            ],
        );
    }

    #[test]
    fn a_run_starting_with_a_row_and_its_tail_is_read_safely() {
        // The text's first line a row with a piece under it and no head:
        // the run is no centred names (and reading it must not look over
        // the first line).
        let text = concat!(
            "208                     754.75       754.75      0.00\n",
            "           业支出\n",
            "20805      行政事业单位    754.75       754.75      0.00\n",
            "           养老支出\n",
        );
        let lines = lines_of(text);
        let taken = names_below(&lines);
        assert!(taken.iter().all(|t| !t));
        let around = names_around(&lines, &taken);
        assert!(around.iter().all(Option::is_none), "{around:?}");
    }
}
