/*
 * Compile-only check of the public API header (STYLE.md rule 37).
 *
 * Built as C99 with -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes,
 * twice included to check the include guards; tests/headertest.cpp does the
 * same as C++. Each header in include/libcompliance/ is also compiled on its
 * own by files generated in the build tree (tests/CMakeLists.txt).
 */
#include <libcompliance.h>
#include <libcompliance.h>

int headertest_c(void);

int headertest_c(void)
{
    return 0;
}
