//! Writes a chart the user exported from the UI (the slicing panel's bar charts) to the file
//! they chose in the save dialog. The window holds no file-system permission, so this is the
//! one place the UI can write bytes of its own making; it is kept narrow on purpose:
//!
//! - only a `.png` or `.svg` path (any letter case), absolute, in a folder that exists;
//! - only bytes that are what the extension says: a PNG starts with the PNG signature, an
//!   SVG is UTF-8 text with an `<svg` element;
//! - at most [`MAX_BYTES`].
//!
//! An existing file is replaced: the save dialog has already asked the user to confirm that.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{ErrorCode, IpcError, IpcResult};

/// Larger than any chart the UI draws (a 2× PNG of a wide chart is a few hundred KB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What was written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExportWritten {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The kinds of file an export may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Png,
    Svg,
}

fn refuse(path: &Path, problem: &str) -> IpcError {
    IpcError::new(ErrorCode::Usage, format!("{}: {problem}", path.display()))
}

/// The kind a path names by its extension, or why it is refused.
pub fn kind_of(path: &Path) -> IpcResult<ExportKind> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("png") => Ok(ExportKind::Png),
        Some("svg") => Ok(ExportKind::Svg),
        _ => Err(refuse(path, "an exported chart is saved as a .png or .svg file only")),
    }
}

/// Checks the bytes are of the kind the path names.
pub fn check(path: &Path, kind: ExportKind, bytes: &[u8]) -> IpcResult<()> {
    if bytes.len() > MAX_BYTES {
        return Err(refuse(path, &format!("{} bytes is more than a chart export may be ({MAX_BYTES})", bytes.len())));
    }
    match kind {
        ExportKind::Png if bytes.starts_with(PNG_SIGNATURE) => Ok(()),
        ExportKind::Png => Err(refuse(path, "the bytes are not a PNG image")),
        ExportKind::Svg => match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("<svg") => Ok(()),
            _ => Err(refuse(path, "the bytes are not an SVG image")),
        },
    }
}

/// Writes `bytes` to `path` after the checks above.
pub fn write(path: &Path, bytes: &[u8]) -> IpcResult<ExportWritten> {
    let kind = kind_of(path)?;
    if !path.is_absolute() {
        return Err(refuse(path, "not an absolute path (choose where to save in the dialog)"));
    }
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(refuse(path, "its folder does not exist"));
    }
    if path.is_dir() {
        return Err(refuse(path, "is a folder"));
    }
    check(path, kind, bytes)?;
    std::fs::write(path, bytes).map_err(|e| refuse(path, &format!("cannot write: {e}")))?;
    Ok(ExportWritten { path: path.to_path_buf(), bytes: bytes.len() as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;

    #[test]
    fn writes_png_and_svg_whatever_the_extension_case() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("chart.PNG");
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(b"rest");
        assert_eq!(write(&png, &bytes).unwrap(), ExportWritten { path: png.clone(), bytes: 12 });
        assert_eq!(std::fs::read(&png).unwrap(), bytes);
        let svg = dir.path().join("chart.svg");
        write(&svg, SVG).unwrap();
        assert_eq!(std::fs::read(&svg).unwrap(), SVG);
    }

    #[test]
    fn refuses_other_paths_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["chart.html", "chart", "chart.png.sh", ".bashrc"] {
            let p = dir.path().join(name);
            let err = write(&p, SVG).unwrap_err();
            assert_eq!(err.code, ErrorCode::Usage);
            assert!(err.message.contains(name) && err.message.contains(".png or .svg"), "{err:?}");
            assert!(!p.exists());
        }
        let err = write(Path::new("relative/chart.svg"), SVG).unwrap_err();
        assert!(err.message.contains("absolute"), "{err:?}");
        let err = write(&dir.path().join("no/such/folder/chart.svg"), SVG).unwrap_err();
        assert!(err.message.contains("folder does not exist"), "{err:?}");
    }

    #[test]
    fn refuses_bytes_that_are_not_what_the_extension_says() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(&dir.path().join("chart.png"), SVG).unwrap_err();
        assert!(err.message.contains("not a PNG"), "{err:?}");
        let err = write(&dir.path().join("chart.svg"), b"#!/bin/sh\necho hi\n").unwrap_err();
        assert!(err.message.contains("not an SVG"), "{err:?}");
        let err = write(&dir.path().join("chart.svg"), &[0xff, 0xfe, b'<', b's', b'v', b'g']).unwrap_err();
        assert!(err.message.contains("not an SVG"), "{err:?}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }
}
