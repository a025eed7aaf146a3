//! Names printed off their row's line: under a coded row that prints only
//! its code and amounts (the PDF set them at the top of a cell two lines
//! high), or around it (centred on the row, half over it).

use crate::amount::is_number;
use crate::model::Provenance;
use crate::normalize;

use super::{
    is_label_heading, is_lone_label_heading, is_note, is_total, opens_item, printed_width, Line,
    Segment, NEAR,
};

/// How many lines a name printed under its unnamed row may take.
const MAX_NAME_LINES: usize = 6;

/// A coded row's name printed on the lines under it, its own name cell
/// blank (`208   05   05         160.75` / `机关事业单位基本养老保险` /
/// `缴费支出`: the PDF set the row's code and amounts at the top of a cell
/// two lines high, pdftotext the name after them).
///
/// A row is unnamed when it prints a code first, then only amounts, and
/// nothing where the line under it starts its text; the name's pieces
/// follow right under each other, each starting under the first piece,
/// and each but the last as long as the first, give or take a character
/// (a wrapped name fills its column). Not when the name may be set around
/// its row instead (names centred on their rows, half over them): a line
/// right over the row, where the name is set, that no row above took.
///
/// The names are taken only when every coded row printing only amounts
/// in the stretch of table lines around them took one, every name ended
/// where a gap or the next row begins, each piece of a name but its last
/// is as wide as the stretch's widest piece, and no row printing its name has
/// a piece right under it: a row left over, a name going on, or a name
/// wrapped under its row's line (top-aligned, or set over its row and
/// ending on it) means the pieces may belong to the rows below them or
/// take in other text. Else none is taken: its lines end the table, as
/// any line it cannot place does.
pub(super) fn names_below(lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut names: Vec<NameUnder> = Vec::new();
    for k in 0..lines.len() {
        let Some(first) = lines.get(k + 1).and_then(name_piece) else {
            continue;
        };
        if !unnamed_at(&lines[k], first) || !right_under(&lines[k], &lines[k + 1]) {
            continue;
        }
        let width = first.text.chars().count();
        let (from, to) = (first.start, first.end);
        let mut end = k + 2;
        let mut last = width;
        while end < lines.len()
            && end - (k + 1) < MAX_NAME_LINES
            && last + 1 >= width
            && right_under(&lines[end - 1], &lines[end])
        {
            let Some(piece) = name_piece(&lines[end]).filter(|p| from <= p.start && p.start < to)
            else {
                break;
            };
            last = piece.text.chars().count();
            end += 1;
        }
        let head_above = k.checked_sub(1).is_some_and(|a| {
            !out[a]
                && right_under(&lines[a], &lines[k])
                && name_piece(&lines[a]).is_some_and(|p| p.start < to && from < p.end)
        });
        if head_above {
            continue;
        }
        let goes_on = lines
            .get(end)
            .is_some_and(|next| right_under(&lines[end - 1], next) && !next.is_body());
        out[k + 1..end].fill(true);
        names.push(NameUnder {
            row: k,
            end,
            ended: !goes_on,
        });
    }
    if names.is_empty() {
        return out;
    }
    // Stretches of table lines: body lines and one-piece text lines.
    let in_stretch = |l: &Line| l.is_body() || name_piece(l).is_some();
    let mut k = 0;
    while k < lines.len() {
        if !in_stretch(&lines[k]) {
            k += 1;
            continue;
        }
        let start = k;
        while k < lines.len() && in_stretch(&lines[k]) {
            k += 1;
        }
        let named: Vec<&NameUnder> = names
            .iter()
            .filter(|n| (start..k).contains(&n.row))
            .collect();
        let every_row_named = (start..k)
            .filter(|&r| prints_code_and_amounts(&lines[r]))
            .all(|r| named.iter().any(|n| n.row == r));
        // A piece right under a row that prints its name, starting under
        // that name: the name wraps (set at the top of its cell, or over
        // its row and ending on it). (A title after the table's last row,
        // centred on the page, is no name's end.)
        let under_name = |row: &Line, piece: &Segment| {
            row.segments
                .iter()
                .find(|s| !is_number(s.text))
                .is_some_and(|name| name.start <= piece.start && piece.start < name.end)
        };
        let wraps_elsewhere = (start + 1..k).any(|r| {
            name_piece(&lines[r]).is_some_and(|p| under_name(&lines[r - 1], p))
                && lines[r - 1].is_body()
                && !prints_code_and_amounts(&lines[r - 1])
                && right_under(&lines[r - 1], &lines[r])
        });
        // Each piece of a name but its last fills the column: as wide as
        // the widest piece, give or take a half-width character.
        let width = |r: usize| name_piece(&lines[r]).map_or(0, |p| printed_width(p.text));
        let widest = (start..k).map(width).max().unwrap_or(0);
        let filled = named
            .iter()
            .all(|n| (n.row + 1..n.end - 1).all(|r| width(r) + 1 >= widest));
        let ended = named.iter().all(|n| n.ended);
        if !(every_row_named && !wraps_elsewhere && filled && ended) {
            for n in &named {
                out[n.row + 1..n.end].fill(false);
            }
        }
    }
    out
}

