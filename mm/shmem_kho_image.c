// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs: the checks an incoming kho-tmpfs-v1 image must pass
 * before mm/shmem_kho.c builds anything from it. The image comes from
 * another kernel and may be damaged in any way: every offset, length and
 * count is checked against the arrays it points into, every name and
 * target like a path component, and every folio against the handover's
 * memory map. No function here reads outside the image it was given.
 */

#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "shmem_kho_image.h"

/* Large folios reach the page cache only with transparent huge pages. */
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#define SHMEM_KHO_MAX_ORDER	MAX_PAGECACHE_ORDER
#else
#define SHMEM_KHO_MAX_ORDER	0
#endif

/**
 * shmem_kho_counts_ok - are these array sizes within what an image may hold?
 * @nr_dentries:  entries of dentries[]
 * @nr_xattrs:    entries of xattrs[]
 * @nr_folios:    entries of folios[]
 * @strings_size: bytes of strings[]
 *
 * The writer holds to the same limits, so that what one kernel hands over
 * the next one accepts.
 *
 * Return: true when all are within bounds.
 */
bool shmem_kho_counts_ok(u64 nr_dentries, u64 nr_xattrs, u64 nr_folios,
			 u64 strings_size)
{
	return nr_dentries <= SHMEM_KHO_MAX_ENTRIES &&
	       nr_xattrs <= SHMEM_KHO_MAX_ENTRIES &&
	       nr_folios <= SHMEM_KHO_MAX_ENTRIES &&
	       strings_size <= SHMEM_KHO_MAX_ENTRIES * 16ULL;
}

/**
 * shmem_kho_view_init - cut an image into its arrays
 * @v:     filled in
 * @hdr:   the image's header
 * @image: the image, mapped as @hdr->image describes
 *
 * Return: true when the counts are within bounds and the arrays add up to
 * exactly @hdr->image_size, which fits the mapped pages.
 */
bool shmem_kho_view_init(struct shmem_kho_view *v,
			 const struct kho_tmpfs_header *hdr, void *image)
{
	size_t size, part;

	if (hdr->nr_inodes < 1 || hdr->nr_inodes > SHMEM_KHO_MAX_ENTRIES ||
	    !shmem_kho_counts_ok(hdr->nr_dentries, hdr->nr_xattrs,
				 hdr->nr_folios, hdr->strings_size))
		return false;
	/* What kho_restore_vmalloc() mapped; reading beyond it would fault. */
	if (hdr->image_size > (u64)hdr->image.total_pages << PAGE_SHIFT)
		return false;
	v->hdr = hdr;
	v->inodes = image;
	size = hdr->nr_inodes * sizeof(*v->inodes);
	v->dentries = image + size;
	part = hdr->nr_dentries * sizeof(*v->dentries);
	size += part;
	v->xattrs = image + size;
	size += hdr->nr_xattrs * sizeof(*v->xattrs);
	v->folios = image + size;
	size += hdr->nr_folios * sizeof(*v->folios);
	v->strings = image + size;
	size += hdr->strings_size;
	return size == hdr->image_size;
}

static bool shmem_kho_string_ok(const struct shmem_kho_view *v, u64 offset,
				u64 len)
{
	return offset <= v->hdr->strings_size &&
	       len <= v->hdr->strings_size - offset;
}

static const char *shmem_kho_check_xattrs(const struct shmem_kho_view *v,
					  const struct kho_tmpfs_inode *ino)
{
	const struct kho_tmpfs_xattr *x;
	u64 i;

	if (ino->first_xattr > v->hdr->nr_xattrs ||
	    ino->nr_xattrs > v->hdr->nr_xattrs - ino->first_xattr)
		return "xattr range out of bounds";
	for (i = 0; i < ino->nr_xattrs; i++) {
		x = &v->xattrs[ino->first_xattr + i];
		if (!x->name_len || x->name_len > XATTR_NAME_MAX ||
		    x->value_len > XATTR_SIZE_MAX ||
		    !shmem_kho_string_ok(v, x->name, x->name_len) ||
		    !shmem_kho_string_ok(v, x->value, x->value_len) ||
		    memchr(v->strings + x->name, 0, x->name_len))
			return "malformed xattr";
	}
	return NULL;
}

