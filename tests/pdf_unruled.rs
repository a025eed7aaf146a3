//! Unruled PDF tables whose names wrap in narrow cells, set at the top, the
//! middle or the bottom of their rows, with rows padded by 2, 4 or 8 pt
//! (`tests/pdf/unruled_wrapped.py`): every row comes back under its whole
//! name with its three amounts, `ok`. Before 2026-12-05 none did: the gaps
//! between a column's right edge and the next heading centred over its
//! amounts were read as empty columns, and the table came out blank.

use std::path::PathBuf;

use budget_harvest::model::CellStatus;
use budget_harvest::pipeline;

/// The table the fixtures print: code, name, 合计 / 基本支出 / 项目支出.
const ROWS: &[(&str, &str, [&str; 3])] = &[
    ("208", "社会保障和就业支出", ["754.75", "754.75", "0.00"]),
    (
        "20805",
        "行政事业单位养老支出",
        ["754.75", "754.75", "0.00"],
    ),
    ("2080501", "行政单位离退休", ["54.53", "54.53", "0.00"]),
    ("2080502", "事业单位离退休", ["28.11", "28.11", "0.00"]),
    (
        "2080505",
        "机关事业单位基本养老保险缴费支出",
        ["446.11", "446.11", "0.00"],
    ),
    (
        "2080506",
        "机关事业单位职业年金缴费支出",
        ["225.12", "225.12", "0.00"],
    ),
    (
        "2080599",
        "其他行政事业单位养老支出",
        ["0.88", "0.88", "0.00"],
    ),
    ("210", "卫生健康支出", ["236.64", "236.64", "0.00"]),
    ("21011", "行政事业单位医疗", ["236.64", "236.64", "0.00"]),
    ("2101101", "行政单位医疗", ["40.35", "40.35", "0.00"]),
    ("2101102", "事业单位医疗", ["196.29", "196.29", "0.00"]),
    ("212", "城乡社区支出", ["3832.36", "1572.70", "2259.65"]),
    ("21201", "城乡社区管理事务", ["1092.80", "1084.02", "8.77"]),
    ("2120101", "行政运行", ["1092.80", "1084.02", "8.77"]),
    (
        "21202",
        "城乡社区规划与管理",
        ["2739.56", "488.68", "2250.88"],
    ),
    (
        "2120201",
        "城乡社区规划与管理",
        ["2739.56", "488.68", "2250.88"],
    ),
    ("", "合计", ["4823.75", "2564.09", "2259.65"]),
];

#[test]
fn names_wrapped_at_the_top_middle_or_bottom_of_unruled_cells_are_read_whole() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf-unruled-wrapped");
    for align in ["top", "middle", "bottom"] {
        for pad in [2, 4, 8] {
            let name = format!("{align}_pad{pad}.pdf");
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            let doc = pipeline::document(&bytes).unwrap();
            let [table] = doc.tables.as_slice() else {
                panic!("{name}: {} tables", doc.tables.len());
            };
            assert_eq!(table.kind, "general_budget", "{name}");
            let read: Vec<(String, String, Vec<String>)> = table
                .rows
                .iter()
                .map(|r| {
                    for v in &r.values {
                        assert_eq!(v.status, CellStatus::Ok, "{name}: {} {}", r.item, v.measure);
                    }
                    let code = r.code.as_ref().map_or("", |c| c.as_str()).to_string();
                    let amounts = ["total", "basic", "project"].map(|m| {
                        r.values
                            .iter()
                            .find(|v| v.measure == m)
                            .map_or(String::new(), |v| v.amount.to_string())
                    });
                    (code, r.item.clone(), amounts.to_vec())
                })
                .collect();
            let want: Vec<(String, String, Vec<String>)> = ROWS
                .iter()
                .map(|(c, n, a)| (c.to_string(), n.to_string(), a.map(String::from).to_vec()))
                .collect();
            assert_eq!(read, want, "{name}");
        }
    }
}
