//! A flow dump's “三公” table, row-wise (each category's label, then its
//! amounts) or transposed (the categories named in the header, then one
//! row of amounts).

use crate::grammar::{Grammar, HeaderMeaning, TableKind};
use crate::model::{Cell, CellStatus, Provenance, Row, Table};
use crate::normalize;
use crate::solve::table::{settle_families, Resolution, SolveRow};
use crate::solve::Reading;

use super::super::table::{self, Draft};
use super::{
    choose_layout, column_numbering, column_ranks, is_number_fragment, printed_layout, row_rules,
    solve_row, total_required, values,
};

/// A label of a flow “三公” table and the amounts after it: a line of
/// words, and the lines of amounts only that follow it.
#[derive(Debug)]
struct CategoryLine {
    /// The words as printed (a header line's cells).
    words: Vec<String>,
    /// The words run together: a category's label.
    label: String,
    numbers: Vec<(Provenance, String)>,
    at: Provenance,
}

/// The lines of a flow “三公” table, each line of amounts only joined to
/// the line of words above it, a category's wrapped label
/// (`公务用车购置及运行费` / `（小计）`, `2023年机关运行经` / `费预算数`) to
/// its start.
fn category_lines(g: &Grammar, lines: &[(Provenance, String)]) -> Vec<CategoryLine> {
    let numbering = column_numbering(lines);
    let mut out: Vec<CategoryLine> = Vec::new();
    for ((at, line), numbering) in lines.iter().zip(numbering) {
        if numbering {
            continue;
        }
        // The narrative after the table (`“三公”经费预算数为22.91万元，…`).
        if normalize::is_prose(line) {
            if out.iter().any(|l| !l.numbers.is_empty()) {
                break;
            }
            continue;
        }
        let (numbers, words): (Vec<&str>, Vec<&str>) =
            line.split_whitespace().partition(|t| is_number_fragment(t));
        let numbers = numbers.into_iter().map(|n| (*at, n.to_string()));
        let label = words.concat();
        match out.last_mut() {
            _ if words.is_empty() && numbers.len() == 0 => {}
            Some(last) if words.is_empty() => last.numbers.extend(numbers),
            Some(last)
                if last.numbers.is_empty()
                    && g.three_public_heading(&label).is_none()
                    && g.three_public_heading(&format!("{}{label}", last.label))
                        .is_some() =>
            {
                last.label.push_str(&label);
                last.words.extend(words.iter().map(|w| w.to_string()));
                last.numbers.extend(numbers);
            }
            _ => out.push(CategoryLine {
                words: words.iter().map(|w| w.to_string()).collect(),
                label,
                numbers: numbers.collect(),
                at: *at,
            }),
        }
    }
    out
}

/// A flow “三公” table. Printed one row per category, each label followed
/// by its amounts (blank cells vanished), it is solved like a coded table,
/// the category sums (合计 = 因公出国(境)费 + 公务接待费 + 公务用车购置及运行费;
/// the vehicles = 购置费 + 运行费) in the place of the codes' parents.
/// Transposed (the header names the categories, then one row of amounts),
/// the sums order the amounts ([`crate::recognise::table`]'s “三公” reading).
pub(super) fn three_public(g: &Grammar, draft: &Draft, table: &mut Table) {
    let lines = category_lines(g, &draft.lines);
    let category_rows = lines
        .iter()
        .filter(|l| !l.numbers.is_empty() && g.three_public_category(&l.label).is_some())
        .count();
    if category_rows >= 2 && !header_names_categories(g, &lines) {
        three_public_rows(g, draft.kind, &lines, table);
        return;
    }
    // The row of amounts: the lines of amounts after the header. Words
    // after them are no longer the table's, unless they name a category
    // the header has not: its last cells printed among the amounts
    // (pdftotext without `-layout`: `公务用车购置费` / `62,443.34` /
    // `公务用车运行费` / `62,443.34`).
    let Some(first) = lines.iter().position(|l| !l.numbers.is_empty()) else {
        return;
    };
    let mut header_categories: Vec<&str> = lines[..=first]
        .iter()
        .flat_map(|l| header_cells(g, &l.words))
        .filter_map(|w| g.three_public_heading(&w))
        .collect();
    let mut last = first;
    for line in &lines[first + 1..] {
        match g.three_public_heading(&line.label) {
            Some(c) if !header_categories.contains(&c) => header_categories.push(c),
            _ => break,
        }
        last += 1;
    }
    let lines = &lines[..=last];
    let amounts: Vec<Cell> = lines[first..]
        .iter()
        .flat_map(|l| &l.numbers)
        .map(|(at, n)| Cell::new(n.as_str(), *at))
        .collect();
    // A line naming one category is one cell (`因公出国 (境) 费`, a cell a
    // line); any other line's words are its cells (`合计 因公出国（境）费
    // 公务用车购置及运行费 公务接待费`).
    let header: Vec<Vec<Cell>> = lines
        .iter()
        .filter(|l| !l.words.is_empty())
        .map(|l| match g.three_public_heading(&l.label) {
            Some(_) => vec![Cell::new(l.label.as_str(), l.at)],
            None => header_cells(g, &l.words)
                .into_iter()
                .map(|w| Cell::new(w, l.at))
                .collect(),
        })
        .collect();
    let named = header
        .iter()
        .flatten()
        .filter(|c| g.three_public_heading(&c.text).is_some())
        .count();
    if named < 2 {
        // No header of categories: not a “三公” table's amounts (a
        // contents entry's title before prose, `下属 5 家预算单位`).
        table
            .issues
            .push("flow layout: “三公” table not reconstructed (no categories named)".into());
        return;
    }
    let header: Vec<&[Cell]> = header.iter().map(Vec::as_slice).collect();
    table::three_public(
        g,
        draft.kind,
        &header,
        &draft.headings,
        &[amounts],
        true,
        table,
    );
}

