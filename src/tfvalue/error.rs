//! `CodecError`: the single error type of the `tfvalue` codecs, carrying the path of the
//! offending value (e.g. `at .steps[2]: expected string, got bool`).
//! Depends on: std only. Must NOT: know about any wire format.

use std::fmt;

/// A decode/encode/conformance failure with the attribute path where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    path: String,
    message: String,
}

impl CodecError {
    pub fn new(message: impl Into<String>) -> Self {
        CodecError { path: String::new(), message: message.into() }
    }

    /// Path such as `.steps[2].name` or `.tags["env"]`; empty for the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The message without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefix the path with `.name` (errors are built innermost first).
    pub(crate) fn in_attr(mut self, name: &str) -> Self {
        self.path.insert_str(0, &format!(".{name}"));
        self
    }

    pub(crate) fn in_index(mut self, i: usize) -> Self {
        self.path.insert_str(0, &format!("[{i}]"));
        self
    }

    pub(crate) fn in_key(mut self, key: &str) -> Self {
        self.path.insert_str(0, &format!("[{key:?}]"));
        self
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_built_outside_in() {
        let e = CodecError::new("expected string, got bool").in_index(2).in_attr("steps");
        assert_eq!(e.to_string(), "at .steps[2]: expected string, got bool");
        assert_eq!(e.path(), ".steps[2]");
        let e = CodecError::new("boom").in_key("a\"b").in_attr("tags");
        assert_eq!(e.to_string(), "at .tags[\"a\\\"b\"]: boom");
        assert_eq!(CodecError::new("root").to_string(), "root");
    }
}
