// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace tests of mm/shmem_kho_image.c: a valid kho-tmpfs-v1 image is
 * accepted; each kind of damage is refused for the right reason; and
 * random damage never makes the checks read outside the image (built with
 * AddressSanitizer, the image sits in a buffer exactly as large as the
 * pages it claims).
 */
#include <stdio.h>
#include <stdlib.h>

#include "shmem_kho_image.h"

#define MAX_INODES	16
#define MAX_DENTRIES	16
#define MAX_XATTRS	8
#define MAX_FOLIOS	8
#define MAX_STRINGS	512

/* An image under construction; build() lays it out as the kernel does. */
struct test_image {
	struct kho_tmpfs_inode inodes[MAX_INODES];
	struct kho_tmpfs_dentry dentries[MAX_DENTRIES];
	struct kho_tmpfs_xattr xattrs[MAX_XATTRS];
	struct kho_tmpfs_folio folios[MAX_FOLIOS];
	char strings[MAX_STRINGS];
	u32 nr_inodes, nr_dentries, nr_xattrs, nr_folios, strings_size;
};

/*
 * The blocks "preserved" in this test's handover, as KHO's map holds them:
 * naturally aligned blocks of 2^order pages.
 */
#define MAX_BLOCKS	1024
static struct {
	u64 phys;
	unsigned int order;
} preserved[MAX_BLOCKS];
static unsigned int nr_preserved;

static void preserve(u64 phys, unsigned int order)
{
	preserved[nr_preserved].phys = phys;
	preserved[nr_preserved++].order = order;
}

/* The largest order preserved at @phys up to @max_order, or -1. */
static int preserved_order(u64 phys, unsigned int max_order)
{
	int order = -1;
	unsigned int i;

	for (i = 0; i < nr_preserved; i++)
		if (preserved[i].phys == phys && preserved[i].order <= max_order &&
		    (int)preserved[i].order > order)
			order = preserved[i].order;
	return order;
}

/* As kernel/liveupdate/kho_restore.c: is the range tiled by blocks? */
bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages)
{
	u64 pfn = phys >> PAGE_SHIFT, end = pfn + nr_pages;
	unsigned int limit;
	int order;

	if (!nr_pages || !PAGE_ALIGNED(phys))
		return false;
	while (pfn < end) {
		limit = 63 - __builtin_clzll(end - pfn);
		if (pfn && (unsigned int)__builtin_ctzll(pfn) < limit)
			limit = __builtin_ctzll(pfn);
		order = preserved_order(pfn << PAGE_SHIFT, limit);
		if (order < 0)
			return false;
		pfn += 1ULL << order;
	}
	return true;
}

/* As kernel/liveupdate/kho_restore.c: is one block of @order at @phys? */
bool kho_folio_preserved(phys_addr_t phys, unsigned int order)
{
	return order <= 10 && IS_ALIGNED(phys, PAGE_SIZE << order) &&
	       preserved_order(phys, 10) == (int)order;
}

static u64 add_string(struct test_image *t, const char *s, size_t len)
{
	u64 offset = t->strings_size;

	memcpy(t->strings + offset, s, len);
	t->strings_size += len;
	return offset;
}

static u32 add_inode(struct test_image *t, u32 mode, u64 size)
{
	struct kho_tmpfs_inode *ino = &t->inodes[t->nr_inodes];

	memset(ino, 0, sizeof(*ino));
	ino->mode = mode;
	ino->uid = 1000;
	ino->gid = 100;
	ino->size = size;
	ino->mtime_sec = 1700000000;
	ino->mtime_nsec = 123456789;
	ino->first_xattr = t->nr_xattrs;
	ino->first_folio = t->nr_folios;
	return t->nr_inodes++;
}

static void add_name(struct test_image *t, u32 parent, const char *name,
		     u32 inode)
{
	struct kho_tmpfs_dentry *d = &t->dentries[t->nr_dentries++];

	d->name_len = strlen(name);
	d->name = add_string(t, name, d->name_len);
	d->parent = parent;
	d->inode = inode;
}

static void add_xattr(struct test_image *t, u32 inode, const char *name,
		      const char *value)
{
	struct kho_tmpfs_xattr *x = &t->xattrs[t->nr_xattrs++];

	x->name_len = strlen(name);
	x->name = add_string(t, name, x->name_len);
	x->value_len = strlen(value);
	x->value = add_string(t, value, x->value_len);
	t->inodes[inode].nr_xattrs++;
}

