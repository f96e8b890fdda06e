//! A fast hasher for the compiler's hash maps (rustc's FxHash): keys here are small
//! integers (values, blocks, e-classes), never chosen by an attacker. Only for maps whose iteration order never
//! reaches any output (lookups and inserts), since that order follows the hash.

/// Builds [`FxHasher`]s, for hash maps and sets that are never iterated.
pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// A small multiplicative hasher (rustc's FxHash): the keys of these maps are a few
/// integers, and std's default (SipHash, built against untrusted keys) costs several
/// times more per lookup.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.write_u64(x as u64);
    }
    fn write_u16(&mut self, x: u16) {
        self.write_u64(x as u64);
    }
    fn write_isize(&mut self, x: isize) {
        self.write_u64(x as u64);
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
