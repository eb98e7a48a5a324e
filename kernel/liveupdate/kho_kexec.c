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
 *
 * Scratch is CMA: only movable allocations use it, and when a full tmpfs
 * squeezes memory, about half of what is still free lies there. So a
 * segment is loaded straight into the scratch pages it is placed on, taken
 * from the page allocator as it is placed: it then costs no unmovable
 * memory, and kexec -e has nothing to copy. Only when no scratch room can
 * be taken is a segment staged in other memory and copied in at kexec -e.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel_read_file.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "../kexec_internal.h"
#include "kexec_handover_internal.h"

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

/*
 * Can the page at @pfn be taken for a segment? It must be free or movable,
 * in CMA pageblocks and in @zone, as alloc_contig_range() wants. Reserved
 * pages are this kernel's own boot memory when a handover booted it from
 * these very areas, or pages taken for an earlier segment.
 */
static bool kho_pfn_claimable(unsigned long pfn, const struct zone *zone)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	return page_zone(page) == zone && !PageReserved(page) &&
	       is_migrate_cma(get_pageblock_migratetype(page));
}

/*
 * The page of [@pfn, @end) past which the search for a place goes on when
 * this one cannot be taken: the lowest unclaimable page when searching from
 * the top, the highest otherwise. @end when every page can be taken.
 */
static unsigned long kho_unclaimable_pfn(unsigned long pfn, unsigned long end,
					 bool top_down)
{
	const struct zone *zone;
	unsigned long found = end;

	if (!pfn_valid(pfn))
		return pfn;
	zone = page_zone(pfn_to_page(pfn));
	for (; pfn < end; pfn++) {
		if (kho_pfn_claimable(pfn, zone))
			continue;
		found = pfn;
		if (top_down)
			break;
	}
	return found;
}

/*
 * Take the pages @kbuf was placed on and queue them, in address order, on
 * the image's destination pages, where kimage_alloc_page() looks first: the
 * segment is then loaded into them in place. -ENOMEM when that leaves too
 * little memory outside scratch for the rest of the load.
 */
