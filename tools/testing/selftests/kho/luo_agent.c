// SPDX-License-Identifier: GPL-2.0
/*
 * luo_agent: a live-update agent for the tests, run in the guest.
 *
 *   luo_agent preserve SPEC...   create each session, fill a memfd and
 *                                preserve it, then stay alive holding the
 *                                sessions (until kexec -e)
 *   luo_agent retrieve SPEC...   retrieve each session and memfd, check
 *                                size, seals, position and every byte,
 *                                then finish the session
 *   luo_agent relay SPEC...      retrieve and check each session, then
 *                                preserve each memfd again in a new session
 *                                of the same name, and stay alive: the
 *                                middle kernel of a chain
 *   luo_agent missing NAME       retrieving NAME must fail with ENOENT
 *   luo_agent missing NAME:TOKEN NAME is retrieved, TOKEN in it must fail
 *                                with ENOENT; closing the session then
 *                                releases the files nobody retrieved
 *
 * SPEC is SESSION:TOKEN:MIB[:FLAGS], FLAGS a list (any separator) of "seal" (seal
 * against growing and shrinking), "sparse" (only even MiBs written, the
 * rest left holes) and "late" (the first page is written again after
 * preserving, which the next kernel must see). Every result is one line
 * "KT: luo ..." on standard output; the exit code is the number of
 * failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/liveupdate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB		(1024UL * 1024)
#define POS_OF(token)	((token) * 4096 + 123)

struct spec {
	char session[LIVEUPDATE_SESSION_NAME_LENGTH];
	__u64 token;
	unsigned long mib;
	int seal, sparse, late;
};

static int failures;

static void fail(const char *what, const struct spec *s)
{
	printf("KT: luo FAIL %s: %s (token %llu): %s\n", what,
	       s ? s->session : "-", s ? s->token : 0, strerror(errno));
	failures++;
}

static int parse(const char *arg, struct spec *s)
{
	char flags[64] = "";

	memset(s, 0, sizeof(*s));
	if (sscanf(arg, "%63[^:]:%llu:%lu:%63s", s->session, &s->token,
		   &s->mib, flags) < 3)
		return -1;
	s->seal = !!strstr(flags, "seal");
	s->sparse = !!strstr(flags, "sparse");
	s->late = !!strstr(flags, "late");
	return 0;
}

/* The word at byte @off of the memfd of @token, pass @pass (0 or 1). */
static __u64 word(__u64 token, __u64 off, int pass)
{
	__u64 x = token * 0x9e3779b97f4a7c15ULL ^ off ^ ((__u64)pass << 63);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

static void fill(__u64 *buf, __u64 token, __u64 off, size_t len,
		 int pass)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		buf[i] = word(token, off + i * 8, pass);
}

static int luo_open(void)
{
	int fd = open("/dev/liveupdate", O_RDWR);

	if (fd < 0)
		fail("open /dev/liveupdate", NULL);
	return fd;
}

/* Create session @s->session and preserve @mfd in it as @s->token. */
static int session_preserve(int luo, const struct spec *s, int mfd)
{
	struct liveupdate_ioctl_create_session create = { .size = sizeof(create) };
	struct liveupdate_session_preserve_fd pfd = { .size = sizeof(pfd) };

	memcpy(create.name, s->session, sizeof(create.name));
	if (ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &create)) {
		fail("create session", s);
		return -1;
	}
	pfd.fd = mfd;
	pfd.token = s->token;
	if (ioctl(create.fd, LIVEUPDATE_SESSION_PRESERVE_FD, &pfd)) {
		fail("preserve", s);
		return -1;
	}
	return 0;
}

static int preserve(int luo, const struct spec *s, __u64 *buf)
{
	unsigned long m;
	int mfd;

	mfd = memfd_create("luo_agent", MFD_ALLOW_SEALING);
	if (mfd < 0 || ftruncate(mfd, s->mib * MIB)) {
		fail("memfd", s);
		return -1;
	}
	for (m = 0; m < s->mib; m++) {
		if (s->sparse && m % 2)
			continue;
		fill(buf, s->token, m * MIB, MIB, 0);
		if (pwrite(mfd, buf, MIB, m * MIB) != (ssize_t)MIB) {
			fail("write", s);
			return -1;
		}
	}
	if (s->seal && fcntl(mfd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK)) {
		fail("seal", s);
		return -1;
	}
	lseek(mfd, POS_OF(s->token), SEEK_SET);
	if (session_preserve(luo, s, mfd))
		return -1;
	if (s->late) {
		fill(buf, s->token, 0, 4096, 1);
		if (pwrite(mfd, buf, 4096, 0) != 4096)
			fail("late write", s);
		/* Growing a preserved memfd is refused until kexec. */
		if (!s->seal && ftruncate(mfd, (s->mib + 1) * MIB) == 0) {
			errno = 0;
			fail("growing a preserved memfd succeeded", s);
		}
	}
	printf("KT: luo preserved %s token %llu %lu MiB\n", s->session,
	       s->token, s->mib);
	return 0;
}

