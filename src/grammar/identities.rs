//! The identity grammar (`grammars/identities.toml`): which sums must hold,
//! in which tables, and which narrative phrases restate which cells.

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::Measure;
use crate::model::{DocKind, Section};
use crate::normalize;

#[derive(Debug, Clone)]
pub struct RowSum {
    /// The table kinds the rule holds in; empty: every kind.
    pub tables: Vec<String>,
    pub section: Option<Section>,
    pub requires: Vec<Measure>,
    pub excludes: Vec<Measure>,
    pub total: Measure,
    pub parts: Vec<Measure>,
    /// Publishers may print the total and leave every part blank (a
    /// 财政拨款(补助) 小计 without its funds): the row then states no sum.
    pub parts_optional: bool,
}

impl RowSum {
    /// Whether the rule holds on a table of `kind` that has the columns
    /// `has` says (for the rule's section): the table is one of the rule's,
    /// has its total and every column it requires, and none it excludes.
    pub fn applies(&self, kind: &str, has: impl Fn(&Measure) -> bool) -> bool {
        (self.tables.is_empty() || self.tables.iter().any(|t| t == kind))
            && has(&self.total)
            && self.requires.iter().all(&has)
            && !self.excludes.iter().any(&has)
    }
}

/// Economic classes (`301`, `303`) whose amounts belong in one column of a
/// table that splits basic spending (`personnel`: 人员经费).
#[derive(Debug, Clone)]
pub struct ClassColumn {
    pub classes: Vec<String>,
    pub measure: Measure,
}

/// A funding source made of others (`财政拨款` of `一般公共预算`, `政府性基金`
/// and `国有资本经营`): with one part only, the whole's figure is the part's.
#[derive(Debug, Clone)]
pub struct MeasureParts {
    pub whole: Measure,
    pub parts: Vec<Measure>,
}

/// A column of percentages: `rate` = 100 × `part` / `base`, within the
/// rounding of the rate's printed decimals (`增减率` = 增减额 / 上年数).
#[derive(Debug, Clone)]
pub struct Ratio {
    pub rate: Measure,
    pub part: Measure,
    pub base: Measure,
}

#[derive(Debug, Clone)]
pub struct ItemSum {
    pub tables: Vec<String>,
    pub total: String,
    pub parts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowSelector {
    GrandTotal,
    Classes,
    Codes,
}

#[derive(Debug, Clone)]
pub struct Side {
    pub table: String,
    pub section: Option<Section>,
    pub measures: Vec<Measure>,
}

#[derive(Debug, Clone)]
pub struct CrossTable {
    pub left: Side,
    pub right: Side,
    pub rows: RowSelector,
    /// Tested only in documents of this kind (a final account's income and
    /// spending differ by the year's balance).
    pub only_in: Option<DocKind>,
}

/// A line two tables both print (the year's 财政拨款 on a summary's income
/// side and on the 财政拨款收支总表's), found on each side by its label.
#[derive(Debug, Clone)]
pub struct SameLine {
    pub left: (String, Option<Section>),
    pub right: (String, Option<Section>),
    /// Each group: the labels one line goes by (normalised).
    pub labels: Vec<Vec<String>>,
}

impl SameLine {
    /// The group of labels a row labelled `item` belongs to (its ordinal
    /// and `其中:` removed).
    pub fn group_of(&self, item: &str) -> Option<usize> {
        let item = strip_label(item);
        self.labels.iter().position(|g| g.iter().any(|l| l == item))
    }
}

/// A row label without its ordinal and `其中:`, as the grammar's label
/// lists give it.
fn strip_label(item: &str) -> &str {
    normalize::strip_ordinal(item.trim_start_matches("其中:")).trim_start_matches("其中:")
}

/// Which row a narrative figure restates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureRow {
    GrandTotal,
    /// The phrase is a 类 name; the row is that class.
    Class,
    /// A row named by its item.
    Item(String),
    /// The row the sentence names by its classification just before the
    /// phrase: `…(类)…(款)行政运行(项):2024年预算数为`.
    Classified,
}

#[derive(Debug, Clone)]
pub struct Figure {
    /// Normalised phrases; `@class` stands for any 类 name.
    pub phrases: Vec<String>,
    /// The table the figure restates, when not the section's (a summary
    /// section states several tables' totals).
    pub table: Option<String>,
    pub section: Option<Section>,
    pub row: FigureRow,
    pub measure: Measure,
    /// Stated only in documents of this kind (as [`CrossTable::only_in`]):
    /// a budget's 预算数 is not a final account's 决算数.
    pub only_in: Option<DocKind>,
}

#[derive(Debug, Clone)]
pub struct NarrativeSection {
    pub heading: Vec<String>,
    pub table: String,
    pub figures: Vec<Figure>,
}

/// Figures another table states for a table's 合计 row.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub table: String,
    pub from: String,
    pub section: Option<Section>,
    /// (normalised row label, measure)
    pub items: Vec<(String, Measure)>,
    /// Stated only in documents of this kind (as [`CrossTable::only_in`]).
    pub only_in: Option<DocKind>,
}

