//! Typed reads of Terraform values for resource code: the small, total conversions every
//! resource needs (an optional string, a string list, a string map), each distinguishing
//! "null" from "unknown" so callers can decide what an unknown means.
//!
//! Depends on `tfvalue` only.

use std::collections::BTreeMap;

use crate::tfvalue::Value;

/// A value read from config or state: known, null, or not yet known.
#[derive(Clone, Debug, PartialEq)]
pub enum Known<T> {
    Value(T),
    Null,
    Unknown,
}

impl<T> Known<T> {
    pub fn known(self) -> Option<Option<T>> {
        match self {
            Known::Value(v) => Some(Some(v)),
            Known::Null => Some(None),
            Known::Unknown => None,
        }
    }
    pub fn value(self) -> Option<T> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }
}

fn read<T>(v: Option<&Value>, f: impl FnOnce(&Value) -> Option<T>) -> Known<T> {
    match v {
        None | Some(Value::Null) => Known::Null,
        Some(v) if v.is_unknown() => Known::Unknown,
        Some(v) if !v.is_known() => Known::Unknown,
        Some(v) => f(v).map(Known::Value).unwrap_or(Known::Null),
    }
}

pub fn string(obj: &Value, attr: &str) -> Known<String> {
    read(obj.get(attr), |v| v.as_str().map(str::to_string))
}

pub fn int(obj: &Value, attr: &str) -> Known<i64> {
    read(obj.get(attr), |v| v.as_number().and_then(|n| n.as_i64()))
}

pub fn string_list(obj: &Value, attr: &str) -> Known<Vec<String>> {
    read(obj.get(attr), |v| {
        v.as_list()
            .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
    })
}

pub fn string_map(obj: &Value, attr: &str) -> Known<BTreeMap<String, String>> {
    read(obj.get(attr), |v| {
        v.as_map().map(|m| {
            m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect()
        })
    })
}

/// The blocks of a list-nested block type (empty when absent).
pub fn blocks<'a>(obj: &'a Value, attr: &str) -> &'a [Value] {
    obj.get(attr).and_then(|v| v.as_list()).unwrap_or(&[])
}

pub fn opt_string(s: Option<String>) -> Value {
    s.map(Value::String).unwrap_or(Value::Null)
}

pub fn string_map_value(m: &BTreeMap<String, String>) -> Value {
    Value::map(m.iter().map(|(k, v)| (k.clone(), Value::string(v.clone()))))
}

/// Sets `attr` on an object value (no-op on anything else).
pub fn set(obj: &mut Value, attr: &str, v: Value) {
    if let Value::Object(m) = obj {
        m.insert(attr.to_string(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishes_null_unknown_and_value() {
        let v = Value::object([
            ("a", Value::string("x")),
            ("b", Value::Null),
            ("c", Value::Unknown),
            ("l", Value::list([Value::string("p"), Value::Unknown])),
            ("m", Value::map([("k", Value::string("v"))])),
        ]);
        assert_eq!(string(&v, "a"), Known::Value("x".into()));
        assert_eq!(string(&v, "b"), Known::Null);
        assert_eq!(string(&v, "c"), Known::Unknown);
        assert_eq!(string(&v, "missing"), Known::Null);
        assert_eq!(
            string_list(&v, "l"),
            Known::Unknown,
            "a list with an unknown element is unknown"
        );
        assert_eq!(string_map(&v, "m").value().map(|m| m.len()), Some(1));
    }
}
