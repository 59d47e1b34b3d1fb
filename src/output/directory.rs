//! Atomic output directories: a run's files are written to a staging directory beside the
//! destination, hashed as they are written, and moved into place with a `manifest.json` only
//! once every file is complete, so a failed or interrupted run never leaves half an output.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::output::previous::{check_replaceable, previous_of};

/// Name of the manifest written by [`OutputDir::finish`]; no other file may take it.
pub const MANIFEST: &str = "manifest.json";

/// Distinguishes staging and set-aside directories of one process for the same destination.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Collects a run's output files in a staging directory beside the destination and moves them
/// into place only when all are written, so an interrupted or failed run never leaves a
/// half-written directory.
///
/// Dropping an `OutputDir` without calling [`OutputDir::finish`] removes the staging directory
/// and leaves the destination untouched.
#[derive(Debug)]
pub struct OutputDir {
    /// Where the finished output goes.
    destination: PathBuf,
    /// The directory the files are written to until [`OutputDir::finish`].
    staging: PathBuf,
    /// (file name, sha256 hex) of every file written, in write order.
    files: Vec<(String, String)>,
    /// Set once the staging directory has become the destination.
    finished: bool,
}

/// Where a finished output went, and where the output it replaced is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The output directory.
    pub path: PathBuf,
    /// `<name>.previous`, when an earlier output was in `path` and has been moved there.
    pub previous: Option<PathBuf>,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(previous) = &self.previous {
            write!(f, " (the output it replaces is kept as {})", previous.display())?;
        }
        Ok(())
    }
}

/// Checks that an output may be written to `destination`: it does not exist, or is an empty
/// directory, or an earlier trustsim output, which the new one replaces after moving it to
/// `<name>.previous` (see [`crate::output::previous`]; an older `<name>.previous` holding files
/// trustsim did not write is refused). Anything else is refused, naming the path. Commands call
/// it before any work, so that a bad `--out` costs nothing; [`OutputDir::create`] checks again
/// when the output is written.
pub fn check_destination(destination: &Path) -> Result<()> {
    let destination = &settled(destination)?;
    let name = destination_name(destination)?;
    let refuse = |message: &str| {
        Err(Error::io(
            destination,
            io::Error::new(io::ErrorKind::AlreadyExists, message.to_string()),
        ))
    };
    if fs::symlink_metadata(destination).is_ok_and(|m| !m.is_dir()) {
        return refuse("exists and is not a directory; choose another --out");
    }
    // An earlier output is replaced, after it is kept as `<name>.previous`; any other directory
    // with something in it, or one that cannot be listed, is left alone.
    let empty = match fs::read_dir(destination) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(Error::io(destination, e)),
    };
    if empty {
        return Ok(());
    }
    if !crate::output::manifest::is_output(destination) {
        return refuse(
            "exists, is not empty and is not a trustsim output (it has no manifest.json written by \
             trustsim), so it is not replaced; choose another --out",
        );
    }
    check_replaceable(destination, &previous_of(destination, &name))
}

