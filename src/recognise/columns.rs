//! Header rows → the canonical measure of every amount column.
//!
//! Published headers are unreliable: merged cells are collapsed in
//! cell-per-line dumps, shifted by a cell in tab dumps, cut short, or missing.
//! So the resolver works in two steps:
//! 1. *leaf assembly* — read the header rows top to bottom; a lower row's
//!    measures replace the group heading above them (`财政拨款(补助)` →
//!    `小计, 一般公共预算, …`), by reading order, or by position when a
//!    measure heads sub-columns (`基本支出` → `人员经费, 公用经费`);
//! 2. *reconciliation* — the leaves are checked against the table kind's
//!    standard layouts of the table's width; a layout fills columns whose
//!    header is missing or cut short.

use crate::grammar::{Grammar, HeaderMeaning, Measure};
use crate::model::{Cell, CellStatus, Unit};
use crate::normalize;
use std::borrow::Cow;

/// The measure of each amount column, and how sure we are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub measures: Vec<Option<Measure>>,
    /// `Ok` when the header (or the only standard layout of this width)
    /// fixes every column; `Uncertain` when several layouts fit.
    pub status: CellStatus,
    /// Other layouts' measures per column, when the choice was not unique.
    pub alternatives: Vec<Vec<Measure>>,
    /// Why some columns are unknown, for the document's issues.
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
struct Token {
    pos: usize,
    meaning: HeaderMeaning,
    /// The header cell, normalised.
    text: String,
    /// Named only with the measure heading over it (`财政拨款` over `结转`):
    /// the heading's cell wrapped, or the column's own heading.
    joins_heading: bool,
}

impl Token {
    fn candidates(&self) -> Vec<Measure> {
        match &self.meaning {
            HeaderMeaning::Measure(m) => vec![m],
            HeaderMeaning::Prefix(ms) => ms.clone(),
            _ => vec![],
        }
    }
    fn is_group(&self) -> bool {
        self.meaning == HeaderMeaning::Other
    }
    /// A header matched only as a prefix may be a group heading
    /// (`财政拨款(补助)` over `财政拨款(补助)小计 …`).
    fn is_weak(&self) -> bool {
        matches!(self.meaning, HeaderMeaning::Prefix(_))
    }
}

/// A column-number row's cell over a label column: `※`, `*`, the national
/// final-account template's `栏次` / `行次` and its lettered label columns.
fn is_column_number_marker(t: &str) -> bool {
    matches!(
        t,
        "※" | "*" | "栏次" | "行次" | "栏号" | "甲" | "乙" | "丙" | "丁"
    )
}

/// True for the column-number row (`※ ※ 1 2 3 …`, `栏次 | | 1 | 2 …`).
pub fn is_column_number_row(cells: &[Cell]) -> bool {
    lists_column_numbers(cells.iter().map(|c| c.text.as_str()))
}

/// True for the texts of a column-number row, blank cells left out or not
/// (a flow dump's `栏次 1 栏次 2`, `甲 1 乙 2`).
pub fn lists_column_numbers<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    // A cell may hold two, run together by the dump's spacing (`1 栏次`).
    // Read one at a time: most rows fail at their first word.
    let words = texts
        .flat_map(|t| t.split(normalize::is_space))
        .map(normalize::label)
        .filter(|t| !t.is_empty());
    // Numbered 1, 2, 3 …; a two-sided table numbers each side after its
    // `栏次` (`栏次 | | 1 | 栏次 | | 2`), on or afresh from 1.
    // After a marker first (`※`, `栏次`), a row of small whole numbers
    // numbers the columns whatever their order: counted from the label
    // column (`※ | 2 | 3 | 4`), or from the right.
    let (mut filled, mut stars, mut numbers) = (0, 0, 0);
    let mut last: Option<u32> = None;
    let mut after_marker = false;
    let mut seen = 0u128;
    let mut marker_first = false;
    for t in words {
        filled += 1;
        if is_column_number_marker(&t) {
            marker_first |= filled == 1;
            stars += 1;
            after_marker = true;
            continue;
        }
        let Ok(n) = t.parse::<u32>() else {
            return false;
        };
        let follows = match last {
            None => n == 1,
            Some(l) => n == l + 1 || (after_marker && n == 1),
        };
        if !(follows || marker_first && n < 100 && seen & (1 << n) == 0) {
            return false;
        }
        if n < 100 {
            seen |= 1 << n;
        }
        last = Some(n);
        after_marker = false;
        numbers += 1;
    }
    filled >= 2 && numbers > 0 && (stars > 0 || numbers >= 3)
}

/// From a column-number row: (index of the first amount column, number of amount columns).
pub fn column_numbers(cells: &[Cell]) -> Option<(usize, usize)> {
    if !is_column_number_row(cells) {
        return None;
    }
    let first = cells
        .iter()
        .position(|c| normalize::label(&c.text) == "1")?;
    let count = cells
        .iter()
        .filter(|c| normalize::label(&c.text).parse::<u32>().is_ok())
        .count();
    Some((first, count))
}

fn tokens(g: &Grammar, cells: &[Cell], from: usize) -> Vec<Token> {
    cells
        .iter()
        .enumerate()
        .skip(from)
        .map(|(pos, c)| (pos, c, normalize::label(&c.text)))
        .filter(|(_, _, text)| !text.is_empty())
        .map(|(pos, c, text)| Token {
            pos,
            meaning: g.header(&c.text),
            text: text.into_owned(),
            joins_heading: false,
        })
        .filter(|t| t.meaning != HeaderMeaning::Label)
        .collect()
}

/// Step 1: the leaf header of each column, left to right.
fn assemble_leaves(g: &Grammar, rows: &[&[Cell]], from: usize) -> Vec<Token> {
    let mut leaves: Vec<Token> = Vec::new();
    for row in rows.iter().filter(|r| !is_column_number_row(r)) {
        let toks = tokens(g, row, from);
        if toks.is_empty() {
            continue;
        }
        if leaves.is_empty() {
            leaves = toks;
            continue;
        }
        let children: Vec<Token> = toks
            .into_iter()
            .map(|t| named_by_heading(g, &leaves, t))
            .filter(|t| !t.candidates().is_empty())
            .collect();
        if children.is_empty() {
            continue;
        }
        leaves = substitute(g, leaves, children);
    }
    leaves
}