static int kho_claim_segment(struct kexec_buf *kbuf)
{
	unsigned long pfn = PHYS_PFN(kbuf->mem), nr = PFN_UP(kbuf->memsz), i;
	struct zone *zone;
	struct page *page;
	int err;

	err = alloc_contig_range(pfn, pfn + nr, MIGRATE_CMA,
				 GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (err)
		return err;
	arch_kexec_post_alloc_pages(pfn_to_kaddr(pfn), nr, 0);
	for (i = 0; i < nr; i++) {
		page = pfn_to_page(pfn + i);
		set_page_private(page, 0);
		SetPageReserved(page);
		list_add_tail(&page->lru, &kbuf->image->dest_pages);
	}

	/*
	 * Moving the movable pages out of the way may have used memory
	 * outside scratch, which the rest of the load allocates from. When
	 * no zone such an allocation may use is above its low watermark,
	 * stop now, cleanly (kexec frees the pages with the image), rather
	 * than let a later allocation of the load wake the OOM killer. The
	 * zone the segment lies in is not the one to ask: it may be full
	 * while another has gigabytes free.
	 */
	for_each_populated_zone(zone)
		if (zone_idx(zone) <= gfp_zone(GFP_KERNEL) &&
		    zone_watermark_ok(zone, 0, low_wmark_pages(zone),
				      gfp_zone(GFP_KERNEL), 0))
			return 0;
	return -ENOMEM;
}

/*
 * Move the search for a place past @pfn: below it from the top, above it
 * otherwise. Return: false when nothing is left of @res.
 */
static bool kho_search_past(struct resource *res, unsigned long pfn,
			    bool top_down)
{
	if (top_down) {
		if (PFN_PHYS(pfn) <= res->start)
			return false;
		res->end = PFN_PHYS(pfn) - 1;
	} else {
		if (PFN_PHYS(pfn + 1) > res->end)
			return false;
		res->start = PFN_PHYS(pfn + 1);
	}
	return true;
}

/*
 * Place @kbuf in @area with @func, on pages that are then taken for it.
 * A place with pages that cannot be taken, or whose pages are busy, is
 * skipped and the search goes on in the rest of the area.
 *
 * Return: 1 when placed and taken, 0 when the area has no such room, or an
 * error: -ENOMEM when the movable pages in the way have nowhere to go, or
 * when moving them left too little memory outside scratch.
 */
static int kho_claim_in_area(struct kexec_buf *kbuf,
			     const struct kho_scratch *area,
			     int (*func)(struct resource *res, void *arg))
{
	struct resource res = {
		.start = area->addr,
		.end = area->addr + area->size - 1,
		.flags = IORESOURCE_SYSTEM_RAM,
	};
	unsigned long pfn, end, past;
	int ret;

	while ((ret = func(&res, kbuf)) == 1) {
		pfn = PHYS_PFN(kbuf->mem);
		end = pfn + PFN_UP(kbuf->memsz);
		past = kho_unclaimable_pfn(pfn, end, kbuf->top_down);
		if (past == end) {
			ret = kho_claim_segment(kbuf);
			if (!ret)
				return 1;
			if (ret != -EBUSY)
				break;
			past = kbuf->top_down ? pfn : end - 1;
		}
		kbuf->mem = KEXEC_BUF_MEM_UNKNOWN;
		if (!kho_search_past(&res, past, kbuf->top_down))
			return 0;
	}
	if (ret == -ENOMEM)
		pr_err("not enough free memory to load %lu KiB into scratch memory\n",
		       kbuf->memsz >> 10);
	kbuf->mem = KEXEC_BUF_MEM_UNKNOWN;
	return ret;
}

/**
 * kho_walk_scratch - place a kexec buffer inside a scratch area
 * @kbuf: the buffer being placed
 * @func: kexec's placement callback; returns 1 once it placed @kbuf
 *
 * The pages of the place are taken for the segment when they can be (see
 * the top of this file); otherwise the first place @func finds is used,
 * and the segment is copied there at kexec -e (image->kho.staged: the
 * purgatory then checks the segments against their digest).
 *
 * Return: 1 when @kbuf was placed, 0 when no area fits, or an error:
 * -ENOMEM when there is not enough free memory to take the pages.
 */
int kho_walk_scratch(struct kexec_buf *kbuf,
		     int (*func)(struct resource *res, void *arg))
{
	const struct kho_scratch *areas;
	struct resource res = { .flags = IORESOURCE_SYSTEM_RAM };
	unsigned int nr, i;
	int ret = 0;

	nr = kho_scratch_areas(&areas);
	for (i = 0; i < nr && !ret; i++)
		ret = kho_claim_in_area(kbuf, &areas[i], func);
	if (ret)
		return ret;

	for (i = 0; i < nr && !ret; i++) {
		res.start = areas[i].addr;
		res.end = areas[i].addr + areas[i].size - 1;
		ret = func(&res, kbuf);
	}
	if (ret == 1) {
		pr_info("no free scratch room for %lu KiB: the segment is copied in at kexec -e\n",
			kbuf->memsz >> 10);
		/* Over pages nobody took: the purgatory checks the digest. */
		kbuf->image->kho.staged = true;
	}
	return ret;
}

/**
 * kho_read_file - read a kernel or initramfs file for kexec_file_load()
 * @fd:  the file
 * @buf: set to a vmalloc()ed buffer holding the file
 * @max: the largest file accepted
 * @id:  READING_KEXEC_IMAGE or READING_KEXEC_INITRAMFS
 *
 * As kernel_read_file_from_fd(), except that the buffer is allocated so
 * that, when memory is short, the load fails with a message instead of
 * waking the OOM killer: the update must not cost the processes it is
 * meant to keep.
 *
 * Return: the bytes read, or an error; *@buf may be set on error too and
 * is then for the caller to vfree().
 */
ssize_t kho_read_file(int fd, void **buf, size_t max,
		      enum kernel_read_file_id id)
{
	CLASS(fd, f)(fd);
	loff_t size;

	if (fd_empty(f) || !(fd_file(f)->f_mode & FMODE_READ))
		return -EBADF;
	size = i_size_read(file_inode(fd_file(f)));
	/* Other sizes are refused by kernel_read_file() itself. */
	if (size > 0 && size <= max) {
		*buf = __vmalloc(size, GFP_KERNEL | __GFP_RETRY_MAYFAIL |
				 __GFP_NOWARN);
		if (!*buf) {
			pr_err("not enough free memory to read the %s (%lld KiB)\n",
			       kernel_read_file_id_str(id), size >> 10);
			return -ENOMEM;
		}
		max = size;
	}
	return kernel_read_file(fd_file(f), 0, buf, max, NULL, id);
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
