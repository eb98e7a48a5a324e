// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs: the checks an incoming kho-tmpfs-v1 image must pass
 * before mm/shmem_kho_in.c builds anything from it. The image comes from
 * another kernel and may be damaged in any way: every offset, length and
 * count is checked against the arrays it points into, every name and
 * target like a path component, and every folio against the handover's
 * memory map. Whatever could make the rebuild fail halfway on the image's
 * account is refused here, while the handover can still stay pending
 * whole. No function here reads outside the image it was given.
 */

#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/xattr.h>

#include "shmem_kho_image.h"

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

/*
 * The prefixes tmpfs keeps in its xattr list, which is what the writer
 * hands over; any other name (system.*, an unknown one, a bare prefix)
 * would make setting it fail during the rebuild.
 */
static bool shmem_kho_xattr_prefix_ok(const char *name, u32 len)
{
	static const char * const prefixes[] = {
		XATTR_SECURITY_PREFIX, XATTR_TRUSTED_PREFIX, XATTR_USER_PREFIX,
	};
	size_t plen;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		plen = strlen(prefixes[i]);
		if (len > plen && !memcmp(name, prefixes[i], plen))
			return true;
	}
	return false;
}

static const char *shmem_kho_check_xattr(const struct shmem_kho_view *v,
					 const struct kho_tmpfs_xattr *x)
{
	if (!x->name_len || x->name_len > XATTR_NAME_MAX ||
	    x->value_len > XATTR_SIZE_MAX ||
	    !shmem_kho_string_ok(v, x->name, x->name_len) ||
	    !shmem_kho_string_ok(v, x->value, x->value_len) ||
	    memchr(v->strings + x->name, 0, x->name_len))
		return "malformed xattr";
	if (!shmem_kho_xattr_prefix_ok(v->strings + x->name, x->name_len))
		return "xattr name without a prefix tmpfs stores";
	return NULL;
}

/* An inode's own fields, and that its ranges lie inside their arrays. */
static const char *shmem_kho_check_inode(const struct shmem_kho_view *v,
					 const struct kho_tmpfs_inode *ino)
{
	if (ino->mode & ~(u32)(S_IFMT | 07777))
		return "malformed mode";
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
	if (ino->first_xattr > v->hdr->nr_xattrs ||
	    ino->nr_xattrs > v->hdr->nr_xattrs - ino->first_xattr)
		return "xattr range out of bounds";
	if (ino->nr_xattrs && !IS_ENABLED(CONFIG_TMPFS_XATTR))
		return "xattrs, which this kernel's tmpfs does not support";
	if (ino->first_folio > v->hdr->nr_folios ||
	    ino->nr_folios > v->hdr->nr_folios - ino->first_folio)
		return "folio range out of bounds";
	if (ino->nr_folios && !S_ISREG(ino->mode))
		return "folios of a file that is not regular";
	return NULL;
}

/* Count @nr entries from @first as listed; false if one was listed before. */
static bool shmem_kho_list_range(u32 *listed, u64 first, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (listed[first + i]++)
			return false;
	return true;
}

static bool shmem_kho_all_listed(const u32 *listed, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (!listed[i])
			return false;
	return true;
}

/*
 * The inodes' xattr and folio ranges must each partition their array: an
 * entry that no inode lists is never checked, yet a folio entry would be
 * freed with the handover; one that two inodes list is restored twice.
 * This also bounds the work of the checks and the rebuild by the arrays'
 * sizes. @listed has a slot per xattr and per folio entry.
 */