/// Where a name piece `names_around` read stands to its row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Around {
    /// The start of the row below's name, set over its line.
    Head,
    /// The end of the row above's name, set under its line.
    Tail,
}

/// Names centred on their rows in cells two lines high (`社会保障和就` /
/// `208   754.75   754.75   0.00` / `业支出`: pdftotext sets the row's
/// code and amounts between the name's two lines; a one-line name
/// centred so, over the row's line). Read over a run of coded rows and
/// one-piece lines set one under the other, left-aligned in one column:
/// before the first row, one piece at most, its head; between two rows,
/// none, one or two (the upper row's tail, then the lower's head); after
/// the last, one at most, its tail. A lone piece between two rows is the
/// upper row's tail when that row's name goes on (its head fills the
/// column, or it has none yet), else the lower row's head; a piece either
/// could own leaves the run alone. The run is read only when it fits
/// centred names wholly (`read_run`); else its pieces are left to the
/// other rules. `taken`: lines `names_below` read.
pub(super) fn names_around(lines: &[Line], taken: &[bool]) -> Vec<Option<Around>> {
    let mut out = vec![None; lines.len()];
    let piece = |k: usize| name_piece(&lines[k]).filter(|p| !taken[k] && !is_total(p.text));
    let mut k = 0;
    while k < lines.len() {
        // A run: lines right under each other on a page, each a coded row
        // or a piece; not starting at a header's label heading (`科目编码`).
        let start = k;
        let in_run = |j: usize| prints_code_first(&lines[j]) || piece(j).is_some();
        let heading = piece(k).is_some_and(|p| is_label_heading(p.text));
        if !in_run(k) || heading {
            k += 1;
            continue;
        }
        k += 1;
        while k < lines.len()
            && in_run(k)
            && right_under(&lines[k - 1], &lines[k])
            && lines[k].page == lines[start].page
        {
            k += 1;
        }
        // The run's coded rows (its lines that are no piece).
        let rows: Vec<usize> = (start..k).filter(|&j| piece(j).is_none()).collect();
        read_run(lines, start..k, &rows, &piece, &mut out);
        if out[start..k].iter().all(Option::is_none) {
            read_run_over(lines, start..k, &rows, &piece, &mut out);
        }
        if out[start..k].iter().all(Option::is_none) {
            read_run_under(lines, start..k, &rows, &piece, &mut out);
        }
    }
    names_around_blank_cells(lines, &piece, &mut out);
    out
}

