/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec_handover_internal.h sizes its map cursors by MAX_PAGE_ORDER; the
 * root FDT code it is built with here does not use them.
 */
#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER	10
#endif
