//! A coded table whose names, amounts and codes the dump printed as three
//! streams, each in row order but out of step with the others.
//!
//! pdftotext's flow order on some producers' PDFs (WPS on Shanghai's
//! disclosures) keeps a row's name and amounts together only for some rows:
//! a 类's and a 款's codes come out after their names and amounts, a few rows
//! at a time (`社会保障和就业支出` / amounts / `行政事业单位养老支出` /
//! amounts / `208` / `208` / `05` / `208` / `05` / `01` / `行政单位离退休`),
//! or names (each after its code) before their amounts. Read row by row,
//! those rows run together into the coded row before them, with a dozen
//! amounts and no code of their own. Rows that print only the cells they
//! fill are split by their totals (see [`amount_runs`]).
//!
//! Each stream still lists the rows in printed order, so the table is read
//! again by pairing the i-th name with the i-th run of the table's width of
//! amounts and (the total aside) the i-th code. That reading is taken only
//! when it is whole and proves itself: every amount printed whole, as many
//! names as runs of amounts and (the total aside) codes, the codes a tree
//! listed in order, class names their codes', every parent's total the sum
//! of its children's and the total the classes'. Anything else leaves the
//! rows as read before.
//!
//! Some dumps print the codes as columns instead (each class's 类 and 款
//! row by row, its 项 after them): the sums then say each row's level and
//! the levels are split into their columns ([`codes_as_columns`]), the 项
//! rows so read `uncertain` (their column's order is the dump's alone),
//! except a 项 whose name fixes its code (行政运行 is every 款's 01,
//! 2080505 机关事业单位基本养老保险缴费支出: `function_classes.toml`
//! `[subitems]`) given that code. A
//! 项 row printed whole among them, its code beside its name (万里街道 2023:
//! `208` / `05` / `01` / `行政单位离退休` / amounts), keeps its 项 and the
//! column's 项 go to the other rows in order; the row is sure only where
//! the column's order alone gives it that 项 too (the dump can set a
//! neighbour's 项 beside a name). A class's name
//! printed out of step goes to its class's row, the rows it crossed in
//! doubt ([`move_class_names`]).
//!
//! The sums are compared exactly first; when no reading adds up so, each
//! may be off by one unit of the table's last printed place (万里街道 2025
//! prints a 款 one 元 over its 项): what was printed is read, and the checks
//! report the sum.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::amount::Amount;
use crate::grammar::{Grammar, HeaderMeaning, Measure};
use crate::model::{Code, Provenance};
use crate::normalize;

use super::{is_total_start, names_class, FlowRow, NameDoubt};

