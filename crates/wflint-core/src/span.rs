//! Byte spans in a source text and the line index that turns them into lines and columns.

use std::ops::Range;

/// A half-open byte range `start..end` in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given backwards).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `offset`.
    pub fn point(offset: usize) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span moved by `delta` bytes (used when a document was parsed out of a larger file).
    pub fn shift(self, delta: usize) -> Self {
        Self {
            start: self.start + delta,
            end: self.end + delta,
        }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// As a `Range<usize>`.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A position as humans and tools count it: 1-based line, 1-based column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in the unit that was asked for.
    pub column: usize,
}

/// The unit columns are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values (what the JSON output and SARIF use).
    Chars,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Bytes of UTF-8 (LSP when the client negotiates `utf-8`).
    Bytes,
}

/// Line starts of a text, to convert byte offsets into line/column pairs and back.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Index the line starts of `text` (`\n` ends a line; a `\r` before it belongs to the line).
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            line_starts,
            len: text.len(),
        }
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line that contains `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of 0-based `line` without its line terminator.
    pub fn line_range(&self, line: usize, text: &str) -> Range<usize> {
        let start = self.line_start(line);
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line and column of byte `offset` in `text`, columns counted in `unit`.
    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = text.get(start..offset).unwrap_or("");
        let column = match unit {
            ColumnUnit::Chars => prefix.chars().count(),
            ColumnUnit::Utf16 => prefix.encode_utf16().count(),
            ColumnUnit::Bytes => prefix.len(),
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Byte offset of a 0-based `line` and 0-based `column` counted in `unit`; positions past
    /// the end of the line clamp to the line end, lines past the end clamp to the text end.
    pub fn offset(&self, text: &str, line: usize, column: usize, unit: ColumnUnit) -> usize {
        if line >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let line_text = text.get(range.clone()).unwrap_or("");
        let mut counted = 0;
        for (i, ch) in line_text.char_indices() {
            if counted >= column {
                return range.start + i;
            }
            counted += match unit {
                ColumnUnit::Chars => 1,
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Bytes => ch.len_utf8(),
            };
        }
        range.end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_every_unit() {
        let text = "a: 1\nname: \"héllo 😀\" # x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.line_col(text, x, ColumnUnit::Chars),
            LineCol {
                line: 2,
                column: 19
            }
        );
        assert_eq!(
            index.line_col(text, x, ColumnUnit::Utf16),
            LineCol {
                line: 2,
                column: 20
            }
        );
        assert_eq!(
            index.line_col(text, x, ColumnUnit::Bytes),
            LineCol {
                line: 2,
                column: 23
            }
        );
        assert_eq!(index.offset(text, 1, 19, ColumnUnit::Utf16), x);
        assert_eq!(index.offset(text, 1, 18, ColumnUnit::Chars), x);
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn crlf_lines_exclude_the_carriage_return() {
        let text = "a\r\nbc\r\n";
        let index = LineIndex::new(text);
        assert_eq!(&text[index.line_range(1, text)], "bc");
        assert_eq!(
            index.line_col(text, 3, ColumnUnit::Chars),
            LineCol { line: 2, column: 1 }
        );
    }
}
