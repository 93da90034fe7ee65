//! Reports: paper-shaped tables built once ([`table`], [`tables`]) and one module
//! per output format that only renders them. Renderers return text or bytes and
//! write nothing.

pub mod charts;
pub mod csv;
pub mod data;
pub mod docx;
pub mod figures;
pub mod html;
pub mod json;
pub mod monte_carlo;
pub mod partnership;
pub mod table;
pub mod tables;
pub mod terminal;
pub mod tidy;
pub mod xlsx;
