//! A two-sided summary (财政拨款收支总表) whose labels and amounts the dump
//! printed as streams out of step.
//!
//! pdftotext's flow order on WPS-made Shanghai disclosures prints the
//! first expenditure row's label among the header's words, with the income
//! side's amount before it on its line (`189,767,551 一、一般公共服务支出` /
//! `合计` / `一般公共预算`), then the first two rows' amounts together and
//! the second row's label after them (`3,296,600` / `3,296,600` /
//! `2,878,025` / `2,878,025` / `二、政府性基金` / `二、公共安全支出`), and
//! the expenditure total's amounts before `收入总计`. Read line by line,
//! the sides and rows run into each other.
//!
//! Each stream still lists its side's rows in order, so the table is read
//! again by pairing the i-th expenditure label with the i-th run of the
//! printed width: an income item's amount is the one printed before an
//! expenditure label on its line (or the income total's, after `收入总计`).
//! That reading is taken only when it proves itself: every text a header
//! word, an item or a total; the expenditure items classes in the order of
//! their codes, the income items numbered one list in order; as many runs
//! as items and the total; every run's total the sum of its other columns,
//! the total run the sum of the others; the income items adding up to the
//! income total, and that to the expenditure total.

use crate::amount::Amount;
use crate::grammar::{Grammar, HeaderMeaning, Measure};
use crate::model::{CellStatus, Code, Provenance, Row, Section, Value};
use crate::normalize;

