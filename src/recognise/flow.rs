//! Tables of a flow dump (pdftotext without layout): no cell boundaries,
//! empty cells gone, narrow columns wrapped a few characters per line.
//!
//! Rows are rebuilt from their starts — a classification code followed by a
//! name, or 合计/总计 — and everything up to the next start: text fragments
//! make the label, number fragments go to the solver, which joins them and
//! places them in the kind's standard columns (see [`crate::solve`]).
//! Headers repeated after a page break are dropped (page footers never get
//! here: the segmenter consumes them, see `normalize::is_page_marker`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

mod centred;
mod over;
mod sides;
mod streams;
mod three_public;
mod two_sided;
mod widths;

use three_public::three_public;
pub(super) use two_sided::runs_labels_together;
use two_sided::{header_measure, two_sided};

use super::table::Draft;
use crate::amount::Amount;
use crate::grammar::identities::Evidence;
use crate::grammar::{Grammar, HeaderMeaning, Measure, Shape, TableKind};
use crate::model::{CellStatus, Code, Document, Placement, Provenance, Row, Section, Table, Value};
use crate::normalize;
use crate::solve::table::{settle, Resolution, Settled, SolveRow};
use crate::solve::{
    first_readings, parts_optional_where_the_total_row_leaves_them, readings, readings_within,
    restore_cut_digit, Reading, RowRule,
};

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// Removes the spaces pdftotext puts between the characters of a spaced
/// heading (`收 入 总 计` → `收入总计`), keeping those around numbers.
fn close_cjk_spaces(line: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(&RE, r"(\p{Han}|[（）()“”]) +(\p{Han}|[（）()“”])");
    if !may_space_cjk(line) {
        return line.to_string();
    }
    // Twice: overlapping pairs (`收 入 总`); a first pass that changes
    // nothing leaves nothing for the second.
    let once = re.replace_all(line, "$1$2");
    if let Cow::Borrowed(_) = once {
        return line.to_string();
    }
    re.replace_all(&once, "$1$2").into_owned()
}

/// [`close_cjk_spaces`] for a line of a two-sided table, keeping the space
/// before a word that opens an item when the word before it is no lone
/// spaced character: `八、其他收入 八、农林水支出 502.98` and `年初结转和结余
/// 年末结转和结余 185.27` print both sides' labels, not one label.
fn close_cjk_spaces_between_items(line: &str) -> String {
    const KEPT: char = '\u{1}';
    let mut kept = String::with_capacity(line.len());
    let mut words = line.split(' ').peekable();
    while let Some(word) = words.next() {
        kept.push_str(word);
        let Some(next) = words.peek() else { break };
        let item = normalize::opens_item(next);
        let whole_word = word.chars().count() >= 2 && !word.contains(KEPT);
        kept.push(if item && whole_word && !next.is_empty() {
            KEPT
        } else {
            ' '
        });
    }
    close_cjk_spaces(&kept).replace(KEPT, " ")
}

/// [`close_cjk_spaces`] for a line of a project table, keeping the space
/// between two words of two characters or more: `行政运行 社会保险经办服务`
/// prints a function name and a project name side by side, where a spaced
/// heading spaces single characters (`合 计`).
fn close_cjk_spaces_between_words(line: &str) -> String {
    const KEPT: char = '\u{1}';
    let mut kept = String::with_capacity(line.len());
    let mut words = line.split(' ').peekable();
    while let Some(word) = words.next() {
        kept.push_str(word);
        let Some(next) = words.peek() else { break };
        let word_of_two = |w: &str| w.chars().count() >= 2;
        kept.push(if word_of_two(word) && word_of_two(next) {
            KEPT
        } else {
            ' '
        });
    }
    close_cjk_spaces(&kept).replace(KEPT, " ")
}

/// Whether some run of spaces in `line` sits between two characters the
/// regex of [`close_cjk_spaces`] may join: both non-ASCII (every Han
/// character and `（）“”` is) or an ASCII parenthesis. Most lines of a flow
/// dump only space numbers apart, and skip the regex.
fn may_space_cjk(line: &str) -> bool {
    let joinable = |c: Option<char>| c.is_some_and(|c| !c.is_ascii() || c == '(' || c == ')');
    let mut rest = line;
    while let Some(at) = rest.find(' ') {
        let before = rest[..at].chars().next_back();
        let after = rest[at..].trim_start_matches(' ');
        if joinable(before) && joinable(after.chars().next()) {
            return true;
        }
        rest = after;
    }
    false
}

/// Digits, points and separators: a whole amount or a piece of a wrapped one
/// (a lone `.` included).
fn is_number_fragment(t: &str) -> bool {
    t != "," && super::is_digit_run(t)
}

/// A row of a flow table before solving.
#[derive(Debug, Default)]
struct FlowRow {
    code: Option<Code>,
    label: String,
    numbers: Vec<String>,
    /// Every token after the code, in order (project tables re-read them).
    tokens: Vec<String>,
    /// The index of the line each of `tokens` was printed on.
    token_lines: Vec<usize>,
    /// Where each of `tokens` was printed (a row paired again from the
    /// table's streams takes its name's place from it, see [`streams`]).
    token_at: Vec<Provenance>,
    at: Option<Provenance>,
    is_total: bool,
    /// Project name (project tables).
    project: String,
    /// Why the row's name may be put together wrongly (its amounts are
    /// then uncertain).
    name_doubt: Option<NameDoubt>,
    /// The code tokens as printed, when a level of them lost its leading
    /// zero (`208 1 01`): the table notes how they were read.
    padded_code: Option<String>,
    /// The row's 项 was read from a column of 项 codes printed apart from
    /// the rows, in the dump's order: no sum proves it (see [`streams`]).
    xiang_in_doubt: bool,
    /// That 项 was read beside the row's name, a code the row reader read
    /// whole that the column's order does not give it (see [`streams`]).
    xiang_beside_name: bool,
    /// Which of the table's side-by-side panels the row is in (see
    /// [`panel_count`]); 0 in a table of one.
    panel: usize,
    /// The row was split off the line's row before it, one panel right.
    beside: bool,
}

/// Why a flow row's name, and so the row, may be put together wrongly.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NameDoubt {
    /// A project table's function name and project name wrapped side by
    /// side: the dump does not show which piece is whose.
    ProjectNamesInterleaved,
    /// A name ends on a line as wide as the column, and the lines after it
    /// may end it or start the next row's name either way.
    WhereNameEnds,
    /// Read in order, a name goes on past a line narrower than its column
    /// (where a wrapped name ends), or the name above it did so and ran on.
    ReadPastItsEnd,
    /// The dump printed the table's names out of step with its codes and
    /// amounts, and the name was paired again with another row's place
    /// (see [`streams`]).
    OutOfStep,
    /// The row's last code level was run into its name where the table
    /// prints levels apart: the digits may be the name's.
    LevelRunIntoName,
}

/// How many panels a final account's economic table prints side by side
/// (`经济分类科目编码 科目名称 决算数 | 经济分类科目编码 科目名称 决算数`,
/// 人员经费 | 公用经费): the header names the name column once a panel.
fn panel_count(header_text: &str) -> usize {
    header_text.matches("科目名称").count().max(1)
}

/// Whether a row of a panelled table goes on with the next panel at
/// `rest`: after an amount, a code followed by its name (`4816.14 302
/// 商品和服务支出`), or a panel's total (`4884.09 公用经费合计`). `Some`
/// the code's start (`None` inside: a total).
fn next_panel(
    g: &Grammar,
    row: &FlowRow,
    rest: &[&str],
    next_line: Option<&str>,
) -> Option<Option<CodeStart>> {
    // Only after an amount: after a name, a code may be an amount or a
    // code whose own name the dump set on other lines.
    if !row.tokens.last().is_some_and(|t| is_number_fragment(t)) {
        return None;
    }
    let starts_text = next_line.is_some_and(|t| !is_number_fragment(t));
    if let Some(start) = code_start(g, rest, starts_text, true) {
        return Some(Some(start));
    }
    is_panel_total(rest, next_line.is_some_and(is_number_fragment)).then_some(None)
}

/// A panel's total and its amount (`人员经费合计 2,152.26`, the amount
/// maybe on the next line): a row of its own, never the end of the name
/// above it.
fn is_panel_total(rest: &[&str], next_line_starts_number: bool) -> bool {
    let amount_follows = match rest.get(1) {
        Some(amount) => is_number_fragment(amount),
        None => next_line_starts_number,
    };
    rest.first().is_some_and(|label| {
        !is_number_fragment(label) && normalize::label(label).ends_with("合计")
    }) && amount_follows
}

/// Puts each panel's rows after the panel before it's, as the table reads
/// (a 类 then its 款, which the solver sums). A row starting a line is in
/// the panel its class was first seen in; a new class is in the first panel
/// when the line goes on to the next, else (the first panels have ended)
/// in the panel of the row above. A cell-a-line dump starts every row on
/// a line of its own: its coded rows are placed by their classes.
fn order_panels(rows: &mut [FlowRow], panels: usize) {
    let mut class_panel: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let chain = 1 + rows[i + 1..].iter().take_while(|r| r.beside).count();
        let class = rows[i].code.as_ref().map(|c| c.as_str()[..3].to_string());
        let seen = class
            .as_ref()
            .and_then(|c| class_panel.iter().find(|(k, _)| k == c).map(|(_, p)| *p));
        let base = match seen {
            Some(p) => p,
            None if chain == 1 && i > 0 => rows[i - 1].panel,
            None => 0,
        };
        for (k, row) in rows[i..i + chain].iter_mut().enumerate() {
            row.panel = (base + k).min(panels - 1);
            if let Some(code) = &row.code {
                let class = &code.as_str()[..3];
                if !class_panel.iter().any(|(k, _)| k == class) {
                    class_panel.push((class.to_string(), row.panel));
                }
            }
        }
        i += chain;
    }
    // Panel totals (`人员经费合计`, `公用经费合计`): the n-th closes the n-th
    // panel, the last the last panel (a total spanning the national
    // template's two 公用经费 panels), after the panel's coded rows.
    let closes_panel = |r: &FlowRow| r.code.is_none() && !r.is_total;
    let totals: Vec<usize> = (0..rows.len())
        .filter(|&i| closes_panel(&rows[i]))
        .collect();
    for (n, &i) in totals.iter().enumerate() {
        rows[i].panel = if n + 1 == totals.len() {
            panels - 1
        } else {
            n.min(panels - 1)
        };
    }
    rows.sort_by_key(|r| (r.panel, closes_panel(r)));
}

/// The start of a coded row: its code, how many tokens it took, and
/// whether a level of it was printed without its leading zero.
#[derive(Debug)]
struct CodeStart {
    code: Code,
    used: usize,
    padded: bool,
}

/// Whether `tokens` start a coded row: code digits (a known 类 for function
/// tables, 3xx for economic ones) followed by a name. A 款 or 项 of one
/// digit (`208 1 01`, a spreadsheet number cell) reads as `0d`.
fn code_start(
    g: &Grammar,
    tokens: &[&str],
    next_line_starts_text: bool,
    economic: bool,
) -> Option<CodeStart> {
    let start = leading_code(g, tokens, economic)?;
    let followed_by_text = match tokens.get(start.used) {
        Some(t) => !is_number_fragment(t),
        None => next_line_starts_text,
    };
    followed_by_text.then_some(start)
}

/// The code `tokens` open with, whatever follows it.
fn leading_code(g: &Grammar, tokens: &[&str], economic: bool) -> Option<CodeStart> {
    let first = tokens.first()?;
    // A code printed as one run of digits (`2080101 行政运行`).
    let run = matches!(first.len(), 5 | 7)
        && first.bytes().all(|b| b.is_ascii_digit())
        && is_class(g, &first[..3], economic);
    if !run && !is_class(g, first, economic) {
        return None;
    }
    let mut digits = first.to_string();
    let mut used = 1;
    let mut padded = false;
    while let Some(t) = tokens.get(used).filter(|_| used < 3 && !run) {
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        if t.len() == 2 {
            digits.push_str(t);
        } else if let Some(level) = super::zero_restored(t) {
            digits.push_str(&level);
            padded = true;
        } else {
            break;
        }
        used += 1;
    }
    Code::new(&digits).map(|code| CodeStart { code, used, padded })
}

/// A row whose code is printed without its 类, at line `i`: its code, its
/// tokens (the levels and the rest of the line, or of the lines the levels
/// stand alone on: `03` / `01 行政运行`), and how many lines it takes.
/// Only straight after a row read whole ([`row_read_whole`]): a level may
/// otherwise be another row's, or follow a 类 the dump set elsewhere.
fn classless_row<'l>(
    lines: &'l [(Provenance, String)],
    i: usize,
    rows: &[FlowRow],
    economic: bool,
    paired_levels: bool,
) -> Option<(CodeStart, Vec<&'l str>, usize)> {
    let (tokens, used) = stacked_levels(lines, i)?;
    let (above, expected) = match row_read_whole(rows, false) {
        Some(read) => read,
        None => {
            // A row printed whole on its line (its levels, name and
            // amounts: `01 人力资源和社会 1146.18 1124.18 22`) may follow
            // one whose name wrapped below its amounts (`208 社会保障和就业
            // 1536.75 …` / `支出`): as a 款 and 项, or as a 款 under a 类
            // (a lone level under a 项 may be a 项 whose 款 cell is merged).
            let levels = tokens.iter().take(2).take_while(|t| is_level(t)).count();
            let whole_line = used == 1
                && tokens[levels..].iter().any(|t| is_number_fragment(t))
                && (levels >= 2
                    || rows
                        .last()
                        .and_then(|r| r.code.as_ref())
                        .is_some_and(|c| c.level() == 1));
            if !whole_line {
                return None;
            }
            row_read_whole(rows, true)?
        }
    };
    // Levels alone on their lines: the row above holds all its amounts,
    // or ends on one printed to its cents (a level is no piece of one).
    let complete =
        above.numbers.len() == expected || above.numbers.last().is_some_and(|n| ends_in_cents(n));
    if used > 1 && !complete {
        return None;
    }
    let code = continued_code(&tokens, rows, economic, paired_levels)?;
    Some((code, tokens, used))
}

/// The row above and the table's row width (its total row's amounts, else
/// the widest row's), when that row was read whole: coded, with amounts,
/// no more than the width, no text after them (another row's name run
/// into it; with `wrapped_tail`, text on the lines below its amounts'
/// may be its name's end), and none bare where the total prints cents (a
/// level the dump set on its line: `207.13 0.00 207.13 03`).
fn row_read_whole(rows: &[FlowRow], wrapped_tail: bool) -> Option<(&FlowRow, usize)> {
    let above = rows
        .last()
        .filter(|r| r.code.is_some() && !r.numbers.is_empty())?;
    let total = rows.iter().find(|r| r.is_total && !r.numbers.is_empty());
    let expected = match total {
        Some(total) => total.numbers.len(),
        None => rows.iter().map(|r| r.numbers.len()).max()?,
    };
    let cents = total.is_some_and(|t| t.numbers.iter().all(|n| ends_in_cents(n)));
    let line_of = |i: usize| above.token_lines.get(i).copied();
    let last_amount_line = above
        .tokens
        .iter()
        .rposition(|t| is_number_fragment(t))
        .and_then(line_of);
    // Text on a line below the last amount's: the name's wrapped end.
    let name_end = |i: usize| {
        wrapped_tail && line_of(i).is_some_and(|l| last_amount_line.is_some_and(|a| l > a))
    };
    let text_after_amounts = above
        .tokens
        .iter()
        .enumerate()
        .skip_while(|(_, t)| !is_number_fragment(t))
        .any(|(i, t)| !is_number_fragment(t) && !name_end(i));
    let bare = cents && !above.numbers.iter().all(|n| ends_in_cents(n));
    (above.numbers.len() <= expected && !text_after_amounts && !bare).then_some((above, expected))
}

/// The code of a row printed without its 类 (`03 01 行政运行` under `201
/// 一般公共服务支出`: a table whose 类 cell is left blank under the 类's own
/// row): the lower levels continue the code of the row above. Two levels
/// are a 款 and its 项; one level is a 款 under a 类's row, or wherever the
/// table prints a 项 with its 款 (`paired_levels`), and the only level an
/// economic code has under its class. The code must come after the one
/// above, and its parent must be the nearest row a level up.
fn continued_code(
    tokens: &[&str],
    rows: &[FlowRow],
    economic: bool,
    paired_levels: bool,
) -> Option<CodeStart> {
    let mut codes = rows.iter().rev().filter_map(|r| r.code.as_ref());
    let previous = codes.clone().next()?;
    let levels = tokens.iter().take(2).take_while(|t| is_level(t)).count();
    let named = tokens
        .get(levels)
        .is_some_and(|t| !is_number_fragment(t) && !is_total_start(t));
    if !(named && levels_allowed(previous, levels, economic, paired_levels)) {
        return None;
    }
    let class = previous.as_str().get(..3)?;
    let digits: String = std::iter::once(class)
        .chain(tokens[..levels].iter().copied())
        .collect();
    let code = Code::new(&digits).filter(|c| c.as_str() > previous.as_str())?;
    let parent = code.parent()?;
    let nearest_above = codes.find(|c| c.level() < code.level())?;
    (*nearest_above == parent).then_some(CodeStart {
        code,
        used: levels,
        padded: false,
    })
}

/// Whether `levels` printed without a 类 may follow a row coded `previous`.
fn levels_allowed(previous: &Code, levels: usize, economic: bool, paired_levels: bool) -> bool {
    match levels {
        1 => previous.level() == 1 || economic || paired_levels,
        2 => !economic,
        _ => false,
    }
}

/// Whether a table prints its 项 rows' code as 款 and 项 with the 类 left
/// blank (`03 01 行政运行`, or a level a line), in two rows or more: then a
/// lone level is a 款.
fn pairs_levels(lines: &[(Provenance, String)]) -> bool {
    let mut pairs = (0..lines.len()).filter(|&i| {
        stacked_levels(lines, i).is_some_and(|(tokens, _)| {
            tokens.len() > 2
                && tokens[..2].iter().all(|t| is_level(t))
                && !is_number_fragment(tokens[2])
        })
    });
    // Two rows at least: one such line may be a date or a footnote.
    pairs.next().is_some() && pairs.next().is_some()
}

