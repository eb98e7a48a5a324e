# SPDX-License-Identifier: GPL-2.0
#
# kho_bench across one kexec into the same kernel (harness/bench.sh).
# Stage 1 loads the module with the parameters of kt.bench= (commas for
# spaces, colons for equals: kt.bench=mib:1024,order:0) and kexecs;
# stage 2 loads it again, which restores, verifies and reports.
#
# With kt.benchfs=4k or 2m (our kernel only), stage 1 instead writes a
# file of kt.benchmib MiB (default 1024) in 4 KiB or 2 MiB folios to a
# tmpfs mounted with kho=bench, finalizes and kexecs, and stage 2 mounts
# it again and checks its size.
# Markers written to /dev/kmsg put the start of each step on the kernel's
# clock; the kernel's own lines mark the end.
ko=/modules/$(uname -r)/kho_bench.ko
fs=$(kt_param benchfs || true)
mib=$(kt_param benchmib || echo 1024)
mark() {
	echo "kho_bench: mark $*" > /dev/kmsg
}
mark_kexec() {
	mark kexec
}

if [ -n "$fs" ]; then
	huge=never
	[ "$fs" = 2m ] && huge=always
	mkdir -p /kho/bench
	if [ "$(kt_stage)" = 1 ]; then
		mount -t tmpfs -o kho=bench,huge=$huge none /kho/bench ||
			kt_log "FAIL: mount kho=bench failed"
		dd if=/dev/zero of=/kho/bench/data bs=1M count="$mib" 2> /dev/null ||
			kt_log "FAIL: writing $mib MiB to the kho tmpfs failed"
		mark finalize
		echo 1 > /sys/kernel/debug/kho/out/finalize ||
			kt_log "FAIL: finalize failed"
		KT_AFTER_LOAD=mark_kexec
		kt_kexec "" ""
	else
		mark mount
		mount -t tmpfs -o kho=bench none /kho/bench ||
			kt_log "FAIL: mount kho=bench failed"
		# Size and allocated space: a lost folio would be a hole of zeros.
		size=$(stat -c %s /kho/bench/data)
		used=$(($(stat -c '%b * %B' /kho/bench/data)))
		[ "$size" = $((mib << 20)) ] && [ "$used" = "$size" ] ||
			kt_log "FAIL: the file came back with $size bytes, $used allocated"
		echo "kho_bench: restore succeeded: $mib MiB file" > /dev/kmsg
	fi
elif [ "$(kt_stage)" = 1 ]; then
	args=$(kt_param bench | tr ',:' ' =')
	# shellcheck disable=SC2086 # the words are module parameters
	insmod "$ko" $args || kt_log "FAIL: insmod $ko $args failed"
	KT_AFTER_LOAD=mark_kexec
	kt_kexec "" ""
else
	insmod "$ko" || kt_log "FAIL: insmod $ko failed"
	kt_log "bench: stage 2 done"
fi