static void add_folio(struct test_image *t, u32 inode, u64 index,
		      unsigned int order)
{
	struct kho_tmpfs_folio *f = &t->folios[t->nr_folios++];

	f->phys = (u64)(t->nr_folios + 1) << 30;
	f->index = index;
	f->order = order;
	t->inodes[inode].nr_folios++;
	preserve(f->phys, order);
}

/*
 * / (xattr), d/, d/f (two 4 KiB folios, xattr), hl (a hard link to d/f),
 * big (one 2 MiB folio), l -> d/f, fifo, and a character device.
 */
static void make_valid(struct test_image *t)
{
	u32 root, dir, file, big, link;

	memset(t, 0, sizeof(*t));
	nr_preserved = 0;
	root = add_inode(t, S_IFDIR | 0755, 0);
	add_xattr(t, root, "user.root", "");
	dir = add_inode(t, S_IFDIR | 01777, 0);
	file = add_inode(t, S_IFREG | 0644, 3 * PAGE_SIZE + 10);
	add_xattr(t, file, "user.a", "value");
	add_folio(t, file, 0, 0);
	add_folio(t, file, 3, 0);
	big = add_inode(t, S_IFREG | 0600, 2 << 20);
	add_folio(t, big, 0, 9);
	link = add_inode(t, S_IFLNK | 0777, 3);
	t->inodes[link].target = add_string(t, "d/f", 3);
	add_inode(t, S_IFIFO | 0600, 0);
	t->inodes[add_inode(t, S_IFCHR | 0600, 0)].rdev = 0x103;

	add_name(t, root, "d", dir);
	add_name(t, dir, "f", file);
	add_name(t, root, "hl", file);
	add_name(t, root, "big", big);
	add_name(t, root, "l", link);
	add_name(t, root, "fifo", 5);
	add_name(t, root, "null", 6);
}

/* A header and image as the kernel would map them. */
struct mapped {
	struct kho_tmpfs_header hdr;
	void *image;
	size_t mapped_size;
};

static void *copy_section(void *dst, const void *src, size_t bytes)
{
	memcpy(dst, src, bytes);
	return (char *)dst + bytes;
}

static void build(const struct test_image *t, struct mapped *m)
{
	size_t size = t->nr_inodes * sizeof(t->inodes[0]) +
		      t->nr_dentries * sizeof(t->dentries[0]) +
		      t->nr_xattrs * sizeof(t->xattrs[0]) +
		      t->nr_folios * sizeof(t->folios[0]) + t->strings_size;
	void *pos;

	memset(&m->hdr, 0, sizeof(m->hdr));
	memcpy(m->hdr.compatible, KHO_TMPFS_COMPATIBLE,
	       sizeof(KHO_TMPFS_COMPATIBLE));
	m->hdr.header_size = sizeof(m->hdr);
	m->hdr.nr_inodes = t->nr_inodes;
	m->hdr.nr_dentries = t->nr_dentries;
	m->hdr.nr_xattrs = t->nr_xattrs;
	m->hdr.nr_folios = t->nr_folios;
	m->hdr.strings_size = t->strings_size;
	m->hdr.image_size = size;
	m->hdr.image.total_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	m->mapped_size = m->hdr.image.total_pages * PAGE_SIZE;
	m->image = calloc(1, m->mapped_size);
	pos = copy_section(m->image, t->inodes, t->nr_inodes * sizeof(t->inodes[0]));
	pos = copy_section(pos, t->dentries, t->nr_dentries * sizeof(t->dentries[0]));
	pos = copy_section(pos, t->xattrs, t->nr_xattrs * sizeof(t->xattrs[0]));
	pos = copy_section(pos, t->folios, t->nr_folios * sizeof(t->folios[0]));
	copy_section(pos, t->strings, t->strings_size);
}

/*
 * What the kernel's mount would say: NULL for a good image. Like the
 * kernel, it then counts the image's pages against size=. The scratch
 * space starts out as garbage: the checks must not rely on its contents.
 */
static const char *check(const struct mapped *m)
{
	struct shmem_kho_view v;
	const char *why;
	size_t entries;
	u32 *scratch;

	if (!shmem_kho_view_init(&v, &m->hdr, m->image))
		return "array sizes do not add up to the image";
	entries = shmem_kho_scratch_entries(&v);
	scratch = malloc(entries * sizeof(*scratch) + 1);
	memset(scratch, 0xa5, entries * sizeof(*scratch));
	why = shmem_kho_check_view(&v, scratch);
	free(scratch);
	if (!why)
		shmem_kho_view_pages(&v);
	return why;
}

