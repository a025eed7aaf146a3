//! Two-sided tables (收支总表, 财政拨款收支总表): income and expenditure
//! side by side, each row `label amounts… label amounts…`.

use std::borrow::Cow;

use crate::grammar::{Grammar, HeaderMeaning, Measure, TableKind};
use crate::model::{Cell, CellStatus, Code, Row, Section, Sides, Table};
use crate::normalize;

use super::super::columns::{self, Columns};
use super::super::flow::runs_labels_together;
use super::codes::split_code_prefix_raw;
use super::{
    is_amount, label_floor, place_misfits, realign_two_sided, split_merged_amounts, text,
    usual_length, values, Alignment, Layout, Reading,
};

/// Income and expenditure side by side: `label amounts… label amounts…`.
pub(super) fn two_sided(
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
    let body = &rejoin_wrapped_side_labels(g, body, split);
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
        // Or ends with that code, run into it (`22212 城乡社区支出` for
        // `22 | 212 城乡社区支出`: `pdftotext -fixed`).
        let exp_class = cells
            .get(split)
            .and_then(|c| g.class_code(&c.text))
            .filter(|code| {
                // `22 212`: a space may part a number's digits.
                let income: String = text(cells, 1).split_whitespace().collect();
                income == *code
                    || (income.len() > code.len()
                        && income.ends_with(code)
                        && income.bytes().all(|b| b.is_ascii_digit()))
            });
        // A label that runs two rows' labels together (an aligned dump
        // joining `单位上年结余(…)` to the `收入总计` below it): its amount is
        // either row's.
        let run_together = runs_labels_together(g, &normalize::label(text(cells, 0)));
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
        let (mut code, item) = split_code_prefix_raw(g, text(cells, split));
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

/// A side's label wrapped onto a line of its own, no amount on it
/// (`二、社会保障和 | 162.77` over `| | 就业支出`, or the label's start
/// over its row, `二、社会保障和` over `就业支出 | 162.77`): joined to the row beside it
/// whose label it completes into a name the grammar knows, neither part
/// one. A line that completes no name, or either row's, stays apart: items
/// printed with no amount are common (`单位上年结余` with its cell blank);
/// a neighbour naming nothing known is then in doubt (`label_in_doubt`).
fn rejoin_wrapped_side_labels(g: &Grammar, body: &[Vec<Cell>], split: usize) -> Vec<Vec<Cell>> {
    let mut rows = body.to_vec();
    let blank = |c: &Cell| normalize::is_blank(&c.text);
    let label_of = |c: &Cell| normalize::label(&c.text).into_owned();
    let known = |label: &str| {
        let bare = normalize::strip_ordinal(label);
        g.class_code(label).is_some()
            || crate::model::is_total_label(bare)
            || matches!(g.header(bare), HeaderMeaning::Measure(_))
            || g.item_names_in(bare) > 0
    };
    // A label's start: an ordinal, a code, `其中`.
    let opens = |label: &str| {
        normalize::strip_ordinal(label).len() != label.len()
            || label.starts_with(|c: char| c.is_ascii_digit())
            || label.starts_with("其中")
    };
    for (label_at, amounts) in [(0, 1..split), (split, split + 1..usize::MAX)] {
        // A row printing its label and an amount on this side.
        let labelled = |r: &[Cell]| {
            r.get(label_at).is_some_and(|c| !blank(c) && !is_amount(c))
                && r.iter()
                    .enumerate()
                    .any(|(i, c)| amounts.contains(&i) && is_amount(c))
        };
        for i in 0..rows.len() {
            let row = &rows[i];
            let this_side = |(k, c): (usize, &Cell)| amounts.contains(&k) && is_amount(c);
            let piece = match row.get(label_at) {
                Some(c) if !blank(c) && !is_amount(c) && !row.iter().enumerate().any(this_side) => {
                    label_of(c)
                }
                _ => continue,
            };
            let above = i.checked_sub(1).filter(|&a| labelled(&rows[a]));
            let below = Some(i + 1).filter(|&b| rows.get(b).is_some_and(|r| labelled(r)));
            let label = |r: usize| label_of(&rows[r][label_at]);
            let completes = |start: &str, end: &str| {
                !known(start) && !known(end) && known(&format!("{start}{end}"))
            };
            let ends_above = above.filter(|&a| !opens(&piece) && completes(&label(a), &piece));
            let starts_below = below.filter(|&b| !opens(&label(b)) && completes(&piece, &label(b)));
            match (ends_above, starts_below) {
                (Some(a), None) => {
                    rows[a][label_at].text = label(a) + &piece;
                    rows[i][label_at].text.clear();
                }
                (None, Some(b)) => {
                    rows[b][label_at].text = piece + &label(b);
                    rows[i][label_at].text.clear();
                }
                // Not joined: a neighbour whose label names nothing known
                // may be the piece's other part (`208 社会保障和` over
                // `就业支出 | 933.34`, `一、本年 | 1,010.70` over `年收入`),
                // its amounts filed under half a name.
                // (A row printing its other side is a row of its own, its
                // amount left blank.)
                _ if rows[i]
                    .iter()
                    .enumerate()
                    .any(|(k, c)| k != label_at && !blank(c)) => {}
                _ => {
                    let unknown: Vec<usize> = [above, below]
                        .into_iter()
                        .flatten()
                        .filter(|&r| {
                            let label = label(r);
                            !known(&label) && !super::codes::starts_with_code(&label)
                        })
                        .collect();
                    for r in unknown {
                        rows[r][label_at].label_in_doubt = true;
                    }
                }
            }
        }
    }
    rows
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
