//! Development aid: prints the layout items and recognised tables of one file.
//! `cargo run --example dump -- samples/000_530d8417aadfcef1.txt [items|tsv]`

use budget_harvest::{decode, grammar::Grammar, layout, recognise};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or_else(|| anyhow::anyhow!("usage: dump FILE [items]"))?;
    let bytes = std::fs::read(path)?;
    let (items, text, kind) = if decode::is_pdf(&bytes) {
        let pdf = budget_harvest::pdf::extract(&bytes)?;
        (pdf.items, pdf.text, layout::LayoutKind::Tabbed)
    } else if let Ok(Some(text)) = budget_harvest::doc::to_text(&bytes) {
        let kind = layout::detect(&text);
        (layout::items(&text, kind), text, kind)
    } else if budget_harvest::word::is_docx(&bytes) {
        let text = budget_harvest::word::to_text(&bytes)?;
        let kind = layout::detect(&text);
        (layout::items(&text, kind), text, kind)
    } else {
        let mut decoded = decode::decode(&bytes)?;
        if budget_harvest::html::holds_tables(&decoded.text) {
            decoded.text = budget_harvest::html::to_text(&decoded.text)?;
        }
        let kind = layout::detect(&decoded.text);
        let items = layout::items(&decoded.text, kind);
        (items, decoded.text, kind)
    };
    let decoded = decode::Decoded {
        text,
        encoding: "",
        damage: None,
    };
    if args.get(2).map(String::as_str) == Some("tsv") {
        // The layout stage's rows as tab-separated lines (one-cell rows keep a
        // trailing tab): what tests/pdf/generate.py renders as PDF tables.
        for i in &items {
            match i {
                layout::Item::Text { text, .. } => println!("{text}"),
                layout::Item::Row { cells, .. } => {
                    let cells: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
                    let tail = if cells.len() == 1 { "\t" } else { "" };
                    println!("{}{tail}", cells.join("\t"));
                }
            }
        }
        return Ok(());
    }
    if args.get(2).map(String::as_str) == Some("items") {
        for i in &items {
            println!("{i:?}");
        }
    }
    let doc = recognise::recognise(Grammar::global(), items, &decoded.text);
    println!(
        "layout {kind:?} agency {:?} year {:?} kind {:?} staffing {:?}",
        doc.agency, doc.year, doc.kind, doc.staffing
    );
    println!(
        "unknown tables {:?} issues {:?}",
        doc.unknown_tables, doc.issues
    );
    for t in &doc.tables {
        println!(
            "== 表{:?} {} {:?} {} rows, columns {:?}, issues {:?}",
            t.number,
            t.kind,
            t.title,
            t.rows.len(),
            t.columns,
            t.issues
        );
        for r in &t.rows {
            let vals: Vec<String> = r
                .values
                .iter()
                .map(|v| format!("{}={}", v.measure, v.amount))
                .collect();
            println!(
                "   {:?} {:?} {} {} | {}",
                r.section,
                r.code.as_ref().map(|c| c.as_str()),
                r.item,
                r.project,
                vals.join(" ")
            );
        }
    }
    Ok(())
}
