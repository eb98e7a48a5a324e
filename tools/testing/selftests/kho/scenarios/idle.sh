# SPDX-License-Identifier: GPL-2.0
#
# Boot, report that init ran, power off. For tests that only read the boot log.
kt_log "idle scenario: nothing to do"
