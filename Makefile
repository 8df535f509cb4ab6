# denwatch build. `make` builds the three programs into build/; `make check` runs
# every test; `make demo` runs the pipeline on a simulated city. Both install the
# Debian packages they need first (make deps).
#
# Sources are found by wildcard: a new file in common/, sensors/, sensors/proto/,
# correlator/ or tools/sim/ is built into its module's library; each program's
# main.c is linked with its library and the common one.

BUILD ?= build
CC ?= cc
SAN ?=
# -O2 -g always; warnings are errors everywhere, CI included.
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-error=deprecated-declarations
CPPFLAGS_BASE = -Iinclude -I$(BUILD)/gen -MMD -MP
ifeq ($(SAN),1)
CFLAGS_BASE += -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
CFLAGS_BASE += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
LIBS = -lpcap -lzmq -lsqlite3 -lprotobuf-c -linih -ljansson -lsodium -lm -lpthread

PROTO := $(wildcard include/denwatch/*.proto)
PROTO_C := $(patsubst include/denwatch/%.proto,$(BUILD)/gen/denwatch/%.pb-c.c,$(PROTO))
PROTO_H := $(PROTO_C:.c=.h)

COMMON_SRC := $(wildcard common/*.c)
SENSOR_SRC := $(filter-out sensors/main.c,$(wildcard sensors/*.c sensors/proto/*.c))
CORR_SRC := $(filter-out correlator/main.c,$(wildcard correlator/*.c))
SIM_SRC := $(filter-out tools/sim/main.c,$(wildcard tools/sim/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC)) $(PROTO_C:.c=.o)
SENSOR_OBJ := $(call obj,$(SENSOR_SRC))
CORR_OBJ := $(call obj,$(CORR_SRC))
SIM_OBJ := $(call obj,$(SIM_SRC))

LIB_COMMON := $(BUILD)/libdwcommon.a
LIB_SENSOR := $(BUILD)/libdwsensor.a
LIB_CORR := $(BUILD)/libdwcorrelator.a
LIB_SIM := $(BUILD)/libdwsim.a
ALL_LIBS := $(LIB_SENSOR) $(LIB_CORR) $(LIB_SIM) $(LIB_COMMON)

PROGRAMS := $(if $(wildcard sensors/main.c),$(BUILD)/denwatch-sensor) \
	    $(if $(wildcard correlator/main.c),$(BUILD)/denwatch-correlator) \
	    $(if $(wildcard tools/sim/main.c),$(BUILD)/denwatch-sim) \
	    $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all deps check tests libs asan fuzz bench demo config clean format
# Keep generated protobuf-c files and objects that pattern rules make on the way.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROGRAMS)

deps:
	@tools/deps.sh

# Generated protobuf-c code for the wire format.
$(BUILD)/gen/denwatch/%.pb-c.c $(BUILD)/gen/denwatch/%.pb-c.h: include/denwatch/%.proto
	@mkdir -p $(BUILD)/gen/denwatch
	protoc-c --proto_path=include/denwatch --c_out=$(BUILD)/gen/denwatch $<

$(BUILD)/gen/denwatch/%.pb-c.o: $(BUILD)/gen/denwatch/%.pb-c.c
	$(CC) $(CPPFLAGS_BASE) $(CFLAGS_BASE) -Wno-error -c $< -o $@

$(BUILD)/obj/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_BASE) $(CFLAGS_BASE) $(CFLAGS) -c $< -o $@

# Each library also depends on a stamp holding its member list, rewritten only when
# the list changes, so that deleting a source file rebuilds the library without it.
members_stamp = $(shell mkdir -p $(BUILD); echo '$(2)' | cmp -s - $(BUILD)/$(1).members || \
	echo '$(2)' > $(BUILD)/$(1).members)$(BUILD)/$(1).members
$(LIB_COMMON): $(COMMON_OBJ) $(call members_stamp,common,$(COMMON_OBJ))
$(LIB_SENSOR): $(SENSOR_OBJ) $(call members_stamp,sensor,$(SENSOR_OBJ))
$(LIB_CORR): $(CORR_OBJ) $(call members_stamp,correlator,$(CORR_OBJ))
$(LIB_SIM): $(SIM_OBJ) $(call members_stamp,sim,$(SIM_OBJ))
$(ALL_LIBS):
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $(filter %.o,$^) $(if $(filter %.o,$^),,$(BUILD)/obj/empty.o)

$(BUILD)/obj/empty.o:
	@mkdir -p $(dir $@)
	echo 'typedef int dw_empty_unit;' | $(CC) -x c -c - -o $@

$(ALL_LIBS): | $(BUILD)/obj/empty.o

$(BUILD)/denwatch-sensor: $(call obj,sensors/main.c) $(LIB_SENSOR) $(LIB_COMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/denwatch-correlator: $(call obj,correlator/main.c) $(LIB_CORR) $(LIB_COMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/denwatch-sim: $(call obj,tools/sim/main.c) $(LIB_SIM) $(LIB_COMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
# Small helper programs (tools/*.c): config generator, benchmark read loop...
$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ALL_LIBS) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ALL_LIBS) $(LIBS) -lcmocka

tests: $(PROGRAMS) $(UNIT_BIN)

# The module libraries alone (the fuzz build links its harnesses against them).
libs: $(ALL_LIBS)

# Every test: cmocka unit tests and the shell-driven end-to-end tests. Ends with
# one line "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory tests
	@tools/run-tests.sh $(BUILD)

# The same tests on an ASan + UBSan build.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		DW_SANITIZED=1 tools/run-tests.sh build-asan

# libFuzzer harnesses, one per dissector and decoder; FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang FUZZ=1 libs
	@tools/run-fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_SRC)

bench: deps all
	@tools/bench.sh $(BUILD)

demo: deps all
	@tools/demo.sh $(BUILD)

# Detection quality over the scenario matrix (tests/quality/): recall, precision,
# negatives flagged and time to first flag, per scenario; writes the table.
quality: deps all
	@tests/quality/run.sh $(BUILD)

# Regenerates config/denwatch.conf from the key tables.
config: $(BUILD)/tools/genconf
	$(BUILD)/tools/genconf > config/denwatch.conf

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
