# SPDX-License-Identifier: GPL-2.0
#
# Print the outgoing handover as debugfs shows it: the file list, the root
# FDT (base64, for the host to decompile), the scratch areas, and what the
# finalize switch accepts.
d=/sys/kernel/debug/kho/out
kt_log "debugfs out: $(ls "$d" 2>/dev/null | tr '\n' ' ')"
if [ -r "$d/fdt" ]; then
	base64 "$d/fdt" | while read -r line; do kt_log "fdt-b64 $line"; done
	for f in "$d"/sub_fdts/*; do
		[ -f "$f" ] && kt_log "sub_fdt $(basename "$f") $(wc -c < "$f") bytes"
	done
	for f in scratch_phys scratch_len; do
		kt_log "$f: $(tr '\n' ' ' < "$d/$f")"
	done
	echo 1 > "$d/finalize" && kt_log "finalize after 1: $(cat "$d/finalize")"
	echo 0 > "$d/finalize" && kt_log "finalize after 0: $(cat "$d/finalize")"
	if echo 2 > "$d/finalize" 2>/dev/null; then
		kt_log "finalize accepted 2"
	else
		kt_log "finalize refused 2"
	fi
fi
