//! The records that flow between stages.
//!
//! Cells keep their source position and a status, and a value can carry the
//! other columns it could belong to: the layout-repair solver (flow dumps)
//! and the PDF reader fill the same types as the clean text path.

use std::fmt;

use crate::amount::Amount;
use crate::grammar::Measure;

/// Where something starts in the input: a line of the decoded text, or a PDF page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provenance {
    Line(u32),
    Page(u32),
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Line(n) => write!(f, "{n}"),
            Provenance::Page(n) => write!(f, "p{n}"),
        }
    }
}

/// One cell of a physical row, as the layout stage found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub at: Provenance,
    /// Where, in `text`, a line of bare digits was appended to a cell that
    /// already held an amount. The line may continue a number that wrapped
    /// (`1536.` / `75`) or be a page number printed after it (`93` / `3`):
    /// the layout cannot tell, the row's arithmetic decides.
    pub joined_at: Option<usize>,
    /// The layout guessed this cell's column: an aligned dump's row whose
    /// spacing does not show where its empty cells are. Its amounts are
    /// never surer than uncertain, whatever the row's sums say, unless it
    /// prints one in every column (then they go in order).
    pub column_guessed: bool,
    /// The layout could not tell whether a line of label text printed
    /// between two rows ends the upper row's label or starts the lower's
    /// (an aligned dump's wrapped label): the row's amounts are never surer
    /// than uncertain, as its label may be another's.
    pub label_in_doubt: bool,
    /// The layout moved this amount onto its row from a line of its own
    /// beside it (an aligned dump's cell set half a line off its row),
    /// because with it the row's sums hold: it is no surer than repaired,
    /// as sure as the identities it takes part in.
    pub moved: bool,
    /// An aligned dump printed this amount two blanks or less after a
    /// nearer amount that may be its start (`4  45.69`): one number
    /// pdftotext set apart in two, each piece under a column of its own, or
    /// two amounts. The row's sums decide (see `recognise::table`).
    pub may_end_left_number: bool,
}

impl Cell {
    /// A cell printed on one line.
    pub fn new(text: impl Into<String>, at: Provenance) -> Cell {
        Cell {
            text: text.into(),
            at,
            joined_at: None,
            column_guessed: false,
            label_in_doubt: false,
            moved: false,
            may_end_left_number: false,
        }
    }
}

/// How far a value can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CellStatus {
    /// Printed value, in a column the header or the standard layout fixes.
    Ok,
    /// Value or column reconstructed, and every identity it takes part in holds.
    Repaired,
    /// No reconstruction satisfied every identity, or several did.
    Uncertain,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Ok => "ok",
            CellStatus::Repaired => "repaired",
            CellStatus::Uncertain => "uncertain",
        }
    }
}

/// The side of a two-sided table (`summary`, `fiscal_summary`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Income,
    Expenditure,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Income => "income",
            Section::Expenditure => "expenditure",
        }
    }
}

/// Monetary unit a table states. Output is in 万元 or 元 (the schema's
/// two); a table printed in 千元 or 亿元 is given in 元 (see
/// [`Unit::yuan_multiple`]) before it leaves recognition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Unit {
    #[default]
    WanYuan,
    Yuan,
    QianYuan,
    YiYuan,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::WanYuan => "万元",
            Unit::Yuan => "元",
            Unit::QianYuan => "千元",
            Unit::YiYuan => "亿元",
        }
    }

    /// How many 元 one of a unit the output does not keep is (千元: 1000).
    pub fn yuan_multiple(self) -> Option<i64> {
        match self {
            Unit::WanYuan | Unit::Yuan => None,
            Unit::QianYuan => Some(1_000),
            Unit::YiYuan => Some(100_000_000),
        }
    }

    /// A header's name and the unit printed after it, from a normalised
    /// label: `总计(万元)` → (`总计`, 万元), `金额(单位:元)` → (`金额`, 元),
    /// and one cut at the cell's edge (`合计(万`). A label without one
    /// comes back whole.
    pub fn split_suffix(label: &str) -> (&str, Option<Unit>) {
        const SUFFIXES: [(&str, Unit); 8] = [
            ("(单位:万元)", Unit::WanYuan),
            ("(单位:万元", Unit::WanYuan),
            ("(单位:元)", Unit::Yuan),
            ("(单位:元", Unit::Yuan),
            ("(万元)", Unit::WanYuan),
            ("(万元", Unit::WanYuan),
            ("(万", Unit::WanYuan),
            ("(元)", Unit::Yuan),
        ];
        SUFFIXES
            .iter()
            .find_map(|(suffix, unit)| {
                let name = label.strip_suffix(suffix)?;
                (!name.is_empty()).then_some((name, Some(*unit)))
            })
            .unwrap_or((label, None))
    }
}