/// A name centred on a coded row that prints none (`机关事业单位基本养老保`
/// / `30108   446.11   30206   电费   18.86` / `险缴费`): a piece over the
/// row and a piece under it, in one column the row leaves blank. Read pair
/// by pair where the runs' rules cannot: the row prints the other side's
/// name (a two-sided 基本支出 table; the runs take rows of codes and
/// amounts only), or the rows right over and under print their names in
/// that column (so neither wants a piece).
fn names_around_blank_cells<'a>(
    lines: &[Line<'a>],
    piece: &dyn Fn(usize) -> Option<&'a Segment<'a>>,
    out: &mut [Option<Around>],
) {
    for k in 0..lines.len().saturating_sub(2) {
        let (Some(head), Some(tail)) = (piece(k), piece(k + 2)) else {
            continue;
        };
        let row = &lines[k + 1];
        // As printed (a Chinese character two columns wide): a `-layout`
        // dump counts it one, and sets the row's amount under the name's
        // printed end, where no column can tell the two apart.
        let (from, to) = (
            head.start.min(tail.start),
            head.printed_span().1.max(tail.printed_span().1),
        );
        // Centred under each other, give or take the dump's rounding of
        // wide characters to columns.
        let overlaps = head.start < tail.end + NEAR && tail.start < head.end + NEAR;
        let blank_between = row.segments.iter().all(|s| s.end <= from || to <= s.start)
            && row.segments.iter().any(|s| s.end <= from);
        // The other side's name, past the blank; or rows named in the
        // column right over and right under the three lines, which want
        // no piece. Otherwise the pieces may be the rows around's: the
        // runs' to read, or to leave in doubt.
        let names_beside = row
            .segments
            .iter()
            .any(|s| s.start >= to && !is_number(s.text));
        let named = |j: usize| {
            lines.get(j).is_some_and(|l| {
                l.is_body()
                    && l.segments
                        .iter()
                        .any(|s| !is_number(s.text) && s.start < to && from < s.end)
            })
        };
        let named_around = k
            .checked_sub(1)
            .is_some_and(|a| named(a) && right_under(&lines[a], &lines[k]))
            && named(k + 3)
            && right_under(&lines[k + 2], &lines[k + 3]);
        let free = out[k].is_none() && out[k + 2].is_none();
        let on_one_page = lines[k].page == row.page && row.page == lines[k + 2].page;
        if free
            && overlaps
            && blank_between
            && (names_beside || named_around)
            && on_one_page
            && prints_code_first(row)
            && right_under(&lines[k], row)
            && right_under(row, &lines[k + 2])
        {
            out[k] = Some(Around::Head);
            out[k + 2] = Some(Around::Tail);
        }
    }
}

