//! The Markush template language: one test per construct (parse a small
//! template and check the AST), positioned errors of every kind, no panic
//! on any input, and the shipped example templates check clean.

use markush::groups::def::{Alternative, RingKind, RingRequirement, Slot};
use markush::markush::ast::{
    CenterForm, Choice, ClosureKind, Cmp, Cond, FragmentKind, Linear, MetalCriterion, Site,
};
use markush::markush::{check_dir, ErrorKind, Library, TemplateError};
use proptest::prelude::*;

const GROUPS: &str = "\
group hydrogen \"hydrogen atom\" = [#1] exact
group halogen \"halogen atom\" = [F,Cl,Br,I] exact
group alkyl \"alkyl group\" = [CX4;!R]
group cycloalkyl = [C;R] ring aliphatic-carbocycle
group aliphatic \"aliphatic group\" = alkyl | cycloalkyl
group aryl \"aryl group\" = c ring aromatic-carbocycle
group heterocyclic \"heterocyclic group\" = * ring hetero
group cyano = C#N exact
group hydroxy = [OX2H] exact
group alkoxy \"alkoxy group\" = O{aliphatic}
";

fn load(text: &str) -> Result<Library, Vec<TemplateError>> {
    Library::from_sources(&[("groups.markush", GROUPS), ("f.markush", text)])
}