/// A lower header cell that names no measure by itself but does after the
/// name of the measure heading over it (`比上年增减` over `金额 | 比例`:
/// 增减金额, 增减比例) takes that meaning.
fn named_by_heading(g: &Grammar, leaves: &[Token], mut t: Token) -> Token {
    if !t.candidates().is_empty() {
        return t;
    }
    let Some(HeaderMeaning::Measure(heading)) = leaves
        .iter()
        .rev()
        .find(|l| l.pos <= t.pos)
        .map(|l| &l.meaning)
    else {
        return t;
    };
    let named =
        g.synonyms_of(heading)
            .iter()
            .find_map(|w| match g.header(&format!("{w}{}", t.text)) {
                HeaderMeaning::Measure(m) => Some(m),
                _ => None,
            });
    if let Some(m) = named {
        t.meaning = HeaderMeaning::Measure(m);
        t.joins_heading = true;
    }
    t
}

/// Puts `children` (a lower header row) in place of the heading they belong to.
fn substitute(g: &Grammar, leaves: Vec<Token>, children: Vec<Token>) -> Vec<Token> {
    let groups: Vec<usize> = leaves
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_group())
        .map(|(i, _)| i)
        .collect();
    let weak: Vec<usize> = leaves
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_weak())
        .map(|(i, _)| i)
        .collect();
    // A comparison heading with a column of its own below it (`比上年增减`
    // over 增减额 | 增减率, `上年预算数` over its block, `2023年` over
    // `预算数`) heads a group too: then every heading takes the columns
    // below it, by position. (Only these: in a cell-per-line dump a group's
    // columns may sit under the measure heading beside it.)
    let heads_columns = |i: usize| {
        let end = leaves.get(i + 1).map_or(usize::MAX, |n| n.pos);
        children
            .iter()
            .any(|c| (leaves[i].pos..end).contains(&c.pos))
    };
    let measure_groups = (0..leaves.len()).any(|i| {
        matches!(leaves[i].meaning, HeaderMeaning::Measure(m) if g.identities.is_comparison(m))
            && heads_columns(i)
    });
    let single = match (groups.as_slice(), weak.as_slice()) {
        _ if measure_groups => None,
        ([g], _) => Some(*g),
        ([], [w]) => Some(*w),
        _ => None,
    };
    if let Some(i) = single {
        let children = under_heading(g, &leaves[i], children);
        let mut out = leaves;
        out.splice(i..=i, children);
        return out;
    }
    // By position: a heading spans up to the next heading on its row.
    let mut out = Vec::new();
    let mut used = 0;
    for (i, leaf) in leaves.iter().enumerate() {
        let end = leaves.get(i + 1).map_or(usize::MAX, |n| n.pos);
        let under: Vec<Token> = children
            .iter()
            .filter(|c| c.pos >= leaf.pos && c.pos < end)
            .cloned()
            .collect();
        // One cell that names a measure only with this heading's name
        // (`财政拨款` over `结转`: 财政拨款结转) is the column's whole name.
        let named_with_it = matches!(under.as_slice(), [only] if only.joins_heading);
        // A heading naming a measure over one cell that completes another's
        // name (`项目支出` over `合计`: 项目支出合计, the project table's total):
        // the whole name.
        let completed = match under.as_slice() {
            [only] => match g.header(&wrapped_text(&leaf.text, &only.text)) {
                HeaderMeaning::Measure(m) if leaf.meaning != HeaderMeaning::Measure(m) => Some(m),
                _ => None,
            },
            _ => None,
        };
        if let (Some(m), [only]) = (completed, under.as_slice()) {
            used += 1;
            let mut whole = only.clone();
            whole.meaning = HeaderMeaning::Measure(m);
            out.push(whole);
        } else if under.len() >= 2 || (under.len() == 1 && (leaf.is_group() || named_with_it)) {
            used += under.len();
            out.extend(under_heading(g, leaf, under));
        } else {
            out.push(leaf.clone());
        }
    }
    if used == 0 && groups.is_empty() && weak.is_empty() && children.len() > leaves.len() {
        // The lower row is the complete leaf row.
        return children;
    }
    out
}

/// What `children` mean under `heading`, which they replace.
///
/// Last year's block (`上年预算数` over 合计 | 基本支出 | 项目支出): its 合计
/// is the year before's figure; its parts have no key of their own and stay
/// unknown (reported, never read as this year's).
///
/// Otherwise a `小计` (or `合计`) under a heading is that heading's
/// subtotal, not the table's total: `财政拨款(补助)` over `小计 | 一般公共预算
/// | …` is `财政拨款(补助)小计`, fiscal_subtotal (two `total` columns
/// otherwise), and `基本支出` over `小计 | 人员经费 | 公用经费` is `basic`.
fn under_heading(g: &Grammar, heading: &Token, mut children: Vec<Token>) -> Vec<Token> {
    if heading.meaning == HeaderMeaning::Measure("prior_year") && children.len() >= 2 {
        for c in &mut children {
            c.meaning = if c.candidates() == ["total"] {
                HeaderMeaning::Measure("prior_year")
            } else {
                HeaderMeaning::Other
            };
        }
        return children;
    }
    for c in &mut children {
        if c.candidates() != ["total"] {
            continue;
        }
        let joined = format!("{}{}", heading.text, c.text);
        let named = match (g.header(&joined), &heading.meaning) {
            (HeaderMeaning::Measure(m), _) => Some(m),
            (_, HeaderMeaning::Prefix(ms)) if ms.len() == 1 => Some(ms[0]),
            // `基本支出` over `小计 | 人员经费 | 公用经费`: the heading's own.
            // Not a `合计` (`基本支出` over `合计 | 人员经费 | 公用经费` heads
            // the basic table's total), nor under a year's heading
            // (`本年预算数` over `小计 | 基本支出 | …`).
            (_, HeaderMeaning::Measure(m))
                if Unit::split_suffix(&c.text).0 == "小计"
                    && !matches!(*m, "budget" | "final")
                    && !g.identities.is_comparison(m) =>
            {
                Some(*m)
            }
            _ => None,
        };
        if let Some(m) = named.filter(|m| *m != "total") {
            c.meaning = HeaderMeaning::Measure(m);
        }
    }
    children
}