/// The table's income and expenditure rows read from its streams, or
/// `None` when that reading does not prove itself (see the module docs).
pub(super) fn read_sides(
    g: &Grammar,
    lines: &[(Provenance, String)],
    income_measure: Measure,
    layout: &[Measure],
) -> Option<Vec<Row>> {
    let tokens: Vec<(Provenance, &str)> = lines
        .iter()
        .flat_map(|(at, l)| l.split_whitespace().map(move |t| (*at, t)))
        .collect();
    let mut income: Vec<(String, Provenance, Option<Amount>)> = Vec::new();
    let mut income_total: Option<(Provenance, Amount)> = None;
    let mut expenditure: Vec<(String, Code, Provenance)> = Vec::new();
    let mut amounts: Vec<(Provenance, Amount)> = Vec::new();
    // The measures the header names before the first expenditure amount.
    let mut named: Vec<Measure> = Vec::new();
    let mut expenditure_total: Option<Provenance> = None;
    let mut after_income_total = false;
    for (k, &(at, t)) in tokens.iter().enumerate() {
        if super::is_number_fragment(t) {
            let amount = super::streams::is_amount(t)
                .then(|| Amount::parse(t))
                .flatten()?;
            let next = tokens.get(k + 1).filter(|(next_at, _)| *next_at == at);
            let before_expenditure =
                next.is_some_and(|(_, n)| class_item(g, &normalize::label(n)).is_some());
            if after_income_total {
                income_total = Some((at, amount));
            } else if before_expenditure {
                // The income side's amount, on the line of an expenditure
                // label: the last income item's, printed without one yet.
                let item = income.iter_mut().rev().find(|(_, _, a)| a.is_none())?;
                item.2 = Some(amount);
            } else {
                amounts.push((at, amount));
            }
            after_income_total = false;
            continue;
        }
        after_income_total = false;
        let label = normalize::label(t);
        match label.as_ref() {
            "收入总计" => after_income_total = income_total.is_none(),
            "支出总计" => expenditure_total = Some(at),
            _ => {
                if let Some(code) = class_item(g, &label) {
                    expenditure.push((label.into_owned(), code, at));
                } else if normalize::strip_ordinal(&label).len() < label.len() {
                    income.push((label.into_owned(), at, None));
                } else {
                    // (The sides' headings, `财政拨款收入` / `财政拨款支出`,
                    // among the header's words.)
                    let side_heading = label.ends_with("收入") || label.ends_with("支出");
                    match g.header(&label) {
                        HeaderMeaning::Measure(m) if amounts.is_empty() => named.push(m),
                        HeaderMeaning::Other if side_heading && amounts.is_empty() => {}
                        HeaderMeaning::Other => return None,
                        _ => {}
                    }
                }
            }
        }
    }
    let (total_at, income_total) = income_total?;
    let expenditure_total_at = expenditure_total?;
    // The runs: the table's width, or the columns the header named before
    // the amounts when they are the layout's first ones.
    let rows = expenditure.len() + 1;
    if expenditure.is_empty() || !amounts.len().is_multiple_of(rows) {
        return None;
    }
    let width = amounts.len() / rows;
    if width == 0 || width > layout.len() {
        return None;
    }
    let columns: Vec<Measure> = if width == layout.len() {
        layout.to_vec()
    } else {
        let first: Vec<Measure> = layout.iter().take(width).copied().collect();
        named.retain(|m| layout.contains(m));
        named.dedup();
        (named == first).then_some(first)?
    };
    let runs: Vec<&[(Provenance, Amount)]> = amounts.chunks(width).collect();
    let cents = |run: &[(Provenance, Amount)], c: usize| run[c].1.cents;
    // Every run's total its parts', the total run the others'.
    let parts_add_up = runs
        .iter()
        .all(|run| width == 1 || cents(run, 0) == (1..width).map(|c| cents(run, c)).sum::<i64>());
    let (total_run, item_runs) = runs.split_last()?;
    let total_adds_up = (0..width)
        .all(|c| item_runs.iter().map(|r| cents(r, c)).sum::<i64>() == cents(total_run, c));
    // Each side's items in their printed order: the expenditure's by
    // their codes, the income's by their ordinals (`一、` `二、` `三、`,
    // one list: the amounts went to them in this order).
    let codes_in_order = expenditure.windows(2).all(|w| w[0].1 < w[1].1);
    let ordinals: Option<Vec<(normalize::OrdinalStyle, u32)>> = income
        .iter()
        .map(|(item, _, _)| normalize::ordinal(item))
        .collect();
    let income_in_order = ordinals.is_some_and(|o| {
        o.windows(2)
            .all(|w| w[0].0 == w[1].0 && w[1].1 == w[0].1 + 1)
    });
    let income_adds_up = income
        .iter()
        .filter_map(|(_, _, a)| a.map(|a| a.cents))
        .sum::<i64>()
        == income_total.cents
        && income_total.cents == cents(total_run, 0);
    if !(parts_add_up && total_adds_up && codes_in_order && income_in_order && income_adds_up) {
        return None;
    }
    let value = |measure: Measure, (at, amount): (Provenance, Amount)| Value {
        measure,
        amount,
        status: CellStatus::Ok,
        at,
        alternatives: Vec::new(),
        restored_from: None,
    };
    let row = |section, code, item: String, at, values| Row {
        section: Some(section),
        code,
        item,
        project: String::new(),
        values,
        at,
    };
    let mut out: Vec<Row> = income
        .into_iter()
        .filter_map(|(item, at, amount)| {
            let amount = amount?;
            Some(row(
                Section::Income,
                None,
                item,
                at,
                vec![value(income_measure, (at, amount))],
            ))
        })
        .collect();
    out.push(row(
        Section::Income,
        None,
        "收入总计".to_string(),
        total_at,
        vec![value(income_measure, (total_at, income_total))],
    ));
    let run_values = |run: &[(Provenance, Amount)]| {
        columns
            .iter()
            .zip(run)
            .map(|(m, &cell)| value(m, cell))
            .collect::<Vec<_>>()
    };
    for ((item, code, at), run) in expenditure.into_iter().zip(item_runs) {
        out.push(row(
            Section::Expenditure,
            Some(code),
            item,
            at,
            run_values(run),
        ));
    }
    out.push(row(
        Section::Expenditure,
        None,
        "支出总计".to_string(),
        expenditure_total_at,
        run_values(total_run),
    ));
    Some(out)
}