fn lib(text: &str) -> Library {
    match load(text) {
        Ok(lib) => lib,
        Err(errors) => panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The errors of `text`, as (line, column, kind).
fn errors(text: &str) -> Vec<(u32, u32, ErrorKind)> {
    match load(text) {
        Ok(_) => panic!("expected errors in:\n{text}"),
        Err(errors) => errors
            .into_iter()
            .map(|e| {
                assert_eq!(e.file, "f.markush", "{e}");
                (e.line, e.column, e.kind)
            })
            .collect(),
    }
}

fn var(c: i64, name: &str) -> (i64, String) {
    (c, name.to_string())
}

fn lin(constant: i64, terms: &[(i64, &str)]) -> Linear {
    Linear {
        constant,
        terms: terms.iter().map(|&(c, v)| var(c, v)).collect(),
    }
}

fn cmp(lhs: Linear, op: Cmp, rhs: Linear) -> Cond {
    Cond::Compare { lhs, op, rhs }
}

// ---------------------------------------------------------------- constructs

#[test]
fn formula_header_id_title_patent_claims() {
    let l = lib("formula dye-ink:M-I \"Azo dye\"\n  patent dye-ink\n  claims 2, 7..9\n  core C{R}\n  label R = alkyl\n");
    let f = &l.formulas[0];
    assert_eq!(f.id, "dye-ink:M-I");
    assert_eq!(f.patent, "dye-ink");
    assert_eq!(f.title, "Azo dye");
    assert_eq!(f.claims, vec![2, 7, 8, 9]);
    assert_eq!((f.span.line, f.span.column), (1, 9));
}

#[test]
fn core_labels_become_star_atoms_with_a_site_table() {
    let l = lib("formula p:I\n core {A}N=Nc1ccc(N({R5}){R6})cc1{R5}\n label A, R5, R6 = alkyl\n");
    let core = &l.formulas[0].core;
    assert_eq!(core.smarts, "*N=Nc1ccc(N(*)*)cc1*");
    let site = |label: &str, atom| Site {
        label: label.to_string(),
        atom,
    };
    // Atoms in order: * N N c c c c N * * c c *.
    assert_eq!(
        core.sites,
        vec![site("A", 0), site("R5", 8), site("R6", 9), site("R5", 12)]
    );
}

#[test]
fn core_hash_and_bracket_ranges_are_smarts_not_comments_or_labels() {
    let l = lib("formula p:I\n core [#6;D{2-3}]C#N{R}  # a nitrile\n label R = alkyl\n");
    assert_eq!(l.formulas[0].core.smarts, "[#6;D{2-3}]C#N*");
    assert_eq!(l.formulas[0].core.sites[0].atom, 3);
}

#[test]
fn variable_core_atoms_with_titles_and_their_own_labels() {
    let l = lib("formula p:I\n core c1ccc{B1}c1\n variable B1 = c({R3}) \"=C(R3)-\" | n \"=N-\" | [c;H1]\n label R3 = halogen\n");
    let v = l.formulas[0].variable("B1").unwrap();
    assert_eq!(v.alternatives.len(), 3);
    assert_eq!(v.alternatives[0].title, "=C(R3)-");
    assert_eq!(
        v.alternatives[0].kind,
        FragmentKind::Smarts {
            smarts: "c(*)".into(),
            sites: vec![Site {
                label: "R3".into(),
                atom: 1
            }]
        }
    );
    assert_eq!(v.alternatives[1].title, "=N-");
    // Without a title the SMARTS is the title.
    assert_eq!(v.alternatives[2].title, "[c;H1]");
}

#[test]
fn variable_alternatives_may_be_named_groups() {
    // A represents -NR5R6 or a hydroxyl group.
    let l = lib("formula p:I\n core c1ccccc1{A}\n variable A = N({R5}){R6} \"-NR5R6\" | hydroxy \"hydroxyl group\"\n label R5, R6 = hydrogen | alkyl\n");
    let a = l.formulas[0].variable("A").unwrap();
    assert_eq!(a.alternatives[0].title, "-NR5R6");
    assert_eq!(
        a.alternatives[1].kind,
        FragmentKind::Group(Choice {
            group: "hydroxy".into(),
            ring_size: None
        })
    );
    assert_eq!(a.alternatives[1].title, "hydroxyl group");
}

#[test]
fn label_choices_lists_ranges_continuations_and_ring_size() {
    let l = lib("formula p:I\n core {A}C({G})({X1}){X2}\n label A = heterocyclic size 5\n label G, X1..X2 = hydrogen | halogen\n   | cyano   # continued\n   | alkoxy\n");
    let f = &l.formulas[0];
    assert_eq!(
        f.label("A").unwrap().choices,
        vec![Choice {
            group: "heterocyclic".into(),
            ring_size: Some(5)
        }]
    );
    for name in ["G", "X1", "X2"] {
        let names: Vec<&str> = f
            .label(name)
            .unwrap()
            .choices
            .iter()
            .map(|c| c.group.as_str())
            .collect();
        assert_eq!(names, ["hydrogen", "halogen", "cyano", "alkoxy"], "{name}");
    }
}

#[test]
fn group_definitions_compose_with_names_slots_exact_and_rings() {
    let l = lib("group amino-alkyl \"alkylamino group\"\n  = N{alkyl|cycloalkyl}\n  | [NX3]({alkyl}){alkyl} exact\n  | hydroxy\ngroup het5 = * ring hetero size 5\n");
    let g = l.group("amino-alkyl").unwrap();
    assert_eq!(g.title, "alkylamino group");
    assert_eq!(
        (g.span.file.as_str(), g.span.line, g.span.column),
        ("f.markush", 1, 7)
    );
    let Alternative::Pattern(p0) = &g.alternatives[0] else {
        panic!()
    };
    assert_eq!(p0.smarts, "N*");
    assert_eq!(
        p0.slots,
        vec![Slot {
            atom: 1,
            groups: vec!["alkyl".into(), "cycloalkyl".into()]
        }]
    );
    assert!(!p0.exact);
    let Alternative::Pattern(p1) = &g.alternatives[1] else {
        panic!()
    };
    assert_eq!(p1.smarts, "[NX3](*)*");
    assert_eq!(p1.slots.iter().map(|s| s.atom).collect::<Vec<_>>(), [1, 2]);
    assert!(p1.exact);
    assert_eq!(g.alternatives[2], Alternative::Group("hydroxy".into()));
    let Alternative::Pattern(h) = &l.group("het5").unwrap().alternatives[0] else {
        panic!()
    };
    assert_eq!(
        h.ring,
        Some(RingRequirement {
            kind: RingKind::Hetero,
            size: Some(5)
        })
    );
    // A group without a title is titled by its name.
    assert_eq!(l.group("cycloalkyl").unwrap().title, "cycloalkyl");
}

#[test]
fn ring_closure_rules_with_sizes_and_kinds() {
    let l = lib("formula p:I\n core c1c({R1})c({R2})c(N({R5}){R6})cc1\n label R1, R2, R5, R6 = hydrogen | alkyl\n ring R1 and R5, R5 and R6 size 5 | 6\n ring R1 and R2 aromatic | heterocyclic\n ring R2 and R6 size 5..7\n");
    let r = &l.formulas[0].rings;
    assert_eq!(
        r[0].pairs,
        vec![("R1".into(), "R5".into()), ("R5".into(), "R6".into())]
    );
    assert_eq!(r[0].sizes, vec![5, 6]);
    assert!(r[0].kinds.is_empty());
    assert!(r[1].sizes.is_empty());
    assert_eq!(
        r[1].kinds,
        vec![ClosureKind::Aromatic, ClosureKind::Heterocyclic]
    );
    assert_eq!(r[2].sizes, vec![5, 6, 7]);
}

#[test]
fn counted_substituents_per_ring_with_sum_rule() {
    let l = lib("formula p:C-I\n core c1({P1})c({P1})c({P2})c({P2})cc1\n label X1, X2 = halogen\n label Y1, Y2 = hydrogen | alkyl\n count P1: a1 of X1, b1 of Y1\n count P2: a2 of X2, b2 of Y2\n require a1 + b1 = 2 and 0 <= a1 <= 2\n require sum(a1..a2) >= 2\n");
    let f = &l.formulas[0];
    assert_eq!(f.counts[0].site, "P1");
    let terms: Vec<(&str, &str)> = f.counts[1]
        .terms
        .iter()
        .map(|t| (t.variable.as_str(), t.label.as_str()))
        .collect();
    assert_eq!(terms, [("a2", "X2"), ("b2", "Y2")]);
    assert_eq!(
        f.conditions[0].rule,
        Cond::And(vec![
            cmp(lin(0, &[(1, "a1"), (1, "b1")]), Cmp::Eq, lin(2, &[])),
            cmp(lin(0, &[]), Cmp::Le, lin(0, &[(1, "a1")])),
            cmp(lin(0, &[(1, "a1")]), Cmp::Le, lin(2, &[])),
        ])
    );
    assert_eq!(
        f.conditions[1].rule,
        cmp(lin(0, &[(1, "a1"), (1, "a2")]), Cmp::Ge, lin(2, &[]))
    );
    // The counts evaluate: a1 = 1, a2 = 0 breaks the sum rule.
    let Cond::Compare { lhs, .. } = &f.conditions[1].rule else {
        panic!()
    };
    assert_eq!(lhs.eval(|v| if v == "a1" { 1 } else { 0 }), 1);
}

#[test]
fn central_atom_alternatives_and_metals_by_list_property_and_claim() {
    let l = lib("formula p:C-I\n core n1{M}n(C)cc1\n center M = hydrogen | metal | metal oxide | metal hydroxide\n   | metal halide\n metal M = valence >= 2 and any\n metal M claim 6 = Al | Ti | Zr\n");
    let f = &l.formulas[0];
    assert_eq!(
        f.centers[0].forms,
        vec![
            CenterForm::Hydrogen,
            CenterForm::Metal,
            CenterForm::MetalOxide,
            CenterForm::MetalHydroxide,
            CenterForm::MetalHalide
        ]
    );
    assert_eq!(f.metals[0].claim, None);
    assert_eq!(
        f.metals[0].criteria,
        vec![
            MetalCriterion::Valence {
                op: Cmp::Ge,
                value: 2
            },
            MetalCriterion::Any
        ]
    );
    assert_eq!(f.metals[1].claim, Some(6));
    assert_eq!(
        f.metals[1].criteria,
        vec![MetalCriterion::Elements(vec![13, 22, 40])]
    );
}

#[test]
fn conditions_tie_labels_together() {
    let l = lib("formula p:I\n core {R1}{X}{L}\n variable X = O \"-O-\" | S \"-S-\" | N \"-N<\" | [N+] \"-N+<\"\n label R1, L = hydrogen | alkyl\n count X: m of R1, n of L\n when X is \"-O-\" | \"-S-\" then m + n = 2\n when X is \"-N<\" then m + n = 3 | 4\n forbid X is \"-N+<\" and not (m + n = 4 or n = 0)\n complex M\n metal M = valence >= 2\n");
    let f = &l.formulas[0];
    let is = |alts: &[&str]| Cond::Is {
        label: "X".into(),
        alternatives: alts.iter().map(|s| s.to_string()).collect(),
    };
    let mn = || lin(0, &[(1, "m"), (1, "n")]);
    assert_eq!(
        f.conditions[0].rule,
        Cond::Implies(
            Box::new(is(&["-O-", "-S-"])),
            Box::new(cmp(mn(), Cmp::Eq, lin(2, &[])))
        )
    );
    assert_eq!(
        f.conditions[1].rule,
        Cond::Implies(
            Box::new(is(&["-N<"])),
            Box::new(Cond::Or(vec![
                cmp(mn(), Cmp::Eq, lin(3, &[])),
                cmp(mn(), Cmp::Eq, lin(4, &[]))
            ]))
        )
    );
    assert_eq!(
        f.conditions[2].rule,
        Cond::Not(Box::new(Cond::And(vec![
            is(&["-N+<"]),
            Cond::Not(Box::new(Cond::Or(vec![
                cmp(mn(), Cmp::Eq, lin(4, &[])),
                cmp(lin(0, &[(1, "n")]), Cmp::Eq, lin(0, &[]))
            ])))
        ])))
    );
    assert_eq!(f.complexes, vec!["M".to_string()]);
}

#[test]
fn comments_blank_lines_and_indentation_are_free() {
    let l = lib("# a file comment\n\n   formula p:I \"t\"   # after a title\n# between lines\ncore CC{R}\n\n        label R =   # the choices follow\n   alkyl\n");
    assert_eq!(l.formulas[0].core.smarts, "CC*");
    assert_eq!(l.formulas[0].labels[0].choices[0].group, "alkyl");
}

#[test]
fn ast_serialises_to_json() {
    let l = lib("formula p:I\n core C{R}\n label R = alkyl\n");
    let json = serde_json::to_value(&l.formulas[0]).unwrap();
    assert_eq!(json["core"]["smarts"], "C*");
    assert_eq!(json["labels"][0]["choices"][0]["group"], "alkyl");
}

// -------------------------------------------------------------------- errors

#[test]
fn error_unknown_keyword() {
    assert_eq!(
        errors("formula p:I\n core C{R}\n  lable R = alkyl\n"),
        vec![(3, 3, ErrorKind::UnknownKeyword("lable".into()))]
    );
}

#[test]
fn error_unknown_group() {
    assert_eq!(
        errors("formula p:I\n core C{R}\n label R = alkyl | alkly\n"),
        vec![(3, 20, ErrorKind::UnknownGroup("alkly".into()))]
    );
    assert_eq!(
        errors("group aroxy = O{aryl|arly}\n"),
        vec![(1, 22, ErrorKind::UnknownGroup("arly".into()))]
    );
}

#[test]
fn error_unknown_label_in_ring_rule() {
    assert_eq!(
        errors("formula p:I\n core C({R1}){R5}\n label R1, R5 = alkyl\n ring R1 and R7 size 5\n"),
        vec![(4, 14, ErrorKind::UnknownLabel("R7".into()))]
    );
}

#[test]
fn error_duplicate_formula_and_duplicate_group() {
    assert_eq!(
        errors("formula p:I\n core C{R}\n label R = alkyl\nformula p:I\n core N{R}\n label R = alkyl\n"),
        vec![(4, 9, ErrorKind::DuplicateFormula("p:I".into()))]
    );
    assert_eq!(
        errors("\ngroup cyano = C#N\n"),
        vec![(2, 7, ErrorKind::DuplicateGroup("cyano".into()))]
    );
}

#[test]
fn error_bad_smarts_points_inside_the_core() {
    // The SMARTS error is at the unclosed '(' : column 14 of the file line,
    // after a `{R}` label that became one '*'.
    let e = errors("formula p:I\n core C{R}CC(C\n label R = alkyl\n");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1), (2, 13));
    assert!(matches!(&e[0].2, ErrorKind::BadSmarts(m) if m.contains("unclosed branch")));
    // An unknown element inside a variable alternative, after two labels.
    let e = errors("formula p:I\n core C{B}\n variable B = N({R}){R}[Qq]\n label R = alkyl\n");
    assert_eq!((e[0].0, e[0].1), (3, 25), "at the Q inside the bracket");
    assert!(matches!(&e[0].2, ErrorKind::BadSmarts(m) if m.contains("Q")));
}