/// Header rows with every row that only continues the cells above it
/// (`本年收入合` / `计`, `附属单位` / `上缴收入`: text wrapped inside a
/// narrow column) joined to that row, cell by cell.
pub fn join_wrapped_rows<'a>(g: &Grammar, rows: &[&'a [Cell]]) -> Vec<Cow<'a, [Cell]>> {
    let mut out: Vec<Cow<'a, [Cell]>> = Vec::with_capacity(rows.len());
    for &row in rows {
        match out.last_mut() {
            Some(upper) if continues_cells(g, upper, row) => {
                let joined: Vec<Cell> = upper
                    .iter()
                    .zip(row.iter().map(Some).chain(std::iter::repeat(None)))
                    .map(|(u, l)| {
                        let mut c = u.clone();
                        if let Some(l) = l.filter(|l| !normalize::is_blank(&l.text)) {
                            c.text = wrapped_text(&u.text, &l.text);
                        }
                        c
                    })
                    .collect();
                *upper = Cow::Owned(joined);
            }
            _ => out.push(Cow::Borrowed(row)),
        }
    }
    join_interleaved_cells(g, &mut out);
    out
}

/// Joins, column by column, a cell wrapped in a narrow column whose lines
/// came out between the lines of a taller cell beside it (`本年收入合` /
/// `支出功能分类` / `计`, `附属单` / `本年收入合` / `位上` / `计` / `缴收入`:
/// cells set at their middles, pdftotext interleaves them), so no row
/// continues the one above as a whole: a cell joins the nearest text above
/// it in its column, blanks between, when together they name a measure or
/// a label column (or its start) and not both name something alone.
fn join_interleaved_cells(g: &Grammar, rows: &mut [Cow<'_, [Cell]>]) {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    for c in 0..width {
        let mut above: Option<usize> = None;
        for j in 0..rows.len() {
            let Some(lower) = rows[j].get(c).filter(|l| !normalize::is_blank(&l.text)) else {
                continue;
            };
            let joined = above.and_then(|i| {
                let upper = &rows[i][c].text;
                continues_cell(g, upper, &lower.text).then(|| (i, wrapped_text(upper, &lower.text)))
            });
            match joined {
                Some((i, text)) => {
                    rows[i].to_mut()[c].text = text;
                    rows[j].to_mut()[c].text.clear();
                }
                None => above = Some(j),
            }
        }
    }
}

/// A cell's text and its wrapped end on the row below, as one name.
fn wrapped_text(upper: &str, lower: &str) -> String {
    format!("{}{}", upper.trim_end(), lower.trim_start())
}

/// Whether `lower` is the wrapped end of `upper`'s cells: each of its
/// cells sits under a cell of `upper`, and each that holds a name joins
/// the cell above into a measure's or a label column's name (or its
/// start, wrapped again on the next row) that the
/// upper cell alone is not (`上级补助` + `收入`), or names nothing alone
/// (`财政拨款` + `结转`). A row of the heading's parts (`基本支出` over
/// `人员经费 | 公用经费`) names measures alone, and its cells that stand
/// under blanks (a merged heading) are no wrapped ends.
fn continues_cells(g: &Grammar, upper: &[Cell], lower: &[Cell]) -> bool {
    if lower.len() > upper.len() || is_column_number_row(lower) || is_column_number_row(upper) {
        return false;
    }
    let mut joins = 0;
    for (u, l) in upper.iter().zip(lower) {
        if normalize::is_blank(&l.text) {
            continue;
        }
        if normalize::is_blank(&u.text) {
            return false;
        }
        if !continues_cell(g, &u.text, &l.text) {
            return false;
        }
        joins += 1;
    }
    joins > 0
}

/// Whether header text `lower` is the wrapped end of `upper`: together
/// they name a measure or a label column, or its start (still cut short:
/// `对附属单` / `位补助支` / `出`), and not both name something alone.
fn continues_cell(g: &Grammar, upper: &str, lower: &str) -> bool {
    let names = |t: &str| !matches!(g.header(t), HeaderMeaning::Other);
    let upper_names = matches!(
        g.header(upper),
        HeaderMeaning::Measure(_) | HeaderMeaning::Label
    );
    // A name cut mid-word (`一般公共预`, only the start of measures'
    // names) over words naming nothing (`算基本支出`): a heading the
    // grammar does not know, wrapped. Left apart, its start would be read
    // as a measure.
    let wrapped = wrapped_text(upper, lower);
    let cut_mid_word = || {
        let HeaderMeaning::Prefix(measures) = g.header(upper) else {
            return false;
        };
        let (upper, joined) = (normalize::label(upper), normalize::label(&wrapped));
        let completed = measures.iter().flat_map(|m| g.synonyms_of(m)).any(|name| {
            name.len() > upper.len() && name.starts_with(upper.as_ref()) && joined.starts_with(name)
        });
        completed && !names(lower) && !names(&joined)
    };
    (names(&wrapped) && !(upper_names && names(lower))) || cut_mid_word()
}

/// Resolves `width` amount columns whose header cells start at `from`.
pub fn resolve(
    g: &Grammar,
    header_rows: &[&[Cell]],
    from: usize,
    width: usize,
    layouts: &[Vec<Measure>],
) -> Columns {
    // A header whose amount columns each hold one heading, set on
    // different lines (cells of one line and of two centred in a tall
    // band): one row of headings, not a heading over its parts.
    if let Some(flat) = flat_header(g, header_rows, from) {
        let columns = resolve_rows(g, &[flat.as_slice()], from, width, layouts);
        let whole = columns.measures.iter().all(Option::is_some);
        if whole && columns.problem.is_none() && columns.status == CellStatus::Ok {
            return columns;
        }
    }
    resolve_rows(g, header_rows, from, width, layouts)
}

