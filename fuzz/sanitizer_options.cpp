// Linked into every libFuzzer binary. The libraries of the fuzz tree are compiled with recoverable
// UBSan, which only prints a report and carries on: the fuzzer would then never save the input.
// Halting on the first report makes undefined behaviour a crash however the binary is started
// (scripts/fuzz.sh, the ctest smoke, or by hand on an artifact).
extern "C" const char* __ubsan_default_options() {  // NOLINT: name fixed by the sanitizer runtime
  return "halt_on_error=1:print_stacktrace=1";
}
