//! Type-directed MessagePack codec for Terraform `DynamicValue.msgpack`, byte-compatible with
//! go-cty: null = nil, unknown = ext (`d4 00 00`), refined unknowns (ext 12) parsed, numbers as
//! int / float64 / decimal string, objects as maps with every attribute (sorted keys), dynamic
//! slots as `[bin(type JSON), value]`.
//! Depends on: `value`, `types`, `number`, `error` (hand-written msgpack, no crates).
//! Must NOT: panic on any input, recurse without bound, or do IO.

use std::collections::BTreeMap;

use super::error::CodecError;
use super::number::Number;
use super::types::Type;
use super::value::Value;

/// Maximum nesting of decoded values (only reachable through nested `dynamic` wrappers).
const MAX_DEPTH: usize = 200;
const EXT_REFINED_UNKNOWN: i8 = 12;

/// Encodes `v` as a value of type `ty`. Lenient about collection variants (a `List` may fill a
/// set slot, a `Map` an object slot); missing object attributes are written as null; a
/// non-`Dynamic` value in a `dynamic` slot gets its type from `Value::infer_type`.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    write_value(&mut out, v, ty)?;
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, v: &Value, ty: &Type) -> Result<(), CodecError> {
    match (v, ty) {
        (Value::Null, _) => out.push(0xc0),
        (Value::Unknown, _) => out.extend_from_slice(&[0xd4, 0x00, 0x00]),
        (v, Type::Dynamic) => {
            let (t, inner) = match v {
                Value::Dynamic(t, inner) => ((**t).clone(), &**inner),
                v => (v.infer_type()?, v),
            };
            if t == Type::Dynamic {
                return write_value(out, inner, &t);
            }
            out.push(0x92);
            write_bytes(out, [0xc4, 0xc5, 0xc6], t.to_json().as_bytes())?;
            write_value(out, inner, &t)?;
        }
        (Value::Dynamic(_, inner), ty) => write_value(out, inner, ty)?,
        (Value::String(s), Type::String) => write_bytes(out, [0xd9, 0xda, 0xdb], s.as_bytes())?,
        (Value::Number(n), Type::Number) => write_number(out, n)?,
        (Value::Bool(b), Type::Bool) => out.push(if *b { 0xc3 } else { 0xc2 }),
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::List(t) | Type::Set(t)) => {
            write_len(out, 0x90, [0xdc, 0xdd], xs.len())?;
            for (i, x) in xs.iter().enumerate() {
                write_value(out, x, t).map_err(|e| e.in_index(i))?;
            }
        }
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::Tuple(ts)) => {
            if xs.len() != ts.len() {
                return Err(CodecError::new(format!(
                    "tuple needs {} elements, got {}",
                    ts.len(),
                    xs.len()
                )));
            }
            write_len(out, 0x90, [0xdc, 0xdd], xs.len())?;
            for (i, (x, t)) in xs.iter().zip(ts).enumerate() {
                write_value(out, x, t).map_err(|e| e.in_index(i))?;
            }
        }
        (Value::Map(m) | Value::Object(m), Type::Map(t)) => {
            write_len(out, 0x80, [0xde, 0xdf], m.len())?;
            for (k, x) in m {
                write_bytes(out, [0xd9, 0xda, 0xdb], k.as_bytes())?;
                write_value(out, x, t).map_err(|e| e.in_key(k))?;
            }
        }
        (Value::Map(m) | Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(format!("unsupported attribute {extra:?}")));
            }
            write_len(out, 0x80, [0xde, 0xdf], attrs.len())?;
            for (name, t) in attrs {
                write_bytes(out, [0xd9, 0xda, 0xdb], name.as_bytes())?;
                match m.get(name) {
                    Some(x) => write_value(out, x, t).map_err(|e| e.in_attr(name))?,
                    None => out.push(0xc0),
                }
            }
        }
        (v, t) => return Err(CodecError::new(format!("cannot encode {} as {t}", v.kind()))),
    }
    Ok(())
}

/// Array/map header: fix form below 16 entries, else 16/32-bit form.
fn write_len(out: &mut Vec<u8>, fix: u8, markers: [u8; 2], n: usize) -> Result<(), CodecError> {
    if n < 16 {
        out.push(fix | n as u8);
    } else if let Ok(n) = u16::try_from(n) {
        out.push(markers[0]);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        let n =
            u32::try_from(n).map_err(|_| CodecError::new("collection too large for msgpack"))?;
        out.push(markers[1]);
        out.extend_from_slice(&n.to_be_bytes());
    }
    Ok(())
}

