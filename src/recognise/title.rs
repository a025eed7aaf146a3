//! nom parsers for the structural lines of a disclosure: part headings
//! (`第二部分`), table numbers (`表1`, `表 1`, `表一：`) and table titles.

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, one_of, space0},
    combinator::{map, map_res, not, opt, rest, verify},
    sequence::{preceded, terminated, tuple},
    IResult,
};

use crate::model::TableNo;
use crate::normalize;

/// Which part of the document a heading opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// 第一部分 — agency overview (staffing).
    Overview,
    /// 第二部分 — the tables.
    Tables,
    /// 第三部分 — the narrative.
    Narrative,
    /// 第四部分 and later — definitions, appendices.
    Definitions,
}

fn chinese_numeral(i: &str) -> IResult<&str, u32> {
    map_res(
        take_while1(|c: char| "零一二三四五六七八九十百".contains(c)),
        |s: &str| parse_chinese_number(s).ok_or(()),
    )(i)
}

/// `一`→1 … `十`→10, `十一`→11, `二十三`→23.
fn parse_chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|b| (b / 3) as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => digit(*u).map(|u| 10 + u),
        [t, '十'] => digit(*t).map(|t| t * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn number(i: &str) -> IResult<&str, u32> {
    alt((arabic_number, chinese_numeral))(i)
}

/// Digits, but not a year the normalised line ran into the number
/// (`表7 2024年…` normalised to `表72024年…` is table 7).
fn arabic_number(i: &str) -> IResult<&str, u32> {
    let (rest, digits) = digit1(i)?;
    let year_after = rest.starts_with('年')
        && (5..=6).contains(&digits.len())
        && matches!(&digits[digits.len() - 4..digits.len() - 2], "19" | "20");
    let digits = if year_after {
        &digits[..digits.len() - 4]
    } else {
        digits
    };
    let n = digits
        .parse::<u32>()
        .map_err(|_| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Digit)))?;
    Ok((&i[digits.len()..], n))
}

/// `表1`, `表 1`, `表一：`, `附表1`, and a part's `表1-1`.
pub fn table_number(i: &str) -> IResult<&str, TableNo> {
    // `表1-1`, not `表1-2024年…` (a year after the number).
    let part = terminated(
        verify(preceded(one_of("-－—"), number), |n| *n < 100),
        not(one_of("0123456789年")),
    );
    preceded(
        tuple((opt(tag("附")), tag("表"), space0)),
        terminated(
            map(tuple((number, opt(part))), |(major, minor)| TableNo {
                major,
                minor,
            }),
            tuple((space0, opt(one_of(":：、.")), space0)),
        ),
    )(i)
}

/// A form's label: `<prefix><one or two digits>表` → the prefix and the
/// number.
fn numbered_form(norm: &str) -> Option<(&str, u32)> {
    let name = norm.strip_suffix('表')?;
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = name.split_at(name.len() - digits);
    (1..=2)
        .contains(&digits)
        .then(|| number.parse().ok())
        .flatten()
        .map(|n| (prefix, n))
}

/// A table's number printed alone (`表4`, `表 1-2`, `公开05表`): its title
/// is on the lines around it.
pub fn is_bare_table_number(norm: &str) -> bool {
    parse_title_line(norm).is_some_and(|t| t.number.is_some() && t.text.is_empty())
        || template_table_label(norm).is_some()
}

/// The national template's table label, printed beside a table's title
/// (`公开01表`, `部门决算公开05表`): the table's number.
pub fn template_table_label(norm: &str) -> Option<TableNo> {
    let (prefix, number) = numbered_form(norm)?;
    let before = prefix.strip_suffix("公开")?;
    let short_prefix = before.chars().count() <= 6
        && !before.contains(char::is_whitespace)
        && !before.contains("公开");
    short_prefix.then(|| TableNo::from(number))
}

