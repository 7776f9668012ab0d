# Helpers shared by the CMakeLists.txt files of libcompliance.

# lcmp_target_defaults(<target>)
#   Warnings (STYLE.md rule 34) for the C sources of a project target, -Werror
#   when LCMP_WERROR is on, and the POSIX feature level every source is built
#   with (sources must not define _POSIX_C_SOURCE/_XOPEN_SOURCE themselves).
function(lcmp_target_defaults target)
    set(_c_warnings
        -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wformat=2)
    list(JOIN _c_warnings ";" _c_warnings)
    target_compile_options(${target} PRIVATE
        "$<$<COMPILE_LANGUAGE:C>:${_c_warnings}>")
    if(LCMP_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE _XOPEN_SOURCE=700)
endfunction()

# lcmp_test_environment(<out-var> <name>)
#   The environment every test (unit, e2e, fuzz) runs with:
#     LCMP_SOURCE_DIR  the source tree (tests also run with cwd = tests/)
#     LCMP_BUILD_DIR   the build tree
#     LCMP_COMPLIANCE  absolute path of the built `compliance` program
#     LCMP_OSCAL_DIR   the NIST OSCAL anchors (../shared/anchors/oscal)
#     LCMP_TMPDIR      an empty scratch directory of this test's own,
#                      emptied before each run (tests may run in parallel)
function(lcmp_test_environment out name)
    set(_tmp "${PROJECT_BINARY_DIR}/tests/tmp/${name}")
    set(_env
        "LCMP_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
        "LCMP_BUILD_DIR=${PROJECT_BINARY_DIR}"
        "LCMP_OSCAL_DIR=${LCMP_OSCAL_DIR}"
        "LCMP_TMPDIR=${_tmp}")
    if(TARGET compliance)
        list(APPEND _env "LCMP_COMPLIANCE=$<TARGET_FILE:compliance>")
    endif()
    set(${out} "${_env}" PARENT_SCOPE)
endfunction()

# lcmp_add_test(NAME <name> COMMAND <cmd...> [LABELS <labels...>]
#               [WORKING_DIRECTORY <dir>])
#   add_test() with the standard environment and timeout, run through a
#   one-line sh wrapper that empties this test's LCMP_TMPDIR first and then
#   exec's the command (exit status and signals pass through unchanged).
function(lcmp_add_test)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;WORKING_DIRECTORY"
        "COMMAND;LABELS")
    if(NOT arg_WORKING_DIRECTORY)
        set(arg_WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}/tests")
    endif()
    lcmp_test_environment(_env ${arg_NAME})
    set(_tmp "${PROJECT_BINARY_DIR}/tests/tmp/${arg_NAME}")
    add_test(NAME ${arg_NAME}
        COMMAND /bin/sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && shift && exec \"$@\""
                lcmp-test "${_tmp}" ${arg_COMMAND}
        WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
    set_tests_properties(${arg_NAME} PROPERTIES
        ENVIRONMENT "${_env}"
        TIMEOUT ${LCMP_TEST_TIMEOUT}
        LABELS "${arg_LABELS}")
endfunction()

# lcmp_pkgconfig_paths()
#   Sets LCMP_PC_PREFIX, LCMP_PC_LIBDIR and LCMP_PC_INCLUDEDIR for
#   libcompliance.pc.in: relative to ${pcfiledir} when the lib and include
#   directories lie under the install prefix (relocatable), else absolute.
macro(lcmp_pkgconfig_paths)
    file(RELATIVE_PATH _lcmp_pc_up
        "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
    file(RELATIVE_PATH _lcmp_rel_lib
        "${CMAKE_INSTALL_PREFIX}" "${CMAKE_INSTALL_FULL_LIBDIR}")
    file(RELATIVE_PATH _lcmp_rel_inc
        "${CMAKE_INSTALL_PREFIX}" "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
    if(_lcmp_rel_lib MATCHES "^\\.\\./" OR _lcmp_rel_inc MATCHES "^\\.\\./"
       OR IS_ABSOLUTE "${_lcmp_rel_lib}" OR IS_ABSOLUTE "${_lcmp_rel_inc}")
        set(LCMP_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
        set(LCMP_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
        set(LCMP_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
    else()
        string(REGEX REPLACE "/$" "" _lcmp_pc_up "${_lcmp_pc_up}")
        set(LCMP_PC_PREFIX "\${pcfiledir}/${_lcmp_pc_up}")
        set(LCMP_PC_LIBDIR "\${prefix}/${_lcmp_rel_lib}")
        set(LCMP_PC_INCLUDEDIR "\${prefix}/${_lcmp_rel_inc}")
    endif()
endmacro()
