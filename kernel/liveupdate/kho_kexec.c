// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver and kexec_file_load(): what a loaded image carries.
 *
 * The root FDT is not a segment: its address is handed over and the next
 * kernel reads the page in place, so subtrees added after the image was
 * loaded still reach it. The scratch array is a segment of its own, and
 * every segment is placed inside scratch memory, the only memory the next
 * kernel may touch before it knows what was preserved.
 *
 * Crash kernels get no handover: they boot into memory reserved for them
 * and must not depend on the state of the kernel that crashed. Images
 * loaded with kexec_load() get none either; that path has no hook.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/sizes.h>

#include "../kexec_internal.h"
#include "kho_corrupt.h"
#include "kho_fdt.h"
#include "kho_internal.h"
#include "kho_scratch.h"

/**
 * kho_fill_kimage - add the handover to an image being loaded
 * @image: the image; nothing is added to crash images or without KHO
 *
 * Return: 0, or the error of placing the scratch array's segment.
 */
int kho_fill_kimage(struct kimage *image)
{
	const struct kho_scratch *areas;
	struct kexec_buf kbuf = {
		.image = image,
		.buf_min = 0,
		.buf_max = ULONG_MAX,
		.top_down = true,
		.buf_align = SZ_64K,
		.mem = KEXEC_BUF_MEM_UNKNOWN,
	};
	void *fdt = kho_out_fdt();
	unsigned int nr;
	u64 handed;
	int err;

	if (!fdt || image->type == KEXEC_TYPE_CRASH)
		return 0;
	nr = kho_scratch_areas(&areas);
	if (!nr)
		return 0;

	kbuf.bufsz = nr * sizeof(*areas);
	kbuf.buffer = (void *)kho_corrupt_scratch_array(areas, &kbuf.bufsz,
							 &handed);
	kbuf.memsz = kbuf.bufsz;
	err = kexec_add_buffer(&kbuf);
	if (err) {
		pr_err("cannot place the scratch array in scratch memory (%d)\n", err);
		return err;
	}

	image->kho.fdt = virt_to_phys(fdt);
	image->kho.fdt_size = KHO_FDT_SIZE;
	image->kho.scratch = kbuf.mem;
	image->kho.scratch_size = handed;
	return 0;
}

/**
 * kho_walk_scratch - offer each scratch area to a kexec placement callback
 * @kbuf: the buffer being placed
 * @func: kexec's placement callback; returns 1 once it placed @kbuf
 *
 * Return: 1 when @kbuf was placed, 0 when no area fits, or the error of
 * @func.
 */
int kho_walk_scratch(struct kexec_buf *kbuf,
		     int (*func)(struct resource *res, void *arg))
{
	const struct kho_scratch *areas;
	struct resource res = { .flags = IORESOURCE_SYSTEM_RAM };
	unsigned int nr, i;
	int ret = 0;

	nr = kho_scratch_areas(&areas);
	for (i = 0; i < nr && !ret; i++) {
		res.start = areas[i].addr;
		res.end = areas[i].addr + areas[i].size - 1;
		ret = func(&res, kbuf);
	}
	return ret;
}

#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
/**
 * kho_kexec_initrd_addr - where the loaded kexec image puts its initrd
 *
 * For fault injection only. The initrd's own buffer is freed once the
 * image is loaded, so its segment is recognised by its size.
 *
 * Return: the physical address, or 0 when no image with an initrd is
 * loaded (or kexec is busy).
 */
phys_addr_t kho_kexec_initrd_addr(void)
{
	struct kimage *image;
	phys_addr_t addr = 0;
	unsigned long i;

	if (!kexec_trylock())
		return 0;
	image = kexec_image;
	for (i = 0; image && image->initrd_buf_len && i < image->nr_segments; i++) {
		if (image->segment[i].bufsz == image->initrd_buf_len) {
			addr = image->segment[i].mem;
			break;
		}
	}
	kexec_unlock();
	return addr;
}
#endif
