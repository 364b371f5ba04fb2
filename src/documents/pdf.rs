//! A small page writer over krilla: the letterhead, rows of cells (left or
//! right aligned at fixed x positions), rules, wrapped paragraphs, page
//! breaks that repeat a running head, and "Page N of M" footers. Letter
//! size, points, y growing down the page (krilla's convention); fonts are
//! DejaVu Sans from `assets/fonts`, subset and embedded.

use std::sync::OnceLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::desk::DeskError;
pub use crate::domain::letters::Letterhead;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// US Letter.
pub const WIDTH: f32 = 612.0;
pub const HEIGHT: f32 = 792.0;
pub const LEFT: f32 = 54.0;
pub const RIGHT: f32 = WIDTH - 54.0;
/// Where text may go down to before the page breaks (the footer is below).
const BOTTOM: f32 = HEIGHT - 60.0;
const FOOTER: f32 = HEIGHT - 36.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A piece of text in a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub x: f32,
    pub align: Align,
    pub text: String,
    pub style: Style,
    pub size: f32,
}

impl Cell {
    pub fn left(x: f32, text: impl Into<String>) -> Cell {
        Cell { x, align: Align::Left, text: text.into(), style: Style::Regular, size: 9.5 }
    }

    pub fn right(x: f32, text: impl Into<String>) -> Cell {
        Cell { x, align: Align::Right, text: text.into(), style: Style::Regular, size: 9.5 }
    }

    pub fn bold(mut self) -> Cell {
        self.style = Style::Bold;
        self
    }

    pub fn size(mut self, size: f32) -> Cell {
        self.size = size;
        self
    }
}