/// The number printed before a table's title: `表3` → 3, and a part's
/// `表1-1` → 1-1 (Sichuan numbers the tables under a summary so).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableNo {
    pub major: u32,
    pub minor: Option<u32>,
}

impl From<u32> for TableNo {
    fn from(major: u32) -> Self {
        TableNo { major, minor: None }
    }
}

impl fmt::Display for TableNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}-{minor}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

/// A classification code, digits only (`208 01 01` → `2080101`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// Accepts 3 (类), 5 (款) or 7 (项) digits.
    pub fn new(digits: &str) -> Option<Code> {
        Code::is_valid(digits).then(|| Code(digits.to_string()))
    }

    /// Whether `digits` are a code: 3 (类), 5 (款) or 7 (项) digits.
    pub fn is_valid(digits: &str) -> bool {
        matches!(digits.len(), 3 | 5 | 7) && digits.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1 for 类, 2 for 款, 3 for 项.
    pub fn level(&self) -> u8 {
        match self.0.len() {
            3 => 1,
            5 => 2,
            _ => 3,
        }
    }

    /// The code one level up (`2080101` → `20801`), if any.
    pub fn parent(&self) -> Option<Code> {
        match self.0.len() {
            5 | 7 => Some(Code(self.0[..self.0.len() - 2].to_string())),
            _ => None,
        }
    }
}

/// One amount of a row, in one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub measure: Measure,
    pub amount: Amount,
    pub status: CellStatus,
    pub at: Provenance,
    /// Other measures this value could belong to (column not certain).
    pub alternatives: Vec<Measure>,
    /// The amount as printed, when a digit lost at the cell's edge was
    /// restored while the row was read (`576.9` read as 576.95): the
    /// restoration still has to be proved by the whole document's
    /// identities (`solve::digits::confirm_restored`).
    pub restored_from: Option<Amount>,
}

/// One logical row of a table (a two-sided physical row gives two).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub section: Option<Section>,
    pub code: Option<Code>,
    /// Row label, normalised (SCHEMA.md `item`).
    pub item: String,
    /// Project name in project tables, normalised; empty otherwise.
    pub project: String,
    pub values: Vec<Value>,
    pub at: Provenance,
}

/// `a == b` for measure names, answered without comparing bytes when both
/// are the grammar's one copy of a name (most lookups: every cell's lookup
/// goes through here, and every wide-file cell's column).
pub fn same_measure(a: &str, b: &str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

impl Row {
    /// A row a “三公” table prints: a category's label and its amounts, no
    /// code, no side.
    pub fn category(item: String, values: Vec<Value>, at: Provenance) -> Row {
        Row {
            section: None,
            code: None,
            item,
            project: String::new(),
            values,
            at,
        }
    }

    /// 合计/总计 rows (and the two-sided grand totals).
    pub fn is_total(&self) -> bool {
        self.code.is_none() && is_total_label(&self.item)
    }

    pub fn value(&self, measure: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|v| same_measure(v.measure, measure))
    }

    pub fn value_mut(&mut self, measure: &str) -> Option<&mut Value> {
        self.values
            .iter_mut()
            .find(|v| same_measure(v.measure, measure))
    }

    /// A balance line: carried in (`年初结转和结余`, `上年结转`) or forward.
    pub fn is_balance(&self) -> bool {
        self.item.contains("结转") || self.item.contains("结余")
    }

    /// A side's year subtotal: `本年收入合计` / `本年支出合计`.
    pub fn is_year_subtotal(&self) -> bool {
        self.code.is_none() && self.item.starts_with("本年") && self.item.ends_with("合计")
    }
}

/// True for labels of grand-total rows: 合计, 总计, 小计, 收入总计, 支出合计 …
pub fn is_total_label(item: &str) -> bool {
    matches!(
        item,
        "合计" | "总计" | "小计" | "收入总计" | "支出总计" | "收入合计" | "支出合计" | "收支总计"
    )
}

/// A recognised table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Number printed before the title (`表1`, `表一：` → 1, `表1-1`).
    pub number: Option<TableNo>,
    pub kind: &'static str,
    pub title: String,
    pub unit: Unit,
    pub at: Provenance,
    pub rows: Vec<Row>,
    /// The document says this table is empty (`…为空表`).
    pub declared_empty: bool,
    /// Measures of the table's amount columns (for two-sided tables, both
    /// sides): a blank cell in one of these columns means zero.
    pub columns: Vec<Measure>,
    /// For a two-sided table, each side's columns: a measure only the other
    /// side has is absent from a row, not blank (zero).
    pub sides: Option<Sides>,
    /// Problems that make the table's extraction incomplete.
    pub issues: Vec<String>,
    /// How its amounts came to their rows and columns.
    pub placement: Placement,
}

