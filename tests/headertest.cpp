/*
 * Compile-only check that the public API header is valid C++ (STYLE.md
 * rule 37): built as C++11 with -Wall -Wextra -Wpedantic -Werror.
 */
#include <libcompliance.h>
#include <libcompliance.h>

int headertest_cpp();

int headertest_cpp()
{
    return 0;
}