static const char *shmem_kho_check_owners(const struct shmem_kho_view *v,
					  u32 *listed)
{
	const struct kho_tmpfs_inode *ino;
	u64 i;

	memset(listed, 0, v->hdr->nr_xattrs * sizeof(*listed));
	for (i = 0; i < v->hdr->nr_inodes; i++) {
		ino = &v->inodes[i];
		if (!shmem_kho_list_range(listed, ino->first_xattr, ino->nr_xattrs))
			return "xattr entry listed by two inodes";
	}
	if (!shmem_kho_all_listed(listed, v->hdr->nr_xattrs))
		return "xattr entry listed by no inode";

	memset(listed, 0, v->hdr->nr_folios * sizeof(*listed));
	for (i = 0; i < v->hdr->nr_inodes; i++) {
		ino = &v->inodes[i];
		if (!shmem_kho_list_range(listed, ino->first_folio, ino->nr_folios))
			return "folio entry listed by two files";
	}
	if (!shmem_kho_all_listed(listed, v->hdr->nr_folios))
		return "folio entry listed by no file";
	return NULL;
}

/*
 * Each string is stored once, so the strings the entries use add up to
 * at most strings[]: shared strings could make a small image ask the
 * rebuild for far more memory than the previous kernel had.
 */
static const char *shmem_kho_check_string_use(const struct shmem_kho_view *v)
{
	u64 used = 0, i;

	for (i = 0; i < v->hdr->nr_dentries; i++)
		used += v->dentries[i].name_len;
	for (i = 0; i < v->hdr->nr_xattrs; i++)
		used += (u64)v->xattrs[i].name_len + v->xattrs[i].value_len;
	for (i = 0; i < v->hdr->nr_inodes; i++)
		if (S_ISLNK(v->inodes[i].mode))
			used += v->inodes[i].size;
	return used > v->hdr->strings_size ? "strings shared between entries" : NULL;
}