/// How a table's amounts came to their rows and columns: what an `ok`
/// amount of it promises (`check` holds it to that).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    /// Read off the table's cells (tabs, aligned columns, PDF positions).
    #[default]
    Cells,
    /// Inferred from the order of a flow dump's words: an `ok` amount is as
    /// sure as the identities it takes part in.
    Order,
    /// Inferred from an order the dump visibly broke (a side's labels and
    /// amounts out of step): an amount no identity confirms is uncertain.
    BrokenOrder,
    /// Inferred from the order of the words of a dump laid out by position
    /// (`pdftotext -layout`), read again in order when its spacing lost the
    /// columns: a tall row prints its amount half a line above or below its
    /// code, so the order does not show whose amount it is. An amount no
    /// identity confirms is uncertain.
    PositionsReadInOrder,
}

/// The amount columns of each side of a two-sided table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sides {
    pub income: Vec<Measure>,
    pub expenditure: Vec<Measure>,
}

impl Table {
    /// Whether a sure amount of it that no holding identity confirms is
    /// doubtful: an order the dump visibly broke, words laid out by position
    /// read in order, or a two-sided table
    /// placed by order — its sides' labels and amounts interleave in the
    /// dump (pdfminer prints the income amounts between the expenditure
    /// labels: `1,010.39` / `202 外交支出`), so only the arithmetic shows
    /// which label an amount belongs to.
    pub fn needs_confirmation(&self) -> bool {
        match self.placement {
            Placement::Cells => false,
            Placement::Order => self.sides.is_some(),
            Placement::BrokenOrder | Placement::PositionsReadInOrder => true,
        }
    }

    /// The measures of the amount columns `section` has: one side's for a
    /// two-sided table, else all of them.
    pub fn columns_of(&self, section: Option<Section>) -> &[Measure] {
        match (&self.sides, section) {
            (Some(s), Some(Section::Income)) => &s.income,
            (Some(s), Some(Section::Expenditure)) => &s.expenditure,
            _ => &self.columns,
        }
    }
}

/// Staffing figures of 第一部分.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staffing {
    pub quota: Option<u32>,
    pub actual: Option<u32>,
    pub active: Option<u32>,
    pub retired: Option<u32>,
    pub honorary_retired: Option<u32>,
}

/// Budget (预算) or final account (决算).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Budget,
    FinalAccount,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Budget => "budget",
            DocKind::FinalAccount => "final_account",
        }
    }
}

/// Everything recognised in one document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub agency: Option<String>,
    pub year: Option<u16>,
    pub kind: Option<DocKind>,
    pub staffing: Staffing,
    pub tables: Vec<Table>,
    /// Titles of tables the grammar does not know.
    pub unknown_tables: Vec<String>,
    /// Titles of tables the grammar extracts seen, table-of-contents
    /// entries included.
    pub titles_seen: usize,
    /// Lines of 第三部分 (the narrative that restates the figures).
    pub narrative: Vec<(Provenance, String)>,
    /// Document-level problems (layout not supported …).
    pub issues: Vec<String>,
    /// Rows of codes and amounts read in no table (their title or their
    /// table's reading lost).
    pub stray_rows: usize,
}

impl Document {
    /// A final account (决算): its amounts are the year's outturn.
    pub fn is_final_account(&self) -> bool {
        self.kind == Some(DocKind::FinalAccount)
    }

    /// The unit most of the document's tables state.
    pub fn unit(&self) -> Option<Unit> {
        let wan = self
            .tables
            .iter()
            .filter(|t| t.unit == Unit::WanYuan)
            .count();
        let yuan = self.tables.len() - wan;
        match (wan, yuan) {
            (0, 0) => None,
            (w, y) if y > w => Some(Unit::Yuan),
            _ => Some(Unit::WanYuan),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_after_a_headers_name() {
        assert_eq!(
            Unit::split_suffix("总计(万元)"),
            ("总计", Some(Unit::WanYuan))
        );
        assert_eq!(
            Unit::split_suffix("金额(单位:元)"),
            ("金额", Some(Unit::Yuan))
        );
        assert_eq!(
            Unit::split_suffix("增减额(元)"),
            ("增减额", Some(Unit::Yuan))
        );
        // Cut at the cell's edge.
        assert_eq!(Unit::split_suffix("合计(万"), ("合计", Some(Unit::WanYuan)));
        assert_eq!(
            Unit::split_suffix("合计(万元"),
            ("合计", Some(Unit::WanYuan))
        );
        // No name before it, another unit, a percentage: no unit.
        assert_eq!(Unit::split_suffix("(万元)"), ("(万元)", None));
        assert_eq!(Unit::split_suffix("金额(千元)"), ("金额(千元)", None));
        assert_eq!(Unit::split_suffix("增减(%)"), ("增减(%)", None));
    }
}