/// One token of the table's body, as [`read_streams`] sorts them.
enum Token<'a> {
    /// A code's level as printed: `204` (a class) or `06` (a 款 or 项).
    Level(&'a str),
    Amount(&'a str),
    Text(&'a str),
}

fn classify(t: &str) -> Token<'_> {
    let digits = |n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if digits(3) || digits(2) {
        Token::Level(t)
    } else if super::is_number_fragment(t) {
        Token::Amount(t)
    } else {
        Token::Text(t)
    }
}

/// Whether an amount token (see [`classify`]: two or three digits alone
/// are a code's level, so a table printing such whole-number amounts fails
/// the counts and is not read this way) is printed whole: it parses, digits
/// and thousands commas then at most two decimals (`6,084,184`, `0.00`,
/// `12.5`; not `.9`). A piece of an amount split across lines may still
/// look whole (`3.7` of `942` / `3.7` / `9`): the counts and sums reject
/// the reading then.
pub(super) fn is_amount(t: &str) -> bool {
    if Amount::parse(t).is_none() {
        return false;
    }
    let (whole, decimals_fit) = match t.split_once('.') {
        Some((whole, decimals)) => (
            whole,
            (1..=2).contains(&decimals.len()) && decimals.bytes().all(|b| b.is_ascii_digit()),
        ),
        None => (t, true),
    };
    decimals_fit
        && whole.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && whole.bytes().all(|b| b.is_ascii_digit() || b == b',')
}

/// Whether `rows` show the symptom: a row holding more than one row's
/// amounts (the rows after it printed without their codes).
pub(super) fn runs_rows_together(rows: &[FlowRow], width: usize) -> bool {
    width > 0 && rows.iter().any(|r| r.numbers.len() > width)
}

/// The table's rows read again from its three streams (see the module
/// docs), or `None` when that reading is not whole or does not add up.
///
/// `header_region` is the table's lines before its first row: the first
/// rows' names and amounts may come out among the header's last words
/// (`合计` / `财政拨款收入` / `公共安全支出` / amounts / `司法` / amounts / `项`).
/// `header_text` is the header's words run together (see
/// [`strip_header_word`]).
pub(super) fn read_streams(
    g: &Grammar,
    header_region: &[(Provenance, String)],
    header_text: &str,
    rows: &[FlowRow],
    layout: &[Measure],
    economic: bool,
) -> Option<StreamReading> {
    let width = layout.len();
    let total_column = layout.iter().position(|m| *m == "total")?;
    // The codes' levels as printed, in order (each row's code as read
    // first, then its tokens); those among the header's words before the
    // first name are counted only when the levels are read as columns.
    let mut levels: Vec<String> = Vec::new();
    // Whether each level is one of a 项 row's code that the row reader read
    // whole, beside the row's name (`208` / `05` / `01` / `行政单位离退休`).
    let mut in_whole_code: Vec<bool> = Vec::new();
    let mut levels_before_names = 0;
    let mut names: Vec<Name> = Vec::new();
    let mut amounts: Vec<&str> = Vec::new();
    // Where each amount was printed, and how many names were read before it.
    let mut amounts_at: Vec<Option<Provenance>> = Vec::new();
    let mut names_before: Vec<usize> = Vec::new();
    // In the header, a row's name is the last text before an amount that
    // the grammar knows as no header word (`公共安全支出` / `其他收入` /
    // amounts: `其他收入` heads a column); nothing counts before the first
    // name. Two such texts since the last amount, the last no class's name,
    // leave the table unread this way (a name wrapped, or a header piece
    // after it: which is the name, the dump does not show).
    let mut pending: Option<(Provenance, Cow<str>)> = None;
    let mut candidates = 0;
    let header_tokens = header_region
        .iter()
        .flat_map(|(at, l)| l.split_whitespace().map(move |t| (*at, t)));
    for (at, t) in header_tokens {
        match classify(t) {
            Token::Level(level) => {
                levels.push(level.to_string());
                in_whole_code.push(false);
                if names.is_empty() {
                    levels_before_names = levels.len();
                }
            }
            Token::Amount(a) => {
                if let Some((at, label)) = pending.take() {
                    if candidates > 1 && !names_a_class(g, &label) {
                        return None;
                    }
                    names.push(Name::printed_at(label.into_owned(), Some(at)));
                }
                candidates = 0;
                if names.is_empty() {
                    continue;
                }
                if !is_amount(a) {
                    return None;
                }
                amounts.push(a);
                amounts_at.push(Some(at));
                names_before.push(names.len());
            }
            Token::Text(text) => {
                // (A class's name may head a column of some layouts:
                // `工资福利支出`.)
                let label = normalize::label(text);
                if names_a_class(g, &label) || matches!(g.header(&label), HeaderMeaning::Other) {
                    pending = Some((at, label));
                    candidates += 1;
                }
            }
        }
    }
    // The first row's name last among the header's words, no amount after
    // it there: the header's words that run on into the rows (`财政拨款收入`
    // / `事业单位` / `项` / `合计` / `其他收入`) pass it by, and it names the
    // first run of amounts.
    let mut waiting = pending.filter(|(_, label)| names.is_empty() && names_a_class(g, label));
    for row in rows {
        // Whether the last token was a name's (a name ends at its row's end).
        let mut naming = false;
        if let Some(code) = &row.code {
            let digits = code.as_str();
            let whole = code.level() == 3;
            levels.push(digits[..3].to_string());
            in_whole_code.push(whole);
            for level in digits.as_bytes()[3..].chunks(2) {
                levels.push(std::str::from_utf8(level).ok()?.to_string());
                in_whole_code.push(whole);
            }
        }
        for (k, t) in row.tokens.iter().enumerate() {
            match classify(t) {
                Token::Level(level) => {
                    levels.push(level.to_string());
                    in_whole_code.push(false);
                    naming = false;
                }
                Token::Amount(a) => {
                    if !is_amount(a) {
                        return None;
                    }
                    if let Some((at, label)) = waiting.take() {
                        names.push(Name::printed_at(label.into_owned(), Some(at)));
                    }
                    amounts.push(a);
                    amounts_at.push(row.token_at.get(k).copied().or(row.at));
                    names_before.push(names.len());
                    naming = false;
                }
                Token::Text(text) => {
                    let piece = normalize::label(text);
                    if waiting.is_some() {
                        if is_header_word(g, &piece) {
                            continue;
                        }
                        waiting = None;
                    }
                    match names.last_mut() {
                        Some(name) if naming => {
                            name.label.push_str(&piece);
                            name.doubt = name.doubt.or(row.name_doubt);
                        }
                        _ => names.push(Name {
                            label: piece.into_owned(),
                            at: row.token_at.get(k).copied().or(row.at),
                            line: row.token_lines.get(k).copied(),
                            doubt: None,
                        }),
                    }
                    naming = true;
                }
            }
        }
    }
    let mut totals = names.iter().filter(|n| is_total_start(&n.label)).count();
    let runs = amount_runs(&amounts, names.len(), width, total_column)?;
    // The total's amounts last, its label lost to the dump (printed after
    // the table's end): a run of amounts after every name.
    let last_run = runs
        .len()
        .checked_sub(1)
        .map(|i| runs[..i].iter().map(|r| r.len()).sum());
    if totals == 0
        && runs.len() == names.len() + 1
        && last_run.and_then(|at: usize| names_before.get(at)) == Some(&names.len())
    {
        let at = last_run.and_then(|at| amounts_at.get(at).copied().flatten());
        names.push(Name::printed_at("合计".to_string(), at));
        totals = 1;
    }
    if names.is_empty() || totals > 1 || runs.len() != names.len() {
        return None;
    }
    let coded_rows = names.len() - totals;
    // The codes read row by row; failing that, as columns each in row
    // order, then the one reading whose rows add up.
    let in_row_order = codes_in_row_order(&levels[levels_before_names..])
        .filter(|codes| codes.len() == coded_rows && is_listed_tree(codes));
    let as_columns = in_row_order.is_none();
    // Codes read as columns: the coded rows' amounts the sums compare,
    // every column where every row prints every column, else the total
    // alone (read once for both passes below).
    let whole = runs.iter().all(|r| r.len() == width);
    let sums: Vec<Vec<i64>> = if as_columns {
        names
            .iter()
            .zip(&runs)
            .filter(|(name, _)| !is_total_start(&name.label))
            .map(|(_, run)| {
                let compared = if whole { &run[..] } else { &run[..1] };
                compared
                    .iter()
                    .map(|a| Amount::parse(a).map(|a| a.cents))
                    .collect()
            })
            .collect::<Option<_>>()?
    } else {
        Vec::new()
    };
    let pair_doubting = |names: &[Name], codes: Vec<Code>| {
        let mut read = pair(g, names, &runs, codes, header_text, economic);
        // The 项 column's order is the dump's alone: the sums prove a
        // row's level and 款, not which 项 it is.
        if as_columns {
            for row in &mut read {
                row.xiang_in_doubt = row.code.as_ref().is_some_and(|c| c.level() == 3);
            }
        }
        read
    };
    // The sums exactly first; failing that, each off by at most one unit
    // of the table's last printed place (a publisher rounding a 款 up:
    // what was printed is read, and the checks report the sum). Last, rows
    // printed whole and coded in row order whose totals add up exactly,
    // another column not (司法局 2026 prints 行政运行's 项目支出 as its
    // 款's): read as printed for the checks to report, every amount
    // uncertain (a run shifted among rows whose other columns are zero
    // keeps the totals adding up).
    let mut attempts = vec![
        (0, Compared::Every),
        (last_place(&amounts), Compared::Every),
    ];
    if whole && in_row_order.is_some() {
        attempts.push((0, Compared::Totals));
    }
    let mut read = None;
    let mut proof = Compared::Every;
    // Codes read as columns keep the 项 of the rows the row reader read
    // whole (a function table's: an economic code has no 项); failing
    // that, the column's order alone gives every 项 (`Pins::None`). The
    // row reader can set a neighbour's 项 beside a name, so a whole-read
    // 项 is sure only where the column's order gives it too.
    let mut pinned = false;
    let mut column_order: Option<Vec<Code>> = None;
    for (slack, compared) in attempts {
        // The one reading of `candidates` that adds up and fits its names;
        // `Err` when more than one does.
        let settle = |candidates: Vec<Vec<Code>>| -> Result<Option<Vec<FlowRow>>, ()> {
            let mut readings = candidates.into_iter().filter_map(|codes| {
                let read = pair_doubting(&names, codes.clone());
                if !adds_up(&read, width, total_column, slack, compared) {
                    return None;
                }
                if names_fit_their_levels(g, &read, economic) {
                    return Some(read);
                }
                let moved = move_class_names(g, &names, &codes, economic)?;
                let read = pair_doubting(&moved, codes);
                names_fit_their_levels(g, &read, economic).then_some(read)
            });
            match (readings.next(), readings.next()) {
                (Some(only), None) => Ok(Some(only)),
                (Some(_), Some(_)) => Err(()),
                (None, _) => Ok(None),
            }
        };
        let settled = match &in_row_order {
            Some(codes) => settle(vec![codes.clone()]),
            None => {
                let columns = |pins| codes_as_columns(&levels, pins, &sums, economic, slack);
                let by_order = settle(columns(Pins::None));
                let kept_whole = if economic {
                    Ok(None)
                } else {
                    settle(columns(Pins::WholeCodes(&in_whole_code)))
                };
                match kept_whole {
                    Ok(Some(read)) => {
                        pinned = true;
                        column_order = by_order
                            .ok()
                            .flatten()
                            .map(|rows| rows.into_iter().filter_map(|r| r.code).collect());
                        Ok(Some(read))
                    }
                    _ => by_order,
                }
            }
        };
        match settled {
            Ok(Some(only)) => {
                read = Some(only);
                proof = compared;
                break;
            }
            Err(()) => return None,
            Ok(None) => {}
        }
    }
    let mut read = read?;
    if proof == Compared::Totals {
        // The totals alone fix no run where a column repeats them (a row's
        // other columns zero): every row the dump printed whole, its code,
        // name and amounts together, must have been paired with its own.
        let contradicted = rows.iter().any(|r| {
            let Some(code) = &r.code else { return false };
            let name_first = r
                .tokens
                .first()
                .is_some_and(|t| !super::is_number_fragment(t));
            // The amounts right after its name (a code's levels or another
            // row's name after them: not printed whole).
            let own: Vec<&str> = r
                .tokens
                .iter()
                .skip_while(|t| !super::is_number_fragment(t))
                .take(width)
                .map(String::as_str)
                .collect();
            let amounts = own.len() == width
                && own
                    .iter()
                    .all(|t| matches!(classify(t), Token::Amount(a) if is_amount(a)));
            if r.label.is_empty() || !name_first || !amounts {
                return false;
            }
            !read
                .iter()
                .any(|row| row.code.as_ref() == Some(code) && row.numbers == own)
        });
        if contradicted {
            return None;
        }
    }
    // A row the dump printed whole, its code beside its name and its own
    // amounts next (other rows' may run on after them), confirms the row's
    // pairing: the doubts from the streams' order go. (One giving a 项 row
    // another 项 shows the column's order wrong there: the row stays in
    // doubt, as every 项 so read. The amounts count: the row reader pairs a
    // name moved among the codes with the codes beside it just as the moved
    // names are paired.)
    // (The column's order lists the coded rows' codes: the k-th is the
    // k-th coded row's.)
    // Each coded row's parent's name (a 项's 款's), for the names that
    // fix a 项 by its 款's (`names_subitem`).
    let parent_names: Vec<Option<String>> = read
        .iter()
        .filter_map(|r| r.code.as_ref())
        .map(|c| {
            let parent = c.parent();
            read.iter()
                .find(|p| p.code.is_some() && p.code == parent)
                .map(|p| p.label.clone())
        })
        .collect();
    let mut coded_rows = 0;
    for row in read.iter_mut() {
        let k = coded_rows;
        coded_rows += usize::from(row.code.is_some());
        // A 项 whose name fixes its code (行政运行 is every 款's 01) is
        // proven by its name, whatever the column's order says.
        let named = row.code.as_ref().is_some_and(|c| {
            c.level() == 3
                && g.names_subitem(
                    &row.label,
                    c.as_str(),
                    parent_names.get(k).and_then(Option::as_deref),
                )
        });
        if named {
            row.xiang_in_doubt = false;
            row.xiang_beside_name = false;
        }
        // (A 项 kept from a whole-read code is sure where the column's
        // order gives the row the same code.)
        if !named && pinned && row.code.as_ref().is_some_and(|c| c.level() == 3) {
            let agrees = column_order.as_ref().and_then(|codes| codes.get(k)) == row.code.as_ref();
            if !agrees {
                row.xiang_beside_name = rows.iter().any(|r| r.code.is_some() && r.code == row.code);
                continue;
            }
        }
        let printed_whole = rows.iter().any(|r| {
            r.code.is_some()
                && r.code == row.code
                && !row.numbers.is_empty()
                && r.numbers.starts_with(&row.numbers)
                && normalize::label(&r.label) == row.label
        });
        if printed_whole {
            row.xiang_in_doubt = false;
            if row.name_doubt == Some(NameDoubt::OutOfStep) {
                row.name_doubt = None;
            }
        }
    }
    Some(StreamReading { rows: read, proof })
}

/// A table's rows as [`read_streams`] paired them, and what proved them.
pub(super) struct StreamReading {
    pub(super) rows: Vec<FlowRow>,
    /// Which columns add up over the rows' tree: every column, or (rows
    /// printed whole, a column the publisher got wrong) the totals alone.
    pub(super) proof: Compared,
}

/// The i-th name paired with the i-th run of amounts and (the total aside)
/// the i-th code.
fn pair(
    g: &Grammar,
    names: &[Name],
    runs: &[&[&str]],
    codes: Vec<Code>,
    header_text: &str,
    economic: bool,
) -> Vec<FlowRow> {
    let mut codes = codes.into_iter();
    names
        .iter()
        .cloned()
        .zip(runs)
        .enumerate()
        .map(|(i, (mut name, run))| {
            let is_total = is_total_start(&name.label);
            let code = if is_total { None } else { codes.next() };
            // A class row named wholly as its class: its name ends there.
            let named_as_class = code.as_ref().is_some_and(|code| {
                strip_header_word(g, code, &mut name.label, header_text, i == 0, economic)
            });
            if named_as_class {
                name.doubt = None;
            }
            let mut tokens = vec![name.label.clone()];
            tokens.extend(run.iter().map(|a| a.to_string()));
            FlowRow {
                code,
                numbers: run.iter().map(|a| a.to_string()).collect(),
                token_lines: name.line.map_or_else(Vec::new, |l| vec![l; tokens.len()]),
                tokens,
                label: name.label,
                at: name.at,
                is_total,
                name_doubt: name.doubt,
                ..FlowRow::default()
            }
        })
        .collect()
}

/// The names again with each class's name moved to its class's row, the
/// other names in order on the other rows, when the name stream alone is
/// out of step (`司法` … `行政事业单位养老支出` / `公共安全支出` /
/// `行政单位离退休`: the class's name printed pages late, its amounts and
/// code in place). Every class row needs its name printed once; the names
/// of the rows in the class blocks a class's name passed on its way, and in
/// the block before, are in doubt (the dump may have moved more than the
/// class's name, and one name crossing the class's from the block before
/// looks the same). None when the names do not fit so.
fn move_class_names(
    g: &Grammar,
    names: &[Name],
    codes: &[Code],
    economic: bool,
) -> Option<Vec<Name>> {
    let mut row_codes = codes.iter();
    let codes_of_rows: Vec<Option<&Code>> = names
        .iter()
        .map(|n| {
            (!is_total_start(&n.label))
                .then(|| row_codes.next())
                .flatten()
        })
        .collect();
    let classes: Vec<&Code> = codes.iter().filter(|c| c.level() == 1).collect();
    // The class names out of the stream, each once; the rest in order.
    // (Each with where it was read.)
    let mut class_names: Vec<(&Code, usize)> = Vec::new();
    let mut rest: Vec<&Name> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if codes_of_rows[i].is_none() {
            continue;
        }
        let named: Vec<&&Code> = classes
            .iter()
            .filter(|c| names_class(g, c.as_str(), &name.label, economic))
            .collect();
        match named.as_slice() {
            [] => rest.push(name),
            [class] if !class_names.iter().any(|(c, _)| c == *class) => {
                class_names.push((class, i));
            }
            _ => return None,
        }
    }
    let mut rest = rest.into_iter();
    let mut moved = Vec::with_capacity(names.len());
    // The rows a class's name passed on its way to its row (every name
    // read for another row than it lands on among them).
    let mut passed = vec![false; names.len()];
    for (i, name) in names.iter().enumerate() {
        let Some(code) = codes_of_rows[i] else {
            moved.push(name.clone());
            continue;
        };
        if code.level() == 1 {
            let &(_, read_at) = class_names.iter().find(|(c, _)| *c == code)?;
            // From the class before the stretch the name moved over to the
            // class after it: a name crossing the class's from the block
            // before looks the same as the class's name moving.
            let is_class = |r: &usize| codes_of_rows[*r].is_some_and(|c| c.level() == 1);
            let from = (0..read_at.min(i)).rev().find(is_class).unwrap_or(0);
            let to = (read_at.max(i) + 1..names.len())
                .find(is_class)
                .unwrap_or(names.len());
            for p in &mut passed[from..to] {
                *p = true;
            }
            moved.push(names[read_at].clone());
        } else {
            moved.push(rest.next()?.clone());
        }
    }
    for (i, name) in moved.iter_mut().enumerate() {
        if passed[i] && codes_of_rows[i].is_some_and(|c| c.level() != 1) {
            name.doubt = Some(NameDoubt::OutOfStep);
        }
    }
    rest.next().is_none().then_some(moved)
}

