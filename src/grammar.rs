//! The grammar as data: table kinds, title patterns, header synonyms,
//! standard column layouts and the function classification, read from
//! `grammars/*.toml`.
//!
//! The files are embedded in the binary (so it runs from anywhere) and can be
//! replaced at run time with `--grammars DIR`, so adding a synonym needs no
//! code change.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use regex::Regex;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use thread_local::ThreadLocal;

use crate::model::Unit;
use crate::normalize;

/// A canonical measure key such as `total` or `general_budget`.
pub type Measure = &'static str;

pub mod identities;

const EMBEDDED: [(&str, &str); 4] = [
    ("measures.toml", include_str!("../grammars/measures.toml")),
    ("tables.toml", include_str!("../grammars/tables.toml")),
    (
        "function_classes.toml",
        include_str!("../grammars/function_classes.toml"),
    ),
    (
        "identities.toml",
        include_str!("../grammars/identities.toml"),
    ),
];

/// How a table kind lays out its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// Rows carry a classification code and a name.
    Coded,
    /// Income and expenditure sections side by side in one row.
    TwoSided,
    /// The “三公” table, row-wise or transposed.
    ThreePublic,
}

#[derive(Debug)]
pub struct TableKind {
    pub key: &'static str,
    titles: Vec<TitlePattern>,
    pub shape: Shape,
    /// A 项目名称 column follows the row name.
    pub has_project: bool,
    /// Standard layouts of the amount columns (for two-sided tables: the income side).
    pub layouts: Vec<Vec<Measure>>,
    /// Two-sided tables: standard layouts of the expenditure side.
    pub expenditure_layouts: Vec<Vec<Measure>>,
    /// How many of `expenditure_layouts`, the last ones, hold only where the
    /// header names their columns (a flow dump's reader, which otherwise
    /// takes the widest layout, checks).
    pub named_expenditure_layouts: usize,
    /// Columns in order of how often they hold amounts: the prior for a
    /// guess the arithmetic leaves open.
    pub column_prior: Vec<Measure>,
    /// Words naming what the table reports (`政府性基金`): a sentence with
    /// one of them and a word of absence (`Grammar::absence_words`) says
    /// the table is empty, so its not being printed is no loss.
    pub subjects: Vec<String>,
}

/// What a header cell says about its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderMeaning {
    /// Exactly one measure.
    Measure(Measure),
    /// A header cut short: a prefix of synonyms of these measures (possibly
    /// a group heading over them).
    Prefix(Vec<Measure>),
    /// Names a label column (code, name, project).
    Label,
    /// Anything else (a group heading, or text the grammar does not know).
    Other,
}

/// What a title line names.
#[derive(Debug, Clone, Copy)]
pub enum TitleMeaning<'g> {
    Kind(&'g TableKind),
    /// A known table that carries nothing to harvest (绩效目标表).
    Ignored,
}

#[derive(Debug)]
pub struct Grammar {
    /// The arithmetic identities checked on every document.
    pub identities: identities::IdentityGrammar,
    synonyms: HashMap<String, Measure>,
    synonym_list: Vec<(String, Measure)>,
    /// `synonym_list` by first character, longest first (`measures_named`).
    synonyms_by_first: HashMap<char, Vec<(String, Measure)>>,
    /// The synonyms that name an item of a table's side (`item_names_in`),
    /// by their first character, longest first.
    item_names: HashMap<char, Vec<String>>,
    label_headers: Vec<String>,
    /// Those of four characters or more, in order (`label_column_in`).
    long_label_headers: Vec<String>,
    pub kinds: Vec<TableKind>,
    ignored_titles: Vec<TitlePattern>,
    title_index: TitleIndex,
    class_by_name: HashMap<String, &'static str>,
    /// 类 codes of the economic classifications (`301`, `502`).
    economic_classes: Vec<String>,
    /// Their names, each with every class printing it (`工资福利支出` →
    /// `301`; `对个人和家庭的补助` → `303`, `509`: the department's and the
    /// government's classifications share names).
    economic_class_by_name: HashMap<String, Vec<String>>,
    /// 项 whose name fixes their code (see [`Grammar::names_subitem`]).
    subitems: Subitems,
    /// “三公” categories: (canonical item, printed variants).
    pub three_public_categories: Vec<(&'static str, Vec<String>)>,
    /// Measure words ending a transposed “三公” header cell.
    three_public_heading_suffixes: Vec<String>,
    /// Printed column orders of transposed “三公” tables (canonical
    /// categories), tried against the table's identities when the header
    /// does not name every amount column.
    pub three_public_orders: Vec<Vec<&'static str>>,
    class_names: Vec<String>,
    /// Words saying there is nothing to report (`没有`, `为空表`).
    pub absence_words: Vec<String>,
    /// Answers already given on this thread: the same header words and
    /// titles come back many times in a document, and in every document.
    memo: ThreadLocal<RefCell<Memo>>,
}

/// What `header` and `match_title` answered, by the text asked about.
#[derive(Debug, Default)]
struct Memo {
    headers: FxHashMap<String, HeaderMeaning>,
    titles: FxHashMap<String, Option<TitleAnswer>>,
}

impl Memo {
    /// Enough for every distinct header and title of a large batch's
    /// documents; past it the memo starts again (documents of an unusual
    /// kind may name columns and tables in endless ways).
    const MOST: usize = 20_000;
}

/// `TitleMeaning` by the kind's index: what the memo keeps.
#[derive(Debug, Clone, Copy)]
enum TitleAnswer {
    Kind(usize),
    Ignored,
}

#[derive(Deserialize)]
struct MeasuresFile {
    // Ordered: a word two measures list, or a name two classes do, must
    // resolve the same way on every run (a HashMap's order is random).
    synonyms: BTreeMap<String, Vec<String>>,
    label_headers: Vec<String>,
}

#[derive(Deserialize)]
struct TablesFile {
    kind: Vec<KindFile>,
    ignored: IgnoredFile,
    three_public: ThreePublicFile,
    absence: AbsenceFile,
}

#[derive(Deserialize)]
struct AbsenceFile {
    words: Vec<String>,
}

#[derive(Deserialize)]
struct KindFile {
    key: String,
    titles: Vec<String>,
    shape: Shape,
    #[serde(default)]
    project: bool,
    layouts: Vec<Vec<String>>,
    #[serde(default)]
    expenditure_layouts: Vec<Vec<String>>,
    #[serde(default)]
    named_expenditure_layouts: Vec<Vec<String>>,
    #[serde(default)]
    column_prior: Vec<String>,
    #[serde(default)]
    subjects: Vec<String>,
}

#[derive(Deserialize)]
struct IgnoredFile {
    titles: Vec<String>,
}

fn default_heading_suffixes() -> Vec<String> {
    ["预算数", "决算数", "数"].map(String::from).to_vec()
}

#[derive(Deserialize)]
struct ThreePublicFile {
    /// Optional, so a `--grammars` copy made before the key existed loads.
    #[serde(default = "default_heading_suffixes")]
    heading_suffixes: Vec<String>,
    categories: Vec<(String, Vec<String>)>,
    #[serde(default)]
    orders: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct ClassesFile {
    classes: BTreeMap<String, Vec<String>>,
    /// Economic classes: only their codes are used (a class row's code).
    economic_classes: BTreeMap<String, Vec<String>>,
    /// Optional, so a `--grammars` copy made before the table existed loads.
    #[serde(default)]
    subitems: Subitems,
}

/// 项 whose name fixes their code (`function_classes.toml` `[subitems]`).
#[derive(Debug, Deserialize, Default)]
struct Subitems {
    /// A 项's last two digits by its name, whatever its 类 and 款.
    #[serde(default)]
    by_level: BTreeMap<String, Vec<String>>,
    /// The 项 named `prefix`…`suffix` and its last two digits.
    #[serde(default)]
    other: Option<OtherSubitem>,
    /// Whole 项 codes by name.
    #[serde(default)]
    codes: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct OtherSubitem {
    prefix: String,
    suffix: String,
    level: String,
}

/// The “三公” vehicles category and its two parts, canonical names of
/// `grammars/tables.toml` `[three_public] categories`: the transposed
/// table's readers place the parts under the vehicles.
pub const THREE_PUBLIC_VEHICLES: &str = "公务用车购置及运行费";
pub const THREE_PUBLIC_VEHICLE_PARTS: [&str; 2] = ["公务用车购置费", "公务用车运行费"];

/// `names` by key, each name normalised as labels are compared.
fn normalized_names(names: BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    names
        .into_iter()
        .map(|(k, ns)| {
            (
                k,
                ns.iter()
                    .map(|n| normalize::label(n).into_owned())
                    .collect(),
            )
        })
        .collect()
}

static GLOBAL: OnceLock<Grammar> = OnceLock::new();

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A title regular expression, with the text every match of it ends with.
#[derive(Debug)]
struct TitlePattern {
    regex: Regex,
    /// Most patterns are anchored at the end (`…总体情况表$`): a title not
    /// ending with their last plain characters cannot match, and most lines
    /// tested are not titles. Empty when no such text can be read off.
    suffix: String,
    /// A pattern that is its suffix alone (`收支总表$`, `^收入预算表$`)
    /// matches without running the regex (most of the grammar's).
    literal: Option<Literal>,
}

/// How a plain pattern matches: a title ending with its suffix, or equal
/// to it (anchored at the start too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    Ending,
    Whole,
}

impl TitlePattern {
    fn new(pattern: &str) -> Result<Self, regex::Error> {
        let suffix = required_suffix(pattern);
        let body = pattern.strip_suffix('$').unwrap_or(pattern);
        let literal = if suffix.is_empty() {
            None
        } else if body == suffix {
            Some(Literal::Ending)
        } else if body.strip_prefix('^') == Some(suffix.as_str()) {
            Some(Literal::Whole)
        } else {
            None
        };
        Ok(TitlePattern {
            regex: Regex::new(pattern)?,
            suffix,
            literal,
        })
    }

