//! JSON form of Terraform values (`RawState.json`, `DynamicValue.json`): same structural
//! mapping as msgpack, dynamic slots as `{"value":..,"type":..}`, numbers exact.
//! Depends on: `jsontext` (strict hand-written JSON reader), `value`, `types`, `number`, `error`.
//! Must NOT: represent unknowns (JSON cannot carry them) or lose number precision.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use super::error::CodecError;
use super::jsontext::{self, Json};
use super::number::Number;
use super::types::Type;
use super::value::Value;

/// Decodes JSON `text` as a value of type `ty`, go-cty style: missing object attributes become
/// null, unknown attributes are an error, and primitives convert leniently (`"5"` for a number,
/// `true` for a string, `"false"` for a bool) as stored states may hold them.
pub fn decode_json(text: &[u8], ty: &Type) -> Result<Value, CodecError> {
    from_tree(jsontext::parse(text)?, ty)
}

/// Consumes the parsed tree, so strings move into the value instead of being copied.
fn from_tree(j: Json, ty: &Type) -> Result<Value, CodecError> {
    let items = |xs: Vec<Json>, t: &Type| -> Result<Vec<Value>, CodecError> {
        xs.into_iter()
            .enumerate()
            .map(|(i, x)| from_tree(x, t).map_err(|e| e.in_index(i)))
            .collect()
    };
    let number = |text: &str| {
        Number::parse(text).ok_or_else(|| CodecError::new(format!("invalid number {text:?}")))
    };
    Ok(match (ty, j) {
        (_, Json::Null) => Value::Null,
        (Type::String, Json::String(s)) => Value::String(s),
        (Type::String, Json::Number(text)) => Value::String(number(&text)?.to_string()),
        (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
        (Type::Number, Json::Number(text) | Json::String(text)) => Value::Number(number(&text)?),
        (Type::Bool, Json::Bool(b)) => Value::Bool(b),
        (Type::Bool, Json::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
        (Type::List(t), Json::Array(xs)) => Value::List(items(xs, t)?),
        (Type::Set(t), Json::Array(xs)) => Value::Set(items(xs, t)?),
        (Type::Tuple(ts), Json::Array(xs)) => {
            if xs.len() != ts.len() {
                return Err(CodecError::new(format!(
                    "tuple needs {} elements, got {}",
                    ts.len(),
                    xs.len()
                )));
            }
            let elems = xs
                .into_iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (x, t))| from_tree(x, t).map_err(|e| e.in_index(i)));
            Value::Tuple(elems.collect::<Result<_, _>>()?)
        }
        (Type::Map(t), Json::Object(members)) => Value::Map(entries(members, t)?),
        (Type::Object(attrs), Json::Object(members)) => {
            // Checked in document order (the first problem is the one reported), then merged
            // with the attributes in their sorted order, the missing ones null: the map is
            // built from a sorted sequence in one go instead of by one search per insert.
            let mut given: Vec<(String, Value)> = Vec::with_capacity(members.len());
            for (k, x) in members {
                let t = attrs
                    .get(&k)
                    .ok_or_else(|| CodecError::new(format!("unsupported attribute {k:?}")))?;
                let v = from_tree(x, t).map_err(|e| e.in_attr(&k))?;
                if given.iter().any(|(g, _)| *g == k) {
                    return Err(CodecError::new(format!("duplicate key {k:?}")));
                }
                given.push((k, v));
            }
            given.sort_by(|a, b| a.0.cmp(&b.0));
            let mut given = given.into_iter().peekable();
            let all: Vec<(String, Value)> = attrs
                .keys()
                .map(|name| match given.next_if(|(k, _)| k == name) {
                    Some(member) => member,
                    None => (name.clone(), Value::Null),
                })
                .collect();
            Value::Object(all.into_iter().collect())
        }
        (Type::Dynamic, Json::Object(members)) => {
            let (mut value, mut t) = (None, None);
            for (k, x) in members {
                match k.as_str() {
                    "value" if value.is_none() => value = Some(x),
                    "type" if t.is_none() => t = Some(Type::from_json_tree(&x)?),
                    _ => {
                        return Err(CodecError::new(format!(
                            "unexpected key {k:?} in dynamic value"
                        )))
                    }
                }
            }
            let (Some(value), Some(t)) = (value, t) else {
                return Err(CodecError::new("dynamic value needs both \"value\" and \"type\""));
            };
            let v = from_tree(value, &t)?;
            Value::Dynamic(Box::new(t), Box::new(v))
        }
        (ty, j) => return Err(CodecError::new(format!("expected {ty}, got JSON {}", j.kind()))),
    })
}

/// The entries of a map whose values are of type `t`.
fn entries(members: Vec<(String, Json)>, t: &Type) -> Result<BTreeMap<String, Value>, CodecError> {
    let mut m = BTreeMap::new();
    for (k, x) in members {
        let v = from_tree(x, t).map_err(|e| e.in_key(&k))?;
        match m.entry(k) {
            Entry::Occupied(o) => {
                return Err(CodecError::new(format!("duplicate key {:?}", o.key())))
            }
            Entry::Vacant(slot) => {
                slot.insert(v);
            }
        }
    }
    Ok(m)
}