/// A face for drawing (krilla) and for measuring (rustybuzz).
struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        Some(Face { pdf: Font::new(data.into(), 0)?, shaper: rustybuzz::Face::from_slice(data, 0)? })
    }

    /// The glyphs (advances in ems) and the width in points.
    fn shape(&self, text: &str, size: f32) -> (Vec<KrillaGlyph>, f32) {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let per_em = f32::from(self.shaper.units_per_em() as u16);
        let (infos, positions) = (shaped.glyph_infos(), shaped.glyph_positions());
        let glyphs: Vec<KrillaGlyph> = (0..shaped.len())
            .map(|i| {
                let start = infos[i].cluster as usize;
                let end = infos[i + 1..].iter().map(|g| g.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
                let p = positions[i];
                KrillaGlyph::new(
                    GlyphId::new(infos[i].glyph_id),
                    p.x_advance as f32 / per_em,
                    p.x_offset as f32 / per_em,
                    p.y_offset as f32 / per_em,
                    p.y_advance as f32 / per_em,
                    start..end,
                    None,
                )
            })
            .collect();
        let width = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
        (glyphs, width)
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

fn fonts() -> Result<&'static Fonts, DeskError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| Some(Fonts { regular: Face::load(REGULAR)?, bold: Face::load(BOLD)? }))
        .as_ref()
        .ok_or_else(|| DeskError::Invalid("the fonts in assets/fonts cannot be read".into()))
}

impl Fonts {
    fn face(&self, style: Style) -> &Face {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}

/// The width of `text` in points.
pub fn text_width(text: &str, style: Style, size: f32) -> Result<f32, DeskError> {
    Ok(fonts()?.face(style).shape(text, size).1)
}

/// `text` broken at spaces into lines no wider than `width` points (a
/// single word wider than that stands on its own line).
pub fn wrap(text: &str, style: Style, size: f32, width: f32) -> Result<Vec<String>, DeskError> {
    let face = fonts()?.face(style);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if !current.is_empty() && face.shape(&candidate, size).1 > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// What is drawn on a page, kept until the page count is known.
enum Op {
    Text { x: f32, y: f32, cell: Cell },
    Rule { y: f32, weight: f32 },
}

/// Pages being laid out, top to bottom.
pub struct Writer {
    fonts: &'static Fonts,
    letterhead: Letterhead,
    title: String,
    /// Said at the foot of every page, left of the page number.
    footer: String,
    /// Repeated under the running head after a page break (a table's header row).
    running: Vec<Cell>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Writer {
    /// A first page with the full letterhead and the document's title.
    pub fn new(letterhead: &Letterhead, title: &str, footer: &str) -> Result<Writer, DeskError> {
        let mut writer = Writer {
            fonts: fonts()?,
            letterhead: letterhead.clone(),
            title: title.to_string(),
            footer: footer.to_string(),
            running: Vec::new(),
            pages: vec![Vec::new()],
            y: 0.0,
        };
        let l = &writer.letterhead;
        let head = [
            (Cell::left(LEFT, l.name.clone()).bold().size(16.0), 58.0),
            (Cell::left(LEFT, l.department.clone()).size(9.0), 72.0),
            (Cell::right(RIGHT, l.address.clone()).size(8.5), 58.0),
            (Cell::right(RIGHT, format!("{} · {}", l.phone, l.web)).size(8.5), 72.0),
        ];
        for (cell, y) in head {
            writer.put(y, cell);
        }
        writer.rule_at(80.0, 1.0);
        writer.y = 104.0;
        writer.row(&[Cell::left(LEFT, title).bold().size(14.0)])?;
        writer.gap(4.0);
        Ok(writer)
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The cell at height `y`, aligned on its x.
    fn put(&mut self, y: f32, cell: Cell) {
        let x = match cell.align {
            Align::Left => cell.x,
            Align::Right => cell.x - self.fonts.face(cell.style).shape(&cell.text, cell.size).1,
        };
        self.page().push(Op::Text { x, y, cell });
    }

    fn rule_at(&mut self, y: f32, weight: f32) {
        self.page().push(Op::Rule { y, weight });
    }

    /// A new page with the short running head (and the table header, if one is set).
    fn break_page(&mut self) {
        self.pages.push(Vec::new());
        let head = format!("{} · {}", self.letterhead.name, self.title);
        self.put(48.0, Cell::left(LEFT, head).size(8.5));
        self.rule_at(54.0, 0.5);
        self.y = 72.0;
        let running = self.running.clone();
        if !running.is_empty() {
            self.y += 12.0;
            for cell in running {
                let y = self.y;
                self.put(y, cell);
            }
            let y = self.y + 4.0;
            self.rule_at(y, 0.5);
            self.y += 4.0;
        }
    }

    /// Room for `height` more points, or a new page.
    pub fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.break_page();
        }
    }

    /// The cells, on one line under the last.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), DeskError> {
        let height = cells.iter().map(|c| c.size).fold(0.0, f32::max) * 1.45;
        self.need(height);
        self.y += height;
        let y = self.y;
        for cell in cells {
            self.put(y, cell.clone());
        }
        Ok(())
    }

    /// A table's header row: drawn now, and again at the top of each page it runs onto.
    pub fn table_header(&mut self, cells: &[Cell]) -> Result<(), DeskError> {
        self.need(40.0);
        self.running = cells.to_vec();
        self.row(cells)?;
        self.rule(0.5);
        Ok(())
    }

    /// The table is over: page breaks no longer repeat its header.
    pub fn end_table(&mut self) {
        self.running.clear();
    }

    /// A rule across the page under the last line.
    pub fn rule(&mut self, weight: f32) {
        self.need(6.0);
        let y = self.y + 4.0;
        self.rule_at(y, weight);
        self.y += 4.0;
    }

    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A heading with a little room above it.
    pub fn heading(&mut self, text: &str) -> Result<(), DeskError> {
        self.need(48.0);
        self.gap(10.0);
        self.row(&[Cell::left(LEFT, text).bold().size(11.0)])
    }

    /// Text wrapped to the page's width at word boundaries; blank lines
    /// separate paragraphs.
    pub fn paragraph(&mut self, text: &str, size: f32) -> Result<(), DeskError> {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                if i > 0 {
                    self.gap(size * 0.8);
                }
                continue;
            }
            for part in wrap(line, Style::Regular, size, RIGHT - LEFT)? {
                self.row(&[Cell::left(LEFT, part).size(size)])?;
            }
        }
        Ok(())
    }

    /// The PDF: every page drawn, with "Page N of M" at its foot.
    pub fn finish(self) -> Result<Vec<u8>, DeskError> {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new().title(self.title.clone()).creator(format!("utility-desk {}", env!("CARGO_PKG_VERSION"))),
        );
        let count = self.pages.len();
        let settings = PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| DeskError::Invalid("the page size is not valid".into()))?;
        for (n, ops) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text { x, y, cell } => self.draw(&mut surface, *x, *y, cell),
                    Op::Rule { y, weight } => rule(&mut surface, *y, *weight),
                }
            }
            let footer = Cell::left(LEFT, self.footer.clone()).size(8.0);
            self.draw(&mut surface, LEFT, FOOTER, &footer);
            let number = format!("Page {} of {count}", n + 1);
            let at = RIGHT - self.fonts.face(Style::Regular).shape(&number, 8.0).1;
            self.draw(&mut surface, at, FOOTER, &Cell::left(at, number).size(8.0));
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| DeskError::Invalid(format!("the PDF could not be written: {e:?}")))
    }

    fn draw(&self, surface: &mut Surface, x: f32, y: f32, cell: &Cell) {
        let face = self.fonts.face(cell.style);
        let (glyphs, _) = face.shape(&cell.text, cell.size);
        surface.draw_glyphs(Point::from_xy(x, y), &glyphs, face.pdf.clone(), &cell.text, cell.size, false);
    }
}

fn rule(surface: &mut Surface, y: f32, weight: f32) {
    let mut path = PathBuilder::new();
    path.move_to(LEFT, y);
    path.line_to(RIGHT, y);
    let Some(path) = path.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke { width: weight, paint: rgb::Color::new(90, 90, 90).into(), ..Default::default() }));
    surface.draw_path(&path);
    // A stroke left set would outline the text drawn after it.
    surface.set_stroke(None);
    surface.set_fill(Some(Fill::default()));
}
