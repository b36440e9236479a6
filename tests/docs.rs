//! The attribute reference in `docs/resources/` and `docs/data-sources/` is generated from the
//! schemas Terraform sees, so it cannot drift from the code. After a schema change:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test --release --test docs
//! ```

use std::path::Path;

use sagemaker_provider::framework::{Block, Nesting, Schema};

fn type_name(t: &sagemaker_provider::tfvalue::Type) -> String {
    t.to_string()
}

fn render_block(out: &mut String, block: &Block, prefix: &str) {
    let mut attrs: Vec<_> = block.attributes.iter().collect();
    attrs.sort_by_key(|a| (!a.required, a.computed && !a.optional, a.name));
    for a in attrs {
        let kind = match (a.required, a.optional, a.computed) {
            (true, _, _) => "Required",
            (_, true, true) => "Optional, computed",
            (_, true, false) => "Optional",
            _ => "Read-only",
        };
        let replace = if a.force_new { ", forces replacement" } else { "" };
        out.push_str(&format!(
            "- `{prefix}{}` ({kind}, {}{replace}): {}\n",
            a.name,
            type_name(&a.ty),
            a.description
        ));
    }
    for b in &block.blocks {
        let nesting = match b.nesting {
            Nesting::Single | Nesting::Group => "block, at most one",
            Nesting::List => "block, repeatable",
            Nesting::Set => "block set",
            Nesting::Map => "block map",
        };
        out.push_str(&format!("- `{prefix}{}` ({nesting}): {}\n", b.name, b.block.description));
        render_block(out, &b.block, &format!("{prefix}{}.", b.name));
    }
}

/// Hand-written sections kept next to the resource's code: `## Import` for resources that can
/// be imported.
fn import_section(name: &str) -> Option<&'static str> {
    match name {
        "sagemaker_ml_pipeline" => Some(sagemaker_provider::provider::ml_pipeline::IMPORT_DOC),
        _ => None,
    }
}

fn render(name: &str, kind: &str, schema: &Schema) -> String {
    let mut out = format!("# {name} ({kind})\n\n{}\n\n## Attributes\n\n", schema.block.description);
    render_block(&mut out, &schema.block, "");
    if let Some(import) = import_section(name).filter(|_| kind == "resource") {
        out.push_str(&format!("\n## Import\n\n{import}\n"));
    }
    out.push_str(
        "\n<!-- Generated from the provider schema by tests/docs.rs; do not edit by hand. -->\n",
    );
    out
}

#[test]
fn reference_docs_match_the_schemas() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let provider = sagemaker_provider::provider::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut pages = vec![(
        "provider".to_string(),
        root.join("provider.md"),
        render("sagemaker", "provider", provider.provider_schema()),
    )];
    for (name, s) in provider.resource_schemas() {
        pages.push((
            name.to_string(),
            root.join(format!("resources/{name}.md")),
            render(name, "resource", s),
        ));
    }
    for (name, s) in provider.data_source_schemas() {
        pages.push((
            name.to_string(),
            root.join(format!("data-sources/{name}.md")),
            render(name, "data source", s),
        ));
    }
    let mut stale = Vec::new();
    for (name, path, text) in &pages {
        if update {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        } else if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    assert!(stale.is_empty(), "reference docs out of date for {stale:?}: run UPDATE_EXPECT=1 cargo test --release --test docs");
    println!("{} reference pages", pages.len());
}

/// Every step resource of the registry has its reference page, and every page has its resource.
#[test]
fn every_step_resource_has_a_page() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/resources");
    let names: Vec<&str> =
        sagemaker_provider::provider::steps::kinds().map(|k| k.type_name()).collect();
    for name in &names {
        assert!(root.join(format!("{name}.md")).is_file(), "docs/resources/{name}.md is missing");
    }
    for page in std::fs::read_dir(&root).expect("docs/resources").flatten() {
        let file = page.file_name().to_string_lossy().to_string();
        let name = file.trim_end_matches(".md");
        assert!(
            names.contains(&name) || name == "sagemaker_ml_pipeline",
            "docs/resources/{file} documents no resource"
        );
    }
}
