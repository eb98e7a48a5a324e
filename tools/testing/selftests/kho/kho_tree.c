// SPDX-License-Identifier: GPL-2.0
/*
 * kho_tree: build and describe file trees for the persistent tmpfs tests.
 * It runs in the test guest, where only static busybox is available, so it
 * is one static program with its own SHA-256.
 *
 *   kho_tree make DIR SEED NENTRIES BIGMIB
 *	Build, deterministically from SEED, a tree of at least NENTRIES
 *	entries under the existing directory DIR: nested directories, small
 *	files of pseudo-random contents, hard links, symlinks, a sparse file,
 *	a big file of BIGMIB MiB, a fifo, device nodes, user and trusted
 *	xattrs, varied modes, owners and timestamps (directories last).
 *
 *   kho_tree manifest DIR
 *	One line per entry, "." (DIR itself) first, then sorted by path:
 *	"path type mode uid gid size nlink mtime what [x:name=value]...",
 *	where "what" is sha=SHA256 for regular files, target=T for symlinks,
 *	dev=MAJOR:MINOR for device nodes, link=PATH for the second and later
 *	names of a hard-linked inode, and "-" otherwise. A regular file larger
 *	than 1 MiB with holes gets dsha=SHA256 of its data regions and
 *	data=START-END,... (the regions SEEK_DATA/SEEK_HOLE report) instead.
 *	Neither inode numbers, ctime, atime nor block counts are printed.
 *
 *   kho_tree sum DIR
 *	"entries=N manifest=SHA256": the number of manifest lines and the
 *	SHA-256 of the manifest text.
 *
 *   kho_tree acl FILE [UID [GROUP_PERM]]
 *	With UID, give FILE a POSIX access ACL that also lets user UID read
 *	and write it, and the owning group GROUP_PERM (an octal digit,
 *	default 4: read). Print "acl: N entries" for FILE's access ACL, or
 *	"acl: none" when it has none.
 *
 *   kho_tree mmap FILE
 *	Map all of FILE shared and writable, print "mapped N bytes", then
 *	for each line "OFFSET TEXT" of the standard input store TEXT at
 *	OFFSET through the mapping (plain stores, no system call) and print
 *	"stored OFFSET". The mapping is kept until the input ends.
 *
 * Any error ends the program with a message and exit status 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_DEPTH	6
#define BUF_SIZE	(1024 * 1024)

static void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fprintf(stderr, "kho_tree: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fprintf(stderr, "\n");
	exit(1);
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		die("out of memory");
	return p;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("out of memory");
	return s;
}

/* SHA-256 (FIPS 180-4) */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t used;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->used = 0;
}

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	s->len += len;
	if (s->used) {
		n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->buf + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used < 64)
			return;
		sha256_block(s, s->buf);
		s->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(s, p);
	memcpy(s->buf, p, len);
	s->used = len;
}

/* Finish and write the digest as 64 hex digits and a NUL to @hex. */
static void sha256_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad[72] = { 0x80 };
	size_t n = (s->used < 56 ? 56 : 120) - s->used;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = bits >> (56 - 8 * i);
	sha256_update(s, pad, n + 8);
	for (i = 0; i < 8; i++)
		sprintf(hex + 8 * i, "%08x", s->h[i]);
}

/* make */

static uint64_t rng_state;

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t v;

	for (; len >= 8; p += 8, len -= 8) {
		v = rnd();
		memcpy(p, &v, 8);
	}
	v = rnd();
	memcpy(p, &v, len);
}

struct dir {
	char *path;
	int depth;
};

static struct dir *dirs;
static size_t nr_dirs;
static char **files;		/* regular files, for links to pick from */
static size_t nr_files;
static size_t nr_entries;
static uint8_t *buf;

static const mode_t file_modes[] = {
	0644, 0644, 0644, 0600, 0755, 0444, 0640, 0700, 04755, 02755, 0000,
};

