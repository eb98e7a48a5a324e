/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-ins for what mm/shmem_kho_image.c uses, so the checks
 * are tested as the kernel builds them. kho_pages_preserved() is the
 * test's own: it says yes for the addresses the test preserved.
 */
#ifndef _KHO_TMPFS_IMAGE_SHIM_H
#define _KHO_TMPFS_IMAGE_SHIM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long long s64;
typedef u64 __u64;
typedef u32 __u32;
typedef u16 __u16;
typedef s64 __s64;
typedef u64 phys_addr_t;

#define BIT(n)			(1UL << (n))
#define PAGE_SHIFT		12
#define PAGE_SIZE		BIT(PAGE_SHIFT)
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PAGE_ALIGNED(x)		IS_ALIGNED((u64)(x), PAGE_SIZE)
#define NSEC_PER_SEC		1000000000L
#define MAX_LFS_FILESIZE	((long long)LLONG_MAX)
#define NAME_MAX		255
#define XATTR_NAME_MAX		255
#define XATTR_SIZE_MAX		65536
#define MAX_PAGECACHE_ORDER	9
#define CONFIG_TRANSPARENT_HUGEPAGE 1

#define CONFIG_TMPFS_XATTR	1
#define IS_ENABLED(CONFIG_option)	(CONFIG_option)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min(a, b)		({				\
	__typeof__(a) __a = (a);				\
	__typeof__(b) __b = (b);				\
								\
	__a < __b ? __a : __b;					\
})

#define XATTR_SECURITY_PREFIX	"security."
#define XATTR_TRUSTED_PREFIX	"trusted."
#define XATTR_USER_PREFIX	"user."

static inline u64 DIV_ROUND_UP(u64 n, u64 d)
{
	return (n + d - 1) / d;
}

typedef int (*cmp_r_func_t)(const void *a, const void *b, const void *priv);
typedef void (*swap_r_func_t)(void *a, void *b, int size, const void *priv);

static inline void shim_swap(char *a, char *b, size_t size)
{
	char t;

	while (size--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* lib/sort.c's sort_r(), as a plain heapsort; @swap_func must be NULL. */
static inline void sort_r(void *base, size_t num, size_t size,
			  cmp_r_func_t cmp, swap_r_func_t swap_func,
			  const void *priv)
{
	char *b = base;
	size_t start = num / 2, end = num, root, child;

	while (end > 1) {
		if (start)
			start--;
		else
			shim_swap(b, b + --end * size, size);
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end &&
			    cmp(b + child * size, b + (child + 1) * size, priv) < 0)
				child++;
			if (cmp(b + root * size, b + child * size, priv) >= 0)
				break;
			shim_swap(b + root * size, b + child * size, size);
		}
	}
}

bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages);
bool kho_folio_preserved(phys_addr_t phys, unsigned int order);

#endif /* _KHO_TMPFS_IMAGE_SHIM_H */