#[test]
fn error_missing_core() {
    assert_eq!(
        errors("formula p:I \"no core\"\n label R = alkyl\n"),
        vec![
            (1, 9, ErrorKind::MissingCore("p:I".into())),
            (2, 8, ErrorKind::LabelNotInCore("R".into())),
        ]
    );
}

#[test]
fn error_label_without_choices_and_label_not_in_core() {
    assert_eq!(
        errors("formula p:I\n core C({R1}){R2}\n label R1, R3 = alkyl\n"),
        vec![
            (2, 14, ErrorKind::LabelWithoutChoices("R2".into())),
            (3, 12, ErrorKind::LabelNotInCore("R3".into())),
        ]
    );
}

#[test]
fn error_cyclic_group_definitions() {
    let e = errors("group ring-a = ring-b | C\ngroup ring-b = O | ring-a\n");
    assert_eq!(
        e,
        vec![(
            1,
            7,
            ErrorKind::CyclicGroup("ring-a -> ring-b -> ring-a".into())
        )]
    );
    // Recursion through a slot consumes atoms and is allowed.
    lib("group polyether = O{alkyl|polyether}\n");
}

#[test]
fn error_bad_count_expression() {
    let e = errors(
        "formula p:I\n core C({P}){P}\n label X = alkyl\n count P: a of X\n require a + = 2\n",
    );
    assert_eq!(
        e,
        vec![(
            5,
            14,
            ErrorKind::BadCount("expected a number, a count variable or sum(...)")
        )]
    );
    assert_eq!(
        errors("formula p:I\n core C({P}){P}\n label X = alkyl\n count P: a of X\n require a + b >= 2\n"),
        vec![(5, 14, ErrorKind::UnknownVariable("b".into()))]
    );
    assert_eq!(
        errors("formula p:I\n core C({P}){P}\n label X = alkyl\n count P: a of X, a of X\n"),
        vec![(4, 19, ErrorKind::DuplicateVariable("a".into()))]
    );
}

