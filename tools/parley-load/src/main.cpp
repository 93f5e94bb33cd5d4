// parley-load: a load generator and end-to-end checker for parley-server (spec §7.5). N accounts
// with one device each send M messages to each other over real Noise channels; the run ends when
// every acknowledged message has reached its device, and the exit status says whether any was
// lost, duplicated or reordered.
#include <iostream>

#include "parley/load/run.h"

int main(int argc, char** argv) {
  using namespace parley::load;
  auto parsed = parse_load_settings(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "parley-load: " << parsed.error().detail << "\nRun with --help for the options.\n";
    return 2;
  }
  if (!*parsed) return 0;
  const auto& settings = **parsed;
  auto report = run_load(settings);
  if (!report.ok()) {
    std::cerr << "parley-load: " << parley::core::to_string(report.error()) << "\n";
    return 2;
  }
  std::cout << (settings.json ? report_json(*report, settings) + "\n" : report_text(*report)) << std::flush;
  return exit_status(*report);
}
