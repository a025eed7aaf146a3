//! A flow dump's two-sided tables (收支总表, 财政拨款收支总表): income and
//! expenditure labels and amounts printed in one stream, told apart by
//! their labels, the header's measures and the rows' numbers.

use crate::amount::Amount;
use crate::grammar::{Grammar, HeaderMeaning, Measure, TableKind};
use crate::model::{CellStatus, Code, Placement, Provenance, Row, Section, Sides, Table, Value};
use crate::normalize;
use crate::solve::table::{settle, Resolution, SolveRow};
use crate::solve::{readings, Reading};

use super::super::{columns, row_numbers};
use super::{
    close_cjk_spaces_between_items, is_number_fragment, row_rules, sides, solve_row, stated_by,
    values, FlowRow,
};

/// Where the expenditure side of a two-sided row starts: at a class code
/// or name, or a 支出总计; else at the first label after the income
/// label's amount (`年初结转和结余 63.18 年末结转和结余`), or at a label
/// opening an item right after another label.
fn split_two_sided(g: &Grammar, tokens: &[String]) -> Option<usize> {
    let named = tokens.iter().enumerate().position(|(i, t)| {
        let class = t.len() == 3
            && g.class_names_by_code(t)
            && tokens.get(i + 1).is_some_and(|n| !is_number_fragment(n));
        let glued = t.len() > 3
            && t.is_char_boundary(3)
            && g.class_names_by_code(&t[..3])
            && !is_number_fragment(t);
        // A total or an item only the expenditure side prints.
        let total =
            normalize::names_expenditure_side_line(normalize::strip_ordinal(&normalize::label(t)));
        class || glued || total || g.class_code(t).is_some()
    });
    named
        .or_else(|| {
            // The label must open an item: a wrapped label's tail after
            // the amount (`其他收入 137.00 与传媒支出`) splits nothing.
            let first_amount = tokens.iter().position(|t| is_number_fragment(t))?;
            (first_amount > 0)
                .then(|| (first_amount..tokens.len()).find(|&i| !is_number_fragment(&tokens[i])))
                .flatten()
                .filter(|&i| opens_item(&normalize::label(&tokens[i])))
        })
        .or_else(|| {
            // Two labels in a row, the second opening an item (`年初结转和结余
            // 年末结转和结余 185.27`): the income side printed no amount.
            (1..tokens.len()).find(|&i| {
                let t = normalize::label(&tokens[i]);
                !is_number_fragment(&tokens[i - 1])
                    && !is_number_fragment(&t)
                    && normalize::opens_item(&t)
            })
        })
}

/// Lines of a two-sided table grouped into logical rows: a line with text
/// starts one, a line of number fragments only continues the previous one
/// (a wrapped amount). In a table that numbers its rows, amounts at the
/// head of a line go to a row above that has no amount yet.
fn logical_rows(lines: &[(Provenance, String)], numbered: bool) -> Vec<(Provenance, Vec<String>)> {
    let mut out: Vec<(Provenance, Vec<String>)> = Vec::new();
    for (at, raw) in lines {
        let line = close_cjk_spaces_between_items(raw.trim());
        if line.is_empty() {
            continue;
        }
        let mut tokens: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        join_leading_ordinal(&mut tokens);
        let numbers_only = tokens.iter().all(|t| is_number_fragment(t));
        match out.last_mut() {
            Some((_, prev)) if numbers_only => prev.extend(tokens),
            Some((_, prev)) if numbered && has_no_amount_yet(prev) => {
                // The row above printed its label and row number, its
                // amount went to the head of this line, before the
                // expenditure side's label (PyMuPDF: `一、一般公共预算财政拨款
                // 收入` / `1` / `9051060.22 一、社会保障和就业支出`).
                // A dash there is its blank amount (`2` / `- 二、卫生健康支出`).
                let lead = tokens
                    .iter()
                    .take_while(|t| is_number_fragment(t) || normalize::is_dash(t))
                    .count();
                if tokens[..lead]
                    .iter()
                    .any(|t| is_amount_like(t) || normalize::is_dash(t))
                {
                    prev.extend(tokens.drain(..lead));
                }
                if !tokens.is_empty() {
                    out.push((*at, tokens));
                }
            }
            _ => out.push((*at, tokens)),
        }
    }
    out
}