    /// The length of the leftmost match in `title`, if any.
    fn match_len(&self, title: &str) -> Option<usize> {
        if !title.ends_with(self.suffix.as_str()) {
            return None;
        }
        match self.literal {
            // Every match ends where the title does: the leftmost is the
            // suffix itself.
            Some(Literal::Ending) => Some(self.suffix.len()),
            Some(Literal::Whole) => (title.len() == self.suffix.len()).then_some(title.len()),
            None => self.regex.find(title).map(|m| m.len()),
        }
    }
}

/// Where a title pattern is kept: a kind's list (by the kind's index), or
/// the ignored titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternOwner {
    Kind(usize),
    Ignored,
}

/// The title patterns by the text every match of them ends with, so that a
/// title is tried only against the patterns it can match (the grammar has
/// hundreds, and most lines tested name no table).
#[derive(Debug)]
struct TitleIndex {
    by_suffix: HashMap<String, Vec<(PatternOwner, usize)>>,
    /// Patterns without a suffix: tried against every title.
    always: Vec<(PatternOwner, usize)>,
    /// The longest suffix, in characters.
    longest: usize,
}

impl TitleIndex {
    fn new(kinds: &[TableKind], ignored: &[TitlePattern]) -> Self {
        let lists = kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| (PatternOwner::Kind(k), kind.titles.as_slice()))
            .chain(std::iter::once((PatternOwner::Ignored, ignored)));
        let mut index = TitleIndex {
            by_suffix: HashMap::new(),
            always: Vec::new(),
            longest: 0,
        };
        for (owner, patterns) in lists {
            for (i, p) in patterns.iter().enumerate() {
                if p.suffix.is_empty() {
                    index.always.push((owner, i));
                } else {
                    index.longest = index.longest.max(p.suffix.chars().count());
                    index
                        .by_suffix
                        .entry(p.suffix.clone())
                        .or_default()
                        .push((owner, i));
                }
            }
        }
        index
    }

    /// The patterns `title` may match: those whose suffix it ends with,
    /// and those without one.
    fn candidates<'a>(
        &'a self,
        title: &'a str,
    ) -> impl Iterator<Item = (PatternOwner, usize)> + 'a {
        title
            .char_indices()
            .rev()
            .take(self.longest)
            .filter_map(|(at, _)| self.by_suffix.get(&title[at..]))
            .flatten()
            .chain(&self.always)
            .copied()
    }
}

/// The plain characters before the final `$` of an end-anchored pattern
/// (`(预算)?总体情况表$` → `总体情况表`): every match ends with them. Empty
/// for a pattern this cannot be read off safely: not end-anchored, an
/// alternation or an escape anywhere, or any `(?` group but a plain
/// non-capturing `(?:` (flags such as `(?i)`, `(?x)`, `(?m)` change what
/// the text and the `$` mean, wherever they stand).
fn required_suffix(pattern: &str) -> String {
    let Some(body) = pattern.strip_suffix('$') else {
        return String::new();
    };
    let flags = pattern
        .match_indices("(?")
        .any(|(i, _)| !pattern[i + 2..].starts_with(':'));
    if pattern.contains(['|', '\\']) || flags {
        return String::new();
    }
    let mut tail: Vec<char> = body
        .chars()
        .rev()
        .take_while(|c| !"()[]{}?*+.^$".contains(*c))
        .collect();
    tail.reverse();
    tail.into_iter().collect()
}

/// A title with the year printed after it (`…情况表(2024年)`,
/// `…预算表(2024)`, `…(2024年度)`): the title before it.
fn strip_year_after(title: &str) -> &str {
    let Some(inner) = title.strip_suffix(')') else {
        return title;
    };
    let Some(open) = inner.rfind('(') else {
        return title;
    };
    let year = inner[open + 1..]
        .trim_end_matches('度')
        .trim_end_matches('年');
    let is_year = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    if is_year && inner[..open].ends_with('表') {
        &inner[..open]
    } else {
        title
    }
}

/// Quotes vary between publishers (“三公” / "三公" / 三公): titles are compared without them.
fn strip_quotes(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '“' | '”' | '"' | '‘' | '’' | '\''))
        .collect()
}