static unsigned int failures, cases;

static void expect(const char *what, const char *got, const char *want)
{
	bool ok = want ? got && strstr(got, want) : !got;

	cases++;
	if (!ok)
		failures++;
	printf("%s - %s: %s\n", ok ? "ok" : "not ok", what,
	       got ? got : "accepted");
}

/* Damage a fresh valid image with @damage, build it, and check it. */
#define DAMAGED(what, want, damage) do {			\
	struct test_image t;					\
	struct mapped m;					\
								\
	make_valid(&t);						\
	damage;							\
	build(&t, &m);						\
	expect(what, check(&m), want);				\
	free(m.image);						\
} while (0)

/* The same, but damage the header after building. */
#define DAMAGED_HDR(what, want, damage) do {			\
	struct test_image t;					\
	struct mapped m;					\
								\
	make_valid(&t);						\
	build(&t, &m);						\
	damage;							\
	expect(what, check(&m), want);				\
	free(m.image);						\
} while (0)

static void test_valid(void)
{
	struct test_image t;
	struct shmem_kho_view v;
	struct mapped m;

	make_valid(&t);
	build(&t, &m);
	expect("a valid image is accepted", check(&m), NULL);
	shmem_kho_view_init(&v, &m.hdr, m.image);
	cases++;
	if (shmem_kho_view_pages(&v) != 2 + 512)
		failures++;
	printf("%s - the valid image holds %lu pages of data (want 514)\n",
	       shmem_kho_view_pages(&v) == 514 ? "ok" : "not ok",
	       shmem_kho_view_pages(&v));
	free(m.image);
}

static void test_sizes(void)
{
	const char *sizes = "do not add up";

	DAMAGED_HDR("no inodes", sizes, m.hdr.nr_inodes = 0);
	DAMAGED_HDR("image one byte longer", sizes, m.hdr.image_size++);
	DAMAGED_HDR("more bytes than the mapped pages", sizes,
		    (m.hdr.image_size = m.mapped_size + 8,
		     m.hdr.strings_size += m.mapped_size + 8 - m.hdr.image_size));
	DAMAGED_HDR("image larger than its pages", sizes,
		    m.hdr.image.total_pages = 0);
	DAMAGED_HDR("2^40 dentries", sizes, m.hdr.nr_dentries = 1ULL << 40);
	DAMAGED_HDR("counts that wrap", sizes,
		    (m.hdr.nr_folios = -1ULL / sizeof(struct kho_tmpfs_folio) + 1));
	DAMAGED_HDR("strings of 2^63 bytes", sizes,
		    m.hdr.strings_size = 1ULL << 63);
}

static void test_dentries(void)
{
	const char *missing = "missing inode", *early = "does not exist yet";

	DAMAGED("parent out of range", missing, t.dentries[1].parent = 99);
	DAMAGED("a name for the root", missing, t.dentries[2].inode = 0);
	DAMAGED("inode out of range", missing, t.dentries[2].inode = 7);
	DAMAGED("parent is a file", early, t.dentries[3].parent = 2);
	DAMAGED("child named before its directory", early,
		(t.dentries[1] = t.dentries[0], t.dentries[0].parent = 1,
		 t.dentries[0].inode = 2, t.dentries[1].parent = 0,
		 t.dentries[1].inode = 1));
	DAMAGED("directory with two names", "more than one name",
		add_name(&t, 0, "d2", 1));
	DAMAGED("inode without a name", "without a name",
		t.dentries[6].inode = 5);
	DAMAGED("name with a slash", "malformed name",
		t.strings[t.dentries[0].name] = '/');
	DAMAGED("name with a NUL", "malformed name",
		t.strings[t.dentries[3].name + 1] = '\0');
	DAMAGED("name \"..\"", "malformed name", add_name(&t, 0, "..", 5));
	DAMAGED("empty name", "malformed name", t.dentries[4].name_len = 0);
	DAMAGED("name beyond the strings", "malformed name",
		t.dentries[4].name = MAX_STRINGS);
	DAMAGED("name length that wraps", "malformed name",
		(t.dentries[4].name = 2, t.dentries[4].name_len = -1U));
	DAMAGED("root is not a directory", "root is not",
		(t.inodes[0].mode = S_IFREG | 0644, t.nr_inodes = 1,
		 t.nr_dentries = 0, t.nr_xattrs = 1, t.nr_folios = 0));
}