static const char *shmem_kho_check_folios(const struct shmem_kho_view *v,
					  const struct kho_tmpfs_inode *ino)
{
	const struct kho_tmpfs_folio *f;
	u64 i, next = 0, nr;

	if (ino->first_folio > v->hdr->nr_folios ||
	    ino->nr_folios > v->hdr->nr_folios - ino->first_folio)
		return "folio range out of bounds";
	if (ino->nr_folios && !S_ISREG(ino->mode))
		return "folios of a file that is not regular";
	for (i = 0; i < ino->nr_folios; i++) {
		f = &v->folios[ino->first_folio + i];
		if (f->order > SHMEM_KHO_MAX_ORDER)
			return "folio order too large for the page cache";
		nr = 1ULL << f->order;
		if (f->index < next || !IS_ALIGNED(f->index, nr) ||
		    !PAGE_ALIGNED(f->phys))
			return "folios out of order or misaligned";
		if (f->index >= DIV_ROUND_UP(ino->size, PAGE_SIZE))
			return "folio beyond the end of its file";
		if (!kho_pages_preserved(f->phys, nr))
			return "folio memory not preserved";
		next = f->index + nr;
	}
	return NULL;
}

static const char *shmem_kho_check_inode(const struct shmem_kho_view *v,
					 const struct kho_tmpfs_inode *ino)
{
	const char *why;

	switch (ino->mode & S_IFMT) {
	case S_IFLNK:
		if (!ino->size || ino->size >= PAGE_SIZE ||
		    !shmem_kho_string_ok(v, ino->target, ino->size) ||
		    memchr(v->strings + ino->target, 0, ino->size))
			return "malformed symlink target";
		break;
	case S_IFREG:
		if (ino->size > MAX_LFS_FILESIZE)
			return "file size too large";
		break;
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return "unknown file type";
	}
	if (ino->atime_nsec >= NSEC_PER_SEC || ino->mtime_nsec >= NSEC_PER_SEC ||
	    ino->ctime_nsec >= NSEC_PER_SEC)
		return "malformed timestamp";
	/* -1 is no owner: make_kuid() in the initial namespace refuses it. */
	if (ino->uid == (u32)-1 || ino->gid == (u32)-1)
		return "invalid owner";
	why = shmem_kho_check_xattrs(v, ino);
	return why ?: shmem_kho_check_folios(v, ino);
}

/*
 * Names are checked like a path component; a directory is named once, and
 * only after its parent, so that creating in array order always works.
 * @named counts the dentries of each inode.
 */
static const char *shmem_kho_check_dentries(const struct shmem_kho_view *v,
					    u32 *named)
{
	const struct kho_tmpfs_dentry *d;
	const char *name;
	u64 i;

	for (i = 0; i < v->hdr->nr_dentries; i++) {
		d = &v->dentries[i];
		if (!d->inode || d->inode >= v->hdr->nr_inodes ||
		    d->parent >= v->hdr->nr_inodes)
			return "dentry refers to a missing inode";
		if (!S_ISDIR(v->inodes[d->parent].mode) ||
		    (d->parent && !named[d->parent]))
			return "dentry in a directory that does not exist yet";
		if (S_ISDIR(v->inodes[d->inode].mode) && named[d->inode])
			return "directory with more than one name";
		if (!d->name_len || d->name_len > NAME_MAX ||
		    !shmem_kho_string_ok(v, d->name, d->name_len))
			return "malformed name";
		name = v->strings + d->name;
		if (memchr(name, '/', d->name_len) || memchr(name, 0, d->name_len) ||
		    (name[0] == '.' && (d->name_len == 1 ||
					(d->name_len == 2 && name[1] == '.'))))
			return "malformed name";
		named[d->inode]++;
	}
	for (i = 1; i < v->hdr->nr_inodes; i++)
		if (!named[i])
			return "inode without a name";
	return S_ISDIR(v->inodes[0].mode) ? NULL : "root is not a directory";
}

/**
 * shmem_kho_view_pages - pages of file data an image holds
 * @v: a view set up by shmem_kho_view_init()
 *
 * Return: the sum of the pages of all its folios.
 */
unsigned long shmem_kho_view_pages(const struct shmem_kho_view *v)
{
	unsigned long pages = 0;
	u64 i;

	for (i = 0; i < v->hdr->nr_folios; i++)
		pages += 1UL << v->folios[i].order;
	return pages;
}

/**
 * shmem_kho_check_view - check everything a rebuild relies on
 * @v:     a view set up by shmem_kho_view_init()
 * @named: zeroed, one counter per inode; counts each inode's names
 *
 * Return: NULL when a rebuild in array order cannot fail on the image's
 * account, or what is wrong.
 */
const char *shmem_kho_check_view(const struct shmem_kho_view *v, u32 *named)
{
	const char *why = NULL;
	u64 i;

	for (i = 0; !why && i < v->hdr->nr_inodes; i++)
		why = shmem_kho_check_inode(v, &v->inodes[i]);
	return why ?: shmem_kho_check_dentries(v, named);
}