/// Whether `label` is a header's word: a measure, a piece of one, or a
/// label column's (`项`).
fn is_header_word(g: &Grammar, label: &str) -> bool {
    !matches!(g.header(label), HeaderMeaning::Other)
}

/// Whether `label` names a class, of the function classification or an
/// economic one.
fn names_a_class(g: &Grammar, label: &str) -> bool {
    g.class_code(label).is_some() || !g.economic_class_codes(label).is_empty()
}

/// A class's name that a header word wrapped onto the line before it ran
/// into (`事业单位` of `事业单位经营收入`, then `公共安全支出`): the class's
/// name alone, where the rest is a piece of the header two characters or
/// more long, or the name is the table's first (no row's name comes before
/// it to have run on). Whether `label` is then a class row's name as its
/// class (as it was, or with the header word stripped).
fn strip_header_word(
    g: &Grammar,
    code: &Code,
    label: &mut String,
    header: &str,
    first: bool,
    economic: bool,
) -> bool {
    if code.level() != 1 {
        return false;
    }
    if names_class(g, code.as_str(), label, economic) {
        return true;
    }
    let split = label.char_indices().map(|(i, _)| i).skip(1).find(|&i| {
        (first || label[..i].chars().nth(1).is_some() && header.contains(&label[..i]))
            && names_class(g, code.as_str(), &label[i..], economic)
    });
    if let Some(i) = split {
        label.drain(..i);
    }
    split.is_some()
}

/// The amounts split into rows' runs, for `names` rows (or one more, a
/// total whose label the dump lost). Every row prints every column (`0.00`
/// in a blank one): runs of the table's width. Or a row prints only the
/// cells it fills, its total first: a run is the total and the amounts
/// after it up to the one that makes their sum the total, as many as the
/// columns at most; the solver places them.
fn amount_runs<'a, 's>(
    amounts: &'s [&'a str],
    names: usize,
    width: usize,
    total_column: usize,
) -> Option<Vec<&'s [&'a str]>> {
    if amounts.len() == names * width || amounts.len() == (names + 1) * width {
        return Some(amounts.chunks(width).collect());
    }
    if total_column != 0 || width < 2 {
        return None;
    }
    let cents: Vec<i64> = amounts
        .iter()
        .map(|a| Amount::parse(a).map(|a| a.cents))
        .collect::<Option<_>>()?;
    let mut runs = Vec::new();
    let mut start = 0;
    while start < amounts.len() {
        let total = cents[start];
        let mut sum = 0;
        let mut end = start + 1;
        while sum != total {
            if end == amounts.len() || end - start == width {
                return None;
            }
            sum += cents[end];
            end += 1;
        }
        runs.push(&amounts[start..end]);
        start = end;
    }
    Some(runs)
}

/// A name as [`read_streams`] reads it: the text tokens between two other
/// tokens, run together.
#[derive(Clone)]
struct Name {
    label: String,
    at: Option<Provenance>,
    line: Option<usize>,
    /// The doubt of the row it was read in, for a name put together from
    /// pieces (see [`NameDoubt`]: where a wrapped name ends); a name of one
    /// piece, between amounts or codes, has none.
    doubt: Option<NameDoubt>,
}

