/* test_quality_sweep.c: tune --sweep's range parser: the values along a sweep
 * (without binary noise), and every bad spec refused with a reason: empty range
 * (FROM > TO, STEP <= 0), malformed, too many values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../correlator/sweep.h"

static void values_along_the_sweep(void **state)
{
	(void)state;
	struct dw_sweep sw;
	char err[256], v[64];
	assert_int_equal(dw_sweep_parse(&sw, "scoring.flag_threshold=3:6:1", err, sizeof err), 0);
	assert_string_equal(sw.key, "scoring.flag_threshold");
	assert_int_equal(sw.n, 4);
	dw_sweep_value(&sw, 3, v, sizeof v);
	assert_string_equal(v, "6");
	/* 0.1 steps: 0.3 is "0.3", not 0.30000000000000004; TO is included. */
	assert_int_equal(dw_sweep_parse(&sw, "scoring.fanout_ratio=0.1:0.5:0.1", err, sizeof err), 0);
	assert_int_equal(sw.n, 5);
	dw_sweep_value(&sw, 2, v, sizeof v);
	assert_string_equal(v, "0.3");
	dw_sweep_value(&sw, 4, v, sizeof v);
	assert_string_equal(v, "0.5");
	/* A single value: FROM == TO. */
	assert_int_equal(dw_sweep_parse(&sw, "scoring.min_calls=3:3:1", err, sizeof err), 0);
	assert_int_equal(sw.n, 1);
	/* A step that overshoots TO stops before it. */
	assert_int_equal(dw_sweep_parse(&sw, "scoring.min_calls=1:10:4", err, sizeof err), 0);
	assert_int_equal(sw.n, 3);
}

static void bad_specs_refused(void **state)
{
	(void)state;
	struct dw_sweep sw;
	char err[256];
	static const struct {
		const char *spec, *why;
	} bad[] = {
		{ "scoring.flag_threshold=6:3:1", "empty range" },
		{ "scoring.flag_threshold=3:6:0", "empty range" },
		{ "scoring.flag_threshold=3:6:-1", "empty range" },
		{ "scoring.flag_threshold=3:6", "expected KEY=FROM:TO:STEP" },
		{ "scoring.flag_threshold=a:6:1", "expected KEY=FROM:TO:STEP" },
		{ "scoring.flag_threshold=3:6:1:", "expected KEY=FROM:TO:STEP" },
		{ "=3:6:1", "expected KEY=FROM:TO:STEP" },
		{ "scoring.flag_threshold", "expected KEY=FROM:TO:STEP" },
		{ "scoring.flag_threshold=nan:6:1", "expected KEY=FROM:TO:STEP" },
		{ "scoring.flag_threshold=0:1000:1", "at most" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(dw_sweep_parse(&sw, bad[i].spec, err, sizeof err), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("%s: '%s' does not say '%s'", bad[i].spec, err, bad[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_along_the_sweep),
		cmocka_unit_test(bad_specs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
