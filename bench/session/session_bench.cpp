// parley-bench-session (spec §5): the session workloads of session_workloads.h on Parley and on
// its peers in the same run. Peers: libolm (Matrix's Double Ratchet) and, when the build has it,
// libsignal-protocol-c through the interop peer of tests/peers/libsignal_c.
#include <benchmark/benchmark.h>

#include "session/olm_pair.h"
#include "session/parley_pair.h"
#include "session/session_workloads.h"
#ifdef PARLEY_BENCH_LIBSIGNAL_C
#include "session/libsignal_c_pair.h"
#endif

int main(int argc, char** argv) {
  using namespace parley::bench;
  register_session_workloads<ParleyPair>();
  register_session_workloads<OlmPair>();
#ifdef PARLEY_BENCH_LIBSIGNAL_C
  register_session_workloads<LibsignalCPair>();
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
