# ctest fuzz.smoke.<target>: a short libFuzzer run from a scratch copy of the corpus.
#   cmake -DFUZZER=<binary> -DCORPUS=<committed corpus dir> -DWORK_DIR=<scratch dir> -DSECONDS=<n> -P run_smoke.cmake
foreach(var FUZZER CORPUS WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_smoke.cmake needs -D${var}=...")
  endif()
endforeach()
if(NOT EXISTS ${FUZZER})
  message(FATAL_ERROR "no fuzzer at ${FUZZER}: build the fuzz preset first (make build-fuzz)")
endif()

# Fresh each run: a smoke starts from the committed seeds, so its result does not depend on what
# earlier runs happened to find.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(COPY ${CORPUS}/ DESTINATION ${WORK_DIR}/corpus)

execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=25 -print_final_stats=1
          -artifact_prefix=${WORK_DIR}/artifacts/ ${WORK_DIR}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB artifacts ${WORK_DIR}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); artifacts: ${artifacts}")
endif()
