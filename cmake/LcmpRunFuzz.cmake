# cmake -DLCMP_FUZZER=<exe> -DLCMP_CORPUS=<dir> -DLCMP_DICT=<file or empty>
#       -DLCMP_WORK_DIR=<dir> -DLCMP_SECONDS=<n> -P LcmpRunFuzz.cmake
#
# The `fuzz_<name>` tests: copies the seed corpus into the build tree (so the
# source tree is never written), runs the libFuzzer target on the copy for a
# bounded time, and fails on any crash, leak, timeout or out-of-memory.
foreach(_v LCMP_FUZZER LCMP_CORPUS LCMP_WORK_DIR LCMP_SECONDS)
    if(NOT DEFINED ${_v})
        message(FATAL_ERROR "LcmpRunFuzz.cmake: ${_v} is not set")
    endif()
endforeach()

set(_corpus "${LCMP_WORK_DIR}/corpus")
set(_artifacts "${LCMP_WORK_DIR}/artifacts")
file(REMOVE_RECURSE "${_corpus}")
file(MAKE_DIRECTORY "${_corpus}" "${_artifacts}")
if(IS_DIRECTORY "${LCMP_CORPUS}")
    file(COPY "${LCMP_CORPUS}/" DESTINATION "${_corpus}")
else()
    message(STATUS "no seed corpus at ${LCMP_CORPUS}: starting empty")
endif()

set(_args
    -max_total_time=${LCMP_SECONDS}
    -timeout=25
    -rss_limit_mb=2048
    -print_final_stats=1
    "-artifact_prefix=${_artifacts}/")
if(LCMP_DICT)
    list(APPEND _args "-dict=${LCMP_DICT}")
endif()

execute_process(COMMAND "${LCMP_FUZZER}" ${_args} "${_corpus}"
    RESULT_VARIABLE _rc)
if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR
        "fuzzer exited with '${_rc}'; reproducer in ${_artifacts}/")
endif()