impl Name {
    /// A name of one piece, printed at `at`.
    fn printed_at(label: String, at: Option<Provenance>) -> Name {
        Name {
            label,
            at,
            line: None,
            doubt: None,
        }
    }
}

/// The codes of levels printed row by row: a class starts a new code, a
/// two-digit level extends it (at most to a 项).
fn codes_in_row_order(levels: &[String]) -> Option<Vec<Code>> {
    let mut codes = Vec::new();
    let mut code = String::new();
    for level in levels {
        if level.len() == 3 {
            if !code.is_empty() {
                codes.push(Code::new(&code)?);
            }
            code.clear();
        } else if code.is_empty() || code.len() >= 7 {
            return None;
        }
        code.push_str(level);
    }
    if !code.is_empty() {
        codes.push(Code::new(&code)?);
    }
    Some(codes)
}

/// Whether `codes` are a tree listed in order: each after the one before,
/// each under a code already read.
fn is_listed_tree(codes: &[Code]) -> bool {
    codes.iter().enumerate().all(|(i, code)| {
        let in_order = i == 0 || codes[i - 1].as_str() < code.as_str();
        in_order && code.parent().is_none_or(|p| codes[..i].contains(&p))
    })
}

/// Readings at most for [`codes_as_columns`]: a dump allowing more (or
/// needing more than [`COLUMN_STEPS`] steps to tell) is not read this way.
const COLUMN_READINGS: usize = 8;
const COLUMN_STEPS: usize = 200_000;

/// The codes of the rows whose levels pdftotext printed column by column,
/// the columns' pieces interleaved (`201` / `05` / `201` / `05` / … / `项`
/// / `07` / `02` … of a Shanghai 支出预算总表: the 类 and 款 columns row
/// by row, the 项 column after them). Each column lists its rows in order:
/// the three-digit levels are every row's 类 (a class's first row is the
/// class); the two-digit ones interleave the 款 of every row under a class
/// with the 项 of every row under a 款.
///
/// The sums say which rows are 款 and which 项 (`sums`: each coded row's
/// amounts compared, see [`levels_by_sums`]; `slack`, how far a sum may
/// be off). Every way of splitting the two-digit levels that fits is a
/// reading: a 款 row's 款 greater than the 款 before it in its class and
/// printed under its class (after its 类 and before the next class's), a
/// 项 row's 款 its 款's, each 项 after its row's 款 (under its class or a
/// later one) and the 项 under a 款 in order. None when there are too many
/// to tell.
fn codes_as_columns(
    levels: &[String],
    pins: Pins,
    sums: &[Vec<i64>],
    economic: bool,
    slack: i64,
) -> Vec<Vec<Code>> {
    let classes: Vec<&str> = levels
        .iter()
        .filter(|l| l.len() == 3)
        .map(String::as_str)
        .collect();
    if classes.len() != sums.len() || classes.windows(2).any(|w| w[0] > w[1]) {
        return Vec::new();
    }
    let Some(shapes) = levels_by_sums(&classes, sums, !economic, slack) else {
        return Vec::new();
    };
    // Each two-digit level with the class it is printed under: the last
    // 类 before it (the first class for those before every 类). A 款 is
    // printed under its class; a 项 may come out later, under the classes
    // after its own (万里街道 2025 prints 207's last 项 after 208's first
    // 款, and three of 212's 项 after the first `221`).
    let Some(&first) = classes.first() else {
        return Vec::new();
    };
    let mut pieces: Vec<&str> = Vec::new();
    let mut under: Vec<&str> = Vec::new();
    let mut whole: Vec<Option<WholePart>> = Vec::new();
    let mut class = first;
    for (k, level) in levels.iter().enumerate() {
        let in_whole = match pins {
            Pins::None => false,
            Pins::WholeCodes(whole) => whole.get(k).copied().unwrap_or(false),
        };
        if level.len() == 3 {
            class = level.as_str();
        } else {
            // A whole code's pieces come in order: its 款, then its 项.
            let part = in_whole.then(|| match whole.last() {
                Some(Some(WholePart::Kuan)) => WholePart::Xiang,
                _ => WholePart::Kuan,
            });
            pieces.push(level.as_str());
            under.push(class);
            whole.push(part);
        }
    }
    let mut readings = Vec::new();
    for shape in shapes {
        let mut split = ColumnSplit {
            classes: &classes,
            pieces: &pieces,
            under: &under,
            whole: &whole,
            shape: &shape,
            kuan: vec![None; classes.len()],
            xiang: Vec::new(),
            inline: Vec::new(),
            readings: Vec::new(),
            dead: HashSet::new(),
            steps: 0,
        };
        split.search(0, 0, 0);
        if split.readings.len() >= COLUMN_READINGS || split.steps > COLUMN_STEPS {
            return Vec::new();
        }
        readings.extend(split.readings);
    }
    // (Rows whose 项 were read whole keep them: the others' may then come
    // out of order around them.)
    readings.retain(|codes| is_listed_tree(codes));
    readings.sort();
    readings.dedup();
    readings
}

/// Every reading of `heads` followed by every reading of `tails`.
fn each_followed_by_each<T: Clone>(heads: &[Vec<T>], tails: &[Vec<T>]) -> Vec<Vec<T>> {
    heads
        .iter()
        .flat_map(|head| {
            tails.iter().map(move |tail| {
                let mut whole = head.clone();
                whole.extend_from_slice(tail);
                whole
            })
        })
        .collect()
}

/// Where the block of rows of the class at `start` ends.
fn class_block_end(classes: &[&str], start: usize) -> usize {
    (start..classes.len())
        .find(|&r| classes[r] != classes[start])
        .unwrap_or(classes.len())
}

/// Each row's level (1 a class, 2 a 款, 3 a 项) as the sums allow: a
/// class's first row is the class (`classes`: each row's 类), every 款
/// with rows under it is their sum and every class the sum of its 款.
/// `xiang`: whether the table has a third level; `slack`, how far a sum
/// may be off. None when there are too many ways to tell.
fn levels_by_sums(
    classes: &[&str],
    sums: &[Vec<i64>],
    xiang: bool,
    slack: i64,
) -> Option<Vec<Vec<u8>>> {
    let mut shapes = vec![Vec::new()];
    let mut start = 0;
    while start < classes.len() {
        let end = class_block_end(classes, start);
        let mut block = BlockLevels {
            sums: &sums[start..end],
            xiang,
            slack,
            levels: vec![1],
            found: Vec::new(),
            steps: 0,
        };
        block.search(1, None, None, None);
        if block.found.is_empty()
            || block.found.len() >= COLUMN_READINGS
            || block.steps > COLUMN_STEPS
        {
            return None;
        }
        shapes = each_followed_by_each(&shapes, &block.found);
        if shapes.len() >= COLUMN_READINGS {
            return None;
        }
        start = end;
    }
    Some(shapes)
}

/// The search of [`levels_by_sums`] in one class's rows (its first, the
/// class, at 0).
struct BlockLevels<'a> {
    sums: &'a [Vec<i64>],
    xiang: bool,
    /// How far a sum may be off (see [`within`]).
    slack: i64,
    levels: Vec<u8>,
    found: Vec<Vec<u8>>,
    steps: usize,
}

impl BlockLevels<'_> {
    /// Reads on from `row`: `kuan` the open 款, `under` the sum of the
    /// rows under it (None while none), `kuans` the sum of the 款 closed.
    fn search(
        &mut self,
        row: usize,
        kuan: Option<usize>,
        under: Option<Vec<i64>>,
        kuans: Option<Vec<i64>>,
    ) {
        self.steps += 1;
        if self.found.len() >= COLUMN_READINGS || self.steps > COLUMN_STEPS {
            return;
        }
        // The open 款 closes: its rows add up to it; it adds to the class.
        let close = |kuan: Option<usize>, under: &Option<Vec<i64>>, kuans: &Option<Vec<i64>>| {
            let Some(k) = kuan else {
                return Some(kuans.clone());
            };
            if under
                .as_ref()
                .is_some_and(|u| !within(u, &self.sums[k], self.slack))
            {
                return None;
            }
            Some(Some(add(kuans.as_deref(), &self.sums[k])))
        };
        if row == self.sums.len() {
            if let Some(Some(total)) = close(kuan, &under, &kuans) {
                if within(&total, &self.sums[0], self.slack) {
                    self.found.push(self.levels.clone());
                }
            } else if kuan.is_none() && self.sums.len() == 1 {
                self.found.push(self.levels.clone());
            }
            return;
        }
        // The row as a 款 of its own.
        if let Some(closed) = close(kuan, &under, &kuans) {
            self.levels.push(2);
            self.search(row + 1, Some(row), None, closed);
            self.levels.pop();
        }
        // The row under the open 款.
        if let (true, Some(_)) = (self.xiang, kuan) {
            let under = Some(add(under.as_deref(), &self.sums[row]));
            self.levels.push(3);
            self.search(row + 1, kuan, under, kuans);
            self.levels.pop();
        }
    }
}