static void test_inodes(void)
{
	DAMAGED("unknown file type", "unknown file type",
		t.inodes[5].mode = 0170000);
	DAMAGED("empty symlink", "symlink", t.inodes[4].size = 0);
	DAMAGED("symlink target of a page", "symlink",
		t.inodes[4].size = PAGE_SIZE);
	DAMAGED("symlink target beyond the strings", "symlink",
		t.inodes[4].target = 1ULL << 62);
	DAMAGED("symlink target with a NUL", "symlink",
		t.strings[t.inodes[4].target + 1] = '\0');
	DAMAGED("nanoseconds of a whole second", "timestamp",
		t.inodes[2].ctime_nsec = 1000000000);
	DAMAGED("owner -1", "invalid owner", t.inodes[3].uid = -1U);
	DAMAGED("group -1", "invalid owner", t.inodes[0].gid = -1U);
	DAMAGED("file size beyond MAX_LFS_FILESIZE", "file size",
		t.inodes[2].size = 1ULL << 63);
}

static void test_xattrs(void)
{
	DAMAGED("xattr range past the array", "xattr range",
		t.inodes[2].nr_xattrs = 5);
	DAMAGED("xattr range that wraps", "xattr range",
		(t.inodes[2].first_xattr = -1ULL, t.inodes[2].nr_xattrs = 2));
	DAMAGED("xattr without a name", "malformed xattr",
		t.xattrs[1].name_len = 0);
	DAMAGED("xattr name with a NUL", "malformed xattr",
		t.strings[t.xattrs[1].name + 2] = '\0');
	DAMAGED("xattr value beyond the strings", "malformed xattr",
		t.xattrs[1].value = MAX_STRINGS * 2);
	DAMAGED("xattr value larger than XATTR_SIZE_MAX", "malformed xattr",
		t.xattrs[1].value_len = XATTR_SIZE_MAX + 1);
}

static void test_folios(void)
{
	DAMAGED("folio order above the page cache's", "order",
		t.folios[2].order = 10);
	DAMAGED("folio index not aligned to its order", "misaligned",
		t.folios[2].index = 1);
	DAMAGED("folios out of order", "out of order",
		t.folios[1].index = 0);
	DAMAGED("folio address not page aligned", "misaligned",
		t.folios[0].phys += 8);
	DAMAGED("folio beyond the end of its file", "beyond the end",
		t.folios[1].index = 4);
	DAMAGED("folio memory not preserved", "not preserved",
		t.folios[1].phys += PAGE_SIZE);
	DAMAGED("folio preserved at another order", "not preserved",
		preserved[2].order = 0);
	DAMAGED("folios of a directory", "not regular",
		(t.inodes[1].first_folio = 0, t.inodes[1].nr_folios = 1));
	DAMAGED("folio range past the array", "folio range",
		t.inodes[3].nr_folios = 2);
	DAMAGED("folio range that wraps", "folio range",
		(t.inodes[3].first_folio = -1ULL, t.inodes[3].nr_folios = 2));
}

/*
 * Damage that passed the checks of old and then made the rebuild fail
 * halfway, or freed memory with the handover that no file listed.
 */
static void test_ownership(void)
{
	DAMAGED("a folio entry outside every file's range", "listed by no file",
		t.inodes[3].nr_folios = 0);
	DAMAGED("an unlisted folio entry of order 200", "listed by no file",
		(t.folios[3] = t.folios[0], t.folios[3].phys = 9ULL << 30,
		 t.folios[3].order = 200, t.nr_folios = 4));
	DAMAGED("two files list the same folios", "listed by two files",
		(t.inodes[3].first_folio = 0, t.inodes[3].nr_folios = 2));
	DAMAGED("the folio ranges of two files overlap", "listed by two files",
		(t.inodes[3].size = 4 << 20, t.folios[2].index = 512,
		 t.inodes[3].first_folio = 1, t.inodes[3].nr_folios = 2));
	DAMAGED("an xattr entry of no inode", "listed by no inode",
		t.inodes[2].nr_xattrs = 0);
	DAMAGED("two inodes list the same xattr", "listed by two inodes",
		(t.inodes[1].first_xattr = 1, t.inodes[1].nr_xattrs = 1));
	DAMAGED("an xattr value running into other strings", "strings shared",
		t.xattrs[1].value_len = 20);
}

