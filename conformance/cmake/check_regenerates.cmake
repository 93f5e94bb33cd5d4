# cmake -DTOOL=... -DNAME=... -DOUTPUT=... -DCOMMITTED=... -P check_regenerates.cmake
# Regenerates one vector file (NAME: its file name without .json) into the build tree and fails
# unless it equals the committed file byte for byte (published vector files are never edited by
# hand; spec/test-vectors.md §1.1).
foreach(var TOOL NAME OUTPUT COMMITTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_regenerates.cmake: -D${var}=... is required")
  endif()
endforeach()

get_filename_component(output_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${output_dir}")
execute_process(COMMAND "${TOOL}" generate "${NAME}" -o "${OUTPUT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TOOL} generate ${NAME} exited with ${status}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUTPUT}" "${COMMITTED}" RESULT_VARIABLE differs)
if(NOT differs EQUAL 0)
  message(FATAL_ERROR "${COMMITTED} is not what the code generates (see ${OUTPUT}); "
                      "run `make vectors` (scripts/generate-vectors.sh) and review the diff: "
                      "a changed published file needs a new version, not an edit")
endif()
message(STATUS "${COMMITTED} regenerates byte for byte")