/// A template label run into its title (`公开01表收入支出决算表`, a
/// `pdftotext -layout` line joined): the label's number and the title.
fn leading_template_label(norm: &str) -> Option<(&str, (TableNo, &str))> {
    if !norm.contains("公开") {
        return None;
    }
    norm.char_indices()
        .take(16)
        .filter(|&(_, c)| c == '表')
        .map(|(at, c)| at + c.len_utf8())
        .find_map(|end| {
            let n = template_table_label(&norm[..end])?;
            let text = &norm[end..];
            // A title (`…决算表`, `…决算表(续)`), not whatever a page prints
            // beside the label (`2023年度`, `第1页`, the agency's name):
            // such a line is read as before.
            let title = strip_continuation(text).unwrap_or(text);
            (title.chars().count() > 1 && title.ends_with('表')).then_some(("", (n, text)))
        })
}

/// A page label numbering a table's form (`部门预算01表`, `单位决算3表`),
/// printed at the top or foot of each of its pages: neither a title nor a
/// row, and no evidence of which table is open (a footer follows its rows).
pub fn form_page_label(norm: &str) -> bool {
    numbered_form(norm).is_some_and(|(prefix, _)| {
        (prefix.ends_with("预算") || prefix.ends_with("决算")) && prefix.chars().count() <= 6
    })
}

/// `第二部分`, `第2部分`: the part its words name (`附表`, `情况说明`,
/// `名词解释`, `概况`), or else the part its number has in most
/// disclosures (一 overview, 二 tables, 三 narrative, 四 on definitions).
/// Templates differ: Sichuan's final accounts print 第二部分 情况说明,
/// 第三部分 名词解释, 第四部分 附件 and 第五部分 附表.
fn part_heading(i: &str) -> IResult<&str, Part> {
    map(
        tuple((char('第'), number, tag("部分"), rest)),
        |(_, n, _, words)| {
            named_part(words).unwrap_or(match n {
                1 => Part::Overview,
                2 => Part::Tables,
                3 => Part::Narrative,
                _ => Part::Definitions,
            })
        },
    )(i)
}

/// The one part a heading's words name, if they name exactly one.
fn named_part(words: &str) -> Option<Part> {
    // A contents line ends in leaders and a page number.
    let words = words
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '…' | '·' | '-' | ' '));
    let named = [
        (Part::Overview, ["概况", "基本情况", "主要职能"].as_slice()),
        (Part::Tables, ["表"].as_slice()),
        (Part::Narrative, ["说明", "情况分析"].as_slice()),
        (Part::Definitions, ["名词解释", "附件"].as_slice()),
    ];
    let mut parts = named.iter().filter(|(part, words_of)| {
        if *part == Part::Tables {
            words.ends_with('表') || words.contains("附表")
        } else {
            words_of.iter().any(|w| words.contains(w))
        }
    });
    match (parts.next(), parts.next()) {
        (Some((part, _)), None) => Some(*part),
        _ => None,
    }
}

/// A narrative heading standing alone on its line, as documents without
/// parts print them (Shanghai: `2025年部门预算编制说明` before the tables,
/// `其他相关情况说明`, `项目经费情况说明` after them): short, unnumbered, no
/// sentence, ending in 说明. `norm` is [`normalize::label`]led.
pub fn standalone_narrative_heading(norm: &str) -> bool {
    norm.ends_with("说明")
        && norm.chars().count() <= 30
        && !norm.contains(['。', ',', ';', ':', '…'])
        && normalize::strip_ordinal(norm).len() == norm.len()
        && parse_part(norm).is_none()
}

/// Classifies a line (after [`normalize::label`]) as a part heading.
pub fn parse_part(line: &str) -> Option<Part> {
    part_heading(line).ok().map(|(_, p)| p)
}

/// A title no kind matches, unnumbered, but named like a budget table
/// (`…一般公共预算基本支出经济科目明细表`): an unknown table, not prose, so its
/// rows are not dropped unreported. A page label that numbers a table
/// (`部门预算02表`, printed anywhere on its pages) is no title.
pub fn names_a_budget_table(text: &str) -> bool {
    const WORDS: [&str; 6] = ["预算", "决算", "收支", "收入", "支出", "经费"];
    let Some(name) = text.strip_suffix('表') else {
        return false;
    };
    !name.ends_with(|c: char| c.is_ascii_digit())
        && name.chars().count() >= 5
        && WORDS.iter().any(|w| name.contains(w))
}

