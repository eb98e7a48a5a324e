/* SPDX-License-Identifier: GPL-2.0-only */
/* Only the fault-injection code of kho_fdt.c uses sysfs helpers. */
