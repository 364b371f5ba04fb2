//! Where the window saves files: the person's own save folder (their
//! documents folder unless they chose another), under names that carry the
//! account and the date, and never over a file already there unless the
//! person, asked, says so. The folder is the signed-in person's setting,
//! kept for the window's thread as its clock's zone is (gui/clock.rs).

use std::cell::RefCell;
use std::path::PathBuf;

use crate::desk::settings::default_folder;
use crate::documents::file::Existing;

thread_local! {
    static FOLDER: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// The signed-in person's save folder (`None`: their documents folder).
pub fn set_folder(folder: Option<PathBuf>) {
    FOLDER.with(|f| *f.borrow_mut() = folder);
}

/// Where files are saved now: the person's folder, unless it is not a
/// folder on this computer (kept on another desk, or a drive since taken
/// out), then their documents folder.
pub fn folder() -> PathBuf {
    FOLDER.with(|f| f.borrow().clone()).filter(|f| f.is_dir()).unwrap_or_else(default_folder)
}

/// `name` in the save folder, as a form shows it.
pub fn path_for(name: &str) -> String {
    folder().join(name).display().to_string()
}

/// Keeps the folder of the path `typed` as the person's save folder, and
/// uses it from now on in this window.
pub fn keep_folder(
    backend: &crate::gui::backend::Backend,
    actor: &crate::desk::Actor,
    typed: &str,
) -> iced::Task<Result<PathBuf, crate::desk::DeskError>> {
    let path = PathBuf::from(typed.trim());
    let folder = if path.is_dir() { path } else { path.parent().map(PathBuf::from).unwrap_or_default() };
    let (backend, actor) = (backend.clone(), actor.clone());
    iced::Task::perform(
        async move {
            backend
                .run(move |desk| {
                    let setting = crate::desk::settings::Setting::SaveFolder(folder.clone());
                    desk.set_setting(&actor, chrono::Utc::now(), setting)?;
                    Ok(folder)
                })
                .await
        },
        |kept| {
            if let Ok(folder) = &kept {
                set_folder(Some(folder.clone()));
            }
            kept
        },
    )
}

/// Printing through `lp`, said in words a representative can act on.
pub use crate::documents::file::print;

/// A file path typed in a form, and whether the person was asked about
/// (and so agreed to replace) the file already at it.
#[derive(Debug, Clone, Default)]
pub struct SaveTo {
    pub typed: String,
    asked: Option<PathBuf>,
}

impl SaveTo {
    pub fn new(name: &str) -> SaveTo {
        SaveTo { typed: path_for(name), asked: None }
    }

    /// What is typed now; a changed path is asked about afresh.
    pub fn set(&mut self, typed: String) {
        self.typed = typed;
        self.asked = None;
    }

    /// Whether the form is asking to replace a file (its button says so).
    pub fn asking(&self) -> bool {
        self.asked.is_some()
    }

    /// The path typed, or what to tell the person.
    pub fn path(&self) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.typed.trim());
        if path.as_os_str().is_empty() {
            return Err("say where to save it".into());
        }
        Ok(path)
    }

    /// Whether `path` may be written: a file already there is replaced only
    /// once the person, asked, presses the button again. The first time
    /// the answer is the question.
    pub fn check(&mut self, path: &std::path::Path) -> Result<Existing, String> {
        self.check_all(&[path.to_path_buf()])
    }

    /// [`SaveTo::check`] for a save that writes several files (a report and
    /// its requests beside it): one question names every file already there.
    pub fn check_all(&mut self, paths: &[PathBuf]) -> Result<Existing, String> {
        let there: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
        let Some(first) = paths.first() else { return Ok(Existing::Keep) };
        if there.is_empty() {
            return Ok(Existing::Keep);
        }
        if self.asked.as_ref() == Some(first) {
            return Ok(Existing::Replace);
        }
        self.asked = Some(first.clone());
        let names: Vec<String> = there
            .iter()
            .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string()))
            .collect();
        let (which, verb) = if names.len() == 1 { ("it", "is") } else { ("them", "are") };
        Err(format!(
            "{} {verb} already there. Press the button again to replace {which}, or change the name.",
            names.join(" and ")
        ))
    }

    /// Forgets the question asked (what the file would hold changed).
    pub fn forget_question(&mut self) {
        self.asked = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_already_there_is_replaced_only_when_asked_twice_for_the_same_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        set_folder(Some(dir.path().to_path_buf()));
        let mut save = SaveTo::new("letter.pdf");
        let path = save.path().unwrap_or_default();
        assert_eq!(path, dir.path().join("letter.pdf"), "in the person's folder");
        assert_eq!(save.check(&path), Ok(Existing::Keep), "nothing there: written, keeping anything that appears");
        std::fs::write(&path, b"kept").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            save.check(&path),
            Err("letter.pdf is already there. Press the button again to replace it, or change the name.".into())
        );
        assert!(save.asking());
        assert_eq!(save.check(&path), Ok(Existing::Replace), "asked, and pressed again");
        save.set(path.display().to_string());
        assert!(!save.asking(), "a path typed again is asked about again");
        assert!(save.check(&path).is_err());
        save.set("  ".into());
        assert_eq!(save.path(), Err("say where to save it".into()));

        // Two files in one save: one question names those already there.
        let requests = dir.path().join("letter-requests.csv");
        let both = [path.clone(), requests.clone()];
        std::fs::write(&requests, b"kept").unwrap_or_else(|e| panic!("{e}"));
        let mut save = SaveTo::new("letter.pdf");
        assert_eq!(
            save.check_all(&both),
            Err("letter.pdf and letter-requests.csv are already there. Press the button again to replace them, or change the name.".into())
        );
        save.forget_question();
        assert!(save.check_all(&both).is_err(), "forgotten: asked again");
        assert_eq!(save.check_all(&both), Ok(Existing::Replace));
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut save = SaveTo::new("letter.pdf");
        assert!(save.check_all(&both).is_err(), "the second file alone is asked about too");

        // A save folder that is not a folder here falls back to the documents folder.
        set_folder(Some(dir.path().join("taken-out")));
        assert_eq!(folder(), default_folder());
        set_folder(None);
    }
}
