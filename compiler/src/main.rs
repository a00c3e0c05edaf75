fn main() {
    let input = ashlar::load::read_plan(std::path::Path::new(&std::env::args().nth(1).unwrap())).unwrap();
    let a = ashlar::analyze(&input);
    print!("{}", ashlar::diagnostic::render::render_terminal(&a.sources, &a.diagnostics, ashlar::diagnostic::render::Style::Plain));
    println!("{:#?}", a.azure.map(|p| p.deployments));
}