/// Whether the sums `a` and `b` differ by at most `slack` in every column.
fn within(a: &[i64], b: &[i64], slack: i64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= slack)
}

/// One unit of the last place `amounts` print, in hundredths: 100 when
/// none prints decimals (a table in 元), 1 when one prints two.
fn last_place(amounts: &[&str]) -> i64 {
    let decimals = amounts
        .iter()
        .filter_map(|a| Amount::parse(a))
        .map(|a| a.decimals)
        .max()
        .unwrap_or(2);
    10_i64.pow(2 - u32::from(decimals.min(2)))
}

/// `sum` plus `amounts`, column by column (`None`: nothing yet).
fn add(sum: Option<&[i64]>, amounts: &[i64]) -> Vec<i64> {
    match sum {
        Some(sum) => sum.iter().zip(amounts).map(|(a, b)| a + b).collect(),
        None => amounts.to_vec(),
    }
}

/// The search of [`codes_as_columns`] for one shape of levels.
struct ColumnSplit<'a> {
    /// Each row's 类.
    classes: &'a [&'a str],
    pieces: &'a [&'a str],
    /// The class each piece is printed under.
    under: &'a [&'a str],
    /// Each piece's part of a code the row reader read whole, if it is.
    whole: &'a [Option<WholePart>],
    /// Each row's level, from the sums.
    shape: &'a [u8],
    /// Each row's 款 (`None` for a class row, or a row not reached).
    kuan: Vec<Option<&'a str>>,
    /// The rows read as 项, in order, with their 项 once read.
    xiang: Vec<(usize, Option<&'a str>)>,
    /// The 项 rows whose 项 was read whole with their 款, and that 项.
    inline: Vec<(usize, &'a str)>,
    readings: Vec<Vec<Code>>,
    /// States from which no reading was found (see [`ColumnSplit::state`]).
    dead: HashSet<SplitState<'a>>,
    steps: usize,
}

/// Which levels [`codes_as_columns`] keeps as the row reader read them.
#[derive(Clone, Copy)]
enum Pins<'a> {
    /// None: the columns' order alone.
    None,
    /// The levels of 项 codes read whole beside their names (`true`, one a
    /// level): each such 项 row keeps its 款 and 项.
    WholeCodes(&'a [bool]),
}

/// Which level of a code the row reader read whole a piece is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WholePart {
    Kuan,
    Xiang,
}

/// What the rest of a search depends on: the next piece and row, the 款
/// of the row before it, the last 项 read with its row's 类 and 款, and
/// the rows waiting for their 项 with their 款.
type SplitState<'a> = (
    usize,
    usize,
    Option<&'a str>,
    Option<(&'a str, &'a str, &'a str)>,
    Vec<(usize, &'a str)>,
);

impl<'a> ColumnSplit<'a> {
    /// Reads on from the `piece`-th two-digit level, `row` the next row to
    /// take a 款 (class rows take none), `filled` the 项 rows given their
    /// 项. Whether a reading was found.
    fn search(&mut self, piece: usize, row: usize, filled: usize) -> bool {
        let rows = self.classes.len();
        let row = (row..rows).find(|&r| self.shape[r] != 1).unwrap_or(rows);
        self.steps += 1;
        if self.readings.len() >= COLUMN_READINGS || self.steps > COLUMN_STEPS {
            return true;
        }
        if piece == self.pieces.len() {
            let whole = row == rows && filled == self.xiang.len();
            if whole {
                // (Pieces alike split two ways read alike.)
                let codes = self.codes();
                if !self.readings.contains(&codes) {
                    self.readings.push(codes);
                }
            }
            return whole;
        }
        let state = self.state(piece, row, filled);
        if self.dead.contains(&state) {
            return false;
        }
        let level = self.pieces[piece];
        let part = self.whole[piece];
        let mut found = false;
        // The piece as the next row's 款, printed under its class: a 款
        // row's greater than the 款 before it in its class (a class row
        // has none), a 项 row's its 款's. A 款 read whole is a 项 row's,
        // and its 项 (the next piece) is that row's.
        if part != Some(WholePart::Xiang) && row < rows && self.under[piece] == self.classes[row] {
            let before = row.checked_sub(1).and_then(|r| self.kuan[r]);
            let under_kuan = self.shape[row] == 3;
            let takes = if under_kuan {
                before == Some(level)
            } else {
                part.is_none() && before.is_none_or(|b| level > b)
            };
            if takes {
                self.kuan[row] = Some(level);
                if part == Some(WholePart::Kuan) {
                    if let Some(&xiang) = self.pieces.get(piece + 1) {
                        self.inline.push((row, xiang));
                        found |= self.search(piece + 2, row + 1, filled);
                        self.inline.pop();
                    }
                } else {
                    if under_kuan {
                        self.xiang.push((row, None));
                    }
                    found |= self.search(piece + 1, row + 1, filled);
                    if under_kuan {
                        self.xiang.pop();
                    }
                }
                self.kuan[row] = None;
            }
        }
        // The piece as the next 项 (its row's 款 read), in order under it.
        if part.is_none() && filled < self.xiang.len() {
            let at = self.xiang[filled].0;
            let in_order = filled == 0 || {
                let (prev, prev_level) = self.xiang[filled - 1];
                self.classes[prev] != self.classes[at]
                    || self.kuan[prev] != self.kuan[at]
                    || prev_level.is_some_and(|p| p < level)
            };
            if in_order {
                self.xiang[filled].1 = Some(level);
                found |= self.search(piece + 1, row, filled + 1);
                self.xiang[filled].1 = None;
            }
        }
        if !found {
            self.dead.insert(state);
        }
        found
    }

    fn state(&self, piece: usize, row: usize, filled: usize) -> SplitState<'a> {
        let before = row
            .checked_sub(1)
            .and_then(|r| self.kuan.get(r).copied().flatten());
        let last = filled.checked_sub(1).and_then(|f| {
            let (r, level) = self.xiang[f];
            Some((self.classes[r], self.kuan[r]?, level?))
        });
        let waiting = self.xiang[filled..]
            .iter()
            .filter_map(|&(r, _)| Some((r, self.kuan[r]?)))
            .collect();
        (piece, row, before, last, waiting)
    }

    fn codes(&self) -> Vec<Code> {
        (0..self.classes.len())
            .filter_map(|row| {
                let mut digits = self.classes[row].to_string();
                if let Some(kuan) = self.kuan[row] {
                    digits.push_str(kuan);
                }
                let deferred = self.xiang.iter().find(|(r, _)| *r == row).and_then(|x| x.1);
                let inline = self.inline.iter().find(|(r, _)| *r == row).map(|x| x.1);
                if let Some(xiang) = deferred.or(inline) {
                    digits.push_str(xiang);
                }
                Code::new(&digits)
            })
            .collect()
    }
}

/// Every class row is named as its class, and no other row as a class
/// other than its own (a stream out of step pairs a class's code with a
/// 款's name, or the other way round; `22999 其他支出` under `229 其他支出`
/// is its own class's name).
fn names_fit_their_levels(g: &Grammar, rows: &[FlowRow], economic: bool) -> bool {
    rows.iter().all(|row| {
        let Some(code) = &row.code else { return true };
        let class = &code.as_str()[..3];
        if code.level() == 1 {
            return names_class(g, class, &row.label, economic);
        }
        if economic {
            let named = g.economic_class_codes(&row.label);
            named.is_empty() || named.iter().any(|c| c == class)
        } else {
            g.class_code(&row.label).is_none_or(|c| c == class)
        }
    })
}

/// Which columns [`adds_up`] compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Compared {
    /// Every column, where every row prints every column.
    Every,
    /// The total column alone.
    Totals,
}

