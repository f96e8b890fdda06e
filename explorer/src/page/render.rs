//! The page as one HTML file: `assets/page.html` with `page.css` and `page.js` inlined
//! and the [`PageModel`] as one JSON blob in a `<script type="application/json">`
//! element. Nothing refers to the network, so the file opens anywhere.
//!
//! The only escaping needed: in the JSON, every `<` becomes `\u003c` (valid JSON, and no
//! `</script>` or `<!--` can end the element early); the title is HTML-escaped. This file
//! never decides what the page shows (model.rs) or how (the assets).

use super::model::PageModel;

const TEMPLATE: &str = include_str!("assets/page.html");
const CSS: &str = include_str!("assets/page.css");
const JS: &str = include_str!("assets/page.js");

/// The page for `model`.
pub fn render_page(model: &PageModel) -> String {
    let json = model_json(model);
    let title = format!("wlab explore: {} {}", model.function.name, model.function.signature);
    let mut out = String::with_capacity(TEMPLATE.len() + CSS.len() + JS.len() + json.len() + title.len());
    // One left-to-right pass over the template, so nothing inserted is searched again.
    let mut rest = TEMPLATE;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let end = at + rest[at..].find("}}").expect("the template closes every {{") + 2;
        match &rest[at..end] {
            "{{TITLE}}" => out.push_str(&escape_html(&title)),
            "{{CSS}}" => out.push_str(CSS),
            "{{MODEL}}" => out.push_str(&json),
            "{{JS}}" => out.push_str(JS),
            other => panic!("unknown placeholder {other} in page.html"),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The model as compact JSON that is safe inside a `<script>` element.
pub fn model_json(model: &PageModel) -> String {
    serde_json::to_string(model).expect("the page model serializes").replace('<', "\\u003c")
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_cannot_close_the_script_element() {
        let s = "</script><!--";
        let json = serde_json::to_string(s).unwrap().replace('<', "\\u003c");
        assert!(!json.contains('<'));
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
    }
}
