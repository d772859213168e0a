// SPDX-License-Identifier: GPL-2.0
/*
 * A selftest that must fail. `make check` runs it through the same path as
 * the real suite to prove that a failing test turns the run red; it is never
 * part of the suite itself.
 */
#include "kselftest_harness.h"

TEST(canary_must_fail)
{
	EXPECT_EQ(1, 2) TH_LOG("this failure is expected: it proves the harness bites");
}

TEST_HARNESS_MAIN