static const mode_t dir_modes[] = { 0755, 0755, 0700, 0555, 01777, 02775, 0750 };

static const unsigned int owners[][2] = {
	{ 0, 0 }, { 0, 0 }, { 1000, 1000 }, { 0, 100 }, { 65534, 65534 },
	{ 1234, 5678 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void rand_time(struct timespec *ts)
{
	switch (below(20)) {
	case 0:		/* before 1970 */
		ts->tv_sec = -(time_t)below(2000000000) - 1;
		break;
	case 1:		/* after 2038 */
		ts->tv_sec = 2200000000LL + below(4000000000ULL);
		break;
	default:
		ts->tv_sec = 1000000000 + below(800000000);
	}
	ts->tv_nsec = below(4) ? below(1000000000) : 0;
}

static void set_times(const char *path)
{
	struct timespec ts[2];

	rand_time(&ts[0]);
	rand_time(&ts[1]);
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW))
		die("utimensat %s", path);
}

static void set_owner(const char *path, unsigned int uid, unsigned int gid)
{
	if (lchown(path, uid, gid))
		die("lchown %s", path);
}

static void set_rand_owner(const char *path)
{
	size_t i = below(ARRAY_SIZE(owners));

	set_owner(path, owners[i][0], owners[i][1]);
}

static void set_xattr(const char *path, const char *name, size_t len)
{
	uint8_t val[4096];

	fill(val, len);
	if (lsetxattr(path, name, val, len, 0))
		die("lsetxattr %s %s (%zu bytes)", path, name, len);
}

/* A few user.* xattrs of random sizes (0 to 300 bytes). */
static void set_rand_xattrs(const char *path)
{
	int i, n = 1 + below(3);
	char name[32];

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "user.k%d", (int)below(1000));
		set_xattr(path, name, below(4) ? below(301) : 0);
	}
}

/* The directory for a new entry: any one, or a deep one now and then. */
static const char *pick_dir(void)
{
	size_t i = below(nr_dirs);

	if (below(8) == 0)
		while (i + 1 < nr_dirs && dirs[i].depth < MAX_DEPTH - 1)
			i++;
	return dirs[i].path;
}

static char *child(const char *dir, const char *name)
{
	if (!strcmp(dir, "."))
		return xasprintf("%s", name);
	return xasprintf("%s/%s", dir, name);
}

static void add_dir(const char *parent, int depth, const char *name)
{
	char *path = child(parent, name);

	if (mkdir(path, 0755))
		die("mkdir %s", path);
	dirs[nr_dirs].path = path;
	dirs[nr_dirs].depth = depth;
	nr_dirs++;
	nr_entries++;
}

static void write_data(int fd, const char *path, uint64_t size)
{
	size_t n;
	ssize_t w;

	while (size) {
		n = size < BUF_SIZE ? size : BUF_SIZE;
		fill(buf, n);
		w = write(fd, buf, n);
		if (w != (ssize_t)n)
			die("write %s", path);
		size -= n;
	}
}

/* Create a regular file of @size random bytes; mode, owner and times next. */
static void add_file(char *path, uint64_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		die("create %s", path);
	write_data(fd, path, size);
	if (close(fd))
		die("close %s", path);
	files[nr_files++] = path;
	nr_entries++;
	/* chown clears set-id bits, so it comes before chmod. */
	set_rand_owner(path);
	if (chmod(path, mode))
		die("chmod %s", path);
	if (below(50) == 0)
		set_rand_xattrs(path);
	set_times(path);
}

static uint64_t rand_size(void)
{
	uint64_t r = below(100);

	if (r < 8)
		return 0;
	if (r < 25)
		return 4096 * (1 + below(5));
	if (r < 30)
		return 4096 * (1 + below(4)) + (below(2) ? 1 : -1);
	return 1 + below(1 + below(20480));
}

static void add_symlink(const char *target, char *path)
{
	if (symlink(target, path))
		die("symlink %s", path);
	nr_entries++;
	if (below(3) == 0)
		set_rand_owner(path);
	set_times(path);
}

