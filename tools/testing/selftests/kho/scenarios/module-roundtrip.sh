# SPDX-License-Identifier: GPL-2.0
#
# The kho_compat module across one kexec into the same kernel: stage 1
# loads it (it preserves its data), stage 2 loads it again (it restores and
# checks the data). The test packs the module built for each kernel as
# /modules/<release>/kho_compat.ko.
ko=/modules/$(uname -r)/kho_compat.ko
if insmod "$ko"; then
	kt_log "insmod kho_compat: ok"
else
	kt_log "FAIL: insmod $ko failed"
fi
[ "$(kt_stage)" = 1 ] && kt_kexec "" ""
