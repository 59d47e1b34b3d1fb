//! HTML pages shared by the report and the animation: escaping, the page around a body (its style
//! sheet inline, so that the page is one self-contained file), and writing a page atomically.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// The style sheet of every page.
const STYLE: &str = include_str!("assets/page.css");

/// `text` escaped for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// JSON made safe to place inside a `<script>` element: `<` is written as `\u003c`, so that no
/// `</script>` or `<!--` can end or change the element.
pub fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// A whole page: `title` (escaped) and `body` (HTML as given), with the style sheet inline.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// Checks that a page may be written to `path`: nothing is there, or a page written before
/// (which is replaced); any other file is left alone and refused. Commands call it before any
/// work, so that a bad `--out` costs nothing; [`write_page`] checks again.
pub fn check_page(path: &Path) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() && !is_html_page(path) {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists and is not an HTML page, so it is not replaced; choose another --out",
            ),
        ));
    }
    Ok(())
}

/// Writes `html` to `path` through a temporary file beside it, renamed into place once complete,
/// so that a reader never sees half a page.
pub fn write_page(path: &Path, html: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    check_page(path)?;
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let written = std::fs::File::create(&staging)
        .and_then(|mut file| file.write_all(html.as_bytes()).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&staging, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        Error::io(path, e)
    })
}

/// Whether `path` is a file that begins like the pages written here.
fn is_html_page(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 15];
    std::fs::File::open(path).is_ok_and(|mut file| file.read_exact(&mut start).is_ok() && &start == b"<!DOCTYPE html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<b class=\"x\">Tom & Jerry's</b>"),
            "&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let json = script_json(&serde_json::json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!json.contains("</"));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
