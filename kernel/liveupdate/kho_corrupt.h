/* SPDX-License-Identifier: GPL-2.0-only */
/* Kexec HandOver fault injection (CONFIG_KEXEC_HANDOVER_FAULT_INJECTION). */
#ifndef _KERNEL_LIVEUPDATE_KHO_CORRUPT_H
#define _KERNEL_LIVEUPDATE_KHO_CORRUPT_H

#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
int kho_corrupt(char *what);
const struct kho_scratch *kho_corrupt_scratch_array(const struct kho_scratch *areas,
						    size_t *bytes, u64 *handed);
#else
static inline const struct kho_scratch *
kho_corrupt_scratch_array(const struct kho_scratch *areas, size_t *bytes,
			  u64 *handed)
{
	*handed = *bytes;
	return areas;
}
#endif

#endif /* _KERNEL_LIVEUPDATE_KHO_CORRUPT_H */