/// Names set over their rows and ending on them (`社会保障和` /
/// `208  就业支出  754.75 …`): a cell whose text sits at its bottom, a
/// spreadsheet's default, wraps upwards, its last piece on the row's line;
/// a row printing no name has its name over it (text set at the top of a
/// row whose amounts sit at the bottom). In such a run of coded rows every
/// piece is the head of the row below it. Read only when the run fits that
/// reading wholly and not the usual one (a name wrapped under its row):
/// the pieces and the names start in one column, no piece follows the
/// run's last row, a row printing no name has one over it (or is blank,
/// with no piece under it either), every piece but such a name's last
/// fills the column, and some row's name, narrower than the column, has a
/// piece under it (a name wrapped at the top of its cell fills the column
/// on the row's line); or the run is one row ending its name on its line
/// and the pieces over it, blank lines around them.
fn read_run_over<'a>(
    lines: &[Line<'a>],
    run: std::ops::Range<usize>,
    rows: &[usize],
    piece: &dyn Fn(usize) -> Option<&'a Segment<'a>>,
    out: &mut [Option<Around>],
) {
    let Some(&last) = rows.last() else {
        return;
    };
    let heads: Vec<&Segment> = run.clone().filter_map(piece).collect();
    let Some(left) = heads.first().map(|p| p.start) else {
        return;
    };
    let in_column = |p: &Segment| p.start.abs_diff(left) <= 1;
    let Some(names) = names_in_column(lines, rows, left) else {
        return;
    };
    let widest = heads
        .iter()
        .copied()
        .chain(names.iter().flatten().copied())
        .map(|p| printed_width(p.text))
        .max()
        .unwrap_or(0);
    let fills = |p: &Segment| printed_width(p.text) + 1 >= widest;
    // Walking the rows with the lines over each: the pieces but an
    // unnamed row's last fill the column, an unnamed row has a head (or
    // no piece under it either: its name is blank), a name spans a cell's
    // lines at most.
    let mut above = run.start;
    let mut fits = heads.iter().all(|p| in_column(p)) && last + 1 == run.end;
    let mut ends_short = false;
    for (&r, name) in rows.iter().zip(&names) {
        let over = above..r;
        let last_head = match name {
            Some(_) => None,
            None => over.clone().last(),
        };
        fits &= over.len() < MAX_NAME_LINES
            && (name.is_some() || !over.is_empty() || r + 1 == run.end || piece(r + 1).is_none())
            && over
                .filter(|&j| Some(j) != last_head)
                .all(|j| piece(j).is_some_and(fills));
        ends_short |= r < last && piece(r + 1).is_some() && name.is_some_and(|n| !fills(n));
        above = r + 1;
    }
    // Or one row ending its name on its line, with the pieces over it set
    // apart from the lines around by blank ones (or under the header's
    // label heading, `科目编码`): no row above can own them. (A row
    // printing no name may have its name a line low, after a blank line:
    // the pieces are the row above's.)
    let apart = |above: usize, below: usize| {
        lines
            .get(below)
            .is_none_or(|b| !right_under(&lines[above], b))
    };
    let alone = rows.len() == 1
        && names[0].is_some()
        && last > run.start
        && run
            .start
            .checked_sub(1)
            .is_none_or(|a| apart(a, run.start) || is_lone_label_heading(&lines[a]))
        && apart(last, last + 1);
    if fits && (ends_short || alone) {
        for j in run.filter(|&j| piece(j).is_some()) {
            out[j] = Some(Around::Head);
        }
    }
}

/// Names wrapped under their rows over more than one line (`2080505` /
/// `机关事业单位` on the row's line, `基本养老保险` and `缴费支出` under
/// it: a cell whose text sits at its top). In a run of coded rows each
/// printing its name, every piece is then the end of the row above's
/// name. Read only when the run fits that reading wholly and not a name
/// set over its row: the pieces and the names start in one column, no
/// piece comes before the run's first row, each name's pieces but its
/// last fill the column (the row's own line too), some name ends
/// narrower than the column (a name set over its row would fill it
/// there), and some name has two pieces under its row (one is the other
/// rules' to read: [`super::label_line`]).
fn read_run_under<'a>(
    lines: &[Line<'a>],
    run: std::ops::Range<usize>,
    rows: &[usize],
    piece: &dyn Fn(usize) -> Option<&'a Segment<'a>>,
    out: &mut [Option<Around>],
) {
    let (Some(&first), Some(left)) = (rows.first(), run.clone().find_map(piece)) else {
        return;
    };
    let left = left.start;
    let Some(names) = names_in_column(lines, rows, left) else {
        return;
    };
    let Some(names) = names.into_iter().collect::<Option<Vec<&Segment>>>() else {
        return;
    };
    let tails: Vec<Vec<&Segment>> = rows
        .iter()
        .map(|&r| (r + 1..run.end).map_while(piece).collect())
        .collect();
    let widest = tails
        .iter()
        .flatten()
        .chain(&names)
        .map(|p| printed_width(p.text))
        .max()
        .unwrap_or(0);
    let fills = |p: &Segment| printed_width(p.text) + 1 >= widest;
    let mut fits = first == run.start
        && tails.iter().flatten().all(|p| p.start.abs_diff(left) <= 1)
        && tails.iter().all(|t| t.len() < MAX_NAME_LINES);
    let mut ends_short = false;
    for (name, tail) in names.iter().zip(&tails) {
        let pieces: Vec<&Segment> = std::iter::once(*name).chain(tail.iter().copied()).collect();
        if let Some((last, before)) = pieces.split_last() {
            fits &= before.iter().all(|p| fills(p));
            ends_short |= !tail.is_empty() && !fills(last);
        }
    }
    if fits && ends_short && tails.iter().any(|t| t.len() >= 2) {
        for j in run.filter(|&j| piece(j).is_some()) {
            out[j] = Some(Around::Tail);
        }
    }
}