static void test_folio_memory(void)
{
	unsigned int i;

	DAMAGED("two folio entries for the same memory", "same memory",
		t.folios[1].phys = t.folios[0].phys);
	DAMAGED("a folio inside another folio's memory", "same memory",
		(t.folios[1].phys = t.folios[2].phys + PAGE_SIZE,
		 preserve(t.folios[1].phys, 0)));
	DAMAGED("a 2 MiB folio preserved as 512 pages", "not preserved",
		for (preserved[2].order = 0, i = 1; i < 512; i++)
			preserve(t.folios[2].phys + i * PAGE_SIZE, 0));
	DAMAGED("a 2 MiB folio at an address aligned to 4 KiB only", "misaligned",
		(t.folios[2].phys += PAGE_SIZE, preserved[2].phys += PAGE_SIZE));
}

static void test_names_and_attrs(void)
{
	DAMAGED("a name used twice in one directory", "used twice",
		add_name(&t, 0, "hl", 5));
	DAMAGED("one name in two directories", NULL, add_name(&t, 1, "hl", 5));
	DAMAGED("names that differ in length only", NULL,
		add_name(&t, 0, "h", 5));
	DAMAGED("an xattr of an unknown prefix", "prefix",
		t.strings[t.xattrs[1].name + 3] = 'x');
	DAMAGED("an xattr named by its prefix only", "prefix",
		add_xattr(&t, 2, "user.", "v"));
	DAMAGED("a system.posix_acl_access xattr", "prefix",
		add_xattr(&t, 2, "system.posix_acl_access", "acl"));
	DAMAGED("trusted. and security. xattrs", NULL,
		(add_xattr(&t, 2, "trusted.t", "1"),
		 add_xattr(&t, 2, "security.s", "2")));
	DAMAGED("mode bits above the file type", "malformed mode",
		t.inodes[5].mode |= 0200000);
}

/* xorshift64*: the same damage on every run. */
static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const u64 interesting[] = {
	0, 1, 2, 7, 8, 9, 10, 0x7f, 0xff, 0x1000, 0xffff, 0x10000,
	0x7fffffff, 0xffffffff, 0x100000000ULL, 1ULL << 62, -1ULL, -2ULL,
};

/* Overwrite 1, 2, 4 or 8 bytes at a random place of @p with a value. */
static void damage_bytes(void *p, size_t size)
{
	unsigned int width = 1U << (rng() % 4);
	u64 value = rng() % 2 ? rng() : interesting[rng() % 18];
	size_t at;

	if (size < width)
		return;
	at = rng() % (size - width + 1);
	memcpy((char *)p + at, &value, width);
}

/*
 * Random damage to the counts of the header and to any byte of the image.
 * The image stays in a buffer of exactly its mapped size, so a read past
 * it is an AddressSanitizer report. The header's description of the
 * mapping itself is left alone: it is what the kernel mapped.
 */
static void test_fuzz(unsigned int rounds)
{
	unsigned int round, n, accepted = 0;
	struct test_image t;
	struct mapped valid, m;

	make_valid(&t);
	build(&t, &valid);
	for (round = 0; round < rounds; round++) {
		m = valid;
		m.image = malloc(valid.mapped_size);
		memcpy(m.image, valid.image, valid.mapped_size);
		for (n = 1 + rng() % 4; n; n--) {
			if (rng() % 4)
				damage_bytes(m.image, valid.hdr.image_size);
			else
				damage_bytes(&m.hdr.nr_inodes,
					     offsetof(struct kho_tmpfs_header, image) -
					     offsetof(struct kho_tmpfs_header, nr_inodes));
		}
		if (!check(&m))
			accepted++;
		free(m.image);
	}
	free(valid.image);
	cases++;
	printf("ok - %u randomly damaged images checked, no read outside them",
	       rounds);
	printf(" (%u still valid)\n", accepted);
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 500000;

	test_valid();
	test_sizes();
	test_dentries();
	test_inodes();
	test_xattrs();
	test_folios();
	test_ownership();
	test_folio_memory();
	test_names_and_attrs();
	test_fuzz(rounds);
	printf("%u cases, %u failed\n", cases, failures);
	return failures ? 1 : 0;
}
