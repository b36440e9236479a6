//! `Value`: a Terraform (cty) value — null, unknown, or known — plus read helpers, type
//! inference for `dynamic` slots and a conformance check against a `Type`.
//! Depends on: `types`, `number`, `error`. Must NOT: know about wire formats.

use std::collections::BTreeMap;

use super::error::CodecError;
use super::number::Number;
use super::types::Type;

/// A cty value. Null and unknown carry no type: the `Type` travels alongside (codecs are
/// type-directed). `Dynamic(ty, v)` is a value in a `dynamic` slot whose wire form named its
/// concrete type `ty`. Derived equality is structural (set order matters).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Unknown,
    String(String),
    Number(Number),
    Bool(bool),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    Dynamic(Box<Type>, Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// The value with any `Dynamic` wrappers removed; all read helpers look through them.
    pub fn unwrap_dynamic(&self) -> &Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        v
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Null)
    }

    /// True only for a wholly unknown value (see `is_known` for nested unknowns).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Unknown)
    }

    /// True when no unknown appears anywhere inside.
    pub fn is_known(&self) -> bool {
        match self.unwrap_dynamic() {
            Value::Unknown => false,
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => xs.iter().all(Value::is_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_known),
            _ => true,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_dynamic() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unwrap_dynamic() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.unwrap_dynamic() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => Some(xs),
            _ => None,
        }
    }

    /// Entries of a map or attributes of an object.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Attribute (or map entry) `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_map()?.get(name)
    }

    /// Attribute `name` when it is a known string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name)?.as_str()
    }

    /// Short kind name for messages (`string`, `list`, `null`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Tuple(_) => "tuple",
            Value::Dynamic(_, v) => v.kind(),
        }
    }

    /// The concrete type a value gets when written into a `dynamic` slot: null/unknown give
    /// `dynamic`; a list whose elements share a type (nulls fit anything) is `list(T)`, else a
    /// tuple; a map likewise `map(T)`, else an object; a set must be homogeneous.
    pub fn infer_type(&self) -> Result<Type, CodecError> {
        let all = |xs: &[Value]| xs.iter().map(Value::infer_type).collect::<Result<Vec<_>, _>>();
        Ok(match self {
            Value::Null | Value::Unknown => Type::Dynamic,
            Value::String(_) => Type::String,
            Value::Number(_) => Type::Number,
            Value::Bool(_) => Type::Bool,
            Value::Dynamic(t, _) => (**t).clone(),
            Value::List(xs) => {
                let types = all(xs)?;
                match common_type(&types) {
                    Some(t) => Type::list(t),
                    None => Type::Tuple(types),
                }
            }
            Value::Set(xs) => Type::set(
                common_type(&all(xs)?)
                    .ok_or_else(|| CodecError::new("set elements do not share one type"))?,
            ),
            Value::Tuple(xs) => Type::Tuple(all(xs)?),
            Value::Map(m) | Value::Object(m) => {
                let mut attrs = BTreeMap::new();
                for (k, v) in m {
                    attrs.insert(k.clone(), v.infer_type().map_err(|e| e.in_key(k))?);
                }
                let types: Vec<Type> = attrs.values().cloned().collect();
                match (self, common_type(&types)) {
                    (Value::Map(_), Some(t)) => Type::map(t),
                    _ => Type::Object(attrs),
                }
            }
        })
    }

    /// Checks that the value has the shape of `ty`: null/unknown fit anywhere, collection
    /// variants must match the type's kind, objects must have exactly the type's attributes,
    /// anything fits `dynamic` (a `Dynamic(t, v)` wrapper requires `v` to fit `t`).
    pub fn conforms(&self, ty: &Type) -> Result<(), String> {
        self.conforms_at(ty).map_err(|e| e.to_string())
    }

    pub(crate) fn conforms_at(&self, ty: &Type) -> Result<(), CodecError> {
        let each = |xs: &[Value], t: &Type| {
            xs.iter().enumerate().try_for_each(|(i, x)| x.conforms_at(t).map_err(|e| e.in_index(i)))
        };
        match (self, ty) {
            (Value::Null | Value::Unknown, _) => Ok(()),
            (Value::Dynamic(t, v), Type::Dynamic) => v.conforms_at(t),
            (Value::Dynamic(_, v), ty) => v.conforms_at(ty),
            (v, Type::Dynamic) => v.conforms_at(&v.infer_type()?),
            (Value::String(_), Type::String)
            | (Value::Number(_), Type::Number)
            | (Value::Bool(_), Type::Bool) => Ok(()),
            (Value::List(xs), Type::List(t)) | (Value::Set(xs), Type::Set(t)) => each(xs, t),
            (Value::Map(m), Type::Map(t)) => {
                m.iter().try_for_each(|(k, v)| v.conforms_at(t).map_err(|e| e.in_key(k)))
            }
            (Value::Object(m), Type::Object(attrs)) => {
                if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                    return Err(CodecError::new(format!("unsupported attribute {extra:?}")));
                }
                attrs.iter().try_for_each(|(name, t)| match m.get(name) {
                    None => Err(CodecError::new(format!("missing attribute {name:?}"))),
                    Some(v) => v.conforms_at(t).map_err(|e| e.in_attr(name)),
                })
            }
            (Value::Tuple(xs), Type::Tuple(ts)) => {
                if xs.len() != ts.len() {
                    return Err(CodecError::new(format!(
                        "tuple needs {} elements, got {}",
                        ts.len(),
                        xs.len()
                    )));
                }
                xs.iter()
                    .zip(ts)
                    .enumerate()
                    .try_for_each(|(i, (x, t))| x.conforms_at(t).map_err(|e| e.in_index(i)))
            }
            (v, t) => Err(CodecError::new(format!("expected {t}, got {}", v.kind()))),
        }
    }
}