/// Every parent's amounts are the sums of its children's, column by column,
/// and the total row's the sums of the classes' (where the table prints
/// one), each within `slack` hundredths. Rows that print only the cells
/// they fill are summed by their totals alone (their other columns are the
/// solver's to place), as are all rows when `compared` says so.
fn adds_up(
    rows: &[FlowRow],
    width: usize,
    total_column: usize,
    slack: i64,
    compared: Compared,
) -> bool {
    let whole = rows.iter().all(|r| r.numbers.len() == width);
    let columns: Vec<usize> = if whole && compared == Compared::Every {
        (0..width).collect()
    } else {
        vec![total_column]
    };
    let families = families(rows);
    families.iter().any(|f| !rows[f.parent].is_total)
        && families
            .iter()
            .all(|f| columns.iter().all(|&c| f.sums_to(rows, c, slack)))
}

/// A row and the rows its amounts are the sums of: a coded parent's
/// children, or the total row's classes.
struct Family {
    parent: usize,
    children: Vec<usize>,
}

impl Family {
    /// Whether the parent's amount in `column` is its children's sum,
    /// within `slack` hundredths.
    fn sums_to(&self, rows: &[FlowRow], column: usize, slack: i64) -> bool {
        let cell = |i: usize| {
            rows[i]
                .numbers
                .get(column)
                .and_then(|a| Amount::parse(a))
                .map(|a| a.cents)
        };
        let sum = self.children.iter().map(|&i| cell(i)).sum::<Option<i64>>();
        matches!((sum, cell(self.parent)), (Some(a), Some(b)) if (a - b).abs() <= slack)
    }
}

/// The coded parents with children, then the total rows with the classes.
fn families(rows: &[FlowRow]) -> Vec<Family> {
    let mut families: Vec<Family> = rows
        .iter()
        .enumerate()
        .filter_map(|(parent, row)| {
            let code = row.code.as_ref()?;
            let children: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].code.as_ref().and_then(Code::parent).as_ref() == Some(code))
                .collect();
            (!children.is_empty()).then_some(Family { parent, children })
        })
        .collect();
    let classes: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].code.as_ref().is_some_and(|c| c.level() == 1))
        .collect();
    families.extend(
        (0..rows.len())
            .filter(|&i| rows[i].is_total)
            .map(|parent| Family {
                parent,
                children: classes.clone(),
            }),
    );
    families
}

#[cfg(test)]
mod tests {
    use crate::model::{CellStatus, Table};

    /// pdftotext's flow of a Shanghai 收入预算总表 (WPS, 元), cut down: the
    /// first class's code among the header's words, its and its 款's names
    /// and amounts before the header's last words end, then codes, names
    /// and amounts out of step (`208` / `208` / `05` after two rows that
    /// print none), the total's amounts last and its `合计` lost past the
    /// table's end.
    const OUT_OF_STEP: &str = "\
2026年部门收入预算总表
编制部门：上海市普陀区某局
单位：元
项目
功能分类科目编码
类
款
功能分类科目名称
项
204
收入预算
合计
财政拨款收入
事业收入
事业单位
经营收入
其他收入
公共安全支出
300.00
300.00
0.00
0.00
0.00
司法
300.00
300.00
0.00
0.00
0.00
204
06
204
06
01
行政运行
100.00
100.00
0.00
0.00
0.00
204
06
04
基层司法业务
200.00
200.00
0.00
0.00
0.00
社会保障和就业支出
50.00
50.00
0.00
0.00
0.00
行政事业单位养老支出
50.00
50.00
0.00
0.00
0.00
208
208
05
208
05
01
行政单位离退休
20.00
20.00
0.00
0.00
0.00
208
05
05
机关事业单位基本养老保险缴费支出
30.00
30.00
0.00
0.00
0.00
350.00
350.00
0.00
0.00
0.00
";

    /// A 基本支出 table of the same dumps, cut down: the first class's
    /// name and amounts among the header's words, then `302` / `302` / `01`
    /// after the class it codes.
    const ECONOMIC: &str = "\
2026年部门一般公共预算基本支出部门预算经济分类预算表
单位：元
项目
经济分类科目编码
类
经济分类科目名称
合计
人员经费
工资福利支出
30.00
30.00
0.00
款
301
一般公共预算基本支出
公用经费
301
01
基本工资
10.00
10.00
0.00
301
02
津贴补贴
20.00
20.00
0.00
商品和服务支出
5.00
0.00
5.00
302
302
01
办公费
5.00
0.00
5.00
35.00
30.00
5.00
合计
";

    /// A 支出预算总表 whose codes pdftotext printed as columns apart from
    /// the rows (万里街道's, cut down): each class's 类 and 款 row by row,
    /// then its 项 (`204` / `204` / `06` / `204` / `06` / `204` / `06` /
    /// `项` / `01` / `04`), the names and amounts in order. Its 项 names
    /// are ones whose code the classification does not fix (see
    /// [`Grammar::names_subitem`](crate::grammar::Grammar::names_subitem)):
    /// only the column's order gives them their 项.
    const COLUMNS: &str = "\
2026年部门支出预算总表
编制部门：上海市普陀区某局
单位：元
项目
功能分类科目编码
类
款
功能分类科目名称
支出预算
合计
基本支出
项目支出
公共安全支出
300.00
100.00
200.00
司法
300.00
100.00
200.00
法律援助
100.00
100.00
0.00
基层司法业务
200.00
0.00
200.00
204
204
06
204
06
204
06
项
01
04
社会保障和就业支出
50.00
50.00
0.00
行政事业单位养老支出
50.00
50.00
0.00
离退休人员管理机构
20.00
20.00
0.00
对机关事业单位基本养老保险基金的补助
30.00
30.00
0.00
208
208
05
208
05
208
05
01
05
350.00
150.00
200.00
";

    #[test]
    fn codes_printed_as_columns_are_read_by_the_sums() {
        // The sums say which rows are 款 and which 项; the 项 column's
        // order is the dump's alone, so those rows are uncertain.
        let read = [
            row("204", "公共安全支出", "300.00"),
            row("20406", "司法", "300.00"),
            uncertain("2040601", "法律援助", "100.00"),
            uncertain("2040604", "基层司法业务", "200.00"),
            row("208", "社会保障和就业支出", "50.00"),
            row("20805", "行政事业单位养老支出", "50.00"),
            uncertain("2080501", "离退休人员管理机构", "20.00"),
            uncertain("2080505", "对机关事业单位基本养老保险基金的补助", "30.00"),
            row("", "合计", "350.00"),
        ];
        assert_eq!(expenditure(COLUMNS), read);
        // A class's name printed after its 款's (with that 款's amounts):
        // it goes to its class's row, and the name it passed is in doubt.
        let moved = COLUMNS.replace(
            "社会保障和就业支出\n50.00\n50.00\n0.00\n行政事业单位养老支出",
            "行政事业单位养老支出\n50.00\n50.00\n0.00\n社会保障和就业支出",
        );
        let mut doubted = read.clone();
        // (The rows from the block before, which a name crossing from
        // there would shift the same way, on.)
        doubted[1].3 = CellStatus::Uncertain;
        doubted[5].3 = CellStatus::Uncertain;
        assert_eq!(expenditure(&moved), doubted);
        // A 款's name printed in the block before, inside a run: the class
        // names then look moved by one; no row it shifted is `ok`.
        let crossing = COLUMNS.replacen("行政事业单位养老支出\n", "", 1).replacen(
            "公共安全支出\n300.00\n",
            "公共安全支出\n300.00\n行政事业单位养老支出\n",
            1,
        );
        for got in expenditure(&crossing) {
            assert!(got.3 != CellStatus::Ok || read.contains(&got), "{got:?}");
        }
        // The first class's name printed among the header's words, the
        // rest of them after it (the header region ends at the name): they
        // pass it by.
        let first = COLUMNS
            .replacen("公共安全支出\n", "", 1)
            .replace("204\n204\n06\n204\n06\n204\n06\n项\n01\n04\n", "")
            .replace(
                "款\n功能分类科目名称\n支出预算\n合计\n基本支出\n项目支出\n",
                "款\n公共安全支出\n06\n204\n06\n204\n06\n204\n\
                 支出预算\n合计\n基本支出\n项目支出\n项\n204\n01\n04\n",
            );
        assert_eq!(expenditure(&first), read);
        // A word no header knows after it: which is the name, the dump
        // does not show.
        let unknown = first.replace("项目支出\n项", "项目支出\n附注\n项");
        assert!(!expenditure(&unknown).iter().any(|r| r.0 == "2040601"));
        // A 项 row the dump printed whole, its code beside its name: the
        // pairing is confirmed.
        let whole = COLUMNS.replace(
            "对机关事业单位基本养老保险基金的补助\n30.00\n30.00\n0.00\n208\n208\n05\n208\n05\n208\n05\n01\n05\n",
            "208\n208\n05\n208\n05\n01\n208\n05\n05\n对机关事业单位基本养老保险基金的补助\n30.00\n30.00\n0.00\n",
        );
        let mut confirmed = read.clone();
        confirmed[7].3 = CellStatus::Ok;
        assert_eq!(expenditure(&whole), confirmed);
        // A 款 that is not the sum of its 项: not read this way.
        let off = COLUMNS.replace("20.00\n20.00\n0.00", "21.00\n21.00\n0.00");
        assert!(!expenditure(&off).iter().any(|r| r.0 == "2080501"));
        // Off by one unit of the last printed place (a publisher rounding):
        // read as printed, for the checks to report.
        let rounded = COLUMNS.replace("20.00\n20.00\n0.00", "20.01\n20.01\n0.00");
        let mut as_printed = read.clone();
        as_printed[6].2 = "20.01".to_string();
        assert_eq!(expenditure(&rounded), as_printed);
        // A 项 printed late, under the next class's first 款 (万里街道
        // 2025): the 项 column is still in row order.
        let late = COLUMNS
            .replace("项\n01\n04\n", "项\n01\n")
            .replace("208\n208\n05\n208", "208\n208\n05\n04\n208");
        assert_eq!(expenditure(&late), read);
        // A 款 is read only from the pieces printed under its class: the
        // `01` under 204 is 法律援助's 项, not 208's 款 (which would leave
        // `04` / `05` for 204's 项: two readings, none taken).
        let leaf = COLUMNS
            .replace("离退休人员管理机构\n20.00\n20.00\n0.00\n", "")
            .replace(
                "对机关事业单位基本养老保险基金的补助\n30.00\n30.00\n0.00\n",
                "",
            )
            .replace("208\n05\n208\n05\n208\n05\n01\n05\n", "208\n05\n");
        let mut without = read.to_vec();
        without.drain(6..8);
        assert_eq!(expenditure(&leaf), without);
        // Two 项 printed before their rows' 款 (`01` / `04` / `204` / `06`):
        // no split fits.
        let early = COLUMNS.replace(
            "204\n06\n204\n06\n项\n01\n04",
            "项\n01\n04\n204\n06\n204\n06",
        );
        assert!(!expenditure(&early).iter().any(|r| r.0 == "2040601"));
    }