static void add_link(const char *old, const char *dir, const char *name)
{
	char *path = child(dir, name);

	if (link(old, path))
		die("link %s %s", old, path);
	nr_entries++;
	free(path);
}

static void add_node(const char *name, mode_t mode, dev_t dev)
{
	if (mknod(name, mode, dev))
		die("mknod %s", name);
	nr_entries++;
	set_rand_owner(name);
	if (chmod(name, mode & 07777))
		die("chmod %s", name);
	set_times(name);
}

/* 1 GiB plus a bit, with data islands: at 0, inside, unaligned, at the end. */
static void add_sparse(const char *name)
{
	static const uint64_t islands[][2] = {
		{ 0, 4096 },
		{ 1 << 20, 4096 },
		{ (300ULL << 20) + 7 * 4096, 4096 },
		{ (512ULL << 20) + 100, 4096 },
		{ (1ULL << 30) - 4096, 4096 },
	};
	uint64_t size = (1ULL << 30) + 1234;
	size_t i;
	int fd;

	fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		die("create %s", name);
	if (ftruncate(fd, size))
		die("ftruncate %s", name);
	for (i = 0; i < ARRAY_SIZE(islands); i++) {
		fill(buf, islands[i][1]);
		if (pwrite(fd, buf, islands[i][1], islands[i][0]) != (ssize_t)islands[i][1])
			die("pwrite %s", name);
	}
	fill(buf, 1234);
	if (pwrite(fd, buf, 1234, size - 1234) != 1234)
		die("pwrite %s", name);
	if (close(fd))
		die("close %s", name);
	nr_entries++;
	set_owner(name, 1000, 1000);
	set_xattr(name, "user.sparse", 8);
	set_times(name);
}