/// The single type all of `types` fit (`dynamic` = unconstrained), if any.
fn common_type(types: &[Type]) -> Option<Type> {
    types.iter().try_fold(Type::Dynamic, |acc, t| unify(&acc, t))
}

fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => Some(t.clone()),
        (Type::List(x), Type::List(y)) => Some(Type::list(unify(x, y)?)),
        (Type::Set(x), Type::Set(y)) => Some(Type::set(unify(x, y)?)),
        (Type::Map(x), Type::Map(y)) => Some(Type::map(unify(x, y)?)),
        (Type::Object(x), Type::Object(y)) if x.len() == y.len() => {
            let attrs = x.iter().map(|(k, t)| Some((k.clone(), unify(t, y.get(k)?)?)));
            Some(Type::Object(attrs.collect::<Option<_>>()?))
        }
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => {
            Some(Type::Tuple(x.iter().zip(y).map(|(a, b)| unify(a, b)).collect::<Option<_>>()?))
        }
        (a, b) if a == b => Some(a.clone()),
        _ => None,
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.into())
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        Value::object([
            ("name", Value::string("p")),
            ("n", Value::number(3)),
            ("on", Value::Bool(true)),
            ("steps", Value::list([Value::object([("id", "a".into())]), Value::Unknown])),
            ("tags", Value::map([("env", Value::string("dev"))])),
            ("any", Value::Dynamic(Box::new(Type::String), Box::new("x".into()))),
        ])
    }

    #[test]
    fn accessors() {
        let v = sample();
        assert_eq!(v.get_str("name"), Some("p"));
        assert_eq!(v.get("n").and_then(Value::as_number).and_then(|n| n.as_i64()), Some(3));
        assert_eq!(v.get("on").and_then(Value::as_bool), Some(true));
        assert_eq!(v.get("steps").and_then(Value::as_list).map(<[Value]>::len), Some(2));
        assert_eq!(v.get("tags").and_then(|t| t.get_str("env")), Some("dev"));
        assert_eq!(v.get_str("any"), Some("x"));
        assert_eq!(v.get("missing"), None);
        assert!(!v.is_known() && !v.is_unknown() && !v.is_null());
        assert!(Value::Dynamic(Box::new(Type::Number), Box::new(Value::Null)).is_null());
        assert!(Value::Unknown.is_unknown() && Value::Null.is_known());
    }

    #[test]
    fn conformance() {
        let ty = Type::object([
            ("name", Type::String),
            ("n", Type::Number),
            ("on", Type::Bool),
            ("steps", Type::list(Type::object([("id", Type::String)]))),
            ("tags", Type::map(Type::String)),
            ("any", Type::Dynamic),
        ]);
        assert_eq!(sample().conforms(&ty), Ok(()));
        assert_eq!(Value::Null.conforms(&ty), Ok(()));
        let with = |name: &str, v: Value| {
            let mut s = sample();
            if let Value::Object(m) = &mut s {
                m.insert(name.into(), v);
            }
            s
        };
        let without_any = match sample() {
            Value::Object(mut m) => Value::Object({
                m.remove("any");
                m
            }),
            v => v,
        };
        let bad = [
            (with("name", Value::Bool(true)), "at .name: expected string, got bool"),
            (with("zzz", Value::Null), "unsupported attribute \"zzz\""),
            (without_any, "missing attribute \"any\""),
            (with("steps", Value::list([Value::object([("id", Value::number(1))])])), "at .steps[0].id: expected string, got number"),
            (with("tags", Value::map([("k", Value::list([]))])), "at .tags[\"k\"]: expected string, got list"),
            (with("steps", Value::Set(vec![])), "at .steps: expected list(object({id=string})), got set"),
            (Value::string("x"), "expected object({any=dynamic, n=number, name=string, on=bool, steps=list(object({id=string})), tags=map(string)}), got string"),
        ];
        for (v, msg) in bad {
            assert_eq!(v.conforms(&ty), Err(msg.to_string()));
        }
        assert!(Value::Tuple(vec![Value::Null]).conforms(&Type::tuple([])).is_err());
        assert!(Value::Set(vec![Value::Bool(true), Value::number(1)])
            .conforms(&Type::Dynamic)
            .is_err());
    }

    #[test]
    fn type_inference() {
        let s = Value::string;
        for (v, t) in [
            (s("x"), Type::String),
            (Value::Null, Type::Dynamic),
            (Value::list([]), Type::list(Type::Dynamic)),
            (Value::list([s("a"), Value::Null, s("b")]), Type::list(Type::String)),
            (Value::list([s("a"), Value::Bool(true)]), Type::tuple([Type::String, Type::Bool])),
            (
                Value::list([Value::list([]), Value::list([s("a")])]),
                Type::list(Type::list(Type::String)),
            ),
            (Value::Set(vec![Value::number(1)]), Type::set(Type::Number)),
            (Value::map([("a", s("x"))]), Type::map(Type::String)),
            (
                Value::map([("a", s("x")), ("b", Value::number(1))]),
                Type::object([("a", Type::String), ("b", Type::Number)]),
            ),
            (Value::object([("a", Value::Null)]), Type::object([("a", Type::Dynamic)])),
        ] {
            assert_eq!(v.infer_type(), Ok(t), "{v:?}");
        }
    }
}
