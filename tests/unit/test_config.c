/* test_config.c: every error path of the config loader names file, line, key and
 * reason; --set overrides; defaults parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "denwatch/config.h"

static char path[64];

static void write_file(const char *text)
{
	strcpy(path, "/tmp/dwcfgXXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int load(struct dw_config *c, const char *text, char *err)
{
	write_file(text);
	dw_config_init(c);
	int rv = dw_config_load_file(c, path, err, DW_ERR_LEN);
	unlink(path);
	return rv;
}

static void defaults_are_valid(void **state)
{
	(void)state;
	struct dw_config c;
	dw_config_init(&c);
	assert_int_equal(dw_config_int(&c, DWK_window_seconds), 300);
	assert_true(dw_config_bool(&c, DWK_transport_curve));
	assert_string_equal(dw_config_str(&c, DWK_privacy_subscriber_ids), "clear");
	dw_config_free(&c);
}

static void file_values_are_read(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "; comment\n[window]\nseconds = 60\n[transport]\ncurve=off\n", err), 0);
	assert_int_equal(dw_config_int(&c, DWK_window_seconds), 60);
	assert_false(dw_config_bool(&c, DWK_transport_curve));
	char origin[128];
	dw_config_origin(&c, DWK_window_seconds, origin, sizeof origin);
	assert_non_null(strstr(origin, ":3"));
	dw_config_free(&c);
}

static void unknown_key_names_file_line_key(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "[window]\nseconds = 60\n\nsecnods = 5\n", err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":4: window.secnods: unknown key"));
	dw_config_free(&c);
}

static void out_of_range_is_refused(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "[window]\nseconds = 5\n", err), -1);
	assert_non_null(strstr(err, ":2: window.seconds: 5 is out of range 10..86400"));
	dw_config_free(&c);
}

static void wrong_type_is_refused(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "[window]\nseconds = five\n", err), -1);
	assert_non_null(strstr(err, "window.seconds: 'five' is not an integer"));
	dw_config_free(&c);
	assert_int_equal(load(&c, "[transport]\ncurve = maybe\n", err), -1);
	assert_non_null(strstr(err, "transport.curve: 'maybe' is not on or off"));
	dw_config_free(&c);
	assert_int_equal(load(&c, "[privacy]\nsubscriber_ids = hash\n", err), -1);
	assert_non_null(strstr(err, "'hash' is not one of clear|hmac"));
	dw_config_free(&c);
}

static void duplicate_key_is_refused(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "[window]\nseconds = 60\nseconds = 70\n", err), -1);
	assert_non_null(strstr(err, ":3: window.seconds: set twice"));
	dw_config_free(&c);
}

static void syntax_error_names_line(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, "[window]\nseconds = 60\n[broken\n", err), -1);
	assert_non_null(strstr(err, ":3: syntax error"));
	dw_config_free(&c);
}

static void missing_file_is_refused(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	dw_config_init(&c);
	assert_int_equal(dw_config_load_file(&c, "/nonexistent/dw.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/dw.conf: cannot open config"));
	dw_config_free(&c);
}

static void set_overrides_and_validates(void **state)
{
	(void)state;
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	dw_config_init(&c);
	assert_int_equal(dw_config_set(&c, "window.seconds=120", err, sizeof err), 0);
	assert_int_equal(dw_config_int(&c, DWK_window_seconds), 120);
	assert_int_equal(dw_config_set(&c, "store.db=/tmp/x=y.db", err, sizeof err), 0);
	assert_string_equal(dw_config_str(&c, DWK_store_db), "/tmp/x=y.db");
	assert_int_equal(dw_config_set(&c, "window.seconds", err, sizeof err), -1);
	assert_non_null(strstr(err, "expected section.key=value"));
	assert_int_equal(dw_config_set(&c, "window.nope=1", err, sizeof err), -1);
	assert_non_null(strstr(err, "window.nope: unknown key"));
	assert_int_equal(dw_config_set(&c, "window.seconds=1", err, sizeof err), -1);
	assert_non_null(strstr(err, "out of range"));
	dw_config_free(&c);
}

static void generated_file_loads_back(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	dw_config_write(f, NULL);
	fclose(f);
	struct dw_config c;
	char err[DW_ERR_LEN] = "";
	assert_int_equal(load(&c, buf, err), 0);
	free(buf);
	dw_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(file_values_are_read),
		cmocka_unit_test(unknown_key_names_file_line_key),
		cmocka_unit_test(out_of_range_is_refused),
		cmocka_unit_test(wrong_type_is_refused),
		cmocka_unit_test(duplicate_key_is_refused),
		cmocka_unit_test(syntax_error_names_line),
		cmocka_unit_test(missing_file_is_refused),
		cmocka_unit_test(set_overrides_and_validates),
		cmocka_unit_test(generated_file_loads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
