//! `Type`: cty types and their type JSON (`"string"`, `["list","string"]`,
//! `["object",{"a":"string"}]`, `["tuple",["bool"]]`), as used in schema attribute types and in
//! the `dynamic` wire wrapper.
//! Depends on: `error`, `jsontext`. Must NOT: know about values or wire formats.

use std::collections::BTreeMap;
use std::fmt;

use super::error::CodecError;
use super::jsontext::{self, Json};

/// A cty type. `Dynamic` is cty's `DynamicPseudoType` ("any type").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    pub fn tuple(elements: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elements.into_iter().collect())
    }

    /// Type JSON exactly as Terraform expects it (a JSON document; primitives are quoted).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let collection = |out: &mut String, kind: &str, t: &Type| {
            out.push_str(&format!("[\"{kind}\","));
            t.write_json(out);
            out.push(']');
        };
        match self {
            Type::String => out.push_str("\"string\""),
            Type::Number => out.push_str("\"number\""),
            Type::Bool => out.push_str("\"bool\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(t) => collection(out, "list", t),
            Type::Set(t) => collection(out, "set", t),
            Type::Map(t) => collection(out, "map", t),
            Type::Object(attrs) => {
                out.push_str("[\"object\",{");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    jsontext::write_str(out, name);
                    out.push(':');
                    t.write_json(out);
                }
                out.push_str("}]");
            }
            Type::Tuple(elems) => {
                out.push_str("[\"tuple\",[");
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    t.write_json(out);
                }
                out.push_str("]]");
            }
        }
    }

    /// Parses type JSON. Also accepts cty's optional-attribute object form
    /// `["object",{...},["opt",...]]` (the optional markers are dropped).
    pub fn from_json(text: &str) -> Result<Type, CodecError> {
        Type::from_json_tree(&jsontext::parse(text.as_bytes())?)
    }

    pub(crate) fn from_json_tree(j: &Json) -> Result<Type, CodecError> {
        let bad = |what: String| CodecError::new(format!("invalid type JSON: {what}"));
        match j {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(bad(format!("unknown primitive type {other:?}"))),
            },
            Json::Array(items) => {
                let Some(Json::String(kind)) = items.first() else {
                    return Err(bad("a type array must start with the type kind string".into()));
                };
                match (kind.as_str(), &items[1..]) {
                    ("list", [t]) => Ok(Type::list(Type::from_json_tree(t)?)),
                    ("set", [t]) => Ok(Type::set(Type::from_json_tree(t)?)),
                    ("map", [t]) => Ok(Type::map(Type::from_json_tree(t)?)),
                    ("tuple", [Json::Array(elems)]) => Ok(Type::Tuple(
                        elems.iter().map(Type::from_json_tree).collect::<Result<_, _>>()?,
                    )),
                    ("object", [Json::Object(members)])
                    | ("object", [Json::Object(members), Json::Array(_)]) => {
                        let mut attrs = BTreeMap::new();
                        for (name, t) in members {
                            if attrs.insert(name.clone(), Type::from_json_tree(t)?).is_some() {
                                return Err(bad(format!("duplicate object attribute {name:?}")));
                            }
                        }
                        if let Some(Json::Array(optional)) = items.get(2) {
                            for o in optional {
                                if !matches!(o, Json::String(n) if attrs.contains_key(n)) {
                                    return Err(bad(
                                        "optional attribute list must name attributes".into(),
                                    ));
                                }
                            }
                        }
                        Ok(Type::Object(attrs))
                    }
                    (kind, _) => Err(bad(format!("malformed {kind:?} type"))),
                }
            }
            other => Err(bad(format!("expected a string or array, got {}", other.kind()))),
        }
    }
}

/// Human form for messages, in Terraform's spelling: `list(string)`, `object({a=string})`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (name, t)) in attrs.iter().enumerate() {
                    write!(f, "{}{name}={t}", if i > 0 { ", " } else { "" })?;
                }
                f.write_str("})")
            }
            Type::Tuple(elems) => {
                f.write_str("tuple([")?;
                for (i, t) in elems.iter().enumerate() {
                    write!(f, "{}{t}", if i > 0 { ", " } else { "" })?;
                }
                f.write_str("])")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_both_ways() {
        let table = [
            (Type::String, r#""string""#),
            (Type::Number, r#""number""#),
            (Type::Bool, r#""bool""#),
            (Type::Dynamic, r#""dynamic""#),
            (Type::list(Type::String), r#"["list","string"]"#),
            (Type::set(Type::Number), r#"["set","number"]"#),
            (Type::map(Type::list(Type::Bool)), r#"["map",["list","bool"]]"#),
            (
                Type::object([("b", Type::Number), ("a", Type::String)]),
                r#"["object",{"a":"string","b":"number"}]"#,
            ),
            (Type::object::<&str>([]), r#"["object",{}]"#),
            (Type::tuple([Type::String, Type::Dynamic]), r#"["tuple",["string","dynamic"]]"#),
            (Type::tuple([]), r#"["tuple",[]]"#),
            (
                Type::object([("we\"ird", Type::set(Type::object([("x", Type::Bool)])))]),
                r#"["object",{"we\"ird":["set",["object",{"x":"bool"}]]}]"#,
            ),
        ];
        for (ty, json) in table {
            assert_eq!(ty.to_json(), json);
            assert_eq!(Type::from_json(json), Ok(ty.clone()), "{json}");
        }
    }

    #[test]
    fn lenient_and_invalid_type_json() {
        assert_eq!(Type::from_json(r#" [ "list" , "string" ] "#), Ok(Type::list(Type::String)));
        assert_eq!(
            Type::from_json(r#"["object",{"a":"string","b":"bool"},["b"]]"#),
            Ok(Type::object([("a", Type::String), ("b", Type::Bool)]))
        );
        for bad in [
            "string",
            r#""str""#,
            r#"["list"]"#,
            r#"["list","string","x"]"#,
            r#"["object",["a"]]"#,
            r#"["tuple","string"]"#,
            r#"["object",{"a":"string","a":"bool"}]"#,
            r#"["object",{"a":"string"},["z"]]"#,
            r#"[1,"string"]"#,
            "[]",
            "{}",
            "null",
            r#""string" x"#,
            "",
        ] {
            assert!(Type::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_is_terraform_spelling() {
        let t = Type::object([
            ("a", Type::list(Type::String)),
            ("b", Type::tuple([Type::Bool, Type::Number])),
        ]);
        assert_eq!(t.to_string(), "object({a=list(string), b=tuple([bool, number])})");
    }
}
