// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver metadata: which kernel handed over, and how many live
 * updates in a row led to this kernel (include/linux/kho/abi/
 * kexec_metadata.h). Mainline kernels write it on every handover; reading
 * it names the previous kernel in the log, and writing it lets the next
 * kernel, ours or mainline, do the same.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_metadata.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "kexec_handover_internal.h"

/*
 * Read the previous kernel's metadata, say who it was, and free its page.
 * A blob that is too short or of another version is ignored, as the
 * format asks, but freed all the same.
 *
 * Return: the number of handovers that led to this kernel, 0 when unknown.
 */
static u32 __init kho_metadata_read(void)
{
	const struct kho_kexec_metadata *in;
	phys_addr_t phys;
	u32 count = 0;
	size_t size;

	if (kho_retrieve_subtree(KHO_METADATA_SUBTREE, &phys, &size))
		return 0;
	in = phys_to_virt(phys);
	if (size < sizeof(*in) || in->version != KHO_METADATA_VERSION) {
		pr_warn("ignoring kexec-metadata of %zu bytes, version %u\n",
			size, size >= sizeof(in->version) ? in->version : 0);
	} else {
		count = in->kexec_count;
		pr_info("exec from: %.*s (count %u)\n",
			(int)strnlen(in->previous_release,
				     sizeof(in->previous_release)),
			in->previous_release, count);
	}
	kho_restore_free((void *)in);
	return count;
}

/* Describe this kernel for the next one. */
static int __init kho_metadata_write(u32 count)
{
	struct kho_kexec_metadata *out;
	int err;

	out = kho_alloc_preserve(sizeof(*out));
	if (IS_ERR(out))
		return PTR_ERR(out);
	out->version = KHO_METADATA_VERSION;
	strscpy_pad(out->previous_release, init_utsname()->release);
	out->kexec_count = count;
	err = kho_add_subtree(KHO_METADATA_SUBTREE, out, sizeof(*out));
	if (err)
		kho_unpreserve_free(out);
	return err;
}

/**
 * kho_metadata_init - read the incoming metadata, write the outgoing one
 * @hand_over: this kernel hands over at the next kexec
 *
 * A failure to write only costs the next kernel the line that names us.
 */
void __init kho_metadata_init(bool hand_over)
{
	u32 count = kho_metadata_read();
	int err;

	if (!hand_over)
		return;
	err = kho_metadata_write(count + 1);
	if (err)
		pr_warn("cannot hand kexec-metadata over (%d)\n", err);
}