/// The header rows as one, when each column from `from` holds one name
/// of a measure (or its start) at most and two rows or more hold some:
/// the other text (label headings, words the grammar does not know) left
/// out.
fn flat_header(g: &Grammar, rows: &[&[Cell]], from: usize) -> Option<Vec<Cell>> {
    let names = |c: &Cell| {
        matches!(
            g.header(&c.text),
            HeaderMeaning::Measure(_) | HeaderMeaning::Prefix(_)
        )
    };
    let naming_rows = rows
        .iter()
        .filter(|r| r.iter().skip(from).any(names))
        .count();
    if naming_rows < 2 {
        return None;
    }
    let width = rows.iter().map(|r| r.len()).max()?;
    let mut flat: Vec<Cell> = rows.iter().find(|r| r.len() == width)?.to_vec();
    for (c, cell) in flat.iter_mut().enumerate() {
        cell.text.clear();
        if c < from {
            continue;
        }
        let mut pieces = rows.iter().filter_map(|r| r.get(c)).filter(|x| names(x));
        if let Some(piece) = pieces.next() {
            cell.text.clone_from(&piece.text);
        }
        if pieces.next().is_some() {
            return None;
        }
    }
    Some(flat)
}

/// The cells where the header rows print their columns' headings, from
/// `from`.
pub fn heading_cells(g: &Grammar, header_rows: &[&[Cell]], from: usize) -> Vec<usize> {
    assemble_leaves(g, header_rows, from)
        .iter()
        .map(|t| t.pos)
        .collect()
}

/// `resolve` on the header rows as given.
fn resolve_rows(
    g: &Grammar,
    header_rows: &[&[Cell]],
    from: usize,
    width: usize,
    layouts: &[Vec<Measure>],
) -> Columns {
    let leaves = assemble_leaves(g, header_rows, from);
    let cands: Vec<Vec<Measure>> = leaves.iter().map(Token::candidates).collect();
    let mut columns = resolve_leaves(&cands, width, layouts);
    // No heading read at all over a table's three columns or more (its
    // header lost, or printed away from it): the kind's one layout of that
    // width is a guess. (A two-sided table's sides are resolved apart, the
    // other side's headings telling which they are.)
    if cands.is_empty() && width >= 3 && columns.problem.is_none() {
        columns.status = columns.status.max(CellStatus::Uncertain);
    }
    if columns.measures.iter().all(Option::is_none) {
        if let Some(named) = layout_named_wholly(g, header_rows, from, width, layouts) {
            return named;
        }
    }
    // A printed header the grammar does not know is the layout's column
    // only when it reads as a variant of that column's name: more words
    // around it (`单位上年结余(不包括国库集中支付额度结余)`) or fewer
    // (`对社保基金补助`). One that names something else
    // (`其中:公共预算财政拨款` where the layout has 决算数) leaves the
    // reading uncertain.
    let printed_unknown = cands.len() == width
        && leaves.iter().zip(&columns.measures).any(|(leaf, m)| {
            leaf.meaning == HeaderMeaning::Other
                && m.is_some_and(|m| !g.synonyms_of(m).iter().any(|w| names_alike(&leaf.text, w)))
        });
    if printed_unknown && columns.status == CellStatus::Ok {
        return Columns {
            status: CellStatus::Uncertain,
            ..columns
        };
    }
    columns
}

/// The one standard layout of `width` columns whose every measure the
/// header's cells name, wherever they stand: a header whose cells the
/// dump's spacing set apart from their columns (an unruled table, centred
/// headings over a group: `基本支出` over `人员经费` / `公用经费`) still
/// names its columns. Each header line must name them in the layout's
/// order: the rows' sums cannot tell two parts of one total apart.
fn layout_named_wholly(
    g: &Grammar,
    header_rows: &[&[Cell]],
    from: usize,
    width: usize,
    layouts: &[Vec<Measure>],
) -> Option<Columns> {
    if width < 3 {
        return None;
    }
    let lines: Vec<Vec<Measure>> = header_rows
        .iter()
        .map(|row| {
            let text: String = row.iter().skip(from).map(|c| c.text.as_str()).collect();
            g.measures_named(&text)
        })
        .collect();
    let in_order = |layout: &[Measure]| {
        lines.iter().all(|named| {
            let places: Vec<usize> = named
                .iter()
                .filter_map(|m| layout.iter().position(|x| x == m))
                .collect();
            places.windows(2).all(|w| w[0] < w[1])
        })
    };
    let named_wholly = |layout: &&Vec<Measure>| {
        layout.len() == width
            && layout
                .iter()
                .all(|m| lines.iter().flatten().any(|n| n == m))
            && in_order(layout)
    };
    let mut wholly = layouts.iter().filter(named_wholly);
    match (wholly.next(), wholly.next()) {
        (Some(only), None) => Some(Columns {
            measures: only.iter().map(|m| Some(*m)).collect(),
            status: CellStatus::Ok,
            alternatives: vec![vec![]; width],
            problem: None,
        }),
        _ => None,
    }
}

/// Whether printed header `a` and a measure's name `b` name the same thing:
/// one holds the other, or nearly all the characters of one are in the
/// other (an abbreviation, a word dropped).
fn names_alike(a: &str, b: &str) -> bool {
    let share = |x: &str, y: &str| {
        let n = x.chars().count();
        let found = x.chars().filter(|c| y.contains(*c)).count();
        n > 0 && found * 4 >= n * 3
    };
    a.contains(b) || b.contains(a) || share(a, b) || share(b, a)
}