impl Evidence {
    /// The measures of `table`'s total row that a row of `from` labelled
    /// `item` states (its ordinal and `其中:` removed).
    pub fn measures_stated_by<'a>(&'a self, item: &'a str) -> impl Iterator<Item = Measure> + 'a {
        let item = strip_label(item);
        self.items
            .iter()
            .filter(move |(label, _)| *label == item)
            .map(|(_, m)| *m)
    }
}

#[derive(Debug, Clone, Default)]
pub struct IdentityGrammar {
    pub evidence: Vec<Evidence>,
    pub row_sums: Vec<RowSum>,
    pub item_sums: Vec<ItemSum>,
    pub cross_tables: Vec<CrossTable>,
    pub same_lines: Vec<SameLine>,
    pub narrative: Vec<NarrativeSection>,
    pub ratios: Vec<Ratio>,
    pub class_columns: Vec<ClassColumn>,
    pub measure_parts: Vec<MeasureParts>,
}

impl IdentityGrammar {
    /// Whether one of the two funding sources is made of the other
    /// (`measure_parts`).
    pub fn one_holds_the_other(&self, a: Measure, b: Measure) -> bool {
        self.measure_parts.iter().any(|w| {
            (w.whole == a && w.parts.contains(&b)) || (w.whole == b && w.parts.contains(&a))
        })
    }

    /// Whether `measure` is a column of percentages: never summed, written
    /// with the unit `%`.
    pub fn is_percentage(&self, measure: &str) -> bool {
        self.ratios.iter().any(|r| r.rate == measure)
    }

    /// The comparison measures, each ratio's base, part and rate in that
    /// order (last year's figure, the change, its rate): columns printed
    /// beside this year's figures.
    pub fn comparisons(&self) -> impl Iterator<Item = Measure> + '_ {
        self.ratios.iter().flat_map(|r| [r.base, r.part, r.rate])
    }

    pub fn is_comparison(&self, measure: &str) -> bool {
        self.comparisons().any(|m| m == measure)
    }

    /// The item sums of table kind `kind`.
    pub fn item_sums_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a ItemSum> + 'a {
        self.item_sums
            .iter()
            .filter(move |s| s.tables.iter().any(|t| t == kind))
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    row_sum: Vec<RowSumFile>,
    #[serde(default)]
    item_sum: Vec<ItemSumFile>,
    #[serde(default)]
    cross_table: Vec<CrossTableFile>,
    #[serde(default)]
    same_line: Vec<SameLineFile>,
    #[serde(default)]
    narrative: Vec<NarrativeFile>,
    #[serde(default)]
    evidence: Vec<EvidenceFile>,
    #[serde(default)]
    ratio: Vec<RatioFile>,
    #[serde(default)]
    class_column: Vec<ClassColumnFile>,
    #[serde(default)]
    measure_parts: Vec<MeasurePartsFile>,
}

#[derive(Deserialize)]
struct MeasurePartsFile {
    whole: String,
    parts: Vec<String>,
}

#[derive(Deserialize)]
struct ClassColumnFile {
    classes: Vec<String>,
    measure: String,
}

#[derive(Deserialize)]
struct RatioFile {
    rate: String,
    part: String,
    base: String,
}

#[derive(Deserialize)]
struct EvidenceFile {
    table: String,
    from: String,
    section: Option<String>,
    items: Vec<(String, String)>,
    only_in: Option<String>,
}

#[derive(Deserialize)]
struct RowSumFile {
    #[serde(default)]
    tables: Vec<String>,
    section: Option<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    total: String,
    parts: Vec<String>,
    #[serde(default)]
    parts_optional: bool,
}

#[derive(Deserialize)]
struct ItemSumFile {
    tables: Vec<String>,
    total: String,
    parts: Vec<String>,
}

#[derive(Deserialize)]
struct SideFile {
    table: String,
    section: Option<String>,
    measures: Vec<String>,
}

#[derive(Deserialize)]
struct LineSideFile {
    table: String,
    section: Option<String>,
}

