// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver of vmalloc areas.
 *
 * An area's pages are preserved block by block (a block is one page, or
 * 2^order pages for huge vmalloc), and their physical addresses are listed
 * in chunk pages that are preserved too; the owner keeps the small struct
 * kho_vmalloc that leads to the first chunk. The next kernel restores the
 * pages and maps them again with vmap(), handing the page array to the new
 * area so that vfree() releases everything as for a vmalloc() area.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/* Areas whose pages belong to them: vmalloc()ed, or vmap()ed with PUT_PAGES. */
#define KHO_VMALLOC_SUPPORTED_FLAGS \
	(VM_ALLOC | VM_ALLOW_HUGE_VMAP | VM_MAP | VM_MAP_PUT_PAGES)

static unsigned int kho_vm_order(const struct vm_struct *vm)
{
#ifdef CONFIG_HAVE_ARCH_HUGE_VMALLOC
	return vm->page_order;
#else
	return 0;
#endif
}

static struct kho_vmalloc_chunk *kho_vmalloc_chunk(u64 phys)
{
	return phys ? phys_to_virt(phys) : NULL;
}

/* Unpreserve every block listed from @first on, and free the chunks. */
static void kho_vmalloc_unwind(u64 first, unsigned int order)
{
	struct kho_vmalloc_chunk *chunk = kho_vmalloc_chunk(first), *next;
	unsigned int i;

	while (chunk) {
		for (i = 0; i < KHO_VMALLOC_SIZE && chunk->blocks[i]; i++)
			kho_unpreserve_pages(pfn_to_page(PHYS_PFN(chunk->blocks[i])),
					     1UL << order);
		next = kho_vmalloc_chunk(chunk->next);
		kho_unpreserve_free(chunk);
		chunk = next;
	}
}

/**
 * kho_preserve_vmalloc - hand a vmalloc area to the next kernel
 * @ptr:          start of the area
 * @preservation: filled in; the owner hands it over (in a subtree, say)
 *                and gives it to kho_restore_vmalloc() in the next kernel
 *
 * Context: Process context. May sleep: allocates memory with GFP_KERNEL.
 *
 * Return: 0; -EINVAL if @ptr is not the start of a vmalloc area;
 * -EOPNOTSUPP for areas that do not own their pages (ioremap, plain vmap);
 * -ENOMEM; or the error of preserving a page.
 */
int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation)
{
	struct kho_vmalloc_chunk *chunk, *next;
	unsigned int order, step, i, used = 0;
	struct vm_struct *vm;
	int err;

	might_sleep();
	vm = find_vm_area(ptr);
	if (!vm || vm->addr != ptr)
		return -EINVAL;
	if ((vm->flags & ~KHO_VMALLOC_SUPPORTED_FLAGS) || !vm->pages ||
	    !(vm->flags & (VM_ALLOC | VM_MAP_PUT_PAGES)))
		return -EOPNOTSUPP;

	order = kho_vm_order(vm);
	step = 1U << order;
	chunk = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(chunk))
		return PTR_ERR(chunk);
	*preservation = (struct kho_vmalloc) {
		.first = virt_to_phys(chunk),
		.total_pages = vm->nr_pages,
		.flags = KHO_VMALLOC_ALLOC |
			 (vm->flags & VM_ALLOW_HUGE_VMAP ? KHO_VMALLOC_HUGE_VMAP : 0),
		.order = order,
	};

	for (i = 0; i < vm->nr_pages; i += step) {
		if (used == KHO_VMALLOC_SIZE) {
			next = kho_alloc_preserve(PAGE_SIZE);
			if (IS_ERR(next)) {
				err = PTR_ERR(next);
				goto unwind;
			}
			chunk->next = virt_to_phys(next);
			chunk = next;
			used = 0;
		}
		err = kho_preserve_pages(vm->pages[i], step);
		if (err)
			goto unwind;
		/* Listed only once preserved, so unwinding undoes just that. */
		chunk->blocks[used++] = page_to_phys(vm->pages[i]);
	}
	return 0;

unwind:
	kho_vmalloc_unwind(preservation->first, order);
	preservation->first = 0;
	return err;
}
EXPORT_SYMBOL_GPL(kho_preserve_vmalloc);

/**
 * kho_unpreserve_vmalloc - stop handing a vmalloc area to the next kernel
 * @preservation: what kho_preserve_vmalloc() filled in; cleared here
 */
void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	kho_vmalloc_unwind(preservation->first, preservation->order);
	preservation->first = 0;
}
EXPORT_SYMBOL_GPL(kho_unpreserve_vmalloc);

/* Restore the blocks listed in @chunk into @pages[*@nr..]. */
static int kho_vmalloc_restore_chunk(const struct kho_vmalloc_chunk *chunk,
				     unsigned int order, struct page **pages,
				     unsigned int *nr, unsigned int total)
{
	unsigned int i, j, step = 1U << order;
	struct page *page;

	for (i = 0; i < KHO_VMALLOC_SIZE && chunk->blocks[i]; i++) {
		if (*nr + step > total)
			return -EINVAL;
		page = kho_restore_pages(chunk->blocks[i], step);
		if (!page)
			return -EINVAL;
		for (j = 0; j < step; j++)
			pages[(*nr)++] = page + j;
	}
	return 0;
}

/**
 * kho_restore_vmalloc - map a vmalloc area the previous kernel preserved
 * @preservation: what kho_preserve_vmalloc() filled in before kexec
 *
 * The contents are as the previous kernel left them. Release the area with
 * vfree(). Huge areas come back mapped with small pages.
 *
 * Return: the new address of the area, or NULL when @preservation does not
 * describe preserved memory (nothing stays restored then).
 */
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	unsigned int total = preservation->total_pages, nr = 0, i;
	struct kho_vmalloc_chunk *chunk;
	struct page **pages, *page;
	u64 phys = preservation->first;
	void *addr = NULL;
	int err = 0;

	if (!total || !phys || preservation->order > MAX_PAGE_ORDER ||
	    total > totalram_pages())
		return NULL;
	pages = kvmalloc_array(total, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;

	while (phys && !err) {
		page = kho_restore_pages(phys, 1);
		if (!page) {
			err = -EINVAL;
			break;
		}
		chunk = page_address(page);
		err = kho_vmalloc_restore_chunk(chunk, preservation->order, pages,
						&nr, total);
		phys = chunk->next;
		__free_page(page);
	}
	if (!err && nr == total)
		addr = vmap(pages, total, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (addr)
		return addr;

	pr_err("cannot restore a vmalloc area of %u pages\n", total);
	for (i = 0; i < nr; i++)
		__free_page(pages[i]);
	kvfree(pages);
	return NULL;
}
EXPORT_SYMBOL_GPL(kho_restore_vmalloc);