/// Each row's name printed after its code (`None`: it prints none), when
/// every name printed starts in the column at `left` (give or take one).
fn names_in_column<'l, 'a>(
    lines: &'l [Line<'a>],
    rows: &[usize],
    left: usize,
) -> Option<Vec<Option<&'l Segment<'a>>>> {
    rows.iter()
        .map(|&r| {
            let name = lines[r].segments[1..]
                .iter()
                .find(|s| !is_number(s.text) && !normalize::is_dash(s.text));
            match name {
                Some(n) if n.start.abs_diff(left) > 1 => None,
                _ => Some(name),
            }
        })
        .collect()
}

/// `names_around` on one run of lines.
fn read_run<'a>(
    lines: &[Line<'a>],
    run: std::ops::Range<usize>,
    rows: &[usize],
    piece: &dyn Fn(usize) -> Option<&'a Segment<'a>>,
    out: &mut [Option<Around>],
) {
    let (Some(&first), Some(&last)) = (rows.first(), rows.last()) else {
        return;
    };
    let pieces: Vec<usize> = run.clone().filter(|&j| piece(j).is_some()).collect();
    let Some(left) = pieces.first().and_then(|&j| piece(j)).map(|p| p.start) else {
        return;
    };
    // One column, its pieces left-aligned; the widest fills it.
    let aligned = pieces
        .iter()
        .all(|&j| piece(j).is_some_and(|p| p.start.abs_diff(left) <= 1));
    let widest = pieces
        .iter()
        .filter_map(|&j| piece(j))
        .map(|p| printed_width(p.text))
        .max()
        .unwrap_or(0);
    let fills = |j: usize| piece(j).is_some_and(|p| printed_width(p.text) + 1 >= widest);
    if !aligned || first - run.start > 1 || run.end - last > 2 {
        return;
    }
    let unnamed = |r: usize| prints_code_and_amounts(&lines[r]);
    let mut read: Vec<(usize, Around)> = Vec::new();
    if first > run.start {
        read.push((run.start, Around::Head));
    }
    for pair in rows.windows(2) {
        let (upper, lower) = (pair[0], pair[1]);
        // The upper row's name goes on under it when its head filled the
        // column (a wrapped name's first piece: centred, as many lines
        // under the row as over it), or when it has no name yet; `None`
        // for a row printing its name with no head over it.
        let headed = read
            .last()
            .filter(|&&(j, a)| a == Around::Head && j + 1 == upper);
        let goes_on = match headed {
            Some(&(j, _)) => Some(fills(j)),
            None if unnamed(upper) => Some(true),
            None => None,
        };
        match (lower - upper - 1, goes_on) {
            (0, _) => {}
            // A row printing no name has its name's first piece over it;
            // a piece that could as well end the name over it is either's.
            // Under a row printing its name with no head, a piece may end
            // that name (wrapped at the top of its cell) or start the next
            // row's: left to the other rules, unless the next row prints
            // no name: then it is that row's head when it fills the column
            // (a wrapped name's first piece), else either's.
            (1, None) if unnamed(lower) && fills(upper + 1) => {
                read.push((upper + 1, Around::Head));
            }
            (1, Some(true) | None) if unnamed(lower) => return,
            (1, None) => {}
            (1, Some(true)) => read.push((upper + 1, Around::Tail)),
            (1, Some(false)) => read.push((upper + 1, Around::Head)),
            (2, Some(_)) => {
                read.push((upper + 1, Around::Tail));
                read.push((upper + 2, Around::Head));
            }
            _ => return,
        }
    }
    // A piece after the last row ends its name, unless a coded row
    // follows on the next page and the last row's name may have ended:
    // the piece may start that row's name.
    let row_follows = lines
        .get(run.end)
        .is_some_and(|l| l.page != lines[last].page && prints_code_first(l));
    let last_goes_on = match read.last() {
        Some(&(j, Around::Head)) if j + 1 == last => fills(j),
        _ => unnamed(last),
    };
    if run.end > last + 1 && (last_goes_on || !row_follows) {
        read.push((last + 1, Around::Tail));
    }
    // Centred names, as many lines over the row as under it: a row
    // printing its name took a head and a tail or neither; a row printing
    // none took a head, and a tail or not (a name of one line set over
    // its row). Names wholly under their rows are `names_below`'s; names
    // set over their rows and ending on them, or wrapped under, break this.
    let took = |r: usize, around: Around| {
        read.iter().any(|&(j, a)| {
            a == around
                && match a {
                    Around::Head => j + 1 == r,
                    Around::Tail => j == r + 1,
                }
        })
    };
    // A name's pieces but its last fill the column: a row's head when it
    // took a tail, and the name it prints between them.
    let inline_fills = |r: usize| {
        lines[r]
            .segments
            .iter()
            .find(|s| !is_number(s.text))
            .is_some_and(|s| printed_width(s.text) + 1 >= widest)
    };
    let centred = rows.iter().all(|&r| {
        let (head, tail) = (took(r, Around::Head), took(r, Around::Tail));
        // (A head stands on the line right over its row: `r - 1`.)
        let wrapped = !tail || (head && fills(r - 1) && (unnamed(r) || inline_fills(r)));
        // A head filling the column over a row printing no name goes on
        // under it (else the rest may be cut off, or be the next row's).
        let ended = !(unnamed(r) && head && !tail && fills(r - 1));
        wrapped && ended && if unnamed(r) { head } else { head == tail }
    });
    let some_unnamed = rows.iter().any(|&r| unnamed(r));
    if !some_unnamed || !centred {
        return;
    }
    for (j, a) in read {
        out[j] = Some(a);
    }
}

