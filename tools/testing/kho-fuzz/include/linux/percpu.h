/* SPDX-License-Identifier: GPL-2.0-only */
/* One CPU: a per-CPU variable is a plain one. */
#ifndef _KHO_FUZZ_PERCPU_H
#define _KHO_FUZZ_PERCPU_H

#define DEFINE_PER_CPU(type, name)	type name
#define get_cpu_ptr(var)		(var)
#define put_cpu_ptr(var)		((void)(var))

#endif