#[derive(Deserialize)]
struct SameLineFile {
    left: LineSideFile,
    right: LineSideFile,
    labels: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct CrossTableFile {
    left: SideFile,
    right: SideFile,
    rows: RowSelector,
    only_in: Option<String>,
}

#[derive(Deserialize)]
struct FigureFile {
    phrase: Vec<String>,
    table: Option<String>,
    section: Option<String>,
    row: String,
    measure: String,
    only_in: Option<String>,
}

#[derive(Deserialize)]
struct NarrativeFile {
    heading: Vec<String>,
    table: String,
    figures: Vec<FigureFile>,
}

fn section(s: &Option<String>) -> Result<Option<Section>> {
    match s.as_deref() {
        None => Ok(None),
        Some("income") => Ok(Some(Section::Income)),
        Some("expenditure") => Ok(Some(Section::Expenditure)),
        Some(other) => bail!("unknown section {other}"),
    }
}

/// Parses the file, resolving measure names against the known measures.
pub fn parse(text: &str, measures: &HashMap<String, Measure>) -> Result<IdentityGrammar> {
    let f: File = toml::from_str(text).context("identities.toml")?;
    let m = |name: &str| -> Result<Measure> {
        measures
            .get(name)
            .copied()
            .with_context(|| format!("identities.toml names unknown measure {name}"))
    };
    let ms = |names: &[String]| -> Result<Vec<Measure>> { names.iter().map(|n| m(n)).collect() };
    let side = |s: &SideFile| -> Result<Side> {
        Ok(Side {
            table: s.table.clone(),
            section: section(&s.section)?,
            measures: ms(&s.measures)?,
        })
    };
    let label = |v: &[String]| -> Vec<String> {
        v.iter().map(|s| normalize::label(s).into_owned()).collect()
    };
    Ok(IdentityGrammar {
        evidence: f
            .evidence
            .iter()
            .map(|e| {
                Ok(Evidence {
                    table: e.table.clone(),
                    from: e.from.clone(),
                    section: section(&e.section)?,
                    items: e
                        .items
                        .iter()
                        .map(|(label, measure)| {
                            Ok((normalize::label(label).into_owned(), m(measure)?))
                        })
                        .collect::<Result<_>>()?,
                    only_in: doc_kind(e.only_in.as_deref())?,
                })
            })
            .collect::<Result<_>>()?,
        row_sums: f
            .row_sum
            .iter()
            .map(|r| {
                Ok(RowSum {
                    tables: r.tables.clone(),
                    section: section(&r.section)?,
                    requires: ms(&r.requires)?,
                    excludes: ms(&r.excludes)?,
                    total: m(&r.total)?,
                    parts: ms(&r.parts)?,
                    parts_optional: r.parts_optional,
                })
            })
            .collect::<Result<_>>()?,
        item_sums: f
            .item_sum
            .iter()
            .map(|r| ItemSum {
                tables: r.tables.clone(),
                total: normalize::label(&r.total).into_owned(),
                parts: label(&r.parts),
            })
            .collect(),
        cross_tables: f
            .cross_table
            .iter()
            .map(|c| {
                let only_in = doc_kind(c.only_in.as_deref())?;
                Ok(CrossTable {
                    left: side(&c.left)?,
                    right: side(&c.right)?,
                    rows: c.rows,
                    only_in,
                })
            })
            .collect::<Result<_>>()?,
        same_lines: f
            .same_line
            .iter()
            .map(|l| {
                let side = |s: &LineSideFile| -> Result<(String, Option<Section>)> {
                    Ok((s.table.clone(), section(&s.section)?))
                };
                Ok(SameLine {
                    left: side(&l.left)?,
                    right: side(&l.right)?,
                    labels: l.labels.iter().map(|g| label(g)).collect(),
                })
            })
            .collect::<Result<_>>()?,
        class_columns: f
            .class_column
            .iter()
            .map(|c| {
                Ok(ClassColumn {
                    classes: c.classes.clone(),
                    measure: m(&c.measure)?,
                })
            })
            .collect::<Result<_>>()?,
        measure_parts: f
            .measure_parts
            .iter()
            .map(|w| {
                Ok(MeasureParts {
                    whole: m(&w.whole)?,
                    parts: w.parts.iter().map(|p| m(p)).collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?,
        ratios: f
            .ratio
            .iter()
            .map(|r| {
                Ok(Ratio {
                    rate: m(&r.rate)?,
                    part: m(&r.part)?,
                    base: m(&r.base)?,
                })
            })
            .collect::<Result<_>>()?,
        narrative: f
            .narrative
            .iter()
            .map(|n| {
                Ok(NarrativeSection {
                    heading: label(&n.heading),
                    table: n.table.clone(),
                    figures: n
                        .figures
                        .iter()
                        .map(|fig| {
                            Ok(Figure {
                                phrases: label(&fig.phrase),
                                table: fig.table.clone(),
                                section: section(&fig.section)?,
                                row: match fig.row.as_str() {
                                    "grand_total" => FigureRow::GrandTotal,
                                    "class" => FigureRow::Class,
                                    "classified" => FigureRow::Classified,
                                    item => FigureRow::Item(normalize::label(item).into_owned()),
                                },
                                measure: m(&fig.measure)?,
                                only_in: doc_kind(fig.only_in.as_deref())?,
                            })
                        })
                        .collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// An `only_in` value: the document kind a rule is limited to.
fn doc_kind(name: Option<&str>) -> Result<Option<DocKind>> {
    Ok(match name {
        None => None,
        Some("budget") => Some(DocKind::Budget),
        Some("final_account") => Some(DocKind::FinalAccount),
        Some(other) => bail!("unknown document kind {other} in only_in"),
    })
}