/// Step 2: reconcile leaf candidates with the standard layouts.
pub fn resolve_leaves(cands: &[Vec<Measure>], width: usize, layouts: &[Vec<Measure>]) -> Columns {
    let columns = resolve_by_layouts(cands, width, layouts);
    // A measure named by two columns (two blocks of columns whose headings
    // were not told apart): which amount is which is not known.
    let named: Vec<Measure> = columns.measures.iter().flatten().copied().collect();
    match super::named_twice(&named) {
        Some(twice) => Columns {
            status: CellStatus::Uncertain,
            problem: Some(format!("header names {twice} for two columns")),
            ..columns
        },
        None => columns,
    }
}

fn resolve_by_layouts(cands: &[Vec<Measure>], width: usize, layouts: &[Vec<Measure>]) -> Columns {
    let from_header = cands.len() == width && cands.iter().all(|c| c.len() == 1);
    if from_header {
        return Columns {
            measures: cands.iter().map(|c| Some(c[0])).collect(),
            status: CellStatus::Ok,
            alternatives: vec![vec![]; width],
            problem: None,
        };
    }
    let fitting: Vec<&Vec<Measure>> = layouts
        .iter()
        .filter(|l| l.len() == width && fits(cands, l))
        .collect();
    match fitting.as_slice() {
        [only] => Columns {
            measures: only.iter().map(|m| Some(*m)).collect(),
            status: CellStatus::Ok,
            alternatives: vec![vec![]; width],
            problem: None,
        },
        [first, rest @ ..] => Columns {
            measures: first.iter().map(|m| Some(*m)).collect(),
            status: CellStatus::Uncertain,
            alternatives: (0..width)
                .map(|i| {
                    rest.iter()
                        .map(|l| l[i])
                        .filter(|m| *m != first[i])
                        .collect()
                })
                .collect(),
            problem: None,
        },
        [] if cands.len() == width => {
            // Keep what the header says; unknown columns stay unknown.
            let measures: Vec<Option<Measure>> =
                cands.iter().map(|c| (c.len() == 1).then(|| c[0])).collect();
            let unknown = measures.iter().filter(|m| m.is_none()).count();
            Columns {
                measures,
                status: CellStatus::Ok,
                alternatives: vec![vec![]; width],
                problem: (unknown > 0)
                    .then(|| format!("{unknown} column header(s) not recognised")),
            }
        }
        [] => Columns {
            measures: vec![None; width],
            status: CellStatus::Uncertain,
            alternatives: vec![vec![]; width],
            problem: Some(format!(
                "header ({} recognised columns) fits no standard layout of {width} columns",
                cands.len()
            )),
        },
    }
}

