// pswire testing: which simdjson stage-1 kernel a test or fuzz run covers.
// libsimdjson picks its kernel (icelake, haswell, westmere, fallback on
// x86-64) from the CPU at run time, unless SIMDJSON_FORCE_IMPLEMENTATION
// names one. Call check_simdjson_kernel() first thing (LLVMFuzzerInitialize,
// main): it names the kernel that runs and refuses a run under another one
// than asked for, so a run never silently covers the detected kernel instead.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <simdjson.h>

namespace pswire::testing {

// The exit code of a run under a kernel this CPU lacks: ctest's SKIP_RETURN_CODE.
// Not 77, libFuzzer's exit code for a finding (-error_exitcode).
inline constexpr int kernel_unsupported_exit_code = 78;

// 0 when the run may go on (the kernel is printed to `log`);
// kernel_unsupported_exit_code when the forced kernel needs a CPU this one is
// not; EXIT_FAILURE when libsimdjson has no such kernel or runs another.
inline int check_simdjson_kernel(std::FILE* log = stderr) {
  const char* requested = std::getenv("SIMDJSON_FORCE_IMPLEMENTATION");
#if defined(_LIBCPP_VERSION)
  // Looking a kernel up by name compares libsimdjson's std::string in this
  // translation unit, and a libc++ build cannot read libstdc++'s (Debian's
  // libsimdjson is built against libstdc++). The variable still applies:
  // libsimdjson reads it itself.
  std::fprintf(log, "simdjson stage-1 kernel: %s (not checked in a libc++ build)\n", requested != nullptr ? requested : "detected");
  return 0;
#else
  if (requested != nullptr) {
    const simdjson::implementation* kernel = simdjson::get_available_implementations()[requested];
    if (kernel == nullptr) {
      // libsimdjson would install its "unsupported" implementation: every parse fails.
      std::fprintf(log, "SIMDJSON_FORCE_IMPLEMENTATION=%s: libsimdjson has no such kernel; it has:", requested);
      for (const simdjson::implementation* available : simdjson::get_available_implementations()) {
        std::fprintf(log, " %s", available->name().c_str());
      }
      std::fprintf(log, "\n");
      return EXIT_FAILURE;
    }
    // Checked before the kernel is installed: forced, it would run anyway and die on an illegal instruction.
    if (!kernel->supported_by_runtime_system()) {
      std::fprintf(log, "skipped: this CPU cannot run simdjson's %s kernel (%s)\n", requested, kernel->description().c_str());
      return kernel_unsupported_exit_code;
    }
  }
  const std::string& active = simdjson::get_active_implementation()->name();
  std::fprintf(log, "simdjson stage-1 kernel: %s (%s)\n", active.c_str(), requested != nullptr ? "forced" : "detected");
  if (requested != nullptr && active != requested) {
    std::fprintf(log, "SIMDJSON_FORCE_IMPLEMENTATION=%s, but libsimdjson runs %s\n", requested, active.c_str());
    return EXIT_FAILURE;
  }
  return 0;
#endif
}

}  // namespace pswire::testing