/* Compare the memfd with what preserve() wrote; returns wrong bytes' MiBs. */
static unsigned long check_data(int mfd, const struct spec *s, __u64 *buf,
				__u64 *want)
{
	unsigned long m, bad = 0;

	for (m = 0; m < s->mib; m++) {
		if (pread(mfd, buf, MIB, m * MIB) != (ssize_t)MIB) {
			bad++;
			continue;
		}
		if (s->sparse && m % 2)
			memset(want, 0, MIB);
		else
			fill(want, s->token, m * MIB, MIB, 0);
		if (s->late && !m)
			fill(want, s->token, 0, 4096, 1);
		bad += !!memcmp(buf, want, MIB);
	}
	return bad;
}

/* Returns the retrieved memfd (closed unless @keep), or -1. */
static int retrieve(int luo, const struct spec *s, __u64 *buf,
		    __u64 *want, int keep)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rfd = { .size = sizeof(rfd) };
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	int seals, want_seals = s->seal ? F_SEAL_GROW | F_SEAL_SHRINK : 0;
	unsigned long bad;
	struct stat st;
	off_t pos;

	memcpy(rs.name, s->session, sizeof(rs.name));
	if (ioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs)) {
		fail("session retrieval", s);
		return -1;
	}
	rfd.token = s->token;
	if (ioctl(rs.fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rfd)) {
		fail("file retrieval", s);
		return -1;
	}
	seals = fcntl(rfd.fd, F_GET_SEALS);
	pos = lseek(rfd.fd, 0, SEEK_CUR);
	if (fstat(rfd.fd, &st) || st.st_size != (off_t)(s->mib * MIB) ||
	    seals != want_seals || pos != (off_t)POS_OF(s->token)) {
		errno = 0;
		printf("KT: luo FAIL %s: size %lld seals %#x pos %lld\n",
		       s->session, (long long)st.st_size, seals, (long long)pos);
		failures++;
	}
	bad = check_data(rfd.fd, s, buf, want);
	if (ioctl(rs.fd, LIVEUPDATE_SESSION_FINISH, &fin))
		fail("finish", s);
	printf("KT: luo retrieved %s token %llu %lu MiB: %s\n",
	       s->session, s->token, s->mib, bad ? "DIFFERENT" : "same bytes");
	failures += !!bad;
	close(rs.fd);
	if (keep)
		return rfd.fd;
	close(rfd.fd);
	return 0;
}

/* A token that was never preserved in session @name. */
static void missing_token(int luo, const char *name, __u64 token)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rfd = { .size = sizeof(rfd), .token = token };

	snprintf((char *)rs.name, sizeof(rs.name), "%s", name);
	if (ioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs)) {
		printf("KT: luo FAIL retrieving %s: %s\n", name, strerror(errno));
		failures++;
		return;
	}
	if (!ioctl(rs.fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rfd) || errno != ENOENT) {
		printf("KT: luo FAIL token %llu of %s: %s\n", token, name, strerror(errno));
		failures++;
	} else {
		printf("KT: luo %s token %llu: ENOENT\n", name, token);
	}
	close(rs.fd);
}

static void missing(int luo, const char *arg)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	__u64 token;

	if (sscanf(arg, "%63[^:]:%llu", name, &token) == 2) {
		missing_token(luo, name, token);
		return;
	}
	snprintf((char *)rs.name, sizeof(rs.name), "%s", arg);
	if (!ioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs) ||
	    errno != ENOENT) {
		printf("KT: luo FAIL retrieving %s: %s\n", arg, strerror(errno));
		failures++;
		return;
	}
	printf("KT: luo %s: ENOENT\n", arg);
}

int main(int argc, char **argv)
{
	__u64 *buf = malloc(MIB), *want = malloc(MIB);
	struct spec s;
	int luo, i;

	if (argc < 3 || !buf || !want)
		return 100;
	luo = luo_open();
	if (luo < 0)
		return 1;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[1], "missing")) {
			missing(luo, argv[i]);
			continue;
		}
		if (parse(argv[i], &s)) {
			printf("KT: luo FAIL bad spec %s\n", argv[i]);
			return 100;
		}
		if (!strcmp(argv[1], "preserve")) {
			preserve(luo, &s, buf);
		} else if (!strcmp(argv[1], "relay")) {
			int mfd = retrieve(luo, &s, buf, want, 1);

			if (mfd >= 0 && !session_preserve(luo, &s, mfd))
				printf("KT: luo preserved again %s token %llu\n",
				       s.session, s.token);
		} else {
			retrieve(luo, &s, buf, want, 0);
		}
	}
	printf("KT: luo %s: %d failures\n", argv[1], failures);
	fflush(stdout);
	if (!strcmp(argv[1], "preserve") || !strcmp(argv[1], "relay")) {
		/* The sessions live as long as this process: until kexec -e. */
		close(luo);
		if (!failures) {
			close(open("/tmp/luo-ready", O_CREAT | O_WRONLY, 0644));
			for (;;)
				pause();
		}
	}
	return failures;
}
