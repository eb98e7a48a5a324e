/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver (KHO): hand memory and state to the next kernel across
 * kexec_file_load(), in the kho-v4 format of mainline Linux.
 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/types.h>

#ifdef CONFIG_KEXEC_HANDOVER
bool kho_is_enabled(void);
bool is_kho_boot(void);
void kho_memory_init(void);
#else
static inline bool kho_is_enabled(void)
{
	return false;
}

static inline bool is_kho_boot(void)
{
	return false;
}

static inline void kho_memory_init(void) { }
#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _LINUX_KEXEC_HANDOVER_H */
