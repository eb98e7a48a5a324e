// SPDX-License-Identifier: GPL-2.0
/*
 * shm_shim.so: System V shared memory for programs in the test guest,
 * whose kernel is built without CONFIG_SYSVIPC. Loaded with LD_PRELOAD,
 * it provides shmget(IPC_PRIVATE), shmat, shmdt and shmctl on top of
 * anonymous shared mappings: a segment is mapped at shmget and stays
 * mapped; processes forked after that share it, as they would share an
 * attached System V segment. Enough for fio, which keeps its job table in
 * one private segment; anything else fails with EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define MAX_SEGMENTS	16

static struct {
	void *addr;
	size_t size;
} segments[MAX_SEGMENTS];

static int valid(int id)
{
	return id >= 0 && id < MAX_SEGMENTS && segments[id].addr;
}

int shmget(key_t key, size_t size, int flags)
{
	void *addr;
	int id;

	if (key != IPC_PRIVATE || !(flags & IPC_CREAT) || !size) {
		errno = EINVAL;
		return -1;
	}
	for (id = 0; id < MAX_SEGMENTS && segments[id].addr; id++)
		;
	if (id == MAX_SEGMENTS) {
		errno = ENOSPC;
		return -1;
	}
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		return -1;
	segments[id].addr = addr;
	segments[id].size = size;
	return id;
}

void *shmat(int id, const void *addr, int flags)
{
	(void)flags;
	if (!valid(id) || addr) {
		errno = EINVAL;
		return (void *)-1;
	}
	return segments[id].addr;
}

int shmdt(const void *addr)
{
	(void)addr;
	return 0;
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	if (!valid(id)) {
		errno = EINVAL;
		return -1;
	}
	switch (cmd) {
	case IPC_RMID:
		return 0;
	case IPC_STAT:
		memset(buf, 0, sizeof(*buf));
		buf->shm_segsz = segments[id].size;
		buf->shm_nattch = 1;
		return 0;
	}
	errno = EINVAL;
	return -1;
}