/// str (fixstr when short and `markers` are the str ones) or bin with 8/16/32-bit length.
fn write_bytes(out: &mut Vec<u8>, markers: [u8; 3], b: &[u8]) -> Result<(), CodecError> {
    let n = b.len();
    if markers[0] == 0xd9 && n < 32 {
        out.push(0xa0 | n as u8);
    } else if let Ok(n) = u8::try_from(n) {
        out.extend_from_slice(&[markers[0], n]);
    } else if let Ok(n) = u16::try_from(n) {
        out.push(markers[1]);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        let n = u32::try_from(n).map_err(|_| CodecError::new("string too large for msgpack"))?;
        out.push(markers[2]);
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(b);
    Ok(())
}

/// Smallest int form when exactly an int64, else float64 when it round-trips, else decimal str.
fn write_number(out: &mut Vec<u8>, n: &Number) -> Result<(), CodecError> {
    if let Some(i) = n.as_i64() {
        write_int(out, i);
    } else if let Some(f) = n.exact_f64().or_else(|| (!n.is_finite()).then(|| n.as_f64())) {
        out.push(0xcb);
        out.extend_from_slice(&f.to_be_bytes());
    } else {
        write_bytes(out, [0xd9, 0xda, 0xdb], n.to_string().as_bytes())?;
    }
    Ok(())
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if let Ok(u) = u64::try_from(i) {
        match u {
            0..=0x7f => out.push(u as u8),
            0x80..=0xff => out.extend_from_slice(&[0xcc, u as u8]),
            0x100..=0xffff => {
                out.push(0xcd);
                out.extend_from_slice(&(u as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                out.push(0xce);
                out.extend_from_slice(&(u as u32).to_be_bytes());
            }
            _ => {
                out.push(0xcf);
                out.extend_from_slice(&u.to_be_bytes());
            }
        }
    } else if i >= -32 {
        out.push(i as i8 as u8);
    } else if let Ok(i) = i8::try_from(i) {
        out.extend_from_slice(&[0xd0, i as u8]);
    } else if let Ok(i) = i16::try_from(i) {
        out.push(0xd1);
        out.extend_from_slice(&i.to_be_bytes());
    } else if let Ok(i) = i32::try_from(i) {
        out.push(0xd2);
        out.extend_from_slice(&i.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

/// Decodes msgpack `bytes` as a value of type `ty`. Any ext is an unknown (ext 12's refinement
/// payload is validated, then dropped); missing object attributes decode as null, unknown ones
/// are an error; a `dynamic` slot yields `Value::Dynamic(ty, v)` (or plain `Null`/`Unknown`).
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = read_value(&mut r, ty, 0)?;
    if r.pos != bytes.len() {
        return Err(CodecError::new(format!(
            "{} unexpected trailing bytes after msgpack value",
            bytes.len() - r.pos
        )));
    }
    Ok(v)
}

/// What a refined unknown (ext 12) promises about its eventual value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refinements {
    /// Key 1. `Some(false)` = definitely not null.
    pub nullness: Option<bool>,
    /// Key 2: known prefix of a string.
    pub string_prefix: Option<String>,
    /// Keys 3 / 4: number bounds as (bound, inclusive).
    pub number_lower: Option<(Number, bool)>,
    pub number_upper: Option<(Number, bool)>,
    /// Keys 5 / 6: inclusive collection length bounds.
    pub length_lower: Option<u64>,
    pub length_upper: Option<u64>,
}

/// Parses the payload of an ext-12 refined unknown (a msgpack map with small-int keys).
/// Unknown keys (and non-integer keys) are skipped.
pub fn decode_refinements(payload: &[u8]) -> Result<Refinements, CodecError> {
    let wrap = |e: CodecError| {
        CodecError::new(format!("invalid unknown-value refinements: {}", e.message()))
    };
    let mut r = Reader { buf: payload, pos: 0 };
    let n = match r.head().map_err(wrap)? {
        Head::Map(n) => n,
        h => return Err(wrap(CodecError::new(format!("expected a map, got {}", h.kind())))),
    };
    r.check_items(n.saturating_mul(2)).map_err(wrap)?;
    let mut refs = Refinements::default();
    for _ in 0..n {
        let key = r.head().map_err(wrap)?;
        let Head::Int(key) = key else {
            r.skip_body(key, 0).map_err(wrap)?;
            r.skip(0).map_err(wrap)?;
            continue;
        };
        match key {
            1 => refs.nullness = Some(r.read_bool().map_err(wrap)?),
            2 => refs.string_prefix = Some(r.read_str().map_err(wrap)?.to_string()),
            3 | 4 => {
                let bound = r.read_bound().map_err(wrap)?;
                *(if key == 3 { &mut refs.number_lower } else { &mut refs.number_upper }) =
                    Some(bound);
            }
            5 | 6 => {
                let len = match r.head().map_err(wrap)? {
                    Head::Int(i) => u64::try_from(i).ok(),
                    _ => None,
                };
                let len = len.ok_or_else(|| {
                    wrap(CodecError::new("length bound must be a non-negative integer"))
                })?;
                *(if key == 5 { &mut refs.length_lower } else { &mut refs.length_upper }) =
                    Some(len);
            }
            _ => r.skip(0).map_err(wrap)?,
        }
    }
    if r.pos != payload.len() {
        return Err(wrap(CodecError::new("trailing bytes")));
    }
    Ok(refs)
}

/// A msgpack item header (marker plus length/scalar bytes; bodies not yet consumed).
enum Head {
    Nil,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(usize),
    Bin(usize),
    Array(usize),
    Map(usize),
    Ext(i8, usize),
}

impl Head {
    fn kind(&self) -> &'static str {
        match self {
            Head::Nil => "nil",
            Head::Bool(_) => "bool",
            Head::Int(_) => "integer",
            Head::Float(_) => "float",
            Head::Str(_) => "string",
            Head::Bin(_) => "binary",
            Head::Array(_) => "array",
            Head::Map(_) => "map",
            Head::Ext(..) => "extension",
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.buf.len());
        let end = end.ok_or_else(|| CodecError::new("unexpected end of msgpack input"))?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    /// Big-endian unsigned integer of `size` (1..=8) bytes.
    fn uint(&mut self, size: usize) -> Result<u64, CodecError> {
        Ok(self.take(size)?.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn len(&mut self, size: usize) -> Result<usize, CodecError> {
        usize::try_from(self.uint(size)?).map_err(|_| CodecError::new("msgpack length too large"))
    }

    /// Fails early when `n` items (each at least one byte) cannot fit in the rest of the input.
    fn check_items(&self, n: usize) -> Result<(), CodecError> {
        if n > self.buf.len() - self.pos {
            return Err(CodecError::new("unexpected end of msgpack input"));
        }
        Ok(())
    }

    fn head(&mut self) -> Result<Head, CodecError> {
        let m = self.byte()?;
        Ok(match m {
            0x00..=0x7f => Head::Int(i128::from(m)),
            0xe0..=0xff => Head::Int(i128::from(m as i8)),
            0x80..=0x8f => Head::Map(usize::from(m & 0x0f)),
            0x90..=0x9f => Head::Array(usize::from(m & 0x0f)),
            0xa0..=0xbf => Head::Str(usize::from(m & 0x1f)),
            0xc0 => Head::Nil,
            0xc1 => return Err(CodecError::new("invalid msgpack byte 0xc1")),
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4..=0xc6 => Head::Bin(self.len(1 << (m - 0xc4))?),
            0xc7..=0xc9 => {
                let n = self.len(1 << (m - 0xc7))?;
                Head::Ext(self.byte()? as i8, n)
            }
            0xca => Head::Float(f64::from(f32::from_bits(self.uint(4)? as u32))),
            0xcb => Head::Float(f64::from_bits(self.uint(8)?)),
            0xcc..=0xcf => Head::Int(i128::from(self.uint(1 << (m - 0xcc))?)),
            0xd0..=0xd3 => {
                let size = 1usize << (m - 0xd0);
                let shift = 64 - 8 * size as u32;
                Head::Int(i128::from(((self.uint(size)? << shift) as i64) >> shift))
            }
            0xd4..=0xd8 => Head::Ext(self.byte()? as i8, 1 << (m - 0xd4)),
            0xd9..=0xdb => Head::Str(self.len(1 << (m - 0xd9))?),
            0xdc | 0xdd => Head::Array(self.len(2 << (m - 0xdc))?),
            0xde | 0xdf => Head::Map(self.len(2 << (m - 0xde))?),
        })
    }

    fn utf8(&mut self, n: usize) -> Result<&'a str, CodecError> {
        std::str::from_utf8(self.take(n)?).map_err(|_| CodecError::new("string is not valid UTF-8"))
    }

    fn read_str(&mut self) -> Result<&'a str, CodecError> {
        match self.head()? {
            Head::Str(n) => self.utf8(n),
            h => Err(CodecError::new(format!("expected string, got {}", h.kind()))),
        }
    }

    fn read_bool(&mut self) -> Result<bool, CodecError> {
        match self.head()? {
            Head::Bool(b) => Ok(b),
            h => Err(CodecError::new(format!("expected bool, got {}", h.kind()))),
        }
    }

    fn number(&mut self, head: Head) -> Result<Number, CodecError> {
        match head {
            Head::Int(i) => Ok(Number::from(i)),
            Head::Float(f) => Number::from_f64_exact(f)
                .ok_or_else(|| CodecError::new("NaN is not a valid number")),
            Head::Str(n) => {
                let text = self.utf8(n)?;
                Number::parse(text)
                    .ok_or_else(|| CodecError::new(format!("invalid number {text:?}")))
            }
            h => Err(CodecError::new(format!("expected number, got {}", h.kind()))),
        }
    }

    /// `[number, inclusive bool]`.
    fn read_bound(&mut self) -> Result<(Number, bool), CodecError> {
        match self.head()? {
            Head::Array(2) => {
                let head = self.head()?;
                Ok((self.number(head)?, self.read_bool()?))
            }
            h => Err(CodecError::new(format!("expected a 2-element array, got {}", h.kind()))),
        }
    }

    fn skip(&mut self, depth: usize) -> Result<(), CodecError> {
        let head = self.head()?;
        self.skip_body(head, depth)
    }

    fn skip_body(&mut self, head: Head, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new("msgpack nested too deeply"));
        }
        match head {
            Head::Str(n) | Head::Bin(n) | Head::Ext(_, n) => self.take(n).map(drop),
            Head::Array(n) => (0..n).try_for_each(|_| self.skip(depth + 1)),
            Head::Map(n) => (0..n.saturating_mul(2)).try_for_each(|_| self.skip(depth + 1)),
            Head::Nil | Head::Bool(_) | Head::Int(_) | Head::Float(_) => Ok(()),
        }
    }

    fn items(&mut self, n: usize, t: &Type, depth: usize) -> Result<Vec<Value>, CodecError> {
        self.check_items(n)?;
        (0..n).map(|i| read_value(self, t, depth + 1).map_err(|e| e.in_index(i))).collect()
    }

    /// Map entries with string keys; `value_type` picks each entry's type (None = unsupported).
    fn entries<'t>(
        &mut self,
        n: usize,
        depth: usize,
        is_object: bool,
        value_type: impl Fn(&str) -> Option<&'t Type>,
    ) -> Result<BTreeMap<String, Value>, CodecError> {
        self.check_items(n.saturating_mul(2))?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let key = self.read_str()?.to_string();
            let t = value_type(&key)
                .ok_or_else(|| CodecError::new(format!("unsupported attribute {key:?}")))?;
            let v = read_value(self, t, depth + 1).map_err(|e| {
                if is_object {
                    e.in_attr(&key)
                } else {
                    e.in_key(&key)
                }
            })?;
            if m.contains_key(&key) {
                return Err(CodecError::new(format!("duplicate key {key:?}")));
            }
            m.insert(key, v);
        }
        Ok(m)
    }
}