/// Whether the leaves agree with a layout: position by position when there
/// are as many leaves as columns, else as a subsequence.
fn fits(cands: &[Vec<Measure>], layout: &[Measure]) -> bool {
    if cands.len() == layout.len() {
        return cands
            .iter()
            .zip(layout)
            .all(|(c, m)| c.is_empty() || c.contains(m));
    }
    let mut j = 0;
    for c in cands {
        while j < layout.len() && !(c.is_empty() || c.contains(&layout[j])) {
            j += 1;
        }
        if j == layout.len() {
            return false;
        }
        j += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|t| Cell::new(*t, Provenance::Line(1)))
            .collect()
    }

    fn measures(c: &Columns) -> Vec<&str> {
        c.measures.iter().map(|m| m.unwrap_or("?")).collect()
    }

    /// A 决算 income table's seven measures, in their standard order.
    const INCOME_MEASURES: [&str; 7] = [
        "total",
        "fiscal_grant",
        "superior_subsidy",
        "business_income",
        "operating_income",
        "affiliate_remittance",
        "other_income",
    ];

    fn income_layouts() -> &'static [Vec<Measure>] {
        &Grammar::global().kind("income").unwrap().layouts
    }

    #[test]
    fn a_heading_completed_by_the_one_cell_under_it_is_that_name() {
        // 003's 项目支出情况表 as `pdftotext -layout` sets it (LibreOffice's
        // PDF, a fuzzing review's find): `项目支出` over `合计`, each name of
        // its own, the columns beside wrapped in two lines. `项目支出` was
        // kept, the total read as 项目支出, `ok`.
        let g = Grammar::global();
        let r1 = row(&[
            "",
            "",
            "",
            "",
            "项目支出",
            "工资福利",
            "商品和服",
            "对个人和家",
        ]);
        let r2 = row(&["", "", "", "", "合计", "支出", "务支出", "庭的补助"]);
        let header = [r1.as_slice(), r2.as_slice()];
        let layouts = &g.kind("project").unwrap().layouts;
        let cols = resolve(g, &header, 4, 4, layouts);
        assert_eq!(measures(&cols)[0], "total", "{cols:?}");
    }

    #[test]
    fn cells_wrapped_in_narrow_columns_are_joined() {
        // 33_final_aligned of the review corpus: the 决算 income header,
        // each name wrapped in its column. Read row by row, `收入` (a label
        // word) and `上缴收入` (no name) left eight columns for seven.
        let g = Grammar::global();
        let r1 = row(&[
            "科目代",
            "科目名称",
            "本年收入合",
            "财政拨款收",
            "上级补助",
            "事业收入",
            "经营收入",
            "附属单位",
            "其他收入",
        ]);
        let r2 = row(&["码", "", "计", "入", "收入", "", "", "上缴收入", ""]);
        let r3 = row(&["", "", "", "", "", "", "", "", ""]);
        let joined = join_wrapped_rows(g, &[&r1, &r2, &r3]);
        assert_eq!(joined.len(), 2);
        let texts: Vec<&str> = joined[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "科目代码",
                "科目名称",
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入"
            ]
        );
        let header: Vec<&[Cell]> = joined.iter().map(|r| &**r).collect();
        let cols = resolve(g, &header, 2, 7, income_layouts());
        assert_eq!(cols.problem, None);
        assert_eq!(measures(&cols), INCOME_MEASURES);
        // Three lines: `对附属单` / `位补助支` / `出`.
        let e1 = row(&["本年支出合", "对附属单"]);
        let e2 = row(&["计", "位补助支"]);
        let e3 = row(&["", "出"]);
        let joined = join_wrapped_rows(g, &[&e1, &e2, &e3]);
        let texts: Vec<&str> = joined[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            (joined.len(), texts),
            (1, vec!["本年支出合计", "对附属单位补助支出"])
        );
    }

    #[test]
    fn cells_wrapped_between_another_cells_lines_are_joined() {
        // The 2024 Shanghai 财政局 final account's income header, as its
        // -layout dump set it: each narrow cell's lines interleaved with
        // the tall label cells' (`附属单` / `位上` / `缴收入`), so no row
        // continues the one above as a whole.
        let g = Grammar::global();
        let r1 = row(&["", "", "", "项目", "", "", "", "", "", "附属单", ""]);
        let r2 = row(&[
            "",
            "",
            "",
            "",
            "本年收入合",
            "财政拨款收",
            "上级补助",
            "事业收",
            "经营收",
            "",
            "其他收",
        ]);
        let r3 = row(&["支出功能分类", "", "", "", "", "", "", "", "", "位上", ""]);
        let r4 = row(&[
            "",
            "",
            "",
            "科目名称",
            "计",
            "入",
            "收入",
            "入",
            "入",
            "",
            "入",
        ]);
        let r5 = row(&["", "科目编码", "", "", "", "", "", "", "", "缴收入", ""]);
        let joined = join_wrapped_rows(g, &[&r1, &r2, &r3, &r4, &r5]);
        let texts = |r: &[Cell]| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&joined[0])[9], "附属单位上缴收入");
        assert_eq!(
            texts(&joined[1])[4..9],
            [
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入"
            ]
        );
        assert_eq!(texts(&joined[1])[10], "其他收入");
        // The label headings stay where they were.
        assert_eq!(texts(&joined[2])[0], "支出功能分类");
        assert_eq!(texts(&joined[3])[3], "科目名称");
        let header: Vec<&[Cell]> = joined.iter().map(|r| &**r).collect();
        let cols = resolve(g, &header, 4, 7, income_layouts());
        assert_eq!(cols.problem, None);
        assert_eq!(measures(&cols), INCOME_MEASURES);
    }

    #[test]
    fn headings_one_to_a_column_on_several_lines_are_one_header_row() {
        // The same account's expenditure header once its wrapped cells are
        // joined: 基本支出 (one line) on another line than the two-line
        // headings beside it, 对附属单位补助支出 over them all. Read as
        // heading over parts, 基本支出 was lost and every amount after the
        // total went a column off.
        let g = Grammar::global();
        let r1 = row(&["项目", "", "", "", "", "", "对附属单位补助支出"]);
        let r2 = row(&[
            "",
            "本年支出合计",
            "",
            "项目支出",
            "上缴上级支出",
            "经营支出",
            "",
        ]);
        let r3 = row(&["支出功能分类", "", "基本支出", "", "", "", ""]);
        let layouts = &g.kind("expenditure").unwrap().layouts;
        let cols = resolve(g, &[&r1, &r2, &r3], 1, 6, layouts);
        assert_eq!(cols.problem, None);
        assert_eq!(
            measures(&cols),
            [
                "total",
                "basic",
                "project",
                "remit_to_superior",
                "operating_expenditure",
                "affiliate_subsidy"
            ]
        );
        // A heading over its parts is no flat header: 基本支出's column
        // holds 人员经费 under it.
        let r1 = row(&["合计", "基本支出", "", "项目支出"]);
        let r2 = row(&["", "人员经费", "公用经费", ""]);
        assert_eq!(flat_header(g, &[&r1, &r2], 0), None);
    }

    #[test]
    fn a_groups_parts_are_no_wrapped_ends() {
        let g = Grammar::global();
        // Parts that name measures alone, under a heading that does too.
        let r1 = row(&["合计", "基本支出", "", "项目支出"]);
        let r2 = row(&["", "人员经费", "公用经费", ""]);
        assert_eq!(join_wrapped_rows(g, &[&r1, &r2]).len(), 2);
        // A part under a blank (the merged heading's span) is no wrapped end.
        let r1 = row(&["合计", "财政拨款（补助）", "", ""]);
        let r2 = row(&["", "小计", "一般公共预算", "政府性基金"]);
        assert_eq!(join_wrapped_rows(g, &[&r1, &r2]).len(), 2);
        // A subtotal under a measure that names itself is no wrapped end.
        let r1 = row(&["基本支出"]);
        let r2 = row(&["小计"]);
        assert_eq!(join_wrapped_rows(g, &[&r1, &r2]).len(), 2);
    }

    #[test]
    fn a_heading_cut_mid_word_is_joined_not_read_as_the_word_it_starts() {
        // `一般公共预` / `算基本支出` over `小计 | 人员经费 | 公用经费`:
        // before 2026-12-07 the 小计 column was read as 一般公共预算, ok.
        let g = Grammar::global();
        let layouts = &g.kind("general_budget_basic").unwrap().layouts;
        let r1 = row(&["一般公共预", "", ""]);
        let r2 = row(&["算基本支出", "", ""]);
        let r3 = row(&["小计", "人员经费", "公用经费"]);
        let joined = join_wrapped_rows(g, &[&r1, &r2, &r3]);
        assert_eq!(joined.len(), 2);
        assert_eq!(joined[0][0].text, "一般公共预算基本支出");
        let rows: Vec<&[Cell]> = joined.iter().map(|r| &**r).collect();
        let c = resolve(g, &rows, 0, 3, layouts);
        assert_eq!(measures(&c), ["total", "personnel", "public_funds"]);
        // A whole measure's name over another word is no cut word.
        assert!(!continues_cell(g, "一般公共预算", "基本支出"));
    }

    #[test]
    fn collapsed_group_is_replaced_by_lower_row() {
        // 000_…: the upper row lost its merged-cell blanks.
        let g = Grammar::global();
        let r1 = row(&[
            "",
            "功能分类科目编码",
            "功能分类科目名称",
            "总  计",
            "财  政  拨  款  (  补  助  )",
            "财政专户（教育收费）",
            "单位资金",
            "财政拨款结转",
            "非财政拨款结转结余",
        ]);
        let r2 = row(&[
            "类",
            "款",
            "项",
            "",
            "",
            "财政拨款(补助)小计",
            "一般公共预算",
            "上级一般公共预算安排的转移支付",
            "政府性基金预算",
            "上级政府性基金安排的转移支付",
            "国有资本经营预算",
            "上级国有资本经营预算安排的转移支付",
            "",
            "",
            "",
            "",
        ]);
        let c = resolve(g, &[&r1, &r2], 0, 12, income_layouts());
        assert_eq!(measures(&c), income_layouts()[0]);
        assert_eq!(c.status, CellStatus::Ok);
    }

    #[test]
    fn a_printed_header_naming_something_else_is_not_filled_by_the_layout() {
        let g = Grammar::global();
        let layouts = &g.kind("three_public").unwrap().layouts;
        // The only layout of this width with 预算数 first is 预算数 | 决算数:
        // a second header that is no 决算数 leaves the reading uncertain.
        let c = resolve(g, &[&row(&["本年预算数", "另列经费"])], 0, 2, layouts);
        assert_eq!(measures(&c), ["budget", "final"]);
        assert_eq!(c.status, CellStatus::Uncertain);
        // A variant of the layout's own name is that column.
        let c = resolve(g, &[&row(&["本年预算数", "决算数(调整后)"])], 0, 2, layouts);
        assert_eq!(
            (measures(&c), c.status),
            (vec!["budget", "final"], CellStatus::Ok)
        );
    }

    #[test]
    fn names_alike_takes_variants_not_other_names() {
        assert!(names_alike(
            "单位上年结余(不包括国库集中支付额度结余)",
            "单位上年结余"
        ));
        assert!(names_alike("对社保基金补助", "对社会保障基金补助"));
        assert!(!names_alike("其中:公共预算财政拨款", "决算数"));
        assert!(!names_alike("其中:公共预算财政拨款", "本年决算数"));
        assert!(!names_alike("另列经费", "决算数"));
    }

    #[test]
    fn a_subtotal_under_a_measure_heading_is_that_measure() {
        // Sichuan's 一般公共预算支出预算表: `基本支出` over `小计 | 人员经费 |
        // 公用经费` (the 小计 read as a second total before).
        let g = Grammar::global();
        let r1 = row(&["合计", "基本支出", "", "", "项目支出"]);
        let r2 = row(&["", "小计", "人员经费", "公用经费", ""]);
        let layouts = &g.kind("general_budget").unwrap().layouts;
        let c = resolve(g, &[&r1, &r2], 0, 5, layouts);
        assert_eq!(
            measures(&c),
            ["total", "basic", "personnel", "public_funds", "project"]
        );
        assert_eq!((c.status, c.problem), (CellStatus::Ok, None));
        // With a unit after it.
        let r2 = row(&["", "小计（元）", "人员经费", "公用经费", ""]);
        let c = resolve(g, &[&r1, &r2], 0, 5, layouts);
        assert_eq!(measures(&c)[1], "basic");
    }

    #[test]
    fn a_header_set_apart_from_its_amounts_names_its_layout_in_order() {
        // Hunan's table in an unruled dump: 基本支出 centred over 人员经费
        // and 公用经费, every cell off its amounts' column (three leaves
        // for four columns).
        let g = Grammar::global();
        let layouts = &g.kind("general_budget").unwrap().layouts;
        let r1 = row(&["合计", "", "基本支出", "项目支出"]);
        let r2 = row(&["", "人员经费", "公用经费", ""]);
        let c = resolve(g, &[&r1, &r2], 0, 4, layouts);
        assert_eq!(
            measures(&c),
            ["total", "personnel", "public_funds", "project"]
        );
        assert_eq!((c.status, c.problem), (CellStatus::Ok, None));
        // Named out of the layout's order: the sums cannot tell which part
        // is which, and nothing is taken.
        let r2 = row(&["", "公用经费", "人员经费", ""]);
        let c = resolve(g, &[&r1, &r2], 0, 4, layouts);
        assert!(c.measures.iter().all(Option::is_none), "{:?}", c.measures);
    }

    #[test]
    fn last_years_block_gives_its_total_only() {
        // The national template's two years side by side.
        let g = Grammar::global();
        let r1 = row(&["上年预算数", "", "", "本年预算数", "", ""]);
        let r2 = row(&[
            "合计",
            "基本支出",
            "项目支出",
            "合计",
            "基本支出",
            "项目支出",
        ]);
        let layouts = &g.kind("general_budget").unwrap().layouts;
        let c = resolve(g, &[&r1, &r2], 0, 6, layouts);
        assert_eq!(
            measures(&c),
            ["prior_year", "?", "?", "total", "basic", "project"]
        );
        assert!(c.problem.is_some());
        // Without the years' headings both blocks name the same measures:
        // never read as certain.
        let c = resolve(g, &[&r2], 0, 6, layouts);
        assert_eq!(c.status, CellStatus::Uncertain);
        assert_eq!(
            c.problem.as_deref(),
            Some("header names total for two columns")
        );
    }

    #[test]
    fn a_change_heading_over_its_columns_takes_them_by_position() {
        // `比上年增减` over 增减额 | 增减率 beside a group heading over this
        // year's columns: each heading takes the columns below it (before,
        // the group took all five and the header fitted no layout).
        let g = Grammar::global();
        let r1 = row(&[
            "上年执行数",
            "本年一般公共预算支出",
            "",
            "",
            "比上年增减",
            "",
        ]);
        let r2 = row(&["", "合计", "基本支出", "项目支出", "增减额", "增减率(%)"]);
        let layouts = &g.kind("general_budget").unwrap().layouts;
        let c = resolve(g, &[&r1, &r2], 0, 6, layouts);
        assert_eq!(
            (measures(&c), c.status),
            (
                vec![
                    "prior_year",
                    "total",
                    "basic",
                    "project",
                    "change",
                    "change_rate"
                ],
                CellStatus::Ok
            )
        );
    }

    #[test]
    fn words_under_a_change_heading_are_read_with_it() {
        // `增减` over `金额 | 比例` (or `%`): 增减金额 and 增减比例.
        let g = Grammar::global();
        let layouts = &g.kind("general_budget").unwrap().layouts;
        for rate in ["比例", "%", "百分比"] {
            let r1 = row(&["上年预算数", "本年预算数", "增减", ""]);
            let r2 = row(&["", "", "金额", rate]);
            let c = resolve(g, &[&r1, &r2], 0, 4, layouts);
            assert_eq!(
                (measures(&c), c.status),
                (
                    vec!["prior_year", "budget", "change", "change_rate"],
                    CellStatus::Ok
                ),
                "{rate}"
            );
        }
    }

    #[test]
    fn a_heading_wrapped_onto_a_second_line_is_read_whole() {
        // An aligned dump's `财政拨款` / `结转` (财政拨款结转) beside headings
        // wrapped mid-word (`一般公共预` / `算资金`): not 财政拨款's column.
        let g = Grammar::global();
        let r1 = row(&[
            "合计",
            "一般公共预",
            "政府性基",
            "国有资本",
            "财政专户",
            "单位资金",
            "财政拨款",
        ]);
        let r2 = row(&["", "算资金", "金", "经营预算", "管理资金", "", "结转"]);
        let c = resolve(g, &[&r1, &r2], 0, 7, income_layouts());
        assert_eq!(
            measures(&c),
            [
                "total",
                "general_budget",
                "gov_fund",
                "state_capital",
                "special_account",
                "unit_funds",
                "carryover_fiscal"
            ]
        );
    }

    #[test]
    fn shifted_and_cut_header() {
        // 002_…: a cut-short header and the last label pushed past the table.
        let g = Grammar::global();
        let r1 = row(&[
            "功能分类科",
            "",
            "",
            "功能分类科目名称",
            "总计",
            "财政拨款（补助）",
            "",
            "",
            "",
            "",
            "",
            "财政专户（教育收费）",
            "单位资金",
            "财政拨款结转",
            "非财政拨款结转结余",
            "",
        ]);
        let r2 = row(&[
            "类",
            "款",
            "项",
            "",
            "",
            "财政拨款（补助）小计",
            "一般公共预算",
            "上级一般公共预算",
            "政府性基金预算",
            "上级政府性基金安排的转移支付",
            "国有资本经营预算",
            "",
            "",
            "",
            "",
            "上级国有资本经营预算安排的转移支付",
        ]);
        let c = resolve(g, &[&r1, &r2], 4, 12, income_layouts());
        assert_eq!(measures(&c), income_layouts()[0]);
    }

    #[test]
    fn missing_header_uses_the_layout_of_that_width_as_a_guess() {
        // The one layout of that width, but no heading says so: a budget's
        // income table of nine columns read by the final accounts' layout
        // was `ok` in a first version.
        let c = resolve(Grammar::global(), &[], 4, 9, income_layouts());
        assert_eq!(c.measures[5], Some("operating_income"));
        assert_eq!(c.status, CellStatus::Uncertain);
        assert_eq!(c.problem, None);
    }

    #[test]
    fn measure_heading_sub_columns_by_position() {
        let g = Grammar::global();
        let layouts = &g.kind("state_capital").unwrap().layouts;
        let r1 = row(&["科目", "", "", "国有资本经营预算支出", "", "", "", ""]);
        let r2 = row(&[
            "功能分类科目编码",
            "",
            "",
            "功能分类科目名称",
            "合计",
            "基本支出",
            "",
            "项目支出",
        ]);
        let r3 = row(&["类", "款", "项", "", "", "人员经费", "公用经费", ""]);
        let c = resolve(g, &[&r1, &r2, &r3], 4, 4, layouts);
        assert_eq!(
            measures(&c),
            vec!["total", "personnel", "public_funds", "project"]
        );
    }

    #[test]
    fn column_number_rows() {
        assert_eq!(
            column_numbers(&row(&["※", "※", "※", "※", "1", "2", "3"])),
            Some((4, 3))
        );
        assert_eq!(column_numbers(&row(&["", "", "总计", "1,010.70"])), None);
        assert!(!is_column_number_row(&row(&["208", "01", "01"])));
        // The national final-account template: `栏次` over the label
        // columns, each side of a two-sided table numbered on.
        assert_eq!(
            column_numbers(&row(&["栏次", "", "1", "2", "3"])),
            Some((2, 3))
        );
        assert!(is_column_number_row(&row(&[
            "栏次", "", "1", "栏次", "", "2"
        ])));
        assert!(is_column_number_row(&row(&[
            "栏次", "", "1", "栏次", "", "1"
        ])));
        assert!(!is_column_number_row(&row(&["1", "2", "1"])));
        assert!(!is_column_number_row(&row(&["合计", "1", "2", "3"])));
        // A pdftotext -layout cell running two together (`1 栏次`).
        assert!(is_column_number_row(&row(&[
            "栏次", "1 栏次", "2", "3", "4", "5"
        ])));
        assert!(!is_column_number_row(&row(&["合计", "1 栏", "2"])));
        // After a marker, numbers counted from the label column, or from
        // the right (a “三公” table's `※ | 2 | 3 | 4 | 5`).
        assert!(is_column_number_row(&row(&["※", "2", "3", "4", "5"])));
        assert!(is_column_number_row(&row(&["※", "4", "3", "2", "1"])));
        assert!(is_column_number_row(&row(&["※", "※", "※", "5", "6", "7"])));
        assert!(!is_column_number_row(&row(&["※", "2", "2", "4"])));
        assert!(!is_column_number_row(&row(&["※", "2.00", "3.00"])));
        assert!(!is_column_number_row(&row(&["合计", "2", "3", "4"])));
        assert!(!is_column_number_row(&row(&["2", "3", "4"])));
    }
}
