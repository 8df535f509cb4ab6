#!/usr/bin/env bash
# test_sim_usage.sh: bad usage exits 2 with one clear line on stderr; --help works.
. "$(dirname "$0")/../lib.sh"

one_line() { # description, command...: exit 2 and exactly one "denwatch-sim: " line
	local desc=$1
	shift
	check_exit "$desc exits 2" 2 "$@"
	check_eq "$desc: one line on stderr" 1 "$(wc -l <"$TMP/last.err")"
	check "$desc: names the program" grep -q '^denwatch-sim: ' "$TMP/last.err"
}

touch "$TMP/file"
one_line "unknown preset" "$SIM" --preset huge --out "$TMP/o"
one_line "missing --out" "$SIM" --preset tiny
one_line "missing --preset" "$SIM" --out "$TMP/o"
one_line "unknown key in --set" "$SIM" --preset tiny --out "$TMP/o" --set sim.no_such_knob=1
one_line "bad value in --set" "$SIM" --preset tiny --out "$TMP/o" --set sim.dens=many
one_line "out of range --set" "$SIM" --preset tiny --out "$TMP/o" --set sim.answer_rate=2
one_line "--set without =" "$SIM" --preset tiny --out "$TMP/o" --set sim.dens
one_line "bad --seed" "$SIM" --preset tiny --out "$TMP/o" --seed x
one_line "unknown option" "$SIM" --preset tiny --out "$TMP/o" --bogus
one_line "output under a file" "$SIM" --preset tiny --out "$TMP/file/sub"
one_line "output folder that cannot be created" "$SIM" --preset tiny --out /proc/denwatch-sim-test
one_line "inconsistent knobs" "$SIM" --preset tiny --out "$TMP/o" --set sim.den_ports_min=9
one_line "bad TAC list" "$SIM" --preset tiny --out "$TMP/o" --set sim.den_tacs=123
check_exit "--help exits 0" 0 "$SIM" --help
check "--help names the presets" grep -q 'tiny.*city\|metro' "$TMP/last.out"
check "--help names the outputs" grep -q 'truth.json' "$TMP/last.out"
check_exit "creates a missing nested output folder" 0 "$SIM" --preset tiny --out "$TMP/new/deep"
check "nested folder holds truth.json" test -s "$TMP/new/deep/truth.json"
one_line "missing config file" "$SIM" --preset tiny --out "$TMP/o" -c "$TMP/no-such.conf"
one_line "city name that would break cells.csv" "$SIM" --preset tiny --out "$TMP/o" --set 'sim.city=Shen,zhen'
one_line "scenario too big" "$SIM" --preset tiny --out "$TMP/o" --set sim.dens=1000 --set sim.den_rotation_s=60 --set sim.grid_rows=40 --set sim.grid_cols=40 --set sim.den_hours=100