/// An amount printed whole to its two decimals (`458.28`, `0.00`).
fn ends_in_cents(t: &str) -> bool {
    t.rsplit_once('.').is_some_and(|(whole, cents)| {
        whole.ends_with(|c: char| c.is_ascii_digit())
            && cents.len() == 2
            && cents.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A code's level without its 类: two digits.
fn is_level(t: &str) -> bool {
    t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit())
}

/// The tokens of line `i` with the lines it opens, when it holds one or
/// two levels (`03 01 行政运行`) or is a level alone on its line (`03` /
/// `01 行政运行`, `01` / `04` / `事业运行`): the levels, then the line
/// that names the row; and how many lines they took.
fn stacked_levels(lines: &[(Provenance, String)], i: usize) -> Option<(Vec<&str>, usize)> {
    let mut tokens: Vec<&str> = Vec::new();
    for (used, (_, line)) in lines.iter().skip(i).take(3).enumerate() {
        tokens.extend(line.split_whitespace());
        let levels = tokens.iter().take(2).take_while(|t| is_level(t)).count();
        if levels == 0 {
            return None;
        }
        // Something after the levels: the row's name, if the caller finds one.
        if tokens.len() > levels {
            return Some((tokens, used + 1));
        }
    }
    None
}

/// `lines` as a dump's lines, numbered from 1 (for this module's tests
/// and its readers').
#[cfg(test)]
fn numbered(lines: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<(Provenance, String)> {
    lines
        .into_iter()
        .zip(1u32..)
        .map(|(l, i)| (Provenance::Line(i), l.as_ref().to_string()))
        .collect()
}

/// Whether `name` is the name of the 类 `code`, of the function
/// classification or (`economic`) an economic one.
fn names_class(g: &Grammar, code: &str, name: &str, economic: bool) -> bool {
    if economic {
        g.names_economic_class(name, code)
    } else {
        g.class_code(name) == Some(code)
    }
}

/// A code's first level: a known 类 of a function table, or of an economic
/// one (3xx department, 5xx government classification).
fn is_class(g: &Grammar, code: &str, economic: bool) -> bool {
    code.len() == 3
        && if economic {
            g.is_economic_class(code)
        } else {
            g.class_names_by_code(code)
        }
}

fn is_total_start(token: &str) -> bool {
    let t = normalize::label(token);
    t.starts_with("合计") || t.starts_with("总计")
}

/// A code printed one level a line (`204` / `06` / `01` / `行政运行`, an
/// extractor that writes each cell on a line of its own) joined into one
/// line, as a dump that keeps the row's cells together prints it: a 类 (or
/// economic class) alone on its line, then one or two lines of a two-digit
/// level, then the row's name — which may carry the last levels itself
/// (`208` / `01` / `01 行政运行`: PyMuPDF and pdftotext on PDFs that set a
/// 项 code and its name in one cell).
fn join_code_lines(
    g: &Grammar,
    lines: Vec<(Provenance, String)>,
    economic: bool,
) -> Vec<(Provenance, String)> {
    let alone = |l: &str, len: usize| l.len() == len && l.bytes().all(|b| b.is_ascii_digit());
    let mut out: Vec<(Provenance, String)> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = &lines[i];
        let class = alone(line, 3) && is_class(g, line, economic);
        let levels = if class {
            lines[i + 1..]
                .iter()
                .take(2)
                .take_while(|(_, l)| is_level(l))
                .count()
        } else {
            0
        };
        // The name line: the levels still missing, if any, then a name;
        // `Some(levels it carries)`.
        let named = || {
            lines.get(i + 1 + levels).and_then(|(_, l)| {
                let tokens: Vec<&str> = l.split_whitespace().collect();
                let inline = tokens
                    .iter()
                    .take(2 - levels)
                    .take_while(|t| is_level(t))
                    .count();
                (levels + inline > 0 && tokens.get(inline).is_some_and(|t| !is_number_fragment(t)))
                    .then_some(inline)
            })
        };
        if let Some(inline) = class.then(named).flatten() {
            // A name line carrying levels joins the code's line whole.
            let through = i + levels + usize::from(inline > 0);
            let mut joined = line.clone();
            for (_, level) in &lines[i + 1..=through] {
                joined.push(' ');
                joined.push_str(level);
            }
            out.push((*at, joined));
            i = through + 1;
        } else {
            out.push((*at, line.clone()));
            i += 1;
        }
    }
    out
}

/// An economic class's row printed name first, its code after its amounts
/// (`商品和服务支出` / `1,932,777.54` / `1,932,777.54` / `302` / `302 01
/// 办公费`: pdftotext's flow, when the class's code cell sits lower on the
/// page than its name and amounts) or not at all (its code read into the
/// header; `工资福利支出` / `506.07` / `506.07` / `301 01 基本工资`), with the
/// code put before the name, as the dump prints its other rows. Read as it
/// comes, the name and amounts would run on from the row above (its name
/// `其他工资福利支出商品和服务支出`, five amounts no reading fits). Only a
/// name that is wholly a class's, after a line of amounts, whose code the
/// next row's code confirms.
fn front_class_codes(g: &Grammar, lines: Vec<(Provenance, String)>) -> Vec<(Provenance, String)> {
    let line = |i: usize| lines.get(i).map_or("", |(_, l)| l.trim());
    let numbers_only = |i: usize| {
        let l = line(i);
        !l.is_empty() && l.split_whitespace().all(is_number_fragment)
    };
    let is_class_code = |t: &str| t.len() == 3 && g.is_economic_class(t);
    // The class a row's code opens (`302 01 办公费`, `30201 办公费`, `302`).
    let opens = |i: usize| {
        let code = line(i).split_whitespace().next()?;
        (code.len() >= 3 && code.bytes().all(|b| b.is_ascii_digit())).then(|| &code[..3])
    };
    // Each fronted line with its code; the codes' own lines printed after
    // the amounts, dropped.
    let mut fronted: Vec<(usize, String)> = Vec::new();
    let mut dropped: Vec<usize> = Vec::new();
    for i in 1..lines.len() {
        let text_only = !line(i).is_empty() && !line(i).split_whitespace().any(is_number_fragment);
        if !text_only || !numbers_only(i - 1) || is_class_code(line(i - 1)) {
            continue;
        }
        let name = normalize::label(line(i));
        let names = |c: &str| g.names_economic_class(&name, c);
        // The class's code alone on a line, before the next row's code of
        // that class (`303` among `399.23` / `303` / `399.23` / `303 02`).
        let own_code = |j: usize| is_class_code(line(j)) && names(line(j));
        // The next row: a line not all amounts, or opening the class.
        let next = (i + 1..lines.len())
            .find(|&j| !numbers_only(j) || opens(j).is_some_and(names) && !own_code(j))
            .unwrap_or(lines.len());
        let Some(class) = opens(next).filter(|c| names(c)) else {
            continue;
        };
        let own: Vec<usize> = (i + 1..next).filter(|&j| line(j) == class).collect();
        if own.len() > 1 || next - (i + 1) - own.len() == 0 {
            continue;
        }
        fronted.push((i, format!("{class} {}", line(i))));
        dropped.extend(own.first());
    }
    let mut lines = lines;
    for (i, with_code) in fronted {
        lines[i].1 = with_code;
    }
    let mut i = 0;
    lines.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });
    lines
}

/// A table's lines with each row's name joined into its line, and where
/// the rows whose names may be joined wrongly are printed.
type JoinedLines = (Vec<(Provenance, String)>, Vec<Provenance>);

/// Whether a coded table's names are read in order (each name line the
/// row's above it) or were joined into their rows' lines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NameReading {
    InOrder,
    Rejoined,
}

/// Rows whose name is printed on a line of its own above the row's code
/// and amounts (pdfplumber, when a name cell sits higher than its row's
/// other cells: `一般公共服务支出` / `201 2,112.86 2,106.66 6.20`; a long
/// name's end may follow the code: `机关事业单位基本养老保险` /
/// `208 05 05 缴费支出 160.75 160.75`) joined as code, name and amounts.
/// A name set centred on its row may also go on below the code line
/// (`社会保障和就` / `208 754.75 754.75` / `业支出`): that line is the
/// row's, as a wrapped name's end is. Only a table printed so throughout
/// is joined: every code line has a line of text above it, and a 类 line
/// with no name after its code has (the start of) that 类's name above.
/// In a dump printing codes and names together the line above a code is
/// the row before's wrapped name, or another row. Tried first: names
/// centred on bare rows ([`centred`]), set over their rows ([`over`]), and
/// cut where a line is narrower than the column ([`widths`], the one
/// reading that may leave rows in doubt).
fn join_names_above_codes(
    g: &Grammar,
    lines: Vec<(Provenance, String)>,
    economic: bool,
) -> (JoinedLines, NameReading) {
    // Each line classified once, for the three readings.
    let kinds = centred::classify_all(g, &lines, economic);
    if let Some(joined) = centred::join_centred_names(g, &lines, &kinds, economic) {
        return ((joined, Vec::new()), NameReading::Rejoined);
    }
    if let Some(joined) = widths::join_names_by_width(g, &lines, &kinds, economic) {
        return (joined, NameReading::Rejoined);
    }
    if let Some(joined) = over::join_names_over(g, &lines, &kinds, economic) {
        return (joined, NameReading::Rejoined);
    }
    if economic {
        return ((lines, Vec::new()), NameReading::InOrder);
    }
    let text_only = |l: &str| {
        let mut tokens = l.split_whitespace();
        tokens.clone().next().is_some_and(|t| !is_total_start(t)) && !tokens.any(is_number_fragment)
    };
    // Each line's code, and whether an amount (or nothing) follows it.
    let codes: Vec<Option<(CodeStart, bool)>> = lines
        .iter()
        .map(|(_, l)| {
            let tokens: Vec<&str> = l.split_whitespace().collect();
            leading_code(g, &tokens, economic).map(|start| {
                let bare = tokens.get(start.used).is_none_or(|t| is_number_fragment(t));
                (start, bare)
            })
        })
        .collect();
    let named_above = |i: usize| i > 0 && codes[i - 1].is_none() && text_only(&lines[i - 1].1);
    let coded = codes.iter().flatten().count();
    let named = (0..lines.len())
        .filter(|&i| codes[i].is_some() && named_above(i))
        .count();
    // Each 类 printed bare under a name: whether that is (the start of) the
    // 类's name — a name set centred on its row may go on below the code.
    let mut class_names = codes.iter().enumerate().filter_map(|(i, c)| {
        let (start, bare) = c.as_ref()?;
        (*bare && start.code.as_str().len() == 3 && named_above(i))
            .then(|| g.opens_class_name(start.code.as_str(), &lines[i - 1].1))
    });
    let classes_named = class_names.clone().next().is_some() && class_names.all(|named| named);
    if !(classes_named && named == coded) {
        return ((lines, Vec::new()), NameReading::InOrder);
    }
    let mut out: Vec<(Provenance, String)> = Vec::with_capacity(lines.len());
    for (i, (at, line)) in lines.iter().enumerate() {
        // The line above went out unchanged (it has no code): take it back.
        let named = codes[i]
            .as_ref()
            .filter(|_| named_above(i))
            .and_then(|(start, _)| Some((start.used, out.pop()?)));
        let Some((used, (name_at, name))) = named else {
            out.push((*at, line.clone()));
            continue;
        };
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let mut parts = tokens[..used].to_vec();
        parts.push(&name);
        parts.extend(&tokens[used..]);
        out.push((name_at, parts.join(" ")));
    }
    ((out, Vec::new()), NameReading::Rejoined)
}

/// A code in brackets or run into its name (`[2080101]行政运行`,
/// `【208】社会保障和就业支出`, `210卫生健康支出`) printed as the code, a space
/// and the name: a row's tokens then start with its code.
/// Also whether a 款 or 项 level was run into the name (see
/// [`separate_run_in_level`]).
fn separate_code(line: String) -> (String, bool) {
    let (line, level_run_in) = separate_run_in_level(line);
    let first = line.split_whitespace().next().unwrap_or("");
    let bracketed = line.starts_with(['[', '【']);
    let run_in = first.starts_with(|c: char| c.is_ascii_digit())
        && first.contains(|c: char| !c.is_ascii_digit() && c != '.' && c != ',');
    if !(bracketed || run_in) {
        return (line, level_run_in);
    }
    let line = match super::table::code_and_name(&line) {
        Some((code, name)) => format!("{} {name}", code.as_str()),
        None => line,
    };
    (line, level_run_in)
}

/// A 款 or 项 level run into the name after the levels before it
/// (`204 06 01行政运行`, `204 06司法`: a dump that set the name against its
/// code cell) printed apart, as the levels before it are; and whether it
/// was.
fn separate_run_in_level(line: String) -> (String, bool) {
    // A 类 of the function (2xx) or economic (3xx, 5xx) classification.
    let class = |t: &str| {
        t.len() == 3 && t.starts_with(['2', '3', '5']) && t.bytes().all(|b| b.is_ascii_digit())
    };
    // Most lines open with no 类: they are not split up into tokens.
    if !line.split_whitespace().next().is_some_and(class) {
        return (line, false);
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let levels = 1 + usize::from(tokens.get(1).is_some_and(|t| is_level(t)));
    let Some(run_in) = tokens.get(levels) else {
        return (line, false);
    };
    let (Some(level), Some(name)) = (run_in.get(..2), run_in.get(2..)) else {
        return (line, false);
    };
    if !is_level(level) || !name.starts_with(normalize::is_ideograph) {
        return (line, false);
    }
    let mut parts: Vec<&str> = tokens[..levels].to_vec();
    parts.extend([level, name]);
    parts.extend(&tokens[levels + 1..]);
    (parts.join(" "), true)
}

/// The lines whose last code level was run into the name
/// ([`separate_run_in_level`]) in a table that prints its other codes as
/// long apart from their names (`208 01 01 行政运行`): the digits may be the name's own
/// (`208 01 50岁以上人员补贴`), unless the grammar knows the name as that
/// 项's.
fn levels_run_in_out_of_step(
    g: &Grammar,
    lines: &[(Provenance, (String, bool))],
    economic: bool,
) -> Vec<Provenance> {
    // The code and the name after it, of a line opening with a 类 and a level.
    let code_and_name = |line: &str| {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let start = leading_code(g, &tokens, economic).filter(|s| s.used >= 2)?;
        let name = tokens.get(start.used).filter(|t| !is_number_fragment(t))?;
        Some((start.code, name.to_string()))
    };
    // Codes as long (款 or 项) printed apart from their names: a 项
    // column set against the names leaves its 款 rows' names apart.
    let apart: Vec<usize> = lines
        .iter()
        .filter(|(_, (_, run_in))| !run_in)
        .filter_map(|(_, (line, _))| code_and_name(line))
        .map(|(code, _)| code.as_str().len())
        .collect();
    if apart.is_empty() {
        return Vec::new();
    }
    lines
        .iter()
        .filter(|(_, (line, run_in))| {
            *run_in
                && code_and_name(line).is_some_and(|(code, name)| {
                    apart.contains(&code.as_str().len())
                        && !g.names_subitem(&name, code.as_str(), None)
                })
        })
        .map(|(at, _)| *at)
        .collect()
}

/// A flow table's lines split up by [`assemble`].
struct Assembled {
    /// The header's lines' text, run together.
    header: String,
    /// The header's first lines as printed, before the rows begin.
    header_lines: Vec<String>,
    rows: Vec<FlowRow>,
    /// Panels printed side by side (see [`panel_count`]), 1 when none.
    panels: usize,
}

/// Splits the table's lines into the header and rows.
fn assemble(
    g: &Grammar,
    lines: &[(Provenance, String)],
    economic: bool,
    projects: bool,
    words: &HeaderWords,
) -> Assembled {
    let printed = lines;
    let separated: Vec<(Provenance, (String, bool))> = lines
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(at, l)| {
            let closed = if projects {
                close_cjk_spaces_between_words(l.trim())
            } else {
                close_cjk_spaces(l.trim())
            };
            (*at, separate_code(closed))
        })
        .collect();
    let run_in_doubted = levels_run_in_out_of_step(g, &separated, economic);
    let lines: Vec<(Provenance, String)> =
        separated.into_iter().map(|(at, (l, _))| (at, l)).collect();
    let lines = join_code_lines(g, lines, economic);
    let lines = if economic {
        front_class_codes(g, lines)
    } else {
        lines
    };
    // A project table's two names side by side cannot be told apart
    // when both are set centred on their row.
    let ((lines, doubted), reading) = if projects {
        ((lines, Vec::new()), NameReading::Rejoined)
    } else {
        join_names_above_codes(g, lines, economic)
    };
    let paired_levels = pairs_levels(&lines);
    let first_token = |i: usize| lines.get(i).and_then(|(_, l)| l.split_whitespace().next());
    let starts_text = |i: usize| first_token(i).is_some_and(|t| !is_number_fragment(t));
    let starts_number = |i: usize| first_token(i).is_some_and(is_number_fragment);
    let mut header: Vec<String> = Vec::new();
    let mut header_lines: Vec<String> = Vec::new();
    let mut header_text = String::new();
    let mut rows: Vec<FlowRow> = Vec::new();
    // Panels side by side (economic tables), counted once the header is read.
    let mut panels: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = &lines[i];
        let mut tokens: Vec<&str> = line.split_whitespace().collect();
        let mut start = code_start(g, &tokens, starts_text(i + 1), economic);
        // Codes are printed in order: a level read with its zero restored
        // must not put the row before the one above it.
        let previous = rows.iter().rev().find_map(|r| r.code.as_ref());
        if start
            .as_ref()
            .is_some_and(|s| s.padded && previous.is_some_and(|p| s.code.as_str() < p.as_str()))
        {
            start = None;
        }
        let mut extra_lines = 0;
        if start.is_none() {
            if let Some((classless, joined, used)) =
                classless_row(&lines, i, &rows, economic, paired_levels)
            {
                start = Some(classless);
                tokens = joined;
                extra_lines = used - 1;
            }
        }
        // 合计 followed by numbers (a 总计 header cell is followed by text;
        // a header's line run together, `合计人员经费公用经费项目支出`, names
        // more columns than the total).
        let total = tokens.first().is_some_and(|t| is_total_start(t))
            && match tokens.get(1) {
                Some(t) => is_number_fragment(t),
                None => {
                    starts_number(i + 1) && !is_header_run_together(g, &normalize::label(tokens[0]))
                }
            };
        if start.is_none() && !total && rows.is_empty() {
            let label = normalize::label(line).into_owned();
            header_text.push_str(&label);
            header.push(label);
            // (As printed: its words' spacing pairs a wrapped header's lines.)
            let as_printed = printed
                .iter()
                .find(|(p, _)| p == at)
                .map_or(line, |(_, l)| l);
            header_lines.push(as_printed.trim().to_string());
            i += 1;
            continue;
        }
        // A header repeated after a page break: two or more header lines in
        // a row, each a line of the header or a run of four characters or
        // more of it (a page may break the header's lines elsewhere).
        let is_header = |l: &str| {
            let n = normalize::label(l);
            !n.bytes().any(|b| b.is_ascii_digit())
                && (header.iter().any(|h| *h == n)
                    || n.chars().count() >= 4 && header_text.contains(n.as_ref()))
        };
        // Or the header's words run together on one line
        // (`科目编码科目名称合计…`: no name holds a label column's heading;
        // `合计人员经费公用经费`: nothing but two columns' names or more, not
        // a total's label, `人员经费合计`).
        let whole_header_line = |l: &str| {
            let label = normalize::label(l);
            !rows.is_empty()
                && !l.bytes().any(|b| b.is_ascii_digit())
                && (g.is_run_together_header(&label) || is_header_run_together(g, &label))
        };
        if start.is_none() && !total && whole_header_line(line) {
            i += 1;
            continue;
        }
        if start.is_none()
            && !total
            && is_header(line)
            && lines.get(i + 1).is_some_and(|(_, l)| is_header(l))
        {
            while i < lines.len() && is_header(&lines[i].1) {
                i += 1;
            }
            continue;
        }
        let header_lines = if start.is_none() && !total {
            words.header_lines_at(g, &rows, &lines, i)
        } else {
            0
        };
        if header_lines > 0 {
            for (_, l) in &lines[i..i + header_lines] {
                let label = normalize::label(l).into_owned();
                header_text.push_str(&label);
                header.push(label);
            }
            i += header_lines;
            continue;
        }
        let panels = if economic {
            *panels.get_or_insert_with(|| panel_count(&header_text))
        } else {
            1
        };
        let mut rest: &[&str] = &tokens;
        if let Some(CodeStart { code, used, padded }) = start {
            rows.push(FlowRow {
                code: Some(code),
                at: Some(*at),
                padded_code: padded.then(|| tokens[..used].join(" ")),
                name_doubt: if doubted.contains(at) {
                    Some(NameDoubt::WhereNameEnds)
                } else {
                    run_in_doubted
                        .contains(at)
                        .then_some(NameDoubt::LevelRunIntoName)
                },
                ..FlowRow::default()
            });
            rest = &tokens[used..];
        } else if total {
            rows.push(FlowRow {
                is_total: true,
                at: Some(*at),
                ..FlowRow::default()
            });
        } else if panels > 1 && is_panel_total(rest, starts_number(i + 1)) {
            rows.push(FlowRow {
                at: Some(*at),
                ..FlowRow::default()
            });
        }
        let mut k = 0;
        while k < rest.len() {
            let Some(row) = rows.last_mut() else { break };
            if panels > 1 {
                match next_panel(g, row, &rest[k..], first_token(i + 1)) {
                    Some(Some(CodeStart { code, used, padded })) => {
                        rows.push(FlowRow {
                            code: Some(code),
                            at: Some(*at),
                            padded_code: padded.then(|| rest[k..k + used].join(" ")),
                            beside: true,
                            ..FlowRow::default()
                        });
                        k += used;
                        continue;
                    }
                    Some(None) => {
                        rows.push(FlowRow {
                            at: Some(*at),
                            beside: true,
                            ..FlowRow::default()
                        });
                        continue;
                    }
                    None => {}
                }
            }
            let t = rest[k];
            row.tokens.push(t.to_string());
            row.token_lines.push(i);
            row.token_at.push(*at);
            if is_number_fragment(t) {
                row.numbers.push(t.to_string());
            } else if !normalize::is_dash(t) {
                // A wrapped name may continue after the first amounts (a
                // dash is a blank cell's, no name's).
                row.label.push_str(&normalize::label(t));
            }
            k += 1;
        }
        i += 1 + extra_lines;
    }
    let panels = panels.unwrap_or(1);
    if panels > 1 {
        order_panels(&mut rows, panels);
    } else if reading == NameReading::InOrder {
        doubt_names_read_past_their_end(&mut rows);
    }
    Assembled {
        header: header_text,
        header_lines,
        rows,
        panels,
    }
}

