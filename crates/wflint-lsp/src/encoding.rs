//! Position encoding: which unit LSP columns are counted in, negotiated at `initialize`, and the
//! conversions between byte offsets and LSP positions.

use tower_lsp_server::ls_types::{
    ClientCapabilities, Position, PositionEncodingKind, Range as LspRange,
};
use wflint_core::span::{ColumnUnit, LineIndex, Span};

/// The unit of `Position.character` agreed with the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// UTF-16 code units: the LSP default, what every client understands.
    #[default]
    Utf16,
    /// Bytes of UTF-8, used when the client offers it.
    Utf8,
}

impl PositionEncoding {
    /// UTF-8 when the client lists it in `general.positionEncodings`, else UTF-16.
    pub fn negotiate(capabilities: &ClientCapabilities) -> Self {
        let offered = capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref());
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Self::Utf8,
            _ => Self::Utf16,
        }
    }

    /// The LSP name of this encoding.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf16 => PositionEncodingKind::UTF16,
            Self::Utf8 => PositionEncodingKind::UTF8,
        }
    }

    fn unit(self) -> ColumnUnit {
        match self {
            Self::Utf16 => ColumnUnit::Utf16,
            Self::Utf8 => ColumnUnit::Bytes,
        }
    }
}

/// A text with its line index, converting between byte offsets and LSP positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PositionMap<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    encoding: PositionEncoding,
}

impl<'a> PositionMap<'a> {
    /// Positions in `text` (indexed by `lines`), counted in `encoding`.
    pub(crate) fn new(text: &'a str, lines: &'a LineIndex, encoding: PositionEncoding) -> Self {
        Self {
            text,
            lines,
            encoding,
        }
    }

    /// The LSP position of byte `offset`.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let at = self.lines.line_col(self.text, offset, self.encoding.unit());
        Position::new(to_u32(at.line - 1), to_u32(at.column - 1))
    }

    /// The LSP range of a byte span.
    pub(crate) fn range(&self, span: Span) -> LspRange {
        LspRange::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of an LSP position (clamped to the line's and the text's end).
    pub(crate) fn offset(&self, position: Position) -> usize {
        self.lines.offset(
            self.text,
            position.line as usize,
            position.character as usize,
            self.encoding.unit(),
        )
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Whether two ranges overlap or touch (an empty range at the edge of the other counts).
pub(crate) fn ranges_touch(a: &LspRange, b: &LspRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Whether `position` lies within `range`, ends included.
pub(crate) fn range_contains(range: &LspRange, position: Position) -> bool {
    range.start <= position && position <= range.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_after_multibyte_text_follow_the_encoding() {
        let text = "a: 1\nb: café 😀 x\n";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let utf16 = PositionMap::new(text, &lines, PositionEncoding::Utf16);
        let utf8 = PositionMap::new(text, &lines, PositionEncoding::Utf8);
        assert_eq!(utf16.position(x), Position::new(1, 11));
        assert_eq!(utf8.position(x), Position::new(1, 14));
        assert_eq!(utf16.offset(Position::new(1, 11)), x);
        assert_eq!(utf8.offset(Position::new(1, 14)), x);
    }
}
