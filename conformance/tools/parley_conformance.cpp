// parley-conformance: checks vector files against this implementation and writes our own
// (spec/test-vectors.md, "Running the verifier").
//
//   parley-conformance verify FILE...       one PASS/FAIL/SKIP line per case, then the summary
//   parley-conformance generate NAME [-o F] a fresh vector file (spec/vectors/NAME.json) on stdout or in F
//   parley-conformance generate --list      the NAME of every file we publish, one per line
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "parley/conformance/generator.h"
#include "parley/conformance/run.h"

namespace {

std::string known_names() {
  std::string out;
  for (const auto& file : parley::conformance::generated_files())
    out += (out.empty() ? "" : ", ") + file.name();
  return out;
}

int list_generated() {
  for (const auto& file : parley::conformance::generated_files()) std::cout << file.name() << "\n";
  std::cout.flush();
  return std::cout ? 0 : 2;
}

int run_generate(const std::string& name, const std::string& output) {
  auto text = parley::conformance::generate(name);
  if (!text) {
    std::cerr << "parley-conformance: " << parley::core::to_string(text.error())
              << " (known: " << known_names() << ")\n";
    return 2;
  }
  if (output.empty() || output == "-") {
    std::cout << *text;
    std::cout.flush();
    return std::cout ? 0 : 2;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << *text;
  out.close();
  if (!out) {
    std::cerr << "parley-conformance: cannot write " << output << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Parley conformance vectors: verify vector files, generate ours"};
  app.require_subcommand(1);

  std::vector<std::string> files;
  bool verbose = false;
  auto* verify = app.add_subcommand("verify", "Check every case of each vector file");
  verify->add_option("files", files, "Vector files (ours, RFC, external, Noise)")->required();
  verify->add_flag("-v,--verbose", verbose, "Also show how negative cases were rejected");

  std::string name;
  std::string output;
  bool list = false;
  auto* generate = app.add_subcommand("generate", "Write a fresh copy of the published vector file NAME");
  auto* name_option = generate->add_option(
      "name", name, "File name without .json: a type (x3dh) or <type>-<topic> (x3dh-prekey-combinations)");
  auto* list_flag = generate->add_flag("--list", list, "Print the name of every published file instead");
  generate->add_option("-o,--output", output, "Output file (default: stdout)");
  name_option->excludes(list_flag);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors share the exit status of unreadable input.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (generate->parsed()) {
    if (list) return list_generated();
    if (name.empty()) {
      std::cerr << "parley-conformance generate: NAME or --list is required (known: " << known_names()
                << ")\n";
      return 2;
    }
    return run_generate(name, output);
  }

  parley::conformance::VerifyRun run(std::cout, std::cerr, verbose);
  for (const auto& file : files) run.verify_path(file);
  return run.finish();
}