/// Joins a line's leading list ordinal set apart from its label (`1.
/// 一般公共预算` in a `pdftotext -raw` dump) to the label, so that the
/// ordinal is not read as the first piece of the row's amount.
fn join_leading_ordinal(tokens: &mut Vec<String>) {
    let is_ordinal = |t: &str| {
        t.strip_suffix('.')
            .is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let opens_label = |t: &str| t.chars().next().is_some_and(|c| !c.is_ascii());
    if tokens.len() >= 2 && is_ordinal(&tokens[0]) && opens_label(&tokens[1]) {
        let label = tokens.remove(1);
        tokens[0].push_str(&label);
    }
}

/// A logical row with a label and bare whole numbers only (its row
/// number): no amount, not even a dash for zero.
fn has_no_amount_yet(tokens: &[String]) -> bool {
    tokens.iter().any(|t| !is_number_fragment(t))
        && !tokens
            .iter()
            .any(|t| is_amount_like(t) || normalize::is_dash(t))
}

/// A number fragment no row number looks like: with a decimal point or a
/// thousands separator, or a whole number of four digits or more (the
/// templates number fewer than a thousand rows).
fn is_amount_like(token: &str) -> bool {
    is_number_fragment(token) && (token.contains(['.', ',']) || token.len() >= 4)
}

/// True when a two-sided table numbers its rows (`项目 | 行次 | 金额`, the
/// national final-account template).
fn numbers_its_rows(lines: &[(Provenance, String)]) -> bool {
    lines
        .iter()
        .any(|(_, l)| l.split_whitespace().any(|t| normalize::label(t) == "行次"))
}

/// A summary label that opens an item ([`normalize::opens_item`]), or a
/// total (`本年收入合计`).
fn opens_item(label: &str) -> bool {
    normalize::opens_item(label) || label.ends_with("合计") || label.ends_with("总计")
}

/// Label lines of a two-sided table with no amount yet, run together.
#[derive(Default)]
struct PendingLabel {
    text: String,
    /// How many of the lines open an item (`二、事业收入`, `三、…`).
    items: usize,
    /// Whether the first line does.
    first_opens: bool,
}

impl PendingLabel {
    fn push(&mut self, line: &str) {
        let opens = opens_item(line);
        if self.text.is_empty() {
            self.first_opens = opens;
        }
        self.items += usize::from(opens);
        self.text.push_str(line);
    }

    /// An item after another, or after a line that opens none: rows of
    /// their own, not one label.
    fn runs_items_together(&self) -> bool {
        self.items >= 2 || self.items == 1 && !self.first_opens
    }
}

/// An income label that runs several labels together, as a dump printing
/// a column's cells one after another gives them (`政府性基金预算国有资本经营
/// 预算`): two item names, an item and a heading (`…预算数`, `合计一般公共预算…`,
/// `预算数其中:…`), or an item before a total (`单位上年结余(…)收入总计`).
pub(in crate::recognise) fn runs_labels_together(g: &Grammar, label: &str) -> bool {
    let items = g.item_names_in(label);
    let heading_inside = ["预算数", "决算数"]
        .iter()
        .any(|h| label.contains(h) && label != *h);
    let total_first = ["合计", "小计", "总计"]
        .iter()
        .any(|t| label.starts_with(t) && label != *t);
    let total_last = items > 0 && (label.ends_with("合计") || label.ends_with("总计"));
    let such_as_inside = label.find("其中").is_some_and(|at| at > 0);
    items >= 2 || heading_inside || total_first || total_last || such_as_inside
}

/// Makes uncertain an income row whose label may have lost its tail.
fn doubt_income_row(row: Option<&mut Row>) {
    for v in row.into_iter().flat_map(|r| &mut r.values) {
        v.status = CellStatus::Uncertain;
    }
}

/// Whether a line of a two-sided table opens an item: its income label
/// does, or, with nothing on the income side, its expenditure label does
/// (`10 十、自然资源海洋气象等支出 35 0.00`).
fn side_labels_open(income: &[String], expenditure: &[String], income_numbers: &[&String]) -> bool {
    let label = |side: &[String]| -> String {
        side.iter()
            .take_while(|t| !is_number_fragment(t))
            .map(|t| normalize::label(t))
            .collect()
    };
    let income_label = label(income);
    if !income_label.is_empty() || !income_numbers.is_empty() {
        return opens_item(&income_label);
    }
    opens_item(&label(expenditure))
}

/// Puts a label tail wrapped below its row back on that row: on the
/// expenditure side when it completes a 类 name there, else on the income
/// side; dropped when the row above printed no amount.
fn attach_tail(
    g: &Grammar,
    tail: &str,
    (income, expenditure): (Option<usize>, Option<usize>),
    income_rows: &mut [Row],
    exp_rows: &mut [(FlowRow, Vec<Reading>)],
) {
    if completes_class(g, tail, expenditure.and_then(|i| exp_rows.get_mut(i))) {
        return;
    }
    let row = income.and_then(|i| income_rows.get_mut(i));
    if tail.contains("支出") {
        // Both sides' tails run together (`财政拨款收入 支出`): which part
        // is the income label's the line does not show.
        doubt_income_row(row);
    } else if let Some(row) = row {
        row.item.push_str(tail);
    }
}

/// Puts `tail` on an expenditure row without a code when the two make a
/// 类 name (`六、文化旅游体育与` + `传媒支出`).
fn completes_class(g: &Grammar, tail: &str, row: Option<&mut (FlowRow, Vec<Reading>)>) -> bool {
    let Some((row, _)) = row.filter(|(r, _)| r.code.is_none()) else {
        return false;
    };
    let joined = format!("{}{tail}", row.label);
    let Some(code) = g.class_code(&joined).and_then(Code::new) else {
        return false;
    };
    row.label = joined;
    row.code = Some(code);
    row.is_total = false;
    true
}

/// A row of a table that numbers its rows, its row numbers taken out.
struct NumberedRow {
    tokens: Vec<String>,
    /// Each row number and the index in `tokens` it stood before.
    numbers: Vec<(usize, u32)>,
}

/// The column-number line of a table that numbers its columns (`栏次 1
/// 栏次 2`): no row.
fn lists_column_numbers(tokens: &[String]) -> bool {
    tokens
        .first()
        .is_some_and(|t| normalize::label(t) == "栏次")
        || columns::lists_column_numbers(tokens.iter().map(String::as_str))
}

impl NumberedRow {
    /// A row's tokens without its row numbers ([`super::super::row_numbers`]).
    fn read(tokens: Vec<String>) -> NumberedRow {
        let flags = row_numbers(&tokens);
        let mut kept = Vec::with_capacity(tokens.len());
        let mut numbers = Vec::new();
        for (t, is_number) in tokens.into_iter().zip(flags) {
            match is_number.then(|| t.parse::<u32>().ok()).flatten() {
                Some(n) => numbers.push((kept.len(), n)),
                None => kept.push(t),
            }
        }
        NumberedRow {
            tokens: kept,
            numbers,
        }
    }

    /// Takes out a bare integer closing a row that numbered only its
    /// income side, right after the income amount, when it is the number
    /// the expenditure side is due (`一般公共预算财政拨款 8 15 28` after
    /// expenditure row 27): the empty expenditure side's row number, not
    /// the income amount's second half.
    fn take_next_number(&mut self, due: u32) {
        let [(_, _)] = self.numbers.as_slice() else {
            return;
        };
        let n = self.tokens.len();
        if n >= 2
            && self.tokens[n - 1].parse::<u32>() == Ok(due)
            && is_number_fragment(&self.tokens[n - 2])
        {
            self.tokens.pop();
            self.numbers.push((n - 1, due));
        }
    }

    /// Where the expenditure side starts: at the first label after the
    /// first row number (`一、… 1 500.00 | 一、… 32 …`, `9 | 九、…`), or
    /// at once when the row's number leaps past the income side's last
    /// (`年末结转和结余 44 10.00` after income row 13; the template numbers
    /// the expenditure side from past the income side's end). A few numbers
    /// may have been lost to the row before (a number alone on its line
    /// joins it), and a label naming an income is the income side's.
    fn split(&self, last_income: Option<u32>) -> Option<usize> {
        const LEAP: u32 = 5;
        let &(at, n) = self.numbers.first()?;
        // A dash after the number is the income side's blank amount (`2 -
        // 二、卫生健康支出`), no piece of the expenditure label.
        let amount = |t: &String| is_number_fragment(t) || normalize::is_dash(t);
        if let Some(label) = (at..self.tokens.len()).find(|&i| !amount(&self.tokens[i])) {
            return Some(label);
        }
        let income_label = self.tokens.iter().any(|t| t.contains("收入"));
        (!income_label && last_income.is_some_and(|l| n >= l + LEAP)).then_some(0)
    }
}

pub(super) fn two_sided(
    g: &Grammar,
    kind: &TableKind,
    lines: &[(Provenance, String)],
    final_account: bool,
    table: &mut Table,
) {
    // The widest layout, of those that need no header naming them and
    // those the header names wholly (its words read only for those).
    let header_names = if kind.named_expenditure_layouts > 0 {
        header_measures(g, lines)
    } else {
        Vec::new()
    };
    let by_default = kind.expenditure_layouts.len() - kind.named_expenditure_layouts;
    let mut exp_layout: Vec<Measure> = kind
        .expenditure_layouts
        .iter()
        .enumerate()
        .filter(|(i, l)| *i < by_default || l.iter().all(|m| header_names.contains(m)))
        .map(|(_, l)| l)
        .max_by_key(|l| l.len())
        .cloned()
        .unwrap_or_default();
    let mut income_measure: Measure = kind
        .layouts
        .first()
        .and_then(|l| l.first().copied())
        .unwrap_or("budget");
    if exp_layout.is_empty() {
        return;
    }
    // A header naming the one measure of both sides (决算数 in final
    // accounts) names it, as it does in a tabbed table.
    // Without one, a final account's are its outturn.
    let named = header_measure(g, lines).or(final_account.then_some("final"));
    if let Some(named) = named {
        income_measure = named;
        if exp_layout.len() == 1 {
            exp_layout = vec![named];
        }
    }
    let numbered = numbers_its_rows(lines);
    let issues_before = table.issues.len();
    table.columns = std::iter::once(income_measure)
        .chain(exp_layout.iter().copied())
        .collect();
    table.columns.dedup();
    table.sides = Some(Sides {
        income: vec![income_measure],
        expenditure: exp_layout.clone(),
    });
    let rules = row_rules(g, kind.key, Some(Section::Expenditure), |m| {
        exp_layout.iter().position(|x| x == m)
    });
    let required: Vec<usize> = vec![0];
    let mut pending = PendingLabel::default();
    // An expenditure label printed on a line of its own with the income
    // side's row number, before its own number and amounts.
    let mut exp_head = String::new();
    // The same, from a line whose income side printed its number and amount.
    let mut next_head = String::new();
    let mut income_rows: Vec<Row> = Vec::new();
    let mut unpaired_income = 0usize;
    // Income items printed without an amount (`八、其他收入` alone), once
    // the rows have begun.
    let mut blank_income_items = 0usize;
    let mut exp_rows: Vec<(FlowRow, Vec<Reading>)> = Vec::new();
    let mut started = false;
    let mut last_income: Option<u32> = None;
    let mut last_expenditure: Option<u32> = None;
    // The income and expenditure rows the previous line made, for a label
    // tail wrapped below it.
    let mut previous: (Option<usize>, Option<usize>) = (None, None);
    for (at, tokens) in logical_rows(lines, numbered) {
        // The column numbers end the header: a label without amounts after
        // them is the first row's, wrapped.
        if lists_column_numbers(&tokens) {
            started = true;
            continue;
        }
        // A second 总计 (each cell a line of its own): the income side has
        // printed its own, this one is the expenditure side's.
        let second_total = |tokens: &[String]| {
            let label: String = tokens
                .iter()
                .filter(|t| !is_number_fragment(t))
                .map(|t| normalize::label(t))
                .collect();
            label == "总计" && income_rows.iter().any(|r| r.item == "总计")
        };
        let (tokens, split) = if numbered {
            let mut row = NumberedRow::read(tokens);
            if let Some(last) = last_expenditure {
                row.take_next_number(last + 1);
            }
            let split = row.split(last_income);
            if split != Some(0) {
                last_income = row.numbers.first().map(|&(_, n)| n).or(last_income);
            }
            last_expenditure = match (row.numbers.as_slice(), split) {
                ([_, (_, n)], _) | ([(_, n)], Some(0)) => Some(*n),
                _ => last_expenditure,
            };
            // A numbered row with no amounts is complete: its label is no
            // beginning of the next row's, and a label line before it is the
            // row above's tail. When it prints one row number and an
            // expenditure label after it, that side's number and amounts
            // went to the next line: the label heads that line's.
            if !row.numbers.is_empty() && !row.tokens.iter().any(|t| is_number_fragment(t)) {
                let at = split.unwrap_or(row.tokens.len()).min(row.tokens.len());
                let (income, expenditure) = row.tokens.split_at(at);
                let opens = side_labels_open(income, expenditure, &[]);
                if !pending.text.is_empty() && !opens_item(&pending.text) && opens {
                    attach_tail(g, &pending.text, previous, &mut income_rows, &mut exp_rows);
                }
                exp_head = if row.numbers.len() == 1 {
                    expenditure.iter().map(|t| normalize::label(t)).collect()
                } else {
                    String::new()
                };
                pending = PendingLabel::default();
                previous = (None, None);
                continue;
            }
            let split = split
                .or_else(|| split_two_sided(g, &row.tokens))
                .or_else(|| second_total(&row.tokens).then_some(0));
            let mut tokens = row.tokens;
            next_head.clear();
            // An expenditure label after the income side's number and
            // amount, with no number or amount of its own (`五、事业收入 5
            // 1808.71 五、社会保障和`): they went to the next line, and the
            // label heads that line's.
            if let (Some(at), [_]) = (split, row.numbers.as_slice()) {
                if at > 0
                    && at < tokens.len()
                    && tokens[..at].iter().any(|t| is_number_fragment(t))
                    && !tokens[at..].iter().any(|t| is_number_fragment(t))
                {
                    next_head = tokens
                        .split_off(at)
                        .iter()
                        .map(|t| normalize::label(t))
                        .collect();
                }
            }
            (tokens, split)
        } else {
            let split = split_two_sided(g, &tokens).or_else(|| second_total(&tokens).then_some(0));
            (tokens, split)
        };
        let has_numbers = tokens.iter().any(|t| is_number_fragment(t));
        // Header lines until the first amount, but for the first item's
        // label on a line of its own (PyMuPDF: `一、财政拨款收入` /
        // `164,978,640 一、一般公共服务支出`): a list ordinal opens it.
        let opens_numbered_item = tokens.first().is_some_and(|t| {
            let label = normalize::label(t);
            normalize::ordinal(&label).is_some() && !label.contains('表')
        });
        if !started && split.is_none() && !has_numbers && !opens_numbered_item {
            continue; // header
        }
        started = true;
        let (income, expenditure) = tokens.split_at(split.unwrap_or(tokens.len()));
        let income_text: String = income
            .iter()
            .filter(|t| !is_number_fragment(t))
            .map(|t| normalize::label(t))
            .collect();
        let income_numbers: Vec<&String> =
            income.iter().filter(|t| is_number_fragment(t)).collect();
        // In a table numbering its rows, a label line with neither number nor
        // amount that opens no item, before a line that opens one (`使用非财政
        // 11 0.00` | `拨款结余` | `年初结转和结余 12 …`), is the tail of
        // the row above, wrapped below its numbers. Before a line that opens
        // none it may be that or the next row's head: both rows' income
        // amounts are then uncertain.
        let tail = numbered && !pending.text.is_empty() && !opens_item(&pending.text);
        let line_opens = side_labels_open(income, expenditure, &income_numbers);
        if income_numbers.is_empty() && opens_item(&income_text) {
            blank_income_items += 1;
        }
        let exp_head = std::mem::replace(&mut exp_head, std::mem::take(&mut next_head));
        if income_numbers.is_empty() && expenditure.is_empty() {
            if tail && opens_item(&income_text) {
                attach_tail(g, &pending.text, previous, &mut income_rows, &mut exp_rows);
                pending = PendingLabel::default();
                previous = (None, None);
            }
            pending.push(&income_text);
            continue;
        }
        let pending_label = std::mem::take(&mut pending);
        let runs_items_together = pending_label.runs_items_together();
        let mut head = pending_label.text;
        let mut wrap_in_doubt = false;
        let mut sides_run_together = false;
        if tail && line_opens {
            attach_tail(g, &head, previous, &mut income_rows, &mut exp_rows);
            head.clear();
        } else if !numbered && !head.is_empty() && line_opens {
            // Label lines before a line that opens an item are no head of
            // its label: rows of their own whose amounts were left blank,
            // or — when they open no item — the row above's tail (sure when
            // it completes a 类 name there, else both its sides in doubt).
            if !opens_item(&head)
                && !completes_class(g, &head, previous.1.and_then(|i| exp_rows.get_mut(i)))
            {
                doubt_income_row(previous.0.and_then(|i| income_rows.get_mut(i)));
                for reading in previous
                    .1
                    .and_then(|i| exp_rows.get_mut(i))
                    .into_iter()
                    .flat_map(|(_, r)| r)
                {
                    reading.doubtful = true;
                }
            }
            // Expenditure labels among them: the dump ran the two sides
            // together, and this line's amount may be either side's.
            sides_run_together = head.contains("支出");
            head.clear();
        } else if tail && previous != (None, None) {
            wrap_in_doubt = true;
            doubt_income_row(previous.0.and_then(|i| income_rows.get_mut(i)));
        }
        previous = (None, None);
        // Several items' labels and then one amount, no label of its own
        // (a dump that prints a side's labels before its amounts), or an
        // item's label after a line that opens none (`单位上年结余…` /
        // `收入总计`): whose amount it is cannot be told.
        let several_items = !head.is_empty() && income_text.is_empty() && runs_items_together;
        let label = head + &income_text;
        let several_items = several_items || runs_labels_together(g, &label);
        if !income_numbers.is_empty() {
            // One income column: all fragments make one amount.
            let tokens: Vec<&str> = income_numbers.iter().map(|s| s.as_str()).collect();
            let single = readings(&tokens, 1, &[], &[0]).unwrap_or_default();
            let (amount, status) = match single.as_slice() {
                [r] => match r.values[0] {
                    Some(p) if p.pieces == 1 => (Some(p.amount), CellStatus::Ok),
                    Some(p) => (Some(p.amount), CellStatus::Repaired),
                    None => (None, CellStatus::Uncertain),
                },
                _ => (Amount::parse(&tokens.concat()), CellStatus::Uncertain),
            };
            // An income row that names an expenditure (`九、卫生健康支出`,
            // or several items run together), nothing, or a heading
            // (`决算数`): the line's two sides or the header were not told
            // apart (no class code to split at), so its amount may be the
            // expenditure side's or another row's.
            // (Income items share names with income columns: only the
            // document's own measure, 预算数/决算数, is a heading here.)
            let heading = g.document_measure(&label).is_some()
                || matches!(g.header(&label), HeaderMeaning::Label);
            if wrap_in_doubt {
                table.issues.push(format!(
                    "line {at}: '{head_shown}' may end the row above or begin '{label}': both rows' income amounts are uncertain",
                    head_shown = label.strip_suffix(income_text.as_str()).unwrap_or(&label)
                ));
            }
            let status = if label.contains("支出")
                || sides_run_together
                || several_items
                || label.is_empty()
                || heading
            {
                unpaired_income += 1;
                table.issues.push(format!(
                    "line {at}: income row '{label}' names an expenditure, several items, a heading or nothing: its amount is uncertain"
                ));
                CellStatus::Uncertain
            } else if wrap_in_doubt {
                CellStatus::Uncertain
            } else {
                status
            };
            if let Some(amount) = amount {
                previous.0 = Some(income_rows.len());
                income_rows.push(Row {
                    section: Some(Section::Income),
                    code: None,
                    item: label,
                    project: String::new(),
                    values: vec![Value {
                        measure: income_measure,
                        amount,
                        status,
                        at,
                        alternatives: vec![],
                        restored_from: None,
                    }],
                    at,
                });
            } else {
                table.issues.push(format!(
                    "line {at}: income amount {} could not be read",
                    tokens.concat()
                ));
            }
        }
        if let Some((first, rest)) = expenditure.split_first() {
            let mut name_tokens: Vec<&str> = Vec::new();
            let mut numbers = Vec::new();
            // A 类 code glued to its name (`208社会保障和就业支出`), not
            // an amount's first digits.
            let (code, first_name) = if first.len() >= 3
                && first.is_char_boundary(3)
                && first[..3].bytes().all(|b| b.is_ascii_digit())
                && !first[3..].starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
            {
                (Code::new(&first[..3]), &first[3..])
            } else {
                (None, first.as_str())
            };
            let exp_head = if code.is_none() && !opens_item(first_name) {
                exp_head.as_str()
            } else {
                ""
            };
            name_tokens.push(exp_head);
            name_tokens.push(first_name);
            for t in rest {
                if is_number_fragment(t) {
                    numbers.push(t.clone());
                } else if numbers.is_empty() {
                    name_tokens.push(t);
                }
            }
            let item = normalize::label(&name_tokens.concat()).into_owned();
            let code = code.or_else(|| g.class_code(&item).and_then(Code::new));
            let is_total = code.is_none() && crate::model::is_total_label(&item);
            let (found, _) = solve_row(&numbers, exp_layout.len(), &rules, &required);
            previous.1 = Some(exp_rows.len());
            exp_rows.push((
                FlowRow {
                    code,
                    label: item,
                    numbers,
                    at: Some(at),
                    is_total,
                    ..FlowRow::default()
                },
                found,
            ));
        }
    }
    // The funds the income side names fix the 支出总计 row's columns.
    let evidence: Vec<(usize, Amount)> = g
        .identities
        .evidence
        .iter()
        .filter(|e| e.table == kind.key && e.from == kind.key)
        .flat_map(|ev| stated_by(ev, &income_rows, &exp_layout))
        .collect();
    let solve_rows: Vec<SolveRow> = exp_rows
        .iter()
        .map(|(r, found)| SolveRow {
            code: r.code.clone(),
            is_total: r.is_total,
            readings: found.clone(),
        })
        .collect();
    let settled = settle(&solve_rows, &evidence, &[], &rules);
    let mut unsettled = 0;
    let mut exp_out = Vec::new();
    for ((row, _), settled) in exp_rows.iter().zip(settled) {
        if row.numbers.is_empty() {
            continue;
        }
        if settled.resolution != Resolution::Unique {
            unsettled += 1;
        }
        let at = row.at.unwrap_or(table.at);
        let values = settled
            .reading
            .as_ref()
            .map(|r| values(&settled, r, &exp_layout, at))
            .unwrap_or_default();
        if values.is_empty() {
            unsettled += 1;
            continue;
        }
        exp_out.push(Row {
            section: Some(Section::Expenditure),
            code: row.code.clone(),
            item: row.label.clone(),
            project: String::new(),
            values,
            at,
        });
    }
    verify_income(&mut income_rows, &exp_out);
    if unsettled > 0 {
        table.issues.push(format!(
            "flow layout: {unsettled} rows could not be placed with certainty"
        ));
    }
    // Income items all printed without amounts, yet the year's income
    // total has one: the amounts went elsewhere (a dump that prints each
    // side's labels before its amounts, its expenditure labels then taking
    // amounts not theirs).
    let items_priced = income_rows.iter().any(|r| {
        !r.is_year_subtotal() && !r.is_balance() && !crate::model::is_total_label(&r.item)
    });
    let year_priced = income_rows
        .iter()
        .any(|r| r.is_year_subtotal() && r.values.iter().any(|v| v.amount.cents != 0));
    let items_unpriced = !items_priced && year_priced;
    // Rows the reading above could not place: the sides' labels and
    // amounts may be streams out of step, read again in printed order
    // when the sums prove that reading (`flow/sides.rs`).
    if unpaired_income > 0 || unsettled > 0 || items_unpriced {
        if let Some(rows) = sides::read_sides(g, lines, income_measure, &exp_layout) {
            table.issues.truncate(issues_before);
            table.issues.push(
                "flow layout: the dump printed the two sides' labels and amounts out of \
                 step; the rows were paired again in printed order, as their sums confirm"
                    .to_string(),
            );
            table.rows = rows;
            return;
        }
    }
    table.rows = income_rows;
    table.rows.extend(exp_out);
    // Two or more income rows that could not be paired with their amount:
    // the dump printed the sides' labels and amounts out of step (pdftotext
    // reading a column's labels before its amounts), so no pairing in this
    // table holds unless the arithmetic confirms it, not even where the
    // names look right.
    if unpaired_income >= 2 {
        table.issues.push(format!(
            "flow layout: {unpaired_income} income rows could not be paired with their amounts: the dump prints the two sides out of step, an amount no identity confirms is uncertain"
        ));
        table.placement = Placement::BrokenOrder;
    } else if items_unpriced {
        table.issues.push(format!(
            "flow layout: no income item has an amount ({blank_income_items} printed without), yet the year's income total has one: the dump prints the two sides out of step, an amount no identity confirms is uncertain"
        ));
        table.placement = Placement::BrokenOrder;
    }
}

/// The document's measure the header lines (those before the first row
/// with numbers) name, when they name one: `决算数` → `final`.
pub(super) fn header_measure(g: &Grammar, lines: &[(Provenance, String)]) -> Option<Measure> {
    header_lines(lines)
        .flat_map(|l| l.split_whitespace())
        .find_map(|t| g.document_measure(t))
}

/// A flow table's lines above its first figure.
fn header_lines(lines: &[(Provenance, String)]) -> impl Iterator<Item = &str> {
    lines
        .iter()
        .map(|(_, l)| l.as_str())
        .take_while(|l| !l.split_whitespace().any(is_number_fragment))
}

/// Every measure a flow table's header lines name.
fn header_measures(g: &Grammar, lines: &[(Provenance, String)]) -> Vec<Measure> {
    header_lines(lines)
        .flat_map(|l| g.measures_named(l))
        .collect()
}

/// The income side has one identity in the table: 收入总计 = 支出总计. An
/// income amount printed with one decimal may have lost a digit; unless that
/// identity proves (or restores) it, it is uncertain.
fn verify_income(income: &mut [Row], expenditure: &[Row]) {
    let exp_total = expenditure
        .iter()
        .find(|r| r.is_total())
        .and_then(|r| r.values.first())
        .map(|v| v.amount.cents);
    for row in income.iter_mut() {
        let is_total = row.is_total();
        for v in row.values.iter_mut().filter(|v| v.amount.decimals == 1) {
            match exp_total {
                Some(t) if is_total && t == v.amount.cents => {}
                Some(t) if is_total && (1..=9).contains(&(t - v.amount.cents)) => {
                    v.restored_from = Some(v.amount);
                    v.amount = Amount {
                        cents: t,
                        decimals: 2,
                    };
                    v.status = CellStatus::Repaired;
                }
                _ => v.status = CellStatus::Uncertain,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::numbered;
    use super::*;

    /// The tokens of each logical row [`logical_rows`] makes of `lines`.
    fn logical_tokens(lines: &[&str], numbers_rows: bool) -> Vec<Vec<String>> {
        logical_rows(&numbered(lines), numbers_rows)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn an_ordinal_set_apart_from_its_label_is_no_piece_of_the_amount() {
        // Shanghai's 财务收支预算总表 as `pdftotext -raw` prints it.
        let rows = logical_tokens(
            &[
                "1. 一般公共预算 164,978,640 二、公共安全支出 1,252,300",
                "2. 政府性基金 三、科学技术支出 100,000",
                "1. 5",
            ],
            false,
        );
        assert_eq!(
            rows[0],
            [
                "1.一般公共预算",
                "164,978,640",
                "二、公共安全支出",
                "1,252,300"
            ]
        );
        assert_eq!(rows[1][0], "2.政府性基金");
        // Pieces of a wrapped amount stay pieces.
        assert_eq!(rows[1].last().map(String::as_str), Some("5"));
    }

    #[test]
    fn a_dash_heading_the_next_line_is_the_numbered_rows_blank_amount() {
        // PyMuPDF's dump of the national template's summary: the income
        // side's row number on a line of its own, its blank amount's dash
        // before the expenditure label.
        let rows = logical_tokens(
            &[
                "二、政府性基金预算财政拨款收入",
                "2",
                "- 二、卫生健康支出",
                "13",
                "7092275.04",
            ],
            true,
        );
        assert_eq!(
            rows,
            [
                vec!["二、政府性基金预算财政拨款收入", "2", "-"],
                vec!["二、卫生健康支出", "13", "7092275.04"],
            ]
        );
    }

    #[test]
    fn a_dash_after_the_income_row_number_is_the_income_sides_blank_amount() {
        // The national template's summary, its spacing lost (`pdftotext
        // -layout` read with single spaces): the income side's row number,
        // its blank amount's dash, then the expenditure side. Before round
        // 56 the dash opened the expenditure label (`-二、卫生健康支出`).
        let tokens = |line: &str| line.split(' ').map(str::to_string).collect::<Vec<_>>();
        let row = NumberedRow::read(tokens(
            "二、政府性基金预算财政拨款收入 2 - 二、卫生健康支出 13 7092275.04",
        ));
        let at = row.split(None).unwrap();
        assert_eq!(row.tokens[at], "二、卫生健康支出");
        assert_eq!(row.tokens[..at].last().map(String::as_str), Some("-"));
    }

    #[test]
    fn a_line_starting_with_an_expenditure_is_that_sides_and_the_header_names_the_measure() {
        // pdfplumber's text of a 2024 Shanghai final account (one line per
        // row, no class codes to split the two sides at: the 类 names with
        // their ordinals split them).
        let text = "\
上海市规划和自然资源局 2024 年度部门决算表
收入支出决算总表
单位：万元
收入 支出
项目 决算数 项目 决算数
一、一般公共预算财政拨款收入 9746.50 一、一般公共服务支出
二、政府性基金预算财政拨款收入 二、外交支出
八、其他收入 八、社会保障和就业支出 754.75
九、卫生健康支出 236.63
十一、城乡社区支出 3845.25
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let table = doc.tables.iter().find(|t| t.kind == "summary").unwrap();
        let value = |item: &str| {
            let row = table.rows.iter().find(|r| r.item == item).unwrap();
            (
                row.values[0].measure,
                row.values[0].amount.to_string(),
                row.values[0].status,
            )
        };
        assert_eq!(
            value("一、一般公共预算财政拨款收入"),
            ("final", "9746.50".to_string(), CellStatus::Ok)
        );
        // Before 2026-12-03 the income side's, `uncertain`.
        let row = table
            .rows
            .iter()
            .find(|r| r.item == "九、卫生健康支出")
            .unwrap();
        assert_eq!(row.section, Some(Section::Expenditure));
        assert_eq!(
            value("九、卫生健康支出"),
            ("final", "236.63".to_string(), CellStatus::Ok)
        );
        assert_eq!(
            value("八、社会保障和就业支出"),
            ("final", "754.75".to_string(), CellStatus::Ok)
        );
        assert!(
            !table
                .issues
                .iter()
                .any(|i| i.contains("names an expenditure")),
            "{:?}",
            table.issues
        );
    }

    #[test]
    fn row_numbers_are_no_amounts() {
        let tokens = |l: &str| -> Vec<String> { l.split(' ').map(String::from).collect() };
        let row = |l: &str| NumberedRow::read(tokens(l));
        let r = row("一、一般公共预算财政拨款收入 1 500.00 一、一般公共服务支出 32 450.00");
        assert_eq!(
            r.tokens,
            [
                "一、一般公共预算财政拨款收入",
                "500.00",
                "一、一般公共服务支出",
                "450.00"
            ]
        );
        assert_eq!(r.numbers, [(1, 1), (3, 32)]);
        assert_eq!(r.split(None), Some(2));
        // An empty income side, its number first.
        let r = row("9 九、卫生健康支出 40 20.00");
        assert_eq!((r.tokens.len(), r.split(Some(8))), (2, Some(0)));
        // The empty side's number after the other's, or after an amount.
        assert_eq!(
            row("政府性基金预算财政拨款 8 40").tokens,
            ["政府性基金预算财政拨款"]
        );
        assert_eq!(
            row("一般公共预算财政拨款 7 15.00 39").tokens,
            ["一般公共预算财政拨款", "15.00"]
        );
        // A wrapped amount's fragments stay (`942` / `3.7` / `9`).
        assert_eq!(
            row("四、上级补助收入 4 942 3.7 9").tokens,
            ["四、上级补助收入", "942", "3.7", "9"]
        );
        // One side alone: its number leaps past the income side's last.
        let r = row("年末结转和结余 44 10.00");
        assert_eq!((r.split(Some(13)), r.split(Some(43))), (Some(0), None));
        assert_eq!(row("本年收入合计 11 550.00").split(Some(2)), None);
        assert!(lists_column_numbers(&tokens("栏次 1 栏次 2")));
        assert!(lists_column_numbers(&tokens("甲 1 乙 2")));
        assert!(!lists_column_numbers(&tokens(
            "一、一般公共预算财政拨款收入 1 500.00"
        )));
    }

    #[test]
    fn wrapped_labels_of_a_numbered_summary() {
        let table = read_summary(&[
            "项目 行次 金额 项目 行次 金额",
            "栏次 1 栏次 2",
            // A head above its row, right after the column numbers.
            "一、一般公共预算",
            "财政拨款收入 1 100.00 一、一般公共服务支出 9 90.00",
            "二、其他收入 2 10.00",
            // A tail below its row, before a row that opens an item.
            "本年收入合计 3 110.00 本年支出合计 10 90.00",
            "使用非财政 4 5.00 结余分配 11",
            "拨款结余",
            "年初结转和结余 5 20.00 年末结转和结余 12 45.00",
            // Tail or head: both rows in doubt.
            "一般公共预算 6 20.00",
            "财政",
            "拨款 7 0.00",
            "总计 8 135.00 总计 13 135.00",
        ]);
        let income: Vec<(&str, i64, CellStatus)> = table
            .rows
            .iter()
            .filter(|r| r.section == Some(Section::Income))
            .map(|r| {
                (
                    r.item.as_str(),
                    r.values[0].amount.cents,
                    r.values[0].status,
                )
            })
            .collect();
        assert_eq!(
            income,
            [
                ("一、一般公共预算财政拨款收入", 10000, CellStatus::Ok),
                ("二、其他收入", 1000, CellStatus::Ok),
                ("本年收入合计", 11000, CellStatus::Ok),
                ("使用非财政拨款结余", 500, CellStatus::Ok),
                ("年初结转和结余", 2000, CellStatus::Ok),
                ("一般公共预算", 2000, CellStatus::Uncertain),
                ("财政拨款", 0, CellStatus::Uncertain),
                ("总计", 13500, CellStatus::Ok),
            ]
        );
        assert!(table
            .rows
            .iter()
            .all(|r| r.values.iter().all(|v| v.measure == "final")));
    }

    /// The summary table `two_sided` reads from `lines` (a final account's).
    fn read_summary(lines: &[&str]) -> Table {
        let g = Grammar::global();
        let kind = g.kind("summary").unwrap();
        let lines = numbered(lines);
        let mut table = Table {
            number: None,
            kind: "summary",
            title: String::new(),
            unit: Default::default(),
            at: Provenance::Line(1),
            rows: Vec::new(),
            declared_empty: false,
            columns: Vec::new(),
            sides: None,
            issues: Vec::new(),
            placement: Placement::Order,
        };
        two_sided(g, kind, &lines, true, &mut table);
        table
    }

    /// The summary rows `two_sided` reads from `lines` (column numbers
    /// first), as (section, item, amount in cents, status).
    fn summary_rows(lines: &[&str]) -> Vec<(Section, String, i64, CellStatus)> {
        read_summary(lines)
            .rows
            .iter()
            .map(|r| {
                let v = &r.values[0];
                (r.section.unwrap(), r.item.clone(), v.amount.cents, v.status)
            })
            .collect()
    }

    #[test]
    fn a_table_number_under_its_title_numbers_it() {
        // `表3 单位：万元` printed under the title (pdfplumber sets a larger
        // title above its number and unit). Before 2026-12-04 the number was
        // dropped; for a moment it closed the table, read as one before the
        // next title.
        let body = "科目编码\n科目名称\n合计\n基本支出\n项目支出\n合计\n100.00\n60.00\n40.00\n\
                    208 社会保障和就业支出\n100.00\n60.00\n40.00\n";
        let text = format!(
            "某局2024年部门预算公开\n部门综合预算支出总表\n表3 单位：万元\n{body}\
             部门综合预算一般公共预算支出明细表\n表4 单位：万元\n{body}"
        );
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let tables: Vec<_> = doc
            .tables
            .iter()
            .map(|t| (t.number, t.kind, t.rows.len()))
            .collect();
        assert_eq!(
            tables,
            [
                (Some(3.into()), "expenditure", 2),
                (Some(4.into()), "general_budget", 2)
            ]
        );
    }

    #[test]
    fn a_numbered_summarys_second_grand_total_is_the_expenditure_sides() {
        // PyMuPDF's dump of the national template's 收入支出决算表 (行次
        // columns), each cell a line: the two 总计 rows come last, without
        // row numbers. Before, both were read as income, the first uncertain.
        let text = "\
公开01表
收入支出决算表
金额单位：元
编制单位：泗洪县卫生健康委员会
收入
支出
项目
行次
金额
项目
行次
金额
栏次
1
栏次
2
一、一般公共预算财政拨款收入
1
9051060.22
一、社会保障和就业支出
12
1521482.80
二、政府性基金预算财政拨款收入
2
-
二、卫生健康支出
13
7092275.04
三、国有资本经营预算财政拨款收入
3
-
三、住房保障支出
14
816175.89
四、上级补助收入
4
-
本年支出合计
15
9429933.73
五、事业收入
5
241193.82
年末结转和结余
16
-
六、经营收入
6
-
七、附属单位上缴收入
7
-
八、其他收入
8
137679.69
本年收入合计
9
9429933.73
使用非财政拨款结余
10
-
年初结转和结余
11
-
总计
9429933.73
总计
9429933.73
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let totals: Vec<_> = doc.tables[0]
            .rows
            .iter()
            .filter(|r| r.item == "总计")
            .map(|r| (r.section, r.values[0].amount.cents, r.values[0].status))
            .collect();
        assert_eq!(
            totals,
            [
                (Some(Section::Income), 942993373, CellStatus::Ok),
                (Some(Section::Expenditure), 942993373, CellStatus::Ok)
            ]
        );
    }

    #[test]
    fn a_numbered_rows_amount_printed_before_the_next_label_is_its_own() {
        // PyMuPDF's dump of the national fixture's fpdf2 PDF: the first
        // row's amount shares a line with the expenditure side's label.
        // Before, `9051060.22` went to the expenditure side and was read
        // as the code 905 of an item `1060.22一、社会保障和就业支出`, `ok`.
        let text = "\
公开01表
收入支出决算表
金额单位：元
收入
支出
项目
行次
金额
项目
行次
金额
栏次
1 栏次
2
一、一般公共预算财政拨款收入
1
9051060.22 一、社会保障和就业支出
12
1521482.80
二、政府性基金预算财政拨款收入
2 -
二、卫生健康支出
13
7092275.04
三、国有资本经营预算财政拨款收入
3 -
三、住房保障支出
14
816175.89
";
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        let rows: Vec<_> = doc.tables[0]
            .rows
            .iter()
            .map(|r| {
                (
                    r.section,
                    r.code.as_ref().map(|c| c.as_str().to_string()),
                    r.item.as_str(),
                    r.values[0].amount.cents,
                    r.values[0].status,
                )
            })
            .collect();
        let code = |c: &str| Some(c.to_string());
        assert_eq!(
            rows,
            [
                (
                    Some(Section::Income),
                    None,
                    "一、一般公共预算财政拨款收入",
                    905106022,
                    CellStatus::Ok
                ),
                (
                    Some(Section::Expenditure),
                    code("208"),
                    "一、社会保障和就业支出",
                    152148280,
                    CellStatus::Ok
                ),
                (
                    Some(Section::Expenditure),
                    code("210"),
                    "二、卫生健康支出",
                    709227504,
                    CellStatus::Ok
                ),
                (
                    Some(Section::Expenditure),
                    code("221"),
                    "三、住房保障支出",
                    81617589,
                    CellStatus::Ok
                ),
            ]
        );
    }

    #[test]
    fn a_summary_printed_a_cell_a_line_keeps_its_sides() {
        use CellStatus::{Ok, Uncertain};
        use Section::{Expenditure, Income};
        // PyMuPDF's dump of a 收入支出决算总表: each cell a line of its own.
        let rows = summary_rows(&[
            "收入",
            "支出",
            "项目",
            "决算数",
            "项目",
            "决算数",
            "一、一般公共预算财政拨款收入",
            "2,940.05",
            "一、一般公共服务支出",
            "2,940.05",
            "本年收入合计",
            "2,940.05",
            "本年支出合计",
            "2,940.05",
            // Only the expenditure side prints a year-end balance; the
            // second 总计 is that side's.
            "年初结转和结余",
            "49.14",
            "年末结转和结余",
            "49.14",
            "总计",
            "2,989.19",
            "总计",
            "2,989.19",
        ]);
        // A line of an expenditure's name alone (a 类 with its ordinal,
        // 本年支出合计) is the expenditure side's, the income side left
        // empty (before 2026-12-03: read as the income side's, uncertain).
        let want = [
            (Income, "一、一般公共预算财政拨款收入", 294005, Ok),
            (Income, "本年收入合计", 294005, Ok),
            (Income, "年初结转和结余", 4914, Ok),
            (Income, "总计", 298919, Ok),
            (Expenditure, "一、一般公共服务支出", 294005, Ok),
            (Expenditure, "本年支出合计", 294005, Ok),
            (Expenditure, "年末结转和结余", 4914, Ok),
            (Expenditure, "总计", 298919, Ok),
        ];
        let mut got: Vec<_> = rows
            .iter()
            .map(|(s, i, c, st)| (*s, i.as_str(), *c, *st))
            .collect();
        got.sort_by_key(|r| r.0 == Expenditure);
        assert_eq!(got, want);
        // A side's labels printed before its amounts (pdfminer): the one
        // amount after several items' labels is no one row's for sure.
        let rows = summary_rows(&[
            "项目",
            "预算数",
            "项目",
            "预算数",
            "一、财政拨款收入",
            "二、事业收入",
            "三、其他收入",
            "1,897.50 一、一般公共服务支出",
        ]);
        assert_eq!(
            rows.iter().find(|r| r.0 == Income).map(|r| (r.2, r.3)),
            Some((189750, Uncertain))
        );
    }

    #[test]
    fn a_summary_whose_sides_run_out_of_step_is_placed_in_broken_order() {
        // pdftotext (no options) on a 收入支出决算总表: the expenditure
        // side's labels and amounts interleave with the income side's, out
        // of step with them (guihuaziyuan 2024; 9759.38 is 本年支出合计's,
        // 112.88 年初结转和结余's, 9859.38 总计's).
        let lines = [
            "收入",
            "支出",
            "项目",
            "决算数",
            "一、一般公共预算财政拨款收入",
            "一、一般公共服务支出",
            "八、其他收入",
            "八、社会保障和就业支出",
            "754.75",
            "九、卫生健康支出",
            "236.63",
            "本年收入合计",
            "9746.50",
            "年初结转和结余",
            "9759.38",
            "结余分配",
            "112.88",
            "年末结转和结余",
            "9859.38",
        ];
        let table = read_summary(&lines);
        assert_eq!(
            table.placement,
            Placement::BrokenOrder,
            "{:?}",
            table.issues
        );
        assert!(table.issues.iter().any(|i| i.contains("out of step")));
        // Told since 2026-12-03 by the income side itself: its items print
        // no amount, its 本年收入合计 does (the expenditure labels, read as
        // that side's, no longer count as unpaired income rows).
        assert!(
            table
                .issues
                .iter()
                .any(|i| i.contains("no income item has an amount")),
            "{:?}",
            table.issues
        );
        // The same side printed in step: its order holds.
        let table = read_summary(&[
            "收入",
            "支出",
            "项目",
            "决算数",
            "一、一般公共预算财政拨款收入 9746.50 一、一般公共服务支出 9746.50",
            "本年收入合计 9746.50 本年支出合计 9746.50",
        ]);
        assert_eq!(table.placement, Placement::Order, "{:?}", table.issues);
    }

    #[test]
    fn wrapped_expenditure_labels_of_a_numbered_summary() {
        let rows = summary_rows(&[
            "项目 行次 金额 项目 行次 金额",
            "栏次 1 栏次 2",
            "一、一般公共预算财政拨款收入 1 100.00 一、一般公共服务支出 9 60.00",
            // A tail before a line whose income side is empty.
            "2 二、援助其 10 0.00",
            "他地区支出",
            "3 三、住房保障支出 11 40.00",
            // A tail before a line with no amounts, then that line's
            // expenditure label heading the next line's.
            "4 四、粮油物 12 0.00",
            "资储备支出",
            "5 五、灾害防治",
            "及应急管理支出 13 0.00",
            // An expenditure label after the income side's amount, its own
            // number and amount on the next line.
            "六、其他收入 6 0.00 六、社会保障和",
            "就业支出 14 0.00",
            "本年收入合计 7 100.00 本年支出合计 15 100.00",
        ]);
        let expenditure: Vec<&str> = rows
            .iter()
            .filter(|r| r.0 == Section::Expenditure)
            .map(|r| r.1.as_str())
            .collect();
        assert_eq!(
            expenditure,
            [
                "一、一般公共服务支出",
                "二、援助其他地区支出",
                "三、住房保障支出",
                "四、粮油物资储备支出",
                "五、灾害防治及应急管理支出",
                "六、社会保障和就业支出",
                "本年支出合计",
            ]
        );
    }

    #[test]
    fn unnumbered_lines_without_amounts_head_no_item() {
        // No `行次`: lines without amounts are rows of their own when the
        // line after them opens an item; a label after an amount starts
        // the expenditure side.
        let rows = summary_rows(&[
            "项目 决算数 项目 决算数",
            "一、财政拨款收入 100.00 一、一般公共服务支出 100.00",
            "本年收入合计 100.00 本年支出合计 100.00",
            "使用非财政拨款结余 结余分配",
            "年初结转和结余 20.00 年末结转和结余",
            "总计 120.00 总计 120.00",
        ]);
        let income: Vec<(&str, i64, CellStatus)> = rows
            .iter()
            .filter(|r| r.0 == Section::Income)
            .map(|r| (r.1.as_str(), r.2, r.3))
            .collect();
        assert_eq!(
            income,
            [
                ("一、财政拨款收入", 10000, CellStatus::Ok),
                ("本年收入合计", 10000, CellStatus::Ok),
                ("年初结转和结余", 2000, CellStatus::Ok),
                ("总计", 12000, CellStatus::Ok),
            ]
        );
        let g = Grammar::global();
        let split = |line: &str| {
            let tokens: Vec<String> = close_cjk_spaces_between_items(line)
                .split(' ')
                .map(String::from)
                .collect();
            split_two_sided(g, &tokens)
        };
        assert_eq!(split("年初结转和结余 63.18 年末结转和结余"), Some(2));
        // The expenditure side's carry-forward, printed blank.
        assert_eq!(split("上年结转 12.00 结转下年"), Some(2));
        assert_eq!(split("上年结转结余 12.00 年终结转结余"), Some(2));
        // Two labels, the second opening an item: the amount is its.
        assert_eq!(split("年初结转和结余 年末结转和结余 185.27"), Some(1));
        assert_eq!(split("八、其他收入 八、农林水支出 502.98"), Some(1));
        // A wrapped label's tail after the amount splits nothing.
        assert_eq!(split("其他收入 137.00 与传媒支出"), None);
        // A spaced heading still closes up.
        assert_eq!(
            close_cjk_spaces_between_items("收 入 总 计 9466.10 支 出 总 计"),
            "收入总计 9466.10 支出总计"
        );
    }

    #[test]
    fn both_sides_tails_on_one_line_leave_the_income_row_in_doubt() {
        let rows = summary_rows(&[
            "项目 行次 金额 项目 行次 金额",
            "栏次 1 栏次 2",
            "一、一般公共预算 1 500.00 一、一般公共服务 9 450.00",
            "财政拨款收入 支出",
            "本年收入合计 2 500.00 本年支出合计 10 450.00",
        ]);
        let first = &rows[0];
        assert_eq!(
            (first.0, first.2, first.3),
            (Section::Income, 50000, CellStatus::Uncertain)
        );
        assert!(!first.1.contains("支出"));
    }

    #[test]
    fn an_empty_sides_row_number_after_an_integer_amount_is_no_digits_of_it() {
        let rows = summary_rows(&[
            "项目 行次 金额 项目 行次 金额",
            "栏次 1 栏次 2",
            "年初财政拨款结转和结余 1 15 年末财政拨款结转和结余 27 30.00",
            "一般公共预算财政拨款 2 15 28",
            "总计 3 45 总计 29 45",
        ]);
        let income: Vec<(&str, i64)> = rows
            .iter()
            .filter(|r| r.0 == Section::Income)
            .map(|r| (r.1.as_str(), r.2))
            .collect();
        assert_eq!(
            income,
            [
                ("年初财政拨款结转和结余", 1500),
                ("一般公共预算财政拨款", 1500),
                ("总计", 4500)
            ]
        );
    }

    #[test]
    fn an_unnumbered_tail_that_completes_a_class_name_goes_to_its_row() {
        let rows = summary_rows(&[
            "项目 决算数 项目 决算数",
            "六、经营收入 六、文化旅游体育与 105.00",
            "传媒支出",
            "七、其他收入 七、社会保障和",
            "就业 20.00",
            "八、附属单位上缴收入 八、卫生健康支出 5.00",
        ]);
        let expenditure: Vec<(&str, CellStatus)> = rows
            .iter()
            .filter(|r| r.0 == Section::Expenditure)
            .map(|r| (r.1.as_str(), r.3))
            .collect();
        assert_eq!(
            expenditure[0],
            ("六、文化旅游体育与传媒支出", CellStatus::Ok)
        );
        assert_eq!(
            expenditure.last(),
            Some(&("八、卫生健康支出", CellStatus::Ok))
        );
    }
}
