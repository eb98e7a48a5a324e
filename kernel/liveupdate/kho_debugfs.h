/* SPDX-License-Identifier: GPL-2.0-only */
/* debugfs view of Kexec HandOver: /sys/kernel/debug/kho. */
#ifndef _KERNEL_LIVEUPDATE_KHO_DEBUGFS_H
#define _KERNEL_LIVEUPDATE_KHO_DEBUGFS_H

#include <linux/types.h>

struct mutex;

/**
 * struct kho_debugfs_out - what the out/ directory shows
 * @fdt:       the live root FDT, read under @lock at its current size
 * @lock:      serialises readers with edits of @fdt and @finalized
 * @finalized: out/finalize; while true, subtrees cannot change
 * @set_finalized: what writing out/finalize does; called without @lock
 * @corrupt:   fault injection: damage the handover as the string says
 *             (see kho_corrupt.c); called with @lock held
 */
struct kho_debugfs_out {
	void *fdt;
	struct mutex *lock;	/* see @lock above */
	bool *finalized;
	int (*set_finalized)(bool finalize);
	int (*corrupt)(char *what);
};

#ifdef CONFIG_KEXEC_HANDOVER_DEBUGFS
void kho_debugfs_init_out(const struct kho_debugfs_out *out);
void kho_debugfs_add_subtree(const char *name, void *blob, size_t size);
void kho_debugfs_remove_subtree(void *blob);
void kho_debugfs_init_in(const void *fdt);
#else
static inline void kho_debugfs_init_out(const struct kho_debugfs_out *out) { }
static inline void kho_debugfs_add_subtree(const char *name, void *blob,
					   size_t size) { }
static inline void kho_debugfs_remove_subtree(void *blob) { }
static inline void kho_debugfs_init_in(const void *fdt) { }
#endif

#endif /* _KERNEL_LIVEUPDATE_KHO_DEBUGFS_H */
