//! Tables a document names but does not hold.
//!
//! A known title with no rows after it names a table: a table-of-contents
//! entry, or the title of a table printed as an image (its text layer holds
//! the title, not the cells). A kind named so and found nowhere else in the
//! document is reported: the document lost a table. A publisher may leave
//! out a table with nothing to report (`本部门无政府性基金预算…，故本表为空表`):
//! a kind with `subjects` in the grammar is excused when a sentence near
//! one of them says so.

use crate::grammar::{Grammar, TableKind};
use crate::model::{Document, Provenance};

/// A known title printed with no rows after it.
pub(super) struct Named {
    pub kind: &'static TableKind,
    pub title: String,
    pub at: Provenance,
}

/// Adds an issue to `doc` listing the kinds `named` holds that no table of
/// the document is, and that the document does not call empty.
pub(super) fn report_missing(g: &Grammar, doc: &mut Document, named: &[Named], text: &str) {
    let mut seen: Vec<&str> = Vec::new();
    // The last title of a kind (a table's own title comes after its
    // contents entry), reported in document order.
    let mut missing: Vec<&Named> = Vec::new();
    for n in named.iter().rev() {
        let key = n.kind.key;
        if seen.contains(&key) || doc.tables.iter().any(|t| t.kind == key) {
            continue;
        }
        seen.push(key);
        if !said_to_be_empty(g, n.kind, text) {
            missing.push(n);
        }
    }
    if missing.is_empty() {
        return;
    }
    let listed: Vec<String> = missing
        .iter()
        .rev()
        .map(|n| format!("{} (named at line {})", n.title, n.at))
        .collect();
    doc.issues.push(format!(
        "not in the document (printed as images, or lost in extraction?): {}",
        listed.join(", ")
    ));
}

/// Whether a sentence naming one of the kind's subjects says there is
/// nothing to report. A sentence may wrap over lines (a flow dump's prose):
/// it is read from the subject's line and the lines on either side; tabs
/// and sentence ends bound it.
fn said_to_be_empty(g: &Grammar, kind: &TableKind, text: &str) -> bool {
    if kind.subjects.is_empty() {
        return false;
    }
    let lines: Vec<&str> = text.lines().collect();
    let ends = |c: char| matches!(c, '。' | '；' | ';' | '\t');
    lines.iter().enumerate().any(|(i, line)| {
        if !kind.subjects.iter().any(|s| line.contains(s.as_str())) {
            return false;
        }
        let window: String = lines[i.saturating_sub(1)..(i + 2).min(lines.len())]
            .iter()
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace() || *c == '\t'))
            .collect();
        window.split(ends).any(|sentence| {
            kind.subjects.iter().any(|s| sentence.contains(s.as_str()))
                && g.absence_words
                    .iter()
                    .any(|w| sentence.contains(w.as_str()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> &'static Grammar {
        Grammar::global()
    }

    fn kind(key: &str) -> &'static TableKind {
        Grammar::global()
            .kinds
            .iter()
            .find(|k| k.key == key)
            .expect("kind")
    }

    #[test]
    fn a_wrapped_sentence_calls_a_table_empty() {
        let g = grammar();
        // Seed 001's flow dump wraps the sentence over two lines.
        let text = "昌吉回族自治州人力资源和社会保障局2022年没有使用政府性基\n\
                    金预算拨款安排的支出，政府性基金预算支出情况表为空表。\n";
        assert!(said_to_be_empty(g, kind("gov_fund"), text));
        assert!(!said_to_be_empty(g, kind("state_capital"), text));
    }

    #[test]
    fn only_the_sentence_naming_the_subject_counts() {
        let g = grammar();
        // The absence is another sentence's, and a table cell's.
        let text = "本单位无离休人员。政府性基金预算支出情况如下。\n\
                    政府性基金预算拨款\t无线电管理\n";
        assert!(!said_to_be_empty(g, kind("gov_fund"), text));
        // Kinds without subjects are never empty.
        let text = "本单位没有一般公共预算支出，一般公共预算支出情况表为空表。";
        assert!(!said_to_be_empty(g, kind("general_budget"), text));
    }
}
