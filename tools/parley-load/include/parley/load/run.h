// A whole parley-load run (spec §7.5): register the devices (and the idle connections), send every
// message, wait for every delivery, then report what the Ledger found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parley/core/error.h"
#include "parley/load/ledger.h"
#include "parley/load/settings.h"

namespace parley::load {

struct IdleMemory {
  std::uint32_t connections = 0;
  std::uint64_t server_rss_before = 0;  // bytes, after the sending devices registered
  std::uint64_t server_rss_after = 0;   // bytes, with every idle connection open and logged in
  double bytes_per_connection = 0;
};

struct RunReport {
  Tally tally;
  double duration_s = 0;   // first send to the last acknowledgement or delivery
  double msgs_per_s = 0;   // delivered / duration_s
  std::uint64_t reconnects = 0;
  std::uint32_t gave_up = 0;  // devices that found no server for LoadSettings::reconnect_for
  std::optional<IdleMemory> idle;
};

// Errors are for a run that could not start: no server key, a server that refuses registration.
core::Result<RunReport> run_load(const LoadSettings& settings);

// One JSON object: acked, delivered, lost, redelivered, duplicated, reordered, msgs_per_s,
// latency_ms {send_to_ack, end_to_end} {p50, p99, p999}, and the rest of the report.
std::string report_json(const RunReport& report, const LoadSettings& settings);
std::string report_text(const RunReport& report);
// 0 for a clean, complete run; 1 when a message was lost, duplicated, reordered or misdelivered;
// 3 when the run did not complete (messages never acknowledged, or refused for good).
int exit_status(const RunReport& report);

}  // namespace parley::load
