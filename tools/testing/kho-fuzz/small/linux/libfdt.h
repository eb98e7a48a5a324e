/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel wraps scripts/dtc/libfdt; userspace uses it directly. */
#include <libfdt.h>
