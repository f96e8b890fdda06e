//! Entity handles: typed `u32` newtypes whose `Display` is their text syntax
//! (`v3`, `block2`, `inst7`).
//!
//! Handles are plain indices into the tables of a [`crate::Function`]; they never own data.

use std::fmt;

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The text-format prefix (`v`, `block`, ...).
            pub const PREFIX: &'static str = $prefix;

            pub fn new(index: usize) -> Self {
                $name(u32::try_from(index).expect("entity index overflows u32"))
            }

            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// Parses the text syntax (`v12`).
            pub fn parse(s: &str) -> Option<Self> {
                let digits = s.strip_prefix($prefix)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse().ok().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }
    };
}

entity!(
    /// An SSA value: defined once, by an instruction result or a block parameter.
    Value,
    "v"
);
entity!(
    /// A basic block; it has parameters instead of phis.
    Block,
    "block"
);
entity!(
    /// An instruction.
    Inst,
    "inst"
);