#[test]
fn error_unterminated_string() {
    let e = errors("formula p:I \"Azo dye\n core C\n");
    assert_eq!(e, vec![(1, 13, ErrorKind::UnterminatedString)]);
}

#[test]
fn error_unknown_alternative_and_not_a_variable() {
    assert_eq!(
        errors("formula p:I\n core C{X}{R}\n variable X = O \"-O-\" | S \"-S-\"\n label R = alkyl\n forbid X is \"-SO-\"\n"),
        vec![(
            5,
            14,
            ErrorKind::UnknownAlternative {
                label: "X".into(),
                title: "-SO-".into()
            }
        )]
    );
    assert_eq!(
        errors("formula p:I\n core C{R}\n label R = alkyl\n require R is \"x\"\n"),
        vec![(4, 10, ErrorKind::NotAVariable("R".into()))]
    );
}

#[test]
fn error_statements_outside_a_formula_and_duplicated() {
    assert_eq!(
        errors("core CC\n"),
        vec![(1, 1, ErrorKind::OutsideFormula("core"))]
    );
    assert_eq!(
        errors("formula p:I\n core C\n core N\n"),
        vec![(3, 2, ErrorKind::DuplicateStatement("core"))]
    );
}

#[test]
fn error_metals_must_be_metal_elements_of_a_center() {
    assert_eq!(
        errors("formula p:I\n core n{M}n\n center M = metal\n metal M = Al | Qq | C\n"),
        vec![(4, 17, ErrorKind::UnknownElement("Qq".into()))]
    );
    assert_eq!(
        errors("formula p:I\n core n{M}n\n center M = metal\n metal M = Al | C\n"),
        vec![(4, 17, ErrorKind::NotAMetal("C".into()))]
    );
    assert_eq!(
        errors("formula p:I\n core n{M}n\n center M = metal\n metal Q = any\n"),
        vec![(4, 8, ErrorKind::UnknownLabel("Q".into()))]
    );
}

