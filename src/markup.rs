//! Tables and paragraphs of a marked-up document (a web page, a Word
//! file) written as the tab-separated text a copy of it gives: a table row
//! a line of cells, every other block of text a line. The tabbed layout
//! reads that text as it reads a spreadsheet's.
//!
//! A cell spanning columns is followed by empty cells, and one spanning
//! rows leaves its column empty in the rows below: a merged cell holds its
//! text in its first cell, as in a spreadsheet copied as text. A table
//! holding a table is the document's layout, not a table of figures: its
//! cells' text reads as paragraphs around the inner tables' rows.

/// How many columns and rows a cell covers (`colspan`, `rowspan`).
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub columns: usize,
    pub rows: usize,
}

impl Span {
    /// A cell of one column and one row.
    pub const ONE: Span = Span {
        columns: 1,
        rows: 1,
    };
}

/// No page lays out more columns than this: a `colspan` past it is a typo.
pub const MAX_COLUMNS: usize = 256;
/// Nor spans more rows.
const MAX_ROWS: usize = 10_000;

/// One open table.
#[derive(Debug, Default)]
struct Table {
    /// Holds a table: its cells are the page's layout.
    layout: bool,
    /// The row being read: its cells.
    row: Option<Vec<String>>,
    /// The row's cell text goes into (a spanned column's empty cells
    /// follow it).
    open: usize,
    /// Whether a cell of the row is open (text goes into it).
    in_cell: bool,
    /// Per column, how many rows below the current one a cell above still
    /// covers.
    covered: Vec<usize>,
    /// Per column, whether a cell above covers it in the current row.
    covered_now: Vec<bool>,
}

impl Table {
    fn start_row(&mut self) {
        self.covered_now = self.covered.iter().map(|&n| n > 0).collect();
        for n in &mut self.covered {
            *n = n.saturating_sub(1);
        }
        self.row = Some(Vec::new());
        self.in_cell = false;
    }

    /// Opens a cell in the current row, after the columns cells above
    /// cover, followed by the empty cells of its column span. A row is
    /// [`MAX_COLUMNS`] wide at most: past it a cell spans nothing.
    fn start_cell(&mut self, span: Span) {
        if self.row.is_none() {
            self.start_row();
        }
        let Some(row) = self.row.as_mut() else {
            return;
        };
        while self.covered_now.get(row.len()).copied().unwrap_or(false) {
            row.push(String::new());
        }
        let at = row.len();
        let columns = span.columns.clamp(1, MAX_COLUMNS.saturating_sub(at).max(1));
        let below = span.rows.clamp(1, MAX_ROWS) - 1;
        let covers = at..(at + columns).min(MAX_COLUMNS);
        if self.covered.len() < covers.end {
            self.covered.resize(covers.end, 0);
        }
        for n in self.covered.get_mut(covers).unwrap_or_default() {
            *n = (*n).max(below);
        }
        row.resize(at + columns, String::new());
        self.open = at;
        self.in_cell = true;
    }

    /// Whether a cell of this table of figures is open.
    fn has_open_cell(&self) -> bool {
        self.in_cell && !self.layout && self.row.is_some()
    }

    /// The cell the page's text goes into, if one is open.
    fn open_cell(&mut self) -> Option<&mut String> {
        if !self.has_open_cell() {
            return None;
        }
        self.row.as_mut()?.get_mut(self.open)
    }

    /// The current row as a line, if it holds any text.
    fn end_row(&mut self) -> Option<String> {
        let row = self.row.take()?;
        self.in_cell = false;
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| c.trim().replace(BLOCK_BREAK, " "))
            .collect();
        let last = cells.iter().rposition(|c| !c.is_empty())?;
        Some(cells[..=last].join("\t"))
    }
}

/// A block's end inside a cell (`<br>`, `<p>`): a space in a table of
/// figures, a line when the table turns out to be the page's layout.
const BLOCK_BREAK: char = '\n';

/// A document's text is kept up to this many bytes: spans multiply cells,
/// and a small file must not fill the memory.
pub const MAX_TEXT: usize = 64 << 20;

/// A document whose text would be larger than [`MAX_TEXT`].
#[derive(Debug, thiserror::Error)]
#[error("the document is larger than {} MB as text", MAX_TEXT >> 20)]
pub struct TooLarge;

/// The document's lines as its tables and paragraphs are read.
#[derive(Debug, Default)]
pub struct TableText {
    lines: Vec<String>,
    /// Bytes of text so far, kept or not.
    size: usize,
    /// Text outside any table's cells, up to the next block's start.
    paragraph: String,
    tables: Vec<Table>,
}

impl TableText {
    pub fn open_table(&mut self) {
        self.end_paragraph();
        if let Some(outer) = self.tables.last_mut() {
            // A table inside a cell: the outer one is the document's
            // layout. The cell's text so far is paragraphs.
            if !outer.layout {
                outer.layout = true;
                let before = outer.row.take().unwrap_or_default();
                let paragraphs = before.iter().flat_map(|c| c.split(BLOCK_BREAK));
                for p in paragraphs.map(str::trim).filter(|p| !p.is_empty()) {
                    self.push_line(p.to_string());
                }
            }
        }
        self.tables.push(Table::default());
    }

