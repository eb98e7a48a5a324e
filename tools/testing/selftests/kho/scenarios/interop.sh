# SPDX-License-Identifier: GPL-2.0
#
# Handovers between our kernel and the mainline peer. Every kernel says
# which kernel it is. Stage 1 writes "KTPMSG <token>" (kt.token) to pstore's
# /dev/pmsg0; every later stage reports what it finds in pstore and writes
# it again, so that the kernel after it can find it too. The chain runs up
# to stage kt.stages (default 2); kt.kernel-N=NAME boots /kernel.NAME at
# stage N (see kt_kexec), and kt.args-N=WORD adds WORD to the command line
# of stage N only (a kernel with a different layout, such as one more
# reserve_mem= region).
pstore=/sys/fs/pstore
mount -t pstore none "$pstore" 2>/dev/null || kt_log "cannot mount pstore"
kt_log "running: Linux $(uname -r)"

if [ "$(kt_stage)" = 1 ]; then
	msg="KTPMSG $(kt_param token || echo none)"
elif [ -r "$pstore/pmsg-ramoops-0" ]; then
	msg=$(tr -d '\0' < "$pstore/pmsg-ramoops-0")
	kt_log "pstore pmsg: $msg"
else
	msg=
	kt_log "pstore pmsg: none"
fi
if [ -n "$msg" ]; then
	if echo "$msg" > /dev/pmsg0; then
		kt_log "pmsg written: $msg"
	else
		kt_log "FAIL: cannot write /dev/pmsg0"
	fi
fi
# kt.tmpfs=NAME: our kernels mount a kho=NAME tmpfs. The first writes a
# file into it; each later one reports what it finds ("tmpfs NAME: ...").
# The peer has no kho= tmpfs option and only reports that.
tmpfs=$(kt_param tmpfs) && case "$(uname -r)" in
6.12.*)
	mkdir -p /kho
	if ! mount -t tmpfs -o "kho=$tmpfs" "$tmpfs" /kho; then
		kt_log "tmpfs $tmpfs: mount failed"
	elif [ "$(kt_stage)" = 1 ]; then
		echo "KTTMPFS $(kt_param token || echo none)" > /kho/data
		kt_log "tmpfs $tmpfs: written"
	elif [ -e /kho/data ]; then
		kt_log "tmpfs $tmpfs: found: $(cat /kho/data)"
	else
		kt_log "tmpfs $tmpfs: empty"
	fi ;;
*)
	kt_log "tmpfs $tmpfs: not supported by this kernel" ;;
esac

if [ "$(kt_stage)" -lt "$(kt_param stages || echo 2)" ]; then
	kt_kexec "$(kt_param "args-$(($(kt_stage) + 1))")" \
		"$(kt_param "args-$(kt_stage)")"
fi