/// Whether `label` (normalised) is nothing but two columns' names or more
/// run together (`合计人员经费公用经费项目支出`), not a total's label
/// (`人员经费合计`, `合计(含上年结转)`).
fn is_header_run_together(g: &Grammar, label: &str) -> bool {
    let totals = ["合计", "小计", "总计"];
    g.names_only_columns(label)
        && g.measures_named(label).len() >= 2
        && !totals.iter().any(|t| label.ends_with(t))
}

/// Rows whose names, read in order, may hold two rows' names. A wrapped
/// name fills the name column on every line but its last: a name read on
/// past a narrower line holds another row's (set over or centred on its
/// row), and the table does not set its names in order. Then every
/// wrapped name read is a guess: those rows are doubted, and the next row
/// when the name read ends on a line as wide as the column (its head may be
/// the next name's).
fn doubt_names_read_past_their_end(rows: &mut [FlowRow]) {
    let names: Vec<Vec<String>> = rows.iter().map(name_lines).collect();
    let Some(widest) = names.iter().flatten().map(|l| printed_width(l)).max() else {
        return;
    };
    // The width names wrap at: the widest line a name goes on after.
    let wrap = names
        .iter()
        .filter_map(|n| n.split_last())
        .flat_map(|(_, before)| before)
        .map(|l| printed_width(l))
        .max()
        .unwrap_or(widest);
    // Narrower by more than a Chinese character (a line may wrap early
    // before punctuation); Latin letters and digits, which a font sets
    // narrower, narrower in characters too.
    let narrower = |l: &str, width: usize| {
        let chars = l.chars().count() * 2;
        let latin = l.chars().any(|c| c.is_ascii_alphanumeric());
        printed_width(l) + 2 < width && !(latin && chars + 2 >= width)
    };
    let coded: Vec<usize> = (0..rows.len())
        .filter(|&k| rows[k].code.is_some())
        .collect();
    let read_past = |k: usize| {
        names[k]
            .split_last()
            .is_some_and(|(_, before)| before.iter().any(|l| narrower(l, widest)))
    };
    if !coded.iter().any(|&k| read_past(k)) {
        return;
    }
    for (n, &k) in coded.iter().enumerate() {
        // A wrapped name: two lines or more.
        let [_, .., last] = names[k].as_slice() else {
            continue;
        };
        let runs_on = !narrower(last, wrap);
        let next = coded.get(n + 1).filter(|_| runs_on);
        for &doubted in std::iter::once(&k).chain(next) {
            rows[doubted]
                .name_doubt
                .get_or_insert(NameDoubt::ReadPastItsEnd);
        }
    }
}

/// A row's name as printed, line by line.
fn name_lines(row: &FlowRow) -> Vec<String> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (t, &line) in row.tokens.iter().zip(&row.token_lines) {
        if is_number_fragment(t) {
            continue;
        }
        match lines.last_mut() {
            Some((l, text)) if *l == line => text.push_str(t),
            _ => lines.push((line, t.clone())),
        }
    }
    lines.into_iter().map(|(_, text)| text).collect()
}

/// Columns a text takes on the page: a Chinese character two.
fn printed_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// What tells the header's lines that a dump printed among a coded table's
/// rows: the measures of the kind's layouts and the table's title.
struct HeaderWords<'a> {
    layouts: &'a [Vec<Measure>],
    /// The title, normalised.
    title: String,
}

impl<'a> HeaderWords<'a> {
    fn new(layouts: &'a [Vec<Measure>], title: &str) -> Self {
        HeaderWords {
            layouts,
            title: normalize::label(title).into_owned(),
        }
    }

    /// A measure of one of the kind's layouts, exactly (`合计`, `基本支出`).
    fn names_measure(&self, g: &Grammar, text: &str) -> bool {
        matches!(g.header(text), HeaderMeaning::Measure(m) if self.layouts.iter().flatten().any(|x| *x == m))
    }

    /// A header cell of the table: a label column's header (`科目名称`,
    /// `项`) or a measure of the kind's layouts.
    fn names_column(&self, g: &Grammar, text: &str) -> bool {
        matches!(g.header(text), HeaderMeaning::Label) || self.names_measure(g, text)
    }

    /// A piece of the title of four characters or more: a group heading
    /// over columns (`一般公共预算基本支出` over 合计 / 人员经费 / 公用经费).
    fn in_title(&self, text: &str) -> bool {
        text.chars().count() >= 4
            && !text.bytes().any(|b| b.is_ascii_digit())
            && self.title.contains(text)
    }

    /// How many lines from `i` are the table's header printed among its
    /// rows rather than a coded row's name: pdftotext prints the 类
    /// column's first code beside the header's last lines (`208` / `合 计` /
    /// `基本支出` / `项目支出` / `项` / `社会保障和就业支出`, or `301` /
    /// `一般公共预算基本支出` / `合计` / `人员经费` / `工资福利支出` / the
    /// amounts / `公用经费`), and a right-hand column's heading after a row's
    /// amounts (`事业收入` / `事业单位` / `经营收入`). Before the amounts, a
    /// column's heading on a row still unnamed, a measure's heading or a
    /// title piece on the first row; after them, only a measure's heading, a
    /// line or two lines joined, on any row: a wrapped name's tail (`支出`,
    /// `项`) may look like a label column's heading, never like a measure's.
    fn header_lines_at(
        &self,
        g: &Grammar,
        rows: &[FlowRow],
        lines: &[(Provenance, String)],
        i: usize,
    ) -> usize {
        let Some(row) = rows.last().filter(|r| r.code.is_some()) else {
            return 0;
        };
        let line = normalize::label(&lines[i].1);
        let first = rows.len() == 1;
        if row.numbers.is_empty() {
            let heading = row.label.is_empty() && self.names_column(g, &line)
                || first && (self.names_measure(g, &line) || self.in_title(&line));
            return usize::from(heading);
        }
        if self.names_measure(g, &line) {
            return 1;
        }
        let joined = lines
            .get(i + 1)
            .map(|(_, next)| format!("{line}{}", normalize::label(next)));
        if joined.is_some_and(|j| self.names_measure(g, &j)) {
            return 2;
        }
        0
    }
}

/// A digit-only fragment between text (`补助` `2023` `年城`) belongs to a name.
fn is_name_digits(tokens: &[String], i: usize) -> bool {
    let t = &tokens[i];
    let text = |j: usize| tokens.get(j).is_some_and(|t| !is_number_fragment(t));
    t.bytes().all(|b| b.is_ascii_digit())
        && (tokens
            .get(i + 1)
            .is_some_and(|n| n.starts_with(['年', '月']))
            || (i > 0 && text(i - 1) && text(i + 1)))
}

/// Removes `name` from `label` as an in-order subsequence (a function name
/// and a project name wrap side by side and interleave); the rest is the
/// project name. `None` when `label` does not contain `name` that way.
fn strip_subsequence(label: &str, name: &str) -> Option<String> {
    let mut want = name.chars().peekable();
    let mut rest = String::new();
    for c in label.chars() {
        if want.peek() == Some(&c) {
            want.next();
        } else {
            rest.push(c);
        }
    }
    want.peek().is_none().then_some(rest)
}

/// Project tables: the amounts are the row's number fragments that are not
/// part of a name; the label is the function name plus the project name.
/// The function name is known from the other tables when they print the
/// code; otherwise a table whose names all fit their row's line prints the
/// two names as its line's two words. In a table whose names wrap, the
/// pieces of the two names interleave (and a name's pieces may be printed
/// on a neighbour's lines): such a row keeps its words run together and is
/// marked for doubt.
fn split_project_rows(rows: &mut [FlowRow], earlier: &[Table]) {
    let name_words = |row: &FlowRow| -> Vec<(usize, String)> {
        row.tokens
            .iter()
            .enumerate()
            .filter(|&(i, t)| !is_number_fragment(t) || is_name_digits(&row.tokens, i))
            .map(|(i, t)| (row.token_lines[i], normalize::label(t).into_owned()))
            .collect()
    };
    // Whether any name of the table goes on past its row's first line.
    let wraps = rows.iter().filter(|r| !r.is_total).any(|r| {
        let words = name_words(r);
        words.windows(2).any(|w| w[0].0 != w[1].0)
    });
    for row in rows.iter_mut() {
        let words = name_words(row);
        let (mut label, mut numbers) = (String::new(), Vec::new());
        for (i, t) in row.tokens.iter().enumerate() {
            if is_number_fragment(t) && !is_name_digits(&row.tokens, i) {
                numbers.push(t.clone());
            } else if !normalize::is_dash(t) {
                label.push_str(&normalize::label(t));
            }
        }
        row.numbers = numbers;
        if row.is_total {
            continue;
        }
        let known = row.code.as_ref().and_then(|code| {
            earlier
                .iter()
                .flat_map(|t| &t.rows)
                .find(|r| {
                    r.code.as_ref() == Some(code) && r.section.is_none() && !r.item.is_empty()
                })
                .map(|r| r.item.clone())
        });
        match known.and_then(|k| strip_subsequence(&label, &k).map(|rest| (k, rest))) {
            Some((name, rest)) => {
                row.label = name;
                row.project = rest;
            }
            None => match words.as_slice() {
                [(_, name), (_, project)] if !wraps => {
                    row.label = name.clone();
                    row.project = project.clone();
                }
                _ => {
                    // Two words on one of the row's lines: two names.
                    let interleaved =
                        words.windows(2).any(|w| w[0].0 == w[1].0) || (wraps && row.code.is_some());
                    if interleaved {
                        row.name_doubt = Some(NameDoubt::ProjectNamesInterleaved);
                    }
                    row.label = label;
                }
            },
        }
    }
}

/// The header's own columns, when it names one that no standard layout of
/// the kind has (a Sichuan income table's 上年结转 column), or names only
/// columns and no layout as printed: the measures it names in order
/// (`named`, each once), taken when they are as many as the widest row's
/// amounts. A standard layout would move every amount after
/// that column one measure along. The header must name the table's total,
/// or only this year's figures and their comparisons (a final account's
/// `年初预算数` / `决算数`).
fn printed_layout(
    g: &Grammar,
    kind: &TableKind,
    header: &str,
    named: &[Measure],
    widest: Option<usize>,
) -> Option<Vec<Measure>> {
    let mut printed: Vec<Measure> = Vec::new();
    for m in named {
        if printed.contains(m) {
            return None;
        }
        printed.push(m);
    }
    let unknown_to_layouts = printed
        .iter()
        .any(|m| !kind.layouts.iter().flatten().any(|x| x == m));
    // Or the header's own choice of a layout's columns, in that layout's
    // order (a Jiangsu income table's seven of eight), when it names
    // nothing else. (A header of two rows, `合计 基本支出 项目支出` over
    // `人员经费 公用经费`, names its columns out of order.)
    let in_order_of = |layout: &Vec<Measure>| {
        let mut rest = layout.iter();
        printed.iter().all(|m| rest.any(|x| x == m))
    };
    let chosen = !kind.layouts.contains(&printed)
        && kind.layouts.iter().any(in_order_of)
        && g.names_only_columns(header);
    let this_year = |m: &Measure| Grammar::is_document_measure(m);
    let whole = printed.contains(&"total")
        || (printed.iter().any(this_year)
            && printed
                .iter()
                .all(|m| this_year(m) || g.identities.is_comparison(m)));
    ((unknown_to_layouts || chosen) && whole && widest == Some(printed.len())).then_some(printed)
}

/// The columns of a header whose wrapped headings lost their places: the
/// measures it names ([`wrapped_header_measures`]), as many as the widest
/// row's amounts, in the order of the kind's layouts that hold them all
/// (which must agree). pdfplumber prints a header whose one-line headings
/// are centred beside two-line ones as three lines, so the order the
/// lines give is not the columns'.
fn selected_layout(
    g: &Grammar,
    kind: &TableKind,
    lines: &[String],
    widest: Option<usize>,
) -> Option<Vec<Measure>> {
    let named = wrapped_header_measures(g, lines)?;
    if widest != Some(named.len()) || !named.contains(&"total") {
        return None;
    }
    let mut orders = kind
        .layouts
        .iter()
        .filter(|l| named.iter().all(|m| l.contains(m)))
        .map(|l| {
            l.iter()
                .copied()
                .filter(|m| named.contains(m))
                .collect::<Vec<_>>()
        });
    let first = orders.next()?;
    orders.all(|o| o == first).then_some(first)
}

/// The measures named by a header printed as lines of words, when two of
/// its lines hold as many words and each word of the first, joined with
/// the word at its place on the second, names a measure (`一般公共预算` +
/// `拨款`, `政府性基金预` + `算拨款`): the wrapped headings, and every
/// measure the other lines name. Each measure once; `None` when no two
/// lines pair so, or a measure is named twice.
fn wrapped_header_measures(g: &Grammar, lines: &[String]) -> Option<Vec<Measure>> {
    let words: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let pair = |a: usize, c: usize| -> Option<Vec<Measure>> {
        let (upper, lower) = (&words[a], &words[c]);
        if upper.len() < 2 || upper.len() != lower.len() {
            return None;
        }
        let mut wrapped = false;
        let mut named = Vec::new();
        for (u, l) in upper.iter().zip(lower) {
            let HeaderMeaning::Measure(m) = g.header(&format!("{u}{l}")) else {
                return None;
            };
            wrapped |= g.header(u) != HeaderMeaning::Measure(m);
            named.push(m);
        }
        wrapped.then_some(named)
    };
    let (a, c, wrapped) = (0..words.len())
        .flat_map(|a| (a + 1..words.len()).map(move |c| (a, c)))
        .find_map(|(a, c)| pair(a, c).map(|named| (a, c, named)))?;
    let mut named = wrapped;
    for (i, line) in lines.iter().enumerate() {
        if i != a && i != c {
            named.extend(g.measures_named(line));
        }
    }
    let mut distinct = named.clone();
    distinct.sort_unstable();
    distinct.dedup();
    (distinct.len() == named.len()).then_some(named)
}