/// Whether `path` does not exist or is an empty directory.
fn is_empty_or_missing(path: &Path) -> bool {
    match fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

impl OutputDir {
    /// Starts a staging directory `.<name>.partial-<pid>` in the destination's parent (creating
    /// the parent with `create_dir_all`). The destination itself is not touched until
    /// [`OutputDir::finish`]. Should that name be taken (another output for the same destination
    /// in this process, or the leftover of a killed process), `.<name>.partial-<pid>.<n>` is used.
    pub fn create(destination: &Path) -> Result<OutputDir> {
        check_destination(destination)?;
        let destination = &settled(destination)?;
        let name = destination_name(destination)?;
        let parent = parent_of(destination);
        remove_leftovers(&parent, &name, destination.exists());
        let base = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let mut staging = base.clone();
        loop {
            match fs::create_dir(&staging) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1;
                    staging = with_suffix(&base, n);
                }
                Err(e) => return Err(Error::io(&staging, e)),
            }
        }
        Ok(OutputDir {
            destination: destination.to_path_buf(),
            staging,
            files: Vec::new(),
            finished: false,
        })
    }

    /// Writes `rows` as CSV with a header row taken from the field names of `T` (csv crate +
    /// serde) and records the file's sha256. Floats are written by csv in their shortest
    /// round-trip form (`0.1`, `1.0`, `1e-7`), so the same rows always give the same bytes.
    /// With no rows the file holds the header alone, from `T::default()`'s field names.
    ///
    /// `file_name` must be a plain name (no `/` or `\`, not `.`, `..` or `manifest.json`) not
    /// written before.
    pub fn write_csv<T: serde::Serialize + Default>(&mut self, file_name: &str, rows: &[T]) -> Result<()> {
        self.write_csv_with(file_name, |writer| write_rows(writer, rows))
    }

    /// Writes CSV records (each a list of fields; the first is the header) and records the
    /// file's sha256. `file_name` follows the same rules as for [`OutputDir::write_csv`].
    pub fn write_records<R>(&mut self, file_name: &str, records: impl IntoIterator<Item = R>) -> Result<()>
    where
        R: IntoIterator,
        R::Item: AsRef<[u8]>,
    {
        self.write_csv_with(file_name, |writer| {
            records.into_iter().try_for_each(|record| writer.write_record(record))
        })
    }

    /// Writes a CSV file record by record: `produce` hands each record (the header first) to the
    /// function it is given, which writes it at once, so that a large table need not be held in
    /// memory; the first error of either ends the file. `file_name` follows the same rules as
    /// for [`OutputDir::write_csv`].
    pub fn write_records_from(
        &mut self,
        file_name: &str,
        produce: impl FnOnce(&mut dyn FnMut(&[String]) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        let path = self.new_file_path(file_name)?;
        let file = create_new(&path)?;
        let mut writer = csv::Writer::from_writer(HashWriter::new(BufWriter::new(file)));
        produce(&mut |record| {
            writer
                .write_record(record)
                .map_err(|e| Error::io(&path, io::Error::from(e)))
        })?;
        self.close_csv(file_name, &path, writer)
    }

    fn write_csv_with(
        &mut self,
        file_name: &str,
        write: impl FnOnce(&mut csv::Writer<HashWriter<BufWriter<File>>>) -> csv::Result<()>,
    ) -> Result<()> {
        let path = self.new_file_path(file_name)?;
        let file = create_new(&path)?;
        let mut writer = csv::Writer::from_writer(HashWriter::new(BufWriter::new(file)));
        write(&mut writer).map_err(|e| Error::io(&path, io::Error::from(e)))?;
        self.close_csv(file_name, &path, writer)
    }

    /// Flushes a CSV file written at `path` and records its sha256 under `file_name`.
    fn close_csv(
        &mut self,
        file_name: &str,
        path: &Path,
        writer: csv::Writer<HashWriter<BufWriter<File>>>,
    ) -> Result<()> {
        let hashing = writer.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
        let (buffered, digest) = hashing.finish();
        buffered.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
        self.files.push((file_name.to_string(), digest));
        Ok(())
    }

    /// Lets `write` create the files `file_names` at the paths it is given (for writers that
    /// want paths, such as chart backends writing a PNG and an SVG), then records each file's
    /// sha256. Each name follows the same rules as for [`OutputDir::write_csv`].
    pub fn write_with<E: std::fmt::Display>(
        &mut self,
        file_names: &[&str],
        write: impl FnOnce(&[PathBuf]) -> std::result::Result<(), E>,
    ) -> Result<()> {
        let paths = file_names
            .iter()
            .map(|name| self.new_file_path(name))
            .collect::<Result<Vec<_>>>()?;
        let first = paths.first().cloned().unwrap_or_else(|| self.staging.clone());
        write(&paths).map_err(|e| Error::io(&first, io::Error::other(e.to_string())))?;
        for (name, path) in file_names.iter().zip(&paths) {
            let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
            self.files.push((name.to_string(), sha256_hex(&bytes)));
        }
        Ok(())
    }

    /// Moves the directory `from` (on the same file system, its files plain) into the output as
    /// `dir_name/`, recording each file as `dir_name/<file>` with its sha256. `dir_name` follows
    /// the rules for file names of [`OutputDir::write_csv`].
    pub fn adopt_dir(&mut self, dir_name: &str, from: &Path) -> Result<()> {
        let path = self.new_file_path(dir_name)?;
        fs::rename(from, &path).map_err(|e| Error::io(from, e))?;
        let mut names: Vec<String> = fs::read_dir(&path)
            .map_err(|e| Error::io(&path, e))?
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()
            .map_err(|e| Error::io(&path, e))?;
        names.sort();
        for name in names {
            let file = path.join(&name);
            let bytes = fs::read(&file).map_err(|e| Error::io(&file, e))?;
            self.files.push((format!("{dir_name}/{name}"), sha256_hex(&bytes)));
        }
        Ok(())
    }

    /// Writes a text file verbatim and records its sha256. `file_name` follows the same rules as
    /// for [`OutputDir::write_csv`].
    pub fn write_text(&mut self, file_name: &str, contents: &str) -> Result<()> {
        let path = self.new_file_path(file_name)?;
        let mut file = create_new(&path)?;
        file.write_all(contents.as_bytes()).map_err(|e| Error::io(&path, e))?;
        self.files
            .push((file_name.to_string(), sha256_hex(contents.as_bytes())));
        Ok(())
    }

    /// Writes `manifest.json` — the given JSON object with an added key `"files"` mapping each
    /// file name to its sha256 — pretty-printed with a trailing newline. Keys of every object in
    /// the manifest, including `"files"`, come out sorted, whatever order they were given in.
    /// `manifest` must not itself have a `"files"` key.
    ///
    /// Then fsyncs every file and the staging directory and moves the staging directory into
    /// place. An empty destination directory is removed first; an earlier output there is moved
    /// to `<name>.previous`, whose own earlier content (only trustsim's files, as
    /// [`check_destination`] made sure) is set aside as `.<name>.old-<pid>` and removed once the
    /// new output is in place. Should a `<name>.previous` have gained files of its own since the
    /// check, it is kept and the earlier output goes to `<name>.previous.<n>` instead. Removing
    /// the set-aside one is best effort: if it fails, it stays under its `.old-` name.
    pub fn finish(mut self, manifest: serde_json::Map<String, serde_json::Value>) -> Result<Written> {
        let manifest_path = self.staging.join(MANIFEST);
        if manifest.contains_key("files") {
            return Err(Error::io(
                &manifest_path,
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the manifest's `files` key is reserved for the file hashes",
                ),
            ));
        }
        let mut files = serde_json::Map::new();
        for (name, digest) in &self.files {
            files.insert(name.clone(), serde_json::Value::String(digest.clone()));
        }
        let mut manifest = manifest;
        manifest.insert("files".to_string(), serde_json::Value::Object(files));
        let manifest = sorted(serde_json::Value::Object(manifest));
        let mut text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| Error::io(&manifest_path, io::Error::new(io::ErrorKind::InvalidData, e)))?;
        text.push('\n');
        let mut file = create_new(&manifest_path)?;
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io(&manifest_path, e))?;
        file.sync_all().map_err(|e| Error::io(&manifest_path, e))?;

        for (name, _) in &self.files {
            let path = self.staging.join(name);
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&path, e))?;
        }
        sync_dir(&self.staging)?;
        let previous = self.replace_destination()?;
        Ok(Written {
            path: self.destination.clone(),
            previous,
        })
    }

    /// Moves the staging directory to the destination, keeping an earlier output there as
    /// `<name>.previous` (see [`OutputDir::finish`]); returns where it was kept.
    fn replace_destination(&mut self) -> Result<Option<PathBuf>> {
        let parent = parent_of(&self.destination);
        let name = destination_name(&self.destination)?;
        match fs::symlink_metadata(&self.destination) {
            Ok(_) if is_empty_or_missing(&self.destination) => {
                fs::remove_dir(&self.destination).map_err(|e| Error::io(&self.destination, e))?
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&self.destination, e)),
        }
        let mut kept = None;
        let mut older = None;
        if self.destination.exists() {
            let mut previous = previous_of(&self.destination, &name);
            if fs::symlink_metadata(&previous).is_ok() {
                if check_replaceable(&self.destination, &previous).is_ok() {
                    let aside = free_name(&parent.join(format!(".{name}.old-{}", std::process::id())));
                    fs::rename(&previous, &aside).map_err(|e| Error::io(&previous, e))?;
                    older = Some(aside);
                } else {
                    previous = free_name(&previous);
                }
            }
            if let Err(e) = fs::rename(&self.destination, &previous) {
                self.restore(&older);
                return Err(Error::io(&self.destination, e));
            }
            kept = Some(previous);
        }
        if let Err(e) = fs::rename(&self.staging, &self.destination) {
            // Put the earlier outputs back; the staging directory is removed on drop.
            if let Some(previous) = &kept {
                let _ = fs::rename(previous, &self.destination);
            }
            self.restore(&older);
            return Err(Error::io(&self.destination, e));
        }
        self.finished = true;
        // The new output is in place; a failure from here on must not report the run as failed.
        let _ = sync_dir(&parent);
        if let Some(older) = older {
            let _ = remove_any(&older);
        }
        Ok(kept)
    }

    /// Puts a set-aside `<name>.previous` back after a failed move.
    fn restore(&self, older: &Option<PathBuf>) {
        if let (Some(older), Ok(name)) = (older, destination_name(&self.destination)) {
            let _ = fs::rename(older, previous_of(&self.destination, &name));
        }
    }

    /// The staging path for a new file, after checking the name.
    fn new_file_path(&self, file_name: &str) -> Result<PathBuf> {
        let invalid = |why: &str| {
            Error::io(
                self.destination.join(file_name),
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{file_name}` is not a valid output file name: {why}"),
                ),
            )
        };
        if file_name.is_empty() || file_name == "." || file_name == ".." {
            return Err(invalid("it must be a plain file name"));
        }
        if file_name.contains(['/', '\\', '\0']) {
            return Err(invalid("it must not contain `/`, `\\` or NUL"));
        }
        if file_name == MANIFEST {
            return Err(invalid("the manifest is written by `finish`"));
        }
        if self.files.iter().any(|(name, _)| name == file_name) {
            return Err(Error::io(
                self.destination.join(file_name),
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("`{file_name}` was already written"),
                ),
            ));
        }
        Ok(self.staging.join(file_name))
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// The bytes [`OutputDir::write_csv`] writes for `rows`, as text: for callers that hand tables
/// on in memory (the Python package reads them into DataFrames) rather than to files.
pub fn csv_text<T: serde::Serialize + Default>(rows: &[T]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write_rows(&mut writer, rows).expect("flat rows serialize to CSV");
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// Writes `rows` with a header row; with no rows, the header alone (see [`header_of`]).
fn write_rows<T: serde::Serialize + Default, W: Write>(writer: &mut csv::Writer<W>, rows: &[T]) -> csv::Result<()> {
    if rows.is_empty() {
        return writer.write_record(header_of::<T>());
    }
    rows.iter().try_for_each(|row| writer.serialize(row))
}

/// The CSV header a row of type `T` is written under: the column names of its default value, so
/// that a table with no rows still says what it would hold (pandas and R cannot read an empty
/// file).
fn header_of<T: serde::Serialize + Default>() -> Vec<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.serialize(T::default()).expect("flat rows serialize to CSV");
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().expect("a header was written");
    header.iter().map(str::to_string).collect()
}

/// sha256 of `bytes` as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// sha256 of a file's bytes.
pub(crate) fn file_sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// A writer that hashes everything written through it.
struct HashWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashWriter<W> {
    fn new(inner: W) -> HashWriter<W> {
        HashWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// The inner writer and the sha256 (hex) of everything written.
    fn finish(self) -> (W, String) {
        (self.inner, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The last component of `destination`, which names the output directory.
fn destination_name(destination: &Path) -> Result<String> {
    destination
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::io(
                destination,
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "an output directory path must end in a directory name",
                ),
            )
        })
}

/// `path` with its parent directory created and, when the parent goes into a directory and back
/// out (`o1/..`), resolved: such a parent stops resolving once `o1` is moved aside, as replacing
/// an output `o1` does, which would strand the new output in its staging directory.
pub(crate) fn settled(path: &Path) -> Result<PathBuf> {
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let mut entered = false;
    let leaves_again = parent.components().any(|c| {
        entered |= matches!(c, Component::Normal(_));
        entered && c == Component::ParentDir
    });
    if !leaves_again {
        return Ok(path.to_path_buf());
    }
    let name = destination_name(path)?;
    let parent = parent.canonicalize().map_err(|e| Error::io(&parent, e))?;
    Ok(parent.join(name))
}

/// Removes what killed processes left beside the output `name` in `parent`: their staging
/// directories `.<name>.partial-<pid>[.<n>]`, and, when the output `exists` (so the new one was put
/// in place), the previous outputs they set aside, `.<name>.old-<pid>[.<n>]`; an `.old-` one
/// without an output is the last result, and is kept. A process counts as dead when Linux has
/// no `/proc/<pid>`; elsewhere nothing is removed. Best effort: what cannot be removed stays.
fn remove_leftovers(parent: &Path, name: &str, exists: bool) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.partial-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        for (k, prefix) in prefixes.iter().enumerate() {
            let Some(rest) = file_name.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
            let removable = k == 0 || exists;
            if removable && pid.is_some_and(|pid| pid != std::process::id() && !alive(pid)) {
                let _ = remove_any(&entry.path());
            }
        }
    }
}

/// Whether process `pid` is running, as far as can be told (`true` when it cannot).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// The directory holding `destination` (`.` for a bare name).
fn parent_of(destination: &Path) -> PathBuf {
    match destination.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn with_suffix(base: &Path, n: u64) -> PathBuf {
    let mut name = base.as_os_str().to_os_string();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// `base`, or `base.<n>` if `base` is taken.
fn free_name(base: &Path) -> PathBuf {
    let mut candidate = base.to_path_buf();
    while fs::symlink_metadata(&candidate).is_ok() {
        candidate = with_suffix(base, SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1);
    }
    candidate
}

fn create_new(path: &Path) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, e))
}

/// Removes a directory tree, or a file or symlink.
fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Makes a directory's entries durable (on Unix; elsewhere directories cannot be opened).
fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io(path, e))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `value` with the keys of every object in sorted order, whichever map serde_json was built
/// with.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
    struct Row {
        day: u32,
        kind: String,
        trust: f64,
    }

    #[test]
    fn a_table_without_rows_still_has_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputDir::create(&dir.path().join("out")).unwrap();
        out.write_csv::<Row>("empty.csv", &[]).unwrap();
        let written = out.finish(serde_json::Map::new()).unwrap();
        assert_eq!(
            std::fs::read_to_string(written.path.join("empty.csv")).unwrap(),
            "day,kind,trust\n"
        );
    }

    #[test]
    fn tables_in_memory_are_the_bytes_written_to_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputDir::create(&dir.path().join("out")).unwrap();
        out.write_csv("rows.csv", &rows()).unwrap();
        out.write_csv::<Row>("empty.csv", &[]).unwrap();
        let path = out.finish(serde_json::Map::new()).unwrap().path;
        assert_eq!(
            std::fs::read_to_string(path.join("rows.csv")).unwrap(),
            csv_text(&rows())
        );
        assert_eq!(
            std::fs::read_to_string(path.join("empty.csv")).unwrap(),
            csv_text::<Row>(&[])
        );
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                day: 0,
                kind: "sound".to_string(),
                trust: 0.7,
            },
            Row {
                day: 1,
                kind: "fragile, \"thin\"".to_string(),
                trust: 0.1 + 0.2,
            },
            Row {
                day: 2,
                kind: "fraudulent".to_string(),
                trust: 1.0,
            },
        ]
    }

    /// Names in `dir`, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn files_land_only_on_finish() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("nested").join("run");
        let mut out = OutputDir::create(&destination).unwrap();
        out.write_text("notes.txt", "hello\n").unwrap();
        out.write_csv("daily.csv", &rows()).unwrap();
        assert!(!destination.exists());
        let finished = out.finish(serde_json::Map::new()).unwrap();
        assert_eq!(
            finished,
            Written {
                path: destination.clone(),
                previous: None
            }
        );
        assert_eq!(entries(&destination), ["daily.csv", "manifest.json", "notes.txt"]);
        assert_eq!(fs::read_to_string(destination.join("notes.txt")).unwrap(), "hello\n");
        // Nothing but the destination is left in the parent.
        assert_eq!(entries(&root.path().join("nested")), ["run"]);
    }

    #[test]
    fn dropping_without_finish_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        {
            let mut out = OutputDir::create(&destination).unwrap();
            out.write_csv("daily.csv", &rows()).unwrap();
            assert_eq!(
                entries(root.path()).len(),
                1,
                "the staging directory exists while writing"
            );
        }
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn leftovers_of_dead_processes_are_removed_but_not_a_set_aside_output_without_its_successor() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        // No process has an id this large (Linux allows at most 2^22).
        let dead = 999_999_999;
        let own = std::process::id();
        for name in [
            format!(".out.partial-{dead}"),
            format!(".out.partial-{dead}.3"),
            format!(".out.old-{dead}"),
            format!(".out.partial-{own}.7"),
            format!(".other.partial-{dead}"),
        ] {
            fs::create_dir(path(&name)).unwrap();
        }
        // Without an output in place, the set-aside one is the last result.
        drop(OutputDir::create(&path("out")).unwrap());
        let left = |name: &str| path(name).exists();
        assert!(!left(&format!(".out.partial-{dead}")) && !left(&format!(".out.partial-{dead}.3")));
        assert!(left(&format!(".out.old-{dead}")), "kept: no output replaced it");
        assert!(left(&format!(".out.partial-{own}.7")), "this process's own");
        assert!(left(&format!(".other.partial-{dead}")), "another output's");
        fs::create_dir(path("out")).unwrap();
        drop(OutputDir::create(&path("out")).unwrap());
        assert!(!left(&format!(".out.old-{dead}")), "removed once an output is in place");
    }

    /// A manifest like every command's: it names the version that wrote it.
    fn manifest() -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::from_iter([("trustsim_version".to_string(), serde_json::json!("test"))])
    }

    /// Writes an output with one file `name` holding `text` to `destination`.
    fn write_output(destination: &Path, name: &str, text: &str) -> Written {
        let mut out = OutputDir::create(destination).unwrap();
        out.write_text(name, text).unwrap();
        out.finish(manifest()).unwrap()
    }

    #[test]
    fn a_replaced_output_is_kept_as_previous_and_only_one_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        assert_eq!(write_output(&destination, "a.txt", "first").previous, None);
        fs::write(destination.join("notes.txt"), "a user's").unwrap();

        let second = write_output(&destination, "b.txt", "second");
        let previous = root.path().join("run.previous");
        assert_eq!(second.previous.as_ref(), Some(&previous));
        assert!(second.to_string().ends_with(
            "(the output it replaces is kept as {})"
                .replace("{}", &previous.display().to_string())
                .as_str()
        ));
        assert_eq!(entries(&destination), ["b.txt", "manifest.json"]);
        assert_eq!(entries(&previous), ["a.txt", "manifest.json", "notes.txt"]);

        // The previous output holds a user's file: it is not replaced, and nothing is run.
        let message = check_destination(&destination).unwrap_err().to_string();
        assert!(
            message.contains("run.previous") && message.contains("notes.txt"),
            "{message}"
        );
        assert!(OutputDir::create(&destination).is_err());

        fs::remove_file(previous.join("notes.txt")).unwrap();
        write_output(&destination, "c.txt", "third");
        assert_eq!(entries(&destination), ["c.txt", "manifest.json"]);
        assert_eq!(entries(&previous), ["b.txt", "manifest.json"]);
        assert_eq!(entries(root.path()), ["run", "run.previous"]);
    }

    #[test]
    fn a_previous_output_that_gains_a_users_file_during_a_run_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        write_output(&destination, "a.txt", "first");
        write_output(&destination, "b.txt", "second");
        let mut out = OutputDir::create(&destination).unwrap();
        out.write_text("c.txt", "third").unwrap();
        fs::write(root.path().join("run.previous/mine.txt"), "a user's").unwrap();
        let written = out.finish(manifest()).unwrap();
        let kept = written.previous.unwrap();
        assert!(kept.to_string_lossy().contains("run.previous."), "{}", kept.display());
        assert_eq!(entries(&kept), ["b.txt", "manifest.json"]);
        assert_eq!(
            entries(&root.path().join("run.previous")),
            ["a.txt", "manifest.json", "mine.txt"]
        );
    }

    #[test]
    fn an_empty_destination_directory_is_simply_filled() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        fs::create_dir(&destination).unwrap();
        assert_eq!(write_output(&destination, "a.txt", "first").previous, None);
        assert_eq!(entries(root.path()), ["run"]);
    }

    #[test]
    fn two_outputs_for_one_destination_do_not_collide() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        let mut a = OutputDir::create(&destination).unwrap();
        let mut b = OutputDir::create(&destination).unwrap();
        a.write_text("a.txt", "a").unwrap();
        b.write_text("b.txt", "b").unwrap();
        a.finish(manifest()).unwrap();
        b.finish(manifest()).unwrap();
        assert_eq!(entries(&destination), ["b.txt", "manifest.json"]);
        assert_eq!(entries(&root.path().join("run.previous")), ["a.txt", "manifest.json"]);
        assert_eq!(entries(root.path()), ["run", "run.previous"]);
    }

    #[test]
    fn manifest_lists_every_file_with_its_hash() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        let mut out = OutputDir::create(&destination).unwrap();
        out.write_text("z.txt", "last letter\n").unwrap();
        out.write_csv("a.csv", &rows()).unwrap();
        out.write_text("empty.txt", "").unwrap();
        let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["z.txt", "a.csv", "empty.txt"], "files() keeps write order");

        let mut given = serde_json::Map::new();
        given.insert("seed".to_string(), serde_json::json!(42));
        given.insert("scenario".to_string(), serde_json::json!({"name": "x", "b": 1, "a": 2}));
        out.finish(given).unwrap();

        let text = fs::read_to_string(destination.join(MANIFEST)).unwrap();
        assert!(text.ends_with("}\n"));
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(manifest["seed"], 42);
        let files = manifest["files"].as_object().unwrap();
        assert_eq!(files.len(), 3);
        for (name, digest) in files {
            let bytes = fs::read(destination.join(name)).unwrap();
            assert_eq!(digest.as_str().unwrap(), sha256_hex(&bytes), "{name}");
        }
        // Keys come out sorted, at every level.
        let top: Vec<&str> = ["files", "scenario", "seed"].to_vec();
        let positions: Vec<usize> = top.iter().map(|k| text.find(&format!("\"{k}\"")).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.find("\"a.csv\"").unwrap() < text.find("\"empty.txt\"").unwrap());
        assert!(text.find("\"empty.txt\"").unwrap() < text.find("\"z.txt\"").unwrap());
        assert!(text.find("\"a\": 2").unwrap() < text.find("\"b\": 1").unwrap());
    }

    #[test]
    fn csv_has_a_header_and_round_trips() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        let mut out = OutputDir::create(&destination).unwrap();
        out.write_csv("daily.csv", &rows()).unwrap();
        out.finish(serde_json::Map::new()).unwrap();
        let text = fs::read_to_string(destination.join("daily.csv")).unwrap();
        assert!(text.starts_with("day,kind,trust\n"), "{text}");
        let mut reader = csv::Reader::from_path(destination.join("daily.csv")).unwrap();
        let back: Vec<Row> = reader.deserialize().collect::<std::result::Result<_, _>>().unwrap();
        assert_eq!(back, rows());
    }

    #[test]
    fn same_rows_give_identical_bytes() {
        let root = tempfile::tempdir().unwrap();
        let destination = root.path().join("run");
        let mut out = OutputDir::create(&destination).unwrap();
        out.write_csv("one.csv", &rows()).unwrap();
        out.write_csv("two.csv", &rows()).unwrap();
        assert_eq!(out.files[0].1, out.files[1].1);
        out.finish(serde_json::Map::new()).unwrap();
        assert_eq!(
            fs::read(destination.join("one.csv")).unwrap(),
            fs::read(destination.join("two.csv")).unwrap()
        );
    }

    #[test]
    fn bad_file_names_are_rejected() {
        let root = tempfile::tempdir().unwrap();
        let mut out = OutputDir::create(&root.path().join("run")).unwrap();
        for name in ["", ".", "..", "a/b", "../escape", "a\\b", MANIFEST] {
            match out.write_text(name, "x") {
                Err(Error::Io { source, .. }) => {
                    assert_eq!(source.kind(), io::ErrorKind::InvalidInput, "{name:?}")
                }
                other => panic!("{name:?} gave {other:?}"),
            }
        }
        out.write_text("twice.txt", "x").unwrap();
        match out.write_text("twice.txt", "y") {
            Err(Error::Io { source, .. }) => {
                assert_eq!(source.kind(), io::ErrorKind::AlreadyExists)
            }
            other => panic!("a second write gave {other:?}"),
        }
        let mut reserved = serde_json::Map::new();
        reserved.insert("files".to_string(), serde_json::json!([]));
        assert!(out.finish(reserved).is_err());
        assert!(entries(root.path()).is_empty(), "a failed finish leaves nothing");
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
