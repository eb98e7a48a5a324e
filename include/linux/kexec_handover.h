/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver (KHO): hand memory and state to the next kernel across
 * kexec_file_load(), in the kho-v4 format of mainline Linux.
 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel_read_file.h>
#include <linux/types.h>

struct folio;
struct kexec_buf;
struct kho_vmalloc;
struct kimage;
struct notifier_block;
struct page;
struct resource;

/**
 * enum kho_event - what kho_register_notifier() clients are told
 * @KHO_FINALIZE: record state for the next kernel now; it may not change
 *                any more until KHO_ABORT or kexec
 * @KHO_ABORT:    the handover was thawed: drop what KHO_FINALIZE recorded
 */
enum kho_event {
	KHO_FINALIZE,
	KHO_ABORT,
};

#ifdef CONFIG_KEXEC_HANDOVER
bool kho_is_enabled(void);
bool is_kho_boot(void);

int kho_preserve_folio(struct folio *folio);
int kho_preserve_folios(struct folio **folios, unsigned long nr);
void kho_unpreserve_folio(struct folio *folio);
int kho_preserve_pages(struct page *page, unsigned long nr_pages);
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages);
void *kho_alloc_preserve(size_t size);
void kho_unpreserve_free(void *mem);

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation);
void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation);
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation);

struct folio *kho_restore_folio(phys_addr_t phys);
unsigned long kho_restore_folios(const phys_addr_t *phys, unsigned long nr,
				 struct folio **folios);
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages);
long kho_restore_folio_range(phys_addr_t phys, u64 size,
			     int (*fn)(struct folio *folio, void *arg),
			     void *arg);
void kho_restore_free(void *mem);

int kho_register_notifier(struct notifier_block *nb);
int kho_add_subtree(const char *name, void *blob, size_t size);
int kho_remove_subtree(void *blob);
int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size);
const char *kho_subtree_name(unsigned int index);
int kho_retrieve_subtree_early(const char *name, phys_addr_t *phys,
			       size_t *size);
int kho_fdt_get_prop(const void *fdt, int node, const char *name, void *val,
		     int len);
bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages);
bool kho_folio_preserved(phys_addr_t phys, unsigned int order);
unsigned long kho_release_pages(phys_addr_t phys, unsigned long nr_pages);
phys_addr_t kho_memblock_alloc_preservable(phys_addr_t size,
					   phys_addr_t align);

void kho_populate(phys_addr_t fdt_phys, u64 fdt_len,
		  phys_addr_t scratch_phys, u64 scratch_len);
void kho_memblock_setup(phys_addr_t low, phys_addr_t low_size);
void kho_memory_init(void);
int kho_scratch_migratetype(unsigned long pfn, int migratetype);

int kho_fill_kimage(struct kimage *image);
int kho_walk_scratch(struct kexec_buf *kbuf,
		     int (*func)(struct resource *res, void *arg));
ssize_t kho_read_file(int fd, void **buf, size_t max,
		      enum kernel_read_file_id id);
#else
static inline bool kho_is_enabled(void)
{
	return false;
}

static inline bool is_kho_boot(void)
{
	return false;
}

static inline int kho_preserve_folio(struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline int kho_preserve_folios(struct folio **folios,
				      unsigned long nr)
{
	return -EOPNOTSUPP;
}

static inline void kho_unpreserve_folio(struct folio *folio) { }

static inline int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

static inline void kho_unpreserve_pages(struct page *page,
					unsigned long nr_pages) { }

static inline void *kho_alloc_preserve(size_t size)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void kho_unpreserve_free(void *mem) { }

static inline int kho_preserve_vmalloc(void *ptr,
				       struct kho_vmalloc *preservation)
{
	return -EOPNOTSUPP;
}

static inline void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation) { }

static inline void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	return NULL;
}

static inline struct folio *kho_restore_folio(phys_addr_t phys)
{
	return NULL;
}

static inline unsigned long kho_restore_folios(const phys_addr_t *phys,
					       unsigned long nr,
					       struct folio **folios)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		folios[i] = NULL;
	return 0;
}

static inline struct page *kho_restore_pages(phys_addr_t phys,
					     unsigned long nr_pages)
{
	return NULL;
}

static inline long kho_restore_folio_range(phys_addr_t phys, u64 size,
					   int (*fn)(struct folio *folio,
						     void *arg),
					   void *arg)
{
	return 0;
}

static inline void kho_restore_free(void *mem) { }

static inline int kho_register_notifier(struct notifier_block *nb)
{
	return -EOPNOTSUPP;
}

static inline int kho_add_subtree(const char *name, void *blob, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_remove_subtree(void *blob)
{
	return -EOPNOTSUPP;
}

static inline int kho_retrieve_subtree(const char *name, phys_addr_t *phys,
				       size_t *size)
{
	return -EOPNOTSUPP;
}

static inline const char *kho_subtree_name(unsigned int index)
{
	return NULL;
}

static inline int kho_retrieve_subtree_early(const char *name,
					     phys_addr_t *phys, size_t *size)
{
	return -EOPNOTSUPP;
}

static inline int kho_fdt_get_prop(const void *fdt, int node,
				   const char *name, void *val, int len)
{
	return -EOPNOTSUPP;
}

static inline bool kho_pages_preserved(phys_addr_t phys,
				       unsigned long nr_pages)
{
	return false;
}

static inline bool kho_folio_preserved(phys_addr_t phys, unsigned int order)
{
	return false;
}

static inline unsigned long kho_release_pages(phys_addr_t phys,
					      unsigned long nr_pages)
{
	return 0;
}

static inline phys_addr_t kho_memblock_alloc_preservable(phys_addr_t size,
							 phys_addr_t align)
{
	return 0;
}

static inline void kho_populate(phys_addr_t fdt_phys, u64 fdt_len,
				phys_addr_t scratch_phys, u64 scratch_len) { }
static inline void kho_memblock_setup(phys_addr_t low, phys_addr_t low_size) { }

static inline void kho_memory_init(void) { }

static inline int kho_scratch_migratetype(unsigned long pfn, int migratetype)
{
	return migratetype;
}

static inline int kho_fill_kimage(struct kimage *image)
{
	return 0;
}

static inline int kho_walk_scratch(struct kexec_buf *kbuf,
				   int (*func)(struct resource *res, void *arg))
{
	return 0;
}

static inline ssize_t kho_read_file(int fd, void **buf, size_t max,
				    enum kernel_read_file_id id)
{
	return -EOPNOTSUPP;
}
#endif /* CONFIG_KEXEC_HANDOVER */

#ifdef CONFIG_KEXEC_HANDOVER_DEBUGFS
char *kho_debugfs_read_line(char *buf, size_t size, const char __user *ubuf,
			    size_t count);
#else
static inline char *kho_debugfs_read_line(char *buf, size_t size,
					  const char __user *ubuf, size_t count)
{
	return ERR_PTR(-EOPNOTSUPP);
}
#endif

#endif /* _LINUX_KEXEC_HANDOVER_H */