#[test]
fn error_patent_mismatch_trailing_junk_and_smarts_like_names() {
    assert_eq!(
        errors("formula p:I\n patent q\n core C\n"),
        vec![(
            2,
            9,
            ErrorKind::PatentMismatch {
                id: "p:I".into(),
                patent: "q".into()
            }
        )]
    );
    assert_eq!(
        errors("formula p:I\n core C\n claims 2 3\n"),
        vec![(3, 11, ErrorKind::Expected("the end of the line"))]
    );
    assert_eq!(
        errors("group cco = CCO\n"),
        vec![(1, 7, ErrorKind::NameReadsAsSmarts("cco".into()))]
    );
}

#[test]
fn every_error_of_a_file_is_reported() {
    // One error does not hide the next: the reader resumes at the next line.
    let e = errors("formula p:I\n core C(\n label R = alky\n frobnicate\n");
    let kinds: Vec<(u32, u32)> = e.iter().map(|x| (x.0, x.1)).collect();
    assert_eq!(kinds, [(2, 8), (3, 12), (4, 2)]);
}

#[test]
fn error_display_has_file_line_column_and_caret() {
    let Err(e) = load("formula p:I\n  core C{R}CC(C\n  label R = alkyl\n") else {
        panic!()
    };
    assert_eq!(
        e[0].to_string(),
        "f.markush:2:14: bad SMARTS: unclosed branch\n    core C{R}CC(C\n               ^"
    );
}