/// A header printed a row of words a line, its headings wrapped onto the
/// next line or two (`单位资` / `金`, `财政拨` / `款(补助)` / `小计`: pdfplumber
/// and `pdftotext`): its text with each wrapped heading whole, in the place
/// of its first line's word, the other words as printed. A heading is a
/// word of a line joined with one of the next line's (and one of the line
/// after's) that together are exactly a measure's synonym; the longest are
/// joined first, each word once. `None` when no line holds two words (a
/// cell a line runs its headings together already) or nothing was joined.
fn rejoin_wrapped_headings(g: &Grammar, lines: &[String]) -> Option<String> {
    let words: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            l.split_whitespace()
                .map(|w| normalize::label(w).into_owned())
                .collect()
        })
        .collect();
    if words.iter().all(|w| w.len() < 2) {
        return None;
    }
    // (text, its words as (line, index)), longest first. A heading's piece
    // before the last is two characters or more: a header spaced a
    // character a word (`事 业 收 入`) pairs anything.
    let piece = |w: &String| w.chars().nth(1).is_some();
    let mut candidates: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for i in 0..words.len().saturating_sub(1) {
        for (a, first) in words[i].iter().enumerate().filter(|(_, w)| piece(w)) {
            for (b, second) in words[i + 1].iter().enumerate() {
                let two = format!("{first}{second}");
                if g.synonym(&two).is_some() {
                    candidates.push((two.clone(), vec![(i, a), (i + 1, b)]));
                }
                if !piece(second) {
                    continue;
                }
                for (c, third) in words.get(i + 2).into_iter().flatten().enumerate() {
                    let three = format!("{two}{third}");
                    if g.synonym(&three).is_some() {
                        candidates.push((three, vec![(i, a), (i + 1, b), (i + 2, c)]));
                    }
                }
            }
        }
    }
    candidates.sort_by_key(|(text, at)| (std::cmp::Reverse(text.chars().count()), at.clone()));
    let mut used: Vec<Vec<bool>> = words.iter().map(|w| vec![false; w.len()]).collect();
    let mut joined: HashMap<(usize, usize), String> = HashMap::new();
    for (text, at) in candidates {
        if at.iter().any(|&(l, w)| used[l][w]) {
            continue;
        }
        for &(l, w) in &at {
            used[l][w] = true;
        }
        joined.insert(at[0], text);
    }
    if joined.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (l, line) in words.iter().enumerate() {
        for (w, word) in line.iter().enumerate() {
            match joined.get(&(l, w)) {
                Some(text) => out.push_str(text),
                None if used[l][w] => {}
                None => out.push_str(word),
            }
        }
    }
    Some(out)
}

/// The kind's standard layout whose column names the header mentions most
/// (ties: the one with the fewest columns the header does not name). A
/// layout of three columns or more that the header names wholly and as
/// wide as the widest row comes first: a group heading over its columns
/// (`基本支出` over `人员经费` / `公用经费`) names a column the table may
/// not print.
fn choose_layout<'k>(
    g: &Grammar,
    layouts: &'k [Vec<Measure>],
    header: &str,
    widest: Option<usize>,
) -> &'k [Measure] {
    // Among layouts the header names as many columns of, the one with the
    // fewest columns it does not name (Shanghai's five income columns are
    // also five of the seven a final account's income table has).
    layouts
        .iter()
        .max_by_key(|l| layout_rank(g, l, header, widest))
        .map_or(&[][..], |l| l.as_slice())
}

/// How well `header` supports layout `l` (higher is better): named wholly
/// and as wide as the widest row, then columns named, then fewest unnamed.
fn layout_rank(
    g: &Grammar,
    l: &[Measure],
    header: &str,
    widest: Option<usize>,
) -> (bool, usize, std::cmp::Reverse<usize>) {
    let named = l
        .iter()
        .filter(|m| g.synonyms_of(m).iter().any(|s| header.contains(*s)))
        .count();
    let fits = l.len() >= 3 && named == l.len() && widest == Some(l.len());
    (fits, named, std::cmp::Reverse(l.len() - named))
}

/// The columns of `chosen` that another standard layout of its width,
/// which the header supports as well, gives another measure: the header
/// does not tell which of the two the table prints (`上年结转` second or
/// not at all, its words lost in the dump), so amounts read into those
/// columns are a guess.
fn contested_columns(
    g: &Grammar,
    layouts: &[Vec<Measure>],
    header: &str,
    widest: Option<usize>,
    chosen: &[Measure],
) -> Vec<usize> {
    let rank = layout_rank(g, chosen, header, widest);
    let rivals: Vec<&Vec<Measure>> = layouts
        .iter()
        .filter(|l| {
            l.len() == chosen.len()
                && l.as_slice() != chosen
                && layout_rank(g, l, header, widest) == rank
        })
        .collect();
    (0..chosen.len())
        .filter(|&i| rivals.iter().any(|l| l[i] != chosen[i]))
        .collect()
}

/// The grammar's row sums for `kind`'s `section`, over the columns `col`
/// finds (rules whose total or every part is missing left out).
pub(super) fn row_rules(
    g: &Grammar,
    kind: &str,
    section: Option<Section>,
    col: impl Fn(&Measure) -> Option<usize>,
) -> Vec<RowRule> {
    g.identities
        .row_sums
        .iter()
        .filter(|r| r.section == section && r.applies(kind, |m| col(m).is_some()))
        .filter_map(|r| {
            let parts: Vec<usize> = r.parts.iter().filter_map(&col).collect();
            Some(RowRule {
                total: col(&r.total)?,
                parts,
                parts_optional: r.parts_optional,
            })
            .filter(|r| !r.parts.is_empty())
        })
        .collect()
}

/// (column, amount) the earlier tables state for this table's 合计 row
/// (figures stated only in another kind of document left out).
fn evidence(
    g: &Grammar,
    kind: &str,
    layout: &[Measure],
    so_far: &Document,
) -> Vec<(usize, Amount)> {
    let mut out = Vec::new();
    let applies = |e: &&Evidence| {
        e.table == kind && e.only_in.is_none_or(|k| so_far.kind.is_none_or(|d| d == k))
    };
    for ev in g.identities.evidence.iter().filter(applies) {
        if let Some(from) = so_far.tables.iter().find(|t| t.kind == ev.from) {
            out.extend(stated_by(ev, &from.rows, layout));
        }
    }
    out
}

/// (column, amount) that `rows` state under the labels of one evidence entry.
fn stated_by(ev: &Evidence, rows: &[Row], layout: &[Measure]) -> Vec<(usize, Amount)> {
    let mut out = Vec::new();
    for row in rows
        .iter()
        .filter(|r| ev.section.is_none() || r.section == ev.section)
    {
        for m in ev.measures_stated_by(&row.item) {
            if let (Some(c), Some(v)) = (layout.iter().position(|x| *x == m), row.values.first()) {
                out.push((c, v.amount));
            }
        }
    }
    out
}

/// Search budget of the fallback paths of a row no reading fits.
const FALLBACK_NODES: usize = 20_000;

/// The readings of one row; when none satisfies the identities, the
/// left-most placement (to be reported uncertain).
fn solve_row(
    numbers: &[String],
    width: usize,
    rules: &[RowRule],
    required: &[usize],
) -> (Vec<Reading>, Option<Reading>) {
    let tokens: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let found = readings(&tokens, width, rules, required).unwrap_or_default();
    if !found.is_empty() || tokens.is_empty() {
        return (found, None);
    }
    // A digit lost at a cell's edge, restored when the identities fix it.
    let free = first_readings(&tokens, width, &[], required, FALLBACK_NODES, 512);
    let restored: Vec<Reading> = free
        .iter()
        .filter_map(|r| restore_cut_digit(r, rules))
        .collect();
    if !restored.is_empty() {
        return (restored, None);
    }
    // Within a hundredth: a publisher's slip (kept as printed, reported by
    // the checks) — unless an amount involved was printed short, when a lost
    // digit cannot be ruled out: doubtful.
    let near = readings_within(&tokens, width, rules, required, 1).unwrap_or_default();
    if !near.is_empty() {
        let marked = near
            .into_iter()
            .map(|r| {
                let short = r.values.iter().flatten().any(|p| p.amount.decimals < 2);
                Reading {
                    doubtful: short,
                    ..r
                }
            })
            .collect();
        return (marked, None);
    }
    let fallback = first_readings(&tokens, width, &[], required, FALLBACK_NODES, 1)
        .into_iter()
        .next();
    (found, fallback)
}

/// Turns settled readings into values, with honest statuses.
fn values(settled: &Settled, reading: &Reading, layout: &[Measure], at: Provenance) -> Vec<Value> {
    let placed = reading.values.iter().filter(|v| v.is_some()).count();
    reading
        .values
        .iter()
        .enumerate()
        .filter_map(|(c, v)| {
            let p = (*v)?;
            let certain = settled.certain.get(c).copied().unwrap_or(false);
            let status = match settled.resolution {
                _ if reading.doubtful => CellStatus::Uncertain,
                // No sum tells which blank column a zero is printed in
                // (the total's is the row's first).
                _ if p.amount.cents == 0 && placed < layout.len() && layout[c] != "total" => {
                    CellStatus::Uncertain
                }
                Resolution::Unique
                    if p.pieces == 1 && placed == layout.len() && p.restored_from.is_none() =>
                {
                    CellStatus::Ok
                }
                Resolution::Unique => CellStatus::Repaired,
                // Several readings fit, but all put this amount here.
                Resolution::Ambiguous if certain => CellStatus::Repaired,
                Resolution::Ambiguous | Resolution::Inconsistent => CellStatus::Uncertain,
            };
            Some(Value {
                measure: layout[c],
                amount: p.amount,
                status,
                at,
                alternatives: vec![],
                restored_from: p.restored_from,
            })
        })
        .collect()
}

/// A flow row's name is put together from fragments a dump may print out
/// of order (a wrapped name's head above its code line, its tail after the
/// amounts, another row's head after that), and a row put together wrongly
/// may hold the wrong amounts. The same code names the same item in every
/// table: a coded row whose name more tables contradict than confirm has
/// its `ok` cells made `uncertain`, and says so.
pub(super) fn doubt_names_tables_disagree_on(g: &Grammar, doc: &mut Document) {
    use std::collections::HashMap;
    // A two-sided table numbers its 类 (`一、公共安全支出`).
    let name = |row: &Row| normalize::strip_ordinal(&row.item).to_string();
    // Per code: each table's name for it, and whether that row may
    // confirm another's (a row wholly in doubt may contradict, not confirm).
    let mut names: HashMap<String, Vec<(usize, String, bool)>> = HashMap::new();
    for (t, table) in doc.tables.iter().enumerate() {
        for row in table.rows.iter().filter(|r| r.project.is_empty()) {
            if let (Some(code), false) = (&row.code, row.item.is_empty()) {
                let entry = names.entry(code.as_str().to_string()).or_default();
                if !entry.iter().any(|(u, _, _)| *u == t) {
                    entry.push((t, name(row), super::doubt::is_witness(row)));
                }
            }
        }
    }
    for (t, table) in doc.tables.iter_mut().enumerate() {
        let mut notes = Vec::new();
        for row in table.rows.iter_mut().filter(|r| r.project.is_empty()) {
            let Some(code) = &row.code else {
                continue;
            };
            // A 类 named as the grammar names it is confirmed.
            if g.class_code(&row.item) == Some(code.as_str()) {
                continue;
            }
            let Some(named) = names.get(code.as_str()) else {
                continue;
            };
            let own = name(row);
            let others = || named.iter().filter(|(u, _, _)| *u != t);
            let agree = others().filter(|(_, n, sure)| *n == own && *sure).count();
            let disagree = others().filter(|(_, n, _)| *n != own).count();
            let Some((_, other, _)) = others().find(|(_, n, _)| *n != own) else {
                continue;
            };
            if disagree <= agree {
                continue;
            }
            let mut doubted = false;
            for v in row.values.iter_mut().filter(|v| v.status == CellStatus::Ok) {
                v.status = CellStatus::Uncertain;
                doubted = true;
            }
            if doubted {
                notes.push(format!(
                    "line {}: name '{}' is '{other}' in another table: the row may be put \
                     together wrongly, its amounts are uncertain",
                    row.at, row.item
                ));
            }
        }
        table.issues.extend(notes);
    }
}

/// The columns a coded row must fill when it prints amounts: its total's,
/// where the layout has one.
fn total_required(layout: &[Measure]) -> Vec<usize> {
    layout
        .iter()
        .position(|m| *m == "total")
        .into_iter()
        .collect()
}

/// Builds a table of a flow dump. `so_far` is the document read up to it.
pub fn build(g: &Grammar, draft: &Draft, so_far: &Document) -> Table {
    let mut table = draft.empty_table();
    table.placement = Placement::Order;
    match draft.kind.shape {
        Shape::Coded => coded(g, draft.kind, &draft.lines, so_far, &mut table),
        Shape::TwoSided => two_sided(
            g,
            draft.kind,
            &draft.lines,
            so_far.is_final_account(),
            &mut table,
        ),
        Shape::ThreePublic => three_public(g, draft, &mut table),
    }
    // A blank cell's dash read on after a label (`六、其他收入 -`) is no
    // part of it.
    for row in &mut table.rows {
        let name = row.item.trim_end_matches(['-', '—', '－']);
        if !name.is_empty() && name.len() < row.item.len() {
            row.item = name.to_string();
        }
    }
    report_unread_negatives(&draft.lines, &mut table);
    table
}

/// Negative amounts (`-9423.79`, `(0.31)`) the flow reader did not read:
/// their rows may be lost, and the table says so.
fn report_unread_negatives(lines: &[(Provenance, String)], table: &mut Table) {
    let read = |cents: i64| {
        table
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .any(|v| v.amount.cents == cents)
    };
    let unread: Vec<(Provenance, &str)> = lines
        .iter()
        .flat_map(|(at, line)| line.split_whitespace().map(move |t| (*at, t)))
        .filter(|(_, t)| {
            t.bytes().any(|b| b.is_ascii_digit())
                && Amount::parse(t).is_some_and(|a| a.cents < 0 && !read(a.cents))
        })
        .collect();
    if let Some((at, first)) = unread.first() {
        table.issues.push(format!(
            "line {at}: {} negative amount(s) not read, the first '{first}': their rows may be lost",
            unread.len()
        ));
    }
}

/// The lines that number the columns (`※ 1 2 3 4`, or `1` / `2` / `3` a
/// line), not amounts.
fn column_numbering(lines: &[(Provenance, String)]) -> Vec<bool> {
    let integers = |line: &str| -> Option<Vec<u32>> {
        line.split_whitespace()
            .filter(|t| !matches!(*t, "※" | "栏次" | "行次"))
            .map(|t| t.parse::<u32>().ok())
            .collect()
    };
    let counts_up = |n: &[u32]| n.len() >= 2 && n.iter().zip(1..).all(|(a, b)| *a == b);
    let mut out: Vec<bool> = lines
        .iter()
        .map(|(_, l)| integers(l).is_some_and(|n| counts_up(&n)))
        .collect();
    // One number a line: a run 1, 2, 3 … of three or more, printed as
    // numbers (`01` / `02` / `03` a line is a column of 项 codes).
    let single = |i: usize| match integers(&lines[i].1).as_deref() {
        Some([n]) if lines[i].1.split_whitespace().any(|t| t == n.to_string()) => Some(*n),
        _ => None,
    };
    let mut i = 0;
    while i < lines.len() {
        if single(i) != Some(1) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() && single(end) == Some((end - i + 1) as u32) {
            end += 1;
        }
        if end - i >= 3 {
            out[i..end].iter_mut().for_each(|o| *o = true);
        }
        i = end;
    }
    out
}

