/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * DOC: kexec-metadata subtree
 *
 * The "kexec-metadata" subtree of Kexec HandOver is wire-compatible with
 * mainline Linux.
 *
 * Every kernel that hands over describes itself in a blob of this layout
 * (packed, CPU-native, in a preserved page of its own): the next kernel can
 * then say which kernel it was started from and how many live updates in a
 * row led to it. A reader must ignore a blob that is shorter than the
 * structure or of another version.
 */
#ifndef _LINUX_KHO_ABI_KEXEC_METADATA_H
#define _LINUX_KHO_ABI_KEXEC_METADATA_H

#include <linux/types.h>

#define KHO_METADATA_SUBTREE	"kexec-metadata"
#define KHO_METADATA_VERSION	1
#define KHO_METADATA_RELEASE_LEN	65	/* __NEW_UTS_LEN + 1 */

/**
 * struct kho_kexec_metadata - who handed over
 * @version:          KHO_METADATA_VERSION
 * @previous_release: the writer's UTS release, NUL-terminated and padded
 * @kexec_count:      handovers in a row up to the reader: 1 after a kernel
 *                    that was cold booted
 */
struct kho_kexec_metadata {
	u32 version;
	char previous_release[KHO_METADATA_RELEASE_LEN];
	u32 kexec_count;
} __packed;

#endif /* _LINUX_KHO_ABI_KEXEC_METADATA_H */
