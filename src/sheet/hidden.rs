//! Rows an xlsx sheet hides (`<row r="7" hidden="1">`), which calamine does
//! not report: last year's rows kept out of sight above this year's, an old
//! total row. They are read (an outline's collapsed rows and a filter's
//! hidden rows hold this year's figures too) but doubted.
use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Largest workbook part read (a sheet's XML).
const MAX_PART: u64 = 256 << 20;

/// The 0-based numbers of the rows each sheet hides, by sheet name; empty
/// when the workbook is no xlsx or its parts cannot be read (nothing is
/// doubted then: the values are read as before).
pub fn hidden_rows(bytes: &[u8]) -> HashMap<String, Vec<u32>> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let mut part = |name: &str| -> Option<String> {
        let mut xml = String::new();
        zip.by_name(name)
            .ok()?
            .take(MAX_PART)
            .read_to_string(&mut xml)
            .ok()?;
        Some(xml)
    };
    let (Some(workbook), Some(rels)) =
        (part("xl/workbook.xml"), part("xl/_rels/workbook.xml.rels"))
    else {
        return HashMap::new();
    };
    let targets: HashMap<String, String> = elements(&rels, b"Relationship")
        .into_iter()
        .filter_map(|a| Some((a.get("Id")?.clone(), a.get("Target")?.clone())))
        .collect();
    let mut out = HashMap::new();
    for sheet in elements(&workbook, b"sheet") {
        let (Some(name), Some(id)) = (sheet.get("name"), sheet.get("id")) else {
            continue;
        };
        let Some(target) = targets.get(id) else {
            continue;
        };
        // Targets are relative to xl/, or absolute from the package root.
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        // Most sheets hide nothing: their rows are not parsed.
        let Some(xml) = part(&path).filter(|xml| xml.contains("hidden=")) else {
            continue;
        };
        let rows: Vec<u32> = elements(&xml, b"row")
            .into_iter()
            .filter(|a| a.get("hidden").is_some_and(|v| v == "1" || v == "true"))
            .filter_map(|a| a.get("r")?.parse::<u32>().ok()?.checked_sub(1))
            .collect();
        if !rows.is_empty() {
            out.insert(name.clone(), rows);
        }
    }
    out
}

/// The attributes (by local name, unescaped) of every element named
/// `local` in `xml`.
fn elements(xml: &str, local: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                out.push(attributes(&e, reader.decoder()));
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

fn attributes(e: &BytesStart, decoder: quick_xml::encoding::Decoder) -> HashMap<String, String> {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let key = std::str::from_utf8(a.key.local_name().as_ref())
                .ok()?
                .to_string();
            let value = a.decode_and_unescape_value(decoder).ok()?.into_owned();
            Some((key, value))
        })
        .collect()
}
