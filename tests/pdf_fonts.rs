//! Chinese text from the hard font cases of other PDF parsers' test suites
//! (`../shared/real-pdfs/cjk-fonts`, third-party, not redistributed: each
//! test is skipped when its file is absent).

use std::path::PathBuf;

use budget_harvest::pdf;

fn text_of(name: &str) -> Option<Result<String, pdf::PdfError>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-pdfs/cjk-fonts")
        .join(name);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: {} absent", path.display());
        return None;
    };
    Some(pdf::extract(&bytes).map(|t| t.text.replace(['\t', ' '], "")))
}

#[test]
fn predefined_gbk_cmap_non_embedded() {
    // Type0 黑体 with /Encoding /GBK-EUC-H, no ToUnicode, nothing embedded.
    if let Some(t) = text_of("pdfjs_issue2128r.pdf") {
        let t = t.unwrap();
        assert!(t.contains("浅谈校长的魅力"), "{t}");
    }
}

#[test]
fn predefined_utf16_cmap() {
    if let Some(t) = text_of("pdfjs_issue8372.pdf") {
        assert!(t.unwrap().contains("目录"));
    }
}

#[test]
fn gb2312_font_posing_as_winansi() {
    // /BaseFont /宋体 as a WinAnsi TrueType with GBK codes: pdftotext gives
    // Latin-1 mojibake here.
    if let Some(t) = text_of("pdfjs_XiaoBiaoSong.pdf") {
        let t = t.unwrap();
        assert!(t.contains("目录") || t.contains("目\n录"), "{t}");
        assert!(t.contains("关于红军作战的原则"), "{t}");
    }
    if let Some(t) = text_of("pdfjs_SimFang-variant.pdf") {
        assert!(t.unwrap().contains("全世界无产者，联合起来"));
    }
}

#[test]
fn differences_on_a_chinese_named_simple_font_are_glyph_names() {
    // /SimSun as a WinAnsi TrueType whose /Differences name the glyphs: the
    // names rule, not a GBK guess from the font's name.
    if let Some(t) = text_of("pymupdf_test_3854.pdf") {
        let t = t.unwrap();
        assert!(t.contains("TO:天津外代货运有限公司"), "{t}");
        assert!(
            t.contains("出口货物托运单SeaFreightShippingInstructions"),
            "{t}"
        );
    }
}

#[test]
fn embedded_truetype_cmap_when_no_tounicode() {
    // Committed fixture (tests/pdf/embedded_font_fixture.py): a Droid Sans
    // Fallback subset, Identity-H, ToUnicode blanked out — the text can only
    // come from the embedded font's own cmap through its CIDToGIDMap.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fonts/embedded_cmap_no_tounicode.pdf");
    let bytes = std::fs::read(&path).expect("committed fixture");
    assert!(!String::from_utf8_lossy(&bytes).contains("/ToUnicode"));
    let text = pdf::extract(&bytes).expect("reads").text;
    assert_eq!(text.trim(), "一般公共预算拨款（项目支出）");
}