/// Whether the lines before the first amounts name two categories besides
/// 合计 on lines of their own, and no fund: a transposed table's header
/// (categories as columns), its amounts printed among its last cells. A
/// row-wise table's header names the funds (一般公共预算, 政府性基金) or
/// nothing, its categories come after it, and its total row (`“三公”经费合计
/// 5.00`) ends the header.
fn header_names_categories(g: &Grammar, lines: &[CategoryLine]) -> bool {
    let header = lines.iter().take_while(|l| l.numbers.is_empty());
    let names_fund = header.clone().any(|l| {
        header_cells(g, &l.words)
            .iter()
            .any(|w| matches!(g.header(w), HeaderMeaning::Measure(m) if m != "total"))
    });
    let mut categories: Vec<&str> = header
        .filter_map(|l| g.three_public_heading(&l.label))
        .filter(|c| *c != "合计")
        .collect();
    categories.sort_unstable();
    categories.dedup();
    categories.len() >= 2 && !names_fund
}

/// A header line's words as cells, the words of a category printed with
/// spaces in it (`因公出国 (境) 费`, `公务用车购 置费`) joined.
fn header_cells(g: &Grammar, words: &[String]) -> Vec<String> {
    /// A category's name spans at most this many words.
    const MOST_WORDS: usize = 4;
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let end = (i + 2..=(i + MOST_WORDS).min(words.len()))
            .rev()
            .find(|&end| g.three_public_heading(&words[i..end].concat()).is_some())
            .unwrap_or(i + 1);
        out.push(words[i..end].concat());
        i = end;
    }
    out
}

/// A row-wise flow “三公” table: each category's amounts placed in the
/// layout's columns by its row sum (合计 = the funds) and the category sums.
fn three_public_rows(g: &Grammar, kind: &TableKind, lines: &[CategoryLine], table: &mut Table) {
    let first_row = lines
        .iter()
        .position(|l| !l.numbers.is_empty() && g.three_public_category(&l.label).is_some())
        .unwrap_or(lines.len());
    let header: String = lines[..first_row]
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    let widest = lines[first_row..].iter().map(|l| l.numbers.len()).max();
    let named = g.measures_named(&header);
    let layout = printed_layout(g, kind, &header, &named, widest)
        .unwrap_or_else(|| choose_layout(g, &kind.layouts, &header, widest).to_vec());
    if layout.is_empty() {
        return;
    }
    table.columns = layout.clone();
    let body = &lines[first_row..];
    let items: Vec<String> = body
        .iter()
        .map(|l| {
            g.three_public_category(&l.label)
                .map_or_else(|| normalize::label(&l.label).into_owned(), str::to_string)
        })
        .collect();
    let rules = row_rules(g, kind.key, None, |m| layout.iter().position(|x| x == m));
    let required = total_required(&layout);
    let mut fallbacks = Vec::new();
    let solve_rows: Vec<SolveRow> = body
        .iter()
        .zip(&items)
        .map(|(l, item)| {
            let numbers: Vec<String> = l.numbers.iter().map(|(_, n)| n.clone()).collect();
            let (mut found, fallback) = solve_row(&numbers, layout.len(), &rules, &required);
            if numbers.is_empty() {
                // A category printed without amounts: every cell blank.
                found.push(Reading {
                    values: vec![None; layout.len()],
                    doubtful: false,
                });
            }
            fallbacks.push(fallback);
            SolveRow {
                code: None,
                is_total: item == "合计",
                readings: found,
            }
        })
        .collect();
    // Each category sum's total row, and the rows of its parts.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); body.len()];
    for sum in g.identities.item_sums_of(kind.key) {
        if let Some(total) = items.iter().position(|i| *i == sum.total) {
            kids[total] = (0..items.len())
                .filter(|&j| j != total && sum.parts.contains(&items[j]))
                .collect();
        }
    }
    let prior = column_ranks(kind, &layout);
    let settled = settle_families(&solve_rows, &kids, &[], &prior, &rules);
    // A row named like a column (`政府性基金`): the header's words among the
    // rows, its columns not what the layout says. (pdftotext without
    // `-layout` prints such a table column by column.)
    let header_in_body = items.iter().any(|i| {
        g.three_public_category(i).is_none() && matches!(g.header(i), HeaderMeaning::Measure(_))
    });
    if header_in_body {
        table.issues.push(
            "flow layout: “三公” header words among its rows: its columns are uncertain".into(),
        );
    }
    let mut unsettled = 0;
    for (((line, item), settled), fallback) in body.iter().zip(items).zip(settled).zip(fallbacks) {
        if line.numbers.is_empty() {
            continue;
        }
        if settled.resolution != Resolution::Unique {
            unsettled += 1;
        }
        let mut values = settled
            .reading
            .as_ref()
            .or(fallback.as_ref())
            .map(|r| values(&settled, r, &layout, line.at))
            .unwrap_or_default();
        if values.is_empty() {
            continue;
        }
        // Only the categories' rows are known to be rows (no other label
        // is checked by a sum).
        if header_in_body || g.three_public_category(&item).is_none() {
            for v in &mut values {
                v.status = CellStatus::Uncertain;
            }
        }
        table.rows.push(Row::category(item, values, line.at));
    }
    if unsettled > 0 {
        table.issues.push(format!(
            "flow layout: {unsettled} rows could not be placed with certainty"
        ));
    }
}
