//! Prints everything perception decides about each SMILES on stdin, one
//! line per input: atoms (element, charge, isotope, H, aromatic flag), bonds
//! (ends, order, aromatic flag), SSSR and symmetrized rings in order, ring
//! bonds, per-atom and per-bond ring facts and ring systems.
//!
//! Performance work on reading must leave this output byte-identical:
//! `zcat corpus.smi.gz | cargo run --release --example perception_dump | md5sum`
//! before and after a change is the check (see README, "Changing the reader").
use std::io::{self, BufRead, BufWriter, Write};

use markush::smiles;

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let smi = line.split_whitespace().next().unwrap_or("");
        match smiles::parse(smi) {
            Err(e) => writeln!(out, "ERR {:?}", e)?,
            Ok(mol) => {
                let mut s = String::new();
                for a in mol.atoms() {
                    s.push_str(&format!(
                        "{}{}/{}/{}/{}{};",
                        a.symbol(),
                        a.charge,
                        a.isotope,
                        a.explicit_h,
                        a.implicit_h,
                        if a.aromatic { "a" } else { "" }
                    ));
                }
                s.push('|');
                for e in 0..mol.bond_count() {
                    let (x, y) = mol.bond_atoms(e);
                    let b = mol.bond(e);
                    s.push_str(&format!(
                        "{x}-{y}:{:?}{};",
                        b.order,
                        if b.aromatic { "a" } else { "" }
                    ));
                }
                let r = mol.rings();
                s.push_str(&format!("|S{}|R{:?}|B", r.sssr().len(), r.rings()));
                for i in 0..r.rings().len() {
                    s.push_str(&format!("{:?}", r.ring_bonds(i)));
                }
                // (ring count, smallest ring size, in a ring) per atom, then per bond.
                let facts = |count: usize, min: Option<usize>, ring: bool| {
                    format!("{count},{min:?},{};", ring as u8)
                };
                s.push_str("|A");
                for i in 0..mol.atom_count() {
                    let (c, m) = (r.atom_ring_count(i), r.atom_min_ring_size(i));
                    s.push_str(&facts(c, m, r.is_ring_atom(i)));
                }
                s.push_str("|E");
                for e in 0..mol.bond_count() {
                    let (c, m) = (r.bond_ring_count(e), r.bond_min_ring_size(e));
                    s.push_str(&facts(c, m, r.is_ring_bond(e)));
                }
                s.push_str(&format!("|Y{:?}", r.ring_systems()));
                writeln!(out, "{s}")?;
            }
        }
    }
    Ok(())
}
