# SPDX-License-Identifier: GPL-2.0
#
# Report memory facts the scratch tests check: CMA size and NUMA nodes.
kt_log "CmaTotal: $(awk '/^CmaTotal:/ { print $2 }' /proc/meminfo) kB"
kt_log "nodes: $(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)"