static int cmd_make(const char *root, uint64_t seed, long want, long big_mib)
{
	long nr_d, nr_s, nr_l, nr_f, i;
	char name[300], target[4096];
	const char *dir;
	char *path;
	int fd;

	if (chdir(root))
		die("chdir %s", root);
	umask(0);
	rng_state = seed;
	buf = xmalloc(BUF_SIZE);
	nr_d = want / 25 > 8 ? want / 25 : 8;
	nr_s = want / 40 > 12 ? want / 40 : 12;
	nr_l = want / 100 > 6 ? want / 100 : 6;
	nr_f = want - nr_d - nr_s - nr_l - 10;
	if (nr_f < 20)
		nr_f = 20;
	dirs = xmalloc((nr_d + 2) * sizeof(*dirs));
	files = xmalloc((nr_f + 20) * sizeof(*files));

	/* Directories: a chain MAX_DEPTH deep, then random parents. */
	dirs[0].path = ".";
	dirs[0].depth = 0;
	nr_dirs = 1;
	for (i = 0; i < MAX_DEPTH; i++) {
		snprintf(name, sizeof(name), "d%ld", i);
		add_dir(dirs[nr_dirs - 1].path, i + 1, name);
	}
	for (i = MAX_DEPTH; i < nr_d; i++) {
		struct dir *p;

		do {
			p = &dirs[below(nr_dirs)];
		} while (p->depth >= MAX_DEPTH);
		snprintf(name, sizeof(name), "d%ld", i);
		add_dir(p->path, p->depth + 1, name);
	}

	/* The special files, at the top. */
	add_file(xasprintf("big"), (uint64_t)big_mib << 20, 0644);
	set_xattr("big", "user.big", 4000);
	add_file(xasprintf("setuid"), 1000, 04755);
	add_file(xasprintf("readonly"), 8192, 0444);
	add_file(xasprintf("empty"), 0, 0600);
	set_xattr("empty", "user.empty", 0);
	set_xattr("empty", "trusted.kho", 16);
	add_file(xasprintf("with space"), 10, 0644);
	add_file(xasprintf("\303\274nic\303\266de"), 4097, 0644);
	memset(name, 'n', 255);
	name[255] = '\0';
	add_file(xasprintf("%s", name), 4096, 0600);
	add_file(xasprintf(".hidden"), 1, 0644);
	add_sparse("sparse");
	if (mkfifo("fifo", 0640))
		die("mkfifo fifo");
	nr_entries++;
	set_owner("fifo", 1000, 1000);
	set_times("fifo");
	add_node("chr", S_IFCHR | 0666, makedev(1, 3));
	add_node("chr-big", S_IFCHR | 0600, makedev(4095, 1048575));
	add_node("blk", S_IFBLK | 0660, makedev(8, 1));
	add_node("blk-big", S_IFBLK | 0600, makedev(259, 65536));
	add_dir(".", 1, "sticky");
	dirs[nr_dirs - 1].depth = MAX_DEPTH;	/* not picked for new entries */

	/* Regular files, spread over the directories. */
	for (i = 0; i < nr_f; i++) {
		dir = pick_dir();
		snprintf(name, sizeof(name), "f%ld", i);
		add_file(child(dir, name), rand_size(),
			 file_modes[below(ARRAY_SIZE(file_modes))]);
	}
	fd = open("sticky/f", O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0 || close(fd))
		die("create sticky/f");
	nr_entries++;
	set_owner("sticky/f", 65534, 65534);
	set_times("sticky/f");

	/* Hard links: some inodes get 2 to 4 names, in other directories. */
	for (i = 0; i < nr_l;) {
		const char *old = files[8 + below(nr_files - 8)];
		int j, n = 1 + below(3);
		struct stat st;

		if (lstat(old, &st))
			die("lstat %s", old);
		if (st.st_nlink > 1)
			continue;
		for (j = 0; j < n; j++, i++) {
			snprintf(name, sizeof(name), "h%ld", i);
			add_link(old, j ? pick_dir() : ".", name);
		}
	}

	/* Symlinks: relative, absolute, dangling, long. */
	add_symlink("big", xasprintf("s-rel"));
	add_symlink("d0/d1/d2", xasprintf("s-dir"));
	add_symlink("/bin/busybox", xasprintf("s-abs"));
	add_symlink("does/not/exist", xasprintf("s-dangling"));
	memset(target, 'x', 300);
	memcpy(target, "../", 3);
	target[300] = '\0';
	add_symlink(target, xasprintf("s-long"));
	memset(target, 'y', 4095);
	target[4095] = '\0';
	add_symlink(target, xasprintf("s-max"));
	path = xasprintf("d0/s-up");
	add_symlink("../big", path);
	set_owner(path, 65534, 65534);
	for (i = 7; i < nr_s; i++) {
		const char *to = files[below(nr_files)];

		dir = pick_dir();
		snprintf(name, sizeof(name), "s%ld", i);
		path = child(dir, name);
		if (below(2))
			snprintf(target, sizeof(target), "/kho/%s", to);
		else
			snprintf(target, sizeof(target), "%s%s",
				 strcmp(dir, ".") ? "../" : "", to);
		add_symlink(target, path);
		free(path);
	}

	/* Directories last: xattrs, owner, mode and times, root included. */
	set_xattr(".", "user.root", 33);
	set_xattr(".", "user.root-empty", 0);
	set_xattr("d0", "trusted.dir", 64);
	for (i = 0; i < (long)nr_dirs; i++) {
		const char *p = dirs[i].path;

		if (i && below(10) == 0)
			set_rand_xattrs(p);
		if (i)
			set_rand_owner(p);
		if (!strcmp(p, "sticky")) {
			set_owner(p, 0, 100);
			if (chmod(p, 01777))
				die("chmod %s", p);
		} else if (i && chmod(p, dir_modes[below(ARRAY_SIZE(dir_modes))])) {
			die("chmod %s", p);
		}
		set_times(p);
	}
	fprintf(stderr, "kho_tree: made %zu entries (%zu directories, %zu regular files) in %s\n",
		nr_entries, nr_dirs - 1, nr_files, root);
	return 0;
}