// ---------------------------------------------------------- never a panic

#[test]
fn deep_nesting_and_huge_inputs_give_errors_not_crashes() {
    let parens = format!("formula p:I\n core C\n require {}\n", "(".repeat(100_000));
    assert!(load(&parens).is_err());
    let nots = format!(
        "formula p:I\n core C\n require {}\n",
        "not ".repeat(100_000)
    );
    assert!(load(&nots).is_err());
    let chain = format!(
        "formula p:I\n core {}{{R}}\n label R = alkyl\n",
        "C".repeat(200_000)
    );
    assert_eq!(lib(&chain).formulas[0].core.sites[0].atom, 200_000);
    let branches = format!("group deep = C{}\n", "(C".repeat(100_000));
    assert!(load(&branches).is_err());
    let range = "formula p:I\n core C{R1}\n label R1..R4000000000 = alkyl\n";
    assert!(load(range).is_err());
}

fn all_examples() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "markush"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Every error sits inside the file: its line exists and its column is
/// within that line (one past the end for "expected ... at end of line").
fn errors_are_in_bounds(text: &str) {
    if let Err(errors) = Library::from_sources(&[("t.markush", text)]) {
        assert!(!errors.is_empty());
        for e in errors {
            let lines: Vec<&str> = text.split('\n').collect();
            let line = lines[e.line as usize - 1].trim_end_matches('\r');
            assert!(
                (e.column as usize) <= line.chars().count() + 1,
                "{e:?} outside line {line:?}"
            );
            let _ = e.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        errors_are_in_bounds(&text);
    }

    #[test]
    fn language_like_text_never_panics(
        text in "(formula p:I|group g|core|label|variable|ring|count|require|when|then|center|metal|[ \n\"{}()|=,:.#<>+-]|[A-Za-z0-9]{1,4}){0,60}"
    ) {
        errors_are_in_bounds(&text);
    }

    #[test]
    fn mutated_examples_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, "[ -~\n]{0,3}"), 1..6)
    ) {
        let mut text = all_examples();
        for (at, cut, insert) in edits {
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, &insert);
        }
        errors_are_in_bounds(&text);
    }
}

