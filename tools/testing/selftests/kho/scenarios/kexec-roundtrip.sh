# SPDX-License-Identifier: GPL-2.0
#
# Plain kexec round trip: stage 1 kexecs the same kernel with a changed
# command line (kt.marker=...); stage 2 reports what it sees.
#
# kt.sabotage=1 makes stage 1 hand the second kernel an init that does not
# exist, so the second kernel never reaches init: the negative control that
# shows the round-trip assertions can fail.
case $(kt_stage) in
1)
	extra="kt.marker=$(kt_param want_marker)"
	[ "$(kt_param sabotage)" = 1 ] && extra="$extra rdinit=/does-not-exist init=/does-not-exist"
	kt_kexec "$extra" "kt.want_marker= kt.sabotage="
	;;
*)
	kt_log "second kernel marker: $(kt_param marker)"
	;;
esac
