//! The definition compiler: turns what the user declared into SageMaker pipeline definition
//! JSON, and validates it offline.
//!
//! Pure: no IO, no async, no AWS, no Terraform protocol. It never sees unknown values (callers
//! compile only when every input is known). User mistakes come back as diagnostics with
//! attribute paths, all of them at once; nothing here panics on any input.

pub mod canonical;
pub mod condition;
pub mod dag;
pub mod definition;
pub mod expr;
pub mod mermaid;
pub mod parts;
pub mod policy;
pub mod properties;
pub mod review;
pub mod s3;
pub mod semantic;
pub mod step_type;

pub use step_type::{StepTypeFacts, StepTypes};