/* manifest and sum */

struct entry {
	char *path;
	struct stat st;
	long first;	/* index of the first name of a hard-linked inode, or -1 */
};

static struct entry *ents;
static size_t nr_ents, max_ents;
static int root_fd;

static void add_entry(const char *path)
{
	struct entry *e;

	if (nr_ents == max_ents) {
		max_ents = max_ents ? 2 * max_ents : 1024;
		ents = realloc(ents, max_ents * sizeof(*ents));
		if (!ents)
			die("out of memory");
	}
	e = &ents[nr_ents++];
	e->path = xasprintf("%s", path);
	e->first = -1;
	if (fstatat(root_fd, path, &e->st, AT_SYMLINK_NOFOLLOW))
		die("lstat %s", path);
}

static void walk(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(root_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		die("open %s", dir);
	d = fdopendir(fd);
	if (!d)
		die("fdopendir %s", dir);
	for (errno = 0; (de = readdir(d)); errno = 0) {
		size_t i = nr_ents;
		char *path;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = child(dir, de->d_name);
		add_entry(path);
		if (S_ISDIR(ents[i].st.st_mode))
			walk(path);
		free(path);
	}
	if (errno)
		die("readdir %s", dir);
	closedir(d);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static int cmp_inode(const void *a, const void *b)
{
	const struct entry *x = &ents[*(const size_t *)a];
	const struct entry *y = &ents[*(const size_t *)b];

	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Bytes outside printable ASCII, spaces, '=' and backslashes as \xHH. */
static void put_escaped(FILE *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c <= ' ' || c >= 0x7f || c == '\\' || c == '=' || c == ',')
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void hash_range(int fd, const char *path, struct sha256 *s,
		       off_t start, off_t end)
{
	ssize_t n;

	while (start < end) {
		size_t want = end - start < BUF_SIZE ? end - start : BUF_SIZE;

		n = pread(fd, buf, want, start);
		if (n <= 0) {
			if (!n)
				errno = 0;
			die("read %s at %lld", path, (long long)start);
		}
		sha256_update(s, buf, n);
		start += n;
	}
}

static void put_file(FILE *out, const struct entry *e)
{
	off_t size = e->st.st_size, pos, hole;
	const char *sep;
	struct sha256 s;
	char hex[65];
	int fd;

	fd = openat(root_fd, e->path, O_RDONLY | O_NOFOLLOW | O_NOATIME);
	if (fd < 0)
		die("open %s", e->path);
	sha256_init(&s);
	hole = size > (1 << 20) ? lseek(fd, 0, SEEK_HOLE) : size;
	if (hole < 0)
		die("lseek SEEK_HOLE %s", e->path);
	if (hole >= size) {
		hash_range(fd, e->path, &s, 0, size);
		sha256_final(&s, hex);
		fprintf(out, " sha=%s", hex);
		close(fd);
		return;
	}
	/* Sparse: hash the data regions and list them. */
	fprintf(out, " data=");
	sep = "";
	for (pos = 0; pos < size; pos = hole) {
		pos = lseek(fd, pos, SEEK_DATA);
		if (pos < 0 && errno == ENXIO)
			break;
		if (pos < 0)
			die("lseek SEEK_DATA %s", e->path);
		hole = lseek(fd, pos, SEEK_HOLE);
		if (hole < 0)
			die("lseek SEEK_HOLE %s", e->path);
		fprintf(out, "%s%lld-%lld", sep, (long long)pos, (long long)hole);
		sep = ",";
		hash_range(fd, e->path, &s, pos, hole);
	}
	sha256_final(&s, hex);
	fprintf(out, " dsha=%s", hex);
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put_xattrs(FILE *out, const struct entry *e)
{
	const char *path = e->path;
	char *names, *name, *list[1024];
	static char val[65536];
	ssize_t len, vlen;
	size_t n = 0, i;

	len = llistxattr(e->path, NULL, 0);
	if (len < 0)
		die("llistxattr %s", e->path);
	if (!len)
		return;
	names = xmalloc(len);
	len = llistxattr(path, names, len);
	if (len < 0)
		die("llistxattr %s", e->path);
	for (name = names; name < names + len; name += strlen(name) + 1) {
		if (strncmp(name, "system.", 7) && n < ARRAY_SIZE(list))
			list[n++] = name;
	}
	qsort(list, n, sizeof(*list), cmp_str);
	for (i = 0; i < n; i++) {
		vlen = lgetxattr(path, list[i], val, sizeof(val));
		if (vlen < 0)
			die("lgetxattr %s %s", e->path, list[i]);
		fprintf(out, " x:");
		put_escaped(out, list[i], strlen(list[i]));
		if (vlen <= 32) {
			ssize_t j;

			fprintf(out, "=hex:");
			for (j = 0; j < vlen; j++)
				fprintf(out, "%02x", (unsigned char)val[j]);
		} else {
			struct sha256 s;
			char hex[65];

			sha256_init(&s);
			sha256_update(&s, val, vlen);
			sha256_final(&s, hex);
			fprintf(out, "=len%zd:sha256:%s", vlen, hex);
		}
	}
	free(names);
}

static char type_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFIFO: return 'p';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFSOCK: return 's';
	}
	return '?';
}

static void put_entry(FILE *out, const struct entry *e)
{
	const struct stat *st = &e->st;
	char target[4097];
	ssize_t n;

	put_escaped(out, e->path, strlen(e->path));
	fprintf(out, " %c %04o %u %u %lld %lu %lld.%09ld", type_of(st->st_mode),
		(unsigned int)(st->st_mode & 07777), (unsigned int)st->st_uid,
		(unsigned int)st->st_gid, (long long)st->st_size,
		(unsigned long)st->st_nlink, (long long)st->st_mtim.tv_sec,
		st->st_mtim.tv_nsec);
	if (e->first >= 0) {
		fprintf(out, " link=");
		put_escaped(out, ents[e->first].path, strlen(ents[e->first].path));
	} else if (S_ISREG(st->st_mode)) {
		put_file(out, e);
	} else if (S_ISLNK(st->st_mode)) {
		n = readlinkat(root_fd, e->path, target, sizeof(target));
		if (n < 0 || n == sizeof(target))
			die("readlink %s", e->path);
		fprintf(out, " target=");
		put_escaped(out, target, n);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		fprintf(out, " dev=%u:%u", major(st->st_rdev), minor(st->st_rdev));
	} else {
		fprintf(out, " -");
	}
	put_xattrs(out, e);
	fputc('\n', out);
}

static void write_manifest(const char *root, FILE *out)
{
	size_t *idx, i;

	root_fd = open(root, O_RDONLY | O_DIRECTORY);
	if (root_fd < 0 || fchdir(root_fd))
		die("open %s", root);
	buf = xmalloc(BUF_SIZE);
	add_entry(".");
	walk(".");
	qsort(ents + 1, nr_ents - 1, sizeof(*ents), cmp_path);

	/* Hard links: the first name in path order carries the contents. */
	idx = xmalloc(nr_ents * sizeof(*idx));
	for (i = 0; i < nr_ents; i++)
		idx[i] = i;
	qsort(idx, nr_ents, sizeof(*idx), cmp_inode);
	for (i = 1; i < nr_ents; i++) {
		struct entry *prev = &ents[idx[i - 1]], *e = &ents[idx[i]];

		if (e->st.st_ino == prev->st.st_ino && !S_ISDIR(e->st.st_mode))
			e->first = prev->first >= 0 ? prev->first : (long)idx[i - 1];
	}
	free(idx);

	for (i = 0; i < nr_ents; i++)
		put_entry(out, &ents[i]);
	if (fflush(out) || ferror(out))
		die("write manifest");
}

static int cmd_sum(const char *root)
{
	struct sha256 s;
	char *text, hex[65];
	size_t len;
	FILE *out;

	out = open_memstream(&text, &len);
	if (!out)
		die("open_memstream");
	write_manifest(root, out);
	fclose(out);
	sha256_init(&s);
	sha256_update(&s, text, len);
	sha256_final(&s, hex);
	printf("entries=%zu manifest=%s\n", nr_ents, hex);
	return 0;
}

/* The kernel's POSIX ACL xattr format (uapi/linux/posix_acl_xattr.h). */
#define ACL_XATTR		"system.posix_acl_access"
#define ACL_XATTR_VERSION	2
#define ACL_USER_OBJ		0x01
#define ACL_USER		0x02
#define ACL_GROUP_OBJ		0x04
#define ACL_MASK		0x10
#define ACL_OTHER		0x20

struct acl_entry {
	uint16_t tag;
	uint16_t perm;
	uint32_t id;
};

struct acl_xattr {
	uint32_t version;
	struct acl_entry entries[5];
};

static int cmd_acl(const char *path, long uid, long group_perm)
{
	struct acl_xattr acl = {
		.version = ACL_XATTR_VERSION,
		.entries = {
			{ ACL_USER_OBJ, 6, -1 },
			{ ACL_USER, 6, 0 },
			{ ACL_GROUP_OBJ, 4, -1 },
			{ ACL_MASK, 6, -1 },
			{ ACL_OTHER, 4, -1 },
		},
	};
	ssize_t len;

	if (uid >= 0) {
		acl.entries[1].id = uid;
		acl.entries[2].perm = group_perm & 7;
		if (setxattr(path, ACL_XATTR, &acl, sizeof(acl), 0))
			die("setxattr %s %s", path, ACL_XATTR);
	}
	len = getxattr(path, ACL_XATTR, &acl, sizeof(acl));
	if (len < 0 && errno == ENODATA) {
		printf("acl: none\n");
		return 0;
	}
	if (len < (ssize_t)sizeof(acl.version))
		die("getxattr %s %s", path, ACL_XATTR);
	printf("acl: %zu entries\n",
	       (len - sizeof(acl.version)) / sizeof(struct acl_entry));
	return 0;
}

static int cmd_mmap(const char *path)
{
	char line[4096], *text, *end;
	unsigned long long off;
	size_t len, size;
	struct stat st;
	uint8_t *map;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st))
		die("open %s", path);
	size = st.st_size;
	if (!size)
		die("%s is empty", path);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s", path);
	close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mapped %zu bytes\n", size);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		errno = 0;
		off = strtoull(line, &end, 0);
		if (errno || end == line || *end != ' ')
			die("bad line '%s'", line);
		text = end + 1;
		len = strlen(text);
		if (off > size || len > size - off) {
			errno = 0;
			die("%zu bytes at %llu are beyond the mapping", len, off);
		}
		memcpy(map + off, text, len);
		printf("stored %llu\n", off);
	}
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: kho_tree make DIR SEED NENTRIES BIGMIB\n"
		"       kho_tree manifest DIR\n"
		"       kho_tree sum DIR\n"
		"       kho_tree acl FILE [UID [GROUP_PERM]]\n"
		"       kho_tree mmap FILE\n");
	exit(2);
}

static long number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < 0)
		print_usage();
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "make"))
		return cmd_make(argv[2], number(argv[3]), number(argv[4]),
				number(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "manifest")) {
		write_manifest(argv[2], stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "sum"))
		return cmd_sum(argv[2]);
	if (argc >= 3 && argc <= 5 && !strcmp(argv[1], "acl"))
		return cmd_acl(argv[2], argc >= 4 ? number(argv[3]) : -1,
			       argc == 5 ? number(argv[4]) : 4);
	if (argc == 3 && !strcmp(argv[1], "mmap"))
		return cmd_mmap(argv[2]);
	print_usage();
	return 2;
}