    #[test]
    fn a_xiang_whose_name_fixes_its_code_is_proven_by_it() {
        // The same table with the 项 names its codes have nationally:
        // 行政运行 is every 款's 01, 2080501 is 行政单位离退休, 2080505
        // 机关事业单位基本养老保险缴费支出. 基层司法业务 (04) has only the
        // column's order.
        let named = COLUMNS
            .replace("法律援助", "行政运行")
            .replace("离退休人员管理机构", "行政单位离退休")
            .replace(
                "对机关事业单位基本养老保险基金的补助",
                "机关事业单位基本养老保险缴费支出",
            );
        let read = [
            row("204", "公共安全支出", "300.00"),
            row("20406", "司法", "300.00"),
            row("2040601", "行政运行", "100.00"),
            uncertain("2040604", "基层司法业务", "200.00"),
            row("208", "社会保障和就业支出", "50.00"),
            row("20805", "行政事业单位养老支出", "50.00"),
            row("2080501", "行政单位离退休", "20.00"),
            row("2080505", "机关事业单位基本养老保险缴费支出", "30.00"),
            row("", "合计", "350.00"),
        ];
        assert_eq!(expenditure(&named), read);
        // A name whose code is another than the column's order gives it
        // (一般行政管理事务 is every 款's 02, the column says 04): in doubt.
        let contradicted = named.replace("基层司法业务", "一般行政管理事务");
        let got = expenditure(&contradicted);
        assert!(
            got.contains(&uncertain("2040604", "一般行政管理事务", "200.00")),
            "{got:?}"
        );
    }

