//! Parquet output: the same four tables as the CSVs, same column names.
//! `amount` is decimal(18,2); counts and years are integers; codes stay
//! strings; an empty text cell is null. Rows are buffered and written in
//! row groups, so memory stays bounded.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::Fields;
use crate::amount::Amount;

/// How a column is typed in Parquet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// decimal(18,2)
    Money,
}

pub const LINE_ITEM_KINDS: [Kind; 14] = {
    use Kind::*;
    [
        Text, Text, Text, Text, Text, Text, Integer, Text, Text, Text, Money, Text, Text, Text,
    ]
};

pub const CHECK_KINDS: [Kind; 7] = [Kind::Text; 7];

pub const ISSUE_KINDS: [Kind; 5] = [Kind::Text; 5];

pub const DOCUMENT_KINDS: [Kind; 22] = {
    use Kind::*;
    [
        Text, Text, Text, Text, Text, Text, Integer, Text, Text, Integer, Integer, Integer,
        Integer, Integer, Integer, Text, Integer, Integer, Integer, Integer, Text, Text,
    ]
};

const ROW_GROUP: usize = 8192;

/// A Parquet file written from records, a row group at a time.
pub struct ParquetSink {
    schema: Arc<Schema>,
    /// The row group being filled, a column builder per column: records go
    /// straight into the columns, with no per-field copy.
    columns: Vec<ColumnBuilder>,
    pending: usize,
    writer: ArrowWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
}

impl ParquetSink {
    pub fn create(dir: &Path, name: &str, columns: &[&str], kinds: &[Kind]) -> Result<Self> {
        let fields: Vec<Field> = columns
            .iter()
            .zip(kinds)
            .map(|(c, k)| {
                let t = match k {
                    Kind::Text => DataType::Utf8,
                    Kind::Integer => DataType::Int64,
                    Kind::Money => DataType::Decimal128(18, 2),
                };
                Field::new(*c, t, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        Ok(ParquetSink {
            schema,
            columns: kinds.iter().map(|&k| ColumnBuilder::new(k)).collect(),
            pending: 0,
            writer,
            tmp,
            dest,
        })
    }

    pub fn write(&mut self, record: &impl Fields) -> Result<()> {
        let fields = record.fields();
        debug_assert_eq!(fields.len(), self.columns.len(), "one field per column");
        for (column, field) in self.columns.iter_mut().zip(&fields) {
            column.append(field);
        }
        self.pending += 1;
        if self.pending >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        self.pending = 0;
        let columns: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect::<Result<_>>()?;
        let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
        self.writer
            .write(&batch)
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.writer.close()?;
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("moving {} into place", self.dest.display()))
    }
}

/// One column of the row group being filled.
enum ColumnBuilder {
    /// An empty text cell is null.
    Text(StringBuilder),
    /// Text that is not an integer is null.
    Integer(Int64Builder),
    /// Text that is not an amount is null.
    Money(Decimal128Builder),
}

impl ColumnBuilder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text => ColumnBuilder::Text(StringBuilder::new()),
            Kind::Integer => ColumnBuilder::Integer(Int64Builder::new()),
            Kind::Money => ColumnBuilder::Money(Decimal128Builder::new()),
        }
    }

    fn append(&mut self, v: &str) {
        match self {
            ColumnBuilder::Text(b) if v.is_empty() => b.append_null(),
            ColumnBuilder::Text(b) => b.append_value(v),
            ColumnBuilder::Integer(b) => b.append_option(v.parse::<i64>().ok()),
            ColumnBuilder::Money(b) => {
                b.append_option(Amount::parse(v).map(|a| i128::from(a.cents)))
            }
        }
    }

    /// The column's values so far; the builder starts again empty.
    fn finish(&mut self) -> Result<ArrayRef> {
        Ok(match self {
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
            ColumnBuilder::Integer(b) => Arc::new(b.finish()),
            ColumnBuilder::Money(b) => Arc::new(b.finish().with_precision_and_scale(18, 2)?),
        })
    }
}