/// The class an expenditure item names (`一、一般公共服务支出` → 201), its
/// label normalised.
fn class_item(g: &Grammar, label: &str) -> Option<Code> {
    let name = normalize::strip_ordinal(label);
    if name.len() == label.len() {
        return None;
    }
    Code::new(g.class_code(name)?)
}

#[cfg(test)]
mod tests {
    use crate::model::{CellStatus, Table};

    /// pdftotext's flow of a Shanghai 财政拨款收支预算总表 (WPS, 元), as
    /// 财政局 2025 prints it: the first expenditure label among the
    /// header's words after the income amount, the first two rows' amounts
    /// together, the second's label after them, the expenditure total's
    /// amounts before `收入总计`.
    const OUT_OF_STEP: &str = "\
2025年部门财政拨款收支预算总表
编制部门：上海市普陀区某局
单位：元
财政拨款收入
项目
一、一般公共预算资金
财政拨款支出
预算数
项目
3,500.00 一、一般公共服务支出
合计
一般公共预算
2,000.00
2,000.00
1,000.00
1,000.00
二、政府性基金
二、社会保障和就业支出
三、国有资本经营预算
三、卫生健康支出
500.00
500.00
3,500.00
3,500.00
收入总计
3,500.00
支出总计
政府性基金预算
国有资本经营预算
";

    fn fiscal_summary(text: &str) -> Table {
        let doc = crate::pipeline::document(text.as_bytes()).unwrap();
        doc.tables
            .into_iter()
            .find(|t| t.kind == "fiscal_summary")
            .unwrap()
    }

    /// Each row's code, item and amounts, and whether all are `ok`.
    fn rows(table: &Table) -> Vec<(String, String, Vec<String>, bool)> {
        table
            .rows
            .iter()
            .map(|r| {
                (
                    r.code
                        .as_ref()
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_default(),
                    r.item.clone(),
                    r.values.iter().map(|v| v.amount.to_string()).collect(),
                    r.values.iter().all(|v| v.status == CellStatus::Ok),
                )
            })
            .collect()
    }

    fn row(code: &str, item: &str, amounts: &[&str]) -> (String, String, Vec<String>, bool) {
        let amounts = amounts.iter().map(|a| a.to_string()).collect();
        (code.to_string(), item.to_string(), amounts, true)
    }

    #[test]
    fn sides_printed_out_of_step_are_paired_in_order() {
        let read = [
            row("", "一、一般公共预算资金", &["3500.00"]),
            row("", "收入总计", &["3500.00"]),
            row("201", "一、一般公共服务支出", &["2000.00", "2000.00"]),
            row("208", "二、社会保障和就业支出", &["1000.00", "1000.00"]),
            row("210", "三、卫生健康支出", &["500.00", "500.00"]),
            row("", "支出总计", &["3500.00", "3500.00"]),
        ];
        assert_eq!(rows(&fiscal_summary(OUT_OF_STEP)), read);
        // A run that does not add up to the total: not read this way.
        let off = OUT_OF_STEP.replace("500.00\n500.00\n3,500.00", "400.00\n400.00\n3,500.00");
        assert_ne!(rows(&fiscal_summary(&off)), read);
        assert!(!rows(&fiscal_summary(&off))
            .iter()
            .any(|r| r.0 == "210" && r.3));
        // Two income items' labels exchanged (`二、` before `一、`): the
        // amount would go to the wrong item; not read this way.
        let swapped = OUT_OF_STEP
            .replace("一、一般公共预算资金\n", "二、政府性基金X\n")
            .replace("二、政府性基金\n", "一、一般公共预算资金\n")
            .replace("二、政府性基金X\n", "二、政府性基金\n");
        assert!(!rows(&fiscal_summary(&swapped))
            .iter()
            .any(|r| r.1 == "二、政府性基金" && r.2 == ["3500.00"] && r.3));
    }
}