/* The folios of a regular file, which lie inside folios[] by now. */
static const char *shmem_kho_check_folios(const struct shmem_kho_view *v,
					  const struct kho_tmpfs_inode *ino)
{
	const struct kho_tmpfs_folio *f;
	u64 i, next = 0, nr;

	for (i = 0; i < ino->nr_folios; i++) {
		f = &v->folios[ino->first_folio + i];
		if (f->order > SHMEM_KHO_MAX_ORDER)
			return "folio order too large for the page cache";
		nr = 1ULL << f->order;
		if (f->index < next || !IS_ALIGNED(f->index, nr) ||
		    !IS_ALIGNED(f->phys, nr << PAGE_SHIFT))
			return "folios out of order or misaligned";
		if (f->index >= DIV_ROUND_UP(ino->size, PAGE_SIZE))
			return "folio beyond the end of its file";
		/* Not kho_pages_preserved(): smaller blocks would pass it. */
		if (!kho_folio_preserved(f->phys, f->order))
			return "folio memory not preserved";
		next = f->index + nr;
	}
	return NULL;
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

static int shmem_kho_cmp_phys(const void *a, const void *b, const void *priv)
{
	const struct kho_tmpfs_folio *folios = priv;
	u64 pa = folios[*(const u32 *)a].phys, pb = folios[*(const u32 *)b].phys;

	return pa < pb ? -1 : pa > pb;
}

/*
 * No two folios may share memory, or the second restore of it would fail
 * halfway through the rebuild. Every entry's order is checked by now.
 * @order has one slot per folio entry.
 */
static const char *shmem_kho_check_folio_memory(const struct shmem_kho_view *v,
						u32 *order)
{
	const struct kho_tmpfs_folio *f, *next;
	u64 i;

	for (i = 0; i < v->hdr->nr_folios; i++)
		order[i] = i;
	sort_r(order, v->hdr->nr_folios, sizeof(*order), shmem_kho_cmp_phys,
	       NULL, v->folios);
	for (i = 1; i < v->hdr->nr_folios; i++) {
		f = &v->folios[order[i - 1]];
		next = &v->folios[order[i]];
		if (next->phys - f->phys < (PAGE_SIZE << f->order))
			return "two folios in the same memory";
	}
	return NULL;
}

static int shmem_kho_cmp_names(const void *a, const void *b, const void *priv)
{
	const struct shmem_kho_view *v = priv;
	const struct kho_tmpfs_dentry *da = &v->dentries[*(const u32 *)a];
	const struct kho_tmpfs_dentry *db = &v->dentries[*(const u32 *)b];
	int diff;

	if (da->parent != db->parent)
		return da->parent < db->parent ? -1 : 1;
	diff = memcmp(v->strings + da->name, v->strings + db->name,
		      min(da->name_len, db->name_len));
	if (diff)
		return diff;
	return da->name_len < db->name_len ? -1 : da->name_len > db->name_len;
}

/*
 * A name used twice in one directory would fail to be created the second
 * time. Every name is checked to lie in strings[] by now.
 * @order has one slot per dentry.
 */
static const char *shmem_kho_check_unique_names(const struct shmem_kho_view *v,
						u32 *order)
{
	u64 i;

	for (i = 0; i < v->hdr->nr_dentries; i++)
		order[i] = i;
	sort_r(order, v->hdr->nr_dentries, sizeof(*order), shmem_kho_cmp_names,
	       NULL, v);
	for (i = 1; i < v->hdr->nr_dentries; i++)
		if (!shmem_kho_cmp_names(&order[i - 1], &order[i], v))
			return "name used twice in one directory";
	return NULL;
}

/**
 * shmem_kho_view_pages - pages of file data an image holds
 * @v: a view that shmem_kho_check_view() accepted
 *
 * Return: the sum of the pages of all its folios; an entry of an order
 * above what the page cache holds counts as none.
 */
unsigned long shmem_kho_view_pages(const struct shmem_kho_view *v)
{
	unsigned long pages = 0;
	u64 i;

	for (i = 0; i < v->hdr->nr_folios; i++)
		if (v->folios[i].order <= SHMEM_KHO_MAX_ORDER)
			pages += 1UL << v->folios[i].order;
	return pages;
}

/**
 * shmem_kho_scratch_entries - size of the scratch shmem_kho_check_view() needs
 * @v: a view set up by shmem_kho_view_init()
 *
 * Return: the number of u32 entries: the largest of the image's inode,
 * dentry, xattr and folio counts.
 */
size_t shmem_kho_scratch_entries(const struct shmem_kho_view *v)
{
	u64 n = v->hdr->nr_inodes;

	if (v->hdr->nr_dentries > n)
		n = v->hdr->nr_dentries;
	if (v->hdr->nr_xattrs > n)
		n = v->hdr->nr_xattrs;
	if (v->hdr->nr_folios > n)
		n = v->hdr->nr_folios;
	return n;
}

/**
 * shmem_kho_check_view - check everything a rebuild relies on
 * @v:       a view set up by shmem_kho_view_init()
 * @scratch: shmem_kho_scratch_entries() u32s of work space, any contents
 *
 * Checks every entry of every array once: each xattr and inode, that the
 * inodes' xattr and folio ranges partition their arrays, that no string
 * is shared, each folio against the handover's memory map and that no two
 * share memory, and the names, each unique in its directory.
 *
 * Return: NULL when a rebuild in array order cannot fail on the image's
 * account, or what is wrong.
 */
const char *shmem_kho_check_view(const struct shmem_kho_view *v, u32 *scratch)
{
	const char *why = NULL;
	u64 i;

	for (i = 0; !why && i < v->hdr->nr_xattrs; i++)
		why = shmem_kho_check_xattr(v, &v->xattrs[i]);
	for (i = 0; !why && i < v->hdr->nr_inodes; i++)
		why = shmem_kho_check_inode(v, &v->inodes[i]);
	why = why ?: shmem_kho_check_owners(v, scratch);
	/* Each folio entry is looked at once now, whatever the inodes say. */
	for (i = 0; !why && i < v->hdr->nr_inodes; i++)
		why = shmem_kho_check_folios(v, &v->inodes[i]);
	why = why ?: shmem_kho_check_folio_memory(v, scratch);
	if (why)
		return why;
	memset(scratch, 0, v->hdr->nr_inodes * sizeof(*scratch));
	why = shmem_kho_check_dentries(v, scratch);
	why = why ?: shmem_kho_check_unique_names(v, scratch);
	return why ?: shmem_kho_check_string_use(v);
}
