# SPDX-License-Identifier: GPL-2.0
#
# reserve_mem regions across one kexec. Stage 1 writes "KTPMSG <token>" to
# pstore's /dev/pmsg0 (ramoops in region "oops") and "KTMARK <token>" to the
# trace_marker of the boot_map instance (ring buffer in region "trace"),
# prints its memblock subtree (base64) and kexecs. Stage 2 reports what it
# finds of both. kt.token=WORD is the token.
#
# The second kernel's reserve_mem= list is rewritten: kt.shift=1 declares,
# before all others and in the same order, a region "s-NAME" of the same
# size and alignment as each region NAME. Where memblock's state repeats the
# first kernel's, each of those takes the place its region had there, so a
# region allocated anew lands elsewhere (one extra region of its own size
# did not: on arm64 it did not fit above "oops", which kept its place);
# kt.oops-size=SIZE asks for "oops" with another size;
# kt.drop-trace=1 no longer declares "trace" (nor its trace instance).
# kt.corrupt=WHAT[,WHAT...] damages the handover through out/corrupt before
# kexec.
pstore=/sys/fs/pstore
tracing=/sys/kernel/tracing
instance=$tracing/instances/boot_map
token=$(kt_param token || echo none)

mount -t pstore none "$pstore" 2>/dev/null || kt_log "cannot mount pstore"
mount -t tracefs nodev "$tracing" 2>/dev/null || kt_log "cannot mount tracefs"

# The reserve_mem= words for the next kernel, rewritten as asked.
next_reserve_mem() {
	local word name size out= shifted=
	for word in $(cat /proc/cmdline); do
		case "$word" in reserve_mem=*) ;; *) continue ;; esac
		name=${word##*:}
		if [ "$name" = trace ] && [ "$(kt_param drop-trace)" = 1 ]; then
			continue
		fi
		if [ "$name" = oops ] && size=$(kt_param oops-size); then
			word="reserve_mem=$size:${word#reserve_mem=*:}"
		fi
		out="$out $word"
		shifted="$shifted ${word%:*}:s-$name"
	done
	[ "$(kt_param shift)" = 1 ] && out="$shifted$out"
	echo "${out# }"
}

if [ "$(kt_stage)" = 1 ]; then
	if echo "KTPMSG $token" > /dev/pmsg0; then
		kt_log "pmsg written: KTPMSG $token"
	else
		kt_log "FAIL: cannot write /dev/pmsg0"
	fi
	if echo "KTMARK $token" > "$instance/trace_marker"; then
		kt_log "trace marker written: KTMARK $token"
	else
		kt_log "FAIL: cannot write $instance/trace_marker"
	fi
	sub=/sys/kernel/debug/kho/out/sub_fdts/memblock
	if [ -r "$sub" ]; then
		base64 "$sub" | while read -r line; do kt_log "memblock-b64 $line"; done
	fi
	for what in $(kt_param corrupt | tr , ' '); do
		if echo "$what" > /sys/kernel/debug/kho/out/corrupt; then
			kt_log "corrupted the handover: $what"
		else
			kt_log "FAIL: out/corrupt refused $what"
		fi
	done
	drop="reserve_mem= kt.shift= kt.oops-size= kt.drop-trace= kt.corrupt="
	[ "$(kt_param drop-trace)" = 1 ] && drop="$drop trace_instance="
	kt_kexec "$(next_reserve_mem)" "$drop"
else
	kt_log "pstore files: $(ls "$pstore" | tr '\n' ' ')"
	if [ -r "$pstore/pmsg-ramoops-0" ]; then
		kt_log "pstore pmsg: $(tr -d '\0' < "$pstore/pmsg-ramoops-0")"
	else
		kt_log "pstore pmsg: none"
	fi
	if [ -r "$instance/trace" ] && grep -q "KTMARK $token" "$instance/trace"; then
		kt_log "trace marker: found"
	else
		kt_log "trace marker: missing"
	fi
fi
