//! Terraform's type system and value codec (go-cty compatible), pure Rust.
//!
//! What it is: `Type` (cty types and their type JSON), `Number` (exact decimal), `Value`
//! (null / unknown / known values), the type-directed MessagePack codec used by every
//! `DynamicValue`, and the JSON codec used by `RawState`.
//! Depends on: std only (no serde, no protobuf).
//! Must NOT: do IO, be async, or know about gRPC / protobuf messages; callers pick the bytes
//! out of `DynamicValue` themselves (an empty `DynamicValue` means null: handle it before `decode`).

mod error;
pub mod json;
mod jsontext;
pub mod msgpack;
mod number;
mod types;
mod value;

pub use error::CodecError;
pub use json::{decode_json, encode_json};
pub use msgpack::{decode, decode_refinements, encode, Refinements};
pub use number::Number;
pub use types::Type;
pub use value::Value;
