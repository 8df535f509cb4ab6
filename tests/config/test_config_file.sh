# test_config_file.sh: the committed config/denwatch.conf is what the key tables
# generate, so every key is documented in place and none is stale.
. "$DW_ROOT/tests/lib.sh"
"$DW_BUILD/tools/genconf" >"$TMP/gen.conf"
if cmp -s "$TMP/gen.conf" "$DW_ROOT/config/denwatch.conf"; then
	ok "config/denwatch.conf matches the key tables"
else
	not_ok "config/denwatch.conf is stale: run 'make config'"
	diff "$TMP/gen.conf" "$DW_ROOT/config/denwatch.conf" | head -20 | sed 's/^/# /'
fi