/// Encodes `v` (which must be wholly known) as JSON of type `ty`; objects list every attribute
/// in sorted order (missing = null); non-`Dynamic` values in dynamic slots get inferred types.
pub fn encode_json(v: &Value, ty: &Type) -> Result<String, CodecError> {
    let mut out = String::new();
    write(&mut out, v, ty)?;
    Ok(out)
}

fn write(out: &mut String, v: &Value, ty: &Type) -> Result<(), CodecError> {
    let list = |out: &mut String, xs: &[Value], types: &mut dyn Iterator<Item = &Type>| {
        out.push('[');
        for (i, (x, t)) in xs.iter().zip(types).enumerate() {
            if i > 0 {
                out.push(',');
            }
            write(out, x, t).map_err(|e| e.in_index(i))?;
        }
        out.push(']');
        Ok::<(), CodecError>(())
    };
    match (v, ty) {
        (Value::Null, _) => out.push_str("null"),
        (Value::Unknown, _) => {
            return Err(CodecError::new("unknown values cannot be encoded as JSON"))
        }
        (v, Type::Dynamic) => {
            let (t, inner) = match v {
                Value::Dynamic(t, inner) => ((**t).clone(), &**inner),
                v => (v.infer_type()?, v),
            };
            if t == Type::Dynamic {
                return write(out, inner, &t);
            }
            out.push_str("{\"value\":");
            write(out, inner, &t)?;
            out.push_str(",\"type\":");
            out.push_str(&t.to_json());
            out.push('}');
        }
        (Value::Dynamic(_, inner), ty) => write(out, inner, ty)?,
        (Value::String(s), Type::String) => jsontext::write_str(out, s),
        (Value::Number(n), Type::Number) if n.is_finite() => out.push_str(&n.to_string()),
        (Value::Number(n), Type::Number) => {
            return Err(CodecError::new(format!("{n} cannot be encoded as JSON")))
        }
        (Value::Bool(b), Type::Bool) => out.push_str(if *b { "true" } else { "false" }),
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::List(t) | Type::Set(t)) => {
            list(out, xs, &mut std::iter::repeat(&**t))?
        }
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::Tuple(ts)) => {
            if xs.len() != ts.len() {
                return Err(CodecError::new(format!(
                    "tuple needs {} elements, got {}",
                    ts.len(),
                    xs.len()
                )));
            }
            list(out, xs, &mut ts.iter())?
        }
        (Value::Map(m) | Value::Object(m), Type::Map(t)) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jsontext::write_str(out, k);
                out.push(':');
                write(out, x, t).map_err(|e| e.in_key(k))?;
            }
            out.push('}');
        }
        (Value::Map(m) | Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(format!("unsupported attribute {extra:?}")));
            }
            out.push('{');
            for (i, (name, t)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jsontext::write_str(out, name);
                out.push(':');
                match m.get(name) {
                    Some(x) => write(out, x, t).map_err(|e| e.in_attr(name))?,
                    None => out.push_str("null"),
                }
            }
            out.push('}');
        }
        (v, t) => return Err(CodecError::new(format!("cannot encode {} as {t}", v.kind()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        Value::Number(Number::parse(text).expect("number"))
    }

    fn dynamic(t: Type, v: Value) -> Value {
        Value::Dynamic(Box::new(t), Box::new(v))
    }

    fn obj_ab() -> Type {
        Type::object([("a", Type::String), ("b", Type::Number)])
    }

    /// (value, type, exact JSON); each also decodes back to the same value.
    fn pinned() -> Vec<(Value, Type, &'static str)> {
        vec![
            (Value::Null, Type::String, "null"),
            (Value::string("a\"b\n"), Type::String, r#""a\"b\n""#),
            (num("12345678901234567890.5"), Type::Number, "12345678901234567890.5"),
            (num("-1e3"), Type::Number, "-1000"),
            (num("0.1"), Type::Number, "0.1"),
            (Value::Bool(false), Type::Bool, "false"),
            (
                Value::object([("a", Value::string("x")), ("b", Value::Null)]),
                obj_ab(),
                r#"{"a":"x","b":null}"#,
            ),
            (Value::list([num("1"), num("2")]), Type::list(Type::Number), "[1,2]"),
            (Value::Set(vec![Value::string("s")]), Type::set(Type::String), r#"["s"]"#),
            (Value::map([("k", Value::Bool(true))]), Type::map(Type::Bool), r#"{"k":true}"#),
            (
                Value::Tuple(vec![Value::string("a"), num("1")]),
                Type::tuple([Type::String, Type::Number]),
                r#"["a",1]"#,
            ),
            (
                dynamic(Type::String, Value::string("x")),
                Type::Dynamic,
                r#"{"value":"x","type":"string"}"#,
            ),
            (
                dynamic(Type::list(Type::Number), Value::list([num("1")])),
                Type::Dynamic,
                r#"{"value":[1],"type":["list","number"]}"#,
            ),
            (dynamic(Type::Bool, Value::Null), Type::Dynamic, r#"{"value":null,"type":"bool"}"#),
            (Value::Null, Type::Dynamic, "null"),
        ]
    }

    #[test]
    fn pinned_json_encode_and_decode() {
        for (v, ty, want) in pinned() {
            assert_eq!(encode_json(&v, &ty).as_deref(), Ok(want), "encode {v:?}");
            assert_eq!(decode_json(want.as_bytes(), &ty), Ok(v), "decode {want}");
        }
    }

    #[test]
    fn decode_is_lenient_like_go_cty() {
        for (text, ty, want) in [
            (r#"{"b": 2}"#, obj_ab(), Value::object([("a", Value::Null), ("b", num("2"))])),
            ("{}", obj_ab(), Value::object([("a", Value::Null), ("b", Value::Null)])),
            (r#""2.50""#, Type::Number, num("2.5")),
            ("1.0", Type::String, Value::string("1")),
            ("true", Type::String, Value::string("true")),
            (r#""false""#, Type::Bool, Value::Bool(false)),
            (
                r#" {"type": "number", "value": 1e2} "#,
                Type::Dynamic,
                dynamic(Type::Number, num("100")),
            ),
        ] {
            assert_eq!(decode_json(text.as_bytes(), &ty), Ok(want), "{text}");
        }
    }

    #[test]
    fn encode_conveniences_and_errors() {
        assert_eq!(
            encode_json(&Value::object([("b", Value::number(1))]), &obj_ab()).as_deref(),
            Ok(r#"{"a":null,"b":1}"#)
        );
        assert_eq!(
            encode_json(&Value::object([("k", Value::string("v"))]), &Type::Dynamic).as_deref(),
            Ok(r#"{"value":{"k":"v"},"type":["object",{"k":"string"}]}"#)
        );
        for (v, ty, err) in [
            (Value::Unknown, Type::String, "unknown values cannot be encoded as JSON"),
            (
                Value::list([Value::Unknown]),
                Type::list(Type::Bool),
                "at [0]: unknown values cannot be encoded as JSON",
            ),
            (Value::object([("z", Value::Null)]), obj_ab(), "unsupported attribute \"z\""),
            (num("Inf"), Type::Number, "Inf cannot be encoded as JSON"),
            (Value::Bool(true), Type::Number, "cannot encode bool as number"),
        ] {
            assert_eq!(encode_json(&v, &ty).map_err(|e| e.to_string()), Err(err.to_string()));
        }
    }

    #[test]
    fn decode_errors() {
        let steps = Type::object([("steps", Type::list(Type::String))]);
        for (text, ty, err) in [
            (r#"{"a":"x","zz":1}"#, obj_ab(), "unsupported attribute \"zz\""),
            (r#"{"steps":["a",[]]}"#, steps, "at .steps[1]: expected string, got JSON array"),
            (r#"{"k":1,"k":2}"#, Type::map(Type::Number), "duplicate key \"k\""),
            (r#""abc""#, Type::Number, "invalid number \"abc\""),
            (r#""yes""#, Type::Bool, "expected bool, got JSON string"),
            ("[1]", Type::tuple([]), "tuple needs 0 elements, got 1"),
            (r#"{"value":1}"#, Type::Dynamic, "dynamic value needs both \"value\" and \"type\""),
            (
                r#"{"value":1,"type":"number","x":0}"#,
                Type::Dynamic,
                "unexpected key \"x\" in dynamic value",
            ),
            (
                r#"{"value":1,"type":"nope"}"#,
                Type::Dynamic,
                "invalid type JSON: unknown primitive type \"nope\"",
            ),
            ("1e999999", Type::Number, "invalid number \"1e999999\""),
            ("[1,", Type::list(Type::Number), "invalid JSON at byte 3: unexpected end of input"),
        ] {
            assert_eq!(
                decode_json(text.as_bytes(), &ty).map_err(|e| e.to_string()),
                Err(err.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn roundtrip_and_prefixes() {
        let ty = Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("l", Type::list(Type::object([("x", Type::Bool)]))),
            ("set", Type::set(Type::Number)),
            ("m", Type::map(Type::String)),
            ("t", Type::tuple([Type::String, Type::Dynamic])),
            ("d", Type::Dynamic),
        ]);
        let v = Value::object([
            ("s", Value::string("h\u{e9}llo \u{1F600} \u{1}")),
            ("n", num("-98765432109876543210.0123456789")),
            ("l", Value::list([Value::object([("x", Value::Bool(true))]), Value::Null])),
            ("set", Value::Set(vec![num("1"), num("2.5")])),
            ("m", Value::map([("k", Value::string("v"))])),
            (
                "t",
                Value::Tuple(vec![
                    Value::string("a"),
                    dynamic(Type::set(Type::String), Value::Set(vec![])),
                ]),
            ),
            ("d", Value::Null),
        ]);
        let text = encode_json(&v, &ty).expect("encode");
        assert_eq!(decode_json(text.as_bytes(), &ty), Ok(v));
        for end in 0..text.len() {
            assert!(decode_json(&text.as_bytes()[..end], &ty).is_err(), "prefix {end}");
        }
    }
}