/// A name `names_below` read under its row: the row's line, the line
/// after the name's last piece, and whether the name ended where a gap or
/// the next row begins.
struct NameUnder {
    row: usize,
    end: usize,
    ended: bool,
}

/// A table line that starts with a code (`208`, `2080505`).
fn prints_code_first(line: &Line) -> bool {
    line.is_body()
        && line
            .segments
            .first()
            .is_some_and(|c| c.text.bytes().all(|b| b.is_ascii_digit()))
}

/// A table line of a code, then amounts (or dashes) only.
fn prints_code_and_amounts(line: &Line) -> bool {
    prints_code_first(line)
        && line
            .segments
            .iter()
            .all(|s| is_number(s.text) || normalize::is_dash(s.text))
}

/// A line's one piece of label text: no amount, no note or heading.
fn name_piece<'l, 'a>(line: &'l Line<'a>) -> Option<&'l Segment<'a>> {
    match line.segments.as_slice() {
        [only] if !is_number(only.text) && !is_note(only.text) && !opens_item(only.text) => {
            Some(only)
        }
        _ => None,
    }
}

/// Whether a body line prints a code, then amounts only, and nothing over
/// `name`: a row whose name cell is blank where `name` is set.
pub(super) fn unnamed_at(row: &Line, name: &Segment) -> bool {
    // Positions as the dump prints them: a Chinese character one column.
    let (from, to) = (name.start, name.end);
    let [code, rest @ ..] = row.segments.as_slice() else {
        return false;
    };
    prints_code_and_amounts(row)
        && code.end <= from
        && row.segments.iter().all(|s| s.end <= from || to <= s.start)
        && rest.iter().any(|s| s.start >= to)
}

/// Whether `below` is the line right after `above` in the dump (every line
/// here is numbered: [`super::items`] makes them from the text's lines).
pub(super) fn right_under(above: &Line, below: &Line) -> bool {
    match (above.at, below.at) {
        (Provenance::Line(a), Provenance::Line(b)) => b == a + 1,
        _ => false,
    }
}
