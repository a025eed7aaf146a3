//! Flow-layout reconstruction against ground truth: the clean seeds' own
//! tables, re-flowed the way pdftotext flows them (empty cells dropped, numbers
//! and labels wrapped at per-column widths, page breaks with a footer and the
//! header repeated, now and then a last digit cut off), must come back exactly
//! or flagged — and no wrong cell may be marked `ok`.

use std::collections::HashMap;
use std::path::PathBuf;

use budget_harvest::grammar::Grammar;
use budget_harvest::model::{Document, Section, Table};
use budget_harvest::pipeline;

mod common;
use common::{clean_seeds, keyed, Rng};

/// `s` cut into pieces of `width` characters.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

const FLOWED: [&str; 7] = [
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget",
    "general_budget_basic",
    "gov_fund",
];

/// Renders one table as flowed text; returns the cells it printed in full
/// and the cells whose last digit it cut.
fn render_table(g: &Grammar, t: &Table, style: Style, rng: &mut Rng, out: &mut Vec<String>) {
    out.push(format!("表 {}", t.number.unwrap_or(0.into())));
    out.push(t.title.clone());
    out.push(format!("编制部门：测试单位 单位：{}", t.unit.as_str()));
    let two_sided = t.rows.iter().any(|r| r.section.is_some());
    // Header: the column names, shredded one to four characters per line.
    let mut header = vec![
        "项 目".to_string(),
        "功能分类".into(),
        "科目编码".into(),
        "功能分类科目名称".into(),
    ];
    for m in &t.columns {
        let name = g.synonyms_of(m).into_iter().next().unwrap_or(m).to_string();
        let width = rng.range(1, 4);
        header.extend(wrap(&name, width));
    }
    if !two_sided {
        header.push("类 款 项".into());
    }
    out.extend(header.iter().cloned());
    let widths: HashMap<&str, usize> = t.columns.iter().map(|m| (*m, rng.range(3, 8))).collect();
    let name_width = rng.range(4, 9);
    let page = rng.range(12, 30);
    for (i, row) in t.rows.iter().enumerate() {
        if i > 0 && i % page == 0 {
            out.push(format!("- {} -", i / page + 5));
            out.extend(header.iter().cloned());
        }
        let mut lines: Vec<String> = Vec::new();
        let mut first = String::new();
        match (&row.section, &row.code) {
            (Some(Section::Expenditure), Some(c)) => {
                first.push_str(&format!("{} {}", c.as_str(), row.item))
            }
            (Some(_), _) => first.push_str(&row.item),
            (None, Some(c)) => {
                let code = c.as_str();
                let parts: Vec<&str> = [
                    &code[..3],
                    code.get(3..5).unwrap_or(""),
                    code.get(5..7).unwrap_or(""),
                ]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
                let mut name = wrap(&row.item, name_width).into_iter();
                first.push_str(&format!(
                    "{} {}",
                    parts.join(" "),
                    name.next().unwrap_or_default()
                ));
                lines.extend(name);
            }
            (None, None) => first.push_str("合计"),
        }
        let mut numbers: Vec<String> = Vec::new();
        for m in &t.columns {
            let Some(v) = row.values.iter().find(|v| v.measure == *m) else {
                continue;
            };
            let mut text = match style {
                Style::Plain => v.amount.to_string(),
                Style::Thousands => thousands(&v.amount.to_string()),
            };
            // Now and then the hundredths digit falls off the cell's edge.
            if v.amount.decimals == 2 && text.len() > 4 && rng.chance(3) {
                text.pop();
            }
            numbers.extend(wrap(&text, widths[m]));
        }
        if let Some((n, rest)) = numbers.split_first() {
            first.push(' ');
            first.push_str(n);
            lines.extend(rest.iter().cloned());
        }
        out.push(first);
        out.extend(lines);
    }
}

/// How amounts are printed.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    /// With thousands separators (`3,296,600`), as tables in 元 print them.
    Thousands,
}

