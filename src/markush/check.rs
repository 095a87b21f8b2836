//! Reading a set of template files into one [`Library`], the checks across
//! files (groups exist, no duplicates, no cyclic definitions), and the
//! report that `markush templates check` prints.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::groups::def::Alternative;

use super::ast::Library;
use super::error::{ErrorKind, TemplateError};
use super::parse::parse_file;

impl Library {
    /// Reads `(file name, text)` pairs as one library. All errors of all
    /// files are returned, in file order.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Library, Vec<TemplateError>> {
        let mut lib = Library::default();
        let mut errors = Vec::new();
        let mut group_locs = Vec::new();
        let mut group_refs = Vec::new();
        let mut group_names = std::collections::HashSet::new();
        let mut formula_ids = std::collections::HashSet::new();
        for (file, text) in sources {
            let parsed = parse_file(file, text);
            errors.extend(parsed.errors);
            for (g, loc) in parsed.groups {
                if !group_names.insert(g.name.clone()) {
                    errors.push(loc.error(ErrorKind::DuplicateGroup(g.name.clone())));
                } else {
                    lib.groups.push(g);
                    group_locs.push(loc);
                }
            }
            for (f, loc) in parsed.formulas {
                if !formula_ids.insert(f.id.clone()) {
                    errors.push(loc.error(ErrorKind::DuplicateFormula(f.id.clone())));
                } else {
                    lib.formulas.push(f);
                }
            }
            group_refs.extend(parsed.group_refs);
        }
        for (name, loc) in &group_refs {
            if !group_names.contains(name) {
                errors.push(loc.error(ErrorKind::UnknownGroup(name.clone())));
            }
        }
        for (g, cycle) in group_cycles(&lib) {
            errors.push(group_locs[g].error(ErrorKind::CyclicGroup(cycle)));
        }
        if errors.is_empty() {
            Ok(lib)
        } else {
            errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            Err(errors)
        }
    }

    /// Reads the given files as one library.
    pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<Library, Vec<TemplateError>> {
        let mut texts = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            let name = p.as_ref().display().to_string();
            match std::fs::read_to_string(p) {
                Ok(t) => texts.push((name, t)),
                Err(e) => errors.push(io_error(&name, &e)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let sources: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Library::from_sources(&sources)
    }

    /// Reads every `*.markush` file of `dir` (not its subdirectories), in
    /// name order, as one library.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Library, Vec<TemplateError>> {
        Library::load_files(&markush_files(dir.as_ref())?)
    }
}

fn io_error(name: &str, e: &std::io::Error) -> TemplateError {
    TemplateError {
        file: name.to_string(),
        line: 1,
        column: 1,
        kind: ErrorKind::Io(e.to_string()),
        source_line: String::new(),
    }
}

fn markush_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, Vec<TemplateError>> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| vec![io_error(&name, &e)])?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "markush"))
        .collect();
    files.sort();
    Ok(files)
}

/// Groups whose definitions refer back to themselves through bare group
/// names (slots consume atoms, so recursion through a slot is fine): the
/// first group of each cycle found, and the cycle as `a -> b -> a`.
fn group_cycles(lib: &Library) -> Vec<(usize, String)> {
    let index: HashMap<&str, usize> = lib
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = lib
        .groups
        .iter()
        .map(|g| {
            g.alternatives
                .iter()
                .filter_map(|a| match a {
                    Alternative::Group(n) => index.get(n.as_str()).copied(),
                    Alternative::Pattern(_) => None,
                })
                .collect()
        })
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; edges.len()];
    let mut cycles = Vec::new();
    for root in 0..edges.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&succ) = edges[node].get(*next) {
                *next += 1;
                match state[succ] {
                    0 => {
                        state[succ] = 1;
                        stack.push((succ, 0));
                    }
                    1 => {
                        let start = stack.iter().position(|&(n, _)| n == succ).unwrap_or(0);
                        let mut names: Vec<&str> = stack[start..]
                            .iter()
                            .map(|&(n, _)| lib.groups[n].name.as_str())
                            .collect();
                        names.push(&lib.groups[succ].name);
                        cycles.push((succ, names.join(" -> ")));
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    cycles
}

/// What `markush templates check` found in a directory.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub files: Vec<String>,
    pub library: Library,
    pub errors: Vec<TemplateError>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The process exit code: 0 when every file is valid, 2 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.is_ok() {
            0
        } else {
            2
        }
    }
}

/// Checks every `*.markush` file of `dir` as one library.
pub fn check_dir(dir: impl AsRef<Path>) -> Report {
    let files = match markush_files(dir.as_ref()) {
        Ok(f) => f,
        Err(errors) => {
            return Report {
                errors,
                ..Report::default()
            }
        }
    };
    let names = files.iter().map(|p| p.display().to_string()).collect();
    match Library::load_files(&files) {
        Ok(library) => Report {
            files: names,
            library,
            errors: Vec::new(),
        },
        Err(errors) => Report {
            files: names,
            library: Library::default(),
            errors,
        },
    }
}

impl fmt::Display for Report {
    /// Every error with its caret, or the formulas and the group count.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_ok() {
            for e in &self.errors {
                writeln!(f, "{e}")?;
            }
            let n = self.errors.len();
            return writeln!(f, "{n} error{}", if n == 1 { "" } else { "s" });
        }
        for formula in &self.library.formulas {
            let claims: Vec<String> = formula.claims.iter().map(u32::to_string).collect();
            writeln!(
                f,
                "{}\t{}\tpatent {}\tclaims {}",
                formula.id,
                formula.title,
                formula.patent,
                claims.join(", ")
            )?;
        }
        writeln!(
            f,
            "{} files, {} formulas, {} groups: all valid",
            self.files.len(),
            self.library.formulas.len(),
            self.library.groups.len()
        )
    }
}
