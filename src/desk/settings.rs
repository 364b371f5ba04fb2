//! A person's own desk: the text size, the theme and the folder files are
//! saved in. Kept with their name in the ledger's database, so they follow
//! the person to any workstation (and, later, through the desk server).
//! Each person changes only their own; none of it moves money, so it is
//! kept beside the audit trail, not in it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Actor, Desk, DeskError, Result};

/// The text size, in percent of the standard size. Ctrl+= and Ctrl+- move
/// it by [`TEXT_SCALE_STEP`] between the two ends.
pub const TEXT_SCALE_MIN: u16 = 100;
pub const TEXT_SCALE_MAX: u16 = 200;
pub const TEXT_SCALE_STEP: u16 = 25;

/// The window's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    #[default]
    Light,
    Dark,
    /// Black on white, strong borders, every colour at 7:1 or more.
    HighContrast,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::HighContrast];

    pub fn code(self) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
            ThemeChoice::HighContrast => "high-contrast",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
            ThemeChoice::HighContrast => "High contrast",
        }
    }

    /// The next theme, as F9 goes round them.
    pub fn next(self) -> ThemeChoice {
        match self {
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::HighContrast,
            ThemeChoice::HighContrast => ThemeChoice::Light,
        }
    }

    fn from_code(code: &str) -> Option<ThemeChoice> {
        ThemeChoice::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// What a person chose (or the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskSettings {
    /// Percent of the standard text size.
    pub text_scale: u16,
    pub theme: ThemeChoice,
    /// Where files are saved; `None`: the person's documents folder.
    pub save_folder: Option<PathBuf>,
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings { text_scale: TEXT_SCALE_MIN, theme: ThemeChoice::Light, save_folder: None }
    }
}

impl DeskSettings {
    /// The folder files are saved in: the one chosen, else the person's
    /// documents folder, else their home, else the temporary folder.
    pub fn folder(&self) -> PathBuf {
        self.save_folder.clone().unwrap_or_else(default_folder)
    }
}

/// The person's documents folder (XDG's, Windows' or macOS's), else home.
pub fn default_folder() -> PathBuf {
    let dirs = directories::UserDirs::new();
    dirs.as_ref()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .filter(|d| d.is_dir())
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
        .unwrap_or_else(std::env::temp_dir)
}

/// One setting changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    TextScale(u16),
    Theme(ThemeChoice),
    SaveFolder(PathBuf),
}

/// A text size within its ends (the window moves it in steps; any size
/// between is kept as it is).
pub fn text_scale_within(percent: u16) -> Option<u16> {
    (TEXT_SCALE_MIN..=TEXT_SCALE_MAX).contains(&percent).then_some(percent)
}

impl Desk {
    /// The signed-in person's settings; what was never set is the default,
    /// and what cannot be read (an older build's value) is left at it.
    pub fn settings(&mut self, actor: &Actor) -> Result<DeskSettings> {
        let stored = self.store.read(|db| Ok::<_, DeskError>(db.user_settings(actor.user_id)?))?;
        let mut settings = DeskSettings::default();
        for (name, value) in stored {
            match name.as_str() {
                "text_scale" => {
                    if let Some(percent) = value.parse().ok().and_then(text_scale_within) {
                        settings.text_scale = percent;
                    }
                }
                "theme" => settings.theme = ThemeChoice::from_code(&value).unwrap_or_default(),
                "save_folder" => settings.save_folder = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        Ok(settings)
    }

    /// Keeps one of the signed-in person's settings. A text size out of
    /// range, or a save folder that is not an existing folder written as a
    /// full path, is refused and nothing is kept.
    pub fn set_setting(&mut self, actor: &Actor, now: DateTime<Utc>, setting: Setting) -> Result<()> {
        let (name, value) = match &setting {
            Setting::TextScale(percent) => {
                let percent = text_scale_within(*percent).ok_or_else(|| {
                    DeskError::Invalid(format!(
                        "the text size must be between {TEXT_SCALE_MIN} % and {TEXT_SCALE_MAX} %, not {percent} %"
                    ))
                })?;
                ("text_scale", percent.to_string())
            }
            Setting::Theme(theme) => ("theme", theme.code().to_string()),
            Setting::SaveFolder(folder) => {
                if !folder.is_absolute() {
                    return Err(DeskError::Invalid(format!(
                        "the save folder must be a full path (starting with /, or a drive on Windows), not \"{}\"",
                        folder.display()
                    )));
                }
                if !folder.is_dir() {
                    return Err(DeskError::Invalid(format!("{} is not a folder on this computer", folder.display())));
                }
                let value = folder.to_str().ok_or_else(|| {
                    DeskError::Invalid(format!("the folder name {} is not valid text", folder.display()))
                })?;
                ("save_folder", value.to_string())
            }
        };
        self.store.write(|db| Ok::<_, DeskError>(db.set_user_setting(actor.user_id, name, &value, now)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::user::Role;

    fn person(desk: &mut Desk, name: &str) -> Actor {
        let now = Utc::now();
        let id = desk.store.write(|db| Ok::<_, DeskError>(db.insert_user(name, name, Role::Car1, now)?)).unwrap();
        Actor { user_id: id, username: name.into(), role: Role::Car1 }
    }

    #[test]
    fn a_setting_is_kept_for_its_person_only_and_a_bad_one_keeps_nothing() {
        let mut desk = Desk::open_in_memory().unwrap();
        let (ann, bob) = (person(&mut desk, "ann"), person(&mut desk, "bob"));
        assert_eq!(desk.settings(&ann).unwrap(), DeskSettings::default());
        let folder = tempfile::tempdir().unwrap();
        desk.set_setting(&ann, Utc::now(), Setting::TextScale(150)).unwrap();
        desk.set_setting(&ann, Utc::now(), Setting::Theme(ThemeChoice::HighContrast)).unwrap();
        desk.set_setting(&ann, Utc::now(), Setting::SaveFolder(folder.path().to_path_buf())).unwrap();
        desk.set_setting(&ann, Utc::now(), Setting::TextScale(175)).unwrap();
        let kept = desk.settings(&ann).unwrap();
        assert_eq!(
            kept,
            DeskSettings {
                text_scale: 175,
                theme: ThemeChoice::HighContrast,
                save_folder: Some(folder.path().to_path_buf())
            }
        );
        assert_eq!(kept.folder(), folder.path());
        assert_eq!(desk.settings(&bob).unwrap(), DeskSettings::default(), "Bob's desk is his own");

        for (bad, said) in [
            (Setting::TextScale(250), "between 100 % and 200 %, not 250 %"),
            (Setting::TextScale(50), "not 50 %"),
            (Setting::SaveFolder(PathBuf::from("Documents/letters")), "must be a full path"),
            (Setting::SaveFolder(folder.path().join("missing")), "is not a folder on this computer"),
        ] {
            let error = desk.set_setting(&ann, Utc::now(), bad).unwrap_err().to_string();
            assert!(error.contains(said), "{error}");
        }
        assert_eq!(desk.settings(&ann).unwrap(), kept, "a refused setting changes nothing");
    }
}