/// `1234567.89` → `1,234,567.89`.
fn thousands(plain: &str) -> String {
    let (int, frac) = plain
        .split_once('.')
        .map_or((plain, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

fn render(doc: &Document, style: Style, rng: &mut Rng) -> String {
    let g = Grammar::global();
    let mut out = vec!["第二部分 2024年部门预算公开表".to_string()];
    for t in doc
        .tables
        .iter()
        .filter(|t| FLOWED.contains(&t.kind) && !t.rows.is_empty())
    {
        render_table(g, t, style, rng, &mut out);
    }
    out.push("第三部分 2024年部门预算情况说明".into());
    out.join("\n")
}

/// How the variants of one style came back.
#[derive(Default)]
struct Rebuilt {
    exact: usize,
    flagged: usize,
    /// Exact variants of the seeds whose published arithmetic is consistent
    /// (002, 004, the odd variants).
    consistent_exact: usize,
    cells: usize,
    repaired: usize,
    /// Per variant, each cell's amount and status.
    cells_by_variant: Vec<HashMap<String, (i64, String)>>,
}

/// Renders the 52 variants in `style` and reads them back, asserting that
/// no wrong cell is `ok` and that a lost cell is flagged.
fn rebuild(style: Style) -> Rebuilt {
    let docs = clean_seeds();
    let mut out = Rebuilt::default();
    for variant in 0..52u64 {
        let clean = &docs[variant as usize % docs.len()];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (variant + 1));
        let text = render(clean, style, &mut rng);
        if let Some(dir) = std::env::var_os("BH_DUMP_DIR") {
            std::fs::write(
                PathBuf::from(dir).join(format!("variant{variant}.txt")),
                &text,
            )
            .unwrap();
        }
        let flow = pipeline::document(text.as_bytes()).unwrap();
        let kinds: Vec<&str> = flow.tables.iter().map(|t| t.kind).collect();
        let want = keyed(clean, &kinds);
        let got = keyed(&flow, &kinds);
        // No silent errors: every ok cell is right.
        for (k, (cents, status)) in &got {
            if status == "ok" {
                assert_eq!(
                    want.get(k).map(|w| w.0),
                    Some(*cents),
                    "variant {variant}: {k} wrong but ok\n{text}"
                );
            }
            out.repaired += usize::from(status == "repaired");
        }
        // Every clean cell comes back, or its table says it could not be sure.
        let mut missing = Vec::new();
        for (k, (cents, _)) in &want {
            match got.get(k) {
                Some((c, s)) if c == cents || s == "uncertain" => {}
                _ => missing.push(k.clone()),
            }
        }
        out.cells += want.len();
        let uncertain = got.values().any(|(_, s)| s == "uncertain");
        let table_issues = flow.tables.iter().any(|t| !t.issues.is_empty());
        if missing.is_empty() && !uncertain {
            out.exact += 1;
            out.consistent_exact += usize::from(variant % 2 == 1);
        } else {
            assert!(
                uncertain || table_issues,
                "variant {variant}: {} cells lost without a flag: {:?}",
                missing.len(),
                &missing[..missing.len().min(8)]
            );
            out.flagged += 1;
        }
        out.cells_by_variant.push(got);
    }
    assert_eq!(out.exact + out.flagged, 52);
    out
}

#[test]
fn fifty_reflowed_variants_are_rebuilt_or_flagged() {
    let r = rebuild(Style::Plain);
    eprintln!(
        "52 variants: {} exact ({} of 26 from 002/004), {} flagged; {} cells, {} repaired",
        r.exact, r.consistent_exact, r.flagged, r.cells, r.repaired
    );
    // Measured: 23 of the 26 variants of 002/004 exact; the other 3 have cut
    // digits that more than one amount could have lost (flagged, not guessed).
    assert!(
        r.consistent_exact >= 22,
        "only {} of 26 consistent variants rebuilt exactly",
        r.consistent_exact
    );
}

#[test]
fn thousands_separators_read_like_plain_amounts() {
    // The same variants with `3,296,600` for `3296600`: no amount with a
    // separator was read at all (every row of such a table was lost, the
    // table flagged).
    let plain = rebuild(Style::Plain);
    let grouped = rebuild(Style::Thousands);
    eprintln!(
        "52 variants with separators: {} exact, {} flagged; {} cells, {} repaired",
        grouped.exact, grouped.flagged, grouped.cells, grouped.repaired
    );
    // A separator makes a number longer, so it wraps into more pieces
    // (`ok` becomes `repaired`); the amounts read for sure are the same.
    let sure = |c: &(i64, String)| c.1 != "uncertain";
    let mut lost = Vec::new();
    for (v, (p, g)) in plain
        .cells_by_variant
        .iter()
        .zip(&grouped.cells_by_variant)
        .enumerate()
    {
        for (k, c) in p.iter().filter(|(_, c)| sure(c)) {
            if !g.get(k).is_some_and(|x| sure(x) && x.0 == c.0) {
                lost.push((v, k, c, g.get(k)));
            }
        }
    }
    let sure_cells = plain
        .cells_by_variant
        .iter()
        .flat_map(|v| v.values())
        .filter(|c| sure(c))
        .count();
    // Measured: 10,956 of the 11,973 cells read for sure (`ok` or
    // `repaired`) in the plain style; with separators, the same amounts.
    // (11,074 before 2026-12-07: seed 000's income subtotals, printed
    // without their funds, were read under 财政专户, `repaired` and wrong;
    // now they are read in their column, `uncertain`.)
    eprintln!("{sure_cells} cells read for sure");
    assert!(sure_cells > 10_900, "{sure_cells} cells read for sure");
    assert!(
        lost.is_empty(),
        "{} of {sure_cells} sure cells lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(8)]
    );
}