/// A line named like a table that names no table's content: the
/// disclosure's own title (`某局2024年部门预算公开表`), which pdftotext
/// prints as the running header of every page. A table the grammar does not
/// know names what it holds (`政府采购预算表`, `机关运行经费预算表`).
///
/// Only what follows the agency and the year is read: an agency may be
/// named 国有资产监督管理委员会 or 社会保险基金管理中心.
pub fn names_the_disclosure(text: &str, agencies: &[String]) -> bool {
    const CONTENT: [&str; 17] = [
        "收支", "收入", "支出", "采购", "购买", "三公", "经费", "绩效", "结转", "结余", "资产",
        "项目", "基金", "资本", "拨款", "科目", "明细",
    ];
    if !names_a_budget_table(text) {
        return false;
    }
    let mut name = text;
    if let Some(rest) = agencies.iter().find_map(|a| text.split_once(a.as_str())) {
        name = rest.1;
    }
    if let Some((before, after)) = name.rsplit_once('年') {
        if before.ends_with(|c: char| c.is_ascii_digit()) {
            name = after;
        }
    }
    !CONTENT.iter().any(|w| name.contains(w))
}

/// A title marked as a table's continuation on a later page
/// (`一般公共预算支出情况表(续)`, `续表`): the title without the mark.
/// A colon may follow the mark (`表三(续):`, after the number is split
/// off), and a table number may follow a leading `续表` (`续表三`, `续表3-1`).
/// A bare `续` marks a title that ends in 表 (`一般公共预算支出情况表 续`).
pub fn strip_continuation(text: &str) -> Option<&str> {
    let text = text.trim_end_matches([':', '：', ' ']);
    let stripped = text
        .strip_suffix("(续)")
        .or_else(|| text.strip_suffix("(续表)"))
        .or_else(|| text.strip_suffix("续表"))
        // A bare mark only after a title (`…情况表 续`): `…手续` is a word.
        .or_else(|| {
            let title = text.strip_suffix('续')?.trim_end();
            title.ends_with('表').then_some(title)
        })
        .or_else(|| {
            let rest = text.strip_prefix("续表")?;
            // Only a number that is all there is: `续表一般公共…` is a title.
            let numbered = tuple((space0, number, opt(preceded(one_of("-－—"), digit1))))(rest);
            Some(match numbered {
                Ok((after, _)) if after.trim_start_matches([':', '：', ' ']).is_empty() => "",
                _ => rest,
            })
        })?;
    Some(stripped.trim_start_matches([':', '：', ' ']))
}

/// A line that may be a table title: its optional number and the title text.
#[derive(Debug, PartialEq, Eq)]
pub struct TitleLine<'a> {
    pub number: Option<TableNo>,
    /// Normalised, list bullets and ordinals removed.
    pub text: &'a str,
}