fn read_value(r: &mut Reader<'_>, ty: &Type, depth: usize) -> Result<Value, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::new("msgpack value nested too deeply"));
    }
    let head = r.head()?;
    Ok(match (ty, head) {
        (_, Head::Nil) => Value::Null,
        (_, Head::Ext(code, n)) => {
            let payload = r.take(n)?;
            if code == EXT_REFINED_UNKNOWN {
                decode_refinements(payload)?;
            }
            Value::Unknown
        }
        (Type::String, Head::Str(n)) => Value::String(r.utf8(n)?.to_string()),
        (Type::Number, head @ (Head::Int(_) | Head::Float(_) | Head::Str(_))) => {
            Value::Number(r.number(head)?)
        }
        (Type::Bool, Head::Bool(b)) => Value::Bool(b),
        (Type::List(t), Head::Array(n)) => Value::List(r.items(n, t, depth)?),
        (Type::Set(t), Head::Array(n)) => Value::Set(r.items(n, t, depth)?),
        (Type::Tuple(ts), Head::Array(n)) => {
            if n != ts.len() {
                return Err(CodecError::new(format!("tuple needs {} elements, got {n}", ts.len())));
            }
            r.check_items(n)?;
            let elems = ts
                .iter()
                .enumerate()
                .map(|(i, t)| read_value(r, t, depth + 1).map_err(|e| e.in_index(i)));
            Value::Tuple(elems.collect::<Result<_, _>>()?)
        }
        (Type::Map(t), Head::Map(n)) => Value::Map(r.entries(n, depth, false, |_| Some(&**t))?),
        (Type::Object(attrs), Head::Map(n)) => {
            let mut m = r.entries(n, depth, true, |k| attrs.get(k))?;
            for name in attrs.keys() {
                m.entry(name.clone()).or_insert(Value::Null);
            }
            Value::Object(m)
        }
        (Type::Dynamic, Head::Array(2)) => {
            let json = match r.head()? {
                Head::Bin(n) | Head::Str(n) => r.utf8(n)?,
                h => {
                    return Err(CodecError::new(format!(
                        "expected dynamic value's type JSON, got {}",
                        h.kind()
                    )))
                }
            };
            let t = Type::from_json(json)?;
            let v = read_value(r, &t, depth + 1)?;
            Value::Dynamic(Box::new(t), Box::new(v))
        }
        (Type::Dynamic, h) => {
            return Err(CodecError::new(format!(
                "expected dynamic value as [type, value] array, got {}",
                h.kind()
            )))
        }
        (ty, h) => return Err(CodecError::new(format!("expected {ty}, got {}", h.kind()))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
    }

    fn unhex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap_or_else(|_| panic!("bad hex {h}")))
            .collect()
    }

    /// Hex of a str header + text, for readable expectations.
    fn s(text: &str) -> String {
        let mut out = Vec::new();
        write_bytes(&mut out, [0xd9, 0xda, 0xdb], text.as_bytes()).expect("small");
        hex(&out)
    }

    /// Hex of a bin8 header + text.
    fn bin(text: &str) -> String {
        format!("c4 {:02x} {}", text.len(), hex(text.as_bytes()))
    }

    fn num(text: &str) -> Value {
        Value::Number(Number::parse(text).expect("number"))
    }

    fn dynamic(t: Type, v: Value) -> Value {
        Value::Dynamic(Box::new(t), Box::new(v))
    }

    fn obj_ab() -> Type {
        Type::object([("a", Type::String), ("b", Type::String)])
    }

    /// (value, type, exact bytes); each also decodes back to the same value.
    fn pinned() -> Vec<(Value, Type, String)> {
        let str_t = "c4 08 22 73 74 72 69 6e 67 22"; // bin8 of `"string"`
        vec![
            (Value::Null, Type::String, "c0".into()),
            (Value::Unknown, Type::String, "d4 00 00".into()),
            (Value::Unknown, Type::Dynamic, "d4 00 00".into()),
            (Value::Null, Type::Dynamic, "c0".into()),
            (Value::string("hi"), Type::String, "a2 68 69".into()),
            (Value::string(""), Type::String, "a0".into()),
            (
                Value::string("x".repeat(32)),
                Type::String,
                format!("d9 20 {}", hex("x".repeat(32).as_bytes())),
            ),
            (
                Value::string("y".repeat(256)),
                Type::String,
                format!("da 01 00 {}", hex("y".repeat(256).as_bytes())),
            ),
            (Value::Bool(true), Type::Bool, "c3".into()),
            (Value::Bool(false), Type::Bool, "c2".into()),
            (num("0"), Type::Number, "00".into()),
            (num("1"), Type::Number, "01".into()),
            (num("-1"), Type::Number, "ff".into()),
            (num("127"), Type::Number, "7f".into()),
            (num("128"), Type::Number, "cc 80".into()),
            (num("256"), Type::Number, "cd 01 00".into()),
            (num("65536"), Type::Number, "ce 00 01 00 00".into()),
            (num("4294967296"), Type::Number, "cf 00 00 00 01 00 00 00 00".into()),
            (num("-32"), Type::Number, "e0".into()),
            (num("-33"), Type::Number, "d0 df".into()),
            (num("-129"), Type::Number, "d1 ff 7f".into()),
            (num("-32769"), Type::Number, "d2 ff ff 7f ff".into()),
            (num("-9223372036854775808"), Type::Number, "d3 80 00 00 00 00 00 00 00".into()),
            (num("1.5"), Type::Number, "cb 3f f8 00 00 00 00 00 00".into()),
            // 0.1 has no exact float64: it travels as text, as go-cty sends it (regression: 1.6 was sent as a float64 and Terraform rejected the plan).
            (num("0.1"), Type::Number, "a3 30 2e 31".into()),
            (num("1e20"), Type::Number, "cb 44 15 af 1d 78 b5 8c 40".into()),
            (num("-Inf"), Type::Number, "cb ff f0 00 00 00 00 00 00".into()),
            (num("12345678901234567890123"), Type::Number, s("12345678901234567890123")),
            (num("12345678901234567890.5"), Type::Number, s("12345678901234567890.5")),
            // 2^63 is not an int64 but is exactly a float64, which is what go-cty sends.
            (num("9223372036854775808"), Type::Number, "cb 43 e0 00 00 00 00 00 00".into()),
            (
                Value::object([("a", Value::string("x")), ("b", Value::Null)]),
                obj_ab(),
                "82 a1 61 a1 78 a1 62 c0".into(),
            ),
            (Value::Object(BTreeMap::new()), Type::object::<&str>([]), "80".into()),
            (
                Value::list([num("1"), num("2"), num("300")]),
                Type::list(Type::Number),
                "93 01 02 cd 01 2c".into(),
            ),
            (Value::list([]), Type::list(Type::String), "90".into()),
            (
                Value::list(vec![Value::Bool(true); 16]),
                Type::list(Type::Bool),
                format!("dc 00 10{}", " c3".repeat(16)),
            ),
            (
                Value::Set(vec![Value::string("a"), Value::Unknown]),
                Type::set(Type::String),
                "92 a1 61 d4 00 00".into(),
            ),
            (
                Value::map([("k", Value::Bool(true)), ("j", Value::Null)]),
                Type::map(Type::Bool),
                "82 a1 6a c0 a1 6b c3".into(),
            ),
            (
                Value::Tuple(vec![Value::string("a"), num("1")]),
                Type::tuple([Type::String, Type::Number]),
                "92 a1 61 01".into(),
            ),
            (dynamic(Type::String, Value::string("x")), Type::Dynamic, format!("92 {str_t} a1 78")),
            (dynamic(Type::String, Value::Null), Type::Dynamic, format!("92 {str_t} c0")),
            (dynamic(Type::String, Value::Unknown), Type::Dynamic, format!("92 {str_t} d4 00 00")),
            (
                dynamic(Type::list(Type::String), Value::list([Value::string("a")])),
                Type::Dynamic,
                format!("92 c4 11 {} 91 a1 61", hex(br#"["list","string"]"#)),
            ),
            (
                Value::object([("d", dynamic(Type::Number, num("2")))]),
                Type::object([("d", Type::Dynamic)]),
                format!("81 a1 64 92 c4 08 {} 02", hex(b"\"number\"")),
            ),
            (
                Value::list([dynamic(Type::Bool, Value::Bool(true)), Value::Null, Value::Unknown]),
                Type::list(Type::Dynamic),
                format!("93 92 c4 06 {} c3 c0 d4 00 00", hex(b"\"bool\"")),
            ),
        ]
    }

    #[test]
    fn pinned_bytes_encode_and_decode() {
        for (v, ty, want) in pinned() {
            let got = encode(&v, &ty).unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
            assert_eq!(hex(&got), want, "encode {v:?} as {ty}");
            assert_eq!(decode(&got, &ty), Ok(v.clone()), "decode {want} as {ty}");
        }
    }

    #[test]
    fn encode_conveniences() {
        let str_t = format!("c4 08 {}", hex(b"\"string\""));
        for (v, ty, want) in [
            // missing attribute = null; Map accepted for an object, List for a set
            (
                Value::object([("a", Value::string("x"))]),
                obj_ab(),
                "82 a1 61 a1 78 a1 62 c0".to_string(),
            ),
            (Value::map([("b", Value::string("y"))]), obj_ab(), "82 a1 61 c0 a1 62 a1 79".into()),
            (Value::list([Value::string("a")]), Type::set(Type::String), "91 a1 61".into()),
            // plain values in dynamic slots get inferred types
            (Value::string("x"), Type::Dynamic, format!("92 {str_t} a1 78")),
            (Value::from(5), Type::Dynamic, format!("92 c4 08 {} 05", hex(b"\"number\""))),
            (
                Value::list([Value::string("a"), Value::Bool(true)]),
                Type::Dynamic,
                format!("92 {} 92 a1 61 c3", bin(r#"["tuple",["string","bool"]]"#)),
            ),
            (
                Value::object([("k", Value::string("v"))]),
                Type::Dynamic,
                format!("92 {} 81 a1 6b a1 76", bin(r#"["object",{"k":"string"}]"#)),
            ),
            // a Dynamic wrapper in a concrete slot is unwrapped
            (dynamic(Type::String, Value::string("x")), Type::String, "a1 78".into()),
        ] {
            assert_eq!(encode(&v, &ty).map(|b| hex(&b)), Ok(want), "{v:?} as {ty}");
        }
        for (v, ty, err) in [
            (Value::Bool(true), Type::String, "cannot encode bool as string"),
            (Value::object([("z", Value::Null)]), obj_ab(), "unsupported attribute \"z\""),
            (Value::Tuple(vec![]), Type::tuple([Type::Bool]), "tuple needs 1 elements, got 0"),
            (
                Value::object([("s", Value::list([num("1")]))]),
                Type::object([("s", Type::list(Type::String))]),
                "at .s[0]: cannot encode number as string",
            ),
            (
                Value::Set(vec![num("1"), Value::Bool(true)]),
                Type::Dynamic,
                "set elements do not share one type",
            ),
        ] {
            assert_eq!(encode(&v, &ty).map_err(|e| e.to_string()), Err(err.to_string()));
        }
    }

    #[test]
    fn decode_accepts_every_wire_form() {
        let refined = "c7 09 0c 83 01 c2 02 a2 61 62 09 90";
        for (bytes, ty, want) in [
            ("c7 00 00", Type::String, Value::Unknown),
            ("d4 05 00", Type::Number, Value::Unknown),
            ("d5 00 00 00", Type::list(Type::String), Value::Unknown),
            (
                "d8 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                Type::Dynamic,
                Value::Unknown,
            ),
            (refined, Type::String, Value::Unknown),
            ("cc ff", Type::Number, num("255")),
            ("cd ff ff", Type::Number, num("65535")),
            ("ce ff ff ff ff", Type::Number, num("4294967295")),
            ("cf ff ff ff ff ff ff ff ff", Type::Number, num("18446744073709551615")),
            ("d0 80", Type::Number, num("-128")),
            ("d1 80 00", Type::Number, num("-32768")),
            ("d2 80 00 00 00", Type::Number, num("-2147483648")),
            ("d3 ff ff ff ff ff ff ff ff", Type::Number, num("-1")),
            ("ca 3f c0 00 00", Type::Number, num("1.5")),
            ("cb 7f f0 00 00 00 00 00 00", Type::Number, num("Inf")),
            ("a3 31 2e 35", Type::Number, num("1.5")),
            ("a4 31 65 2d 33", Type::Number, num("0.001")),
            ("d9 02 68 69", Type::String, Value::string("hi")),
            ("da 00 02 68 69", Type::String, Value::string("hi")),
            ("db 00 00 00 02 68 69", Type::String, Value::string("hi")),
            ("dd 00 00 00 01 c2", Type::list(Type::Bool), Value::list([Value::Bool(false)])),
            ("de 00 01 a1 6b 01", Type::map(Type::Number), Value::map([("k", num("1"))])),
            ("df 00 00 00 00", Type::map(Type::Number), Value::Map(BTreeMap::new())),
            // lenient: missing object attributes decode as null (also a 0-length map)
            (
                "81 a1 62 a1 79",
                obj_ab(),
                Value::object([("a", Value::Null), ("b", Value::string("y"))]),
            ),
            ("80", obj_ab(), Value::object([("a", Value::Null), ("b", Value::Null)])),
            // dynamic type JSON as str instead of bin
            (
                "92 a8 22 73 74 72 69 6e 67 22 a1 78",
                Type::Dynamic,
                dynamic(Type::String, Value::string("x")),
            ),
        ] {
            assert_eq!(decode(&unhex(bytes), &ty), Ok(want), "{bytes} as {ty}");
        }
    }

    #[test]
    fn refinements_payload() {
        // {1: false, 2: "ab", 3: [1, true], 4: ["1e30", false], 5: 2, 6: 10, 9: [nil, {}], "x": 1}
        let payload = unhex(
            "88 01 c2 02 a2 61 62 03 92 01 c3 04 92 a4 31 65 33 30 c2 05 02 06 0a 09 92 c0 80 a1 78 01",
        );
        let want = Refinements {
            nullness: Some(false),
            string_prefix: Some("ab".into()),
            number_lower: Some((Number::from(1), true)),
            number_upper: Some((Number::parse("1e30").expect("n"), false)),
            length_lower: Some(2),
            length_upper: Some(10),
        };
        assert_eq!(decode_refinements(&payload), Ok(want));
        assert_eq!(decode_refinements(&[0x80]), Ok(Refinements::default()));
        for bad in
            ["", "01", "81 01 01", "81 02 c3", "81 03 91 01", "81 05 ff", "82 01 c2", "81 01 c2 00"]
        {
            assert!(decode_refinements(&unhex(bad)).is_err(), "{bad}");
        }
        // a refined unknown with a malformed payload is rejected like go-cty does
        let err = decode(&unhex("d4 0c 01"), &Type::String).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("invalid unknown-value refinements: expected a map, got integer".into())
        );
    }

    #[test]
    fn decode_errors_are_clear() {
        let steps = Type::object([("steps", Type::list(Type::String))]);
        for (bytes, ty, err) in [
            ("c3", Type::String, "expected string, got bool"),
            ("81 a1 7a c0", obj_ab(), "unsupported attribute \"z\""),
            (
                "81 a5 73 74 65 70 73 92 a1 61 c3",
                steps.clone(),
                "at .steps[1]: expected string, got bool",
            ),
            ("82 a1 61 c0 a1 61 c0", obj_ab(), "duplicate key \"a\""),
            ("81 a1 6b a1 78", Type::map(Type::Bool), "at [\"k\"]: expected bool, got string"),
            ("81 01 c0", Type::map(Type::Bool), "expected string, got integer"),
            ("a2 68", Type::String, "unexpected end of msgpack input"),
            ("01 02", Type::Number, "1 unexpected trailing bytes after msgpack value"),
            ("c1", Type::Bool, "invalid msgpack byte 0xc1"),
            ("a1 ff", Type::String, "string is not valid UTF-8"),
            ("91 01", Type::tuple([]), "tuple needs 0 elements, got 1"),
            ("cb 7f f8 00 00 00 00 00 00", Type::Number, "NaN is not a valid number"),
            ("a1 78", Type::Number, "invalid number \"x\""),
            ("92 c4 01 78 c0", Type::Dynamic, "invalid JSON at byte 0: unexpected character"),
            (
                "92 c4 05 22 66 6f 6f 22 c0",
                Type::Dynamic,
                "invalid type JSON: unknown primitive type \"foo\"",
            ),
            (
                "93 c0 c0 c0",
                Type::Dynamic,
                "expected dynamic value as [type, value] array, got array",
            ),
            ("a1 78", Type::Dynamic, "expected dynamic value as [type, value] array, got string"),
            ("92 01 c0", Type::Dynamic, "expected dynamic value's type JSON, got integer"),
            ("dd ff ff ff ff", Type::list(Type::Bool), "unexpected end of msgpack input"),
            ("df ff ff ff ff", Type::map(Type::Bool), "unexpected end of msgpack input"),
            ("c7 05 00 01", Type::Bool, "unexpected end of msgpack input"),
        ] {
            assert_eq!(
                decode(&unhex(bytes), &ty).map_err(|e| e.to_string()),
                Err(err.to_string()),
                "{bytes}"
            );
        }
    }

    #[test]
    fn roundtrip_every_type() {
        let ty = Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("b", Type::Bool),
            ("l", Type::list(Type::object([("x", Type::Number)]))),
            ("set", Type::set(Type::String)),
            ("m", Type::map(Type::list(Type::Bool))),
            ("t", Type::tuple([Type::String, Type::Dynamic])),
            ("d", Type::Dynamic),
            ("dn", Type::Dynamic),
            ("u", Type::String),
        ]);
        let v = Value::object([
            ("s", Value::string("héllo \u{1F600}")),
            ("n", num("-12345678901234567890.125")),
            ("b", Value::Bool(true)),
            (
                "l",
                Value::list([
                    Value::object([("x", num("1"))]),
                    Value::Null,
                    Value::object([("x", Value::Unknown)]),
                ]),
            ),
            ("set", Value::Set(vec![Value::string("a"), Value::string("b")])),
            ("m", Value::map([("k", Value::list([Value::Bool(false)])), ("e", Value::list([]))])),
            (
                "t",
                Value::Tuple(vec![
                    Value::string("a"),
                    dynamic(Type::map(Type::Number), Value::map([("z", num("0.5"))])),
                ]),
            ),
            (
                "d",
                dynamic(
                    Type::tuple([Type::set(Type::Bool)]),
                    Value::Tuple(vec![Value::Set(vec![Value::Bool(true)])]),
                ),
            ),
            ("dn", Value::Null),
            ("u", Value::Unknown),
        ]);
        assert_eq!(v.conforms(&ty), Ok(()));
        let bytes = encode(&v, &ty).expect("encode");
        assert_eq!(decode(&bytes, &ty), Ok(v));
    }

    #[test]
    fn malformed_input_never_panics() {
        let (v, ty) = (
            Value::object([
                ("a", Value::string("text")),
                (
                    "b",
                    Value::list([num("1.5"), num("-70000"), num("123456789012345678901234567890")]),
                ),
                (
                    "c",
                    dynamic(
                        Type::object([("q", Type::Bool)]),
                        Value::object([("q", Value::Bool(true))]),
                    ),
                ),
            ]),
            Type::object([
                ("a", Type::String),
                ("b", Type::list(Type::Number)),
                ("c", Type::Dynamic),
            ]),
        );
        let mut bytes = encode(&v, &ty).expect("encode");
        // also include a refined unknown
        let refined = unhex("c7 09 0c 83 01 c2 02 a2 61 62 09 90");
        bytes.truncate(bytes.len() - 1); // drop the trailing `true` of c.q ...
        bytes.extend_from_slice(&refined); // ... and make it a refined unknown
        let full = decode(&bytes, &ty).expect("full input decodes");
        assert_eq!(full.get("c").and_then(|c| c.get("q")), Some(&Value::Unknown));
        for end in 0..bytes.len() {
            assert!(decode(&bytes[..end], &ty).is_err(), "prefix of {end} bytes must fail");
        }
        // flipped bytes and pseudo-random garbage: any result is fine, panics are not
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let mut b = bytes.clone();
            let i = next() as usize % b.len();
            b[i] = next() as u8;
            let _ = decode(&b, &ty);
            let garbage: Vec<u8> = (0..next() % 24).map(|_| next() as u8).collect();
            let _ = decode(&garbage, &Type::Dynamic);
            let _ = decode(&garbage, &ty);
            let _ = decode_refinements(&garbage);
        }
        // deeply nested dynamic wrappers hit the depth limit instead of the stack
        let mut deep = Vec::new();
        for _ in 0..100_000 {
            deep.extend_from_slice(&unhex("92 c4 09 22 64 79 6e 61 6d 69 63 22"));
        }
        deep.push(0xc0);
        assert!(decode(&deep, &Type::Dynamic).is_err());
    }
}
