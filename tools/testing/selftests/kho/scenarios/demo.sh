# SPDX-License-Identifier: GPL-2.0
#
# make demo: the guest side of the live-update walkthrough. Stage 1 is the
# running host kernel that is about to be updated; stage 2 is the kernel it
# kexecs into, which takes the handover over.
d=/sys/kernel/debug/kho

kt_section() {
	kt_log ""
	kt_log "## $*"
}

kt_show() {
	while IFS= read -r line; do kt_log "   $line"; done
}

# The files of the kho=demo tmpfs, their checksums and one checksum of all.
kt_tmpfs_show() {
	kt_log "ls -l /demo /demo/sub:"
	ls -l /demo /demo/sub | kt_show
	kt_log "sha256sum:"
	(cd /demo && sha256sum hello.txt sub/numbers random.bin) | kt_show
	kt_log "hello.txt: $(cat /demo/hello.txt)"
	kt_log "tmpfs files sha256: $(cd /demo && sha256sum hello.txt sub/numbers random.bin |
		sha256sum | cut -d' ' -f1)"
}

case $(kt_stage) in
1)
	kt_section "Old kernel: $(uname -r), booted with kho=on"
	kt_log "Scratch memory reserved at boot (the next kernel boots from it):"
	kt_dmesg | grep 'KHO: scratch' | sed 's/^\[[^]]*\] KHO: //' | kt_show
	kt_log "debugfs out/scratch_phys: $(tr '\n' ' ' < "$d/out/scratch_phys")"
	kt_log "debugfs out/scratch_len:  $(tr '\n' ' ' < "$d/out/scratch_len")"

	kt_section "Data preserved for the next kernel"
	kt_dmesg | grep 'test_kho: preserved' | sed 's/^\[[^]]*\] //' | kt_show
	kt_log "Subtrees registered: $(ls "$d/out/sub_fdts" | tr '\n' ' ')"

	kt_section "A pstore message, kept in reserve_mem region 'oops'"
	mount -t pstore none /sys/fs/pstore
	msg="pstore message from generation 1, written at $(date -u +%T)"
	echo "$msg" > /dev/pmsg0 && kt_log "wrote to /dev/pmsg0: $msg"
	kt_dmesg | grep 'ramoops: using' | sed 's/^\[[^]]*\] //' | kt_show
	kt_log "The region is handed over in subtree 'memblock':"
	dtc -q -I dtb -O dts "$d/out/sub_fdts/memblock" | kt_show

	kt_section "A persistent tmpfs: mount -t tmpfs -o kho=demo"
	mkdir -p /demo
	mount -t tmpfs -o kho=demo,size=16m none /demo
	kt_dmesg | grep 'tmpfs: kho=demo' | sed 's/^\[[^]]*\] //' | kt_show
	echo "written by generation 1 at $(date -u +%T)" > /demo/hello.txt
	mkdir /demo/sub
	seq 1 1000 > /demo/sub/numbers
	dd if=/dev/urandom of=/demo/random.bin bs=64k count=16 2>/dev/null
	ln -s hello.txt /demo/link
	kt_tmpfs_show

	kt_section "A memfd in a live-update session: /dev/liveupdate (liveupdate=on)"
	kt_log "luo_agent creates session 'demo-vm', writes 32 MiB into a memfd, seals"
	kt_log "it against growing and shrinking, preserves it as token 7 and keeps"
	kt_log "the session open until kexec -e:"
	luo_agent preserve demo-vm:7:32:seal > /tmp/agent.log 2>&1 &
	n=0
	while [ ! -e /tmp/luo-ready ] && [ $n -lt 300 ]; do sleep 0.2; n=$((n + 1)); done
	sed 's/^KT: //' /tmp/agent.log | kt_show

	kt_section "Finalize: kho mounts are frozen and recorded (echo 1 > $d/out/finalize)"
	echo 1 > "$d/out/finalize"
	kt_dmesg | grep -E 'tmpfs: kho=demo: frozen|handover finalized' |
		sed 's/^\[[^]]*\] //' | kt_show
	kt_log "Subtrees registered: $(ls "$d/out/sub_fdts" | tr '\n' ' ')"

	kt_section "The live handover FDT (dtc -I dtb -O dts $d/out/fdt)"
	dtc -q -I dtb -O dts "$d/out/fdt" | kt_show
	kt_log "(values are little-endian u64s; dtc prints them as big-endian cells)"
	kt_log "out/fdt sha256: $(sha256sum < "$d/out/fdt" | cut -d' ' -f1)"

	kt_section "Live update: kexec -s (kexec_file_load) into the new kernel"
	kt_kexec "kt.generation=2" "kt.generation="
	;;
*)
	kt_section "New kernel: $(uname -r), generation $(kt_param generation)"
	kt_log "The handover as this kernel found and checked it:"
	kt_dmesg | grep -E 'KHO: (found|reserved|exec from)' |
		sed 's/^\[\([^]]*\)\] KHO: /at \1 s: /' | kt_show
	kt_log "in/fdt sha256:  $(sha256sum < "$d/in/fdt" | cut -d' ' -f1)"

	kt_section "The handover FDT this kernel received (dtc -I dtb -O dts $d/in/fdt)"
	dtc -q -I dtb -O dts "$d/in/fdt" | kt_show

	kt_section "Preserved data, restored and checked byte for byte"
	kt_dmesg | grep 'test_kho: restore' | sed 's/^\[\([^]]*\)\] /at \1 s: /' | kt_show

	kt_section "The persistent tmpfs, mounted again: mount -t tmpfs -o kho=demo"
	mkdir -p /demo
	mount -t tmpfs -o kho=demo none /demo
	kt_dmesg | grep 'tmpfs: kho=demo' | sed 's/^\[[^]]*\] //' | kt_show
	kt_tmpfs_show

	kt_section "The memfd session, retrieved by name and token"
	kt_dmesg | grep -E 'LUO: live update' | sed 's/^\[[^]]*\] //' | kt_show
	kt_log "luo_agent retrieves session 'demo-vm' and token 7, and compares size,"
	kt_log "seals, file position and every byte with what generation 1 wrote:"
	luo_agent retrieve demo-vm:7:32:seal > /tmp/agent.log 2>&1
	sed 's/^KT: //' /tmp/agent.log | kt_show

	kt_section "The pstore message, read back after the live update"
	kt_dmesg | grep -E "reserve_mem: 'oops'|ramoops: using" | sed 's/^\[[^]]*\] //' | kt_show
	mount -t pstore none /sys/fs/pstore
	pmsg=/sys/fs/pstore/pmsg-ramoops-0
	kt_log "$pmsg: $(tr -d '\0' < "$pmsg" 2>/dev/null)"
	;;
esac
