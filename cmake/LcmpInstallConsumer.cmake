# cmake -DLCMP_BUILD_DIR=... -DLCMP_WORK_DIR=... -DLCMP_LIBDIR=lib
#       -DLCMP_BINDIR=bin -DLCMP_C_COMPILER=cc -DLCMP_GENERATOR=...
#       -DLCMP_CONFIG=... -DLCMP_VERSION=x.y.z -P LcmpInstallConsumer.cmake
#
# The `install_consumer` test: installs the build tree into a scratch prefix,
# then builds and runs a tiny consumer of <libcompliance.h> twice, once with
# find_package(libcompliance) and once with pkg-config. The consumer
# references one exported function so that the link really pulls in the
# library (and, for a static library, its dependencies).
foreach(_v LCMP_BUILD_DIR LCMP_WORK_DIR LCMP_LIBDIR LCMP_BINDIR
           LCMP_C_COMPILER LCMP_GENERATOR LCMP_VERSION)
    if(NOT DEFINED ${_v})
        message(FATAL_ERROR "install_consumer: ${_v} is not set")
    endif()
endforeach()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
    if(NOT _rc STREQUAL "0")
        string(REPLACE ";" " " _cmd "${ARGN}")
        message(FATAL_ERROR "install_consumer: '${_cmd}' exited with '${_rc}'")
    endif()
endfunction()

set(prefix "${LCMP_WORK_DIR}/prefix")
file(REMOVE_RECURSE "${LCMP_WORK_DIR}")
file(MAKE_DIRECTORY "${LCMP_WORK_DIR}")

set(_config_args)
if(LCMP_CONFIG)
    set(_config_args --config "${LCMP_CONFIG}")
endif()
run("${CMAKE_COMMAND}" --install "${LCMP_BUILD_DIR}" --prefix "${prefix}"
    ${_config_args})

foreach(_f "include/libcompliance.h"
           "${LCMP_BINDIR}/compliance"
           "${LCMP_LIBDIR}/pkgconfig/libcompliance.pc"
           "${LCMP_LIBDIR}/cmake/libcompliance/libcomplianceConfig.cmake"
           "${LCMP_LIBDIR}/cmake/libcompliance/libcomplianceConfigVersion.cmake")
    if(NOT EXISTS "${prefix}/${_f}")
        message(FATAL_ERROR "install_consumer: ${_f} was not installed")
    endif()
endforeach()

# One exported function to reference, from the installed headers.
file(GLOB_RECURSE _headers "${prefix}/include/libcompliance.h"
    "${prefix}/include/libcompliance/*.h")
set(_symbol "")
foreach(_h IN LISTS _headers)
    file(READ "${_h}" _text)
    string(REGEX MATCH
        "LCMP_EXTERN[^;{}()#]*[ *\t\r\n](lcmp_[A-Za-z0-9_]+)[ \t\r\n]*\\("
        _m "${_text}")
    if(_m)
        set(_symbol "${CMAKE_MATCH_1}")
        break()
    endif()
endforeach()

set(src "${LCMP_WORK_DIR}/consumer")
file(MAKE_DIRECTORY "${src}")
if(_symbol)
    set(_use "    fn = (lcmp_consumer_fn)${_symbol};\n    printf(\"consumer: ${_symbol} at %p\\n\", (void *)(size_t)fn);\n")
else()
    set(_use "    (void)fn;\n    puts(\"consumer: no LCMP_EXTERN function to reference\");\n")
endif()
file(WRITE "${src}/main.c"
"#include <libcompliance.h>
#include <stddef.h>
#include <stdio.h>

typedef void (*lcmp_consumer_fn)(void);
static lcmp_consumer_fn volatile fn;

int main(void)
{
${_use}    return 0;
}
")
file(WRITE "${src}/CMakeLists.txt"
"cmake_minimum_required(VERSION 3.20)
project(lcmp_consumer LANGUAGES C)
find_package(libcompliance ${LCMP_VERSION} REQUIRED CONFIG)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE libcompliance::lcmp)
")

# 1. CMake package
run("${CMAKE_COMMAND}" -S "${src}" -B "${LCMP_WORK_DIR}/cmake-build"
    -G "${LCMP_GENERATOR}"
    "-DCMAKE_C_COMPILER=${LCMP_C_COMPILER}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_BUILD_TYPE=Release)
run("${CMAKE_COMMAND}" --build "${LCMP_WORK_DIR}/cmake-build")
run("${LCMP_WORK_DIR}/cmake-build/consumer")

# 2. pkg-config (static flags work for both a static and a shared library)
find_program(_pkg_config pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LCMP_LIBDIR}/pkgconfig")
execute_process(COMMAND "${_pkg_config}" --modversion libcompliance
    OUTPUT_VARIABLE _pc_version OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _rc)
if(NOT _rc STREQUAL "0" OR NOT _pc_version STREQUAL LCMP_VERSION)
    message(FATAL_ERROR
        "install_consumer: pkg-config --modversion gave '${_pc_version}'")
endif()
execute_process(COMMAND "${_pkg_config}" --cflags --libs --static libcompliance
    OUTPUT_VARIABLE _pc_flags OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _rc)
if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "install_consumer: pkg-config --libs failed")
endif()
message(STATUS "pkg-config flags: ${_pc_flags}")
separate_arguments(_pc_flags UNIX_COMMAND "${_pc_flags}")
run("${LCMP_C_COMPILER}" "${src}/main.c" -o "${LCMP_WORK_DIR}/consumer-pc"
    ${_pc_flags} "-Wl,-rpath,${prefix}/${LCMP_LIBDIR}")
run("${LCMP_WORK_DIR}/consumer-pc")

message(STATUS "install_consumer: find_package and pkg-config consumers ok")