fn coded(
    g: &Grammar,
    kind: &TableKind,
    lines: &[(Provenance, String)],
    so_far: &Document,
    table: &mut Table,
) {
    let economic = kind.key == "general_budget_basic";
    let words = HeaderWords::new(&kind.layouts, &table.title);
    // The column numbers (`1` / `2` / … `11` a line under the header) are
    // no amounts of the row the header's lines ran into.
    let lines: Vec<(Provenance, String)> = lines
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .cloned()
        .collect();
    let numbering = column_numbering(&lines);
    let lines: Vec<(Provenance, String)> = lines
        .into_iter()
        .zip(numbering)
        .filter_map(|(line, numbers_columns)| (!numbers_columns).then_some(line))
        .collect();
    let Assembled {
        header,
        header_lines,
        mut rows,
        panels,
    } = assemble(g, &lines, economic, kind.has_project, &words);
    drop_bare_codes_read_again(&mut rows);
    for row in &rows {
        if let (Some(printed), Some(code)) = (&row.padded_code, &row.code) {
            let at = row.at.unwrap_or(table.at);
            table
                .issues
                .push(super::zero_restored_note(at, printed, code));
        }
    }
    if kind.has_project {
        split_project_rows(&mut rows, &so_far.tables);
    }
    // Headings wrapped onto the next lines, rejoined (the header's first
    // lines; any printed among the rows follow as they were).
    let before_rows: String = header_lines.iter().map(|l| normalize::label(l)).collect();
    let header = match header.strip_prefix(before_rows.as_str()) {
        Some(rest) => match rejoin_wrapped_headings(g, &header_lines) {
            Some(rejoined) => rejoined + rest,
            None => header,
        },
        None => header,
    };
    // The measures the header names, less those the title names: a group
    // heading repeats it over the columns (`本年一般公共预算支出` over 合计 /
    // 基本支出 / 项目支出).
    let titled = g.measures_named(&table.title);
    let mut named = g.measures_named(&header);
    named.retain(|m| !titled.contains(m));
    let widest = rows.iter().map(|r| r.numbers.len()).max();
    let printed = printed_layout(g, kind, &header, &named, widest)
        .or_else(|| selected_layout(g, kind, &header_lines, widest));
    let (layout, contested) = match (panel_measure(g, panels, &lines), &printed) {
        (Some(measure), _) => (vec![measure], Vec::new()),
        (None, Some(printed)) => (printed.clone(), Vec::new()),
        (None, None) => {
            let layout = choose_layout(g, &kind.layouts, &header, widest);
            let contested = contested_columns(g, &kind.layouts, &header, widest, layout);
            (layout.to_vec(), contested)
        }
    };
    // A column the header names that the layout taken lacks (its words
    // wrapped out of order): every amount right of the total may sit one
    // column along.
    named.sort_unstable();
    named.dedup();
    // (A header naming more columns than the layout has is a wider table
    // whose rows leave columns blank: its rows are placed by their sums.)
    let unplaced: Vec<Measure> = if named.len() <= layout.len() {
        named.into_iter().filter(|m| !layout.contains(m)).collect()
    } else {
        Vec::new()
    };
    let mut shifted_rows = 0;
    let mut contested_rows = 0;
    if layout.is_empty() || rows.is_empty() {
        return;
    }
    table.columns = layout.clone();
    // Rows paired with their amounts by the table's totals alone, a
    // column's sums failing (see [`streams`]): the publisher's slip or the
    // dump's, every amount is uncertain.
    let mut paired_by_totals = false;
    if panels == 1 && !kind.has_project && streams::runs_rows_together(&rows, layout.len()) {
        // The lines before the first row's.
        let first = rows.first().and_then(|r| r.at);
        let header_end = lines.iter().position(|(at, _)| Some(*at) == first);
        let header_region = &lines[..header_end.unwrap_or(0)];
        if let Some(read) =
            streams::read_streams(g, header_region, &header, &rows, &layout, economic)
        {
            let proof = match read.proof {
                streams::Compared::Every => "as their sums confirm",
                streams::Compared::Totals => {
                    "as their totals' sums alone confirm (another column's sums fail, see the \
                     checks): every amount is uncertain"
                }
            };
            table.issues.push(format!(
                "flow layout: the dump printed the table's names, amounts and codes out of \
                 step; its rows were paired again in printed order, {proof}"
            ));
            paired_by_totals = read.proof == streams::Compared::Totals;
            rows = read.rows;
        }
    }
    let rules = row_rules(g, kind.key, None, |m| layout.iter().position(|x| x == m));
    let required = total_required(&layout);
    // (The 合计 row read only when a rule's parts may be left blank.)
    let total_readings = rows
        .iter()
        .find(|r| r.is_total && rules.iter().any(|rule| rule.parts_optional))
        .map(|r| solve_row(&r.numbers, layout.len(), &rules, &required).0)
        .unwrap_or_default();
    let rules = parts_optional_where_the_total_row_leaves_them(rules, &total_readings);
    let repeated = if kind.has_project {
        // Projects share their function's code.
        vec![false; rows.len()]
    } else {
        codes_read_again(&rows)
    };
    let mut fallbacks = Vec::new();
    let mut solve_rows: Vec<SolveRow> = rows
        .iter()
        .map(|r| {
            let (found, fallback) = solve_row(&r.numbers, layout.len(), &rules, &required);
            fallbacks.push(fallback);
            SolveRow {
                code: r.code.clone(),
                is_total: r.is_total,
                readings: found,
            }
        })
        .collect();
    // A row whose code was read again stays out of the table's tree (it
    // would be its parent's sibling): it is settled by its own sums alone.
    let alone: Vec<(usize, SolveRow)> = repeated
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, r)| **r)
        .map(|(i, _)| (i, solve_rows.remove(i)))
        .collect();
    let prior = column_ranks(kind, &layout);
    let mut settled = settle(
        &solve_rows,
        &evidence(g, kind.key, &layout, so_far),
        &prior,
        &rules,
    );
    for (i, row) in alone.into_iter().rev() {
        // Never surer than uncertain: its code is not what was printed.
        let width = layout.len();
        settled.insert(
            i,
            Settled {
                reading: row.readings.into_iter().next(),
                resolution: Resolution::Ambiguous,
                certain: vec![false; width],
            },
        );
    }
    let mut unsettled = 0;
    for (((row, settled), fallback), repeated) in
        rows.iter().zip(settled).zip(fallbacks).zip(repeated)
    {
        let at = row.at.unwrap_or(table.at);
        if settled.resolution != Resolution::Unique && !row.numbers.is_empty() {
            unsettled += 1;
        }
        if let (true, Some(code)) = (repeated, &row.code) {
            table.issues.push(format!(
                "line {at}: code {} read a second time ({}): a level of it lost in the dump, \
                 or a sub-item printed with its parent's code; its amounts are uncertain",
                code.as_str(),
                row.label
            ));
        }
        let mut values = settled
            .reading
            .as_ref()
            .or(fallback.as_ref())
            .map(|r| values(&settled, r, &layout, at))
            .unwrap_or_default();
        if values.is_empty() && row.code.is_none() {
            continue;
        }
        // A row with an amount in every column is read by position: with
        // a column missing from the layout, each amount right of the total
        // may be one column off. (A sparser row is placed by its sums, its
        // cells `repaired` at best.)
        if !unplaced.is_empty() && row.numbers.len() == layout.len() {
            shifted_rows += 1;
            for value in values.iter_mut().filter(|v| v.measure != "total") {
                value.status = CellStatus::Uncertain;
            }
        }
        // A column another layout as well supported gives another measure:
        // which of the two it is, is a guess.
        let mut guessed = values
            .iter_mut()
            .filter(|v| contested.iter().any(|&i| layout[i] == v.measure))
            .peekable();
        if guessed.peek().is_some() {
            contested_rows += 1;
        }
        for value in guessed {
            value.status = CellStatus::Uncertain;
        }
        // A code without a name: the dump printed it apart from its row (a
        // column of codes, then the names), and the fragments after it may
        // be other codes (`210` / `11` read as 21011).
        if let (Some(code), true) = (&row.code, row.label.is_empty() && !values.is_empty()) {
            table.issues.push(format!(
                "line {at}: code {} has no name: the dump printed it apart from its row; its amounts are uncertain",
                code.as_str()
            ));
            for value in &mut values {
                value.status = CellStatus::Uncertain;
            }
        }
        if let (Some(code), true) = (&row.code, row.xiang_in_doubt && !values.is_empty()) {
            let read_from = if row.xiang_beside_name {
                "beside its name, where the dump may set another row's 项, and the dump's \
                 column of 项 codes does not give it"
            } else {
                "from the dump's column of 项 codes, printed apart from the rows, in its order"
            };
            table.issues.push(format!(
                "line {at}: {}'s 项 was read {read_from}: no sum proves it, its amounts are \
                 uncertain",
                code.as_str()
            ));
            for value in &mut values {
                value.status = CellStatus::Uncertain;
            }
        }
        if paired_by_totals {
            for value in &mut values {
                value.status = CellStatus::Uncertain;
            }
        }
        if let (Some(doubt), true) = (
            row.name_doubt,
            values.iter().any(|v| v.status != CellStatus::Uncertain),
        ) {
            let why = match doubt {
                NameDoubt::ProjectNamesInterleaved => {
                    "runs a function name and a project name together in an order the dump \
                     does not show"
                }
                NameDoubt::WhereNameEnds => {
                    "is put together from name lines as wide as their column: the dump does \
                     not show where one name ends and the next begins"
                }
                NameDoubt::ReadPastItsEnd => {
                    "is read on past a name line narrower than its column, where a wrapped \
                     name ends (or the name above was): its lines may be two rows' names"
                }
                NameDoubt::OutOfStep => {
                    "was printed out of step with its row's code and amounts, a class's name \
                     moved in between: it may be another row's name"
                }
                NameDoubt::LevelRunIntoName => {
                    "follows its code's last level with no space, where the table's other \
                     codes stand apart from their names: the digits may be the name's"
                }
            };
            table.issues.push(format!(
                "line {at}: '{}' {why}: the row may be put together wrongly, its amounts are \
                 uncertain",
                row.label
            ));
            for value in &mut values {
                value.status = CellStatus::Uncertain;
            }
        }
        // A row's only amount a bare 类 code (`合计` / `208`, the next
        // row's code, its name and amounts set elsewhere in the dump).
        if let [only] = row.numbers.as_slice() {
            let class_code = only.len() == 3
                && only.bytes().all(|b| b.is_ascii_digit())
                && (g.class_names_by_code(only) || g.is_economic_class(only));
            if class_code && !values.is_empty() {
                table.issues.push(format!(
                    "line {at}: the row's only amount, {only}, reads as a class's code: it is uncertain"
                ));
                for value in &mut values {
                    value.status = CellStatus::Uncertain;
                }
            }
        }
        table.rows.push(Row {
            section: None,
            code: row.code.clone(),
            // The total's own word (`合计`, or `总计` where the table prints
            // that), not what a wrapped line ran into it.
            item: if row.is_total {
                if row.label.starts_with("总计") {
                    "总计"
                } else {
                    "合计"
                }
                .to_string()
            } else {
                row.label.clone()
            },
            project: row.project.clone(),
            values,
            at,
        });
    }
    if unsettled > 0 {
        table.issues.push(format!(
            "flow layout: {unsettled} rows could not be placed with certainty"
        ));
    }
    if contested_rows > 0 {
        let columns: Vec<String> = contested
            .iter()
            .map(|&i| format!("{} ({})", i + 1, layout[i]))
            .collect();
        table.issues.push(format!(
            "flow layout: the header, as the dump prints it, fits another standard layout \
             of {} columns as well, which gives columns {} other measures: in {contested_rows} \
             rows their amounts are uncertain",
            layout.len(),
            columns.join(", ")
        ));
    }
    if shifted_rows > 0 {
        table.issues.push(format!(
            "the header names {} (a column no standard layout of the table has) in words \
             the dump wrapped out of order: in {shifted_rows} rows with an amount in every \
             column, the amounts right of the total are uncertain",
            unplaced.join(", ")
        ));
    }
}

/// The one measure of a panelled economic table (`决算数` under each
/// panel): its column in every panel, as the header prints it.
fn panel_measure(g: &Grammar, panels: usize, lines: &[(Provenance, String)]) -> Option<Measure> {
    (panels > 1).then(|| header_measure(g, lines)).flatten()
}

/// Each layout column's rank in the kind's column prior (lower = more often
/// used; a column the prior does not list after all it does).
fn column_ranks(kind: &TableKind, layout: &[Measure]) -> Vec<usize> {
    layout
        .iter()
        .map(|m| {
            kind.column_prior
                .iter()
                .position(|x| x == m)
                .unwrap_or(kind.column_prior.len())
        })
        .collect()
}

/// A code read alone, with no name or amounts, whose row comes later with
/// its name (a 类's code cell printed among the header's words, the row's
/// name and amounts after it): the later row's, not a row of its own.
fn drop_bare_codes_read_again(rows: &mut Vec<FlowRow>) {
    let bare = |r: &FlowRow| r.code.is_some() && r.label.is_empty() && r.tokens.is_empty();
    let mut i = 0;
    while i < rows.len() {
        let again = bare(&rows[i])
            && rows[i + 1..]
                .iter()
                .any(|r| r.code == rows[i].code && !r.label.is_empty());
        if again {
            rows.remove(i);
        } else {
            i += 1;
        }
    }
}