// ------------------------------------------------------------- the examples

#[test]
fn example_templates_check_clean() {
    let report = check_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/examples"));
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.exit_code(), 0);
    let ids: Vec<&str> = report
        .library
        .formulas
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(ids, ["example:acid-I", "example:M-I", "example:C-I"]);
    let pc = report.library.formula("example:C-I").unwrap();
    // 16 benzo positions and the centre.
    assert_eq!(pc.core.sites.len(), 17);
    assert_eq!(pc.variables.len(), 4);
    let listing = report.to_string();
    assert!(listing.contains("example:M-I\tHeterocyclic azo dye with a 2,6-diaminopyridine coupler\tpatent example\tclaims 2"));
    assert!(listing.ends_with("4 files, 3 formulas, 16 groups: all valid\n"));
}

#[test]
fn check_dir_reports_errors_with_exit_code_2() {
    let dir = std::env::temp_dir().join(format!("markush-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.markush"),
        "group cyano = C#N\nformula x:I\n core C{R}\n label R = cyano\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.markush"), "group cyano = N#C\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a template").unwrap();
    let report = check_dir(&dir);
    assert_eq!(report.exit_code(), 2);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].file.ends_with("b.markush"));
    assert_eq!(
        report.errors[0].kind,
        ErrorKind::DuplicateGroup("cyano".into())
    );
    assert!(report.to_string().ends_with("1 error\n"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!check_dir(dir.join("missing")).is_ok());
}

#[test]
fn readme_worked_example_parses() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars/README.md"))
            .unwrap();
    let section = &readme[readme.find("## Worked example").unwrap()..];
    let start = section.find("```\n").unwrap() + 4;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    // Alone, only its group names are unknown; given those, it is valid.
    let Err(errors) = Library::from_sources(&[("m-i.markush", block)]) else {
        panic!()
    };
    let mut names: Vec<String> = errors
        .into_iter()
        .map(|e| match e.kind {
            ErrorKind::UnknownGroup(name) => name,
            other => panic!("{other}"),
        })
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 37);
    let stubs: String = names.iter().map(|n| format!("group {n} = *\n")).collect();
    let lib = Library::from_sources(&[("stubs.markush", &stubs), ("m-i.markush", block)]).unwrap();
    let f = lib.formula("dye-ink:M-I").unwrap();
    assert_eq!(f.core.smarts, "*N=Nc1**c(N(*)*)nc1*");
    assert_eq!(f.label("G").unwrap().choices.len(), 37);
    assert_eq!(f.label("R5").unwrap().choices.len(), 11);
    assert_eq!(f.rings[0].sizes, vec![5, 6]);
}

#[test]
fn large_templates_are_read_in_linear_time() {
    // 20,000 labels on one core line and 20,000 label lines.
    let n = 20_000;
    let core: String = (0..n).map(|i| format!("C{{R{i}}}")).collect();
    let labels: String = (0..n)
        .map(|i| format!(" label R{i} = alkyl | cyano\n"))
        .collect();
    let text = format!("formula p:I\n core {core}\n{labels}");
    let started = std::time::Instant::now();
    let l = lib(&text);
    assert_eq!(l.formulas[0].labels.len(), n);
    assert_eq!(l.formulas[0].core.sites[n - 1].atom, 2 * n - 1);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
