// parley-conformance: checks vector files against this implementation and writes our own
// (spec/test-vectors.md, "Running the verifier").
//
//   parley-conformance verify FILE...       one PASS/FAIL/SKIP line per case, then the summary
//   parley-conformance generate TYPE [-o F] a fresh vector file on stdout or in F
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "parley/conformance/generator.h"
#include "parley/conformance/run.h"

namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

int run_generate(const std::string& type, const std::string& output) {
  auto text = parley::conformance::generate(type);
  if (!text) {
    std::cerr << "parley-conformance: " << parley::core::to_string(text.error())
              << " (known: " << join(parley::conformance::generator_types()) << ")\n";
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

  std::string type;
  std::string output;
  auto* generate = app.add_subcommand("generate", "Write a fresh vector file of TYPE");
  generate->add_option("type", type, "Vector type (crypto-basics)")->required();
  generate->add_option("-o,--output", output, "Output file (default: stdout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors share the exit status of unreadable input.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (generate->parsed()) return run_generate(type, output);

  parley::conformance::VerifyRun run(std::cout, std::cerr, verbose);
  for (const auto& file : files) run.verify_path(file);
  return run.finish();
}