impl Grammar {
    /// The grammar in use: the embedded one unless [`Grammar::install`] ran first.
    pub fn global() -> &'static Grammar {
        GLOBAL.get_or_init(|| Grammar::embedded().expect("embedded grammar is valid"))
    }

    /// Replaces the embedded grammar with the files of `dir` (same names).
    pub fn install(dir: &Path) -> Result<()> {
        let mut texts = Vec::new();
        for (name, _) in EMBEDDED {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading grammar file {}", path.display()))?;
            texts.push(text);
        }
        let grammar = Grammar::parse(&texts[0], &texts[1], &texts[2], &texts[3])
            .with_context(|| format!("grammar in {}", dir.display()))?;
        if GLOBAL.set(grammar).is_err() {
            bail!("grammar already in use");
        }
        Ok(())
    }

    pub fn embedded() -> Result<Grammar> {
        Grammar::parse(EMBEDDED[0].1, EMBEDDED[1].1, EMBEDDED[2].1, EMBEDDED[3].1)
    }

    fn parse(measures: &str, tables: &str, classes: &str, identities: &str) -> Result<Grammar> {
        let m: MeasuresFile = toml::from_str(measures).context("measures.toml")?;
        let t: TablesFile = toml::from_str(tables).context("tables.toml")?;
        let c: ClassesFile = toml::from_str(classes).context("function_classes.toml")?;

        let mut synonyms = HashMap::new();
        let mut synonym_list = Vec::new();
        let mut keys: HashMap<String, Measure> = HashMap::new();
        let mut sorted: Vec<_> = m.synonyms.into_iter().collect();
        sorted.sort();
        for (key, words) in sorted {
            let key: Measure = leak(key.clone());
            keys.insert(key.to_string(), key);
            for w in words {
                let w = normalize::label(&w).into_owned();
                if let Some(prev) = synonyms.insert(w.clone(), key) {
                    bail!("header synonym {w} is given for both {prev} and {key}");
                }
                synonym_list.push((w, key));
            }
        }
        let measure = |name: &str| -> Result<Measure> {
            keys.get(name)
                .copied()
                .with_context(|| format!("layout names unknown measure {name}"))
        };
        let compile = |pats: &[String]| -> Result<Vec<TitlePattern>> {
            pats.iter()
                .map(|p| {
                    TitlePattern::new(&strip_quotes(&normalize::label(p)))
                        .with_context(|| format!("title pattern {p}"))
                })
                .collect()
        };
        let ignored_titles = compile(&t.ignored.titles)?;
        let mut kinds = Vec::new();
        for k in t.kind {
            let layouts = |ls: &[Vec<String>]| -> Result<Vec<Vec<Measure>>> {
                ls.iter()
                    .map(|l| l.iter().map(|n| measure(n)).collect())
                    .collect()
            };
            let named_expenditure_layouts = k.named_expenditure_layouts.len();
            let mut expenditure_layouts = k.expenditure_layouts;
            expenditure_layouts.extend(k.named_expenditure_layouts);
            kinds.push(TableKind {
                key: leak(k.key),
                titles: compile(&k.titles)?,
                shape: k.shape,
                has_project: k.project,
                layouts: layouts(&k.layouts)?,
                expenditure_layouts: layouts(&expenditure_layouts)?,
                named_expenditure_layouts,
                column_prior: k
                    .column_prior
                    .iter()
                    .map(|n| measure(n))
                    .collect::<Result<_>>()?,
                subjects: k.subjects,
            });
        }
        let mut class_by_name = HashMap::new();
        let mut class_names = Vec::new();
        for (code, names) in c.classes {
            let code = leak(code);
            for n in names {
                let name = normalize::label(&n).into_owned();
                class_by_name.insert(name.clone(), code);
                class_names.push(name);
            }
        }
        // Longest first, so a prefix never shadows a longer name.
        class_names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        let identities = identities::parse(identities, &keys)?;
        let three_public_categories: Vec<(&'static str, Vec<String>)> = t
            .three_public
            .categories
            .into_iter()
            .map(|(k, v)| {
                (
                    leak(k),
                    v.iter().map(|s| normalize::label(s).into_owned()).collect(),
                )
            })
            .collect();
        let three_public_orders = t
            .three_public
            .orders
            .iter()
            .map(|order| {
                order
                    .iter()
                    .map(|name| {
                        three_public_categories
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(k, _)| *k)
                            .with_context(|| {
                                format!("“三公” column order names unknown category {name}")
                            })
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        /// Measures that are no item: the document's measure, totals and
        /// comparisons.
        const NOT_ITEMS: [&str; 6] = [
            "budget",
            "final",
            "total",
            "prior_year",
            "change",
            "change_rate",
        ];
        // A name that begins a total's (`本年收入` of `本年收入合计`) is
        // that total's start in a label, no item of its own.
        let begins_a_total = |w: &str| {
            synonym_list
                .iter()
                .any(|(t, m)| NOT_ITEMS.contains(m) && t.len() > w.len() && t.starts_with(w))
        };
        let mut item_names: HashMap<char, Vec<String>> = HashMap::new();
        for (w, m) in &synonym_list {
            if let (false, Some(first), true) = (
                NOT_ITEMS.contains(m) || begins_a_total(w),
                w.chars().next(),
                w.chars().count() >= 4,
            ) {
                item_names.entry(first).or_default().push(w.clone());
            }
        }
        for names in item_names.values_mut() {
            names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        }
        let label_headers: Vec<String> = m
            .label_headers
            .iter()
            .map(|s| normalize::label(s).into_owned())
            .collect();
        let long_label_headers = label_headers
            .iter()
            .filter(|l| l.chars().count() >= 4)
            .cloned()
            .collect();
        Ok(Grammar {
            identities,
            synonyms,
            synonyms_by_first: {
                let mut by_first: HashMap<char, Vec<(String, Measure)>> = HashMap::new();
                for (w, m) in &synonym_list {
                    if let Some(c) = w.chars().next() {
                        by_first.entry(c).or_default().push((w.clone(), m));
                    }
                }
                for list in by_first.values_mut() {
                    list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
                }
                by_first
            },
            synonym_list,
            item_names,
            long_label_headers,
            label_headers,
            title_index: TitleIndex::new(&kinds, &ignored_titles),
            kinds,
            ignored_titles,
            class_by_name,
            economic_class_by_name: c.economic_classes.iter().fold(
                HashMap::new(),
                |mut by_name: HashMap<String, Vec<String>>, (code, names)| {
                    for n in names {
                        by_name
                            .entry(normalize::label(n).into_owned())
                            .or_default()
                            .push(code.clone());
                    }
                    by_name
                },
            ),
            subitems: Subitems {
                by_level: normalized_names(c.subitems.by_level),
                other: c.subitems.other,
                codes: normalized_names(c.subitems.codes),
            },
            economic_classes: {
                let mut codes: Vec<String> = c.economic_classes.into_keys().collect();
                codes.sort();
                codes
            },
            three_public_heading_suffixes: t.three_public.heading_suffixes.clone(),
            absence_words: t.absence.words,
            memo: ThreadLocal::new(),
            three_public_orders,
            three_public_categories,
            class_names,
        })
    }

    pub fn kind(&self, key: &str) -> Option<&TableKind> {
        self.kinds.iter().find(|k| k.key == key)
    }

    /// Which table a (normalised) title names; the longest pattern match wins.
    pub fn match_title(&self, title: &str) -> Option<TitleMeaning<'_>> {
        // Every title pattern ends in 表 or a parenthesised year: the many
        // lines that cannot be titles are neither matched nor remembered.
        if !(title.ends_with('表') || title.ends_with(')')) {
            return None;
        }
        let memo = self.memo.get_or_default();
        let known = memo.borrow().titles.get(title).copied();
        let answer = known.unwrap_or_else(|| {
            let answer = self.title_answer(title);
            let titles = &mut memo.borrow_mut().titles;
            if titles.len() >= Memo::MOST {
                titles.clear();
            }
            titles.insert(title.to_string(), answer);
            answer
        });
        answer.map(|a| match a {
            TitleAnswer::Kind(k) => TitleMeaning::Kind(&self.kinds[k]),
            TitleAnswer::Ignored => TitleMeaning::Ignored,
        })
    }

    /// `match_title` worked out.
    fn title_answer(&self, title: &str) -> Option<TitleAnswer> {
        // `…明细表（按功能科目）`: how the rows are classified, not the table;
        // but a table of another classification than its kind's is none of
        // ours (`部门支出预算表（按经济科目）`).
        let (title, clause) = match title.rfind("(按") {
            Some(at) if title.ends_with(')') && title[..at].ends_with('表') => {
                (&title[..at], &title[at..])
            }
            _ => (title, ""),
        };
        let title = strip_quotes(strip_year_after(title));
        // The longest match of each kind's patterns, and of the ignored.
        let mut per_kind: Vec<Option<usize>> = vec![None; self.kinds.len()];
        let mut ignored = None;
        for (owner, i) in self.title_index.candidates(&title) {
            let (pattern, longest) = match owner {
                PatternOwner::Kind(k) => (&self.kinds[k].titles[i], &mut per_kind[k]),
                PatternOwner::Ignored => (&self.ignored_titles[i], &mut ignored),
            };
            if let Some(len) = pattern.match_len(&title) {
                *longest = (*longest).max(Some(len));
            }
        }
        // Of kinds matching as long, the last listed (as `max_by_key`).
        let best = self
            .kinds
            .iter()
            .enumerate()
            .zip(&per_kind)
            .filter_map(|(k, len)| len.map(|len| (len, k)))
            .max_by_key(|(len, _)| *len);
        let economic = |k: &TableKind| k.key == "general_budget_basic";
        let other_classification = |k: &TableKind| {
            (clause.contains("经济") && !economic(k)) || (clause.contains("功能") && economic(k))
        };
        match (best, ignored) {
            (Some((_, (_, k))), _) if other_classification(k) => None,
            (Some((len, (i, _))), ignored) if ignored.is_none_or(|i| i < len) => {
                Some(TitleAnswer::Kind(i))
            }
            (_, Some(_)) => Some(TitleAnswer::Ignored),
            _ => None,
        }
    }

    /// The document's own measure a heading names: `预算数` → `budget`,
    /// `决算数` → `final` (a column of this year's figures, whatever else
    /// the table prints beside it).
    pub fn document_measure(&self, text: &str) -> Option<Measure> {
        match self.header(text) {
            HeaderMeaning::Measure(m) if Self::is_document_measure(m) => Some(m),
            _ => None,
        }
    }

    /// Whether `measure` is this year's figure of the document: `budget`
    /// (预算数) or `final` (决算数).
    pub fn is_document_measure(measure: &str) -> bool {
        matches!(measure, "budget" | "final")
    }

    /// Maps a header cell to its meaning.
    pub fn header(&self, text: &str) -> HeaderMeaning {
        let memo = self.memo.get_or_default();
        if let Some(known) = memo.borrow().headers.get(text) {
            return known.clone();
        }
        let meaning = self.header_meaning(text);
        let headers = &mut memo.borrow_mut().headers;
        if headers.len() >= Memo::MOST {
            headers.clear();
        }
        headers.insert(text.to_string(), meaning.clone());
        meaning
    }

    /// `header` worked out.
    fn header_meaning(&self, text: &str) -> HeaderMeaning {
        let h = normalize::label(text);
        if h.is_empty() {
            return HeaderMeaning::Other;
        }
        // A unit after the name (`总计（万元）`) is the table's business
        // (`recognise::units`), not the column's meaning.
        let (h, _) = Unit::split_suffix(&h);
        if let Some(m) = self.synonyms.get(h) {
            return HeaderMeaning::Measure(m);
        }
        // `其中:财政拨款`: a part of the column before. (A year before the
        // measure, `2023年执行数`, is made relative to the document's year
        // before headers are read: `recognise::table`.)
        if let Some(m) = h
            .strip_prefix("其中:")
            .and_then(|rest| self.synonyms.get(rest))
        {
            return HeaderMeaning::Measure(m);
        }
        if let Some(m) = self.measure_with_suffix(h) {
            return HeaderMeaning::Measure(m);
        }
        // Code and name columns: the listed headers, and any `…编码` /
        // `…代码` / `…名称` (`支出功能分类科目编码`, `科目代码`, `部门经济分类科目名称`).
        if self.label_headers.iter().any(|l| l == h)
            || h.ends_with("编码")
            || h.ends_with("代码")
            || h.ends_with("名称")
        {
            return HeaderMeaning::Label;
        }
        // A header cut short: a prefix of one or more synonyms.
        if h.chars().count() >= 3 {
            let mut cands: Vec<Measure> = self
                .synonym_list
                .iter()
                .filter(|(w, _)| w.starts_with(h))
                .map(|(_, m)| *m)
                .collect();
            cands.sort_unstable();
            cands.dedup();
            // Kept apart from exact matches even when unique: a heading cut
            // short and a group heading over sub-columns look alike.
            if !cands.is_empty() {
                return HeaderMeaning::Prefix(cands);
            }
            if self.label_headers.iter().any(|l| l.starts_with(h)) {
                return HeaderMeaning::Label;
            }
        }
        HeaderMeaning::Other
    }

    /// Whether `text` holds a label column's heading of four characters or
    /// more (`科目编码`, `功能分类`): a header's words run together
    /// (`科目编码科目名称合计…`), never a budget line's name.
    pub fn mentions_label_column(&self, text: &str) -> bool {
        self.label_column_in(text).is_some()
    }

    /// The first label column's heading of four characters or more that
    /// `text` holds.
    fn label_column_in(&self, text: &str) -> Option<&str> {
        self.long_label_headers
            .iter()
            .map(String::as_str)
            .find(|l| text.contains(l))
    }

    /// Whether `text` is a header's words run together on one line
    /// (`科目编码科目名称合计基本支出…`): a label column's heading of four
    /// characters or more and, besides it, another heading of a column.
    pub fn is_run_together_header(&self, text: &str) -> bool {
        let Some(label) = self.label_column_in(text) else {
            return false;
        };
        let rest = text.replacen(label, " ", 1);
        self.mentions_label_column(&rest)
            || self
                .synonym_list
                .iter()
                .any(|(s, _)| s.chars().count() >= 2 && rest.contains(s.as_str()))
    }

    /// A percent sign after an amount's name (`比上年增减(%)`, `增减%`)
    /// makes it the percentage a ratio of the grammar takes of that amount
    /// (`change_rate`); after a percentage's name it changes nothing.
    fn measure_with_suffix(&self, h: &str) -> Option<Measure> {
        let stem = h.strip_suffix("(%)").or_else(|| h.strip_suffix('%'))?;
        let m = *self.synonyms.get(stem)?;
        if self.identities.is_percentage(m) {
            return Some(m);
        }
        self.identities
            .ratios
            .iter()
            .find(|r| r.part == m)
            .map(|r| r.rate)
    }

    /// Whether a line on its own can be part of a table's header: a header
    /// cell the grammar knows (a “三公” category too), or a short heading
    /// ending in a label-column header (`部门预算经济分类科目`); not a line
    /// with digits (`本单位2024年无国有资本经营预算支出` is a sentence).
    pub fn is_heading(&self, text: &str) -> bool {
        let h = normalize::label(text);
        if h.bytes().any(|b| b.is_ascii_digit()) || h.chars().count() > 20 {
            return false;
        }
        if !matches!(self.header(&h), HeaderMeaning::Other)
            || self.three_public_category(&h).is_some()
        {
            return true;
        }
        self.label_headers
            .iter()
            .any(|l| l.chars().count() >= 2 && h.ends_with(l.as_str()))
    }

    /// The 类 code of a function-classification class name, ordinal allowed.
    pub fn class_code(&self, name: &str) -> Option<&'static str> {
        let n = normalize::label(name);
        self.class_by_name
            .get(normalize::strip_ordinal(&n))
            .copied()
    }

    /// Whether `text` opens a name of the 类 `code` (a name wrapped over
    /// lines starts with it): at least two characters, ordinal allowed.
    pub fn opens_class_name(&self, code: &str, text: &str) -> bool {
        let n = normalize::label(text);
        let n = normalize::strip_ordinal(&n);
        n.chars().count() >= 2
            && self
                .class_by_name
                .iter()
                .any(|(name, c)| *c == code && name.starts_with(n))
    }

    /// Whether `name` is a 项's whose code the classification fixes, and
    /// `code` (a 项's seven digits) that code: `2010302` and `2120102` are
    /// both 一般行政管理事务, `2080505` is 机关事业单位基本养老保险缴费支出,
    /// and a 款's 99 is 其他 and its name (`2080599` 其他行政事业单位养老支出
    /// under 行政事业单位养老支出, `2040699` 其他司法支出 under 司法), or its
    /// own name when that is a 其他… (`2049999` 其他公共安全支出). `parent`
    /// is the 款's name, as printed. A row's 项 read apart from its name is
    /// proven by it.
    pub fn names_subitem(&self, name: &str, code: &str, parent: Option<&str>) -> bool {
        let n = normalize::label(name);
        let n = n.as_ref();
        let Some(level) = code.get(5..).filter(|_| code.len() == 7) else {
            return false;
        };
        let names = |names: Option<&Vec<String>>| names.is_some_and(|ns| ns.iter().any(|x| x == n));
        let other = || {
            let (Some(o), Some(parent)) = (&self.subitems.other, parent) else {
                return false;
            };
            let p = normalize::label(parent);
            let stem = p.strip_suffix(o.suffix.as_str()).unwrap_or(&p);
            o.level == level
                && (n == format!("{}{stem}{}", o.prefix, o.suffix)
                    || (p.starts_with(o.prefix.as_str()) && n == p))
        };
        names(self.subitems.codes.get(code)) || names(self.subitems.by_level.get(level)) || other()
    }

    /// Whether `code` is a 类 of the function classification.
    pub fn class_names_by_code(&self, code: &str) -> bool {
        self.class_by_name.values().any(|c| *c == code)
    }

    /// The economic classes (of either classification) `name` names.
    pub fn economic_class_codes(&self, name: &str) -> &[String] {
        self.economic_class_by_name
            .get(normalize::label(name).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `name` is the name of the economic class `code`
    /// (`工资福利支出`, `301`; `对个人和家庭的补助`, `303` or `509`).
    pub fn names_economic_class(&self, name: &str, code: &str) -> bool {
        self.economic_class_codes(name).iter().any(|c| c == code)
    }

    /// Whether `code` is a 类 of an economic classification (department
    /// 3xx or government 5xx).
    pub fn is_economic_class(&self, code: &str) -> bool {
        self.economic_classes
            .binary_search_by(|c| c.as_str().cmp(code))
            .is_ok()
    }

    /// The longest synonym `rest` starts with, and its measure.
    fn synonym_at(&self, rest: &str) -> Option<&(String, Measure)> {
        let first = rest.chars().next()?;
        self.synonyms_by_first
            .get(&first)
            .and_then(|list| list.iter().find(|(w, _)| rest.starts_with(w.as_str())))
    }

    /// The measure `text` (normalised) is a synonym of, exactly: no prefix
    /// of a heading cut short, no unit suffix.
    pub fn synonym(&self, text: &str) -> Option<Measure> {
        self.synonyms.get(text).copied()
    }

    /// Every measure a header's text names, left to right, repeats kept: at
    /// each place the longest synonym printed there, so that `一般公共预算
    /// 财政拨款` names general_budget, not also fiscal_grant.
    pub fn measures_named(&self, header: &str) -> Vec<Measure> {
        let text = normalize::label(header);
        let mut measures = Vec::new();
        let mut rest: &str = &text;
        while let Some(c) = rest.chars().next() {
            match self.synonym_at(rest) {
                Some((w, m)) => {
                    measures.push(*m);
                    rest = &rest[w.len()..];
                }
                None => rest = &rest[c.len_utf8()..],
            }
        }
        measures
    }

    /// Whether a header's text is nothing but measures' and label columns'
    /// names run together (`科目编码科目名称合计一般公共预算拨款…其他收入`):
    /// then the measures it names are all the columns it has (in whatever
    /// order: a header of two rows names them row by row). A heading
    /// wrapped apart, or a column the grammar does not know, leaves other
    /// text.
    pub fn names_only_columns(&self, header: &str) -> bool {
        let text = normalize::label(header);
        let mut rest: &str = &text;
        while !rest.is_empty() {
            let measure = self.synonym_at(rest).map(|(w, _)| w.len());
            let label = self
                .label_headers
                .iter()
                .filter(|l| rest.starts_with(l.as_str()))
                .map(String::len)
                .max();
            match measure.max(label) {
                Some(len) => rest = &rest[len..],
                None => return false,
            }
        }
        true
    }

    /// The (normalised) header synonyms of a measure.
    pub fn synonyms_of(&self, measure: &str) -> Vec<&str> {
        self.synonym_list
            .iter()
            .filter(|(_, m)| *m == measure)
            .map(|(w, _)| w.as_str())
            .collect()
    }

    /// How many item names `label` runs together: the header names of the
    /// measures that are items of a table's side (`政府性基金预算`, `事业收入`,
    /// `用事业基金弥补收支差额`; not 预算数, 合计 or a comparison), each the
    /// longest starting where the last ended, other text skipped.
    pub fn item_names_in(&self, label: &str) -> usize {
        let mut count = 0;
        let mut rest = label;
        while let Some(first) = rest.chars().next() {
            let longest = self
                .item_names
                .get(&first)
                .and_then(|names| names.iter().find(|n| rest.starts_with(n.as_str())));
            match longest {
                Some(n) => {
                    count += 1;
                    rest = &rest[n.len()..];
                }
                None => rest = &rest[first.len_utf8()..],
            }
        }
        count
    }

    /// Function-class names, longest first.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The category a transposed “三公” table's header cell names: a year
    /// before it (`2024年`) and a measure word after it (`预算数`) allowed.
    pub fn three_public_heading(&self, text: &str) -> Option<&'static str> {
        let label = normalize::label(text);
        let label = label
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches('年');
        let stripped = self
            .three_public_heading_suffixes
            .iter()
            .fold(label, |l, suffix| l.trim_end_matches(suffix.as_str()));
        self.three_public_category(label)
            .or_else(|| self.three_public_category(stripped))
    }

    /// The category a header cell cut at its line's end begins to name
    /// (`2024年机关运行经`, its `费预算数` printed elsewhere): the one category
    /// whose name starts with its four or more characters.
    pub fn three_public_heading_cut(&self, text: &str) -> Option<&'static str> {
        let label = normalize::label(text);
        let label = label
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches('年');
        if label.chars().count() < 4 {
            return None;
        }
        let mut named = self
            .three_public_categories
            .iter()
            .filter(|(_, names)| names.iter().any(|n| n.starts_with(label)))
            .map(|(k, _)| *k);
        let first = named.next()?;
        named.next().is_none().then_some(first)
    }

    /// The canonical “三公” category a printed label names.
    pub fn three_public_category(&self, label: &str) -> Option<&'static str> {
        let mut l = normalize::label(label).replace(['“', '”', '"'], "");
        if let Some(rest) = l.strip_prefix("其中:") {
            l = rest.to_string();
        }
        let (l, _) = Unit::split_suffix(&l);
        let l = l.trim_end_matches("(小计)");
        let l = normalize::strip_ordinal(l);
        self.three_public_categories
            .iter()
            .find(|(_, names)| names.iter().any(|n| n == l))
            .map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_subitems_name_fixes_its_code_where_the_classification_does() {
        let g = Grammar::global();
        // By level, whatever the 类 and 款.
        assert!(g.names_subitem("一般行政管理事务", "2010302", None));
        assert!(g.names_subitem("一般行政管理事务", "2120102", None));
        assert!(!g.names_subitem("一般行政管理事务", "2120101", None));
        assert!(g.names_subitem(" 行政运行 ", "2080101", None));
        // A 款's 99 is 其他 and the 款's name, or the 款's own 其他… name;
        // not every 其他…支出 (2290401 其他政府性基金安排的支出 under 22904
        // 其他政府性基金及对应专项债务收入安排的支出).
        let pension = Some("行政事业单位养老支出");
        assert!(g.names_subitem("其他行政事业单位养老支出", "2080599", pension));
        assert!(!g.names_subitem("其他行政事业单位养老支出", "2080501", pension));
        assert!(!g.names_subitem("其他行政事业单位养老支出", "2080599", None));
        assert!(g.names_subitem("其他司法支出", "2040699", Some("司法")));
        assert!(g.names_subitem("其他公共安全支出", "2049999", Some("其他公共安全支出")));
        assert!(g.names_subitem("其他支出", "2299999", Some("其他支出")));
        let fund = Some("其他政府性基金及对应专项债务收入安排的支出");
        assert!(!g.names_subitem("其他政府性基金安排的支出", "2290499", fund));
        assert!(!g.names_subitem("其他城市生活救助", "2082501", Some("其他生活救助")));
        // Whole codes.
        assert!(g.names_subitem("机关事业单位基本养老保险缴费支出", "2080505", None));
        assert!(!g.names_subitem("机关事业单位基本养老保险缴费支出", "2080506", None));
        // 事业运行 is 50 in most 款 and 04 in 农业农村: no rule.
        assert!(!g.names_subitem("事业运行", "2010350", None));
        // Only a 项's seven digits.
        assert!(!g.names_subitem("行政运行", "20801", None));
    }

    #[test]
    fn item_names_run_together_are_counted() {
        let g = Grammar::global();
        assert_eq!(g.item_names_in("政府性基金预算国有资本经营预算"), 2);
        assert_eq!(g.item_names_in("其中:事业收入事业单位经营收入"), 2);
        assert_eq!(g.item_names_in("其他收入用事业基金弥补收支差额"), 2);
        // One name, the longest that fits.
        assert_eq!(g.item_names_in("上级一般公共预算安排转移支付"), 1);
        assert_eq!(g.item_names_in("一般公共预算财政拨款收入"), 1);
        assert_eq!(g.item_names_in("2、非财政拨款结转结余"), 1);
        assert_eq!(g.item_names_in("一、本年收入"), 0);
        // `本年收入` heads a 决算 fund table's grants; in a label it begins
        // the total.
        assert_eq!(g.item_names_in("本年收入合计"), 0);
    }

    #[test]
    fn a_cut_three_public_heading_names_its_category_when_only_one_starts_so() {
        let g = Grammar::global();
        assert_eq!(
            g.three_public_heading_cut("2024年机关运行经"),
            Some("机关运行经费")
        );
        // 公务用车购置费 and 公务用车购置及运行费 both start so.
        assert_eq!(g.three_public_heading_cut("公务用车购"), None);
        // Too short to tell.
        assert_eq!(g.three_public_heading_cut("公务"), None);
    }

    use super::*;

    fn kind_of(title: &str) -> Option<&'static str> {
        match Grammar::global().match_title(&normalize::label(title)) {
            Some(TitleMeaning::Kind(k)) => Some(k.key),
            Some(TitleMeaning::Ignored) => Some("ignored"),
            None => None,
        }
    }

    #[test]
    fn title_suffixes_are_read_off_only_when_safe() {
        assert_eq!(
            required_suffix("财政拨款收支(预算)?总体情况表$"),
            "总体情况表"
        );
        assert_eq!(required_suffix("收支总体情况表$"), "收支总体情况表");
        assert_eq!(required_suffix("(20\\d\\d)$"), "");
        assert_eq!(required_suffix("表?$"), "");
        assert_eq!(required_suffix("a表|b$"), "");
        assert_eq!(required_suffix("(?m)表$"), "");
        // Flags anywhere change the tail's meaning; a plain group does not.
        assert_eq!(required_suffix("收支总体情况表(?i)pdf表$"), "");
        assert_eq!(required_suffix("^(?x)总表 # 注释$"), "");
        assert_eq!(required_suffix("(?P<t>收支)总表$"), "");
        assert_eq!(required_suffix("(?:部门)?收支总表$"), "收支总表");
        assert_eq!(required_suffix("收支总体情况表"), "");
        assert_eq!(required_suffix("[表单]$"), "");
        // Every shipped pattern ending in plain text has its suffix.
        let g = Grammar::global();
        let patterns = g
            .kinds
            .iter()
            .flat_map(|k| &k.titles)
            .chain(&g.ignored_titles);
        let with_suffix = patterns.filter(|p| !p.suffix.is_empty()).count();
        assert!(with_suffix > 20, "{with_suffix}");
    }

    /// A plain pattern's match, found without its regex, is the regex's:
    /// every shipped pattern against titles built from every pattern's text.
    #[test]
    fn plain_title_patterns_match_as_their_regexes() {
        let g = Grammar::global();
        let patterns: Vec<&TitlePattern> = g
            .kinds
            .iter()
            .flat_map(|k| &k.titles)
            .chain(&g.ignored_titles)
            .collect();
        let plain = patterns.iter().filter(|p| p.literal.is_some()).count();
        assert!(plain > 100, "{plain} plain patterns");
        let mut titles = vec![String::new(), "表".to_string()];
        for p in &patterns {
            for head in ["", "2024年", "某局", "表"] {
                for tail in ["", "表", "(2024)"] {
                    titles.push(format!("{head}{}{tail}", p.suffix));
                }
            }
        }
        for p in &patterns {
            for t in &titles {
                let by_regex = p.regex.find(t).map(|m| m.len());
                assert_eq!(p.match_len(t), by_regex, "{:?} on {t}", p.regex.as_str());
            }
        }
    }

    /// The index offers every pattern that matches a title (it may offer
    /// more): all shipped patterns, titles built from all of them and the
    /// samples' lines.
    #[test]
    fn title_index_offers_every_matching_pattern() {
        let g = Grammar::global();
        let owners = g
            .kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| (PatternOwner::Kind(k), &kind.titles))
            .chain(std::iter::once((PatternOwner::Ignored, &g.ignored_titles)));
        let all: Vec<(PatternOwner, usize, &TitlePattern)> = owners
            .flat_map(|(owner, list)| list.iter().enumerate().map(move |(i, p)| (owner, i, p)))
            .collect();
        let mut titles: Vec<String> = crate::testing::sample_texts()
            .iter()
            .flat_map(|t| {
                t.lines()
                    .map(|l| strip_quotes(&normalize::label(l)))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (_, _, p) in &all {
            for head in ["", "2024年", "某局"] {
                titles.push(format!("{head}{}", p.suffix));
            }
        }
        let mut matched = 0;
        for t in &titles {
            let offered: Vec<(PatternOwner, usize)> = g.title_index.candidates(t).collect();
            for (owner, i, p) in &all {
                if p.match_len(t).is_some() {
                    matched += 1;
                    assert!(
                        offered.contains(&(*owner, *i)),
                        "{:?} not offered for {t}",
                        p.regex.as_str()
                    );
                }
            }
        }
        assert!(matched > 300, "{matched} matches");
    }

    #[test]
    fn the_ministry_of_finance_template_titles_map_to_kinds() {
        for (title, kind) in [
            ("2024年某某县民政局部门收支总表", "summary"),
            ("收支总表", "summary"),
            ("部门收入总表", "income"),
            ("部门支出总表", "expenditure"),
            ("财政拨款收支总表", "fiscal_summary"),
            ("一般公共预算支出表", "general_budget"),
            ("一般公共预算财政拨款支出表", "general_budget"),
            ("一般公共预算支出总表", "general_budget"),
            ("一般公共预算基本支出表", "general_budget_basic"),
            ("一般公共预算“三公”经费支出表", "three_public"),
            ("一般公共预算“三公”经费财政拨款支出表", "three_public"),
            ("政府性基金预算支出表", "gov_fund"),
            ("国有资本经营预算支出表", "state_capital"),
            // A kind's own title with 总 is not claimed by the generic
            // 支出总表 / 收支总表 patterns.
            ("一般公共预算基本支出总表", "general_budget_basic"),
            ("政府性基金预算支出总表", "gov_fund"),
            ("国有资本经营预算支出总表", "state_capital"),
            ("政府性基金预算收支总表", "gov_fund"),
            ("项目支出总表", "project"),
        ] {
            assert_eq!(kind_of(title), Some(kind), "{title}");
        }
    }

    #[test]
    fn provincial_template_titles_map_to_kinds() {
        for (title, kind) in [
            ("部门收支预算表", "summary"),
            ("部门收入预算表", "income"),
            ("部门支出预算表", "expenditure"),
            ("部门收入预算总表", "income"),
            ("财政拨款收支预算表", "fiscal_summary"),
            ("一般公共预算财政拨款支出预算表", "general_budget"),
            ("一般公共预算支出预算明细表", "general_budget"),
            (
                "部门综合预算一般公共预算支出明细表（按功能科目）",
                "general_budget",
            ),
            ("一般公共预算财政拨款基本支出预算表", "general_budget_basic"),
            ("一般公共预算基本支出经济科目预算表", "general_budget_basic"),
            (
                "部门综合预算一般公共预算基本支出明细表（按经济科目）",
                "general_budget_basic",
            ),
            ("一般公共预算项目支出预算表", "project"),
            ("部门预算项目支出表", "project"),
            ("一般公共预算“三公”经费支出预算表", "three_public"),
            ("“三公”经费支出预算表", "three_public"),
            ("一般公共预算“三公”经费财政拨款支出预算表", "three_public"),
            ("政府性基金支出预算表", "gov_fund"),
            ("政府性基金预算财政拨款支出预算表", "gov_fund"),
            ("部门综合预算政府性基金收支表", "gov_fund"),
            ("国有资本经营支出预算表", "state_capital"),
            ("国有资本经营预算财政拨款支出预算表", "state_capital"),
            // Final accounts' summaries printed without 总: not the
            // expenditure table's `支出决算表`.
            ("收入支出决算表", "summary"),
            ("财政拨款收入支出决算表", "fiscal_summary"),
            ("政府性基金预算财政拨款收入支出决算表", "gov_fund"),
            ("支出决算表", "expenditure"),
            // Other tables with names the generic patterns would claim.
            ("一般公共预算机关运行经费支出预算表", "ignored"),
            ("机关运行经费预算表", "ignored"),
            ("政府采购预算表", "ignored"),
            ("部门政府采购预算明细表", "ignored"),
            ("政府购买服务预算表", "ignored"),
            ("“三公”经费和机关运行经费预算表", "three_public"),
        ] {
            assert_eq!(kind_of(title), Some(kind), "{title}");
        }
        // A clause that is no classification stays part of the title; one of
        // another classification than the kind's makes another table.
        assert_eq!(kind_of("部门支出预算表（草案）"), None);
        assert_eq!(kind_of("部门支出预算表（按经济科目）"), None);
        assert_eq!(kind_of("一般公共预算基本支出明细表（按功能科目）"), None);
        // The generic names only after the document's own words.
        for title in [
            "部门基本支出预算表",
            "基本支出预算表",
            "财政拨款支出预算表",
            "专项资金支出预算表",
            "部门经济分类支出预算表",
            "政府性基金收入预算表",
            "一般公共预算收支预算表",
            "财政专户管理资金收入支出决算表",
        ] {
            assert_eq!(kind_of(title), None, "{title}");
        }
        assert_eq!(kind_of("某县教育局收入预算表"), Some("income"));
        assert_eq!(kind_of("2024年支出预算表"), Some("expenditure"));
        assert_eq!(kind_of("支出预算表"), Some("expenditure"));
    }

    #[test]
    fn titles_map_to_kinds() {
        assert_eq!(kind_of("部门收支总体情况表"), Some("summary"));
        assert_eq!(kind_of("单位收入总体情况表"), Some("income"));
        assert_eq!(kind_of("部门（单位）支出总体情况表"), Some("expenditure"));
        assert_eq!(
            kind_of("财政拨款收支预算总体情况表"),
            Some("fiscal_summary")
        );
        assert_eq!(kind_of("一般公共预算支出情况表"), Some("general_budget"));
        assert_eq!(
            kind_of("一般公共预算基本支出情况表"),
            Some("general_budget_basic")
        );
        // Shanghai prints 部门预算 with and without parentheses.
        for title in [
            "2025年部门一般公共预算基本支出部门预算经济分类预算表",
            "2024年预算单位一般公共预算基本支出部门预算经济分类预算表",
            "一般公共预算基本支出(部门预算)经济分类预算表",
        ] {
            assert_eq!(kind_of(title), Some("general_budget_basic"), "{title}");
        }
        assert_eq!(kind_of("一般公共预算项目支出情况表"), Some("project"));
        assert_eq!(kind_of("项目支出情况表"), Some("project"));
        assert_eq!(kind_of("政府性基金预算支出情况表"), Some("gov_fund"));
        assert_eq!(kind_of("国有资本经营预算支出情况表"), Some("state_capital"));
        assert_eq!(
            kind_of("一般公共预算“三公”经费支出情况表"),
            Some("three_public")
        );
        assert_eq!(
            kind_of("财政拨款\"三公\"经费支出情况表"),
            Some("three_public")
        );
        assert_eq!(kind_of("上年结转结余情况明细表"), Some("carryover"));
        // The year printed after the title.
        for (title, kind) in [
            ("财政拨款“三公”经费支出情况表（2024年）", "three_public"),
            ("单位支出总体情况表(2024)", "expenditure"),
            ("收支总体情况表（2025年度）", "summary"),
        ] {
            assert_eq!(kind_of(title), Some(kind), "{title}");
        }
        assert_eq!(kind_of("收支总体情况表（第2024号）"), None);
        assert_eq!(kind_of("收入支出决算总表"), Some("summary"));
        assert_eq!(kind_of("财政拨款收入支出决算总表"), Some("fiscal_summary"));
        assert_eq!(kind_of("项目支出绩效目标表"), Some("ignored"));
        assert_eq!(kind_of("部门预算公开"), None);
    }

    #[test]
    fn headers_map_to_measures() {
        let g = Grammar::global();
        assert_eq!(
            g.header("财政拨款（补助）小计"),
            HeaderMeaning::Measure("fiscal_subtotal")
        );
        assert_eq!(
            g.header("上级一般公共预算"),
            HeaderMeaning::Prefix(vec!["general_budget_transfer"])
        );
        assert_eq!(g.header("合  计"), HeaderMeaning::Measure("total"));
        assert_eq!(
            g.header("一般公共预 算"),
            HeaderMeaning::Measure("general_budget")
        );
        assert_eq!(g.header("功能分类科目编"), HeaderMeaning::Label);
        assert_eq!(g.header("科目代码"), HeaderMeaning::Label);
        assert_eq!(g.header("一般公共预算基本支出"), HeaderMeaning::Other);
    }

    #[test]
    fn narrative_rules_name_known_tables() {
        let g = Grammar::global();
        for section in &g.identities.narrative {
            let tables = std::iter::once(&section.table)
                .chain(section.figures.iter().filter_map(|f| f.table.as_ref()));
            for t in tables {
                assert!(g.kind(t).is_some(), "{:?}: {t}", section.heading);
            }
        }
    }

    #[test]
    fn class_names_give_codes() {
        let g = Grammar::global();
        assert_eq!(g.class_code("八、社会保障和就业支出"), Some("208"));
        assert_eq!(g.class_code("住房保障支出"), Some("221"));
        assert_eq!(g.class_code("行政运行"), None);
        assert!(g.opens_class_name("208", "社会保障和就"));
        assert!(g.opens_class_name("208", "八、社会保障和就业支出"));
        assert!(!g.opens_class_name("208", "社"));
        assert!(!g.opens_class_name("210", "社会保障和就"));
    }

    #[test]
    fn measures_named_by_a_header_line_in_order() {
        let g = Grammar::global();
        assert_eq!(
            g.measures_named(
                "科目编码 科目名称 合计 上年结转 一般公共预算拨款收入 政府性基金预算拨款收入 \
                 国有资本经营预算拨款收入 事业收入 事业单位经营收入 其他收入"
            ),
            [
                "total",
                "prior_carryover",
                "general_budget",
                "gov_fund",
                "state_capital",
                "business_income",
                "operating_income",
                "other_income"
            ]
        );
        assert_eq!(
            g.measures_named("功能分类科目名称 合 计 基本支出 项目支出"),
            ["total", "basic", "project"]
        );
        // The longest synonym at each place: no fiscal_grant inside.
        assert_eq!(g.measures_named("一般公共预算财政拨款"), ["general_budget"]);
        assert_eq!(
            g.measures_named("合计 预算数 合计"),
            ["total", "budget", "total"]
        );
    }

    #[test]
    fn economic_classes_of_both_classifications() {
        let g = Grammar::global();
        for code in [
            "301", "302", "303", "310", "399", "501", "502", "509", "599",
        ] {
            assert!(g.is_economic_class(code), "{code}");
        }
        for code in ["208", "300", "315", "500", "520", "30101"] {
            assert!(!g.is_economic_class(code), "{code}");
        }
        assert!(g.names_economic_class("工资福利支出", "301"));
        assert!(g.names_economic_class("商品 服务支出", "302"));
        assert!(!g.names_economic_class("工资福利", "301"));
        // A name both classifications print names both classes.
        assert!(g.names_economic_class("对个人和家庭的补助", "303"));
        assert!(g.names_economic_class("对个人和家庭的补助", "509"));
        assert!(!g.names_economic_class("对个人和家庭的补助", "301"));
    }

    #[test]
    fn a_grammar_copy_without_heading_suffixes_still_loads() {
        let tables = EMBEDDED[1].1;
        let line = tables
            .lines()
            .find(|l| l.starts_with("heading_suffixes"))
            .expect("the embedded grammar has the key");
        let older = tables.replace(line, "");
        let g = Grammar::parse(EMBEDDED[0].1, &older, EMBEDDED[2].1, EMBEDDED[3].1).unwrap();
        assert_eq!(
            g.three_public_heading("2024年机关运行经费预算数"),
            Some("机关运行经费")
        );
    }

    #[test]
    fn three_public_categories() {
        let g = Grammar::global();
        assert_eq!(
            g.three_public_category("公务用车购置及运行费（小计）"),
            Some("公务用车购置及运行费")
        );
        assert_eq!(
            g.three_public_category("其中：公务用车购置费"),
            Some("公务用车购置费")
        );
        assert_eq!(
            g.three_public_category("因公出国 (境) 费"),
            Some("因公出国(境)费")
        );
        assert_eq!(
            g.three_public_heading("2024年机关运行经费预算数"),
            Some("机关运行经费")
        );
        assert_eq!(
            g.three_public_heading("公务接待费决算数"),
            Some("公务接待费")
        );
        assert_eq!(g.three_public_heading("合计"), Some("合计"));
        assert_eq!(g.three_public_heading("预算数"), None);
        assert_eq!(
            g.three_public_category("1、因公出国(境)费用"),
            Some("因公出国(境)费")
        );
        assert_eq!(
            g.three_public_category("3.公务用车费"),
            Some("公务用车购置及运行费")
        );
    }

    #[test]
    fn the_vehicle_categories_are_the_grammars() {
        let g = Grammar::global();
        for name in std::iter::once(THREE_PUBLIC_VEHICLES).chain(THREE_PUBLIC_VEHICLE_PARTS) {
            assert_eq!(g.three_public_category(name), Some(name));
        }
    }

    /// The measure a header cell names by itself.
    fn measure(h: &str) -> Option<Measure> {
        match Grammar::global().header(h) {
            HeaderMeaning::Measure(m) => Some(m),
            _ => None,
        }
    }

    #[test]
    fn last_years_and_partial_columns() {
        assert_eq!(measure("上年预算数"), Some("prior_year"));
        assert_eq!(measure("上年执行数"), Some("prior_year"));
        // A bare 执行数 is this year's in a final account: not a key.
        assert_eq!(measure("执行数"), None);
        // Years are made relative before headers are read.
        assert_eq!(measure("2024年预算数"), None);
        assert_eq!(measure("其中：公共预算财政拨款"), Some("general_budget"));
    }

    #[test]
    fn the_change_its_percentage_and_names_with_a_unit() {
        let g = Grammar::global();
        assert_eq!(measure("增减额"), Some("change"));
        assert_eq!(measure("比上年增减"), Some("change"));
        assert_eq!(measure("增减率"), Some("change_rate"));
        // A percent sign after the change, or after its rate.
        assert_eq!(measure("比上年增减(%)"), Some("change_rate"));
        assert_eq!(measure("增减（%）"), Some("change_rate"));
        assert_eq!(measure("增减率%"), Some("change_rate"));
        // A unit after a name leaves its meaning (the unit is the table's
        // business: `recognise::units`), cut short at the cell's edge too.
        assert_eq!(measure("增减额(元)"), Some("change"));
        assert_eq!(measure("本年预算数（万元）"), Some("budget"));
        assert_eq!(measure("总计（单位：万元）"), Some("total"));
        assert_eq!(measure("合计(万"), Some("total"));
        assert_eq!(measure("金额(千元)"), None);
        // Only the change has a percentage; a percent sign elsewhere is no key.
        assert_eq!(measure("预算数(%)"), None);
        assert!(g.identities.is_percentage("change_rate"));
        assert!(!g.identities.is_percentage("change"));
    }
}