/// Rows whose code an earlier row of the table has: the dump lost a level
/// of it (`208` / `07` / `公益性岗位补贴`, the 项's `05` gone, reads as its
/// 款 again), or the publisher printed a sub-item under its parent's code
/// (seed 003's `301 02 保留地方津贴` under `301 02 国家规定津贴补贴`). Either
/// way the row is no child of the code's parent.
fn codes_read_again(rows: &[FlowRow]) -> Vec<bool> {
    let mut seen: Vec<&Code> = Vec::new();
    rows.iter()
        .map(|r| match &r.code {
            Some(c) if seen.contains(&c) => true,
            Some(c) => {
                seen.push(c);
                false
            }
            None => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_run_into_its_name_is_printed_apart() {
        // `pdftotext -fixed 6` of seed 000's reportlab PDF sets 项 names
        // against their code cells: the 项 was read as the name's start and
        // the row keyed by its 款 (12 project cells, 20801).
        let apart = |l: &str| separate_run_in_level(l.to_string());
        let split = |l: &str| (l.to_string(), true);
        let kept = |l: &str| (l.to_string(), false);
        assert_eq!(
            apart("204 06 01行政运行 16726725.44"),
            split("204 06 01 行政运行 16726725.44")
        );
        assert_eq!(
            apart("204 06司法 87267272.44"),
            split("204 06 司法 87267272.44")
        );
        // Not a year, not a code's own line, not a line without a 类.
        assert_eq!(apart("201 2023年预算"), kept("201 2023年预算"));
        assert_eq!(apart("204 06 01 行政运行"), kept("204 06 01 行政运行"));
        assert_eq!(apart("100 10万元"), kept("100 10万元"));
        assert_eq!(apart("行政运行 01"), kept("行政运行 01"));
    }

    #[test]
    fn a_level_run_into_its_name_is_doubted_where_codes_as_long_stand_apart() {
        let g = Grammar::global();
        let lines = |texts: &[&str]| -> Vec<(Provenance, (String, bool))> {
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (Provenance::Line(i as u32 + 1), separate_code(t.to_string())))
                .collect()
        };
        let doubted = |texts: &[&str]| levels_run_in_out_of_step(g, &lines(texts), false);
        // 项 50 or a name starting 50, beside a 项 printed apart.
        assert_eq!(
            doubted(&["208 01 01 行政运行 1.00", "208 01 50岁以上人员补贴 2.00"]),
            [Provenance::Line(2)]
        );
        // Unless the grammar knows the name as the 项's.
        assert!(doubted(&[
            "208 05 05 机关事业单位基本养老保险缴费支出 1.00",
            "208 01 01行政运行 2.00"
        ])
        .is_empty());
        // A 项 column set against every 项's name, its 款 rows' names apart
        // (`pdftotext -fixed 6`): the dump's way, not a doubt.
        assert!(doubted(&[
            "208 05 行政事业单位养老支出 3.00",
            "208 05 01行政单位离退休 3.00"
        ])
        .is_empty());
        assert!(doubted(&["208 01 01行政运行 1.00", "208 01 08信息化建设 2.00"]).is_empty());
    }

    fn coded_row(code: &str) -> FlowRow {
        FlowRow {
            code: Code::new(code),
            numbers: vec!["1.00".into()],
            ..FlowRow::default()
        }
    }

    #[test]
    fn a_header_wrapped_around_its_one_line_headings_names_its_columns() {
        let g = Grammar::global();
        let lines: Vec<String> = [
            "一般公共预算 政府性基金预 国有资本经营 财政专户管理",
            "科目编码 科目名称 合计 事业收入 其他收入",
            "拨款 算拨款 预算拨款 资金收入",
            "类 款 项",
        ]
        .iter()
        .map(|l| l.to_string())
        .collect();
        assert_eq!(
            wrapped_header_measures(g, &lines).unwrap(),
            [
                "general_budget",
                "gov_fund",
                "state_capital",
                "special_account",
                "total",
                "business_income",
                "other_income"
            ]
        );
        let income = g.kind("income").unwrap();
        // In the order of the layouts holding them (eight columns with
        // 事业单位经营收入), as wide as the widest row.
        assert_eq!(
            selected_layout(g, income, &lines, Some(7)).unwrap(),
            [
                "total",
                "general_budget",
                "gov_fund",
                "state_capital",
                "special_account",
                "business_income",
                "other_income"
            ]
        );
        assert_eq!(selected_layout(g, income, &lines, Some(8)), None);
        // Lines of words that pair into no measures.
        let plain = [
            "科目编码 科目名称 合计 基本支出 项目支出".to_string(),
            "类 款 项".to_string(),
        ];
        assert_eq!(wrapped_header_measures(g, &plain), None);
    }

    #[test]
    fn levels_printed_without_their_class_continue_the_row_above() {
        let rows = [coded_row("201"), coded_row("20103")];
        let code = |tokens: &[&str], rows: &[FlowRow], paired: bool| {
            continued_code(tokens, rows, false, paired).map(|c| c.code.as_str().to_string())
        };
        // A 款 under its 类's row, a 项 under its 款's.
        assert_eq!(
            code(&["03", "政府办公厅"], &rows[..1], false).as_deref(),
            Some("20103")
        );
        assert_eq!(
            code(&["03", "01", "行政运行"], &rows, false).as_deref(),
            Some("2010301")
        );
        // A lone level after a 款: a 款 only where the table pairs 款 and 项.
        assert_eq!(code(&["05", "其他"], &rows, false), None);
        assert_eq!(
            code(&["05", "01", "其他"], &rows, true),
            None,
            "no 20105 row read"
        );
        // Amounts, not a name, after the levels; a code before the one above.
        assert_eq!(code(&["03", "01", "458.28"], &rows, false), None);
        assert_eq!(
            code(&["02", "一般"], &rows[..1], false),
            Some("20102".into())
        );
        assert_eq!(
            code(
                &["01", "一般"],
                &[coded_row("201"), coded_row("20103")],
                true
            ),
            None
        );
        // An economic code has one level under its class.
        assert_eq!(
            continued_code(&["03", "奖金"], &[coded_row("301")], true, false).map(|c| c.code),
            Code::new("30103")
        );
        assert!(continued_code(&["03", "01", "奖金"], &[coded_row("301")], true, false).is_none());
        // The parent must be the nearest row a level up: 20103's 项 after
        // 2080101 (a 类 the dump set elsewhere) is none.
        let later = [coded_row("201"), coded_row("20103"), coded_row("2010301")];
        assert_eq!(
            code(&["03", "02", "一般"], &later, false).as_deref(),
            Some("2010302")
        );
        let elsewhere = [coded_row("201"), coded_row("20103"), coded_row("2080501")];
        assert_eq!(code(&["05", "05", "缴费"], &elsewhere, true), None);
    }

    #[test]
    fn a_row_that_took_more_than_its_own_continues_no_code() {
        let lines: Vec<(Provenance, String)> = ["50 事业运行 288.19 275.03 13.16"]
            .iter()
            .map(|l| (Provenance::Line(9), l.to_string()))
            .collect();
        let total = || FlowRow {
            is_total: true,
            numbers: vec!["1,178.68".into(), "843.76".into(), "334.92".into()],
            ..FlowRow::default()
        };
        let row = |code: &str, tokens: &[&str]| FlowRow {
            code: Code::new(code),
            numbers: tokens
                .iter()
                .filter(|t| is_number_fragment(t))
                .map(|t| t.to_string())
                .collect(),
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
            ..FlowRow::default()
        };
        let read = |above: FlowRow| {
            let rows = [
                total(),
                row("201", &["一般", "953.60"]),
                row("20103", &["政府", "953.60"]),
                above,
            ];
            classless_row(&lines, 0, &rows, false, true)
                .map(|(c, _, _)| c.code.as_str().to_string())
        };
        // Its own amounts: a lone level below, in a table that prints 项
        // with their 款, is a 款.
        assert_eq!(
            read(row(
                "2010302",
                &["一般行政管理事务", "207.13", "0.00", "207.13"]
            ))
            .as_deref(),
            Some("20150")
        );
        // A level set on its line (`… 207.13 03`) or another row's name
        // run into it: the level below may not be the row's own.
        assert_eq!(
            read(row(
                "2010302",
                &["一般行政管理事务", "207.13", "0.00", "207.13", "03"]
            )),
            None
        );
        assert_eq!(
            read(row(
                "2010302",
                &["一般行政管理事务", "207.13", "0.00", "207.13", "事业运行"]
            )),
            None
        );
    }

    #[test]
    fn a_row_printed_whole_on_its_line_follows_a_name_wrapped_below_amounts() {
        // tests/fixtures/dumps/000_…pdfplumber.txt: `208 社会保障和就业 1536.75
        // 1514.13 22 0.62` / `支出` / `01 人力资源和社会 1146.18 1124.18 22`.
        let above = |token_lines: Vec<usize>| FlowRow {
            code: Code::new("208"),
            numbers: ["1536.75", "1514.13", "22", "0.62"]
                .map(String::from)
                .to_vec(),
            tokens: ["社会保障和就业", "1536.75", "1514.13", "22", "0.62", "支出"]
                .map(String::from)
                .to_vec(),
            token_lines,
            ..FlowRow::default()
        };
        let read = |line: &str| {
            let lines = numbered([line]);
            classless_row(&lines, 0, &[above(vec![0, 0, 0, 0, 0, 1])], false, false)
                .map(|(c, _, _)| c.code.as_str().to_string())
        };
        assert_eq!(
            read("01 人力资源和社会 1146.18 1124.18 22").as_deref(),
            Some("20801")
        );
        // A level and a name alone: the text below the amounts may be the
        // next row's name, the level another's.
        assert_eq!(read("01 人力资源和社会保障管理事务"), None);
        // Under a 项 whose name wrapped, a lone level may be a 项 whose 款
        // cell is merged (`06 机关事业单位职 49.28 49.28` under 2080505):
        // not read as a 款; a 款 and a 项 are.
        let xiang = || FlowRow {
            code: Code::new("2080505"),
            numbers: ["98.56", "98.56"].map(String::from).to_vec(),
            tokens: ["机关事业单位基", "98.56", "98.56", "本养老保险缴费", "支出"]
                .map(String::from)
                .to_vec(),
            token_lines: vec![0, 0, 0, 1, 2],
            ..FlowRow::default()
        };
        let kuan = || FlowRow {
            code: Code::new("20805"),
            numbers: ["151.24", "151.24"].map(String::from).to_vec(),
            tokens: ["行政事业单位养老支出", "151.24", "151.24"]
                .map(String::from)
                .to_vec(),
            token_lines: vec![0, 0, 0],
            ..FlowRow::default()
        };
        let under_xiang = |line: &str| {
            let lines = numbered([line]);
            let lei = FlowRow {
                code: Code::new("208"),
                ..kuan()
            };
            classless_row(&lines, 0, &[lei, kuan(), xiang()], false, true)
                .map(|(c, _, _)| c.code.as_str().to_string())
        };
        assert_eq!(under_xiang("06 机关事业单位职 49.28 49.28"), None);
        assert_eq!(
            under_xiang("05 06 机关事业单位职 49.28 49.28").as_deref(),
            Some("2080506")
        );
        // Text after the amounts on their own line: another row run in.
        let lines = numbered(["01 人力资源和社会 1146.18 1124.18 22"]);
        assert!(classless_row(&lines, 0, &[above(vec![0; 6])], false, false).is_none());
    }

    #[test]
    fn wrapped_headings_printed_as_rows_of_words_are_rejoined() {
        let g = Grammar::global();
        // tests/fixtures/dumps/000_…pdfplumber.txt, the income table's header.
        let lines = [
            "功能分 功能分类科目名 总 计 财 政 拨 财政专户 单位资 财政拨 非财政拨款",
            "类科目 称 款 ( 补 （教育收 金 款结转 结转结余",
            "编码 助 ) 费）",
            "类 款 项 财政拨 一般公共 上级一般公共预 政府性基 上级政府性基 国有资本经 上级国有资本经",
            "款(补助) 预算 算安排的转移支 金预算 金安排的转移 营预算 营预算安排的转",
            "小计 付 支付 移支付",
        ]
        .map(String::from);
        let rejoined = rejoin_wrapped_headings(g, &lines).unwrap();
        let named = g.measures_named(&rejoined);
        for m in [
            "total",
            "fiscal_subtotal",
            "general_budget",
            "general_budget_transfer",
            "gov_fund",
            "gov_fund_transfer",
            "state_capital",
            "state_capital_transfer",
            "special_account",
            "unit_funds",
            "carryover_fiscal",
            "carryover_nonfiscal",
        ] {
            assert!(named.contains(&m), "{m} in {rejoined}");
        }
        // Run together as printed, the header names two of them.
        let plain: String = lines.iter().map(|l| normalize::label(l)).collect();
        assert!(!g.measures_named(&plain).contains(&"unit_funds"));
        // A header spaced a character a word pairs nothing: one-character
        // pieces are no heading's start.
        let spaced = ["事 业 单 位", "经 营 收 入"].map(String::from);
        assert_eq!(rejoin_wrapped_headings(g, &spaced), None);
        // A cell a line: nothing to rejoin (the lines run together already).
        let cells = ["单位资", "金"].map(String::from);
        assert_eq!(rejoin_wrapped_headings(g, &cells), None);
    }

    #[test]
    fn levels_alone_on_their_lines_are_read_with_the_name_below() {
        let lines: Vec<(Provenance, String)> = ["03", "01", "行政运行", "458.28"]
            .iter()
            .enumerate()
            .map(|(i, l)| (Provenance::Line(i as u32 + 1), l.to_string()))
            .collect();
        assert_eq!(
            stacked_levels(&lines, 0),
            Some((vec!["03", "01", "行政运行"], 3))
        );
        assert_eq!(stacked_levels(&lines, 1), Some((vec!["01", "行政运行"], 2)));
        assert_eq!(stacked_levels(&lines, 2), None);
        // One 款 and 项 pair may be a date or a note: two make the table's way.
        assert!(!pairs_levels(&lines));
        let twice: Vec<(Provenance, String)> = lines.iter().chain(&lines).cloned().collect();
        assert!(pairs_levels(&twice));
        assert!(!pairs_levels(&lines[1..]));
    }
    #[test]
    fn a_code_level_without_its_zero_starts_a_row() {
        let g = Grammar::global();
        let start = |line: &str| {
            let tokens: Vec<&str> = line.split(' ').collect();
            code_start(g, &tokens, false, false)
                .map(|s| (s.code.as_str().to_string(), s.used, s.padded))
        };
        assert_eq!(
            start("208 01 01 行政运行 499.91"),
            Some(("2080101".into(), 3, false))
        );
        assert_eq!(
            start("208 1 01 行政运行 499.91"),
            Some(("2080101".into(), 3, true))
        );
        assert_eq!(
            start("208 05 9 其他 1.00"),
            Some(("2080509".into(), 3, true))
        );
        // A zero alone, or a number after the code, starts no row.
        assert_eq!(start("208 0 01 行政运行"), None);
        assert_eq!(start("208 01 01 499.91"), None);
        // A code printed as one run of digits, under a known 类.
        assert_eq!(
            start("2080101 行政运行 499.91"),
            Some(("2080101".into(), 1, false))
        );
        assert_eq!(
            start("20801 人力资源和社会保障管理事务 499.91").map(|s| s.1),
            Some(1)
        );
        assert_eq!(start("2080101 499.91"), None);
        assert_eq!(start("9990101 行政运行 499.91"), None);
    }

    #[test]
    fn the_layout_the_header_names_wholly_is_chosen() {
        // Shanghai's income table: five columns, all five also in the final
        // account's seven. With seven, `0.00` rows could not be placed
        // (PyMuPDF's dumps of the Shanghai PDFs: 521 income cells uncertain).
        let g = Grammar::global();
        let kind = g.kind("income").unwrap();
        let header = "项目收入预算功能分类科目编码功能分类科目名称合计财政拨款收入事业收入事业单位经营收入其他收入类款项";
        assert_eq!(
            choose_layout(g, &kind.layouts, header, None),
            [
                "total",
                "fiscal_grant",
                "business_income",
                "operating_income",
                "other_income"
            ]
        );
        let header = "合计财政拨款收入上级补助收入事业收入经营收入附属单位上缴收入其他收入";
        assert_eq!(choose_layout(g, &kind.layouts, header, None).len(), 7);
        // 基本支出 over 人员经费 and 公用经费: Hunan prints the two alone
        // (rows of four amounts), Sichuan with their 小计 (rows of five).
        let kind = g.kind("general_budget").unwrap();
        let header = "科目编码科目名称合计基本支出项目支出类款项人员经费公用经费";
        assert_eq!(
            choose_layout(g, &kind.layouts, header, Some(4)),
            ["total", "personnel", "public_funds", "project"]
        );
        assert_eq!(
            choose_layout(g, &kind.layouts, header, Some(5)),
            ["total", "basic", "personnel", "public_funds", "project"]
        );
        // A row of one amount decides nothing (a project table's 合计).
        let kind = g.kind("project").unwrap();
        let header = "项目名称项目支出合计工资福利支出商品和服务支出资本性支出";
        assert_eq!(choose_layout(g, &kind.layouts, header, Some(1)).len(), 11);
    }

    #[test]
    fn a_header_two_layouts_fit_as_well_leaves_their_differing_columns_contested() {
        let g = Grammar::global();
        let kind = g.kind("income").unwrap();
        // Sichuan's eight columns (上年结转 second) and the 2022 style's
        // eight (专户 fifth) share 事业收入 … 其他收入: a header naming only
        // those does not tell the first five apart.
        let header = "科目编码科目名称政府性基金预算拨款收入事业收入事业单位经营收入其他收入";
        let chosen = choose_layout(g, &kind.layouts, header, Some(8));
        assert_eq!(chosen.len(), 8);
        assert_eq!(
            contested_columns(g, &kind.layouts, header, Some(8), chosen),
            [1, 2, 3, 4]
        );
        // Naming 上年结转 settles it.
        let header = format!("{header}上年结转");
        let chosen = choose_layout(g, &kind.layouts, &header, Some(8));
        assert_eq!(chosen[1], "prior_carryover");
        assert!(contested_columns(g, &kind.layouts, &header, Some(8), chosen).is_empty());
    }

    /// Each row's code, label and number of amount fragments.
    fn code_label_count(rows: &[FlowRow]) -> Vec<(&str, &str, usize)> {
        rows.iter()
            .map(|r| {
                (
                    r.code.as_ref().map_or("", |c| c.as_str()),
                    r.label.as_str(),
                    r.numbers.len(),
                )
            })
            .collect()
    }

    #[test]
    fn a_code_printed_a_level_a_line_starts_its_row() {
        let g = Grammar::global();
        let lines = numbered([
            "204",
            "公共安全支出",
            "79,189,400.34",
            "204",
            "06",
            "司法",
            "79,189,400.34",
            "204",
            "06",
            "01",
            "行政运行",
            "14,348,853.34",
            // A 类 and a level before an amount, not a name: no code.
            "208",
            "05",
            "2,925,857.00",
        ]);
        let rows = assemble(g, &lines, false, false, &HeaderWords::new(&[], "")).rows;
        assert_eq!(
            code_label_count(&rows),
            [
                ("204", "公共安全支出", 1),
                ("20406", "司法", 1),
                ("2040601", "行政运行", 4)
            ]
        );
    }

    #[test]
    fn a_code_whose_last_levels_share_the_names_line_starts_its_row() {
        // PyMuPDF's and pdftotext's dumps of PDFs that set a 项 code and
        // its name in one cell (002 from fpdf2 and LibreOffice): before,
        // `01 行政运行` started no row, and the 款's row took every 项's
        // name and amounts.
        let g = Grammar::global();
        let lines = numbered([
            "208",
            "社会保障和就业支出",
            "933.34",
            "208",
            "01 人力资源和社会保障管理事务",
            "376.92",
            "208",
            "01",
            "01 行政运行",
            "376.61",
            "208",
            "01",
            "99 其他人力资源和社会保障管理事务支出",
            "0.31",
            // A level before an amount, not a name: no code.
            "208",
            "05 2,925,857.00",
        ]);
        let rows = assemble(g, &lines, false, false, &HeaderWords::new(&[], "")).rows;
        assert_eq!(
            code_label_count(&rows),
            [
                ("208", "社会保障和就业支出", 1),
                ("20801", "人力资源和社会保障管理事务", 1),
                ("2080101", "行政运行", 1),
                ("2080199", "其他人力资源和社会保障管理事务支出", 4)
            ]
        );
    }

    #[test]
    fn a_padded_code_out_of_order_starts_no_row() {
        let g = Grammar::global();
        let lines = numbered([
            "208 05 行政事业单位养老支出 3.00",
            "208 05 05 机关事业单位基本养老保险缴费支出 1.00",
            "208 5 6 机关事业单位职业年金缴费支出 2.00",
            "208 05 3 其他 0.50",
        ]);
        let rows = assemble(g, &lines, false, false, &HeaderWords::new(&[], "")).rows;
        let codes: Vec<&str> = rows
            .iter()
            .map(|r| r.code.as_ref().map_or("", |c| c.as_str()))
            .collect();
        // `208 5 6` follows 2080505: read as 2080506, and noted. `208 05 3`
        // would come before it: no row starts there, and its tokens stay
        // with the row above (whose sums then fail: it is doubted there).
        assert_eq!(codes, ["20805", "2080505", "2080506"]);
        assert_eq!(rows[2].padded_code.as_deref(), Some("208 5 6"));
        assert!(rows[2].numbers.iter().any(|n| n == "3"));
    }

    #[test]
    fn spaced_headings_close_up() {
        assert_eq!(
            close_cjk_spaces("收 入 总 计 9466.10 支 出 总 计 9466.10"),
            "收入总计 9466.10 支出总计 9466.10"
        );
        assert_eq!(
            close_cjk_spaces("208 社会保障和就业支出 9423.79"),
            "208 社会保障和就业支出 9423.79"
        );
    }

    #[test]
    fn the_space_prefilter_changes_no_line() {
        // The definition: the regex twice over every line.
        let re = Regex::new(r"(\p{Han}|[（）()“”]) +(\p{Han}|[（）()“”])").unwrap();
        let reference = |line: &str| {
            let once = re.replace_all(line, "$1$2").into_owned();
            re.replace_all(&once, "$1$2").into_owned()
        };
        let pieces = [
            "收", " ", "  ", "1", "(", ")", "（", "”", "é", "a", ".", "入",
        ];
        let mut n = 0;
        for line in crate::testing::strings_of(&pieces, 0..=5) {
            assert_eq!(close_cjk_spaces(&line), reference(&line), "{line:?}");
            n += 1;
        }
        assert!(n > 200_000);
        for sample in ["001_49a4b981723e56f6.txt", "000_530d8417aadfcef1.txt"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(sample);
            for line in std::fs::read_to_string(path).unwrap().lines() {
                assert_eq!(close_cjk_spaces(line), reference(line), "{line:?}");
            }
        }
    }

    #[test]
    fn footers_and_fragments() {
        assert!(
            is_number_fragment(".09") && is_number_fragment("85.") && !is_number_fragment("合计")
        );
    }

    #[test]
    fn header_lines_after_the_first_code_stay_the_header() {
        // pdftotext (no options) on a 一般公共预算支出情况表 (fpdf2): the 类
        // column's first code printed between the header's lines.
        let g = Grammar::global();
        let kind = g.kind("general_budget").unwrap();
        let lines = numbered([
            "功能分类科目编码",
            "功能分类科目名称",
            "类",
            "款",
            "208",
            "合 计",
            "基本支出",
            "项目支出",
            "项",
            "社会保障和就业支出",
            "1371.37",
            "1074.37",
            "297",
            "208",
            "01",
            "人力资源和社会保障管理事务",
            "163",
        ]);
        let Assembled { header, rows, .. } = assemble(
            g,
            &lines,
            false,
            false,
            &HeaderWords::new(&kind.layouts, ""),
        );
        assert!(header.ends_with("类款合计基本支出项目支出项"), "{header}");
        assert_eq!(
            code_label_count(&rows),
            [
                ("208", "社会保障和就业支出", 3),
                ("20801", "人力资源和社会保障管理事务", 1),
            ]
        );
        // Without the kind's layouts the words are the row's name, as the
        // header cannot be told from it.
        let rows = assemble(g, &lines, false, false, &HeaderWords::new(&[], "")).rows;
        assert!(rows[0].label.starts_with("合计"));
        // A right-hand column's heading after a row's amounts, on one line
        // or two (`事业单位` / `经营收入`), is the header's; a name's tail
        // that looks like a label column's heading (`支出`) is the name's.
        let income = g.kind("income").unwrap();
        let lines = numbered([
            "收入预算总表",
            "科目编码",
            "208",
            "社会保障和就业",
            "支出",
            "14,820.00",
            "14,820.00",
            "事业收入",
            "事业单位",
            "经营收入",
            "其他收入",
            "210",
            "卫生健康支出",
            "1,097,073.43 1,097,073.43",
        ]);
        let Assembled { header, rows, .. } = assemble(
            g,
            &lines,
            false,
            false,
            &HeaderWords::new(&income.layouts, ""),
        );
        assert!(
            header.ends_with("事业收入事业单位经营收入其他收入"),
            "{header}"
        );
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["社会保障和就业支出", "卫生健康支出"]);
        // A piece of the title over the first row's columns is the header's.
        let basic = g.kind("general_budget_basic").unwrap();
        let lines = numbered([
            "部门经济分类科目名称",
            "301",
            "一般公共预算基本支出",
            "合计",
            "人员经费",
            "工资福利支出",
            "21,170,337.81 21,170,337.81",
            "公用经费",
        ]);
        let words = HeaderWords::new(
            &basic.layouts,
            "2025年预算单位一般公共预算基本支出部门预算经济分类预算表",
        );
        let rows = assemble(g, &lines, true, false, &words).rows;
        assert_eq!(rows[0].label, "工资福利支出");
    }

    /// The first table of `kind` read from `text`.
    fn table_of(text: &str, kind: &str) -> Table {
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        doc.tables.into_iter().find(|t| t.kind == kind).unwrap()
    }

    /// Each row's code (blank for none) and name.
    fn codes_and_names(table: &Table) -> Vec<(&str, &str)> {
        table
            .rows
            .iter()
            .map(|r| (r.code.as_ref().map_or("", |c| c.as_str()), r.item.as_str()))
            .collect()
    }

    /// Each coded row's code and its first cell's status.
    fn first_statuses(table: &Table) -> Vec<(&str, CellStatus)> {
        table
            .rows
            .iter()
            .filter_map(|r| Some((r.code.as_ref()?.as_str(), r.values.first()?.status)))
            .collect()
    }

    /// (code or item, measure, amount, status) of each cell of a flow
    /// document's table of `kind`.
    fn table_cells(text: &str, kind: &str) -> Vec<(String, &'static str, String, CellStatus)> {
        table_of(text, kind)
            .rows
            .iter()
            .flat_map(|r| {
                let name = r
                    .code
                    .as_ref()
                    .map_or_else(|| r.item.clone(), |c| c.as_str().to_string());
                r.values
                    .iter()
                    .map(move |v| (name.clone(), v.measure, v.amount.to_string(), v.status))
            })
            .collect()
    }

    #[test]
    fn a_final_accounts_fiscal_summary_funds_fix_the_spending_columns() {
        // pdfplumber's text of a 财政拨款收入支出决算总表: the income side
        // names its funds `…财政拨款` (a budget's `…拨款`); an expenditure
        // line's two amounts are its 合计 and one fund's, which the income
        // side's one fund names (before 2026-12-03 that fund was a guess,
        // `uncertain`).
        let text = "\
财政拨款收入支出决算总表
单位：万元
收入 支出
项目 决算数 项目 合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款
一、一般公共预算财政拨款 9746.50 一、一般公共服务支出
二、政府性基金预算财政拨款 二、外交支出
三、国有资本经营预算财政拨款 三、国防支出
八、社会保障和就业支出 754.75 754.75
十一、城乡社区支出 8991.75 8991.75
本年收入合计 9746.50 本年支出合计 9746.50 9746.50
总计 9746.50 总计 9746.50 9746.50
";
        let cells = table_cells(text, "fiscal_summary");
        let fund = |name: &str| {
            cells
                .iter()
                .find(|c| c.0 == name && c.1 == "general_budget")
                .map(|c| (c.2.as_str(), c.3))
        };
        assert_eq!(fund("208"), Some(("754.75", CellStatus::Repaired)));
        assert_eq!(fund("212"), Some(("8991.75", CellStatus::Repaired)));
        assert_eq!(
            fund("本年支出合计"),
            Some(("9746.50", CellStatus::Repaired))
        );
    }

    /// A project table as pdftotext prints it without `-layout`: a row's
    /// cells on one line, spaced apart.
    const PROJECTS_ON_ONE_LINE: &str = "\
一般公共预算项目支出预算表
单位：万元
科目编码 科目名称 项目名称 合计 工资福利支出 商品和服务支出
合计 1022.46 502.63 519.83
201 一般公共服务支出 1022.46 502.63 519.83
20103 政府办公厅（室）及相关机构事务 1022.46 502.63 519.83
2010301 行政运行 社会保险经办服务 645.09 179.27 465.82
2010302 一般行政管理事务 专项审计 377.37 323.36 54.01
";

    #[test]
    fn a_project_tables_two_names_on_one_line_are_told_apart_by_their_space() {
        // Before 2026-12-05 the two names ran together into the item
        // (`行政运行社会保险经办服务`), `ok`.
        let table = table_of(PROJECTS_ON_ONE_LINE, "project");
        let names: Vec<(&str, &str, &str)> = table
            .rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.code.as_ref()?.as_str(),
                    r.item.as_str(),
                    r.project.as_str(),
                ))
            })
            .collect();
        assert_eq!(
            names,
            [
                ("201", "一般公共服务支出", ""),
                ("20103", "政府办公厅(室)及相关机构事务", ""),
                ("2010301", "行政运行", "社会保险经办服务"),
                ("2010302", "一般行政管理事务", "专项审计"),
            ]
        );
        let cells = table_cells(PROJECTS_ON_ONE_LINE, "project");
        assert!(cells.contains(&(
            "2010302".into(),
            "goods_services",
            "54.01".into(),
            CellStatus::Ok
        )));
    }

    #[test]
    fn a_project_tables_names_wrapped_side_by_side_leave_their_rows_uncertain() {
        // The same table with names wrapped three characters a line: a
        // line's two pieces are one of each name, but a lone piece may be
        // either's, and a name's pieces may sit on its neighbours' lines.
        // Before 2026-12-05 the pieces ran together (`行政运社会保行险经办
        // 服务`), `ok`.
        let wrapped = "\
一般公共预算项目支出预算表
单位：万元
科目编码 科目名称 项目名称 合计 工资福利支出 商品和服务支出
合计 1022.46 502.63 519.83
201 一般公 1022.46 502.63 519.83
共服务
支出
20103 政府办 1022.46 502.63 519.83
公厅（
室）及
相关机
构事务
2010301 行政运 社会保 645.09 179.27 465.82
行 险经办
服务
2010302 一般行 专项审 377.37 323.36 54.01
政管理 计
事务
";
        let table = table_of(wrapped, "project");
        let row = table
            .rows
            .iter()
            .find(|r| r.code.as_ref().is_some_and(|c| c.as_str() == "2010301"))
            .unwrap();
        assert_eq!(row.values.len(), 3);
        assert!(row.values.iter().all(|v| v.status == CellStatus::Uncertain));
        assert!(table
            .issues
            .iter()
            .any(|i| i.contains("行政运社会保行险经办服务")
                && i.contains("its amounts are uncertain")));
        // The amounts are still the row's, as printed.
        let cells = table_cells(wrapped, "project");
        assert!(cells.contains(&(
            "2010301".into(),
            "total",
            "645.09".into(),
            CellStatus::Uncertain
        )));
    }

    #[test]
    fn names_read_in_order_past_a_narrower_line_are_doubted() {
        // Names wrapped under their rows, but 2050199's set at its bottom
        // and 213's centred: read in order, 20501 takes 其他教育管理事务
        // after 事务, a line narrower than the column that ends its name,
        // and 2050199 ends on 农林水支, as wide as the column (213's name's
        // head). Those rows and 213, whose name lost its head, are doubted
        // (before 2026-12-05 all were `ok`).
        let text = "\
一般公共预算支出功能分类预算表
单位：万元
科目编码 科目名称 合计 人员经费 公用经费 项目支出
205 教育支出 1007.52 291.58 619.31 96.63
20501 教育管理 1007.52 291.58 619.31 96.63
事务
其他教育
管理事务
2050199 支出 1007.52 291.58 619.31 96.63
农林水支
213 出 5540.77 540.03 2011.27 2989.47
21301 农业农村 5540.77 540.03 2011.27 2989.47
";
        assert_eq!(
            first_statuses(&table_of(text, "general_budget")),
            [
                ("205", CellStatus::Ok),
                ("20501", CellStatus::Uncertain),
                ("2050199", CellStatus::Uncertain),
                ("213", CellStatus::Uncertain),
                ("21301", CellStatus::Ok),
            ]
        );
    }

    #[test]
    fn one_name_read_past_its_end_leaves_every_wrapped_name_of_the_table_doubted() {
        // 221's name is read on past 支出, narrower than the column: the
        // table does not set its names in order, and 205's two full lines
        // may be its name and 20501's head (教育支出 / 教育管理 / 20501 事务).
        let text = "\
一般公共预算支出功能分类预算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
205 教育支出 100.00 60.00 40.00
教育管理
20501 事务 100.00 60.00 40.00
2050101 行政运行 100.00 60.00 40.00
221 支出 80.00 80.00 0.00
住房改革
";
        assert_eq!(
            first_statuses(&table_of(text, "general_budget")),
            [
                ("205", CellStatus::Uncertain),
                ("20501", CellStatus::Uncertain),
                ("2050101", CellStatus::Ok),
                ("221", CellStatus::Uncertain),
            ]
        );
    }

    #[test]
    fn a_total_labelled_with_what_it_holds_is_the_total() {
        // `合计（含上年结转）` names two measures, but it is no header: its
        // amounts follow on the next line.
        let text = "\
一般公共预算支出功能分类预算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
合计（含上年结转）
300.00 200.00 100.00
201 一般公共服务支出 300.00 200.00 100.00
20101 人大事务 300.00 200.00 100.00
";
        let cells = table_cells(text, "general_budget");
        assert_eq!(
            cells[..3],
            [
                ("合计".into(), "total", "300.00".into(), CellStatus::Ok),
                ("合计".into(), "basic", "200.00".into(), CellStatus::Ok),
                ("合计".into(), "project", "100.00".into(), CellStatus::Ok),
            ]
        );
    }

    #[test]
    fn a_header_line_starting_with_its_total_column_is_the_header_and_repeated_it_is_no_name() {
        // The header's headings on two lines, the second starting with 合计
        // (before 2026-12-05 it was read as the total's label, its amounts
        // the first row's: the table took a layout of three columns, its
        // four-amount rows unplaced and a three-amount row `ok` under
        // 基本支出). Repeated after a page break with its words run
        // together, it was glued to a row's name, `ok`.
        let text = "\
一般公共预算支出功能分类预算表
单位：万元
科目编码 科目名称
合计 人员经费 公用经费 项目支出
2081001 儿童福利 872.24 100.82 37.89 733.53
2081002 老年福利 4943.74 183.13 31.90 4728.71
- 3 -
科目编码科目名称合计人员经费公用经费项目支出
2081004 殡葬 300.00 150.00 100.00 50.00
合计人员经费公用经费项目支出
2081099 其他社会福利支出 200.00 100.00 50.00 50.00
";
        let table = table_of(text, "general_budget");
        assert_eq!(
            codes_and_names(&table),
            [
                ("2081001", "儿童福利"),
                ("2081002", "老年福利"),
                ("2081004", "殡葬"),
                ("2081099", "其他社会福利支出"),
            ]
        );
        let cells = table_cells(text, "general_budget");
        assert_eq!(
            cells[..4],
            [
                ("2081001".into(), "total", "872.24".into(), CellStatus::Ok),
                (
                    "2081001".into(),
                    "personnel",
                    "100.82".into(),
                    CellStatus::Ok
                ),
                (
                    "2081001".into(),
                    "public_funds",
                    "37.89".into(),
                    CellStatus::Ok
                ),
                ("2081001".into(), "project", "733.53".into(), CellStatus::Ok),
            ]
        );
        assert!(cells.iter().all(|c| c.3 == CellStatus::Ok));
        assert_eq!(cells.len(), 16);
    }

    #[test]
    fn names_centred_on_rows_are_joined_and_a_name_ending_unseen_is_doubted() {
        // pdftotext's flow of a table whose names are centred on their
        // rows, three characters a line, a line more over a row than under
        // it (行政运 / 2010301 行). Before 2026-12-05 these rows were read
        // as names set over their rows (`20103 事务政府办公厅（`), `ok`.
        let centred = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
合计 1480.74 1162.30 318.44
一般公
201 共服务 1480.74 1162.30 318.44
支出
行政运
2010301 行 392.40 392.40 0.00
一般行
2010302 政管理 41.39 41.39 0.00
事务
政府办
20103 公厅（ 1046.95 728.51 318.44
室）
一般行
2010304 政事务 41.39 41.39 0.00
";
        let rows = |text: &str| -> Vec<(String, String, CellStatus)> {
            table_of(text, "general_budget")
                .rows
                .iter()
                .filter_map(|r| {
                    let status = r.values.first()?.status;
                    Some((
                        r.code.as_ref()?.as_str().to_string(),
                        r.item.clone(),
                        status,
                    ))
                })
                .collect()
        };
        let read = |rows: &[(&str, &str, CellStatus)]| -> Vec<(String, String, CellStatus)> {
            rows.iter()
                .map(|(c, n, s)| (c.to_string(), n.to_string(), *s))
                .collect()
        };
        assert_eq!(
            rows(centred),
            read(&[
                ("201", "一般公共服务支出", CellStatus::Ok),
                ("2010301", "行政运行", CellStatus::Ok),
                ("2010302", "一般行政管理事务", CellStatus::Ok),
                ("20103", "政府办公厅(室)", CellStatus::Ok),
                ("2010304", "一般行政事务", CellStatus::Ok),
            ])
        );
        // 住房改革支出 ends on a full line: 提租补 may start the next name
        // (提租补贴) or end this one, 贴 then a whole name. The rows are read
        // one way, and their amounts are uncertain.
        let unseen_end = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
合计 456.82 456.82 0.00
一般公
201 共服务 392.40 392.40 0.00
支出
行政运
2010301 行 392.40 392.40 0.00
住房改
22102 革支出 64.42 64.42 0.00
提租补
2210202 贴 64.42 64.42 0.00
";
        let table = table_of(unseen_end, "general_budget");
        let doubted: Vec<&str> = table
            .rows
            .iter()
            .filter(|r| r.values.iter().all(|v| v.status == CellStatus::Uncertain))
            .filter_map(|r| Some(r.code.as_ref()?.as_str()))
            .collect();
        assert_eq!(doubted, ["22102", "2210202"]);
        assert!(table
            .issues
            .iter()
            .any(|i| i.contains("does not show where one name ends")));
    }

    #[test]
    fn names_printed_above_their_codes_go_with_the_code_below() {
        // pdfplumber's text of a 决算 whose name cells sit higher than
        // their rows' amounts (上海普陀 财政局 2024): each name on a line of
        // its own above its code and amounts, a long name's end after the
        // code. Before 2026-12-03 no row was read (a code straight before
        // an amount starts no row) and only 合计 came out.
        let above = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
类 款 项
一般公共服务支出
201 2,106.66 1,503.52 603.14
财政事务
201 06 2,106.66 1,503.52 603.14
行政运行
201 06 01 1,511.89 1,503.52 8.37
财政委托业务支出
201 06 08 594.77 594.77
社会保障和就业支出
208 160.75 160.75
行政事业单位养老支出
208 05 160.75 160.75
机关事业单位基本养老保险
208 05 05 缴费支出 160.75 160.75
合计
2,267.41 1,664.27 603.14
";
        let cells = table_cells(above, "general_budget");
        let find = |code: &str, measure: &str| {
            cells
                .iter()
                .find(|c| c.0 == code && c.1 == measure)
                .map(|c| (c.2.as_str(), c.3))
        };
        assert_eq!(find("201", "total"), Some(("2106.66", CellStatus::Ok)));
        assert_eq!(find("2010601", "project"), Some(("8.37", CellStatus::Ok)));
        // Two amounts of three: the 款's sums put the second under 项目支出.
        assert_eq!(
            find("2010608", "project"),
            Some(("594.77", CellStatus::Repaired))
        );
        assert_eq!(
            find("2080505", "basic"),
            Some(("160.75", CellStatus::Repaired))
        );
        let table = table_of(above, "general_budget");
        let names: Vec<&str> = table.rows.iter().map(|r| r.item.as_str()).collect();
        assert_eq!(names[0], "一般公共服务支出");
        assert_eq!(names[6], "机关事业单位基本养老保险缴费支出");

        // The same rows with each name centred on its row: a name of two
        // lines goes on below the code line (规划资源局 2024).
        let centred = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
社会保障和就
208 754.75 754.75 0.00
业支出
行政事业单位
20805 754.75 754.75 0.00
养老支出
行政单位离退
2080501 54.53 54.53 0.00
休
机关事业单位
2080505 基本养老保险 700.22 700.22 0.00
缴费支出
合计 754.75 754.75 0.00
";
        let table = table_of(centred, "general_budget");
        let rows = codes_and_names(&table);
        assert_eq!(
            rows,
            [
                ("208", "社会保障和就业支出"),
                ("20805", "行政事业单位养老支出"),
                ("2080501", "行政单位离退休"),
                ("2080505", "机关事业单位基本养老保险缴费支出"),
                ("", "合计"),
            ]
        );

        // Codes and names printed together, every name wrapped: the line
        // above a code is the row before's, and stays with it.
        let together = "\
一般公共预算财政拨款支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
208 社会保障和就业 754.75 754.75 0.00
支出
20805 行政事业单位养 754.75 754.75 0.00
老支出
合计 754.75 754.75 0.00
";
        let table = table_of(together, "general_budget");
        let names: Vec<&str> = table.rows.iter().map(|r| r.item.as_str()).collect();
        assert_eq!(
            names,
            ["社会保障和就业支出", "行政事业单位养老支出", "合计"]
        );
    }

    #[test]
    fn names_set_over_their_rows_and_ending_on_them_go_with_the_row_below() {
        // A spreadsheet's cells, text at the bottom, four characters a
        // line, as pdfplumber prints them: a name's last line on its row's,
        // the rest over it; a one-line name over a row printing none.
        // Before 2026-12-05 each name line went to the row above
        // (`208 出行政事业单位养老`), the cells `ok`.
        let over = "\
一般公共预算财政拨款支出决算表
单位：万元
项目
合计 基本支出 项目支出
功能分类
科目名称
科目编码
社会保障
和就业支
208 出 754.75 754.75 0.00
行政事业
单位养老
20805 支出 754.75 754.75 0.00
行政单位
2080501 离退休 54.53 54.53 0.00
事业单位
2080502 离退休 700.22 700.22 0.00
城乡社区
212 支出 1092.80 1084.02 8.77
行政运行
2120101 1092.80 1084.02 8.77
合计 1847.55 1838.77 8.77
";
        let table = table_of(over, "general_budget");
        let rows = codes_and_names(&table);
        assert_eq!(
            rows,
            [
                ("208", "社会保障和就业支出"),
                ("20805", "行政事业单位养老支出"),
                ("2080501", "行政单位离退休"),
                ("2080502", "事业单位离退休"),
                ("212", "城乡社区支出"),
                ("2120101", "行政运行"),
                ("", "合计"),
            ]
        );
        let cells = table_cells(over, "general_budget");
        assert!(cells.contains(&("2120101".into(), "project", "8.77".into(), CellStatus::Ok)));
    }

    #[test]
    fn a_class_name_printed_before_its_code_gets_the_code_in_front() {
        // pdftotext's flow of a Shanghai 基本支出 table (2025, 元): a class's
        // name and amounts come before its code, the code alone on a line
        // (302) or between the amounts (303), and the first class's code
        // among the header's words (301, the next row's code names it).
        let g = Grammar::global();
        let lines = numbered([
            "22.63",
            "工资福利支出",
            "506.07",
            "506.07",
            "301 01 基本工资",
            "129.10",
            "其他工资福利支出",
            "1,193,509.00",
            "1,193,509.00",
            "商品和服务支出",
            "1,932,777.54",
            "1,932,777.54",
            "302",
            "302 01",
            "办公费",
            "2.91",
            "对个人和家庭的补助",
            "399.23",
            "303",
            "399.23",
            "303 02 退休费",
            // A class's code before its one item's, its name after both:
            // not this shape, left as printed.
            "1,188,720.00",
            "310",
            "310 02",
            "资本性支出",
            "200,000.00",
        ]);
        let fronted: Vec<String> = front_class_codes(g, lines)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(
            fronted,
            [
                "22.63",
                "301 工资福利支出",
                "506.07",
                "506.07",
                "301 01 基本工资",
                "129.10",
                "其他工资福利支出",
                "1,193,509.00",
                "1,193,509.00",
                "302 商品和服务支出",
                "1,932,777.54",
                "1,932,777.54",
                "302 01",
                "办公费",
                "2.91",
                "303 对个人和家庭的补助",
                "399.23",
                "399.23",
                "303 02 退休费",
                "1,188,720.00",
                "310",
                "310 02",
                "资本性支出",
                "200,000.00",
            ]
        );
    }

    #[test]
    fn an_economic_class_both_classifications_name_is_named_by_either() {
        // Names centred on their rows (bare rows between a name's two
        // lines) in a department's economic table. `对个人和家庭的补助` is
        // the name of 303 and of the government's 509: the grammar kept
        // one of the two, whichever its hash map gave last, so on some runs
        // 303 was not named by its class, the centred reading lost to the
        // others and seven rows went missing (a review, 2026-12-05).
        let text = "\
一般公共预算财政拨款基本支出决算表
单位：万元
科目编码 科目名称 合计 人员经费 公用经费
301 工资福利支出 3373.72 3373.72 0.00
30101 基本工资 82.12 82.12 0.00
30102 津贴补贴 347.48 347.48 0.00
30103 奖金 748.08 748.08 0.00
机关事业单位基本
30108 728.64 728.64 0.00
养老保险缴费
30109 职业年金缴费 389.42 389.42 0.00
职工基本医疗保险
30110 731.10 731.10 0.00
缴费
30113 住房公积金 346.88 346.88 0.00
302 商品和服务支出 2606.78 0.00 2606.78
30201 办公费 414.57 0.00 414.57
30211 差旅费 568.00 0.00 568.00
30228 工会经费 710.42 0.00 710.42
30239 其他交通费用 876.63 0.00 876.63
其他商品和服务支
30299 37.16 0.00 37.16
出
对个人和家庭的补
303 921.52 921.52 0.00
助
30302 退休费 360.44 360.44 0.00
30305 生活补助 561.08 561.08 0.00
合计 6902.02 4295.24 2606.78
";
        let table = table_of(text, "general_budget_basic");
        let rows = codes_and_names(&table);
        assert_eq!(rows.len(), 18, "{rows:?}");
        assert!(rows.contains(&("30108", "机关事业单位基本养老保险缴费")));
        assert!(rows.contains(&("303", "对个人和家庭的补助")));
    }

    #[test]
    fn a_final_accounts_panels_side_by_side_are_read_panel_by_panel() {
        // 一般公共预算财政拨款基本支出决算表 prints 人员经费 | 公用经费 side by
        // side: pdfplumber runs both panels' cells into one line, PyMuPDF
        // sets the next panel's code after the amount (`4816.14 302`).
        // Before: one row per line, the right panel's code read as an amount.
        let title = "一般公共预算财政拨款基本支出决算表\n单位：万元\n";
        let plumber = format!(
            "{title}经济分类 经济分类\n科目名称 决算数 科目名称 决算数\n科目编码 科目编码\n\
             301 工资福利支出 4816.14 302 商品和服务支出 440.90\n\
             30101 基本工资 537.64 30201 办公费 84.62\n\
             30102 津贴补贴 4278.50 30299 其他商品和服务支出 356.28\n\
             310 资本性支出 39.76\n\
             31002 办公设备购置 39.76\n\
             人员经费合计 4816.14 公用经费合计 480.66\n"
        );
        let pymupdf = format!(
            "{title}经济分类\n科目编码\n科目名称\n决算数\n经济分类\n科目编码\n科目名称\n决算数\n\
             301\n工资福利支出\n4816.14 302\n商品和服务支出\n440.90\n\
             30101\n  基本工资\n537.64 30201\n  办公费\n84.62\n\
             30102\n  津贴补贴\n4278.50 30299\n  其他商品和服务支出\n356.28\n\
             310\n资本性支出\n39.76\n31002\n  办公设备购置\n39.76\n\
             人员经费合计\n4816.14\n公用经费合计\n480.66\n"
        );
        let ok = |name: &str, amount: &str| {
            (
                name.to_string(),
                "final",
                amount.to_string(),
                CellStatus::Ok,
            )
        };
        for text in [plumber, pymupdf] {
            assert_eq!(
                table_cells(&text, "general_budget_basic"),
                [
                    ok("301", "4816.14"),
                    ok("30101", "537.64"),
                    ok("30102", "4278.50"),
                    ok("人员经费合计", "4816.14"),
                    ok("302", "440.90"),
                    ok("30201", "84.62"),
                    ok("30299", "356.28"),
                    ok("310", "39.76"),
                    ok("31002", "39.76"),
                    ok("公用经费合计", "480.66"),
                ],
                "{text}"
            );
        }
    }

    /// The “三公” table of a flow dump, (item, measure, amount, status) per cell.
    fn three_public_cells(text: &str) -> Vec<(String, &'static str, String, CellStatus)> {
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let table = doc
            .tables
            .iter()
            .find(|t| t.kind == "three_public")
            .unwrap();
        table
            .rows
            .iter()
            .flat_map(|r| {
                r.values
                    .iter()
                    .map(|v| (r.item.clone(), v.measure, v.amount.to_string(), v.status))
            })
            .collect()
    }

    #[test]
    fn a_final_accounts_budget_and_final_columns_are_the_headers_own() {
        // PyMuPDF's dump of the national template's 一般公共预算财政拨款支出
        // 决算表 (its title wrapped under `公开05表`): 年初预算数 and 决算数,
        // no total. Before, the kind's standard layout (合计 | 基本支出 |
        // 项目支出) was taken and every amount was uncertain.
        let text = "\
公开05表
一般公共
预算财政
拨款支出
决算表
金额单位：元
科目代码
科目名称
年初预算数
决算数
栏次
1
2
合计
9063283.97
9051060.22
208 社会保障和就业支出
1437583.86
1521482.80
20805 行政事业单位养老支出
1437583.86
1521482.80
210 卫生健康支出
7625700.11
7529577.42
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let table = &doc.tables[0];
        assert_eq!(table.kind, "general_budget");
        assert_eq!(table.number, Some(5.into()));
        assert_eq!(table.columns, ["budget", "final"]);
        let row = |code: &str| {
            let r = table
                .rows
                .iter()
                .find(|r| r.code.as_ref().is_some_and(|c| c.as_str() == code))
                .unwrap();
            r.values
                .iter()
                .map(|v| (v.measure, v.amount.to_string(), v.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            row("208"),
            [
                ("budget", "1437583.86".to_string(), CellStatus::Ok),
                ("final", "1521482.80".to_string(), CellStatus::Ok)
            ]
        );
    }

    #[test]
    fn a_code_without_a_name_has_uncertain_amounts() {
        // pdftotext printed a page's codes apart from their names: `210` /
        // `07` / `17`, the page's header again, then the next rows' code
        // levels (`210` / `11` / `210` / `11` / `01`): the first code has
        // no name, and the fragments after it are codes, not amounts (in
        // the Shanghai dump they read as 21011, `repaired`).
        let text = "\
表5
一般公共预算支出情况表
单位：元
项目
一般公共预算支出
功能分类科目编码
功能分类科目名称
合计
基本支出
项目支出
210
卫生健康支出
3,223,657
3,023,657
200,000
210
07
计划生育事务
200,000
0
200,000
210
07
17
项目
一般公共预算支出
功能分类科目编码
功能分类科目名称
210
11
210
11
01
行政单位医疗
3,023,657
3,023,657
0
合计
3,223,657
3,023,657
200,000
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let table = &doc.tables[0];
        let nameless = table
            .rows
            .iter()
            .find(|r| r.code.as_ref().is_some_and(|c| c.as_str() == "2100717"))
            .unwrap();
        assert_eq!(nameless.item, "");
        assert!(!nameless.values.is_empty());
        assert!(nameless
            .values
            .iter()
            .all(|v| v.status == CellStatus::Uncertain));
        assert!(
            table
                .issues
                .iter()
                .any(|i| i.contains("code 2100717 has no name")),
            "{:?}",
            table.issues
        );
        // The named rows around it keep their amounts.
        let named: Vec<(&str, String, CellStatus)> = table
            .rows
            .iter()
            .filter(|r| !r.item.is_empty())
            .map(|r| {
                (
                    r.item.as_str(),
                    r.values[0].amount.to_string(),
                    r.values[0].status,
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("卫生健康支出", "3223657".to_string(), CellStatus::Ok),
                ("计划生育事务", "200000".to_string(), CellStatus::Ok),
                ("行政单位医疗", "3023657".to_string(), CellStatus::Ok),
                ("合计", "3223657".to_string(), CellStatus::Ok),
            ]
        );
    }

    #[test]
    fn a_flow_three_public_table_row_wise_with_its_blank_funds_dropped() {
        // Seed 000's table as PyMuPDF dumps its PDF: a cell a line. Each
        // row prints 合计 and one fund: which fund the sums cannot say.
        let text = "\
表10
财政拨款“三公”经费支出情况表
编制部门：昌吉州社会保险管理局 单位：万元
三公支出内容
合计
资金来源
一般公共预算
政府性基金
国有资本经营预算
合计
7.59
7.59
因公出国（境）费
0
0
公务接待费
0.6
0.6
公务用车购置及运行费（小计）
6.99
6.99
";
        let cells = three_public_cells(text);
        let cell = |item: &str, measure: &str| {
            cells
                .iter()
                .find(|c| c.0 == item && c.1 == measure)
                .map(|c| (c.2.as_str(), c.3))
        };
        assert_eq!(cell("合计", "total"), Some(("7.59", CellStatus::Repaired)));
        assert_eq!(
            cell("合计", "general_budget"),
            Some(("7.59", CellStatus::Uncertain))
        );
        assert_eq!(
            cell("公务用车购置及运行费", "total"),
            Some(("6.99", CellStatus::Repaired))
        );
        assert_eq!(cells.len(), 8);
    }

    #[test]
    fn a_transposed_three_public_header_printed_among_its_amounts() {
        // The Sichuan header-units fixture's table as pdftotext (no
        // options) dumps its fpdf2 PDF: the header's cells a line each,
        // the last one (`公务用车运行费`) after the amounts. Read row-wise,
        // 62,443.34 was 购置费's total and general_budget, `ok`. The sums
        // place 合计 and the vehicles; 购置费 or 运行费 they cannot tell.
        let text = "\
表3-2
一般公共预算“三公”经费支出预算表
编制部门：怀柔区农业农村局
合计（元）

因公出国（境）费

公务用车购置及运行费

公务接待费

小计

公务用车购置费

62,443.34

62,443.34

公务用车运行费
62,443.34
";
        let cells: Vec<(String, String, CellStatus)> = three_public_cells(text)
            .into_iter()
            .map(|(item, measure, amount, status)| {
                assert_eq!(measure, "total");
                (item, amount, status)
            })
            .collect();
        let cell = |item: &str, status| (item.to_string(), "62443.34".to_string(), status);
        assert_eq!(
            cells,
            [
                cell("合计", CellStatus::Repaired),
                cell("公务用车购置及运行费", CellStatus::Repaired),
                cell("公务用车购置费", CellStatus::Uncertain),
            ]
        );
    }

    #[test]
    fn a_row_wise_three_public_table_with_blank_categories_stays_row_wise() {
        // A reviewer's case: the total row named `“三公”经费合计`, then two
        // categories printed blank before the first with amounts. The
        // header names the funds: the table is row-wise, not transposed
        // (read so, three categories the page leaves blank got 5.00).
        let text = "\
表10
财政拨款“三公”经费支出情况表
编制部门：某某局 单位：万元
项目
合计
一般公共预算
政府性基金
“三公”经费合计
5.00
5.00
因公出国（境）费
公务接待费
公务用车购置及运行费
5.00
5.00
公务用车购置费
公务用车运行费
5.00
5.00
";
        let cells: Vec<(String, &str, String)> = three_public_cells(text)
            .into_iter()
            .map(|(item, measure, amount, _)| (item, measure, amount))
            .collect();
        let cell = |item: &str, measure| (item.to_string(), measure, "5.00".to_string());
        assert_eq!(
            cells,
            [
                cell("公务用车购置及运行费", "total"),
                cell("公务用车购置及运行费", "general_budget"),
                cell("公务用车运行费", "total"),
                cell("公务用车运行费", "general_budget"),
            ]
        );
    }

    #[test]
    fn a_flow_three_public_table_transposed_is_ordered_by_its_sums() {
        // Seed 004's table as pdfplumber dumps its PDF: the header's cells
        // a line each row, then the row of amounts.
        let text = "\
表8
一般公共预算“三公”经费支出情况表
编制部门（单位）：昌吉回族自治州人力资源和社会保障局 单位：万元
合 计 因公出国（境）费 公务用车购置及运行费 公务接待费
合计 合 计 公务用车购置费 公务用车运行费
9.2 0 8.8 0 8.8 0.4
备注：无内容应公开空表并说明情况。
";
        let cells: Vec<(String, String, CellStatus)> = three_public_cells(text)
            .into_iter()
            .map(|(item, _, amount, status)| (item, amount, status))
            .collect();
        let repaired =
            |item: &str, amount: &str| (item.to_string(), amount.to_string(), CellStatus::Repaired);
        assert_eq!(
            cells,
            [
                repaired("合计", "9.2"),
                repaired("因公出国(境)费", "0"),
                repaired("公务用车购置及运行费", "8.8"),
                repaired("公务用车购置费", "0"),
                repaired("公务用车运行费", "8.8"),
                repaired("公务接待费", "0.4"),
            ]
        );
    }

    #[test]
    fn a_heading_cut_by_another_line_still_names_its_category() {
        // A Shanghai table as pdfplumber dumps it: `2024年机关运行经` and its
        // `费预算数` two lines apart, the blank 公务用车购置费 dropped. Read
        // as six of the first six categories, the sums would hold with
        // 6.4 under 购置费; with 机关运行经费 named, 6.4 may be 购置费's or
        // 运行费's, and is uncertain.
        let text = "\
单位“三公”经费和机关运行经费预算表
编制单位：上海市普陀区社会福利院 单位:万元
2024年“三公”经费预算数
2024年机关运行经
公务用车购置及运行费
费预算数
合计 因公出国(境)费 公务接待费
小计 购置费 运行费
6.4 0 0 6.4 6.4 0
其他相关情况说明
一、2024年“三公”经费预算情况说明
2024年“三公”经费预算数为6.4万元，比2023年预算持平。
";
        let cells = three_public_cells(text);
        let status = |item: &str| {
            cells
                .iter()
                .find(|c| c.0 == item)
                .map(|c| (c.2.as_str(), c.3))
        };
        assert_eq!(status("合计"), Some(("6.4", CellStatus::Repaired)));
        assert_eq!(
            status("公务用车购置及运行费"),
            Some(("6.4", CellStatus::Repaired))
        );
        let vehicle_parts: Vec<_> = cells
            .iter()
            .filter(|c| c.0 == "公务用车购置费" || c.0 == "公务用车运行费")
            .collect();
        assert!(!vehicle_parts.is_empty());
        assert!(vehicle_parts.iter().all(|c| c.3 == CellStatus::Uncertain));
    }

    #[test]
    fn column_numbers_are_no_amounts() {
        let lines: Vec<(Provenance, String)> =
            ["※", "1", "2", "3", "4", "合计", "1.08", "※ 1 2 3", "2"]
                .iter()
                .enumerate()
                .map(|(i, l)| (Provenance::Line(i as u32 + 1), l.to_string()))
                .collect();
        assert_eq!(
            column_numbering(&lines),
            [false, true, true, true, true, false, false, true, false]
        );
        // `01` / `02` / `03` a line: a column of 项 codes, kept.
        let codes: Vec<(Provenance, String)> = ["项", "01", "02", "03", "社会保障和就业支出"]
            .iter()
            .enumerate()
            .map(|(i, l)| (Provenance::Line(i as u32 + 1), l.to_string()))
            .collect();
        assert_eq!(column_numbering(&codes), [false; 5]);
    }

    #[test]
    fn a_code_read_twice_is_no_child_of_its_parent_and_uncertain() {
        // pdftotext without `-layout`, a cell a paragraph: a Shanghai 项
        // row lost its `05` and reads as its 款 `208 07` again.
        let text = "\
表3
部门支出预算表
编制部门：测试街道办事处
单位：元
功能分类科目编码
功能分类科目名称
合计
基本支出
项目支出
合计
4,256,700
0
4,256,700
208
社会保障和就业支出
4,256,700
0
4,256,700
208
07
就业补助
4,212,300
0
4,212,300
208
07
公益性岗位补贴
4,212,300
0
4,212,300
208
16
退役军人管理事务
44,400
0
44,400
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let table = &doc.tables[0];
        let statuses = |item: &str| -> Vec<CellStatus> {
            let row = table.rows.iter().find(|r| r.item == item).unwrap();
            row.values.iter().map(|v| v.status).collect()
        };
        assert_eq!(statuses("就业补助"), [CellStatus::Ok; 3]);
        assert_eq!(statuses("公益性岗位补贴"), [CellStatus::Uncertain; 3]);
        assert_eq!(statuses("退役军人管理事务"), [CellStatus::Ok; 3]);
        assert!(table
            .issues
            .iter()
            .any(|i| i.contains("code 20807 read a second time")));
    }

    #[test]
    fn labels_run_together_are_told() {
        let g = Grammar::global();
        for label in [
            "政府性基金预算国有资本经营预算",
            "合计一般公共预算政府性基金预算",
            "上级一般公共预算安排转移支付预算数",
            "预算数其中:一般财力",
            "单位上年结余(不包括国库集中支付额度结余)收入总计",
        ] {
            assert!(runs_labels_together(g, label), "{label}");
        }
        for label in [
            "一般公共预算",
            "其中:一般公共预算拨款",
            "上级一般公共预算安排转移支付",
            "本年收入合计",
            "收入总计",
            "2、非财政拨款结转结余",
        ] {
            assert!(!runs_labels_together(g, label), "{label}");
        }
    }
}