    pub fn close_table(&mut self) {
        self.end_paragraph();
        if let Some(mut t) = self.tables.pop() {
            if !t.layout {
                if let Some(line) = t.end_row() {
                    self.push_line(line);
                }
            }
        }
    }

    /// Starts a row (the one before, if open, ends).
    pub fn open_row(&mut self) {
        self.close_row();
        if let Some(t) = self.tables.last_mut().filter(|t| !t.layout) {
            t.start_row();
        }
    }

    pub fn close_row(&mut self) {
        self.end_paragraph();
        let line = self
            .tables
            .last_mut()
            .filter(|t| !t.layout)
            .and_then(Table::end_row);
        if let Some(line) = line {
            self.push_line(line);
        }
    }

    pub fn open_cell(&mut self, span: Span) {
        self.end_paragraph();
        if let Some(t) = self.tables.last_mut().filter(|t| !t.layout) {
            t.start_cell(span);
        }
    }

    /// Opens a cell unless one is open (a Word cell opens at its first
    /// paragraph, its span read from the properties before it).
    pub fn open_cell_once(&mut self, span: Span) {
        let in_row = self
            .tables
            .last()
            .is_some_and(|t| !t.layout && !t.in_cell && t.row.is_some());
        if in_row {
            self.open_cell(span);
        }
    }

    /// `n` empty cells: the grid columns a row leaves out before its
    /// first cell (at most a row's width).
    pub fn empty_cells(&mut self, n: usize) {
        for _ in 0..n.min(MAX_COLUMNS) {
            self.open_cell(Span::ONE);
            self.close_cell();
        }
    }

    pub fn close_cell(&mut self) {
        self.end_paragraph();
        if let Some(t) = self.tables.last_mut() {
            t.in_cell = false;
        }
    }

    /// Text as a browser shows it: runs of white space one space.
    pub fn text(&mut self, text: &str) {
        push_collapsed(self.target(), text);
    }

    /// Text whose spacing and lines are kept (a `<pre>`); in a cell, as
    /// [`TableText::text`].
    pub fn preformatted(&mut self, text: &str) {
        if self.in_cell() {
            return self.text(text);
        }
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            self.paragraph.push_str(first.trim_end_matches('\r'));
        }
        for line in lines {
            self.end_paragraph_keeping_spaces();
            self.paragraph.push_str(line.trim_end_matches('\r'));
        }
    }

    /// Whether a cell of a table of figures is open.
    fn in_cell(&self) -> bool {
        self.tables.last().is_some_and(Table::has_open_cell)
    }

    /// Where text goes: the open cell, else the paragraph (outside tables,
    /// in a layout table, a caption).
    fn target(&mut self) -> &mut String {
        match self.tables.last_mut().and_then(Table::open_cell) {
            Some(cell) => cell,
            None => &mut self.paragraph,
        }
    }

    /// A line break: inside a cell a [`BLOCK_BREAK`], elsewhere the end of
    /// a line.
    pub fn break_line(&mut self) {
        match self.tables.last_mut().and_then(Table::open_cell) {
            Some(cell) => {
                let trimmed = cell.trim_end_matches(' ').len();
                cell.truncate(trimmed);
                if !cell.is_empty() && !cell.ends_with(BLOCK_BREAK) {
                    cell.push(BLOCK_BREAK);
                }
            }
            None => self.end_paragraph(),
        }
    }

    pub fn end_paragraph(&mut self) {
        let line = std::mem::take(&mut self.paragraph);
        let line = line.trim();
        if !line.is_empty() {
            self.push_line(line.to_string());
        }
    }

    /// Ends a preformatted line: its leading spaces kept.
    pub fn end_paragraph_keeping_spaces(&mut self) {
        let line = std::mem::take(&mut self.paragraph);
        let line = line.trim_end();
        if !line.is_empty() {
            self.push_line(line.to_string());
        }
    }

    fn push_line(&mut self, line: String) {
        self.size = self.size.saturating_add(line.len() + 1);
        if self.size <= MAX_TEXT {
            self.lines.push(line);
        }
    }

    /// The lines, each ended by a newline; an error when they would be
    /// larger than [`MAX_TEXT`].
    pub fn finish(mut self) -> Result<String, TooLarge> {
        self.end_paragraph();
        while !self.tables.is_empty() {
            self.close_table();
        }
        if self.size > MAX_TEXT {
            return Err(TooLarge);
        }
        let mut text = self.lines.join("\n");
        text.push('\n');
        Ok(text)
    }
}

/// Appends text with its runs of white space (newlines, tabs, no-break
/// spaces) made one space, as a browser shows it.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\0' {
            continue;
        }
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with([' ', BLOCK_BREAK]) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}