/// Splits an optional table number off a line (normalised with
/// [`normalize::label`]); `None` for lines that read like prose (too long,
/// or with sentence punctuation).
pub fn parse_title_line(norm: &str) -> Option<TitleLine<'_>> {
    let norm = norm.trim_start_matches(['-', '•', '·']);
    // A number opens with 表 or 附表: most lines are passed over unparsed.
    let parsed = norm
        .starts_with(['表', '附'])
        .then(|| tuple((table_number, rest))(norm).ok())
        .flatten();
    let (number, text) = match parsed.or_else(|| leading_template_label(norm)) {
        Some((_, (n, text))) => (Some(n), text),
        None => (None, norm),
    };
    let text = normalize::strip_ordinal(text);
    let prose = text.chars().nth(60).is_some() || text.contains(['。', ',', '，', ';', '；']);
    (!prose).then_some(TitleLine { number, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disclosure_title_names_no_table() {
        let none: &[String] = &[];
        for header in [
            "奇台县社会保险管理局2024年部门预算公开表",
            "国有资产监督管理委员会2024年部门预算公开表",
        ] {
            assert!(names_the_disclosure(header, none), "{header}");
        }
        let agencies = ["社会保险基金管理中心".to_string()];
        assert!(names_the_disclosure(
            "社会保险基金管理中心部门预算公开表",
            &agencies
        ));
        assert!(!names_the_disclosure(
            "社会保险基金管理中心部门预算公开表",
            none
        ));
        for table in [
            "部门政府采购预算表",
            "机关运行经费预算表",
            "非财政拨款支出预算表",
            "国有资产监督管理委员会2024年政府采购预算表",
        ] {
            assert!(names_a_budget_table(table), "{table}");
            assert!(!names_the_disclosure(table, none), "{table}");
        }
        assert_eq!(
            strip_continuation("一般公共预算支出情况表(续)"),
            Some("一般公共预算支出情况表")
        );
        assert_eq!(strip_continuation("续表:"), Some(""));
        assert_eq!(
            strip_continuation("续表一般公共预算支出情况表"),
            Some("一般公共预算支出情况表")
        );
        assert_eq!(strip_continuation("(续):"), Some(""));
        for numbered in ["续表三", "续表3", "续表 3-1:", "续表十二"] {
            assert_eq!(strip_continuation(numbered), Some(""), "{numbered}");
        }
        assert_eq!(strip_continuation("一般公共预算支出情况表"), None);
        assert_eq!(
            strip_continuation("一般公共预算支出情况表 续"),
            Some("一般公共预算支出情况表")
        );
        assert_eq!(strip_continuation("收费手续"), None);
    }

    #[test]
    fn template_table_labels() {
        assert_eq!(template_table_label("公开01表"), Some(1.into()));
        assert_eq!(template_table_label("部门决算公开12表"), Some(12.into()));
        assert_eq!(template_table_label("部门预算02表"), None);
        assert_eq!(template_table_label("某县财政局2024年部门预算公开表"), None);
        assert_eq!(template_table_label("公开表"), None);
        assert!(form_page_label("部门预算01表") && form_page_label("单位决算3表"));
        assert!(!form_page_label("部门预算表") && !form_page_label("2025年部门收入预算总表"));
        assert!(!form_page_label("公开01表") && !form_page_label("上海市普陀区2025年部门预算01表"));
    }

    #[test]
    fn table_numbers() {
        for (s, n) in [
            ("表1", 1),
            ("表 1", 1),
            ("表一：", 1),
            ("表十一", 11),
            ("表10", 10),
            ("附表3", 3),
        ] {
            assert_eq!(table_number(s).map(|(_, n)| n), Ok(n.into()), "{s}");
        }
        assert!(table_number("表格").is_err());
        // A part of a table: `表1-1` is the first under 表1.
        let (rest, n) = table_number("表1-1部门收入总表").unwrap();
        assert_eq!((n.to_string(), rest), ("1-1".to_string(), "部门收入总表"));
        // A year after a dash is no part number.
        let (rest, n) = table_number("表1-2024年单位支出总体情况表").unwrap();
        assert_eq!(
            (n.to_string(), rest),
            ("1".to_string(), "-2024年单位支出总体情况表")
        );
        // A year the normalised line ran into the number (`表7 2024年…`).
        for (s, n, rest) in [
            (
                "表72024年部门预算项目支出情况表",
                "7",
                "2024年部门预算项目支出情况表",
            ),
            ("表122025年项目支出表", "12", "2025年项目支出表"),
            ("表12024年收入总表", "1", "2024年收入总表"),
        ] {
            let (r, got) = table_number(s).unwrap();
            assert_eq!((got.to_string().as_str(), r), (n, rest), "{s}");
        }
    }

    #[test]
    fn budget_table_names() {
        for name in [
            "一般公共预算基本支出经济科目明细表",
            "财政项目支出绩效目标填报表",
            "部门收支总表",
        ] {
            assert!(names_a_budget_table(name), "{name}");
        }
        for other in [
            "部门预算02表",
            "单位预算 11表",
            "附表",
            "详见下表",
            "预算表格",
            "收入",
        ] {
            assert!(!names_a_budget_table(other), "{other}");
        }
    }

    #[test]
    fn title_lines() {
        let line = normalize::label("表6                    一般公共预算基本支出情况表");
        let t = parse_title_line(&line).unwrap();
        assert_eq!(
            (t.number, t.text),
            (Some(6.into()), "一般公共预算基本支出情况表")
        );
        let line = normalize::label("- 四、 财政拨款收支预算总体情况表");
        let t = parse_title_line(&line).unwrap();
        assert_eq!((t.number, t.text), (None, "财政拨款收支预算总体情况表"));
        let line = normalize::label("表一：");
        let t = parse_title_line(&line).unwrap();
        assert_eq!((t.number, t.text), (Some(1.into()), ""));
        // `pdftotext -layout` runs the national template's label into the
        // title it numbers.
        let line = normalize::label("公开01表                  收入支出决算表");
        let t = parse_title_line(&line).unwrap();
        assert_eq!((t.number, t.text), (Some(1.into()), "收入支出决算表"));
        let line = normalize::label("部门决算公开05表一般公共预算财政拨款支出决算表");
        let t = parse_title_line(&line).unwrap();
        assert_eq!(
            (t.number, t.text),
            (Some(5.into()), "一般公共预算财政拨款支出决算表")
        );
        let t = parse_title_line("某县财政局2024年部门预算公开表").unwrap();
        assert_eq!(t.number, None);
        // What a page prints beside the label is no title.
        for beside in [
            "公开05表2023年度",
            "公开05表第1页",
            "公开05表部门:某县卫生健康委员会",
        ] {
            let t = parse_title_line(beside).unwrap();
            assert_eq!((t.number, t.text), (None, beside), "{beside}");
        }
        let t = parse_title_line("公开05表一般公共预算财政拨款支出决算表(续)").unwrap();
        assert_eq!(t.number, Some(5.into()));
        assert!(parse_title_line(
            "2024 年没有使用国有资本经营预算拨款安排的支出，国有资本经营预算支出情况表为空表。"
        )
        .is_none());
    }

    #[test]
    fn parts() {
        assert_eq!(
            parse_part("第二部分2024年部门预算公开表"),
            Some(Part::Tables)
        );
        assert_eq!(
            parse_part("第2部分2022年部门(单位)预算公开表"),
            Some(Part::Tables)
        );
        assert_eq!(
            parse_part("第三部分2024年单位预算情况说明"),
            Some(Part::Narrative)
        );
        assert_eq!(parse_part("一、主要职能"), None);
        // The parts as Sichuan's final accounts order them.
        for (heading, part) in [
            ("第一部分单位概况", Part::Overview),
            ("第二部分2023年度单位决算情况说明", Part::Narrative),
            ("第三部分名词解释", Part::Definitions),
            ("第四部分附件", Part::Definitions),
            ("第五部分附表", Part::Tables),
            ("第二部分2023年度单位决算情况说明……………4", Part::Narrative),
            ("第四部分2024年部门预算公开表", Part::Tables),
        ] {
            assert_eq!(parse_part(heading), Some(part), "{heading}");
        }
        // Words naming no part, or two, leave it to the number.
        assert_eq!(parse_part("第二部分"), Some(Part::Tables));
        assert_eq!(
            parse_part("第三部分部门概况及预算公开表"),
            Some(Part::Narrative)
        );
    }

    #[test]
    fn standalone_narrative_headings() {
        for heading in [
            "2025年部门预算编制说明",
            "其他相关情况说明",
            "人民调解项目经费情况说明",
        ] {
            assert!(standalone_narrative_heading(heading), "{heading}");
        }
        for line in [
            "四、部门预算编制说明",
            "第三部分2024年单位预算情况说明",
            "说明:本表反映部门本年度的总收支",
            "四、部门预算编制说明…………………3",
            "财政拨款收入支出增加的主要原因是项目调整,具体见以下说明",
        ] {
            assert!(!standalone_narrative_heading(line), "{line}");
        }
    }
}
