# SPDX-License-Identifier: GPL-2.0
#
# make demo: the guest side of the walkthrough. Stage 1 is the running host
# kernel that is about to be updated; stage 2 is the kernel it kexecs into.
case $(kt_stage) in
1)
	kt_log "[old kernel] $(uname -sr), up $(cut -d' ' -f1 /proc/uptime)s"
	kt_log "[old kernel] memory: $(grep MemTotal /proc/meminfo | tr -s ' ')"
	echo "state written before the update" > /tmp/state.txt
	kt_log "[old kernel] wrote /tmp/state.txt ($(wc -c < /tmp/state.txt) bytes)"
	kt_log "[old kernel] loading the new kernel with kexec_file_load (kexec -s)"
	kt_kexec "kt.generation=2" "kt.generation="
	;;
*)
	kt_log "[new kernel] $(uname -sr), generation $(kt_param generation)"
	kt_log "[new kernel] up $(cut -d' ' -f1 /proc/uptime)s after the jump"
	if [ -f /tmp/state.txt ]; then
		kt_log "[new kernel] /tmp/state.txt survived"
	else
		kt_log "[new kernel] /tmp/state.txt is gone: plain kexec keeps nothing"
	fi
	;;
esac