    #[test]
    fn a_xiang_column_out_of_row_order_leaves_its_rows_in_doubt() {
        use super::super::FlowRow;
        use crate::grammar::Grammar;
        use crate::model::Code;
        // The 项 column out of row order (`17`, 计划生育服务's, printed
        // last); 离休人员医疗 printed whole, its code beside its name and
        // its amounts after them: it keeps its `01`, and the column's `02`
        // and `17` go to the other 项 rows in order, wrongly. Read by the
        // column's order alone it would be `02`: nothing confirms it.
        let flow_row = |code: Option<&str>, label: &str, tokens: &str| FlowRow {
            code: code.and_then(Code::new),
            label: label.to_string(),
            tokens: tokens.split(' ').map(str::to_string).collect(),
            numbers: tokens
                .split(' ')
                .filter(|t| t.contains('.'))
                .map(str::to_string)
                .collect(),
            ..FlowRow::default()
        };
        let rows = [
            flow_row(
                None,
                "卫生健康支出",
                "卫生健康支出 40.00 40.00 0.00 计划生育事务 10.00 10.00 0.00 \
                 计划生育服务 10.00 10.00 0.00 行政事业单位医疗 30.00 30.00 0.00 \
                 210 210 07 210 07 210 11",
            ),
            flow_row(
                Some("2101101"),
                "离休人员医疗",
                "离休人员医疗 12.00 12.00 0.00",
            ),
            flow_row(None, "", "210 11 02 17 事业单位医疗 18.00 18.00 0.00"),
        ];
        let layout = ["total", "basic", "project"];
        let read = super::read_streams(Grammar::global(), &[], "", &rows, &layout, false)
            .expect("read")
            .rows;
        let got: Vec<(&str, &str, bool)> = read
            .iter()
            .map(|r| {
                (
                    r.code.as_ref().map_or("", |c| c.as_str()),
                    r.label.as_str(),
                    r.xiang_in_doubt,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("210", "卫生健康支出", false),
                ("21007", "计划生育事务", false),
                // The column's order gives it `02`: in doubt.
                ("2100702", "计划生育服务", true),
                ("21011", "行政事业单位医疗", false),
                // Its own 项, printed beside its name: in doubt all the same.
                ("2101101", "离休人员医疗", true),
                ("2101117", "事业单位医疗", true),
            ]
        );
    }

    fn table(text: &str, kind: &str) -> Table {
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        doc.tables.into_iter().find(|t| t.kind == kind).unwrap()
    }

    fn income(text: &str) -> Table {
        table(text, "income")
    }

    /// The rows of the text's 支出预算总表, as [`totals`] gives them.
    fn expenditure(text: &str) -> Vec<(String, String, String, CellStatus)> {
        totals(&table(text, "expenditure"))
    }

    /// Each row's code (blank for none), name, total and the total's status.
    fn totals(table: &Table) -> Vec<(String, String, String, CellStatus)> {
        table
            .rows
            .iter()
            .map(|r| {
                let total = r.values.iter().find(|v| v.measure == "total");
                (
                    r.code.as_ref().map_or("", |c| c.as_str()).to_string(),
                    r.item.clone(),
                    total.map_or(String::new(), |v| v.amount.to_string()),
                    total.map_or(CellStatus::Uncertain, |v| v.status),
                )
            })
            .collect()
    }

    /// A row as [`totals`] gives it, its total `uncertain`.
    fn uncertain(code: &str, name: &str, total: &str) -> (String, String, String, CellStatus) {
        let (code, name, total, _) = row(code, name, total);
        (code, name, total, CellStatus::Uncertain)
    }

    /// A row as [`totals`] gives it, its total `ok`.
    fn row(code: &str, name: &str, total: &str) -> (String, String, String, CellStatus) {
        (
            code.to_string(),
            name.to_string(),
            total.to_string(),
            CellStatus::Ok,
        )
    }

    #[test]
    fn names_amounts_and_codes_out_of_step_are_paired_in_order() {
        assert_eq!(
            totals(&income(OUT_OF_STEP)),
            [
                // (`事业单位`, the header's wrapped word, is no part of it.)
                row("204", "公共安全支出", "300.00"),
                row("20406", "司法", "300.00"),
                row("2040601", "行政运行", "100.00"),
                row("2040604", "基层司法业务", "200.00"),
                row("208", "社会保障和就业支出", "50.00"),
                row("20805", "行政事业单位养老支出", "50.00"),
                row("2080501", "行政单位离退休", "20.00"),
                row("2080505", "机关事业单位基本养老保险缴费支出", "30.00"),
                row("", "合计", "350.00"),
            ]
        );
    }

    #[test]
    fn rows_printing_only_their_filled_cells_are_split_by_their_totals() {
        let amounts = ["82.00", "82.00", "10.00", "4.00", "6.00", "5.00", "5.00"];
        let runs = super::amount_runs(&amounts, 3, 3, 0).unwrap();
        assert_eq!(
            runs,
            [&amounts[0..2], &amounts[2..5], &amounts[5..7]],
            "{runs:?}"
        );
        // No split makes every run's parts its total.
        assert!(super::amount_runs(&amounts[..6], 3, 3, 0).is_none());
        // More parts than the table has columns.
        let wide = ["10.00", "1.00", "2.00", "3.00", "4.00"];
        assert!(super::amount_runs(&wide, 1, 3, 0).is_none());
    }

    #[test]
    fn a_header_word_between_a_name_and_its_amounts_is_no_name() {
        // The first class's code after its and its 款's rows, so both are
        // read among the header's words; a column's heading, `其他收入`,
        // between the class's name and its amounts.
        let text = OUT_OF_STEP
            .replacen("项\n204\n", "", 1)
            .replacen(
                "204\n06\n204\n06\n01\n",
                "项\n204\n204\n06\n204\n06\n01\n",
                1,
            )
            .replacen("其他收入\n公共安全支出\n", "公共安全支出\n其他收入\n", 1);
        let read = totals(&income(&text));
        assert_eq!(read.len(), 9, "{read:?}");
        assert_eq!(read[0].1, "公共安全支出");
    }

    #[test]
    fn an_economic_tables_streams_are_paired_and_its_classes_checked() {
        assert_eq!(
            totals(&table(ECONOMIC, "general_budget_basic")),
            [
                row("301", "工资福利支出", "30.00"),
                row("30101", "基本工资", "10.00"),
                row("30102", "津贴补贴", "20.00"),
                row("302", "商品和服务支出", "5.00"),
                row("30201", "办公费", "5.00"),
                row("", "合计", "35.00"),
            ]
        );
        // Two classes' names exchanged: each goes to its class's row, and
        // the rows of the blocks they crossed, which the dump may have
        // scrambled too, are in doubt.
        let swapped = ECONOMIC
            .replacen("工资福利支出", "X", 1)
            .replacen("商品和服务支出", "工资福利支出", 1)
            .replacen("X", "商品和服务支出", 1);
        let read = totals(&table(&swapped, "general_budget_basic"));
        assert_eq!(
            read,
            [
                row("301", "工资福利支出", "30.00"),
                // (Printed beside its code: confirmed.)
                row("30101", "基本工资", "10.00"),
                uncertain("30102", "津贴补贴", "20.00"),
                row("302", "商品和服务支出", "5.00"),
                row("30201", "办公费", "5.00"),
                row("", "合计", "35.00"),
            ]
        );
        // A class's name twice (one a 款's): not paired again.
        let twice = swapped.replacen("基本工资", "工资福利支出", 1);
        let read = totals(&table(&twice, "general_budget_basic"));
        assert!(!read.iter().any(|r| r.0 == "302"), "{read:?}");
    }

    #[test]
    fn streams_that_do_not_add_up_or_count_out_are_not_paired() {
        // A 款 that is not the sum of its 项 (a leaf's amount changed); a
        // name missing; a
        // class's name on its 款's row and the 款's on the class's: either
        // way the rows are left as read before, the rows without codes run
        // into the coded row before them.
        let unequal = OUT_OF_STEP.replacen("20.00\n20.00\n", "21.00\n21.00\n", 1);
        let unnamed = OUT_OF_STEP.replacen("行政事业单位养老支出\n", "", 1);
        let exchanged = OUT_OF_STEP
            .replacen("社会保障和就业支出", "X", 1)
            .replacen("行政事业单位养老支出", "社会保障和就业支出", 1)
            .replacen("X", "行政事业单位养老支出", 1);
        for text in [unequal, unnamed, exchanged] {
            let table = income(&text);
            assert!(
                !table.rows.iter().any(|r| r.item == "社会保障和就业支出"),
                "{:?}",
                totals(&table)
            );
        }
    }
    #[test]
    fn a_column_that_does_not_add_up_where_the_totals_do_is_read_in_doubt() {
        // A leaf's 财政拨款收入 printed under 事业收入 (司法局 2026 prints
        // 行政运行's 项目支出 as its 款's): every total still adds up, so
        // the runs are paired as printed, every amount uncertain.
        let moved = OUT_OF_STEP.replacen(
            "20.00\n20.00\n0.00\n0.00\n0.00\n",
            "20.00\n0.00\n20.00\n0.00\n0.00\n",
            1,
        );
        let table = income(&moved);
        assert_eq!(
            totals(&table)[6],
            uncertain("2080501", "行政单位离退休", "20.00")
        );
        let leaf = table.rows.iter().find(|r| r.item == "行政单位离退休");
        let business = leaf.and_then(|r| r.values.iter().find(|v| v.measure == "business_income"));
        assert_eq!(
            business.map(|v| v.amount.to_string()),
            Some("20.00".to_string())
        );
        assert!(table
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .all(|v| v.status == CellStatus::Uncertain));
        assert!(table
            .issues
            .iter()
            .any(|i| i.contains("totals' sums alone confirm")));
    }

    /// A Shanghai 支出预算总表 as pdftotext's flow prints it (万里街道 2023,
    /// cut down): the first rows' names and amounts, then their codes'
    /// levels as columns, then rows printed whole (`208` / `05` / `01` /
    /// `离退休人员管理机构` / amounts), and the 项 of the row printed without
    /// one (`06`, 社会组织管理's) after them. (Its 项 names are ones whose
    /// code the classification does not fix.)
    const WHOLE_AMONG_COLUMNS: &str = "\
2023年部门支出预算总表
编制部门：上海市普陀区某街道办事处
单位：元
项目
功能分类科目编码
类
款
功能分类科目名称
支出预算
合计
基本支出
项目支出
项
社会保障和就业支出
60.00
50.00
10.00
民政管理事务
10.00
0.00
10.00
社会组织管理
10.00
0.00
10.00
行政事业单位养老支出
50.00
50.00
0.00
208
208
02
208
02
208
05
208
05
01
离退休人员管理机构
20.00
20.00
0.00
208
05
05
对机关事业单位基本养老保险基金的补助
30.00
30.00
0.00
06
60.00
50.00
10.00
";

    #[test]
    fn a_xiang_row_printed_whole_among_codes_printed_as_columns_keeps_its_own_xiang() {
        // Read as a column in row order, `01` would be 社会组织管理's 项 and
        // no split would fit; a row printed whole keeps its 项, and the
        // column's 项 go to the others in order. The row reader can set a
        // neighbour's 项 beside a name, and the column's order confirms
        // none of them here: every 项 row is in doubt.
        let read = [
            row("208", "社会保障和就业支出", "60.00"),
            row("20802", "民政管理事务", "10.00"),
            uncertain("2080206", "社会组织管理", "10.00"),
            row("20805", "行政事业单位养老支出", "50.00"),
            uncertain("2080501", "离退休人员管理机构", "20.00"),
            uncertain("2080505", "对机关事业单位基本养老保险基金的补助", "30.00"),
            row("", "合计", "60.00"),
        ];
        assert_eq!(expenditure(WHOLE_AMONG_COLUMNS), read);
        // A neighbour's 项 beside a name (万里街道 2023's 收入预算总表 sets
        // `208` / `05` / `06` beside 对机关事业单位基本养老保险基金的补助): read,
        // in doubt.
        let foreign = WHOLE_AMONG_COLUMNS
            .replacen("05\n对机关", "06\n对机关", 1)
            .replacen("0.00\n06\n", "0.00\n05\n", 1);
        let got = expenditure(&foreign);
        let issues = table(&foreign, "expenditure").issues;
        assert!(
            issues
                .iter()
                .any(|i| i.contains("2080506's 项 was read beside its name")),
            "{issues:?}"
        );
        assert_eq!(
            got[5],
            uncertain("2080506", "对机关事业单位基本养老保险基金的补助", "30.00")
        );
        // A whole code's levels printed out of order (`05` / `208` / `01`):
        // no split keeps it, and the column's order alone reads the table.
        let garbled = WHOLE_AMONG_COLUMNS.replacen("208\n05\n01\n", "05\n208\n01\n", 1);
        let got = expenditure(&garbled);
        assert!(
            got.iter()
                .all(|r| r.3 != CellStatus::Ok || read.contains(r)),
            "{got:?}"
        );
    }
}
